import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES } from '../../src-shared/domain/customer';
import { NOT_COUNTED_ORDER_STATUSES, ORDER_VALUE_DEFINITIONS, SPENDING_ORDER_STATUSES, countsAsSpending, spendingOf } from '../../src-shared/domain/order-value';

describe('order value (issue 19, item 11)', () => {
  it('counts placed, paid, shipped and delivered orders, not cancelled or returned ones', () => {
    expect(ORDER_STATUSES.filter(countsAsSpending)).toEqual([...SPENDING_ORDER_STATUSES]);
    expect(ORDER_STATUSES.filter((s) => !countsAsSpending(s))).toEqual([...NOT_COUNTED_ORDER_STATUSES]);
    expect(
      spendingOf([
        { status: 'delivered', totalCents: 1000 },
        { status: 'placed', totalCents: 250 },
        { status: 'returned', totalCents: 5000 },
        { status: 'cancelled', totalCents: 700 },
      ]),
    ).toBe(1250);
  });

  it('states both definitions in words, naming what is left out', () => {
    for (const text of Object.values(ORDER_VALUE_DEFINITIONS)) expect(text).toMatch(/Cancelled and returned|cancelled and returned/);
    expect(ORDER_VALUE_DEFINITIONS.purchasesTotal).toContain('lifetime value');
  });
});
