/**
 * The segments' trigger SQL (issue 22): the store migration 0026 holds exactly the SQL rendered by
 * server/src/segments/bought-triggers.ts, whose spending statuses come from the shared list; and
 * every list of spending statuses written out in the customer_order_stats triggers of 0017 is that
 * same list (SPENDING_ORDER_STATUSES of src-shared/domain/order-value.ts).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_FOLDER } from '../../server/src/db/connect';
import { boughtTriggersSql, SPENDING_SQL_LIST } from '../../server/src/segments/bought-triggers';
import { ORDER_STATUSES } from '../../src-shared/domain/customer';
import { SPENDING_ORDER_STATUSES } from '../../src-shared/domain/order-value';

const migration = (name: string) => readFileSync(join(MIGRATIONS_FOLDER, name), 'utf8');

/** Every `status IN (…)` list written in the SQL, as lists of statuses. */
function statusLists(text: string): string[][] {
  return [...text.matchAll(/status\s+IN\s*\(([^)]*)\)/gi)].map((m) => m[1]!.split(',').map((s) => s.trim().replace(/^'|'$/g, '')));
}

describe('the segments’ trigger SQL', () => {
  it('is in the store migration as rendered (customer_category_days)', () => {
    expect(migration('0026_segment_bought.sql')).toContain(boughtTriggersSql());
  });

  it('writes out the shared list of spending statuses, in 0026 and in 0017 (customer_order_stats)', () => {
    expect(SPENDING_SQL_LIST).toBe(SPENDING_ORDER_STATUSES.map((s) => `'${s}'`).join(', '));
    for (const name of ['0017_segments.sql', '0026_segment_bought.sql']) {
      const lists = statusLists(migration(name));
      expect(lists.length, name).toBeGreaterThan(0);
      for (const l of lists) expect([...l].sort(), name).toEqual([...SPENDING_ORDER_STATUSES].sort());
    }
  });

  it('names statuses that exist', () => {
    for (const s of SPENDING_ORDER_STATUSES) expect(ORDER_STATUSES).toContain(s);
  });
});
