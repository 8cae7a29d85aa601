/**
 * CoPurchaseMiner: "customers who bought A also bought B", mined from every cached order in the
 * background — never on the lookup path. Suggestions only read the result (co_purchases).
 *
 * Definitions (a basket is one order; N = orders with at least one line):
 *   support(A→B)    = orders holding both A and B (a count)
 *   confidence(A→B) = support ÷ orders holding A            (P(B | A))
 *   lift(A→B)       = confidence ÷ (orders holding B ÷ N)   (how much more often than chance)
 * Every order counts, whatever its status: a basket shows what goes together even when it was
 * later returned, and counts then never need revisiting when a status changes.
 *
 * Incremental. The running counts (co_purchase_items, co_purchase_pairs) and a watermark (the
 * highest orders.rowid counted, in cache_meta) are kept, so new orders (which always get higher
 * rowids) are counted in short transactions that add their deltas and move the watermark together —
 * a crash never counts an order twice or skips one. After counting, the rules are recomputed from
 * the counts (not from the orders): with N changed every lift changes, so all rules are rewritten,
 * which costs O(pairs), not O(orders). The result is exactly what a full recount would give.
 *
 * A full count happens on the first run, after an interrupted one, when orders below the watermark
 * were deleted or renumbered (a VACUUM, an erasure: detected when the orders in the cache are no
 * longer those counted plus those above the watermark), or when the backlog is larger than what is
 * already counted (bulk counting in memory is faster than many upserts). It counts pairs in memory (bounded: past `maxPairsInMemory` pairs the
 * counts are flushed to the tables and counting goes on) and writes in short transactions while the
 * state says `building`, so an interruption is noticed and started over.
 *
 * Known limits: lines added to an order after it was counted are not counted (orders arrive whole
 * through sync); a very large basket (more than `maxBasketProducts` distinct products, e.g. a
 * wholesale restock) counts towards its products but not towards pairs, which keeps the work per
 * order bounded and keeps restocks from drowning real affinities.
 */
import type { ReadableDb, WritableDb } from '../db/open';
import type { CoPurchaseStatus } from '../../../src-shared/contracts/suggestions';
import { CoPurchaseStore, STATE_KEY, type MinerState, type RuleRow } from './co-purchase-store';
import { orderHistoryArriving } from '../db/deferred-indexes';

export interface MinerOptions {
  /** A rule needs at least this many orders holding both products. */
  minSupport?: number;
  /** Rules kept per product, best lift first. */
  topK?: number;
  /** Rules need a lift above this (1 = no better than chance). */
  minLift?: number;
  /** Orders (by rowid span) read per step; one step is one short read and, when counting new orders, one short transaction. */
  chunkOrders?: number;
  maxBasketProducts?: number;
  maxPairsInMemory?: number;
  /** Rows per transaction when writing a full count or the rules. */
  writeBatch?: number;
  /** When the backlog is at least this many orders (and larger than what is counted), recount everything instead. */
  rebuildBacklog?: number;
  now?: () => number;
}

export const MINER_DEFAULTS = {
  minSupport: 5,
  topK: 10,
  minLift: 1,
  chunkOrders: 20_000,
  maxBasketProducts: 50,
  maxPairsInMemory: 2_000_000,
  writeBatch: 5_000,
  rebuildBacklog: 50_000,
} as const;

export type MineMode = 'rebuild' | 'incremental' | 'rules' | 'none';

export interface MineSummary {
  mode: MineMode;
  /** Orders read from the cache in this run. */
  ordersRead: number;
  rules: number;
  ms: number;
}

/**
 * Counts products and product pairs of baskets. Products get small integer indexes, item counts
 * live in a dense array and a pair is one number key (lower index × span + higher index): while the
 * catalogue has fewer than 2^15 products the keys stay small integers, which V8's maps handle
 * fastest; past that the keys are re-based once on a wider span.
 */
export class BasketCounter {
  private readonly indexOf = new Map<string, number>();
  private readonly ids: string[] = [];
  items: number[] = [];
  pairs = new Map<number, number>();
  baskets = 0;

  constructor(
    private readonly maxBasketProducts: number,
    private span: number = 2 ** 15,
  ) {}

  index(id: string): number {
    let i = this.indexOf.get(id);
    if (i === undefined) {
      i = this.ids.length;
      if (i >= this.span) this.widen();
      this.ids.push(id);
      this.indexOf.set(id, i);
    }
    return i;
  }

  private widen(): void {
    const wider = 2 ** 26;
    const rekeyed = new Map<number, number>();
    for (const [key, n] of this.pairs) rekeyed.set(Math.floor(key / this.span) * wider + (key % this.span), n);
    this.pairs = rekeyed;
    this.span = wider;
  }

  /** One order's distinct product indexes (the array is sorted in place and not kept). */
  add(basket: number[]): void {
    const n = basket.length;
    if (n === 0) return;
    this.baskets++;
    for (let x = 0; x < n; x++) this.items[basket[x]!] = (this.items[basket[x]!] ?? 0) + 1;
    if (n === 1 || n > this.maxBasketProducts) return;
    basket.sort((a, b) => a - b);
    for (let x = 0; x < n; x++) {
      const base = basket[x]! * this.span;
      for (let y = x + 1; y < n; y++) {
        const key = base + basket[y]!;
        this.pairs.set(key, (this.pairs.get(key) ?? 0) + 1);
      }
    }
  }

  /** [product id, orders], in id order (so a fresh table is filled front to back). */
  itemRows(): [string, number][] {
    const rows: [string, number][] = [];
    this.items.forEach((n, i) => {
      if (n > 0) rows.push([this.ids[i]!, n]);
    });
    return rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** [lower id, higher id, count]: a pair is stored once, its ids in string order; rows in key order. */
  pairRows(): [string, string, number][] {
    const rows: [string, string, number][] = [];
    for (const [key, n] of this.pairs) {
      const a = this.ids[Math.floor(key / this.span)]!;
      const b = this.ids[key % this.span]!;
      rows.push(a < b ? [a, b, n] : [b, a, n]);
    }
    return rows.sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : p[1] < q[1] ? -1 : p[1] > q[1] ? 1 : 0));
  }

  clear(): void {
    this.items = [];
    this.pairs = new Map();
    this.baskets = 0;
  }
}

/** Best-first order of rules for one product: lift, then support, then the related id (so ties are stable). */
function better(a: RuleRow, b: RuleRow): number {
  return b.lift - a.lift || b.support - a.support || (a.relatedProductId < b.relatedProductId ? -1 : a.relatedProductId > b.relatedProductId ? 1 : 0);
}

/** Keeps the best `k` rules per product while the pairs stream by. */
class TopRules {
  readonly byProduct = new Map<string, RuleRow[]>();
  constructor(private readonly k: number) {}

  offer(rule: RuleRow): void {
    let list = this.byProduct.get(rule.productId);
    if (!list) {
      list = [];
      this.byProduct.set(rule.productId, list);
    }
    if (list.length >= this.k && better(rule, list[list.length - 1]!) >= 0) return;
    let at = list.length;
    while (at > 0 && better(rule, list[at - 1]!) < 0) at--;
    list.splice(at, 0, rule);
    if (list.length > this.k) list.pop();
  }
}

export class CoPurchaseMiner {
  private readonly store: CoPurchaseStore;
  private readonly o: Required<Omit<MinerOptions, 'now'>>;
  private readonly now: () => number;

  constructor(db: WritableDb, options: MinerOptions = {}) {
    this.store = new CoPurchaseStore(db);
    const { now, ...rest } = options;
    this.o = { ...MINER_DEFAULTS, ...rest };
    this.now = now ?? (() => Date.now());
    if (!(Number.isInteger(this.o.minSupport) && this.o.minSupport >= 1)) throw new RangeError('minSupport must be a whole number ≥ 1');
    if (!(Number.isInteger(this.o.topK) && this.o.topK >= 1)) throw new RangeError('topK must be a whole number ≥ 1');
    if (!(this.o.chunkOrders >= 1 && this.o.writeBatch >= 1 && this.o.maxBasketProducts >= 2)) throw new RangeError('chunkOrders, writeBatch ≥ 1 and maxBasketProducts ≥ 2');
  }

  /** What the next run would do (cheap enough to ask at start-up and after every sync batch). */
  plan(): MineMode {
    // A first copy is still bringing in orders, without the indexes the baskets are read by (they
    // are built at its end, and its last page asks for a run): counting now would scan every line.
    if (orderHistoryArriving(this.store.client)) return 'none';
    const st = this.store.state();
    if (!st || st.phase === 'building' || st.maxBasketProducts !== this.o.maxBasketProducts) return 'rebuild';
    const pending = this.store.ordersAfter(st.watermark);
    // Rows at or below the watermark were deleted or renumbered: the counts no longer describe the orders.
    if (this.store.orderCount() !== st.ordersSeen + pending) return 'rebuild';
    if (pending >= this.o.rebuildBacklog && pending > st.ordersSeen) return 'rebuild';
    if (pending > 0) return 'incremental';
    if (st.rulesComputedAt === null || st.minSupport !== this.o.minSupport || st.topK !== this.o.topK) return 'rules';
    return 'none';
  }

  /** Runs to completion on this thread (tests, the benchmark, a CLI). */
  runSync(): MineSummary {
    const steps = this.steps();
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
    }
  }

  /** Recomputes the rules from the counts already kept, reading no orders (the last part of every run); returns the rule count. */
  recomputeRulesSync(): number {
    if (this.store.state()?.phase !== 'ready') throw new Error('There are no complete co-purchase counts yet: run the miner first.');
    const steps = this.computeRules(performance.now());
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
    }
  }

  /** Runs step by step, awaiting `pause` between steps so other work (messages, stop) gets its turn. */
  async run(pause: () => Promise<void> = () => new Promise((r) => setImmediate(r))): Promise<MineSummary> {
    const steps = this.steps();
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      await pause();
    }
  }

  /**
   * The run as a sequence of short steps: each yield comes after a step that left the database
   * consistent (no statement or transaction is open across a yield).
   */
  *steps(): Generator<void, MineSummary, void> {
    const started = performance.now();
    const mode = this.plan();
    let ordersRead = 0;
    if (mode === 'none') {
      return { mode, ordersRead, rules: this.store.state()?.rules ?? 0, ms: performance.now() - started };
    }
    if (mode === 'rebuild') ordersRead = yield* this.recount();
    if (mode === 'incremental') ordersRead = yield* this.countNewOrders();
    const rules = yield* this.computeRules(started);
    if (mode === 'rebuild') {
      const st = this.store.state()!;
      this.store.client.transaction(() => this.store.saveState({ ...st, lastBuildMs: performance.now() - started }))();
    }
    return { mode, ordersRead, rules, ms: performance.now() - started };
  }

  /** Reads the baskets of orders in (after, upTo] into `counter`; returns the orders read. */
  private countBaskets(counter: BasketCounter, after: number, upTo: number): number {
    let current = -1;
    const basket: number[] = [];
    let orders = 0;
    for (const [rowid, productId] of this.store.basketRows(after, upTo)) {
      if (rowid !== current) {
        counter.add(basket);
        basket.length = 0;
        current = rowid;
        orders++;
      }
      const i = counter.index(productId);
      if (!basket.includes(i)) basket.push(i); // the same product on two lines is one product
    }
    counter.add(basket);
    return orders;
  }

  private *writeCountsInBatches(counter: BasketCounter): Generator<void, void, void> {
    const items = counter.itemRows();
    const pairs = counter.pairRows();
    const write = this.store.client.transaction((i: [string, number][], p: [string, string, number][]) => this.store.addCounts(i, p));
    for (let at = 0; at < items.length; at += this.o.writeBatch) {
      write.immediate(items.slice(at, at + this.o.writeBatch), []);
      yield;
    }
    for (let at = 0; at < pairs.length; at += this.o.writeBatch) {
      write.immediate([], pairs.slice(at, at + this.o.writeBatch));
      yield;
    }
  }

  private baseState(previous: MinerState | null): MinerState {
    return {
      phase: 'building',
      watermark: 0,
      ordersSeen: 0,
      baskets: 0,
      maxBasketProducts: this.o.maxBasketProducts,
      rulesComputedAt: previous?.rulesComputedAt ?? null,
      rules: previous?.rules ?? 0,
      minSupport: previous?.minSupport ?? this.o.minSupport,
      topK: previous?.topK ?? this.o.topK,
      lastRunMs: previous?.lastRunMs ?? null,
      lastBuildMs: previous?.lastBuildMs ?? null,
    };
  }

  /** A full count of every order up to today's highest rowid. The old rules stay in use until new ones replace them. */
  private *recount(): Generator<void, number, void> {
    const st = this.baseState(this.store.state());
    const target = this.store.maxOrderRowId();
    this.store.client
      .transaction(() => {
        this.store.clearCounts();
        this.store.saveState(st);
      })
      .immediate();
    yield;
    const counter = new BasketCounter(this.o.maxBasketProducts);
    let baskets = 0;
    let read = 0;
    for (let after = 0; after < target; after += this.o.chunkOrders) {
      read += this.countBaskets(counter, after, Math.min(target, after + this.o.chunkOrders));
      if (counter.pairs.size >= this.o.maxPairsInMemory) {
        baskets += counter.baskets;
        yield* this.writeCountsInBatches(counter);
        counter.clear();
      }
      yield;
    }
    baskets += counter.baskets;
    yield* this.writeCountsInBatches(counter);
    const ordersSeen = this.store.orderCount() - this.store.ordersAfter(target);
    this.store.client
      .transaction(() => this.store.saveState({ ...st, phase: 'ready', watermark: target, ordersSeen, baskets }))
      .immediate();
    return read;
  }

  /** Counts orders that arrived since the watermark, one short transaction per chunk. */
  private *countNewOrders(): Generator<void, number, void> {
    const target = this.store.maxOrderRowId();
    let read = 0;
    let st = this.store.state()!;
    while (st.watermark < target) {
      const after = st.watermark;
      const upTo = Math.min(target, after + this.o.chunkOrders);
      const counter = new BasketCounter(this.o.maxBasketProducts);
      read += this.countBaskets(counter, after, upTo);
      const next: MinerState = {
        ...st,
        watermark: upTo,
        ordersSeen: st.ordersSeen + this.store.ordersBetween(after, upTo),
        baskets: st.baskets + counter.baskets,
      };
      this.store.client
        .transaction(() => {
          this.store.addCounts(counter.itemRows(), counter.pairRows());
          this.store.saveState(next);
        })
        .immediate();
      st = next;
      yield;
    }
    return read;
  }

  /** Rules from the counts: per product, the best `topK` related products by lift with enough support. */
  private *computeRules(started: number): Generator<void, number, void> {
    const st = this.store.state()!;
    const n = st.baskets;
    const items = this.store.itemCounts();
    const top = new TopRules(this.o.topK);
    for (const [a, b, support] of this.store.frequentPairs(this.o.minSupport)) {
      const ca = items.get(a);
      const cb = items.get(b);
      if (ca === undefined || cb === undefined) continue; // a product no longer in the catalogue
      const lift = (support * n) / (ca * cb);
      if (!(lift > this.o.minLift)) continue;
      top.offer({ productId: a, relatedProductId: b, support, confidence: support / ca, lift });
      top.offer({ productId: b, relatedProductId: a, support, confidence: support / cb, lift });
    }
    yield;

    const computedAt = this.now();
    const products = [...new Set([...this.store.productsWithRules(), ...top.byProduct.keys()])].sort();
    const replace = this.store.client.transaction((ids: string[], rules: RuleRow[]) => this.store.replaceRules(ids, rules, computedAt));
    let ids: string[] = [];
    let rules: RuleRow[] = [];
    let total = 0;
    for (const id of products) {
      const list = top.byProduct.get(id) ?? [];
      ids.push(id);
      rules.push(...list);
      total += list.length;
      if (rules.length >= this.o.writeBatch || ids.length >= this.o.writeBatch) {
        replace.immediate(ids, rules);
        ids = [];
        rules = [];
        yield;
      }
    }
    if (ids.length > 0) replace.immediate(ids, rules);
    this.store.client
      .transaction(() =>
        this.store.saveState({
          ...this.store.state()!,
          rulesComputedAt: computedAt,
          rules: total,
          minSupport: this.o.minSupport,
          topK: this.o.topK,
          lastRunMs: performance.now() - started,
        }),
      )
      .immediate();
    return total;
  }
}

/** The miner's progress from any connection, including a read-only one (the status channel). */
export function createCoPurchaseStatusQuery(db: ReadableDb): () => CoPurchaseStatus {
  const c = db.$client;
  const state = c.prepare(`SELECT value FROM cache_meta WHERE key = '${STATE_KEY}'`).pluck();
  const pendingAfter = c.prepare(`SELECT count(*) FROM orders WHERE rowid > ?`).pluck();
  const all = c.prepare(`SELECT count(*) FROM orders`).pluck();
  return () => {
    const raw = state.get() as string | undefined;
    const st = raw === undefined ? null : (JSON.parse(raw) as MinerState);
    const ready = st?.phase === 'ready';
    return {
      state: st === null ? 'never' : st.phase,
      computedAt: st?.rulesComputedAt == null ? null : new Date(st.rulesComputedAt).toISOString(),
      ordersCovered: ready ? st.ordersSeen : 0,
      ordersPending: (ready ? pendingAfter.get(st.watermark) : all.get()) as number,
      rules: st?.rules ?? 0,
      lastRunMs: st?.lastRunMs ?? null,
    };
  };
}
