import { describe, expect, it } from 'vitest';
import { generateSeed } from '../../src-shared/seed/generator';
import type { SeedTableName } from '../../src-shared/seed/rows';
import { SYNC_TABLES } from '../../src-shared/sync/tables';

// Both writers (the cache's SQLite seeder and the store's bulk load) put in exactly the columns the
// generator emits; a synced column it left out would take each schema's own default, which may differ.
describe('the seed generator emits rows of the synced tables', () => {
  const seed = generateSeed({ customers: 30, seed: 7, now: Date.UTC(2025, 5, 1), discountOverrides: [{ userId: 'user-1', maxPercent: 15, maxAmountUsdCents: 7500 }] });
  const rows: Partial<Record<SeedTableName, object[]>> = {
    products: seed.products,
    product_prices: seed.productPrices,
    product_relations: seed.productRelations,
    campaigns: seed.campaigns,
    discount_limits: seed.discountLimits,
  };
  const add = (table: SeedTableName, row: object) => (rows[table] ??= []).push(row);
  for (const c of seed.customers) {
    add('customers', c.customer);
    c.phones.forEach((r) => add('customer_phones', r));
    c.emails.forEach((r) => add('customer_emails', r));
    add('customer_addresses', c.address);
    for (const o of c.orders) {
      add('orders', o.order);
      o.lines.forEach((r) => add('order_lines', r));
    }
  }

  it('one seeded table per table the retailer owns (origin server, not derived by the store)', () => {
    expect(Object.keys(rows).sort()).toEqual(SYNC_TABLES.filter((t) => t.origin === 'server' && !t.derived).map((t) => t.name).sort());
  });

  it.each(SYNC_TABLES.filter((t) => t.origin === 'server' && !t.derived).map((t) => [t.name, t] as const))('%s: every row has exactly its synced columns', (name, table) => {
    const list = rows[name as SeedTableName] ?? [];
    expect(list.length).toBeGreaterThan(0);
    const columns = table.columns.map((c) => c.name).sort();
    for (const row of list) expect(Object.keys(row).sort()).toEqual(columns);
  });
});
