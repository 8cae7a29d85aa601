/**
 * While a first copy is still bringing in orders, the order tables' secondary indexes are missing
 * (src-main/core/db/deferred-indexes.ts: dropped on the empty tables, built at the copy's end). The
 * reader's services must then answer at once, without an error and without a scan of the order
 * tables — no orders, no purchases, no purchase-based suggestions, no SKU buyers — and answer as
 * always once the indexes are built, on the same connection and the same prepared statements.
 *
 * The reader here is opened as the reader worker opens it (query_only), after the indexes were
 * dropped (a restart mid-copy), with better-sqlite3's `verbose` hook: every statement it runs is
 * kept, and each one that reads `orders` or `order_lines` is checked with EXPLAIN QUERY PLAN for a
 * SCAN of those tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { applyPragmas, asWritable, type CacheDb } from '../../src-main/core/db/open';
import * as schema from '../../src-main/core/db/schema';
import { buildDeferredIndexes, deferIndexes, deferredIndexNames, DEFERRABLE_INDEXES, orderHistoryArriving } from '../../src-main/core/db/deferred-indexes';
import { answerWithoutStore } from '../../src-main/core/sync/local-only';
import { CoPurchaseMiner } from '../../src-main/core/suggestions/co-purchase-miner';
import { plantCustomer, plantOrder, plantProduct, tempCache, type TempCache } from '../helpers/cache';
import { testDesk, type TestDesk } from '../helpers/desk';
import type { CustomerCard } from '../../src-shared/contracts/customer';
import type { PurchaseOrder, TimelineEntry } from '../../src-shared/contracts/customer360';
import type { LookupSearchOutput } from '../../src-shared/contracts/lookup';
import type { SuggestionsListOutput } from '../../src-shared/contracts/suggestions';
import type { SyncStatus } from '../../src-shared/contracts/sync';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 10, 9, 0, 0);
const ORDERS = 30;
const ALL_DEFERRABLE = Object.values(DEFERRABLE_INDEXES).flat();

type Purchases = { orders: PurchaseOrder[]; nextCursor: string | null; totals: { orderCount: number; byCurrency: unknown[] } | null };
type Timeline = { entries: TimelineEntry[]; nextCursor: string | null };

let cache: TempCache;
let writer: TestDesk;
/** The reader worker's connection, opened while the indexes are missing. */
let readerDb: CacheDb;
let reader: TestDesk;
/** SQL the reader ran (parameters filled in). */
let ran: string[] = [];
let zoe: string;
let trail: string;
let firstOrder: { id: string; number: string };

/** Opened as openCache opens a reader (query_only), with a hook that keeps every statement run. */
function openReader(file: string): CacheDb {
  const client = new Database(file, { verbose: (sql) => ran.push(String(sql)) });
  applyPragmas(client, true);
  return drizzle({ client, schema });
}

/** Statements the reader ran since the last call that read an order table by a scan, with their plans. */
function scansOfOrderTables(): { sql: string; plan: string[] }[] {
  const statements = [...new Set(ran)].filter((sql) => /\b(orders|order_lines)\b/i.test(sql));
  const scans: { sql: string; plan: string[] }[] = [];
  for (const sql of statements) {
    // On the reader itself: it has the SQL functions the statements call (sb_fold) and sees the same schema.
    const plan = (readerDb.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);
    // A SCAN of a table; not of a subquery's rows (CO-ROUTINE / MATERIALIZE), a constant row or json_each.
    const derived = new Set(plan.flatMap((d) => /^(?:CO-ROUTINE|MATERIALIZE) (\S+)/.exec(d)?.[1] ?? []));
    const scanned = plan.flatMap((d) => /^SCAN (\S+)/.exec(d)?.[1] ?? []).filter((name) => !derived.has(name) && name !== 'CONSTANT' && name !== 'json_each');
    if (scanned.length > 0) scans.push({ sql, plan });
  }
  ran = [];
  return scans;
}

function syncStatus(): SyncStatus {
  const r = answerWithoutStore(readerDb.$client, 'sync:status', {}, NOW);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as SyncStatus;
}

const purchaseFilters = (): Record<string, unknown>[] => [
  {},
  { period: { kind: 'last_12_months' } },
  { sku: 'TR-2041-BLK' },
  { productId: trail },
  { category: 'footwear' },
  { text: 'trail' },
  { text: firstOrder.number },
];

beforeAll(() => {
  cache = tempCache();
  const c = cache.db.$client;
  // As the first copy does: the order tables are empty, their secondary indexes are dropped and
  // remembered, then the rows arrive.
  expect(deferIndexes(c, ['orders', 'order_lines']).sort()).toEqual([...ALL_DEFERRABLE].sort());
  zoe = plantCustomer(cache.db, { marketingConsent: true, firstName: 'Zoë', lastName: 'Ångström', phones: ['+442079460958'], emails: ['zoe@example.co.uk'], city: 'London', country: 'GB' });
  trail = plantProduct(cache.db, { sku: 'TR-2041-BLK', name: 'Trail Runner 2', category: 'footwear' });
  const socks = plantProduct(cache.db, { sku: 'SO-0001', name: 'Merino Socks', category: 'footwear' });
  const gaiters = plantProduct(cache.db, { sku: 'GA-0100', name: 'Trail Gaiters', category: 'footwear' });
  c.prepare(`INSERT INTO product_relations (product_id, related_product_id, kind) VALUES (?, ?, 'accessory')`).run(trail, gaiters);
  for (let i = 0; i < ORDERS; i++) {
    const number = `SB${String(10_000_000 + i)}`;
    const id = plantOrder(cache.db, { customerId: zoe, number, placedAt: NOW - (i + 1) * 9 * DAY, productIds: i % 3 === 0 ? [trail, socks] : [socks] });
    if (i === 0) firstOrder = { id, number };
  }
  writer = testDesk(cache.db, { start: NOW });
  writer.ok('note:add', { customerId: zoe, body: 'Prefers a call after 5pm.' });
  // A complaint about an order can be logged while the history arrives: the order is found by its key.
  writer.ok('complaint:log', { customerId: zoe, category: 'damaged', severity: 'high', orderId: firstOrder.id, description: 'The sole came off.' });

  expect(orderHistoryArriving(c)).toBe(true);
  readerDb = openReader(cache.file);
  reader = testDesk(readerDb, { start: NOW });
});

afterAll(() => {
  if (readerDb?.$client.open) readerDb.$client.close();
  cache?.cleanup();
});

describe('while order history is arriving (indexes missing, reader started after they were dropped)', () => {
  it('the checks here would see a scan: without the index, a customer’s orders are a full scan', () => {
    const plan = cache.db.$client.prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM orders WHERE customer_id = ?`).all(zoe) as { detail: string }[];
    expect(plan.map((p) => p.detail)).toContain('SCAN orders');
    expect(deferredIndexNames(readerDb.$client).sort()).toEqual([...ALL_DEFERRABLE].sort());
  });

  it('the customer card has the profile and no orders', () => {
    const card = reader.ok<CustomerCard>('customer:get', { customerId: zoe });
    expect(card).toMatchObject({ displayName: 'Zoë Ångström', orderCount: 0, recentOrders: [] });
    expect(card.phones).toHaveLength(1);
    expect(scansOfOrderTables()).toEqual([]);
  });

  it('the timeline has the note and the complaint (with its order number), and no orders', () => {
    const page = reader.ok<Timeline>('customer:timeline', { customerId: zoe });
    expect(page.entries.map((e) => e.kind).sort()).toEqual(['complaint', 'note']);
    expect(page.entries.find((e) => e.kind === 'complaint')).toMatchObject({ orderNumber: firstOrder.number });
    expect(reader.ok<Timeline>('customer:timeline', { customerId: zoe, kinds: ['order'] }).entries).toEqual([]);
    expect(scansOfOrderTables()).toEqual([]);
  });

  it('purchases are empty for every filter shape (none of the INDEXED BY statements is prepared), with zero totals', () => {
    for (const filter of purchaseFilters()) {
      const r = reader.ok<Purchases>('customer:purchases', { customerId: zoe, limit: 10, ...filter });
      expect(r, JSON.stringify(filter)).toEqual({ orders: [], nextCursor: null, totals: { orderCount: 0, countedOrderCount: 0, byCurrency: [] } });
    }
    // One order by its key (the complaint's, a link): its row, its lines once they are indexed.
    expect(reader.ok<PurchaseOrder>('order:get', { orderId: firstOrder.id })).toMatchObject({ id: firstOrder.id, number: firstOrder.number, lines: [] });
    expect(scansOfOrderTables()).toEqual([]);
  });

  it('lookup finds a customer by order number, phone and name; a SKU is recognized but finds no buyers yet', () => {
    const byNumber = reader.ok<LookupSearchOutput>('lookup:search', { query: firstOrder.number });
    expect(byNumber.hits).toMatchObject([{ customerId: zoe, matchedBy: 'order', lastOrderAt: null }]);
    const byPhone = reader.ok<LookupSearchOutput>('lookup:search', { query: '020 7946 0958' });
    expect(byPhone.hits).toMatchObject([{ customerId: zoe, matchedBy: 'phone', lastOrderAt: null }]);
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: 'zoe' }).hits).toMatchObject([{ customerId: zoe, lastOrderAt: null }]);
    const bySku = reader.ok<LookupSearchOutput>('lookup:search', { query: 'TR-2041-BLK' });
    expect(bySku.interpretedAs).toContain('sku');
    expect(bySku.hits).toEqual([]);
    expect(scansOfOrderTables()).toEqual([]);
  });

  it('suggestions are empty (every source starts from what the customer bought)', () => {
    expect(reader.ok<SuggestionsListOutput>('suggestions:list', { customerId: zoe }).suggestions).toEqual([]);
    expect(scansOfOrderTables()).toEqual([]);
  });

  it('the local-only sync status says order history is not ready', () => {
    expect(syncStatus().orderHistoryReady).toBe(false);
  });

  it('the co-purchase miner waits (it would read every basket by a scan) and counts once the indexes are built', () => {
    const miner = new CoPurchaseMiner(cache.db, { minSupport: 1, now: () => NOW });
    expect(miner.plan()).toBe('none');
    expect(miner.runSync()).toMatchObject({ mode: 'none', ordersRead: 0 });
    const built = new Database(cache.file);
    try {
      // Another copy of the cache with the indexes built: the same miner plans a full count there.
      const copy = `${cache.file}.built.db`;
      built.exec(`VACUUM INTO '${copy}'`);
      const other = new Database(copy);
      buildDeferredIndexes(other);
      other.close();
      const otherDb = asWritable(drizzle({ client: new Database(copy), schema }));
      try {
        expect(new CoPurchaseMiner(otherDb, { minSupport: 1, now: () => NOW }).runSync()).toMatchObject({ mode: 'rebuild', ordersRead: ORDERS });
      } finally {
        otherDb.$client.close();
      }
    } finally {
      built.close();
    }
  });
});

describe('once the indexes are built', () => {
  let cursor: string;

  it('the same reader, with statements prepared while they were missing, answers with the real history at once', () => {
    expect(buildDeferredIndexes(cache.db.$client).sort()).toEqual([...ALL_DEFERRABLE].sort());
    expect(orderHistoryArriving(readerDb.$client)).toBe(false);
    expect(syncStatus().orderHistoryReady).toBe(true);

    const card = reader.ok<CustomerCard>('customer:get', { customerId: zoe });
    expect(card.orderCount).toBe(ORDERS);
    expect(card.recentOrders[0]).toMatchObject({ number: firstOrder.number, lineCount: 2 });

    const timeline = reader.ok<Timeline>('customer:timeline', { customerId: zoe, limit: 50 });
    expect(timeline.entries.filter((e) => e.kind === 'order')).toHaveLength(ORDERS);
    expect(timeline.entries.find((e) => e.kind === 'order' && e.id === firstOrder.id)).toMatchObject({ lineCount: 2 });

    const first = reader.ok<Purchases>('customer:purchases', { customerId: zoe, limit: 10 });
    expect(first.orders).toHaveLength(10);
    expect(first.orders[0]).toMatchObject({ id: firstOrder.id, lines: [{ sku: 'TR-2041-BLK' }, { sku: 'SO-0001' }] });
    expect(first.totals?.orderCount).toBe(ORDERS);
    expect(first.nextCursor).not.toBeNull();
    cursor = first.nextCursor!;
    for (const filter of purchaseFilters()) {
      const r = reader.ok<Purchases>('customer:purchases', { customerId: zoe, limit: 10, ...filter });
      expect(r.orders.length, JSON.stringify(filter)).toBeGreaterThan(0);
    }
    expect(reader.ok<PurchaseOrder>('order:get', { orderId: firstOrder.id }).lines).toHaveLength(2);

    const bySku = reader.ok<LookupSearchOutput>('lookup:search', { query: 'TR-2041-BLK' });
    expect(bySku.hits).toMatchObject([{ customerId: zoe, matchedBy: 'sku', lastOrderAt: new Date(NOW - 9 * DAY).toISOString() }]);
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: '020 7946 0958' }).hits[0]?.lastOrderAt).toBe(new Date(NOW - 9 * DAY).toISOString());

    const suggestions = reader.ok<SuggestionsListOutput>('suggestions:list', { customerId: zoe }).suggestions;
    expect(suggestions.map((s) => [s.sku, s.kind])).toContainEqual(['GA-0100', 'accessory']);

    // Every statement re-planned onto the indexes: still no scan of an order table.
    expect(scansOfOrderTables()).toEqual([]);
  });

  it('a cache that starts over (tables emptied, indexes dropped again) answers empty, without "no such index", from statements prepared with them', () => {
    const c = cache.db.$client;
    c.transaction(() => {
      c.exec(`UPDATE complaints SET order_id = NULL, order_line_id = NULL; DELETE FROM order_lines; DELETE FROM orders;`);
    })();
    expect(deferIndexes(c, ['orders', 'order_lines'])).toHaveLength(ALL_DEFERRABLE.length);

    for (const filter of purchaseFilters()) {
      expect(reader.ok<Purchases>('customer:purchases', { customerId: zoe, limit: 10, ...filter }).orders).toEqual([]);
    }
    expect(reader.ok<Purchases>('customer:purchases', { customerId: zoe, cursor })).toEqual({ orders: [], nextCursor: null, totals: null });
    expect(reader.ok<CustomerCard>('customer:get', { customerId: zoe }).orderCount).toBe(0);
    expect(reader.ok<SuggestionsListOutput>('suggestions:list', { customerId: zoe }).suggestions).toEqual([]);
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: 'TR-2041-BLK' }).hits).toEqual([]);
    expect(syncStatus().orderHistoryReady).toBe(false);
    expect(scansOfOrderTables()).toEqual([]);

    buildDeferredIndexes(c);
    expect(syncStatus().orderHistoryReady).toBe(true);
  });
});
