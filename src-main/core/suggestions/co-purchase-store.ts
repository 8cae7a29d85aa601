/**
 * SQL for the co-purchase miner: reading baskets out of orders/order_lines, keeping the running
 * counts (co_purchase_items, co_purchase_pairs), the miner's state in cache_meta, and the rules
 * table (co_purchases) that suggestions read. The miner (co-purchase-miner.ts) owns the rules.
 */
import type Database from 'better-sqlite3';
import type { WritableDb } from '../db/open';

export const STATE_KEY = 'co_purchase';

/** What the miner needs to know to decide whether to count new orders, rebuild, or do nothing. */
export interface MinerState {
  /** building: a full count is under way (or was interrupted: start over); ready: counts cover `watermark`. */
  phase: 'building' | 'ready';
  /** Every order with rowid ≤ watermark is counted (orders arrive with ascending rowids). */
  watermark: number;
  /** How many order rows have rowid ≤ watermark: a mismatch later means rows were deleted or renumbered. */
  ordersSeen: number;
  /** Orders with at least one line ("baskets"): N in support, confidence and lift. */
  baskets: number;
  /** Baskets with more distinct products than this count towards products but not pairs. Changing it means recounting. */
  maxBasketProducts: number;
  /** When the rules in co_purchases were computed; null until the first rules are written. */
  rulesComputedAt: number | null;
  rules: number;
  /** Parameters the rules were computed with: a change means recomputing the rules (not the counts). */
  minSupport: number;
  topK: number;
  lastRunMs: number | null;
  /** Duration of the last full count, for the benchmark and the status line. */
  lastBuildMs: number | null;
}

export interface RuleRow {
  productId: string;
  relatedProductId: string;
  support: number;
  confidence: number;
  lift: number;
}

export class CoPurchaseStore {
  readonly client: Database.Database;
  private readonly readState;
  private readonly writeState;
  private readonly maxOrderRowid;
  private readonly countOrders;
  private readonly countOrdersAfter;
  private readonly countOrdersBetween;
  private readonly basketLines;
  private readonly upsertItem;
  private readonly upsertPair;
  private readonly ruleProducts;
  private readonly deleteRules;
  private readonly insertRule;
  private readonly countRules;

  constructor(db: WritableDb) {
    const c = db.$client;
    this.client = c;
    this.readState = c.prepare(`SELECT value FROM cache_meta WHERE key = '${STATE_KEY}'`).pluck();
    this.writeState = c.prepare(
      `INSERT INTO cache_meta (key, value) VALUES ('${STATE_KEY}', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    );
    this.maxOrderRowid = c.prepare(`SELECT coalesce(max(rowid), 0) FROM orders`).pluck();
    // No WHERE: SQLite counts the smallest index (~0.2 s at 5M orders) instead of the table's pages (~3 s).
    this.countOrders = c.prepare(`SELECT count(*) FROM orders`).pluck();
    this.countOrdersAfter = c.prepare(`SELECT count(*) FROM orders WHERE rowid > ?`).pluck();
    this.countOrdersBetween = c.prepare(`SELECT count(*) FROM orders WHERE rowid > ? AND rowid <= ?`).pluck();
    // Orders in rowid order, each with its lines (order_lines_order_idx): one basket after another.
    this.basketLines = c
      .prepare(
        `SELECT o.rowid, l.product_id FROM orders o JOIN order_lines l ON l.order_id = o.id
          WHERE o.rowid > ? AND o.rowid <= ? ORDER BY o.rowid`,
      )
      .raw();
    this.upsertItem = c.prepare(
      `INSERT INTO co_purchase_items (product_id, orders) VALUES (?, ?)
         ON CONFLICT(product_id) DO UPDATE SET orders = orders + excluded.orders`,
    );
    this.upsertPair = c.prepare(
      `INSERT INTO co_purchase_pairs (product_id, related_product_id, orders) VALUES (?, ?, ?)
         ON CONFLICT(product_id, related_product_id) DO UPDATE SET orders = orders + excluded.orders`,
    );
    this.ruleProducts = c.prepare(`SELECT DISTINCT product_id FROM co_purchases`).pluck();
    this.deleteRules = c.prepare(`DELETE FROM co_purchases WHERE product_id = ?`);
    this.insertRule = c.prepare(
      `INSERT INTO co_purchases (product_id, related_product_id, support, confidence, lift, computed_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.countRules = c.prepare(`SELECT count(*) FROM co_purchases`).pluck();
  }

  state(): MinerState | null {
    const raw = this.readState.get() as string | undefined;
    return raw === undefined ? null : (JSON.parse(raw) as MinerState);
  }

  /** Call inside a transaction when the state must commit with the counts it describes. */
  saveState(state: MinerState): void {
    this.writeState.run(JSON.stringify(state));
  }

  maxOrderRowId(): number {
    return this.maxOrderRowid.get() as number;
  }

  orderCount(): number {
    return this.countOrders.get() as number;
  }

  ordersAfter(rowid: number): number {
    return this.countOrdersAfter.get(rowid) as number;
  }

  ordersBetween(afterRowid: number, upToRowid: number): number {
    return this.countOrdersBetween.get(afterRowid, upToRowid) as number;
  }

  /** [order rowid, product id] for the orders in (afterRowid, upToRowid], grouped by order. */
  basketRows(afterRowid: number, upToRowid: number): IterableIterator<[number, string]> {
    return this.basketLines.iterate(afterRowid, upToRowid) as IterableIterator<[number, string]>;
  }

  /** Empties the counts (start of a full count). Call inside a transaction. */
  clearCounts(): void {
    this.client.exec(`DELETE FROM co_purchase_items; DELETE FROM co_purchase_pairs;`);
  }

  /** Adds count deltas. Call inside a transaction. `pairs` holds [lower id, higher id, orders]. */
  addCounts(items: Iterable<[string, number]>, pairs: Iterable<[string, string, number]>): void {
    for (const [id, n] of items) this.upsertItem.run(id, n);
    for (const [a, b, n] of pairs) this.upsertPair.run(a, b, n);
  }

  /** Order counts per product, for products still in the catalogue. */
  itemCounts(): Map<string, number> {
    const rows = this.client
      .prepare(`SELECT i.product_id, i.orders FROM co_purchase_items i JOIN products p ON p.id = i.product_id`)
      .raw()
      .all() as [string, number][];
    return new Map(rows);
  }

  /** Pairs seen together in at least `minSupport` orders, streamed. */
  frequentPairs(minSupport: number): IterableIterator<[string, string, number]> {
    return this.client
      .prepare(`SELECT product_id, related_product_id, orders FROM co_purchase_pairs WHERE orders >= ?`)
      .raw()
      .iterate(minSupport) as IterableIterator<[string, string, number]>;
  }

  productsWithRules(): string[] {
    return this.ruleProducts.all() as string[];
  }

  /** Replaces the rules of `productIds` with `rules` (all of which belong to those products). Call inside a transaction. */
  replaceRules(productIds: readonly string[], rules: readonly RuleRow[], computedAt: number): void {
    for (const id of productIds) this.deleteRules.run(id);
    for (const r of rules) this.insertRule.run(r.productId, r.relatedProductId, r.support, r.confidence, r.lift, computedAt);
  }

  ruleCount(): number {
    return this.countRules.get() as number;
  }

  /** Every rule, ordered, for comparisons in tests and checks. */
  allRules(): RuleRow[] {
    return this.client
      .prepare(
        `SELECT product_id AS productId, related_product_id AS relatedProductId, support, confidence, lift
           FROM co_purchases ORDER BY product_id, lift DESC, related_product_id`,
      )
      .all() as RuleRow[];
  }
}
