/**
 * SQL for past purchases. The filter combinations (period, product, category, text, cursor) give
 * a few dozen statement shapes; each is prepared once per connection on first use. Every shape
 * walks the customer's orders by orders_customer_placed_idx (customer_id, placed_at) and reaches
 * an order's lines, where a filter needs them, by order_lines_order_idx (order_id, line_no): the
 * cost follows the customer's own orders and lines, never the size of the cache. (An index on
 * order_lines (customer_id, product_id) answered the product filters without reading lines, but it
 * was the largest index a first copy builds, and drizzle/0007 dropped it: measured on 1,000,000
 * customers, the filters over a 60-order customer went from ~0.1 to ~0.2 ms, see BENCHMARKS.md.)
 * The indexes are named (INDEXED BY): once ANALYZE statistics exist, a cache where a few customers
 * hold most lines could otherwise tempt the planner into scanning every order line; and a dropped
 * index fails loudly at prepare time instead of silently scanning.
 *
 * A first copy builds those indexes only at its end (see deferred-indexes): until then
 * `orderHistoryArriving` is true and the service must not prepare or run any of these statements
 * (the INDEXED BY ones would fail with "no such index", the others would scan every line). The
 * service asks inside `consistently`, one read transaction, so the answer and the statements see
 * the same schema.
 */
import type Database from 'better-sqlite3';
import type { ReadableDb } from '../db/open';
import { orderHistoryArriving } from '../db/deferred-indexes';
import type { OrderChannel, OrderStatus } from '../../../src-shared/domain/customer';
import { SPENDING_ORDER_STATUSES } from '../../../src-shared/domain/order-value';
import { FOLD_FUNCTION, registerFoldFunction } from './purchases-text';

export interface PurchaseFilter {
  customerId: string;
  /** placed_at >= from */
  from?: number;
  /** placed_at < to */
  to?: number;
  productId?: string;
  /** Upper-cased; the product with this SKU in the catalogue. */
  sku?: string;
  /** As `categoryWords` makes it (lower case, single spaces): matched at the start of the category name's words. */
  category?: string;
  /** Upper-cased for order numbers and SKUs, folded for product names. */
  text?: { upper: string; folded: string };
}

export interface OrderRow {
  id: string;
  customerId: string;
  number: string;
  channel: OrderChannel;
  status: OrderStatus;
  campaignCode: string | null;
  /** Why the store could not confirm a phone order as taken (needs attention), else null. */
  attentionReason: string | null;
  currency: string;
  subtotalCents: number;
  discountCents: number;
  taxCents: number;
  shippingCents: number;
  totalCents: number;
  placedAt: number;
}

export interface LineRow {
  id: string;
  orderId: string;
  lineNo: number;
  productId: string;
  sku: string;
  name: string;
  category: string | null;
  /** The product's SKU in the catalogue today (the line keeps the one on the receipt). */
  productSku: string | null;
  quantity: number;
  unitPriceCents: number;
  totalCents: number;
}

const ORDER_COLUMNS = `o.id, o.customer_id AS customerId, o.number, o.channel, o.status, o.campaign_code AS campaignCode, o.attention_reason AS attentionReason, o.currency,
  o.subtotal_cents AS subtotalCents, o.discount_cents AS discountCents, o.tax_cents AS taxCents,
  o.shipping_cents AS shippingCents, o.total_cents AS totalCents, o.placed_at AS placedAt`;

/** `categoryWords` of a product's slug, in SQL (slugs are lower case with "-" or "_" between words). */
const CATEGORY_WORDS_SQL = `replace(replace(lower(p.category), '-', ' '), '_', ' ')`;

/** The WHERE clause for a filter; parameter names match the keys `params` binds. */
export function purchaseWhere(filter: PurchaseFilter, withCursor: boolean): string {
  const parts = ['o.customer_id = @customerId'];
  if (filter.from !== undefined) parts.push('o.placed_at >= @from');
  if (filter.to !== undefined) parts.push('o.placed_at < @to');
  // A filter on lines asks, order by order, whether one of the order's lines matches.
  const anyLine = (condition: string) => `EXISTS (SELECT 1 FROM order_lines l INDEXED BY order_lines_order_idx WHERE l.order_id = o.id AND ${condition})`;
  if (filter.productId !== undefined) parts.push(anyLine('l.product_id = @productId'));
  // SKU: the catalogue's product with that SKU (products_sku_uq), read once, not per line.
  if (filter.sku !== undefined) parts.push(anyLine('l.product_id = (SELECT p.id FROM products p WHERE p.sku = @sku)'));
  // Category: each line's product by its key, whatever the catalogue's size; the typed words at
  // the start of the category name's words, any case, as `categoryMatches` (issue 19, item 12).
  if (filter.category !== undefined) {
    parts.push(anyLine(`instr(' ' || (SELECT ${CATEGORY_WORDS_SQL} FROM products p WHERE p.id = l.product_id), ' ' || @category) > 0`));
  }
  if (filter.text !== undefined) {
    parts.push(`(instr(o.number, @textUpper) > 0 OR ${anyLine(`(instr(upper(l.sku), @textUpper) > 0 OR instr(${FOLD_FUNCTION}(l.name), @textFolded) > 0)`)})`);
  }
  // Keyset: the range bound lets the index seek to the cursor; the OR breaks ties on id.
  if (withCursor) parts.push('o.placed_at <= @cursorAt AND (o.placed_at < @cursorAt OR o.id < @cursorId)');
  return parts.join(' AND ');
}

function params(filter: PurchaseFilter, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const p: Record<string, unknown> = { customerId: filter.customerId, ...extra };
  if (filter.from !== undefined) p.from = filter.from;
  if (filter.to !== undefined) p.to = filter.to;
  if (filter.productId !== undefined) p.productId = filter.productId;
  if (filter.sku !== undefined) p.sku = filter.sku;
  if (filter.category !== undefined) p.category = filter.category;
  if (filter.text !== undefined) {
    p.textUpper = filter.text.upper;
    p.textFolded = filter.text.folded;
  }
  return p;
}

export function purchasePageSql(filter: PurchaseFilter, withCursor: boolean): string {
  return `SELECT ${ORDER_COLUMNS} FROM orders o INDEXED BY orders_customer_placed_idx WHERE ${purchaseWhere(filter, withCursor)} ORDER BY o.placed_at DESC, o.id DESC LIMIT @limit`;
}

/** `o.status` counts as spending (src-shared/domain/order-value.ts), as SQL. */
export const SPENDING_SQL = `o.status IN (${SPENDING_ORDER_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** Per currency: the orders listed, those that count as spending, and the money of those (issue 19, item 11). */
export function purchaseTotalsSql(filter: PurchaseFilter): string {
  return `SELECT o.currency, count(*) AS orderCount, coalesce(sum(${SPENDING_SQL}), 0) AS countedOrderCount,
                 coalesce(sum(CASE WHEN ${SPENDING_SQL} THEN o.total_cents END), 0) AS totalCents
            FROM orders o INDEXED BY orders_customer_placed_idx WHERE ${purchaseWhere(filter, false)} GROUP BY o.currency ORDER BY orderCount DESC, o.currency`;
}

export function createPurchasesRepository(db: ReadableDb) {
  const c = db.$client;
  registerFoldFunction(c);
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let st = statements.get(sql);
    if (!st) {
      st = c.prepare(sql);
      statements.set(sql, st);
    }
    return st;
  };
  const lines = c.prepare(
    `SELECT l.id, l.order_id AS orderId, l.line_no AS lineNo, l.product_id AS productId, l.sku, l.name, p.category, p.sku AS productSku,
            l.quantity, l.unit_price_cents AS unitPriceCents, l.total_cents AS totalCents
       FROM order_lines l LEFT JOIN products p ON p.id = l.product_id
      WHERE l.order_id IN (SELECT value FROM json_each(?))
      ORDER BY l.order_id, l.line_no`,
  );
  const order = c.prepare(`SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = ?`);

  return {
    /** True while a first copy is still bringing in orders and their indexes are missing (one cache_meta read). */
    orderHistoryArriving: () => orderHistoryArriving(c),
    /** Runs `read` in one read transaction: every statement in it sees the same rows and the same indexes. */
    consistently: <T>(read: () => T): T => c.transaction(read)(),
    page(filter: PurchaseFilter, cursor: { at: number; id: string } | null, limit: number): OrderRow[] {
      const extra = cursor ? { cursorAt: cursor.at, cursorId: cursor.id, limit } : { limit };
      return prepared(purchasePageSql(filter, cursor !== null)).all(params(filter, extra)) as OrderRow[];
    },
    totals(filter: PurchaseFilter): { currency: string; orderCount: number; countedOrderCount: number; totalCents: number }[] {
      return prepared(purchaseTotalsSql(filter)).all(params(filter)) as { currency: string; orderCount: number; countedOrderCount: number; totalCents: number }[];
    },
    linesOf(orderIds: readonly string[]): LineRow[] {
      return orderIds.length === 0 ? [] : (lines.all(JSON.stringify(orderIds)) as LineRow[]);
    },
    order: (orderId: string) => order.get(orderId) as OrderRow | undefined,
  };
}
