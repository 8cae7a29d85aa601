/**
 * Consent, data requests and erasure on the central store (issue 23), on both backends:
 * - consent per channel: the old single flag is derived (any channel) and a write of only the old
 *   flag sets every channel (the store's trigger);
 * - a customer's data on request: the archive has every part, this customer's rows, and nothing of
 *   another customer; audited with the customer id only;
 * - erasure: a supervisor requests (a CSR cannot), an admin confirms (a supervisor cannot); the
 *   customer is anonymised, every metric's figures are unchanged, the audit log holds none of the
 *   erased data; a complaint, note or call written later for them stays anonymous; a declined
 *   request erases nothing; bad input gets typed errors and changes nothing.
 * The workstation side (two caches, one offline at the time) is in privacy-sync.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../server/src/app';
import { createSession } from '../../server/src/auth/sessions';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { DATA_REQUEST_PARTS } from '../../server/src/privacy/data-request';
import { runCustomerImport } from '../../server/src/import/run';
import { runMetricOnStore } from '../../server/src/reports/metrics';
import { METRICS } from '../../src-shared/domain/metrics';
import type { MetricDecl } from '../../src-shared/domain/metric-language';
import { metricFilterFor } from '../../src-shared/reports/dashboard';
import { mayContact } from '../../src-shared/domain/consent';
import { unzip } from '../helpers/zip';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend, type StoreLocation } from '../helpers/server-db';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const T0 = Date.UTC(2026, 10, 2, 9);
const HOUR = 3_600_000;
const FILTER = { from: '2026-11-01', to: '2026-11-07', currency: 'USD' as const };

interface Person {
  customer: string;
  first: string;
  last: string;
  phone: string;
  email: string;
  street: string;
  product: string;
  order: string;
  call: string;
  complaint: string;
}

/** A customer with a row in every table that holds something about them. */
async function plant(store: Store, p: Person, offset: number): Promise<void> {
  const db = store.db;
  const at = T0 + offset * HOUR;
  await db.execute(sql`insert into customers (id, first_name, last_name, marketing_consent, created_at, updated_at) values (${p.customer}, ${p.first}, ${p.last}, true, ${at}, ${at})`);
  await db.execute(sql`insert into customer_phones (id, customer_id, e164, raw, kind, is_primary) values (${randomUUID()}, ${p.customer}, ${p.phone}, ${p.phone}, 'mobile', true)`);
  await db.execute(sql`insert into customer_emails (id, customer_id, email, is_primary) values (${randomUUID()}, ${p.customer}, ${p.email}, true)`);
  await db.execute(sql`insert into customer_addresses (id, customer_id, line1, city, country, is_primary) values (${randomUUID()}, ${p.customer}, ${p.street}, 'Leeds', 'GB', true)`);
  await db.execute(sql`insert into products (id, sku, name, brand, category, price_cents) values (${p.product}, ${'SKU-' + p.product.slice(0, 8)}, 'Kettle', 'Acme', 'kitchen', 2500)`);
  await db.execute(
    sql`insert into orders (id, number, customer_id, channel, status, currency, subtotal_cents, total_cents, placed_at, delivery_address, note, agent_id)
        values (${p.order}, ${'SO-' + p.order.slice(0, 6)}, ${p.customer}, 'phone', 'delivered', 'USD', 5000, 5000, ${at}, ${p.street + ', Leeds'}, ${'Ring ' + p.first}, 'ana')`,
  );
  await db.execute(
    sql`insert into order_lines (id, order_id, line_no, product_id, customer_id, placed_at, sku, name, quantity, unit_price_cents, total_cents)
        values (${randomUUID()}, ${p.order}, 1, ${p.product}, ${p.customer}, ${at}, 'SKU', 'Kettle', 2, 2500, 5000)`,
  );
  await db.execute(
    sql`insert into calls (id, customer_id, from_e164, from_raw, source, agent_id, status, started_at, talk_ended_at, completed_at, talk_ms, hold_ms, wrap_up_ms, disposition_code, wrap_up_notes, satisfaction)
        values (${p.call}, ${p.customer}, ${p.phone}, ${p.phone}, 'screen_pop', 'ana', 'completed', ${at}, ${at + 60_000}, ${at + 90_000}, 60000, 0, 30000, 'resolved', ${p.first + ' was happy'}, 4)`,
  );
  await db.execute(
    sql`insert into complaints (id, customer_id, call_id, order_id, category_code, severity, description, desired_resolution, status, opened_at, updated_at, agent_id)
        values (${p.complaint}, ${p.customer}, ${p.call}, ${p.order}, 'damaged', 'medium', ${p.first + ' ' + p.last + ' says the kettle leaks'}, 'A new one', 'open', ${at}, ${at}, 'ana')`,
  );
  await db.execute(
    sql`insert into complaint_events (id, complaint_id, call_id, agent_id, at, kind, to_status, detail) values (${randomUUID()}, ${p.complaint}, ${p.call}, 'ana', ${at}, 'opened', 'open', ${'Called by ' + p.first})`,
  );
  await db.execute(sql`insert into notes (id, customer_id, call_id, agent_id, body, created_at) values (${randomUUID()}, ${p.customer}, ${p.call}, 'ana', ${p.first + ' prefers mornings'}, ${at})`);
  await db.execute(
    sql`insert into offers (id, customer_id, call_id, agent_id, product_id, kind, reason, outcome, presented_at) values (${randomUUID()}, ${p.customer}, ${p.call}, 'ana', ${p.product}, 'complement', 'goes with', 'accepted', ${at})`,
  );
  await db.execute(
    sql`insert into contact_edits (id, customer_id, call_id, agent_id, field, old_value, new_value, at, source) values (${randomUUID()}, ${p.customer}, ${p.call}, 'ana', 'consent_sms', 'false', 'true', ${at}, 'customer_phone')`,
  );
}

const person = (first: string, last: string, phone: string, email: string, street: string): Person => ({
  customer: randomUUID(),
  first,
  last,
  phone,
  email,
  street,
  product: randomUUID(),
  order: randomUUID(),
  call: randomUUID(),
  complaint: randomUUID(),
});

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`consent, data requests and erasure on ${backend.name}`, () => {
    let location: StoreLocation;
    let store: Store;
    let app: FastifyInstance;
    const tokens: Record<'admin' | 'supervisor' | 'csr', string> = { admin: '', supervisor: '', csr: '' };
    const alice = person('Alicia', 'Quellwater', '+442079460111', 'alicia@example.com', '7 Privet Lane');
    const bob = person('Bobrick', 'Otherby', '+442079460222', 'bobrick@example.com', '9 Elm Row');

    const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(store, q);
    const auth = (who: keyof typeof tokens) => ({ authorization: `Bearer ${tokens[who]}` });

    beforeAll(async () => {
      if (skipReason) return;
      location = await backend.freshLocation();
      store = await location.open();
      app = buildServer({ store, logger: false, scrypt: FAST_SCRYPT });
      for (const role of ['admin', 'supervisor', 'csr'] as const) {
        const user = await createUser(store.db, { username: `p-${role}`, displayName: role, role, password: `privacy pass ${role}` }, FAST_SCRYPT);
        tokens[role] = (await createSession(store.db, user.id, Date.now(), 3_600_000)).token;
      }
      await plant(store, alice, 0);
      // Alice came from the web shop once (server/src/import).
      await store.db.execute(sql`insert into customer_sources (customer_id, source, source_id, source_hash, imported_at) values (${alice.customer}, 'shop', 'A-1', 'old', ${T0})`);
      await plant(store, bob, 1);
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await store?.close();
      await location?.dispose();
    });

    beforeEach((ctx) => {
      if (skipReason) ctx.skip(skipReason);
    });

    it('keeps the single marketing flag derived from the channels, and a write of only the flag sets every channel', async () => {
      const consent = () =>
        rows<{ m: boolean; e: boolean; p: boolean; s: boolean }>(
          sql`select marketing_consent as m, consent_email as e, consent_phone as p, consent_sms as s from customers where id = ${bob.customer}`,
        ).then((r) => r[0]);
      // Inserted with only the old flag (as the import and older writers do): every channel.
      expect(await consent()).toEqual({ m: true, e: true, p: true, s: true });
      await store.db.execute(sql`update customers set consent_email = false, consent_phone = false where id = ${bob.customer}`);
      expect(await consent()).toEqual({ m: true, e: false, p: false, s: true });
      await store.db.execute(sql`update customers set consent_sms = false where id = ${bob.customer}`);
      expect(await consent()).toEqual({ m: false, e: false, p: false, s: false });
      await store.db.execute(sql`update customers set marketing_consent = true where id = ${bob.customer}`);
      expect(await consent()).toEqual({ m: true, e: true, p: true, s: true });
      const c = { consentEmail: true, consentPhone: false, consentSms: true };
      expect(mayContact(c, 'phone', 'marketing')).toBe(false);
      expect(mayContact(c, 'phone', 'transactional')).toBe(true);
      expect(mayContact({ ...c, hasEmail: false }, 'email', 'transactional')).toBe(false);
      expect(mayContact({ ...c, erasedAt: T0 }, 'email', 'transactional')).toBe(false);
    });

    it('exports everything held about one customer as JSON and CSV, nothing of another, audited by id only', async () => {
      const csr = await app.inject({ method: 'POST', url: `/privacy/customers/${alice.customer}/export`, payload: {}, headers: auth('csr') });
      expect(csr.statusCode).toBe(403);
      const started = Date.now();
      const res = await app.inject({ method: 'POST', url: `/privacy/customers/${alice.customer}/export`, payload: {}, headers: auth('supervisor') });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/zip');
      expect(res.headers['content-disposition']).toContain(`customer-${alice.customer}`);
      const files = unzip(res.rawPayload);
      for (const part of DATA_REQUEST_PARTS) {
        expect(files.has(`${part}.json`), part).toBe(true);
        expect(files.has(`${part}.csv`), part).toBe(true);
        const json = JSON.parse(files.get(`${part}.json`)!) as unknown[];
        expect(json.length, part).toBeGreaterThan(0);
        expect(files.get(`${part}.csv`)!.split('\r\n').filter(Boolean).length, part).toBe(json.length + 1);
      }
      const all = [...files.values()].join('\n');
      for (const mine of [alice.first, alice.last, alice.phone, alice.email, alice.street, alice.order, alice.call, alice.complaint]) expect(all).toContain(mine);
      for (const theirs of [bob.customer, bob.first, bob.last, bob.phone, bob.email, bob.street, bob.order, bob.call, bob.complaint]) expect(all).not.toContain(theirs);
      expect(JSON.parse(files.get('consent_history.json')!)).toEqual([expect.objectContaining({ field: 'consent_sms', source: 'customer_phone', newValue: 'true' })]);
      const audit = await rows<{ subject: string; detail: string }>(sql`select subject, detail from audit_log where action = 'customer_data_exported'`);
      expect(audit).toHaveLength(1);
      expect(audit[0]!.subject).toBe(alice.customer);
      for (const personal of [alice.first, alice.last, alice.phone, alice.email]) expect(audit[0]!.detail).not.toContain(personal);

      const missing = await app.inject({ method: 'POST', url: `/privacy/customers/${randomUUID()}/export`, payload: {}, headers: auth('admin') });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
      const bad = await app.inject({ method: 'POST', url: '/privacy/customers/not-an-id/export', payload: {}, headers: auth('admin') });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    });

    it('refuses bad erasure input with typed errors and changes nothing', async () => {
      const before = await rows<{ n: string }>(sql`select count(*)::text as n from erasure_requests`);
      const post = (payload: unknown, who: keyof typeof tokens = 'supervisor') => app.inject({ method: 'POST', url: '/privacy/erasure-requests', payload: payload as object, headers: auth(who) });
      for (const payload of [{}, { customerId: 'nope', reason: 'asked in writing' }, { customerId: alice.customer, reason: '' }, { customerId: alice.customer, reason: 'x'.repeat(501) }, { customerId: alice.customer, reason: 'fine', extra: 1 }]) {
        const res = await post(payload);
        expect(res.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400);
        expect(res.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      }
      const unknown = await post({ customerId: randomUUID(), reason: 'asked in writing' });
      expect(unknown.json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
      const decide = await app.inject({ method: 'POST', url: `/privacy/erasure-requests/${randomUUID()}/decision`, payload: { decision: 'maybe' }, headers: auth('admin') });
      expect(decide.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      const none = await app.inject({ method: 'POST', url: `/privacy/erasure-requests/${randomUUID()}/decision`, payload: { decision: 'confirm' }, headers: auth('admin') });
      expect(none.json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(await rows<{ n: string }>(sql`select count(*)::text as n from erasure_requests`)).toEqual(before);
    });

    it('a declined request erases nothing', async () => {
      const asked = await app.inject({ method: 'POST', url: '/privacy/erasure-requests', payload: { customerId: bob.customer, reason: 'Ticket 41, by e-mail' }, headers: auth('supervisor') });
      expect(asked.statusCode).toBe(200);
      const { id } = asked.json().value as { id: string };
      const declined = await app.inject({ method: 'POST', url: `/privacy/erasure-requests/${id}/decision`, payload: { decision: 'decline' }, headers: auth('admin') });
      expect(declined.json()).toMatchObject({ ok: true, value: { status: 'declined', customerId: bob.customer } });
      const [row] = await rows<{ first_name: string; erased_at: unknown }>(sql`select first_name, erased_at from customers where id = ${bob.customer}`);
      expect(row).toEqual({ first_name: bob.first, erased_at: null });
      const again = await app.inject({ method: 'POST', url: `/privacy/erasure-requests/${id}/decision`, payload: { decision: 'confirm' }, headers: auth('admin') });
      expect(again.json()).toMatchObject({ ok: false, error: { code: 'conflict' } });
    });

    it('erases on a supervisor’s request and an admin’s confirmation: anonymised, metrics unchanged, audit without the data, later writes anonymous', async () => {
      const figures = async () => {
        const out: Record<string, unknown> = {};
        for (const [id, metric] of Object.entries(METRICS as Record<string, MetricDecl>)) {
          out[id] = (await runMetricOnStore(store.db, metric, { filter: metricFilterFor(metric, FILTER).filter })).map((r) => r.components);
        }
        return out;
      };
      const metricsBefore = await figures();

      const byCsr = await app.inject({ method: 'POST', url: '/privacy/erasure-requests', payload: { customerId: alice.customer, reason: 'Written request 3 May' }, headers: auth('csr') });
      expect(byCsr.statusCode).toBe(403);
      const asked = await app.inject({ method: 'POST', url: '/privacy/erasure-requests', payload: { customerId: alice.customer, reason: 'Written request 3 May' }, headers: auth('supervisor') });
      expect(asked.statusCode).toBe(200);
      const { id } = asked.json().value as { id: string };
      const twice = await app.inject({ method: 'POST', url: '/privacy/erasure-requests', payload: { customerId: alice.customer, reason: 'Written request 3 May' }, headers: auth('supervisor') });
      expect(twice.json()).toMatchObject({ ok: false, error: { code: 'conflict' } });

      const supervisorList = await app.inject({ method: 'GET', url: '/privacy/erasure-requests', headers: auth('supervisor') });
      expect(supervisorList.statusCode).toBe(403);
      const list = await app.inject({ method: 'GET', url: '/privacy/erasure-requests?status=pending', headers: auth('admin') });
      expect(list.json().value.requests).toEqual([expect.objectContaining({ id, customerId: alice.customer, status: 'pending', requestedBy: 'p-supervisor', customerName: `${alice.first} ${alice.last}` })]);

      const bySupervisor = await app.inject({ method: 'POST', url: `/privacy/erasure-requests/${id}/decision`, payload: { decision: 'confirm' }, headers: auth('supervisor') });
      expect(bySupervisor.statusCode).toBe(403);
      const confirmed = await app.inject({ method: 'POST', url: `/privacy/erasure-requests/${id}/decision`, payload: { decision: 'confirm' }, headers: auth('admin') });
      expect(confirmed.json()).toMatchObject({ ok: true, value: { status: 'confirmed', customerId: alice.customer } });

      // Anonymised: nothing personal is left anywhere in the store's synced tables.
      const [customer] = await rows<{ first_name: string; last_name: string; marketing_consent: boolean; erased_at: unknown }>(
        sql`select first_name, last_name, marketing_consent, erased_at from customers where id = ${alice.customer}`,
      );
      expect(customer).toMatchObject({ first_name: 'Erased', last_name: 'customer', marketing_consent: false });
      expect(customer!.erased_at).not.toBeNull();
      const dump = JSON.stringify(
        await rows(sql`select row_to_json(x)::text as j from (
          select c.* from customers c where id = ${alice.customer}) x
          union all select row_to_json(p)::text from customer_phones p where customer_id = ${alice.customer}
          union all select row_to_json(e)::text from customer_emails e where customer_id = ${alice.customer}
          union all select row_to_json(a)::text from customer_addresses a where customer_id = ${alice.customer}
          union all select row_to_json(o)::text from orders o where customer_id = ${alice.customer}
          union all select row_to_json(k)::text from calls k where customer_id = ${alice.customer}
          union all select row_to_json(m)::text from complaints m where customer_id = ${alice.customer}
          union all select row_to_json(ev)::text from complaint_events ev where complaint_id = ${alice.complaint}
          union all select row_to_json(n)::text from notes n where customer_id = ${alice.customer}
          union all select row_to_json(ce)::text from contact_edits ce where customer_id = ${alice.customer}
          union all select row_to_json(al)::text from audit_log al`),
      );
      for (const personal of [alice.first, alice.last, alice.phone, alice.email, alice.street, 'Written request']) expect(dump).not.toContain(personal);
      // Kept: the order and its total, the call and its durations, the complaint and its counts.
      const [order] = await rows<{ total_cents: number }>(sql`select total_cents from orders where id = ${alice.order}`);
      expect(order!.total_cents).toBe(5000);
      const [call] = await rows<{ talk_ms: string; satisfaction: number }>(sql`select talk_ms::text, satisfaction from calls where id = ${alice.call}`);
      expect(call).toEqual({ talk_ms: '60000', satisfaction: 4 });
      expect(await figures()).toEqual(metricsBefore);
      // Bob is untouched.
      const [other] = await rows<{ first_name: string }>(sql`select first_name from customers where id = ${bob.customer}`);
      expect(other!.first_name).toBe(bob.first);
      const audit = await rows<{ action: string; subject: string; detail: string }>(sql`select action, subject, detail from audit_log where action in ('erasure_requested', 'erasure_confirmed') order by seq`);
      expect(audit.map((a) => [a.action, a.subject])).toEqual([
        ['erasure_requested', bob.customer],
        ['erasure_requested', alice.customer],
        ['erasure_confirmed', alice.customer],
      ]);

      // Written later (a workstation that was offline): kept anonymous by the store's triggers.
      const late = randomUUID();
      await store.db.execute(
        sql`insert into complaints (id, customer_id, category_code, severity, description, desired_resolution, status, opened_at, updated_at, agent_id)
            values (${late}, ${alice.customer}, 'damaged', 'low', ${alice.first + ' called again'}, ${'Call ' + alice.phone}, 'open', ${T0}, ${T0}, 'ana')`,
      );
      const [lateComplaint] = await rows<{ description: string; desired_resolution: string }>(sql`select description, desired_resolution from complaints where id = ${late}`);
      expect(lateComplaint).toEqual({ description: '[erased]', desired_resolution: '[erased]' });
      const lateCall = randomUUID();
      await store.db.execute(
        sql`insert into calls (id, customer_id, from_e164, from_raw, source, agent_id, status, started_at) values (${lateCall}, ${alice.customer}, ${alice.phone}, ${alice.phone}, 'manual', 'ana', 'active', ${T0})`,
      );
      expect(await rows(sql`select from_e164, from_raw from calls where id = ${lateCall}`)).toEqual([{ from_e164: null, from_raw: null }]);

      const again = await app.inject({ method: 'POST', url: '/privacy/erasure-requests', payload: { customerId: alice.customer, reason: 'Once more' }, headers: auth('supervisor') });
      expect(again.json()).toMatchObject({ ok: false, error: { code: 'conflict' } });

      // The web shop's file imported again does not bring the person back.
      const file = `source_id,first_name,last_name,phone,email\r\nA-1,${alice.first},${alice.last},${alice.phone},${alice.email}\r\n`;
      const report = await runCustomerImport(store, Readable.from([Buffer.from(file, 'utf8')]), { format: 'csv', source: 'shop', dryRun: false, agentId: 'importer', errorFile: () => {} });
      expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 1, refused: 0 });
      expect(await rows(sql`select first_name from customers where id = ${alice.customer}`)).toEqual([{ first_name: 'Erased' }]);
      expect(await rows(sql`select id from customer_phones where customer_id = ${alice.customer}`)).toEqual([]);
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
