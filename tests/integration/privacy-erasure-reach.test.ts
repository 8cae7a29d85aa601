/**
 * Erasure reaches every copy of a customer's data on the central store (issue 23), on both
 * backends:
 * - after the admin confirms, no text or JSON column of any table of the store (read from the
 *   catalogue, so a table added later is scanned too) holds the customer's name, e-mail, phone
 *   digits, street, postcode or the words of their notes — while the same scan finds the other
 *   customer's, so it can fail;
 * - the ingest queue: an applied body is dropped by the worker when it applies it, the customer's
 *   dead delivery loses its body, a pending one still applies to the anonymous customer; the same
 *   delivery sent again is a duplicate; the same order under a new key adds nothing; a new order by
 *   the source's customer id lands on the anonymous customer; one by their old address is refused
 *   as for an unknown customer (no person made again) and its body dropped after the retention;
 * - the mail outbox: a pending and a failed mail to them are skipped at once and never sent by the
 *   sender (a real SMTP server on 127.0.0.1), while the other customer's is;
 * - a low-score follow-up of their call closed afterwards keeps `[erased]`, not the note;
 * - every metric's figures are the same before and after.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { buildServer } from '../../server/src/app';
import { createSession } from '../../server/src/auth/sessions';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { MailSender } from '../../server/src/email/sender';
import { enqueueMail } from '../../server/src/email/outbox';
import { IngestWorker } from '../../server/src/ingest/worker';
import { bodyHash } from '../../server/src/ingest/admit';
import { INGEST_DEAD_BODY_RETENTION_MS } from '../../server/src/ingest/retention';
import { signPayload } from '../../server/src/ingest/signature';
import { runMetricOnStore } from '../../server/src/reports/metrics';
import { emitOrderConfirmed } from '../../server/src/webhooks/events';
import { METRICS } from '../../src-shared/domain/metrics';
import type { MetricDecl } from '../../src-shared/domain/metric-language';
import { metricFilterFor } from '../../src-shared/reports/dashboard';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend, type StoreLocation } from '../helpers/server-db';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const T0 = Date.UTC(2026, 10, 3, 9);
const FILTER = { from: '2026-11-01', to: '2026-11-07', currency: 'USD' as const };
const silent = { warn: () => undefined, info: () => undefined, error: () => undefined, debug: () => undefined, child: () => silent } as never;

interface Person {
  id: string;
  /** What the fixtures' ids are made of (never the name: ids are kept). */
  tag: string;
  first: string;
  last: string;
  phone: string;
  email: string;
  street: string;
  postcode: string;
  words: string;
  sourceId: string;
  call: string;
  order: string;
}

const person = (tag: string, first: string, last: string, phone: string, street: string, postcode: string, words: string): Person => ({
  id: randomUUID(),
  tag,
  first,
  last,
  phone,
  email: `${first.toLowerCase()}.${last.toLowerCase()}@example.test`,
  street,
  postcode,
  words,
  sourceId: `WEB-${tag}`,
  call: randomUUID(),
  order: randomUUID(),
});

/** The strings that identify the person, as a scan looks for them (the phone by its digits, whatever the formatting). */
const needles = (p: Person) => [p.first, p.last, p.email, p.street, p.postcode, p.words, p.phone.replace(/\D/g, '').slice(-10)];

/** A small SMTP server on 127.0.0.1 that records each recipient it accepts. */
async function mailSink(): Promise<{ port: number; to: string[]; close: () => Promise<void> }> {
  const to: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo: (address, _s, cb) => {
      to.push(address.address);
      cb();
    },
    onData: (stream, _s, cb) => {
      stream.on('end', () => cb());
      stream.resume();
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return { port, to, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Waits until `check` holds (polling), or fails naming `what`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`erasure reaches every copy on ${backend.name}`, () => {
    let location: StoreLocation;
    let store: Store;
    let app: FastifyInstance;
    let worker: IngestWorker;
    /** The worker's clock: now, moved on by `shift` to reach the end of a retention. */
    let shift = 0;
    const clock = () => Date.now() + shift;
    const tokens = { admin: '', supervisor: '' };
    const shop = { id: randomUUID(), secret: 'shop secret for the erasure test' };
    const sku = 'ER-KETTLE';
    const alice = person('P1', 'Alicia', 'Quellwater', '+44 7700 900123', '7 Privet Lane', 'LS1 4QQ', 'hates the colour teal');
    const bob = person('P2', 'Bobrick', 'Otherby', '+44 7700 900456', '9 Elm Row', 'YO1 7HH', 'collects teapots');

    const rows = <T,>(q: SQL) => queryRows<T>(store, q);
    const count = async (q: SQL) => Number((await rows<{ n: string | number }>(q))[0]?.n);
    const auth = (who: keyof typeof tokens) => ({ authorization: `Bearer ${tokens[who]}` });

    /** Every text, varchar, json and jsonb column of every table in the store, searched for each string. */
    async function scan(strings: readonly string[]): Promise<string[]> {
      const columns = await rows<{ t: string; c: string }>(
        sql`select table_name as t, column_name as c from information_schema.columns
            where table_schema = 'public' and data_type in ('text', 'character varying', 'json', 'jsonb', 'ARRAY')
              and table_name in (select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE')`,
      );
      expect(columns.length).toBeGreaterThan(50);
      const hits: string[] = [];
      for (const { t, c } of columns) {
        for (const s of strings) {
          const digits = /^\d+$/.test(s);
          const value = digits ? sql`regexp_replace(${sql.identifier(c)}::text, '[^0-9]', '', 'g')` : sql`lower(${sql.identifier(c)}::text)`;
          const n = await count(sql`select count(*) as n from ${sql.identifier(t)} where position(${s.toLowerCase()} in ${value}) > 0`);
          if (n > 0) hits.push(`${t}.${c} holds "${s}" (${n} rows)`);
        }
      }
      return hits;
    }

    function deliver(url: string, body: unknown, idempotencyKey: string) {
      const raw = JSON.stringify(body);
      const timestamp = String(Math.floor(Date.now() / 1000));
      return app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', 'x-switchboard-key': shop.id, 'x-switchboard-timestamp': timestamp, 'x-switchboard-signature': signPayload(shop.secret, timestamp, raw), 'idempotency-key': idempotencyKey },
        payload: raw,
      });
    }

    const webOrder = (orderId: string, customer: Record<string, string>, p: Person, lines = [{ sku, quantity: 1, unitPriceCents: 2500 }]) => ({
      orderId,
      customer,
      currency: 'USD',
      placedAt: new Date(T0 + 3_600_000).toISOString(),
      lines,
      totalCents: lines.reduce((a, l) => a + l.unitPriceCents * l.quantity, 0),
      note: `Leave with ${p.first} ${p.last} at ${p.street}, ${p.postcode}; ${p.words}`,
    });

    async function plant(p: Person, offset: number): Promise<void> {
      const at = T0 + offset * 60_000;
      await store.db.execute(sql`insert into customers (id, first_name, last_name, marketing_consent, created_at, updated_at) values (${p.id}, ${p.first}, ${p.last}, true, ${at}, ${at})`);
      await store.db.execute(sql`insert into customer_phones (id, customer_id, e164, raw, kind, is_primary) values (${randomUUID()}, ${p.id}, ${p.phone.replace(/ /g, '')}, ${p.phone}, 'mobile', true)`);
      await store.db.execute(sql`insert into customer_emails (id, customer_id, email, is_primary) values (${randomUUID()}, ${p.id}, ${p.email}, true)`);
      await store.db.execute(
        sql`insert into customer_addresses (id, customer_id, line1, city, postal_code, country, is_primary) values (${randomUUID()}, ${p.id}, ${p.street}, 'Leeds', ${p.postcode}, 'GB', true)`,
      );
      await store.db.execute(sql`insert into customer_sources (customer_id, source, source_id, source_hash, imported_at) values (${p.id}, 'shop', ${p.sourceId}, ${'sha1-of-' + p.first}, ${at})`);
      await store.db.execute(
        sql`insert into orders (id, number, customer_id, channel, status, currency, subtotal_cents, total_cents, placed_at, delivery_address, note, agent_id, discount_reason)
            values (${p.order}, ${'SO-' + p.order.slice(0, 8)}, ${p.id}, 'phone', 'delivered', 'USD', 5000, 5000, ${at}, ${p.street + ', ' + p.postcode}, ${'Ring ' + p.first}, 'ana', 'loyal customer')`,
      );
      await store.db.execute(
        sql`insert into order_lines (id, order_id, line_no, product_id, customer_id, placed_at, sku, name, quantity, unit_price_cents, total_cents)
            values (${randomUUID()}, ${p.order}, 1, (select id from products where sku = ${sku}), ${p.id}, ${at}, ${sku}, 'Kettle', 2, 2500, 5000)`,
      );
      // A low score: the trigger opens a follow-up, which a supervisor closes with a note naming them.
      await store.db.execute(
        sql`insert into calls (id, customer_id, from_e164, from_raw, source, agent_id, status, started_at, talk_ended_at, completed_at, talk_ms, hold_ms, wrap_up_ms, disposition_code, wrap_up_notes, satisfaction)
            values (${p.call}, ${p.id}, ${p.phone.replace(/ /g, '')}, ${p.phone}, 'screen_pop', 'ana', 'completed', ${at}, ${at + 60_000}, ${at + 90_000}, 60000, 0, 30000, 'resolved', ${p.first + ' ' + p.words}, 1)`,
      );
      await store.db.execute(sql`update satisfaction_follow_ups set note = ${'Called ' + p.first + ' back on ' + p.phone}, closed_at = ${at} where call_id = ${p.call}`);
      const complaint = randomUUID();
      await store.db.execute(
        sql`insert into complaints (id, customer_id, call_id, order_id, category_code, severity, description, status, opened_at, updated_at, agent_id)
            values (${complaint}, ${p.id}, ${p.call}, ${p.order}, 'damaged', 'medium', ${p.first + ' ' + p.last + ' says it leaks'}, 'open', ${at}, ${at}, 'ana')`,
      );
      await store.db.execute(sql`insert into complaint_events (id, complaint_id, agent_id, at, kind, to_status, detail) values (${randomUUID()}, ${complaint}, 'ana', ${at}, 'opened', 'open', ${'Emailed ' + p.email})`);
      await store.db.execute(sql`insert into notes (id, customer_id, agent_id, body, created_at) values (${randomUUID()}, ${p.id}, 'ana', ${p.words}, ${at})`);
      await store.db.execute(
        sql`insert into contact_edits (id, customer_id, agent_id, field, old_value, new_value, at) values (${randomUUID()}, ${p.id}, 'ana', 'primary_address', ${'1 Old Road, ' + p.postcode}, ${p.street}, ${at})`,
      );
      // Mail owed: an order confirmation waiting, one that failed.
      await store.db.transaction(async (tx) => {
        await enqueueMail(tx, { kind: 'order_confirmation', recordId: p.order, customerId: p.id, now: at });
        await enqueueMail(tx, { kind: 'complaint_acknowledgement', recordId: complaint, customerId: p.id, now: at });
        await emitOrderConfirmed(tx, { id: p.order, number: `SO-${p.order.slice(0, 8)}`, customerId: p.id, currency: 'USD', totalCents: 5000 }, at);
      });
      await store.db.execute(sql`update mail_outbox set state = 'failed', last_error = 'ECONNECTION', next_attempt_at = null where record_id = ${complaint}`);
    }

    beforeAll(async () => {
      if (skipReason) return;
      location = await backend.freshLocation();
      store = await location.open();
      app = buildServer({ store, logger: false, scrypt: FAST_SCRYPT, ingestWorker: false, webhookWorker: false });
      await app.ready();
      worker = new IngestWorker(store, clock, silent, () => undefined);
      for (const role of ['admin', 'supervisor'] as const) {
        const user = await createUser(store.db, { username: `r-${role}`, displayName: role, role, password: `reach pass ${role}` }, FAST_SCRYPT);
        tokens[role] = (await createSession(store.db, user.id, Date.now(), 3_600_000)).token;
      }
      await store.db.execute(sql`insert into integrations (id, name, source, secret, created_at) values (${shop.id}, 'Web shop', 'shop', ${shop.secret}, ${T0})`);
      await store.db.execute(sql`insert into webhook_endpoints (id, url, events, secret, created_at) values (${randomUUID()}, 'http://127.0.0.1:9/hook', '["order.confirmed","customer.erased"]', 'hook secret', ${T0})`);
      await store.db.execute(sql`insert into products (id, sku, name, brand, category, price_cents) values (${randomUUID()}, ${sku}, 'Kettle', 'Acme', 'kitchen', 2500)`);
      await plant(alice, 0);
      await plant(bob, 1);
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await store?.close();
      await location?.dispose();
    });

    beforeEach((ctx) => {
      if (skipReason) ctx.skip(skipReason);
    });

    it('leaves no copy of the erased customer anywhere, keeps the figures, and nothing brings them back', async () => {
      // The web shop's deliveries: applied (by the source's customer id), dead (an unknown SKU, by
      // e-mail), dead and not even JSON, and pending (by e-mail) — each naming them in its note.
      for (const p of [alice, bob]) {
        expect((await deliver('/ingest/orders', webOrder(`${p.tag}-applied`, { sourceId: p.sourceId }, p), `${p.tag}-k1`)).statusCode).toBe(202);
        expect((await deliver('/ingest/orders', webOrder(`${p.tag}-dead`, { email: p.email }, p, [{ sku: 'NO-SUCH', quantity: 1, unitPriceCents: 100 }]), `${p.tag}-k2`)).statusCode).toBe(202);
      }
      await worker.drain();
      expect(await rows(sql`select idempotency_key as k, state, body from ingest_deliveries where state = 'applied' order by seq`)).toEqual([
        { k: 'P1-k1', state: 'applied', body: '' },
        { k: 'P2-k1', state: 'applied', body: '' },
      ]);
      expect(await count(sql`select count(*) as n from ingest_deliveries where state = 'dead' and body <> ''`)).toBe(2);
      const brokenBody = '{"customer": "' + alice.email + '", broken';
      await store.db.execute(
        sql`insert into ingest_deliveries (integration_id, kind, idempotency_key, body, body_hash, state, received_at, next_attempt_at, settled_at, last_error)
            values (${shop.id}, 'order', 'P1-k3', ${brokenBody}, ${bodyHash(brokenBody)}, 'dead', ${clock()}, ${clock()}, ${clock()}, 'The body is not JSON.')`,
      );
      for (const p of [alice, bob]) expect((await deliver('/ingest/orders', webOrder(`${p.tag}-pending`, { email: p.email }, p), `${p.tag}-k4`)).statusCode).toBe(202);

      const figures = async () => {
        const out: Record<string, unknown> = {};
        for (const [id, metric] of Object.entries(METRICS as Record<string, MetricDecl>)) {
          out[id] = (await runMetricOnStore(store.db, metric, { filter: metricFilterFor(metric, FILTER).filter })).map((r) => r.components);
        }
        return out;
      };
      const metricsBefore = await figures();
      const aliceOrdersBefore = await rows<{ n: string; total: string }>(sql`select count(*)::text as n, sum(total_cents)::text as total from orders where customer_id = ${alice.id}`);
      const customersBefore = await count(sql`select count(*) as n from customers`);
      // The scan sees what is there (else it could never fail).
      expect((await scan(needles(alice))).length).toBeGreaterThan(10);

      const asked = await app.inject({ method: 'POST', url: '/privacy/erasure-requests', payload: { customerId: alice.id, reason: 'Written request 3 May' }, headers: auth('supervisor') });
      const { id } = asked.json().value as { id: string };
      const confirmed = await app.inject({ method: 'POST', url: `/privacy/erasure-requests/${id}/decision`, payload: { decision: 'confirm' }, headers: auth('admin') });
      expect(confirmed.json()).toMatchObject({ ok: true, value: { status: 'confirmed' } });

      // Nothing of Alicia in any column of any table; Bobrick's data is all still there.
      expect(await scan(needles(alice))).toEqual([]);
      const bobHits = await scan(needles(bob));
      for (const table of ['customers.first_name', 'customer_emails.email', 'satisfaction_follow_ups.note', 'ingest_deliveries.body', 'orders.note', 'notes.body']) {
        expect(bobHits.some((h) => h.startsWith(table)), table).toBe(true);
      }
      expect(await figures()).toEqual(metricsBefore);
      expect(await rows(sql`select count(*)::text as n, sum(total_cents)::text as total from orders where customer_id = ${alice.id}`)).toEqual(aliceOrdersBefore);

      // The audit entry counts what it reached.
      const [audit] = await rows<{ detail: string }>(sql`select detail from audit_log where action = 'erasure_confirmed'`);
      expect(audit!.detail).toContain('3 ingest deliveries emptied or anonymised; 2 mails cancelled');

      // Mail: Alicia's two are skipped at once; the sender sends Bobrick's and never hers.
      expect(await rows(sql`select state, skip_reason, last_error from mail_outbox where customer_id = ${alice.id} order by kind`)).toEqual([
        { state: 'skipped', skip_reason: 'customer_gone', last_error: null },
        { state: 'skipped', skip_reason: 'customer_gone', last_error: null },
      ]);
      const sink = await mailSink();
      try {
        // Even an admin's "send it again" of hers does not reach her.
        const [hers] = await rows<{ id: string }>(sql`select id from mail_outbox where customer_id = ${alice.id} limit 1`);
        expect((await app.inject({ method: 'POST', url: `/admin/email/outbox/${hers!.id}/retry`, payload: {}, headers: auth('admin') })).statusCode).toBe(200);
        await store.db.execute(sql`update mail_outbox set state = 'pending', next_attempt_at = 0 where customer_id = ${bob.id}`);
        const sender = new MailSender(store, silent, { smtpUrl: `smtp://127.0.0.1:${sink.port}`, timeoutMs: 2000, pollMs: 50 });
        sender.start(app.changeFeed);
        try {
          await until('the outbox to settle', async () => (await count(sql`select count(*) as n from mail_outbox where state in ('pending', 'sending')`)) === 0);
        } finally {
          await sender.stop();
        }
        expect(sink.to.sort()).toEqual([bob.email, bob.email]);
        expect(await count(sql`select count(*) as n from mail_outbox where customer_id = ${alice.id} and state <> 'skipped'`)).toBe(0);
      } finally {
        await sink.close();
      }

      // Her pending web order still applies, to the anonymous customer.
      await worker.drain();
      expect(await count(sql`select count(*) as n from orders o join order_sources s on s.order_id = o.id where s.source_order_id = 'P1-pending' and o.customer_id = ${alice.id} and o.note is null`)).toBe(1);
      // Sent again: the same delivery is a duplicate; the same order under a new key adds nothing;
      // a new order by the source's id lands on the anonymous customer; one by her old address is
      // refused as for an unknown customer.
      const again = await deliver('/ingest/orders', webOrder('P1-applied', { sourceId: alice.sourceId }, alice), 'P1-k1');
      expect(again.json()).toMatchObject({ ok: true, value: { duplicate: true } });
      expect((await deliver('/ingest/orders', webOrder('P1-applied', { sourceId: alice.sourceId }, alice), 'P1-k5')).json()).toMatchObject({ value: { duplicate: false } });
      expect((await deliver('/ingest/orders', webOrder('P1-new', { sourceId: alice.sourceId }, alice), 'P1-k6')).json()).toMatchObject({ value: { duplicate: false } });
      expect((await deliver('/ingest/orders', webOrder('P1-by-mail', { email: alice.email }, alice), 'P1-k7')).json()).toMatchObject({ value: { duplicate: false } });
      await worker.drain();
      expect(await count(sql`select count(*) as n from order_sources where source_order_id = 'P1-applied'`)).toBe(1);
      expect(await rows(sql`select o.customer_id, o.note from orders o join order_sources s on s.order_id = o.id where s.source_order_id = 'P1-new'`)).toEqual([{ customer_id: alice.id, note: null }]);
      expect(await rows(sql`select state, last_error from ingest_deliveries where idempotency_key = 'P1-k7'`)).toEqual([
        { state: 'dead', last_error: expect.stringContaining('no such customer') },
      ]);
      expect(await count(sql`select count(*) as n from customers`)).toBe(customersBefore);
      expect(await rows(sql`select first_name, last_name, erased_at is not null as erased from customers where id = ${alice.id}`)).toEqual([{ first_name: 'Erased', last_name: 'customer', erased: true }]);
      for (const table of ['customer_phones', 'customer_emails', 'customer_addresses']) {
        expect(await count(sql`select count(*) as n from ${sql.identifier(table)} where customer_id = ${alice.id}`), table).toBe(0);
      }
      // A follow-up of her call closed after the erasure keeps no note about her.
      const lateCall = randomUUID();
      const now = Date.now();
      await store.db.execute(
        sql`insert into calls (id, customer_id, source, agent_id, status, started_at, completed_at, satisfaction) values (${lateCall}, ${alice.id}, 'manual', 'ana', 'completed', ${now - 60_000}, ${now}, 2)`,
      );
      const closed = await app.inject({ method: 'POST', url: `/calls/${lateCall}/follow-up/close`, payload: { note: `Rang ${alice.first} on ${alice.phone}` }, headers: auth('admin') });
      expect(closed.statusCode).toBe(200);
      expect(await rows(sql`select note from satisfaction_follow_ups where call_id = ${lateCall}`)).toEqual([{ note: '[erased]' }]);
      // What the shop sent afterwards is held only as long as any dead delivery's body: dropped after the retention.
      const late = await scan(needles(alice));
      expect(late.length).toBeGreaterThan(0);
      expect(late.filter((h) => !h.startsWith('ingest_deliveries.body '))).toEqual([]);
      shift = INGEST_DEAD_BODY_RETENTION_MS - 60_000;
      await worker.sweep();
      expect(await count(sql`select count(*) as n from ingest_deliveries where idempotency_key = 'P1-k7' and body <> ''`)).toBe(1);
      shift = INGEST_DEAD_BODY_RETENTION_MS + 60_000;
      await worker.sweep();
      expect(await scan(needles(alice))).toEqual([]);
      expect(await count(sql`select count(*) as n from ingest_deliveries where body <> ''`)).toBe(0);
      expect(await count(sql`select count(*) as n from ingest_deliveries`)).toBe(10);
    }, 120_000);
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
