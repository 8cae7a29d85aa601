/**
 * The caller lookup asked of the central store over HTTP (GET /lookup/phone), on both backends:
 * any written form of a number finds the customer by its stored E.164; bad input gets a clear error.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../server/src/app';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { loginResponse, serverError } from '../../src-shared/contracts/server-auth';
import { pgliteBackend, postgresBackend, postgresSkipReason, type StoreBackend, type StoreLocation } from '../helpers/server-db';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const CUSTOMER = '0b9c5e1d-7a53-4c1e-9d0a-0000000000a1';
/** Customers saved with numbers the phone library cannot read, kept unverified under their digits (issue 18). */
const UNVERIFIED = [
  { id: '0b9c5e1d-7a53-4c1e-9d0a-0000000000b1', name: 'Frédérique Citeaux', raw: '88.60.15.31', region: 'FR', typed: ['88.60.15.31', '88 60 15 31', '88601531', '+33 88 60 15 31'] },
  { id: '0b9c5e1d-7a53-4c1e-9d0a-0000000000b2', name: 'Ana Trujillo', raw: '(5) 555-4729', region: 'MX', typed: ['(5) 555-4729', '5 555 4729', '+52 5 555 4729'] },
  { id: '0b9c5e1d-7a53-4c1e-9d0a-0000000000b3', name: 'Pascale Cartrain', raw: '(071) 23 67 22 20', region: 'BE', typed: ['(071) 23 67 22 20', '071 236 722 20'] },
];

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`phone lookup on the central store (${backend.name})`, () => {
    let location: StoreLocation;
    let store: Store;
    let app: FastifyInstance;
    let token: string;

    beforeAll(async () => {
      if (skipReason) return;
      location = await backend.freshLocation();
      store = await location.open();
      app = buildServer({ store, logger: false });
      await app.ready();
      await createUser(store.db, { username: 'carl', displayName: 'Carl CSR', role: 'csr', password: 'battery staple' }, FAST_SCRYPT);
      await store.db.execute(sql`insert into customers (id, first_name, last_name, created_at, updated_at) values (${CUSTOMER}, 'Zoë', 'Ångström', 0, 0)`);
      await store.db.execute(sql`insert into customer_phones (id, customer_id, e164, raw, is_primary) values (gen_random_uuid(), ${CUSTOMER}, '+442079460958', '020 7946 0958', true)`);
      await store.db.execute(sql`insert into customer_emails (id, customer_id, email, is_primary) values (gen_random_uuid(), ${CUSTOMER}, 'zoe@example.co.uk', true)`);
      for (const u of UNVERIFIED) {
        const [first, last] = u.name.split(' ');
        await store.db.execute(sql`insert into customers (id, first_name, last_name, created_at, updated_at) values (${u.id}, ${first}, ${last}, 0, 0)`);
        await store.db.execute(
          sql`insert into customer_phones (id, customer_id, e164, raw, is_primary, verified) values (gen_random_uuid(), ${u.id}, ${u.raw.replace(/\D/g, '')}, ${u.raw}, true, false)`,
        );
      }
      const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'carl', password: 'battery staple' } });
      token = loginResponse.parse(res.json().value).token;
    });

    afterAll(async () => {
      await app?.close();
      await store?.close();
      await location?.dispose();
    });

    beforeEach((ctx) => {
      if (skipReason) ctx.skip(skipReason);
    });

    const lookup = (query: string, auth = true) =>
      app.inject({ method: 'GET', url: `/lookup/phone?${query}`, headers: auth ? { authorization: `Bearer ${token}` } : {} });

    it.each(['number=020%207946%200958&region=GB', 'number=%2B44%2020%207946%200958', 'number=0044%2020%207946%200958'])('finds the customer from %s', async (query) => {
      const res = await lookup(query);
      expect(res.statusCode).toBe(200);
      const value = res.json().value as { e164: string; hits: { customerId: string; displayName: string; email: string | null }[] };
      expect(value.e164).toBe('+442079460958');
      expect(value.hits).toEqual([expect.objectContaining({ customerId: CUSTOMER, displayName: 'Zoë Ångström', email: 'zoe@example.co.uk' })]);
    });

    it('answers an unknown number with no hits, and refuses text that is not a number', async () => {
      const unknown = await lookup('number=%2B15550107788');
      expect(unknown.statusCode).toBe(200);
      expect(unknown.json().value.hits).toEqual([]);
      const bad = await lookup('number=hello');
      expect(bad.statusCode).toBe(400);
      expect(serverError.parse(bad.json()).error.code).toBe('unparseable_phone');
      const badRegion = await lookup('number=123&region=ZZZ');
      expect(badRegion.statusCode).toBe(400);
    });

    it('finds a customer saved with an unverified number by the digits typed, in the region of the workstation asking', async () => {
      for (const u of UNVERIFIED) {
        for (const typed of u.typed) {
          const res = await lookup(`number=${encodeURIComponent(typed)}&region=${u.region}`);
          expect(res.statusCode, `${typed} in ${u.region}: ${res.body}`).toBe(200);
          const value = res.json().value as { hits: { customerId: string; verified: boolean }[] };
          expect(value.hits, `${typed} in ${u.region}`).toEqual([expect.objectContaining({ customerId: u.id, verified: false })]);
        }
      }
      // A readable number still finds only its own customer, verified.
      const zoe = (await lookup('number=%2B442079460958')).json().value as { hits: { customerId: string; verified: boolean }[] };
      expect(zoe.hits).toEqual([expect.objectContaining({ customerId: CUSTOMER, verified: true })]);
    });

    it('needs a signed-in user', async () => {
      const res = await lookup('number=%2B442079460958', false);
      expect(res.statusCode).toBe(401);
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
