/**
 * PurchaseHistory: "what did they buy last year?" — a customer's orders with their line items,
 * filtered by period, product (id or SKU), category or free text (order number, SKU or product
 * name, case and accents ignored), newest first in keyset pages, with totals over the whole
 * filter. Periods are read in the workstation's time zone: "2025" is the CSR's calendar year.
 * While a first copy is still bringing in orders (their indexes are built at its end) there are no
 * purchases to show yet: the answer is empty, never a scan of every order line.
 */
import type { ReadableDb } from '../db/open';
import { AppError } from '../../../src-shared/result';
import {
  PURCHASES_PAGE_DEFAULT,
  PURCHASES_PAGE_MAX,
  type CustomerPurchasesInput,
  type PurchaseOrder,
  type PurchasePeriod,
} from '../../../src-shared/contracts/customer360';
import { createCustomerExistsQuery } from './profile-repository';
import { createPurchasesRepository, type LineRow, type OrderRow, type PurchaseFilter } from './purchases-repository';
import { foldText } from './purchases-text';
import { categoryMatches, categoryWords } from '../../../src-shared/domain/category';
import { decodeCursor, encodeCursor } from './timeline-cursor';
import { isoTime } from '../../../src-shared/domain/time';

const ORDER_KIND = ['order'] as const;

/** Midnight at the start of a YYYY-MM-DD day, local time; `addDays` moves by calendar days. */
function localDay(date: string, addDays = 0): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + addDays).getTime();
}

/** [from, to) of a period, in ms. */
export function periodBounds(period: PurchasePeriod, now: number): { from: number; to?: number } {
  switch (period.kind) {
    case 'last_12_months': {
      const from = new Date(now);
      from.setFullYear(from.getFullYear() - 1);
      return { from: from.getTime() };
    }
    case 'year':
      return { from: new Date(period.year, 0, 1).getTime(), to: new Date(period.year + 1, 0, 1).getTime() };
    case 'range':
      return { from: localDay(period.from), to: localDay(period.to, 1) };
  }
}

export class PurchaseHistory {
  private readonly purchases;
  private readonly customerExists;

  constructor(db: ReadableDb) {
    this.purchases = createPurchasesRepository(db);
    this.customerExists = createCustomerExistsQuery(db);
  }

  search(input: CustomerPurchasesInput, now: number): {
    orders: PurchaseOrder[];
    nextCursor: string | null;
    totals: { orderCount: number; countedOrderCount: number; byCurrency: { currency: string; orderCount: number; countedOrderCount: number; totalCents: number }[] } | null;
  } {
    if (!this.customerExists(input.customerId)) throw new AppError('not_found', 'This customer is not in the local cache.', 'customerId');
    const filter: PurchaseFilter = { customerId: input.customerId };
    if (input.period) Object.assign(filter, periodBounds(input.period, now));
    if (input.productId) filter.productId = input.productId;
    if (input.sku) filter.sku = input.sku.toUpperCase();
    if (input.category && categoryWords(input.category) !== '') filter.category = categoryWords(input.category);
    if (input.text) filter.text = { upper: input.text.toUpperCase(), folded: foldText(input.text) };

    const limit = Math.min(input.limit ?? PURCHASES_PAGE_DEFAULT, PURCHASES_PAGE_MAX);
    const cursor = input.cursor === undefined ? null : decodeCursor(input.cursor, ORDER_KIND);
    return this.purchases.consistently(() => {
      // Nothing to show yet: every statement below needs an index the copy builds at its end.
      if (this.purchases.orderHistoryArriving()) {
        return { orders: [], nextCursor: null, totals: cursor === null ? { orderCount: 0, countedOrderCount: 0, byCurrency: [] } : null };
      }
      const rows = this.purchases.page(filter, cursor, limit + 1);
      const shown = rows.slice(0, limit);
      const last = shown[shown.length - 1];
      // Totals cost a pass over every matching order: once per search, on its first page.
      const byCurrency = cursor === null ? this.purchases.totals(filter) : null;
      return {
        orders: this.withLines(shown, this.purchases.linesOf(shown.map((o) => o.id)), filter),
        nextCursor: rows.length > limit && last ? encodeCursor({ at: last.placedAt, kind: 'order', id: last.id }) : null,
        totals: byCurrency && {
          orderCount: byCurrency.reduce((n, t) => n + t.orderCount, 0),
          countedOrderCount: byCurrency.reduce((n, t) => n + t.countedOrderCount, 0),
          byCurrency,
        },
      };
    });
  }

  /** One order with its lines; while order history is arriving, the order (found by its key) without lines. */
  order(orderId: string): PurchaseOrder {
    return this.purchases.consistently(() => {
      const row = this.purchases.order(orderId);
      if (!row) throw new AppError('not_found', 'This order is not in the local cache.', 'orderId');
      // Its lines are found by order_lines_order_idx, which a first copy builds at its end.
      const lines = this.purchases.orderHistoryArriving() ? [] : this.purchases.linesOf([row.id]);
      const [order] = this.withLines([row], lines, { customerId: row.customerId });
      if (!order) throw new Error(`order ${orderId} lost its row while reading its lines`);
      return order;
    });
  }

  private withLines(orders: OrderRow[], lines: LineRow[], filter: PurchaseFilter): PurchaseOrder[] {
    const byOrder = new Map<string, LineRow[]>();
    for (const line of lines) {
      const list = byOrder.get(line.orderId) ?? [];
      list.push(line);
      byOrder.set(line.orderId, list);
    }
    const lineFilter = filter.productId !== undefined || filter.sku !== undefined || filter.category !== undefined || filter.text !== undefined;
    const matches = (l: LineRow) =>
      lineFilter &&
      (filter.productId === undefined || l.productId === filter.productId) &&
      (filter.sku === undefined || l.productSku === filter.sku) &&
      (filter.category === undefined || (l.category !== null && categoryMatches(l.category, filter.category))) &&
      (filter.text === undefined || l.sku.toUpperCase().includes(filter.text.upper) || foldText(l.name).includes(filter.text.folded));
    return orders.map((o) => ({
      ...o,
      placedAt: isoTime(o.placedAt),
      lines: (byOrder.get(o.id) ?? []).map((l) => {
        const { orderId: _orderId, productSku: _productSku, ...line } = l;
        return { ...line, matchesFilter: matches(l) };
      }),
    }));
  }
}
