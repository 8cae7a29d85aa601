/**
 * The reads behind upsell suggestions, all indexed and all bounded by one customer: their most
 * recent orders' lines (orders_customer_placed_idx, then order_lines_order_idx), the curated
 * relations and mined rules of the products they bought (index ranges, as bare tuples: thousands of
 * rows for a heavy buyer), the few products shown (primary key), and, for customers with more
 * orders than the engine reads, the products they ever bought (their orders' lines, once). The
 * order reads need indexes a first copy builds only at its end (see deferred-indexes): while
 * `orderHistoryArriving` is true the engine does not run them (they are prepared all the same:
 * without INDEXED BY that does not fail, and they re-plan once the indexes exist). */
import type { ReadableDb } from '../db/open';
import { orderHistoryArriving } from '../db/deferred-indexes';
import type { OrderStatus, ProductRelationKind } from '../../../src-shared/domain/customer';
import type { OfferAnswer } from '../../../src-shared/domain/offer-rules';
import { STATE_KEY, type MinerState } from './co-purchase-store';

export interface ProductFacts {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
}

/** One line of one of the customer's orders. */
export interface PurchaseLine {
  orderId: string;
  status: OrderStatus;
  placedAt: number;
  productId: string;
  /** SKU and name as sold (receipts keep the old name when a product is renamed). */
  soldSku: string;
  soldName: string;
  /** From the catalogue today; false / null when the product is no longer in it. */
  isConsumable: boolean;
  replenishDays: number | null;
}

/** [base product id, related product id, kind] — the covering primary key, no table rows read. */
export type RelationRow = [string, string, ProductRelationKind];
/** [base product id, related product id, confidence, lift]. */
export type RuleTuple = [string, string, number, number];

/**
 * The mined rules are few (topK per product: ~10,000 for a 1,000-product catalogue, about 1 MB) and
 * change only when the miner finishes a run, so each connection keeps them in memory, keyed by the
 * run's timestamp: a suggestion then reads no rule rows at all. A catalogue with more rules than
 * this reads them per call from the index instead.
 */
export const MAX_RULES_IN_MEMORY = 200_000;

export class SuggestionRepository {
  private readonly customerExists;
  private readonly lines;
  private readonly relations;
  private readonly rules;
  private readonly allRules;
  private readonly ruleCount;
  private rulesInMemory: { computedAt: number | null; byProduct: Map<string, RuleTuple[]> | null } | undefined;
  private readonly product;
  private readonly owned;
  private readonly minerState;
  private readonly consent;
  private readonly answered;
  private readonly client;

  constructor(
    db: ReadableDb,
    private readonly maxRulesInMemory: number = MAX_RULES_IN_MEMORY,
  ) {
    const c = db.$client;
    this.client = c;
    this.customerExists = c.prepare(`SELECT 1 FROM customers WHERE id = ?`).pluck();
    this.lines = c
      .prepare(
        `SELECT o.id, o.status, o.placed_at, l.product_id, l.sku, l.name, p.is_consumable, p.replenish_days
           FROM (SELECT id, status, placed_at FROM orders WHERE customer_id = ? ORDER BY placed_at DESC LIMIT ?) o
           JOIN order_lines l ON l.order_id = o.id
           LEFT JOIN products p ON p.id = l.product_id`,
      )
      .raw();
    // Rows only, no product columns: the few products that are shown are read one by one afterwards.
    this.relations = c
      .prepare(`SELECT product_id, related_product_id, kind FROM product_relations WHERE product_id IN (SELECT value FROM json_each(?))`)
      .raw();
    this.rules = c
      .prepare(`SELECT product_id, related_product_id, confidence, lift FROM co_purchases WHERE product_id IN (SELECT value FROM json_each(?))`)
      .raw();
    this.allRules = c.prepare(`SELECT product_id, related_product_id, confidence, lift FROM co_purchases`).raw();
    this.ruleCount = c.prepare(`SELECT count(*) FROM co_purchases`).pluck();
    // Discontinued products cannot be ordered, so they are not suggested (issue 21).
    this.product = c.prepare(`SELECT id, sku, name, price_cents AS priceCents, currency FROM products WHERE id = ? AND status <> 'discontinued'`);
    // Through the customer's orders (orders_customer_placed_idx, then order_lines_order_idx); there
    // is no index on order_lines (customer_id, product_id) since drizzle/0007. No INDEXED BY, as
    // for the reads above.
    this.owned = c.prepare(`SELECT DISTINCT l.product_id FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.customer_id = ?`).pluck();
    this.minerState = c.prepare(`SELECT value FROM cache_meta WHERE key = '${STATE_KEY}'`).pluck();
    this.consent = c.prepare(`SELECT marketing_consent FROM customers WHERE id = ?`).pluck();
    // offers_customer_idx: one customer's offers (a few per call they took), then the answered ones.
    this.answered = c.prepare(
      `SELECT product_id AS productId, outcome, decided_at AS decidedAt FROM offers
        WHERE customer_id = ? AND outcome <> 'presented' AND decided_at >= ?`,
    );
  }

  /** Whether the customer agreed to marketing (false when not recorded). */
  marketingConsent(customerId: string): boolean {
    return this.consent.get(customerId) === 1;
  }

  /** The customer's offers accepted or declined at or after `from`. */
  answeredOffersSince(customerId: string, from: number): OfferAnswer[] {
    return this.answered.all(customerId, from) as OfferAnswer[];
  }

  /** True while a first copy is still bringing in orders and their indexes are missing (one cache_meta read). */
  orderHistoryArriving(): boolean {
    return orderHistoryArriving(this.client);
  }

  customerExistsById(customerId: string): boolean {
    return this.customerExists.get(customerId) !== undefined;
  }

  /** Lines of the customer's `maxOrders` most recent orders (unsorted). */
  recentLines(customerId: string, maxOrders: number): PurchaseLine[] {
    const rows = this.lines.all(customerId, maxOrders) as [string, OrderStatus, number, string, string, string, number | null, number | null][];
    return rows.map((r) => ({
      orderId: r[0],
      status: r[1],
      placedAt: r[2],
      productId: r[3],
      soldSku: r[4],
      soldName: r[5],
      isConsumable: r[6] === 1,
      replenishDays: r[7],
    }));
  }

  relatedOf(productIds: readonly string[]): RelationRow[] {
    return productIds.length === 0 ? [] : (this.relations.all(JSON.stringify(productIds)) as RelationRow[]);
  }

  rulesOf(productIds: readonly string[]): RuleTuple[] {
    if (productIds.length === 0) return [];
    const byProduct = this.rulesByProduct();
    if (!byProduct) return this.rules.all(JSON.stringify(productIds)) as RuleTuple[];
    const out: RuleTuple[] = [];
    for (const id of productIds) {
      const list = byProduct.get(id);
      if (list) for (const r of list) out.push(r);
    }
    return out;
  }

  /** All rules by base product, reloaded when the miner has finished a newer run; null when there are too many to hold. */
  private rulesByProduct(): Map<string, RuleTuple[]> | null {
    const computedAt = this.rulesComputedAt();
    if (this.rulesInMemory?.computedAt === computedAt) return this.rulesInMemory.byProduct;
    let byProduct: Map<string, RuleTuple[]> | null = null;
    if ((this.ruleCount.get() as number) <= this.maxRulesInMemory) {
      byProduct = new Map();
      for (const r of this.allRules.all() as RuleTuple[]) {
        const list = byProduct.get(r[0]);
        if (list) list.push(r);
        else byProduct.set(r[0], [r]);
      }
    }
    this.rulesInMemory = { computedAt, byProduct };
    return byProduct;
  }

  /** The product as the catalogue has it today; undefined when it is gone. */
  productById(id: string): ProductFacts | undefined {
    return this.product.get(id) as ProductFacts | undefined;
  }

  /** Every product the customer ever bought, in any order (one pass over their orders' lines). */
  productsEverBought(customerId: string): Set<string> {
    return new Set(this.owned.all(customerId) as string[]);
  }

  rulesComputedAt(): number | null {
    const raw = this.minerState.get() as string | undefined;
    return raw === undefined ? null : ((JSON.parse(raw) as MinerState).rulesComputedAt ?? null);
  }
}
