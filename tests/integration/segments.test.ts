/**
 * Audience segments on the central store (issue 22), on PGlite and on the PostgreSQL at
 * 127.0.0.1:5432 (its own database, dropped after):
 *
 * - parity: fast-check makes random customers, orders of every status (inserted in two statements,
 *   then some restatused and one deleted, so each trigger of customer_order_stats runs), order lines
 *   (one moved to another product, and products moved to another category, so each trigger of
 *   customer_category_days runs; that rollup is checked against the lines counted here),
 *   complaints and contacts, and random definitions; the store's one query (size and value per
 *   currency), its members and its export counts and pages equal the plain TypeScript reference
 *   (src-shared/domain/segment.ts);
 * - the routes with each role: a CSR and a store associate are refused (403) on every segment
 *   route; a supervisor previews, saves, lists and exports; an admin deletes; the export's rows
 *   plus those left out equal the saved segment's count, and the audit entry carries the counts and
 *   the definition, never a customer's name or contact.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../server/src/db/connect';
import { createUser } from '../../server/src/auth/users';
import { exportCounts, exportPage, segmentMemberIds, segmentSize } from '../../server/src/segments/segment-sql';
import { ORDER_CHANNELS, ORDER_STATUSES, LOYALTY_TIERS, type OrderStatus, type OrderChannel, type LoyaltyTier } from '../../src-shared/domain/customer';
import { COMPLAINT_STATUSES, type ComplaintStatus } from '../../src-shared/domain/complaint';
import { countsAsSpending } from '../../src-shared/domain/order-value';
import {
  BUYER_KINDS,
  COMPLAINT_HISTORIES,
  CONSENT_FILTERS,
  EXPORT_CHANNELS,
  segmentDefinition,
  segmentMembers,
  segmentSizeOf,
  type ExportChannel,
  type SegmentData,
  type SegmentDefinition,
} from '../../src-shared/domain/segment';
import { EXPORT_HEADERS, savedSegment, segmentExportChannel, segmentSize as segmentSizeSchema } from '../../src-shared/contracts/segments';
import { StoreProxy } from '../../src-main/core/auth/store-proxy';
import { StoreClient } from '../../src-main/core/sync/store-client';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend, type StoreLocation } from '../helpers/server-db';
import { serveStoreForSuite } from '../helpers/store-suite';
import { signIn, type Credentials } from '../helpers/store-auth';

const RUNS = Number(process.env.SEGMENT_RUNS ?? 60);
const PG_RUNS = Number(process.env.SEGMENT_PG_RUNS ?? 30);
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

const uuid = (kind: number, n: number) => `00000000-0000-4000-8${kind.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;
const CUSTOMERS = [0, 1, 2, 3, 4, 5].map((n) => uuid(1, n));
const PRODUCTS = [
  { id: uuid(2, 0), sku: 'SKU-P0', category: 'ink' },
  { id: uuid(2, 1), sku: 'SKU-P1', category: 'paper' },
  { id: uuid(2, 2), sku: 'SKU-P2', category: 'ink' },
];
const CAMPAIGNS = ['SPRING', 'WEB10'] as const;
const CURRENCIES = ['USD', 'EUR'] as const;

// ——— The random world ———

const customerArb = fc.record({
  tier: fc.constantFrom(...LOYALTY_TIERS),
  consent: fc.boolean(),
  currency: fc.constantFrom(...CURRENCIES),
  email: fc.option(fc.constantFrom('a@example.com', 'b@example.com'), { nil: null }),
  phones: fc.array(fc.record({ kind: fc.constantFrom('mobile', 'home'), verified: fc.boolean(), primary: fc.boolean(), n: fc.integer({ min: 0, max: 9 }) }), { maxLength: 2 }),
});
const orderArb = fc.record({
  customer: fc.integer({ min: 0, max: CUSTOMERS.length - 1 }),
  status: fc.constantFrom(...ORDER_STATUSES, 'delivered', 'placed'),
  channel: fc.constantFrom(...ORDER_CHANNELS),
  currency: fc.constantFrom(...CURRENCIES),
  total: fc.integer({ min: 0, max: 50_000 }),
  /** Few distinct instants, so first-order ties happen. */
  day: fc.integer({ min: 0, max: 19 }),
  campaign: fc.option(fc.constantFrom(...CAMPAIGNS), { nil: null }),
  lines: fc.array(fc.integer({ min: 0, max: PRODUCTS.length - 1 }), { maxLength: 2 }),
});
const worldArb = fc.record({
  customers: fc.array(customerArb, { minLength: CUSTOMERS.length, maxLength: CUSTOMERS.length }),
  orders: fc.array(orderArb, { maxLength: 16 }),
  /** Where the orders are split into two insert statements. */
  split: fc.nat(),
  /** Orders given another status after they were inserted (index → status). */
  restatus: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...ORDER_STATUSES)), { maxLength: 3 }),
  deleteOne: fc.option(fc.nat(), { nil: null }),
  // Products moved to another category, and a line moved to another product, after the orders are in (customer_category_days' triggers).
  recategorise: fc.array(fc.tuple(fc.nat(), fc.constantFrom('ink', 'paper', 'toner')), { maxLength: 2 }),
  reline: fc.option(fc.tuple(fc.nat(), fc.nat()), { nil: null }),
  complaints: fc.array(fc.record({ customer: fc.integer({ min: 0, max: CUSTOMERS.length - 1 }), status: fc.constantFrom(...COMPLAINT_STATUSES) }), { maxLength: 5 }),
});
type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

const dayStr = (d: number) => new Date(T0 + d * DAY).toISOString().slice(0, 10);
/** Mostly left out: a definition of two or three filters selects some customers more often than none. */
const opt = <T,>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const definitionArb: fc.Arbitrary<SegmentDefinition> = fc
  .record({
    bought: opt(
      fc.record({
        skus: fc.subarray(PRODUCTS.map((p) => p.sku)),
        categories: fc.subarray(['ink', 'paper', 'toner', 'none']),
        from: opt(fc.integer({ min: 0, max: 19 }).map(dayStr)),
        to: opt(fc.integer({ min: 0, max: 19 }).map(dayStr)),
      }),
    ),
    tiers: opt(fc.subarray([...LOYALTY_TIERS], { minLength: 1 })),
    valueAtLeastCents: opt(fc.constantFrom(0, 1, 10_000, 40_000)),
    valueAtMostCents: opt(fc.constantFrom(0, 20_000, 60_000, 200_000)),
    buyer: opt(fc.constantFrom(...BUYER_KINDS)),
    complaints: opt(fc.constantFrom(...COMPLAINT_HISTORIES)),
    acquisitionChannels: opt(fc.subarray([...ORDER_CHANNELS], { minLength: 1 })),
    campaign: opt(fc.constantFrom('spring', 'WEB10', 'NONE')),
    consent: opt(fc.constantFrom(...CONSENT_FILTERS)),
  })
  .map((raw) => {
    // Drop the parts the schema refuses (an empty bought, a reversed period or value range), then parse like the route.
    const d: Record<string, unknown> = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
    const b = raw.bought;
    if (b && (b.skus.length + b.categories.length === 0 || (b.from !== undefined && b.to !== undefined && b.from > b.to))) delete d.bought;
    else if (b) d.bought = Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined));
    if (raw.valueAtLeastCents !== undefined && raw.valueAtMostCents !== undefined && raw.valueAtLeastCents > raw.valueAtMostCents) delete d.valueAtMostCents;
    return segmentDefinition.parse(d);
  });

interface Loaded {
  data: SegmentData;
  contacts: Map<string, { email: string | null; phone: string | null; mobile: string | null }>;
}

/** Writes the world to the store as the app would (so the triggers keep customer_order_stats) and returns the reference's view of it. */
async function load(store: Store, w: World): Promise<Loaded> {
  const orders = w.orders.map((o, i) => ({
    id: uuid(3, i),
    number: `SB${String(10_000_000 + i)}`,
    customerId: CUSTOMERS[o.customer]!,
    status: o.status as OrderStatus,
    channel: o.channel as OrderChannel,
    currency: o.currency,
    totalCents: o.total,
    placedAt: T0 + o.day * DAY + (i % 3) * 1000,
    campaignCode: o.campaign,
    lines: o.lines,
  }));
  const contacts: Loaded['contacts'] = new Map();
  const categoryOf = new Map(PRODUCTS.map((p) => [p.id, p.category]));
  let lineRows: { id: string; orderId: string; product: number }[] = [];
  await store.db.transaction(async (tx) => {
    for (const t of ['complaints', 'order_lines', 'orders', 'customer_emails', 'customer_phones']) await tx.execute(sql.raw(`DELETE FROM ${t}`));
    for (const p of PRODUCTS) await tx.execute(sql`UPDATE products SET category = ${p.category} WHERE id = ${p.id}`);
    for (const [i, c] of w.customers.entries()) {
      const id = CUSTOMERS[i]!;
      await tx.execute(sql`UPDATE customers SET loyalty_tier = ${c.tier}, marketing_consent = ${c.consent}, currency = ${c.currency} WHERE id = ${id}`);
      if (c.email) await tx.execute(sql`INSERT INTO customer_emails (id, customer_id, email, is_primary) VALUES (${uuid(5, i)}, ${id}, ${c.email}, true)`);
      const phones = c.phones.map((p, j) => ({ ...p, e164: `+1555000${i}${j}${p.n}` }));
      for (const [j, p] of phones.entries()) {
        await tx.execute(sql`INSERT INTO customer_phones (id, customer_id, e164, raw, kind, is_primary, verified) VALUES (${uuid(6, i * 10 + j)}, ${id}, ${p.e164}, ${p.e164}, ${p.kind}, ${p.primary}, ${p.verified})`);
      }
      const pick = (ps: typeof phones) => ps.filter((p) => p.verified).sort((a, b) => Number(b.primary) - Number(a.primary) || (a.e164 < b.e164 ? -1 : 1))[0]?.e164 ?? null;
      contacts.set(id, { email: c.email, phone: pick(phones), mobile: pick(phones.filter((p) => p.kind === 'mobile')) });
    }
    const insertOrders = async (batch: typeof orders) => {
      if (batch.length === 0) return;
      await tx.execute(
        sql`INSERT INTO orders (id, number, customer_id, channel, campaign_code, status, currency, subtotal_cents, total_cents, placed_at) VALUES ${sql.join(
          batch.map((o) => sql`(${o.id}, ${o.number}, ${o.customerId}, ${o.channel}, ${o.campaignCode}, ${o.status}, ${o.currency}, ${o.totalCents}, ${o.totalCents}, ${o.placedAt})`),
          sql`, `,
        )}`,
      );
    };
    const cut = orders.length === 0 ? 0 : w.split % (orders.length + 1);
    await insertOrders(orders.slice(0, cut));
    await insertOrders(orders.slice(cut));
    for (const o of orders) {
      for (const [n, p] of o.lines.entries()) {
        const product = PRODUCTS[p]!;
        await tx.execute(
          sql`INSERT INTO order_lines (id, order_id, line_no, product_id, customer_id, placed_at, sku, name, quantity, unit_price_cents, total_cents)
              VALUES (${uuid(4, Number(o.id.slice(-6)) * 10 + n)}, ${o.id}, ${n + 1}, ${product.id}, ${o.customerId}, ${o.placedAt}, ${product.sku}, 'Product', 1, 100, 100)`,
        );
      }
    }
    for (const [index, status] of w.restatus) {
      const o = orders[index % Math.max(1, orders.length)];
      if (!o) continue;
      o.status = status;
      await tx.execute(sql`UPDATE orders SET status = ${status} WHERE id = ${o.id}`);
    }
    lineRows = orders.flatMap((o) => o.lines.map((p, n) => ({ id: uuid(4, Number(o.id.slice(-6)) * 10 + n), orderId: o.id, product: p })));
    if (w.reline !== null && lineRows.length > 0) {
      const line = lineRows[w.reline[0] % lineRows.length]!;
      line.product = w.reline[1] % PRODUCTS.length;
      await tx.execute(sql`UPDATE order_lines SET product_id = ${PRODUCTS[line.product]!.id}, sku = ${PRODUCTS[line.product]!.sku} WHERE id = ${line.id}`);
    }
    for (const [index, category] of w.recategorise) {
      const product = PRODUCTS[index % PRODUCTS.length]!;
      categoryOf.set(product.id, category);
      await tx.execute(sql`UPDATE products SET category = ${category} WHERE id = ${product.id}`);
    }
    if (w.deleteOne !== null && orders.length > 0) {
      const [gone] = orders.splice(w.deleteOne % orders.length, 1);
      await tx.execute(sql`DELETE FROM order_lines WHERE order_id = ${gone!.id}`);
      await tx.execute(sql`DELETE FROM orders WHERE id = ${gone!.id}`);
    }
    for (const [i, k] of w.complaints.entries()) {
      await tx.execute(
        sql`INSERT INTO complaints (id, customer_id, category_code, severity, description, status, opened_at, updated_at, agent_id)
            VALUES (${uuid(7, i)}, ${CUSTOMERS[k.customer]!}, 'late', 'low', 'Late parcel', ${k.status}, ${T0}, ${T0}, 'ana')`,
      );
    }
  });
  const data: SegmentData = {
    customers: w.customers.map((c, i) => ({ id: CUSTOMERS[i]!, tier: c.tier as LoyaltyTier, consent: c.consent, currency: c.currency })),
    orders: orders.map(({ lines: _lines, ...o }) => o),
    lines: lineRows
      .filter((l) => orders.some((o) => o.id === l.orderId))
      .map((l) => ({ orderId: l.orderId, sku: PRODUCTS[l.product]!.sku, category: categoryOf.get(PRODUCTS[l.product]!.id)! })),
    complaints: w.complaints.map((k) => ({ customerId: CUSTOMERS[k.customer]!, status: k.status as ComplaintStatus })),
  };
  return { data, contacts };
}

function referenceExport(def: SegmentDefinition, loaded: Loaded, channel: ExportChannel) {
  const members = segmentMembers(def, loaded.data);
  const consent = new Map(loaded.data.customers.map((c) => [c.id, c.consent]));
  const contactOf = (id: string) => {
    const c = loaded.contacts.get(id)!;
    return channel === 'email' ? c.email : channel === 'phone' ? c.phone : c.mobile;
  };
  const leftOut = members.filter((id) => !consent.get(id)).length;
  const rows = members.filter((id) => consent.get(id) && contactOf(id) !== null).map((id) => ({ id, contact: contactOf(id)! }));
  return { size: members.length, rows, leftOut, noContact: members.length - leftOut - rows.length };
}

function paritySuite(backend: StoreBackend, skipReason: string | undefined, runs: number) {
  describe(`segments on ${backend.name}: the one query equals the reference`, () => {
    let location: StoreLocation;
    let store: Store;

    beforeAll(async () => {
      if (skipReason) return;
      location = await backend.freshLocation();
      store = await location.open();
      for (const id of CUSTOMERS) await store.db.execute(sql`INSERT INTO customers (id, first_name, last_name, created_at, updated_at) VALUES (${id}, 'Test', 'Customer', ${T0}, ${T0})`);
      for (const p of PRODUCTS) await store.db.execute(sql`INSERT INTO products (id, sku, name, brand, category, price_cents) VALUES (${p.id}, ${p.sku}, 'Product', 'Brand', ${p.category}, 100)`);
    });
    afterAll(async () => {
      await store?.close();
      await location?.dispose();
    });

    it.skipIf(skipReason !== undefined)(`${runs} random worlds: size, value, members, rollup and export`, async () => {
      let compared = 0;
      let nonEmpty = 0;
      await fc.assert(
        fc.asyncProperty(worldArb, fc.array(definitionArb, { minLength: 4, maxLength: 4 }), fc.constantFrom(...EXPORT_CHANNELS), async (world, defs, channel) => {
          const loaded = await load(store, world);
          // The rollup the triggers keep equals the orders under it.
          const stats = await queryRows<{ customer_id: string; spending_orders: number; value_cents: string | number; first_channel: string }>(
            store,
            sql`SELECT customer_id, spending_orders, value_cents, first_channel FROM customer_order_stats ORDER BY customer_id`,
          );
          const spenders = CUSTOMERS.filter((id) => loaded.data.orders.some((o) => o.customerId === id && countsAsSpending(o.status)));
          expect(stats.map((s) => s.customer_id)).toEqual(spenders);
          // customer_category_days equals the lines of spending orders, by customer, category and UTC day, counted here.
          const days = await queryRows<{ customer_id: string; category: string; day: number; lines: number }>(
            store,
            sql`SELECT customer_id, category, day, lines FROM customer_category_days ORDER BY customer_id, category, day`,
          );
          const ordersById = new Map(loaded.data.orders.map((o) => [o.id, o]));
          const counted = new Map<string, number>();
          for (const l of loaded.data.lines) {
            const o = ordersById.get(l.orderId)!;
            if (!countsAsSpending(o.status)) continue;
            const key = [o.customerId, l.category, Math.floor(o.placedAt / DAY)].join('|');
            counted.set(key, (counted.get(key) ?? 0) + 1);
          }
          expect(days.map((d) => `${d.customer_id}|${d.category}|${d.day}=${Number(d.lines)}`).sort()).toEqual(
            [...counted].map(([k, n]) => `${k}=${n}`).sort(),
          );
          for (const def of [{} as SegmentDefinition, ...defs]) {
            const where = JSON.stringify(def);
            const expected = segmentSizeOf(def, loaded.data);
            expect(await segmentSize(store.db, def), where).toEqual(expected);
            expect(await segmentMemberIds(store.db, def), where).toEqual(segmentMembers(def, loaded.data));
            const ref = referenceExport(def, loaded, channel);
            expect(await exportCounts(store.db, def, channel), `${where} ${channel}`).toEqual({ size: ref.size, rows: ref.rows.length, leftOut: ref.leftOut, noContact: ref.noContact });
            // Paged two at a time, as the route pages (in bigger pages).
            const paged: { id: string; contact: string }[] = [];
            for (let after: string | null = null; ; ) {
              const page = await exportPage(store.db, def, channel, after, 2);
              paged.push(...page.map((r) => ({ id: r.id, contact: r.contact })));
              if (page.length < 2) break;
              after = page.at(-1)!.id;
            }
            expect(paged, `${where} ${channel} rows`).toEqual(ref.rows);
            compared++;
            if (expected.size > 0 && expected.size < CUSTOMERS.length) nonEmpty++;
          }
        }),
        { numRuns: runs, interruptAfterTimeLimit: 180_000, markInterruptAsFailure: true },
      );
      console.log(`segment parity on ${backend.name}: ${compared} definitions compared (${nonEmpty} selecting some but not all customers)`);
      expect(nonEmpty).toBeGreaterThan(compared / 10);
    }, 600_000);
  });
}

// ——— The routes, with each role ———

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const ROLES = {
  csr: { username: 'cara', password: 'calls all day', role: 'csr' },
  associate: { username: 'abe', password: 'at the counter', role: 'store_associate' },
  supervisor: { username: 'sue', password: 'supervises calls', role: 'supervisor' },
  admin: { username: 'ada', password: 'administers all', role: 'admin' },
  /** Another supervisor (same team): may use sue's segments, not delete them. */
  sam: { username: 'sam', password: 'supervises too', role: 'supervisor' },
} as const;

function routeSuite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`segment routes on ${backend.name}`, () => {
    const served = serveStoreForSuite(backend, skipReason, { scrypt: FAST_SCRYPT });
    let app: FastifyInstance;
    const tokens: Record<keyof typeof ROLES, string> = { csr: '', associate: '', supervisor: '', admin: '', sam: '' };
    const ask = (who: keyof typeof ROLES, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload === undefined ? {} : { payload: payload as object }) });

    beforeAll(async () => {
      if (skipReason) return;
      app = served.app;
      const store = served.store;
      for (const [key, u] of Object.entries(ROLES)) {
        await createUser(store.db, { username: u.username, displayName: u.username, role: u.role, password: u.password, teams: ['Phones'] }, FAST_SCRYPT);
        tokens[key as keyof typeof ROLES] = (await signIn(app, u as Credentials)).token;
      }
      // 40 customers: gold ones with and without consent, e-mail for most; orders make some of them repeat buyers.
      await store.db.transaction(async (tx) => {
        for (let i = 0; i < 40; i++) {
          const id = uuid(1, i);
          await tx.execute(
            sql`INSERT INTO customers (id, first_name, last_name, loyalty_tier, marketing_consent, currency, created_at, updated_at)
                VALUES (${id}, ${`Zed${i}`}, ${`Quill${i}`}, ${i % 2 === 0 ? 'gold' : 'silver'}, ${i % 3 !== 0}, 'USD', ${T0}, ${T0})`,
          );
          if (i % 5 !== 0) await tx.execute(sql`INSERT INTO customer_emails (id, customer_id, email, is_primary) VALUES (${uuid(5, i)}, ${id}, ${`zed${i}@example.com`}, true)`);
          for (let n = 0; n < (i % 4); n++) {
            await tx.execute(
              sql`INSERT INTO orders (id, number, customer_id, channel, status, currency, subtotal_cents, total_cents, placed_at)
                  VALUES (${uuid(3, i * 10 + n)}, ${`SB${20_000_000 + i * 10 + n}`}, ${id}, 'web', 'delivered', 'USD', 2500, 2500, ${T0 + n * DAY})`,
            );
          }
        }
      });
    });

    const definition = { tiers: ['gold'], buyer: 'repeat' };

    it('refuses a CSR and a store associate on every segment route (403)', async () => {
      for (const who of ['csr', 'associate'] as const) {
        const answers = [
          await ask(who, 'POST', '/segments/preview', { definition }),
          await ask(who, 'GET', '/segments'),
          await ask(who, 'POST', '/segments', { name: 'Gold repeat', definition }),
          await ask(who, 'DELETE', `/segments/${uuid(9, 1)}`),
          await ask(who, 'POST', `/segments/${uuid(9, 1)}/export`, { channel: 'email' }),
        ];
        expect(answers.map((a) => a.statusCode), who).toEqual([403, 403, 403, 403, 403]);
      }
    });

    it('refuses a definition it cannot read (400), with the field', async () => {
      const bad = await ask('supervisor', 'POST', '/segments/preview', { definition: { tiers: ['diamond'] } });
      expect(bad.statusCode).toBe(400);
      const sneaky = await ask('supervisor', 'POST', '/segments/preview', { definition: { tiers: ['gold'], raw: "1=1; drop table customers" } });
      expect(sneaky.statusCode).toBe(400);
    });

    it('a supervisor previews, saves, lists and exports; rows + left out = the count; audited without customer data', async () => {
      const preview = await ask('supervisor', 'POST', '/segments/preview', { definition });
      expect(preview.statusCode, preview.body).toBe(200);
      const size = segmentSizeSchema.parse(preview.json().value);
      // gold = even i; repeat = i % 4 in {2, 3} → i % 4 = 2: i = 2, 6, 10, … 38 → 10 customers, 2 orders of 2,500 each.
      expect(size).toEqual({ size: 10, value: [{ currency: 'USD', customers: 10, valueCents: 50_000 }] });

      const saved = await ask('supervisor', 'POST', '/segments', { name: 'Gold repeat buyers', definition });
      expect(saved.statusCode, saved.body).toBe(200);
      const segment = savedSegment.parse(saved.json().value);
      expect(segment.createdBy).toBe('sue');
      expect((await ask('admin', 'POST', '/segments', { name: 'gold REPEAT buyers', definition })).statusCode).toBe(409);

      const list = await ask('admin', 'GET', '/segments');
      expect(list.statusCode).toBe(200);
      const listed = (list.json().value.segments as unknown[]).map((s) => savedSegment.parse(s));
      expect(listed.map((s) => [s.name, s.size.size])).toEqual([['Gold repeat buyers', 10]]);

      const exported = await ask('supervisor', 'POST', `/segments/${segment.id}/export`, { channel: 'email' });
      expect(exported.statusCode, exported.body).toBe(200);
      expect(exported.headers['content-type']).toMatch(/^text\/csv/);
      const rows = Number(exported.headers[EXPORT_HEADERS.rows]);
      const leftOut = Number(exported.headers[EXPORT_HEADERS.leftOut]);
      const noContact = Number(exported.headers[EXPORT_HEADERS.noContact]);
      const lines = exported.body.trimEnd().split('\r\n');
      expect(lines[0]).toBe('id,first_name,last_name,contact');
      expect(lines.length - 1).toBe(rows);
      expect(rows + leftOut + noContact).toBe(listed[0]!.size.size);
      // i = 2, 6, 10, … 38: consent unless i % 3 = 0 (6, 18, 30) → 3 left out; no e-mail when i % 5 = 0 (10, 30 — 30 already out) → 1.
      expect({ rows, leftOut, noContact }).toEqual({ rows: 6, leftOut: 3, noContact: 1 });
      expect(lines.slice(1).every((l) => /^[0-9a-f-]{36},Zed\d+,Quill\d+,zed\d+@example\.com$/.test(l))).toBe(true);

      const audit = await queryRows<{ action: string; username: string; subject: string; detail: string }>(
        served.store,
        sql`SELECT action, username, subject, detail FROM audit_log WHERE action = 'export' ORDER BY seq`,
      );
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ username: 'sue', subject: segment.id });
      expect(audit[0]!.detail).toContain('6 rows, 3 left out for no consent, 1 without an e-mail address');
      expect(audit[0]!.detail).toContain('"tiers":["gold"]');
      expect(audit[0]!.detail).not.toMatch(/Zed|Quill|example\.com/);
    });

    it('main streams a supervisor’s export into the Downloads folder and answers the counts (segment:export through StoreProxy)', async () => {
      const list = await ask('supervisor', 'GET', '/segments');
      const id = (list.json().value.segments as { id: string }[])[0]!.id;
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      const folder = mkdtempSync(join(tmpdir(), 'switchboard-downloads-'));
      try {
        const proxy = new StoreProxy({ client: new StoreClient({ serverUrl: address }), token: () => tokens.supervisor, downloadsDir: folder });
        const r = await proxy.call('segment:export', segmentExportChannel.input.parse({ id, channel: 'email' }));
        expect(r.ok, JSON.stringify(r)).toBe(true);
        const value = segmentExportChannel.output.parse((r as { value: unknown }).value);
        expect(value).toMatchObject({ rows: 6, leftOut: 3, noContact: 1 });
        expect(dirname(value.path)).toBe(folder);
        expect(readFileSync(value.path, 'utf8').trimEnd().split('\r\n')).toHaveLength(1 + 6);
        // A CSR is refused by the store: nothing is written.
        const csr = new StoreProxy({ client: new StoreClient({ serverUrl: address }), token: () => tokens.csr, downloadsDir: folder });
        const refused = await csr.call('segment:export', { id, channel: 'email' });
        expect(refused.ok).toBe(false);
        expect(readdirSync(folder)).toHaveLength(1);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });

    it('only the owner or an admin deletes a segment; another supervisor is forbidden; each delete audited with name and id', async () => {
      const own = await ask('sam', 'POST', '/segments', { name: 'Sam’s silver', definition: { tiers: ['silver'] } });
      expect(own.statusCode, own.body).toBe(200);
      const samsId = savedSegment.parse(own.json().value).id;
      // sue may not delete sam's; nothing changes, nothing audited.
      const refused = await ask('supervisor', 'DELETE', `/segments/${samsId}`);
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect((await ask('supervisor', 'DELETE', '/segments/not-a-uuid')).json()).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'id' } });
      const names = async () => ((await ask('admin', 'GET', '/segments')).json().value.segments as { name: string }[]).map((s) => s.name);
      expect(await names()).toEqual(['Gold repeat buyers', 'Sam’s silver']);
      // sam neither may delete sue's.
      const suesId = ((await ask('admin', 'GET', '/segments')).json().value.segments as { id: string; name: string }[]).find((s) => s.name === 'Gold repeat buyers')!.id;
      expect((await ask('sam', 'DELETE', `/segments/${suesId}`)).statusCode).toBe(403);
      // The owner deletes his own.
      expect((await ask('sam', 'DELETE', `/segments/${samsId}`)).statusCode).toBe(200);
      expect(await names()).toEqual(['Gold repeat buyers']);
      const audit = await queryRows<{ username: string; subject: string; detail: string }>(
        served.store,
        sql`SELECT username, subject, detail FROM audit_log WHERE action = 'segment_deleted' ORDER BY seq`,
      );
      expect(audit).toEqual([{ username: 'sam', subject: samsId, detail: `Segment “Sam’s silver” (${samsId}) deleted.` }]);
    });

    it('an admin exports and deletes; a deleted segment is gone (404)', async () => {
      const list = await ask('admin', 'GET', '/segments');
      const id = (list.json().value.segments as { id: string }[])[0]!.id;
      const sms = await ask('admin', 'POST', `/segments/${id}/export`, { channel: 'sms' });
      expect(sms.statusCode).toBe(200);
      // Nobody has a mobile number here: everyone with consent is left out for no contact.
      expect([sms.headers[EXPORT_HEADERS.rows], sms.headers[EXPORT_HEADERS.leftOut], sms.headers[EXPORT_HEADERS.noContact]]).toEqual(['0', '3', '7']);
      expect((await ask('admin', 'DELETE', `/segments/${id}`)).statusCode).toBe(200);
      expect((await ask('admin', 'DELETE', `/segments/${id}`)).statusCode).toBe(404);
      const audit = await queryRows<{ username: string; subject: string }>(served.store, sql`SELECT username, subject FROM audit_log WHERE action = 'segment_deleted' AND username = 'ada'`);
      expect(audit).toEqual([{ username: 'ada', subject: id }]);
      expect((await ask('admin', 'POST', `/segments/${id}/export`, { channel: 'email' })).statusCode).toBe(404);
    });
  });
}

const postgresSkip = await postgresSkipReason();
paritySuite(pgliteBackend, undefined, RUNS);
paritySuite(postgresBackend, postgresSkip, PG_RUNS);
routeSuite(pgliteBackend, undefined);
routeSuite(postgresBackend, postgresSkip);
