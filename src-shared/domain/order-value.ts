/**
 * What a customer's orders are worth, defined once (issue 19, item 11). The customer card's
 * lifetime value, the past-purchases total and the seed that fills the store all count the same
 * orders: money the customer spent and kept. Cancelled orders were never paid (or were refunded
 * before shipping) and returned ones were refunded, so neither counts; both are still listed.
 */
import type { OrderStatus } from './customer';

/** Order statuses whose total counts as the customer's spending. */
export const SPENDING_ORDER_STATUSES = ['placed', 'paid', 'shipped', 'delivered'] as const satisfies readonly OrderStatus[];
/**
 * Order statuses listed with the customer's orders but not counted in any total: refunded or never
 * paid, and phone orders the store has not confirmed yet (submitted, awaiting a supervisor's
 * approval, or needing attention) — they count once the store places them.
 */
export const NOT_COUNTED_ORDER_STATUSES = ['returned', 'cancelled', 'submitted', 'awaiting_approval', 'needs_attention'] as const satisfies readonly OrderStatus[];

// Every status is in exactly one of the two lists: this fails to compile otherwise.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const everyStatusPlaced: Same<OrderStatus, (typeof SPENDING_ORDER_STATUSES)[number] | (typeof NOT_COUNTED_ORDER_STATUSES)[number]> = true;
void everyStatusPlaced;

/** True when an order in this status counts towards lifetime value and purchase totals. */
export function countsAsSpending(status: OrderStatus): boolean {
  return (SPENDING_ORDER_STATUSES as readonly OrderStatus[]).includes(status);
}

/** The value of a set of orders: the sum of the totals of those that count as spending. */
export function spendingOf(orders: Iterable<{ status: OrderStatus; totalCents: number }>): number {
  let total = 0;
  for (const o of orders) if (countsAsSpending(o.status)) total += o.totalCents;
  return total;
}

/** The definitions as the CSR reads them (on hover or focus next to each figure). */
export const ORDER_VALUE_DEFINITIONS = {
  lifetimeValue:
    'Lifetime value: the totals of all the customer’s orders ever that are placed, paid, shipped or delivered. Cancelled and returned orders, and phone orders the store has not confirmed yet, are not counted.',
  purchasesTotal:
    'Total of the orders listed that are placed, paid, shipped or delivered; cancelled and returned orders, and phone orders not yet confirmed by the store, are listed but not counted. With the period “All time” and no other filter it equals the lifetime value.',
} as const;
