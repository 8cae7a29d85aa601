/**
 * Demo data for a new central store: the customers, products and orders the app's own first start
 * makes (the shared seed generator with DEMO_SEED and DEMO_CUSTOMERS), bulk-loaded into the store.
 * Same generator, same seed: on the same day (the generator's "now") the store holds the very rows,
 * ids included, that a workstation's own demo start makes.
 *
 * The generator (and faker's locale data) is imported only here, when an empty store is seeded: a
 * store started with --no-demo, or one that already holds customers, never loads it (issue 20).
 *
 * The rows are loaded with the change-log triggers on: a workstation that already synced this
 * (empty) store holds a log cursor, and only the log would bring it the new rows.
 */
import { sql } from 'drizzle-orm';
import type { GeneratedSeed } from '../../../src-shared/seed/generator';
import type { SeedRowsByTable, SeedTableName } from '../../../src-shared/seed/rows';
import type { Store } from '../db/connect';
import { loadRowsIntoStore, type BulkLoadSummary, type RowSource, type StoreValue } from './bulk-load';

export interface DemoOptions {
  customers?: number;
  seed?: number;
  /** Catalogue size (10 to 100,000); defaults to the generator's (~1,150), as on a workstation's first start. */
  products?: number;
  /** "Today" for the generator (ms); defaults to today 00:00 UTC, as on a workstation's first start. */
  now?: number;
}

export interface DemoSummary {
  customers: number;
  products: number;
  campaigns: number;
  orders: number;
  lines: number;
  /** Every row copied into the store. */
  rows: number;
  ms: number;
}

export async function storeHasCustomers(store: Store): Promise<boolean> {
  const result = (await store.db.execute(sql`select exists (select 1 from customers) as any`)) as unknown as { rows: { any: boolean }[] };
  return result.rows[0]?.any === true;
}

/** Loads the demo data unless the store already holds customers; null when it did nothing. */
export async function loadDemoIfEmpty(store: Store, options: DemoOptions = {}): Promise<DemoSummary | null> {
  if (await storeHasCustomers(store)) return null;
  const started = performance.now();
  const { DEMO_CUSTOMERS, DEMO_SEED, generateSeed } = await import('../../../src-shared/seed/generator');
  const { DEMO_DISCOUNT_OVERRIDE } = await import('../../../src-shared/seed/campaigns');
  // The demo CSR (made by seedDemoUsers before this) gets its own discount limit, over the role's.
  const demoUser = (await store.db.execute(sql`select id from users where username = ${DEMO_DISCOUNT_OVERRIDE.username}`)) as unknown as { rows: { id: string }[] };
  const userId = demoUser.rows[0]?.id;
  const seed = generateSeed({
    customers: options.customers ?? DEMO_CUSTOMERS,
    seed: options.seed ?? DEMO_SEED,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.products === undefined ? {} : { products: options.products }),
    ...(userId === undefined ? {} : { discountOverrides: [{ userId, maxPercent: DEMO_DISCOUNT_OVERRIDE.maxPercent, maxAmountUsdCents: DEMO_DISCOUNT_OVERRIDE.maxAmountUsdCents }] }),
  });
  const loaded: BulkLoadSummary = await loadRowsIntoStore(store, seedRowSource(seed));
  return {
    customers: loaded.tables.customers ?? 0,
    products: loaded.tables.products ?? 0,
    campaigns: seed.campaigns.length,
    orders: loaded.tables.orders ?? 0,
    lines: loaded.tables.order_lines ?? 0,
    rows: loaded.rows,
    ms: performance.now() - started,
  };
}

type RowsByTable = { [T in SeedTableName]: SeedRowsByTable[T][] };

/**
 * The generated rows by table, for the bulk loader (which loads table after table). The demo is
 * small (2,000 customers, ~40,000 rows), so the generator's customers are gathered in memory
 * (a catalogue of 100,000 products adds ~0.5 million rows, also held).
 */
function seedRowSource(seed: GeneratedSeed): RowSource {
  const rows: RowsByTable = {
    products: seed.products,
    product_prices: seed.productPrices,
    product_relations: seed.productRelations,
    campaigns: seed.campaigns,
    discount_limits: seed.discountLimits,
    customers: [],
    customer_phones: [],
    customer_emails: [],
    customer_addresses: [],
    orders: [],
    order_lines: [],
  };
  for (const customer of seed.customers) {
    rows.customers.push(customer.customer);
    rows.customer_phones.push(...customer.phones);
    rows.customer_emails.push(...customer.emails);
    rows.customer_addresses.push(customer.address);
    for (const { order, lines } of customer.orders) {
      rows.orders.push(order);
      rows.order_lines.push(...lines);
    }
  }
  return (table, columns) => {
    if (!(table in rows)) throw new Error(`The seed generator makes no ${table} rows, which the demo load expects.`);
    return (rows[table as SeedTableName] as readonly object[]).map((row) => {
      const values = row as Record<string, StoreValue | undefined>;
      return columns.map((c) => {
        const value = values[c.name];
        // A synced column the generator does not fill would silently take the store's default, unlike the cache's.
        if (value === undefined) throw new Error(`The seed generator's ${table} rows have no ${c.name}, which sync carries.`);
        return value;
      });
    });
  };
}
