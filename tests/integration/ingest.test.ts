/**
 * Orders from the web shop and the OMS, and outbound webhooks (issue 23), on both backends
 * (PGlite and the PostgreSQL at 127.0.0.1:5432, each in a fresh database): integration keys made
 * by an admin; a bad signature, a stale timestamp or an unknown key refused with nothing stored; a
 * delivery sent twice applied once; a delivery acknowledged by a store that then stops before
 * applying it, applied exactly once by the next one on the same database; a payload that cannot
 * apply dead with its reason while the next is applied; reconciliation; and a webhook delivered to
 * a receiver on 127.0.0.1 that was down and came back, once, under one event id.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildServer, type BuildServerOptions } from '../../server/src/app';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { calls, customerEmails, customers, customerSources, ingestDeliveries, products } from '../../server/src/db/schema';
import { applyOrderBatch } from '../../server/src/ingest/apply';
import { signPayload } from '../../server/src/ingest/signature';
import { createdIntegration, ingestAccepted, ingestOrder, integrationView, reconcileAnswer } from '../../src-shared/contracts/ingest';
import { createdWebhookEndpoint, webhookDeliveryView } from '../../src-shared/contracts/webhooks';
import { pullResponse, pushResponse, type PushedMutation } from '../../src-shared/contracts/sync-protocol';
import type { MutationArgs } from '../../src-shared/sync/mutations';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend, type StoreLocation } from '../helpers/server-db';
import { signIn, WorkstationTokens, type Credentials } from '../helpers/store-auth';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const FAST_WORKERS: Pick<BuildServerOptions, 'ingestWorker' | 'webhookWorker'> = {
  ingestWorker: { pollMs: 50, retryBaseMs: 50 },
  webhookWorker: { pollMs: 50, retryBaseMs: 100, maxDelayMs: 200 },
};

interface Integration {
  id: string;
  secret: string;
}

/** Waits until `check` holds (polling), or fails naming `what`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`order ingest and webhooks on ${backend.name}`, () => {
    let location: StoreLocation;
    let store: Store;
    let app: FastifyInstance;
    let pokes = 0;
    const admin: Credentials = { username: 'ada', password: 'admin of the store' };
    const carl: Credentials = { username: 'carl', password: 'battery staple' };
    let adminToken: string;
    let csrToken: string;
    let shop: Integration;
    const zoe = { id: randomUUID(), email: 'zoe@example.com', sourceId: 'C-77' };
    const callId = randomUUID();
    const tokens = new WorkstationTokens(() => app);

    const start = (options: Partial<BuildServerOptions> = {}) => {
      const built = buildServer({ store, logger: false, scrypt: FAST_SCRYPT, ...FAST_WORKERS, ...options });
      built.changeFeed.subscribe(() => pokes++);
      return built;
    };

    beforeAll(async () => {
      if (skipReason) return;
      location = await backend.freshLocation();
      store = await location.open();
      app = start();
      await app.ready();
      await createUser(store.db, { username: admin.username, displayName: 'Ada', role: 'admin', password: admin.password }, FAST_SCRYPT);
      await createUser(store.db, { username: carl.username, displayName: 'Carl', role: 'csr', password: carl.password }, FAST_SCRYPT);
      adminToken = (await signIn(app, admin)).token;
      csrToken = (await signIn(app, carl)).token;
      const now = Date.now();
      await store.db.insert(customers).values({ id: zoe.id, firstName: 'Zoë', lastName: 'Ångström', createdAt: now, updatedAt: now });
      await store.db.insert(customerEmails).values({ id: randomUUID(), customerId: zoe.id, email: zoe.email, isPrimary: true });
      await store.db.insert(customerSources).values({ customerId: zoe.id, source: 'shop', sourceId: zoe.sourceId, sourceHash: 'x', importedAt: now });
      await store.db.insert(products).values([
        { id: randomUUID(), sku: 'TR-2041-BLK', name: 'Trail runner', brand: 'Acme', category: 'Shoes', priceCents: 8999, stock: 10 },
        { id: randomUUID(), sku: 'SK-0100-GRY', name: 'Socks', brand: 'Acme', category: 'Socks', priceCents: 1299, stock: 100 },
      ]);
      await store.db.insert(calls).values({ id: callId, customerId: zoe.id, source: 'manual', agentId: 'carl', status: 'completed', startedAt: now - 60_000, completedAt: now });
    });

    afterAll(async () => {
      await app?.close();
      await store?.close();
      await location?.dispose();
    });

    beforeEach((ctx) => {
      if (skipReason) ctx.skip(skipReason);
    });

    const rows = <T,>(query: SQL) => queryRows<T>(store, query);
    const count = async (query: SQL) => Number((await rows<{ n: string | number }>(query))[0]?.n);
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });

    /** A delivery to `url`, signed with `integration`'s secret unless `override` says otherwise. */
    function send(
      url: string,
      body: unknown,
      integration: Integration,
      override: { timestamp?: string; signature?: string; idempotencyKey?: string; key?: string; raw?: string; on?: FastifyInstance } = {},
    ) {
      const raw = override.raw ?? JSON.stringify(body);
      const timestamp = override.timestamp ?? String(Math.floor(Date.now() / 1000));
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-switchboard-key': override.key ?? integration.id,
        'x-switchboard-timestamp': timestamp,
        'x-switchboard-signature': override.signature ?? signPayload(integration.secret, timestamp, raw),
      };
      if (override.idempotencyKey !== undefined) headers['idempotency-key'] = override.idempotencyKey;
      return (override.on ?? app).inject({ method: 'POST', url, headers, payload: raw });
    }

    const order = (orderId: string, fields: Record<string, unknown> = {}) => ({
      deliveryId: `d-${orderId}`,
      orderId,
      customer: { sourceId: zoe.sourceId },
      currency: 'EUR',
      placedAt: '2026-12-01T10:00:00Z',
      lines: [
        { sku: 'tr-2041-blk', quantity: 1, unitPriceCents: 8999 },
        { sku: 'SK-0100-GRY', quantity: 2, unitPriceCents: 1299, discountCents: 100 },
      ],
      shippingCents: 495,
      totalCents: 8999 + 2 * 1299 - 100 + 495,
      ...fields,
    });

    /** An order placed before the period the reconciliation test asks about. */
    const november = (orderId: string, fields: Record<string, unknown> = {}) => order(orderId, { placedAt: '2026-11-15T10:00:00Z', ...fields });

    const ordersFrom = (sourceOrderId: string) =>
      count(sql`select count(*) as n from order_sources s join orders o on o.id = s.order_id where s.source_order_id = ${sourceOrderId}`);
    const deliveryState = async (key: string) =>
      (await rows<{ state: string; last_error: string | null }>(sql`select state, last_error from ingest_deliveries where idempotency_key = ${key}`))[0];

    it('lets an admin create an integration (the secret shown once), list it without the secret, and records it in the audit log', async () => {
      const res = await app.inject({ method: 'POST', url: '/admin/integrations', headers: auth(adminToken), payload: { name: 'Web shop', source: 'shop' } });
      expect(res.statusCode, res.body).toBe(201);
      const created = createdIntegration.parse(res.json().value);
      expect(created).toMatchObject({ name: 'Web shop', source: 'shop', active: true });
      expect(created.secret.length).toBeGreaterThanOrEqual(40);
      shop = { id: created.id, secret: created.secret };

      const list = await app.inject({ method: 'GET', url: '/admin/integrations', headers: auth(adminToken) });
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain(created.secret);
      expect(integrationView.array().parse(list.json().value).map((i) => i.id)).toContain(created.id);
      const audit = await rows<{ detail: string }>(sql`select detail from audit_log where action = 'integration_created'`);
      expect(audit).toHaveLength(1);
      expect(audit[0]!.detail).not.toContain(created.secret);

      expect((await app.inject({ method: 'POST', url: '/admin/integrations', headers: auth(csrToken), payload: { name: 'X', source: 'x' } })).statusCode).toBe(403);
      const bad = await app.inject({ method: 'POST', url: '/admin/integrations', headers: auth(adminToken), payload: { name: 'Bad', source: 'Not A Source!' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'source' } });
      expect(await count(sql`select count(*) as n from integrations`)).toBe(1);
    });

    it('applies a signed order within a second, through the change log workstations pull, keeping the source id', async () => {
      const pokesBefore = pokes;
      const sent = Date.now();
      const res = await send('/ingest/orders', order('1001', { number: '#1001' }), shop);
      expect(res.statusCode, res.body).toBe(202);
      expect(ingestAccepted.parse(res.json().value)).toEqual({ deliveryId: 'd-1001', duplicate: false });
      await until('the order to be applied', async () => (await ordersFrom('1001')) === 1);
      expect(Date.now() - sent).toBeLessThan(1000);
      const [o] = await rows<{ id: string; number: string; channel: string; status: string; customer_id: string; total_cents: number; subtotal_cents: number }>(
        sql`select o.id, o.number, o.channel, o.status, o.customer_id, o.total_cents, o.subtotal_cents from orders o join order_sources s on s.order_id = o.id where s.source_order_id = '1001'`,
      );
      expect(o).toMatchObject({ number: 'SHOP-#1001', channel: 'web', status: 'placed', customer_id: zoe.id, total_cents: 11992, subtotal_cents: 11497 });
      expect(await count(sql`select count(*) as n from order_lines where order_id = ${o!.id}`)).toBe(2);
      expect(await count(sql`select count(*) as n from change_log where table_name = 'orders' and row_id = ${o!.id}`)).toBeGreaterThan(0);
      expect(await count(sql`select count(*) as n from change_log where table_name = 'order_lines'`)).toBeGreaterThanOrEqual(2);
      await until('the change feed to be poked', async () => pokes > pokesBefore, 2000);
      expect(await deliveryState('d-1001')).toEqual({ state: 'applied', last_error: null });
    });

    it('lets a workstation pull an ingested order through the normal sync within a second of sending it', async () => {
      const desk = randomUUID();
      const token = await tokens.for(carl, desk);
      const pull = async (cursor: string | null) => {
        const res = await app.inject({ method: 'POST', url: '/sync/pull', headers: auth(token), payload: { clientId: desk, cursor } });
        expect(res.statusCode, res.body).toBe(200);
        return pullResponse.parse(res.json().value);
      };
      // Caught up first, as a workstation that has synced.
      let page = await pull(null);
      while (page.hasMore) page = await pull(page.cursor);
      const cursor = page.cursor;

      const sent = Date.now();
      expect((await send('/ingest/orders', order('7001'), shop)).statusCode).toBe(202);
      let numbers: unknown[] = [];
      await until('the order to reach the workstation', async () => {
        const next = await pull(cursor);
        const orders = next.changes.orders;
        numbers = orders ? orders.rows.map((r) => r[orders.columns.indexOf('number')]) : [];
        return numbers.includes('SHOP-7001');
      });
      expect(Date.now() - sent).toBeLessThan(1000);
    });

    it('refuses a bad signature, an unknown key and a stale or missing timestamp with 401, storing nothing', async () => {
      const queued = await count(sql`select count(*) as n from ingest_deliveries`);
      const body = order('2001');
      const badSig = await send('/ingest/orders', body, shop, { signature: signPayload('not the secret', String(Math.floor(Date.now() / 1000)), JSON.stringify(body)) });
      expect(badSig.statusCode).toBe(401);
      expect(badSig.json()).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
      // The body changed after signing (the signature is over the raw bytes, whitespace included).
      const raw = JSON.stringify(body);
      const ts = String(Math.floor(Date.now() / 1000));
      expect((await send('/ingest/orders', body, shop, { raw: `${raw} `, signature: signPayload(shop.secret, ts, raw), timestamp: ts })).statusCode).toBe(401);
      expect((await send('/ingest/orders', body, shop, { signature: 'zz' })).statusCode).toBe(401);
      expect((await send('/ingest/orders', body, shop, { key: randomUUID() })).statusCode).toBe(401);
      expect((await send('/ingest/orders', body, shop, { key: 'not-a-uuid' })).statusCode).toBe(401);
      // Signed correctly, but ten minutes old (a captured delivery replayed later), or from the future.
      const stale = String(Math.floor(Date.now() / 1000) - 600);
      expect((await send('/ingest/orders', body, shop, { timestamp: stale })).statusCode).toBe(401);
      expect((await send('/ingest/orders', body, shop, { timestamp: String(Math.floor(Date.now() / 1000) + 600) })).statusCode).toBe(401);
      expect((await send('/ingest/orders', body, shop, { timestamp: 'yesterday' })).statusCode).toBe(401);
      const unsigned = await app.inject({ method: 'POST', url: '/ingest/orders', headers: { 'content-type': 'application/json' }, payload: raw });
      expect(unsigned.statusCode).toBe(401);
      expect(await count(sql`select count(*) as n from ingest_deliveries`)).toBe(queued);
      expect(await ordersFrom('2001')).toBe(0);
    });

    it('answers bad input with a typed 400 and queues nothing', async () => {
      const queued = await count(sql`select count(*) as n from ingest_deliveries`);
      const { totalCents: _dropped, ...withoutTotal } = order('3001');
      const missing = await send('/ingest/orders', withoutTotal, shop);
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'totalCents' } });
      expect((await send('/ingest/orders', null, shop, { raw: '{"orderId": ' })).json()).toMatchObject({ error: { code: 'invalid_input', message: 'The body is not JSON.' } });
      const noKey = await send('/ingest/orders', { ...order('3002'), deliveryId: undefined }, shop);
      expect(noKey.json()).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'deliveryId' } });
      const badStock = await send('/ingest/stock', { deliveryId: 's-bad', items: [{ sku: 'X', stock: -1 }] }, shop);
      expect(badStock.json()).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'items.0.stock' } });
      const badSurvey = await send('/ingest/satisfaction', { deliveryId: 'q-bad', callId, satisfaction: 6 }, shop);
      expect(badSurvey.json()).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'satisfaction' } });
      const badPeriod = await send('/ingest/reconcile', { from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z', orderIds: [] }, shop);
      expect(badPeriod.json()).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'to' } });
      expect(await count(sql`select count(*) as n from ingest_deliveries`)).toBe(queued);
    });

    it('applies a delivery sent twice once, and the same order under another delivery id once', async () => {
      const first = await send('/ingest/orders', order('4001'), shop, { idempotencyKey: 'key-4001' });
      const again = await send('/ingest/orders', order('4001'), shop, { idempotencyKey: 'key-4001' });
      expect(ingestAccepted.parse(first.json().value).duplicate).toBe(false);
      expect(again.statusCode).toBe(202);
      expect(ingestAccepted.parse(again.json().value)).toEqual({ deliveryId: 'key-4001', duplicate: true });
      expect(await count(sql`select count(*) as n from ingest_deliveries where idempotency_key = 'key-4001'`)).toBe(1);
      // The shop sends the same order again as a new delivery (a retry with a fresh id).
      expect((await send('/ingest/orders', order('4001'), shop, { idempotencyKey: 'key-4001-retry' })).statusCode).toBe(202);
      await until('both deliveries to settle', async () => (await deliveryState('key-4001'))?.state === 'applied' && (await deliveryState('key-4001-retry'))?.state === 'applied');
      expect(await ordersFrom('4001')).toBe(1);
    });

    it('refuses the same idempotency key with another body (409 idempotency_conflict), keeping the first; the same body again is still a duplicate', async () => {
      const first = await send('/ingest/orders', november('4101'), shop, { idempotencyKey: 'key-4101' });
      expect(ingestAccepted.parse(first.json().value)).toEqual({ deliveryId: 'key-4101', duplicate: false });
      const changed = await send('/ingest/orders', november('4101', { totalCents: 1 }), shop, { idempotencyKey: 'key-4101' });
      expect(changed.statusCode, changed.body).toBe(409);
      expect(changed.json()).toMatchObject({ ok: false, error: { code: 'idempotency_conflict', field: 'idempotencyKey' } });
      // The same bytes reformatted are another body: the hash is over the bytes as signed.
      expect((await send('/ingest/orders', null, shop, { idempotencyKey: 'key-4101', raw: JSON.stringify(november('4101'), null, 1) })).statusCode).toBe(409);
      // The same key on another route is another delivery too.
      expect((await send('/ingest/order-status', { orderId: '4101', status: 'paid' }, shop, { idempotencyKey: 'key-4101' })).json()).toMatchObject({ error: { code: 'idempotency_conflict' } });
      const again = await send('/ingest/orders', november('4101'), shop, { idempotencyKey: 'key-4101' });
      expect(again.statusCode).toBe(202);
      expect(ingestAccepted.parse(again.json().value)).toEqual({ deliveryId: 'key-4101', duplicate: true });
      const queued = await rows<{ body: string; body_hash: string }>(sql`select body, body_hash from ingest_deliveries where idempotency_key = 'key-4101'`);
      expect(queued).toHaveLength(1);
      // The first body is kept until it is applied (then dropped: server/src/ingest/retention.ts); its hash stays.
      expect(['', JSON.stringify(november('4101'))]).toContain(queued[0]!.body);
      expect(queued[0]!.body_hash).toBe(createHash('sha256').update(JSON.stringify(november('4101'))).digest('hex'));
      await until('the first to apply', async () => (await deliveryState('key-4101'))?.state === 'applied');
      expect(await rows(sql`select body, body_hash from ingest_deliveries where idempotency_key = 'key-4101'`)).toEqual([{ body: '', body_hash: queued[0]!.body_hash }]);
      expect(await rows(sql`select o.total_cents from orders o join order_sources s on s.order_id = o.id where s.source_order_id = '4101'`)).toEqual([{ total_cents: 11992 }]);
    });

    it('acknowledges 50 concurrent deliveries in fewer transactions than deliveries, each applied exactly once', async () => {
      const stats = app.ingestAdmission.stats;
      const before = { batches: stats.batches, items: stats.items };
      const ids = Array.from({ length: 50 }, (_, i) => String(8000 + i));
      const answers = await Promise.all(ids.map((id) => send('/ingest/orders', november(id), shop)));
      for (const [i, res] of answers.entries()) {
        expect(res.statusCode, res.body).toBe(202);
        expect(ingestAccepted.parse(res.json().value)).toEqual({ deliveryId: `d-${ids[i]}`, duplicate: false });
      }
      expect(stats.items - before.items).toBe(50);
      // Grouped: some transaction held more than one delivery.
      expect(stats.batches - before.batches).toBeLessThan(50);
      expect(await count(sql`select count(*) as n from ingest_deliveries where idempotency_key like 'd-80%'`)).toBe(50);
      await until('all 50 to apply', async () => (await count(sql`select count(*) as n from order_sources where source_order_id like '80%'`)) === 50);
      const perOrder = await rows<{ id: string; n: string | number }>(sql`select source_order_id as id, count(*) as n from order_sources where source_order_id like '80%' group by source_order_id`);
      expect(perOrder.map((r) => [r.id, Number(r.n)]).sort()).toEqual(ids.map((id) => [id, 1]));
      expect(await count(sql`select count(*) as n from ingest_deliveries where idempotency_key like 'd-80%' and state <> 'applied'`)).toBe(0);
    });

    it('queues two copies of a delivery in the same batch once (the second a duplicate), and refuses a third with another body', async () => {
      // A store process whose group commit waits 300 ms for company, so the three share one batch;
      // the running store's worker applies what it queued.
      const batched = start({ ingestWorker: false, ingestAdmission: { windowMs: 300 } });
      await batched.ready();
      try {
        const before = batched.ingestAdmission.stats.batches;
        const [a, b, c] = await Promise.all([
          send('/ingest/orders', november('4201'), shop, { on: batched }),
          send('/ingest/orders', november('4201'), shop, { on: batched }),
          send('/ingest/orders', november('4201', { note: 'changed' }), shop, { on: batched }),
        ]);
        expect(batched.ingestAdmission.stats.batches - before).toBe(1);
        expect([a!.statusCode, b!.statusCode, c!.statusCode]).toEqual([202, 202, 409]);
        expect([ingestAccepted.parse(a!.json().value).duplicate, ingestAccepted.parse(b!.json().value).duplicate]).toEqual([false, true]);
        expect(c!.json()).toMatchObject({ ok: false, error: { code: 'idempotency_conflict' } });
      } finally {
        await batched.close();
      }
      expect(await count(sql`select count(*) as n from ingest_deliveries where idempotency_key = 'd-4201'`)).toBe(1);
      await until('the order to apply', async () => (await deliveryState('d-4201'))?.state === 'applied');
      expect(await ordersFrom('4201')).toBe(1);
      expect(await rows(sql`select o.note from orders o join order_sources s on s.order_id = o.id where s.source_order_id = '4201'`)).toEqual([{ note: null }]);
    });

    it('answers every delivery of a batch whose transaction fails 503, queues none of them, and takes them all when sent again', async () => {
      // The store's connection fails after the batch's INSERT, before its COMMIT (once).
      let faults = 1;
      const real = store.db;
      const faultyDb = new Proxy(real, {
        get(target, prop) {
          if (prop !== 'transaction') return Reflect.get(target, prop, target) as unknown;
          return (fn: (tx: unknown) => Promise<unknown>, config?: unknown) =>
            (target.transaction as (f: (tx: unknown) => Promise<unknown>, c?: unknown) => Promise<unknown>)(async (tx) => {
              let queues = false;
              const watched = new Proxy(tx as object, {
                get(t, p) {
                  const value = Reflect.get(t, p, t) as unknown;
                  if (p === 'insert') return (table: unknown) => ((queues ||= table === ingestDeliveries), (value as (x: unknown) => unknown).call(t, table));
                  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
                },
              });
              const result = await fn(watched);
              if (queues && faults > 0) {
                faults--;
                throw new Error('injected: the connection to the database was lost before COMMIT');
              }
              return result;
            }, config);
        },
      });
      const faulty = start({ store: { ...store, db: faultyDb }, ingestWorker: false, ingestAdmission: { windowMs: 300 } });
      await faulty.ready();
      const ids = Array.from({ length: 10 }, (_, i) => String(8100 + i));
      try {
        const before = faulty.ingestAdmission.stats.batches;
        const answers = await Promise.all(ids.map((id) => send('/ingest/orders', november(id), shop, { on: faulty })));
        expect(faulty.ingestAdmission.stats.batches - before).toBe(1);
        for (const res of answers) {
          expect(res.statusCode, res.body).toBe(503);
          expect(res.json()).toMatchObject({ ok: false, error: { code: 'unavailable' } });
        }
        expect(faults).toBe(0);
      } finally {
        await faulty.close();
      }
      expect(await count(sql`select count(*) as n from ingest_deliveries where idempotency_key like 'd-81%'`)).toBe(0);
      // The senders retry (the same keys): each queued now, and applied once.
      const retried = await Promise.all(ids.map((id) => send('/ingest/orders', november(id), shop)));
      for (const res of retried) expect(ingestAccepted.parse(res.json().value).duplicate).toBe(false);
      await until('the retried orders to apply', async () => (await count(sql`select count(*) as n from order_sources where source_order_id like '81%'`)) === 10);
      expect(await count(sql`select count(*) as n from ingest_deliveries where idempotency_key like 'd-81%'`)).toBe(10);
    });

    it('marks a delivery that cannot apply dead with its reason, and applies the one behind it', async () => {
      expect((await send('/ingest/orders', order('5001', { lines: [{ sku: 'NO-SUCH-SKU', quantity: 1, unitPriceCents: 100 }], totalCents: 100 }), shop)).statusCode).toBe(202);
      expect((await send('/ingest/orders', order('5002', { customer: { email: 'nobody@example.com' } }), shop)).statusCode).toBe(202);
      expect((await send('/ingest/orders', order('5003', { customer: { email: 'ZOE@example.com' } }), shop)).statusCode).toBe(202);
      await until('the good order to apply', async () => (await ordersFrom('5003')) === 1);
      await until('the bad ones to be dead', async () => (await deliveryState('d-5002'))?.state === 'dead');
      expect(await deliveryState('d-5001')).toEqual({ state: 'dead', last_error: 'lines: no such product in the store: NO-SUCH-SKU.' });
      expect((await deliveryState('d-5002'))?.last_error).toMatch(/^customer: no such customer/);
      expect(await ordersFrom('5001')).toBe(0);
      const log = await app.inject({ method: 'GET', url: '/admin/ingest/deliveries?state=dead', headers: auth(adminToken) });
      expect(log.statusCode).toBe(200);
      const dead = log.json().value as { idempotencyKey: string; lastError: string }[];
      expect(dead.map((d) => d.idempotencyKey).sort()).toEqual(['d-5001', 'd-5002']);
      expect(log.body).not.toContain('nobody@example.com');
    });

    it('applies status changes, stock levels and survey answers (the answer only when the call has none)', async () => {
      expect((await send('/ingest/order-status', { deliveryId: 'st-1', orderId: '1001', status: 'shipped' }, shop)).statusCode).toBe(202);
      expect((await send('/ingest/order-status', { deliveryId: 'st-2', orderId: 'unknown', status: 'shipped' }, shop)).statusCode).toBe(202);
      expect((await send('/ingest/stock', { deliveryId: 'sk-1', items: [{ sku: 'tr-2041-blk', stock: 42 }] }, shop)).statusCode).toBe(202);
      expect((await send('/ingest/satisfaction', { deliveryId: 'q-1', callId, satisfaction: 2 }, shop)).statusCode).toBe(202);
      expect((await send('/ingest/satisfaction', { deliveryId: 'q-2', callId, satisfaction: 5 }, shop)).statusCode).toBe(202);
      await until('all five to settle', async () => (await count(sql`select count(*) as n from ingest_deliveries where idempotency_key in ('st-1','st-2','sk-1','q-1','q-2') and state <> 'pending'`)) === 5);
      expect(await rows(sql`select o.status from orders o join order_sources s on s.order_id = o.id where s.source_order_id = '1001'`)).toEqual([{ status: 'shipped' }]);
      expect((await deliveryState('st-2'))?.state).toBe('dead');
      expect(await rows(sql`select stock from products where sku = 'TR-2041-BLK'`)).toEqual([{ stock: 42 }]);
      expect(await rows(sql`select satisfaction from calls where id = ${callId}`)).toEqual([{ satisfaction: 2 }]);
    });

    it('applies exactly once a delivery acknowledged by a store that stopped before applying it', async () => {
      await app.close();
      // A store process whose worker never gets to run: it answers 202 and is gone.
      const doomed = start({ ingestWorker: false });
      await doomed.ready();
      const acked = await send('/ingest/orders', order('6001'), shop, { on: doomed });
      expect(acked.statusCode).toBe(202);
      const twice = await send('/ingest/orders', order('6001'), shop, { on: doomed });
      expect(ingestAccepted.parse(twice.json().value).duplicate).toBe(true);
      await doomed.close();
      await store.close();
      expect(await ordersFrom('6001').catch(() => 'closed')).toBe('closed');

      store = await location.open();
      app = start();
      await app.ready();
      await until('the acknowledged order to apply after the restart', async () => (await ordersFrom('6001')) === 1);
      // The worker keeps going: nothing applies it a second time.
      await new Promise((r) => setTimeout(r, 200));
      expect(await ordersFrom('6001')).toBe(1);
      expect(await deliveryState('d-6001')).toEqual({ state: 'applied', last_error: null });
    });

    it('reconciles: what the source has that the store lacks, and the other way round, in the period', async () => {
      const inDecember = { from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' };
      const res = await send('/ingest/reconcile', { ...inDecember, orderIds: ['1001', '4001', '5001', '9999'] }, shop);
      expect(res.statusCode, res.body).toBe(200);
      expect(reconcileAnswer.parse(res.json().value)).toEqual({ missingInStore: ['5001', '9999'], missingInSource: ['5003', '6001', '7001'] });
      const empty = await send('/ingest/reconcile', { from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z', orderIds: [] }, shop);
      expect(empty.json().value).toEqual({ missingInStore: [], missingInSource: [] });
    });

    it('refuses every delivery of a disabled integration, and records who disabled it', async () => {
      const other = createdIntegration.parse(
        (await app.inject({ method: 'POST', url: '/admin/integrations', headers: auth(adminToken), payload: { name: 'OMS', source: 'oms' } })).json().value,
      );
      expect((await send('/ingest/stock', { deliveryId: 'oms-1', items: [{ sku: 'SK-0100-GRY', stock: 7 }] }, other)).statusCode).toBe(202);
      const off = await app.inject({ method: 'POST', url: `/admin/integrations/${other.id}/disable`, headers: auth(adminToken) });
      expect(off.statusCode, off.body).toBe(200);
      expect(off.json().value).toMatchObject({ active: false });
      expect((await send('/ingest/stock', { deliveryId: 'oms-2', items: [{ sku: 'SK-0100-GRY', stock: 8 }] }, other)).statusCode).toBe(401);
      expect(await count(sql`select count(*) as n from audit_log where action = 'integration_disabled' and subject = ${`integration:${other.id}`}`)).toBe(1);
      expect((await app.inject({ method: 'POST', url: `/admin/integrations/${randomUUID()}/disable`, headers: auth(adminToken) })).statusCode).toBe(404);
      expect((await app.inject({ method: 'POST', url: '/admin/integrations/nope/disable', headers: auth(adminToken) })).json()).toMatchObject({ error: { code: 'invalid_input' } });
    });

    describe('new shoppers from the web shop', () => {
      const mia = { sourceId: 'WEB-NEW-1', firstName: '  Mía ', lastName: 'Øster-Łukasz', email: 'MIA@Exämple.de', phone: '555-0199 x12 (evenings)', language: 'de-DE' };
      const customerBySource = (sourceId: string) =>
        rows<{ id: string; first_name: string; last_name: string; language: string | null; erased_at: number | null }>(
          sql`select c.id, c.first_name, c.last_name, c.language, c.erased_at from customers c join customer_sources s on s.customer_id = c.id where s.source = 'shop' and s.source_id = ${sourceId}`,
        );
      const customerOfOrder = async (orderId: string) =>
        (await rows<{ customer_id: string }>(sql`select o.customer_id from orders o join order_sources s on s.order_id = o.id where s.source_order_id = ${orderId}`))[0]?.customer_id;

      it("creates a new shopper with their first order (names byte for byte, email, an unreadable phone kept unverified), and attaches the second order to them", async () => {
        const customersBefore = await count(sql`select count(*) as n from customers`);
        expect((await send('/ingest/orders', november('N-1001', { customer: mia }), shop)).statusCode).toBe(202);
        await until('the new shopper\'s order to apply', async () => (await ordersFrom('N-1001')) === 1);
        const found = await customerBySource(mia.sourceId);
        expect(found).toHaveLength(1);
        const c = found[0]!;
        expect(c).toMatchObject({ first_name: 'Mía', last_name: 'Øster-Łukasz', language: 'de-DE', erased_at: null });
        expect(await customerOfOrder('N-1001')).toBe(c.id);
        expect(await count(sql`select count(*) as n from customers`)).toBe(customersBefore + 1);
        expect(await rows(sql`select email, is_primary from customer_emails where customer_id = ${c.id}`)).toEqual([{ email: 'mia@exämple.de', is_primary: true }]);
        // The phone library cannot read it: kept as written, unverified, under its digits (what a CSR's lookup matches).
        expect(await rows(sql`select e164, raw, verified, is_primary from customer_phones where customer_id = ${c.id}`)).toEqual([
          { e164: '555019912', raw: '555-0199 x12 (evenings)', verified: false, is_primary: true },
        ]);
        for (const table of ['customers', 'customer_emails', 'customer_phones']) {
          const ids = table === 'customers' ? [c.id] : (await rows<{ id: string }>(sql`select id from ${sql.identifier(table)} where customer_id = ${c.id}`)).map((r) => r.id);
          for (const id of ids) expect(await count(sql`select count(*) as n from change_log where table_name = ${table} and row_id = ${id}`), table).toBeGreaterThan(0);
        }

        // The same shopper again, another order under another idempotency key (the shop sends their details every time).
        expect((await send('/ingest/orders', november('N-1002', { customer: { ...mia, firstName: 'Mia' } }), shop, { idempotencyKey: 'k-N-1002' })).statusCode).toBe(202);
        expect((await send('/ingest/orders', november('N-1003', { customer: { sourceId: mia.sourceId } }), shop, { idempotencyKey: 'k-N-1003' })).statusCode).toBe(202);
        await until('the second and third orders to apply', async () => (await ordersFrom('N-1002')) + (await ordersFrom('N-1003')) === 2);
        expect(await customerOfOrder('N-1002')).toBe(c.id);
        expect(await customerOfOrder('N-1003')).toBe(c.id);
        expect(await count(sql`select count(*) as n from customers`)).toBe(customersBefore + 1);
        // An order never rewrites the customer's details: the store's name stands.
        expect((await customerBySource(mia.sourceId))[0]).toMatchObject({ first_name: 'Mía' });
      });

      it('creates one customer for two orders of the same new shopper in one worker batch', async () => {
        const customersBefore = await count(sql`select count(*) as n from customers`);
        const noah = { sourceId: 'WEB-NEW-2', firstName: 'Noah', lastName: '山田', phone: '+44 20 7946 0958', country: 'GB' };
        // Queued by a store whose worker does not run, then applied by the next one: both in its first batch.
        await app.close();
        const queueOnly = start({ ingestWorker: false });
        await queueOnly.ready();
        expect((await send('/ingest/orders', november('N-2001', { customer: noah }), shop, { on: queueOnly })).statusCode).toBe(202);
        expect((await send('/ingest/orders', november('N-2002', { customer: noah }), shop, { on: queueOnly })).statusCode).toBe(202);
        await queueOnly.close();
        expect(await count(sql`select count(*) as n from ingest_deliveries where idempotency_key in ('d-N-2001', 'd-N-2002') and state = 'pending'`)).toBe(2);
        app = start();
        await app.ready();
        await until('both orders to apply', async () => (await ordersFrom('N-2001')) + (await ordersFrom('N-2002')) === 2);
        const found = await customerBySource(noah.sourceId);
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({ first_name: 'Noah', last_name: '山田' });
        expect(await customerOfOrder('N-2001')).toBe(found[0]!.id);
        expect(await customerOfOrder('N-2002')).toBe(found[0]!.id);
        expect(await count(sql`select count(*) as n from customers`)).toBe(customersBefore + 1);
        expect(await rows(sql`select e164, verified from customer_phones where customer_id = ${found[0]!.id}`)).toEqual([{ e164: '+442079460958', verified: true }]);

        // The batch itself (not its one-by-one fallback after a duplicate source id): both orders applied by one joint write.
        const lea = { sourceId: 'WEB-NEW-2B', firstName: 'Léa', lastName: 'Brun' };
        const sender = { id: shop.id, source: 'shop' };
        const outcomes = await store.db.transaction((tx) =>
          applyOrderBatch(tx, [
            { ref: 1, sender, order: ingestOrder.parse(november('N-2101', { customer: lea })) },
            { ref: 2, sender, order: ingestOrder.parse(november('N-2102', { customer: lea })) },
          ]),
        );
        expect([...outcomes]).toEqual([
          [1, 'applied'],
          [2, 'applied'],
        ]);
        const [leaRow] = await customerBySource(lea.sourceId);
        expect(await customerOfOrder('N-2101')).toBe(leaRow!.id);
        expect(await customerOfOrder('N-2102')).toBe(leaRow!.id);
        expect(await count(sql`select count(*) as n from customers`)).toBe(customersBefore + 2);
      });

      it('lets a workstation pull a new shopper with their order through the normal sync', async () => {
        const desk = randomUUID();
        const token = await tokens.for(carl, desk);
        const pull = async (cursor: string | null) => {
          const res = await app.inject({ method: 'POST', url: '/sync/pull', headers: auth(token), payload: { clientId: desk, cursor } });
          expect(res.statusCode, res.body).toBe(200);
          return pullResponse.parse(res.json().value);
        };
        let page = await pull(null);
        while (page.hasMore) page = await pull(page.cursor);
        const cursor = page.cursor;
        const ava = { sourceId: 'WEB-NEW-3', firstName: 'Ava', lastName: 'Ng', email: 'ava@example.com' };
        expect((await send('/ingest/orders', november('N-3001', { customer: ava }), shop)).statusCode).toBe(202);
        const column = (changes: typeof page.changes, table: string, name: string) => {
          const t = changes[table as keyof typeof changes];
          return t ? t.rows.map((r) => r[t.columns.indexOf(name)]) : [];
        };
        let changes = page.changes;
        await until('the order and its new customer to reach the workstation', async () => {
          changes = (await pull(cursor)).changes;
          return column(changes, 'orders', 'number').includes('SHOP-N-3001');
        });
        const [created] = await customerBySource(ava.sourceId);
        expect(column(changes, 'customers', 'id')).toContain(created!.id);
        expect(column(changes, 'customers', 'last_name')).toContain('Ng');
        expect(column(changes, 'customer_emails', 'email')).toContain('ava@example.com');
      });

      it('refuses a new shopper without a name, or with bad details, with a typed reason, writing nothing', async () => {
        const customersBefore = await count(sql`select count(*) as n from customers`);
        const queued = await count(sql`select count(*) as n from ingest_deliveries`);
        const bad = async (customer: Record<string, unknown>, field: string) => {
          const res = await send('/ingest/orders', november('N-4001', { customer }), shop);
          expect(res.statusCode, JSON.stringify(customer)).toBe(400);
          expect(res.json()).toMatchObject({ ok: false, error: { code: 'invalid_input', field } });
        };
        await bad({ sourceId: 'WEB-BAD-1', firstName: '  ', lastName: 'Ng' }, 'customer.firstName');
        await bad({ sourceId: 'WEB-BAD-1', firstName: 'Eli', lastName: 'Ng', email: 'not-an-email' }, 'customer.email');
        await bad({ sourceId: 'WEB-BAD-1', firstName: 'Eli', lastName: 'Ng', phone: '12' }, 'customer.phone');
        await bad({ sourceId: 'WEB-BAD-1', firstName: 'Eli', lastName: 'Ng', country: 'XX' }, 'customer.country');
        await bad({ sourceId: 'WEB-BAD-1', firstName: 'Eli' }, 'customer');
        await bad({ email: 'eli@example.com', firstName: 'Eli', lastName: 'Ng' }, 'customer.sourceId');
        expect(await count(sql`select count(*) as n from ingest_deliveries`)).toBe(queued);

        // Accepted, but refused by the worker: no name for an unknown source id; a source id longer than the store keeps.
        expect((await send('/ingest/orders', november('N-4002', { customer: { sourceId: 'WEB-BAD-2', email: 'eli@example.com' } }), shop)).statusCode).toBe(202);
        expect((await send('/ingest/orders', november('N-4003', { customer: { sourceId: 'W'.repeat(150), firstName: 'Eli', lastName: 'Ng' } }), shop)).statusCode).toBe(202);
        await until('both to be dead', async () => (await deliveryState('d-N-4002'))?.state === 'dead' && (await deliveryState('d-N-4003'))?.state === 'dead');
        expect((await deliveryState('d-N-4002'))?.last_error).toMatch(/^customer: no such customer in the store .*give sourceId with firstName and lastName/);
        expect((await deliveryState('d-N-4003'))?.last_error).toBe('customer.sourceId: Source id: at most 100 characters.');
        expect(await ordersFrom('N-4002')).toBe(0);
        expect(await ordersFrom('N-4003')).toBe(0);
        expect(await count(sql`select count(*) as n from customers`)).toBe(customersBefore);
        expect(await count(sql`select count(*) as n from customer_emails where email = 'eli@example.com'`)).toBe(0);
      });
    });

    describe('outbound webhooks', () => {
      let receiver: Server;
      let port: number;
      let up = true;
      const received: { eventId: string; event: string; body: string; timestamp: string; signature: string }[] = [];
      let refusedWhileDown = 0;

      const listen = () =>
        new Promise<void>((resolve) => {
          receiver = createServer((req: IncomingMessage, res) => {
            let body = '';
            req.setEncoding('utf8');
            req.on('data', (c: string) => (body += c));
            req.on('end', () => {
              if (!up) {
                refusedWhileDown++;
                res.writeHead(503).end();
                return;
              }
              received.push({
                eventId: String(req.headers['x-switchboard-event-id']),
                event: String(req.headers['x-switchboard-event']),
                body,
                timestamp: String(req.headers['x-switchboard-timestamp']),
                signature: String(req.headers['x-switchboard-signature']),
              });
              res.writeHead(204).end();
            });
          });
          receiver.listen(port ?? 0, '127.0.0.1', () => {
            port = (receiver.address() as AddressInfo).port;
            resolve();
          });
        });

      beforeAll(async () => {
        if (skipReason) return;
        await listen();
      });
      /** Closes the receiver, cutting its kept-alive connections (the worker's client keeps them open). */
      const stopListening = () =>
        new Promise<void>((resolve) => {
          if (!receiver?.listening) return resolve();
          receiver.close(() => resolve());
          receiver.closeAllConnections();
        });

      afterAll(async () => {
        await stopListening();
      });

      it('delivers a pushed complaint once, signed, under one event id, after the receiver was down (refusing, then not listening) and came back', async () => {
        const res = await app.inject({
          method: 'POST',
          url: '/admin/webhooks',
          headers: auth(adminToken),
          payload: { url: `http://127.0.0.1:${port}/hooks`, events: ['complaint.logged', 'complaint.resolved'] },
        });
        expect(res.statusCode, res.body).toBe(201);
        const endpoint = createdWebhookEndpoint.parse(res.json().value);
        expect((await app.inject({ method: 'GET', url: '/admin/webhooks', headers: auth(adminToken) })).body).not.toContain(endpoint.secret);
        const badUrl = await app.inject({ method: 'POST', url: '/admin/webhooks', headers: auth(adminToken), payload: { url: 'ftp://x', events: ['complaint.logged'] } });
        expect(badUrl.json()).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'url' } });

        up = false;
        const complaintId = randomUUID();
        const clientId = randomUUID();
        const mutations: PushedMutation[] = [
          {
            id: 1,
            name: 'complaint.log',
            schemaVersion: 2,
            createdAt: Date.now(),
            args: {
              complaintId,
              eventId: randomUUID(),
              customerId: zoe.id,
              callId: null,
              orderId: null,
              orderLineId: null,
              categoryCode: 'late',
              severity: 'low',
              description: 'Late.',
              desiredResolution: null,
              followUpOn: null,
              openedAt: Date.now(),
              agentId: 'carl',
              status: 'open',
            } satisfies MutationArgs<'complaint.log'>,
          },
          {
            id: 2,
            name: 'complaint.transition',
            schemaVersion: 2,
            createdAt: Date.now(),
            args: {
              complaintId,
              eventId: randomUUID(),
              from: 'open',
              to: 'resolved',
              resolution: 'Refunded the delivery charge.',
              note: null,
              callId: null,
              agentId: 'carl',
              at: Date.now(),
            } satisfies MutationArgs<'complaint.transition'>,
          },
        ];
        const pushed = await app.inject({ method: 'POST', url: '/sync/push', headers: auth(await tokens.for(carl, clientId)), payload: { clientId, mutations } });
        expect(pushed.statusCode, pushed.body).toBe(200);
        expect(pushResponse.parse(pushed.json().value).results.map((r) => r.status)).toEqual(['applied', 'applied']);
        expect(await rows(sql`select kind from webhook_events order by kind`)).toEqual([{ kind: 'complaint.logged' }, { kind: 'complaint.resolved' }]);

        await until('a refused attempt', async () => refusedWhileDown > 0);
        // Now not even listening: connection refused.
        await stopListening();
        await until('a failed attempt with no answer', async () =>
          (await count(sql`select count(*) as n from webhook_deliveries where last_error like 'No answer%'`)) > 0,
        );
        up = true;
        await listen();
        await until('the deliveries', async () => received.length >= 2);
        await new Promise((r) => setTimeout(r, 300));
        // Each event once, whatever the failed attempts before.
        expect(received.map((r) => r.event).sort()).toEqual(['complaint.logged', 'complaint.resolved']);
        expect(new Set(received.map((r) => r.eventId)).size).toBe(2);
        const got = received.find((r) => r.event === 'complaint.logged')!;
        expect(got.event).toBe('complaint.logged');
        expect(got.signature).toBe(signPayload(endpoint.secret, got.timestamp, got.body));
        const payload = JSON.parse(got.body) as { id: string; type: string; data: { complaintId: string } };
        expect(payload).toMatchObject({ id: got.eventId, type: 'complaint.logged', data: { complaintId } });
        expect(got.body).not.toContain('Ångström');

        const log = await app.inject({ method: 'GET', url: `/admin/webhooks/deliveries?endpointId=${endpoint.id}`, headers: auth(adminToken) });
        const deliveries = webhookDeliveryView.array().parse(log.json().value);
        expect(deliveries).toHaveLength(2);
        const delivery = deliveries.find((d) => d.event === 'complaint.logged');
        expect(delivery).toMatchObject({ eventId: got.eventId, event: 'complaint.logged', state: 'delivered', lastStatus: 204, lastError: null });
        // Each was tried while the receiver was down (refusing or not listening), then delivered.
        for (const d of deliveries) expect(d.attempts, d.event).toBeGreaterThanOrEqual(2);

        // An admin replays it: the same event id again (receivers de-duplicate by it).
        const replay = await app.inject({ method: 'POST', url: `/admin/webhooks/deliveries/${delivery!.id}/replay`, headers: auth(adminToken) });
        expect(replay.statusCode, replay.body).toBe(200);
        await until('the replay', async () => received.length === 3);
        expect(received[2]!.eventId).toBe(got.eventId);
        expect(await count(sql`select count(*) as n from audit_log where action in ('webhook_created', 'webhook_replayed')`)).toBe(2);
      });

      it('gives up on a delivery after its retry window, and sends nothing to a disabled endpoint', async () => {
        const res = await app.inject({ method: 'POST', url: '/admin/webhooks', headers: auth(adminToken), payload: { url: 'http://127.0.0.1:9/unreachable', events: ['order.confirmed'] } });
        const endpoint = createdWebhookEndpoint.parse(res.json().value);
        await app.close();
        app = start({ webhookWorker: { pollMs: 20, retryBaseMs: 50, maxDelayMs: 50, maxAgeMs: 300 } });
        await app.ready();
        const { emitOrderConfirmed } = await import('../../server/src/webhooks/events');
        await emitOrderConfirmed(store.db, { id: randomUUID(), number: 'SB00000001', customerId: zoe.id, currency: 'EUR', totalCents: 100 }, Date.now());
        await until('the delivery to fail for good', async () => (await count(sql`select count(*) as n from webhook_deliveries where endpoint_id = ${endpoint.id} and state = 'failed'`)) === 1);
        const off = await app.inject({ method: 'POST', url: `/admin/webhooks/${endpoint.id}/disable`, headers: auth(adminToken) });
        expect(off.json().value).toMatchObject({ active: false });
        await emitOrderConfirmed(store.db, { id: randomUUID(), number: 'SB00000002', customerId: zoe.id, currency: 'EUR', totalCents: 100 }, Date.now());
        expect(await count(sql`select count(*) as n from webhook_deliveries where endpoint_id = ${endpoint.id}`)).toBe(1);
      });
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
