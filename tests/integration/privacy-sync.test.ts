/**
 * Consent and erasure reaching workstations through sync (issue 23): the real store (Fastify over
 * PGlite on 127.0.0.1), two real caches, the real pull client and page applier, the real push loop.
 * - A consent change per channel made on one workstation (with on whose word) reaches the store
 *   and the other workstation, history and all.
 * - A customer erased on the store: the workstation online drops them at its next pull (the
 *   anonymised row replaces the old one: name search and phone lookup no longer find them); the
 *   one offline at the time logged a complaint for them meanwhile, and at its next sync the
 *   complaint is on the store anonymously, the person not resurrected, and its cache no longer
 *   finds them either.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../server/src/auth/sessions';
import { ComplaintLog } from '../../src-main/core/complaints/complaint-log';
import { ProfileEditor } from '../../src-main/core/customer/profile-editor';
import { ensureClientId } from '../../src-main/core/db/open';
import { buildDeferredIndexes } from '../../src-main/core/db/deferred-indexes';
import { createReadHandlers, type ReadContext } from '../../src-main/core/rpc/handlers';
import { dispatch } from '../../src-main/core/rpc/dispatch';
import { PageApplier } from '../../src-main/core/sync/page-applier';
import { PushLoop } from '../../src-main/core/sync/push-loop';
import { PushQueue } from '../../src-main/core/sync/push-queue';
import { StoreClient } from '../../src-main/core/sync/store-client';
import { HELD_TOKEN_KEY } from '../../src-main/core/sync/sync-engine';
import type { LookupSearchOutput } from '../../src-shared/contracts/lookup';
import { SYNC_TABLE_NAMES } from '../../src-shared/sync/tables';
import { tempCache, type TempCache } from '../helpers/cache';
import { StoreServer } from '../helpers/store-server';

const CARL = { username: 'carl', password: 'carl phones all day' };
const T0 = Date.UTC(2026, 10, 2, 9);
const ALICE = { id: randomUUID(), first: 'Alicia', last: 'Quellwater', phone: '+442079460111', email: 'alicia@example.com' };

const server = new StoreServer();

class Workstation {
  readonly cache: TempCache;
  private token = '';
  constructor(name: string) {
    this.cache = tempCache(`switchboard-privacy-${name}-`);
  }

  private async signIn(client: StoreClient): Promise<string> {
    const held = this.cache.db.$client.prepare(`SELECT value FROM cache_meta WHERE key = ?`).pluck().get(HELD_TOKEN_KEY) as string | undefined;
    const login = await client.login(CARL.username, CARL.password, { id: ensureClientId(this.cache.db), name: 'desk' }, undefined, held);
    if (!login.ok) throw new Error(login.failure.message);
    this.token = login.value.workstationToken ?? login.value.token;
    this.cache.db.$client.prepare(`INSERT OR REPLACE INTO cache_meta (key, value) VALUES (?, ?)`).run(HELD_TOKEN_KEY, this.token);
    return this.token;
  }

  /** Pushes the outbox, then pulls to the end: one sync. */
  async sync(): Promise<void> {
    const client = new StoreClient({ serverUrl: server.url });
    const token = await this.signIn(client);
    const clientId = ensureClientId(this.cache.db);
    await new PushLoop({ outbox: new PushQueue(this.cache.db.$client), push: (body) => client.push(token, body), clientId, now: Date.now, log: () => {} }).pushAll();
    const applier = new PageApplier(this.cache.db.$client);
    let cursor = applier.readCursor().cursor;
    const plan = cursor === null ? applier.beginSnapshot(SYNC_TABLE_NAMES) : null;
    for (;;) {
      const page = await client.pull(token, { clientId, cursor, limit: 100 });
      if (!page.ok) throw new Error(page.failure.message);
      applier.apply(page.value, { snapshot: page.value.phase === 'snapshot' ? plan : null, saveCursor: true });
      cursor = page.value.cursor;
      if (!page.value.hasMore) break;
    }
    // A first copy defers the directory's indexes (name search, phone lookup) to its end, as the sync engine does.
    buildDeferredIndexes(this.cache.db.$client);
  }

  search(query: string): LookupSearchOutput {
    const ctx: ReadContext = { db: this.cache.db, defaultRegion: 'GB', host: 'browser-host', version: 'test', agentId: 'carl', agentRole: 'csr', now: () => T0 };
    const r = dispatch(createReadHandlers(ctx), 'lookup:search', { query }) as { ok: boolean; value: LookupSearchOutput };
    expect(r.ok).toBe(true);
    return r.value;
  }

  row<T>(query: string, ...params: unknown[]): T | undefined {
    return this.cache.db.$client.prepare(query).get(...params) as T | undefined;
  }
}

let one: Workstation;
let two: Workstation;

beforeAll(async () => {
  await server.start();
  await server.addUser(CARL.username, CARL.password, 'csr');
  await server.addUser('sue', 'sue supervises well', 'supervisor');
  await server.addUser('ada', 'ada administers all', 'admin');
  const db = server.store.db;
  await db.execute(sql`insert into customers (id, first_name, last_name, marketing_consent, created_at, updated_at) values (${ALICE.id}, ${ALICE.first}, ${ALICE.last}, false, ${T0}, ${T0})`);
  await db.execute(sql`insert into customer_phones (id, customer_id, e164, raw, kind, is_primary) values (${randomUUID()}, ${ALICE.id}, ${ALICE.phone}, '020 7946 0111', 'mobile', true)`);
  await db.execute(sql`insert into customer_emails (id, customer_id, email, is_primary) values (${randomUUID()}, ${ALICE.id}, ${ALICE.email}, true)`);
  one = new Workstation('one');
  two = new Workstation('two');
  await one.sync();
  await two.sync();
}, 120_000);

afterAll(async () => {
  one?.cache.cleanup();
  two?.cache.cleanup();
  await server.dispose();
});

async function storeCall(username: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: { ok: boolean; value?: unknown; error?: { code: string } } }> {
  const [user] = await server.rows<{ id: string }>(sql`select id::text as id from users where username = ${username}`);
  const { token } = await createSession(server.store.db, user!.id, Date.now(), 3_600_000);
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as never };
}

describe('consent and erasure through sync', () => {
  it('a cache row written with only the old single flag gets every channel, as on the store', () => {
    const c = one.cache.db.$client;
    const id = randomUUID();
    c.prepare(`INSERT INTO customers (id, first_name, last_name, marketing_consent, created_at, updated_at) VALUES (?, 'Old', 'Writer', 1, 1, 1)`).run(id);
    const read = () => c.prepare(`SELECT marketing_consent AS m, consent_email AS e, consent_phone AS p, consent_sms AS s FROM customers WHERE id = ?`).get(id);
    expect(read()).toEqual({ m: 1, e: 1, p: 1, s: 1 });
    c.prepare(`UPDATE customers SET marketing_consent = 0 WHERE id = ?`).run(id);
    expect(read()).toEqual({ m: 0, e: 0, p: 0, s: 0 });
    c.prepare(`DELETE FROM customers WHERE id = ?`).run(id);
  });

  it('a consent change per channel made on one workstation reaches the store and the other workstation with its history', async () => {
    expect(one.search(ALICE.first).hits.map((h) => h.customerId)).toEqual([ALICE.id]);
    const editor = new ProfileEditor(one.cache.db, 'GB');
    const result = editor.updateContact(
      {
        customerId: ALICE.id,
        firstName: ALICE.first,
        lastName: ALICE.last,
        phones: [{ number: ALICE.phone, kind: 'mobile' }],
        emails: [ALICE.email],
        primaryAddress: null,
        marketingConsent: false,
        consentEmail: true,
        consentPhone: false,
        consentSms: true,
        consentSource: 'customer_phone',
      },
      'carl',
      T0,
    );
    expect(result.changes.map((c) => c.field)).toEqual(['marketing_consent', 'consent_email', 'consent_sms']);
    await one.sync();
    const [stored] = await server.rows<{ m: boolean; e: boolean; p: boolean; s: boolean }>(
      sql`select marketing_consent as m, consent_email as e, consent_phone as p, consent_sms as s from customers where id = ${ALICE.id}`,
    );
    expect(stored).toEqual({ m: true, e: true, p: false, s: true });
    const history = await server.rows<{ field: string; source: string | null; agent_id: string }>(
      sql`select field, source, agent_id from contact_edits where customer_id = ${ALICE.id} order by field`,
    );
    expect(history).toEqual([
      { field: 'consent_email', source: 'customer_phone', agent_id: 'carl' },
      { field: 'consent_sms', source: 'customer_phone', agent_id: 'carl' },
      { field: 'marketing_consent', source: 'customer_phone', agent_id: 'carl' },
    ]);
    await two.sync();
    expect(two.row(`SELECT marketing_consent AS m, consent_email AS e, consent_phone AS p, consent_sms AS s FROM customers WHERE id = ?`, ALICE.id)).toEqual({ m: 1, e: 1, p: 0, s: 1 });
    expect(
      two.cache.db.$client.prepare(`SELECT field, source, new_value AS newValue FROM contact_edits WHERE customer_id = ? ORDER BY field`).all(ALICE.id),
    ).toEqual([
      { field: 'consent_email', source: 'customer_phone', newValue: 'true' },
      { field: 'consent_sms', source: 'customer_phone', newValue: 'true' },
      { field: 'marketing_consent', source: 'customer_phone', newValue: 'true' },
    ]);
  });

  it('an erased customer leaves both caches: the online one at its next pull, the offline one at its next sync, and a complaint logged offline stays anonymous', async () => {
    // Workstation two is offline: a complaint for Alice waits in its outbox.
    const complaint = new ComplaintLog(two.cache.db).log(
      { customerId: ALICE.id, category: 'damaged', severity: 'medium', description: `${ALICE.first} ${ALICE.last} called about the kettle, ring ${ALICE.phone}` },
      'carl',
      T0 + 1000,
    );

    const asked = await storeCall('sue', 'POST', '/privacy/erasure-requests', { customerId: ALICE.id, reason: 'Letter of 3 May' });
    expect(asked.json.ok).toBe(true);
    const { id } = asked.json.value as { id: string };
    const confirmed = await storeCall('ada', 'POST', `/privacy/erasure-requests/${id}/decision`, { decision: 'confirm' });
    expect(confirmed.json).toMatchObject({ ok: true, value: { status: 'confirmed' } });

    // Online: its next pull replaces the row; name search and phone lookup find nobody.
    const started = Date.now();
    await one.sync();
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const query of [ALICE.first, ALICE.last, ALICE.phone, '020 7946 0111']) expect(one.search(query).hits, query).toEqual([]);
    expect(one.row(`SELECT first_name AS f, last_name AS l, erased_at IS NOT NULL AS erased FROM customers WHERE id = ?`, ALICE.id)).toEqual({ f: 'Erased', l: 'customer', erased: 1 });
    expect(one.row(`SELECT count(*) AS n FROM customer_phones WHERE customer_id = ?`, ALICE.id)).toEqual({ n: 0 });
    expect(one.row(`SELECT count(*) AS n FROM customer_emails WHERE customer_id = ?`, ALICE.id)).toEqual({ n: 0 });
    expect(one.row(`SELECT count(*) AS n FROM contact_edits WHERE customer_id = ? AND (old_value IS NOT NULL OR new_value IS NOT NULL)`, ALICE.id)).toEqual({ n: 0 });

    // Offline at the time, it still finds her until it syncs.
    expect(two.search(ALICE.last).hits).toHaveLength(1);
    await two.sync();
    for (const query of [ALICE.first, ALICE.last, ALICE.phone]) expect(two.search(query).hits, query).toEqual([]);
    const [onStore] = await server.rows<{ description: string }>(sql`select description from complaints where id = ${complaint.id}`);
    expect(onStore).toEqual({ description: '[erased]' });
    expect(two.row(`SELECT description FROM complaints WHERE id = ?`, complaint.id)).toEqual({ description: '[erased]' });
    const [customer] = await server.rows<{ first_name: string }>(sql`select first_name from customers where id = ${ALICE.id}`);
    expect(customer!.first_name).toBe('Erased');
    expect(await server.count(sql`select count(*) as n from customer_phones where customer_id = ${ALICE.id}`)).toBe(0);
  });
});
