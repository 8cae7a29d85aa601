import { afterEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { getPriority } from 'node:os';
import { BasketCounter, CoPurchaseMiner, createCoPurchaseStatusQuery } from '../../src-main/core/suggestions/co-purchase-miner';
import { CoPurchaseStore } from '../../src-main/core/suggestions/co-purchase-store';
import { CoPurchaseMinerThread } from '../../src-main/core/suggestions/co-purchase-thread';
import { asWritable, defaultMigrationsFolder, openCache, type WritableDb } from '../../src-main/core/db/open';
import { seedCache } from '../../src-main/core/seed/cache-seeder';
import { plantCustomer, plantOrder, plantProduct, tempCache, type TempCache } from '../helpers/cache';

const NOW = Date.UTC(2026, 3, 1);
const caches: TempCache[] = [];
const fresh = (): TempCache => {
  const c = tempCache('switchboard-miner-');
  caches.push(c);
  return c;
};
afterEach(() => {
  for (const c of caches.splice(0)) c.cleanup();
});

let orderNo = 50_000_000;
const order = (db: WritableDb, customerId: string, productIds: string[]) =>
  plantOrder(db, { customerId, number: `SB${orderNo++}`, placedAt: NOW - 86_400_000, productIds });

/** A/B/C/D and ten orders whose counts are easy to check by hand. */
function handDataset(db: WritableDb) {
  const p = {
    A: plantProduct(db, { sku: 'HAND-A', name: 'A' }),
    B: plantProduct(db, { sku: 'HAND-B', name: 'B' }),
    C: plantProduct(db, { sku: 'HAND-C', name: 'C' }),
    D: plantProduct(db, { sku: 'HAND-D', name: 'D' }),
  };
  const who = plantCustomer(db, { firstName: 'Basket', lastName: 'Counter' });
  const baskets: (keyof typeof p)[][] = [
    ['A', 'B'],
    ['A', 'B'],
    ['A', 'B', 'C'],
    ['A', 'C'],
    ['B'],
    ['C', 'D'],
    ['D'],
    ['D'],
    ['A', 'A', 'B'], // the same product twice in one order counts once
    [], // an order without lines is no basket
  ];
  for (const b of baskets) order(db, who, b.map((k) => p[k]));
  return { p, who };
}

const rulesOf = (db: WritableDb) => new CoPurchaseStore(db).allRules();

describe('CoPurchaseMiner counts', () => {
  it('computes support, confidence and lift as hand-counted', () => {
    const { db } = fresh();
    const { p } = handDataset(db);
    const summary = new CoPurchaseMiner(db, { minSupport: 2, now: () => NOW }).runSync();
    expect(summary).toMatchObject({ mode: 'rebuild', ordersRead: 9 });
    // N = 9 baskets; A in 5, B in 5, C in 3, D in 3; A+B in 4, A+C in 2, B+C in 1, C+D in 1.
    const rules = rulesOf(db).map((r) => ({ ...r, confidence: +r.confidence.toFixed(6), lift: +r.lift.toFixed(6) }));
    expect(rules).toEqual(
      expect.arrayContaining([
        { productId: p.A, relatedProductId: p.B, support: 4, confidence: 0.8, lift: 1.44 }, // 4/5; 4·9/(5·5)
        { productId: p.B, relatedProductId: p.A, support: 4, confidence: 0.8, lift: 1.44 },
        { productId: p.A, relatedProductId: p.C, support: 2, confidence: 0.4, lift: 1.2 }, // 2/5; 2·9/(5·3)
        { productId: p.C, relatedProductId: p.A, support: 2, confidence: 0.666667, lift: 1.2 }, // 2/3
      ]),
    );
    // B+C and C+D were bought together once: below the minimum support of 2.
    expect(rules).toHaveLength(4);
    expect(createCoPurchaseStatusQuery(db)()).toMatchObject({ state: 'ready', ordersCovered: 10, ordersPending: 0, rules: 4 });
    const stored = db.$client.prepare('SELECT DISTINCT computed_at FROM co_purchases').pluck().all();
    expect(stored).toEqual([NOW]);
  });

  it('drops rules at or below lift 1, and counts a basket larger than the cap towards products only', () => {
    const { db } = fresh();
    const { p, who } = handDataset(db);
    const miner = new CoPurchaseMiner(db, { minSupport: 2, maxBasketProducts: 3, now: () => NOW });
    miner.runSync();
    order(db, who, [p.A, p.B, p.C, p.D]); // 4 distinct products > 3: no pairs counted
    expect(miner.plan()).toBe('incremental');
    expect(miner.runSync()).toMatchObject({ mode: 'incremental', ordersRead: 1 });
    // N = 10; A 6, B 6, C 4; A+B still 4, A+C still 2.
    const rules = rulesOf(db);
    const ab = rules.find((r) => r.productId === p.A && r.relatedProductId === p.B)!;
    expect(ab.confidence).toBeCloseTo(4 / 6, 10);
    expect(ab.lift).toBeCloseTo((4 * 10) / (6 * 6), 10);
    // A→C: lift 2·10/(6·4) = 0.83 — bought together less often than chance: no rule.
    expect(rules.some((r) => r.relatedProductId === p.C || r.productId === p.C)).toBe(false);
    expect(rules).toHaveLength(2);
  });

  it('keeps the best topK rules per product by lift', () => {
    const { db } = fresh();
    const { p } = handDataset(db);
    new CoPurchaseMiner(db, { minSupport: 2, topK: 1, now: () => NOW }).runSync();
    const forA = rulesOf(db).filter((r) => r.productId === p.A);
    expect(forA.map((r) => r.relatedProductId)).toEqual([p.B]); // lift 1.44 beats A→C's 1.2
  });
});

describe('BasketCounter', () => {
  it('counts the same when its pair keys must be re-based on a wider span mid-way', () => {
    const narrow = new BasketCounter(50, 4); // room for 4 products before widening
    const wide = new BasketCounter(50, 2 ** 26);
    const baskets = [['p1', 'p2'], ['p2', 'p3', 'p1'], ['p4', 'p1'], ['p5', 'p6', 'p2'], ['p9', 'p8', 'p7', 'p1'], ['p2', 'p9']];
    for (const b of baskets) {
      for (const counter of [narrow, wide]) counter.add(b.map((id) => counter.index(id)));
    }
    expect(narrow.pairRows()).toEqual(wide.pairRows());
    expect(narrow.itemRows()).toEqual(wide.itemRows());
    expect(narrow.pairRows()).toContainEqual(['p1', 'p2', 2]);
    expect(narrow.pairRows()).toContainEqual(['p2', 'p9', 1]);
  });
});

describe('CoPurchaseMiner incremental runs', () => {
  it('after new orders gives exactly the rules (and counts) of a full recount, reading only the new orders', () => {
    const { db } = fresh();
    seedCache(db, { customers: 300, seed: 7, now: NOW });
    // Small chunks and a tiny in-memory cap: many steps and mid-build flushes are exercised.
    const options = { minSupport: 2, chunkOrders: 97, maxPairsInMemory: 200, writeBatch: 150, now: () => NOW };
    const first = new CoPurchaseMiner(db, options).runSync();
    expect(first.mode).toBe('rebuild');
    const before = db.$client.prepare('SELECT count(*) FROM orders').pluck().get() as number;

    seedCache(db, { customers: 120, seed: 7, now: NOW }); // more customers and orders into the same cache
    const added = (db.$client.prepare('SELECT count(*) FROM orders').pluck().get() as number) - before;
    expect(added).toBeGreaterThan(100);
    const miner = new CoPurchaseMiner(db, options);
    expect(miner.plan()).toBe('incremental');
    const second = miner.runSync();
    expect(second.mode).toBe('incremental');
    expect(second.ordersRead).toBeLessThanOrEqual(added);
    expect(second.ordersRead).toBeGreaterThan(added * 0.8); // orders without lines are not read
    const incrementalRules = rulesOf(db);
    const incrementalPairs = db.$client.prepare('SELECT * FROM co_purchase_pairs ORDER BY 1, 2').all();
    const incrementalItems = db.$client.prepare('SELECT * FROM co_purchase_items ORDER BY 1').all();
    expect(incrementalRules.length).toBeGreaterThan(50);

    db.$client.prepare(`DELETE FROM cache_meta WHERE key = 'co_purchase'`).run();
    const full = new CoPurchaseMiner(db, options).runSync();
    expect(full.mode).toBe('rebuild');
    expect(rulesOf(db)).toEqual(incrementalRules);
    expect(db.$client.prepare('SELECT * FROM co_purchase_pairs ORDER BY 1, 2').all()).toEqual(incrementalPairs);
    expect(db.$client.prepare('SELECT * FROM co_purchase_items ORDER BY 1').all()).toEqual(incrementalItems);
  });

  it('does nothing when no order arrived, and only recomputes rules when the rule parameters change', () => {
    const { db } = fresh();
    handDataset(db);
    new CoPurchaseMiner(db, { minSupport: 2, now: () => NOW }).runSync();
    expect(new CoPurchaseMiner(db, { minSupport: 2 }).runSync()).toMatchObject({ mode: 'none', ordersRead: 0 });
    const fewer = new CoPurchaseMiner(db, { minSupport: 2, topK: 1, now: () => NOW });
    expect(fewer.runSync()).toMatchObject({ mode: 'rules', ordersRead: 0 });
    expect(rulesOf(db)).toHaveLength(3); // A→B, B→A, C→A: one per product
  });

  it('recounts everything when orders below the watermark disappear (erasure, VACUUM renumbering)', () => {
    const { db } = fresh();
    const { p } = handDataset(db);
    const miner = new CoPurchaseMiner(db, { minSupport: 2, now: () => NOW });
    miner.runSync();
    // Erase the first order (A+B) and its lines.
    const first = db.$client.prepare('SELECT id FROM orders ORDER BY rowid LIMIT 1').pluck().get() as string;
    db.$client.prepare('DELETE FROM order_lines WHERE order_id = ?').run(first);
    db.$client.prepare('DELETE FROM orders WHERE id = ?').run(first);
    expect(miner.plan()).toBe('rebuild');
    miner.runSync();
    const ab = rulesOf(db).find((r) => r.productId === p.A && r.relatedProductId === p.B)!;
    expect(ab.support).toBe(3); // N 8, A 4, B 4, A+B 3
    expect(ab.lift).toBeCloseTo((3 * 8) / (4 * 4), 10);
  });

  it('starts over when a full count was interrupted', () => {
    const { db } = fresh();
    handDataset(db);
    const miner = new CoPurchaseMiner(db, { minSupport: 2, chunkOrders: 2, now: () => NOW });
    const steps = miner.steps();
    steps.next();
    steps.next(); // part-way through the count: the state says "building"
    expect(createCoPurchaseStatusQuery(db)().state).toBe('building');
    expect(miner.plan()).toBe('rebuild');
    expect(miner.runSync().mode).toBe('rebuild');
    expect(createCoPurchaseStatusQuery(db)()).toMatchObject({ state: 'ready', ordersCovered: 10, rules: 4 });
  });
});

describe('the miner thread', () => {
  /** The worker's TypeScript source under tsx, as a data: URL (the built app uses out/main/co-purchase-worker.js). */
  function workerUrl(): URL {
    const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
    const worker = new URL('../../src-main/core/suggestions/co-purchase-worker.ts', import.meta.url).href;
    const code = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(worker)});`;
    return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
  }

  it('mines a stale cache on start on its own connection, then counts new orders on refresh', async () => {
    const cache = fresh();
    const { p, who } = handDataset(cache.db);
    const thread = new CoPurchaseMinerThread({
      dbFile: cache.file,
      migrationsFolder: defaultMigrationsFolder(),
      workerFile: workerUrl(),
      options: { minSupport: 2 },
      minIntervalMs: 0,
    });
    try {
      await thread.start();
      if (process.platform === 'linux') {
        // Lowered for the miner's own thread only, where permitted: this thread keeps its priority.
        if (thread.niceness !== null) expect(thread.niceness).toBe(19);
        expect(getPriority(0)).not.toBe(19);
      }
      // The start-up run (the cache was stale) — a refresh queued behind it waits for it.
      let status = (await thread.refresh()).status;
      expect(status).toMatchObject({ state: 'ready', ordersCovered: 10, ordersPending: 0, rules: 4 });

      order(cache.db, who, [p.A, p.B]);
      const reader = openCache(cache.file, { readonly: true });
      expect(createCoPurchaseStatusQuery(reader)().ordersPending).toBe(1);
      const { summary } = await thread.refresh();
      expect(summary).toMatchObject({ mode: 'incremental', ordersRead: 1 });
      status = await thread.status();
      expect(status).toMatchObject({ ordersCovered: 11, ordersPending: 0 });
      // The store prepares its writes too, so it takes a writable handle; only its read runs here.
      const ab = new CoPurchaseStore(asWritable(reader)).allRules().find((r) => r.productId === p.A && r.relatedProductId === p.B)!;
      expect(ab.support).toBe(5);
      reader.$client.close();
    } finally {
      await thread.stop();
    }
  });
});
