/**
 * The cache's seeder: writes the seed generator's rows (src-shared/seed/generator.ts) into a
 * workstation cache. Used by the app's first start (a small demo), by tests (fixtures) and by the
 * benchmark (`npm run seed`).
 *
 * Rows are streamed: the generator hands over one customer's rows at a time, they are written with
 * prepared statements and dropped; a transaction covers one batch of customers. Nothing grows with
 * the number of customers except SQLite's file.
 */
import type Database from 'better-sqlite3';
import type { WritableDb } from '../db/open';
import { catalogueFromRows, type CatalogueProductRow, type CatalogueRelation } from '../../../src-shared/seed/catalogue';
import { DEMO_CUSTOMERS, DEMO_SEED, generateSeed, validateGenerateOptions, type GenerateOptions } from '../../../src-shared/seed/generator';
import type { CampaignRow, SeedRowsByTable, SeedTableName } from '../../../src-shared/seed/rows';
import { deferIndexes, restoreDeferredIndexes } from './seed-indexes';

export { restoreDeferredIndexes } from './seed-indexes';

export interface SeedProgress {
  customers: number;
  target: number;
  orders: number;
  lines: number;
  ms: number;
}

export interface SeedOptions extends GenerateOptions {
  /** Customers per transaction. */
  batchSize?: number;
  /**
   * Build the child tables' secondary indexes after the load instead of during it. Only for an
   * empty cache; defaults to on from DEFER_INDEXES_FROM customers.
   */
  deferIndexes?: boolean;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedSummary {
  customers: number;
  orders: number;
  lines: number;
  products: number;
  /** product_prices rows (one per product and selling currency). */
  productPrices: number;
  productRelations: number;
  campaigns: number;
  discountLimits: number;
  phones: number;
  emails: number;
  addresses: number;
  /** Every row written (FTS index entries not counted). */
  rows: number;
  ms: number;
}

const DEFAULT_BATCH = 5000;
/** From this many customers a fresh load builds secondary indexes afterwards (see deferIndexes). */
export const DEFER_INDEXES_FROM = 20_000;
/** Page cache during a fresh bulk load (negative: KiB), 256 MiB. */
const BULK_CACHE_KIB = -262_144;

type SqliteValue = string | number | null;

/**
 * One prepared INSERT per seeded table, its columns those of the first row it gets (every row of
 * a table has the same keys). Booleans go in as 0/1, as SQLite keeps them.
 */
class RowWriter {
  private readonly inserts = new Map<SeedTableName, { columns: string[]; statement: Database.Statement<SqliteValue[]> }>();

  constructor(private readonly client: Database.Database) {}

  write<T extends SeedTableName>(table: T, row: SeedRowsByTable[T]): void {
    const values = row as unknown as Record<string, string | number | boolean | null>;
    let insert = this.inserts.get(table);
    if (!insert) {
      const columns = Object.keys(values);
      const statement = this.client.prepare<SqliteValue[]>(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      insert = { columns, statement };
      this.inserts.set(table, insert);
    }
    const args: SqliteValue[] = new Array<SqliteValue>(insert.columns.length);
    for (let i = 0; i < args.length; i++) {
      const value = values[insert.columns[i]!]!;
      args[i] = value === true ? 1 : value === false ? 0 : value;
    }
    insert.statement.run(...args);
  }
}

function count(client: Database.Database, table: string): number {
  return (client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** The products already in the cache (seeding more customers into a seeded file), or null. */
function existingCatalogue(client: Database.Database) {
  if (count(client, 'products') === 0) return null;
  const rows = client
    .prepare(`SELECT id, sku, name, brand, part_number, category, price_cents, replenish_days, tax_class, status, stock FROM products ORDER BY rowid`)
    .all() as CatalogueProductRow[];
  const relations = client
    .prepare(`SELECT product_id AS productId, related_product_id AS relatedProductId, kind FROM product_relations`)
    .all() as CatalogueRelation[];
  return catalogueFromRows(rows, relations);
}

/** The campaigns already in the cache (their codes go on the new orders), or null. */
function existingCampaigns(client: Database.Database): CampaignRow[] | null {
  if (count(client, 'campaigns') === 0) return null;
  const rows = client
    .prepare(`SELECT id, code, family, name, channel, rule, value, currency, min_order_cents, starts_at, ends_at, active FROM campaigns ORDER BY rowid`)
    .all() as (Omit<CampaignRow, 'active'> & { active: number })[];
  return rows.map((r) => ({ ...r, active: r.active === 1 }));
}

function validate(options: SeedOptions): void {
  validateGenerateOptions(options);
  const { batchSize } = options;
  if (batchSize !== undefined && (!Number.isSafeInteger(batchSize) || batchSize < 1)) throw new RangeError(`batchSize must be ≥ 1, not ${batchSize}`);
}

/**
 * Seeds `options.customers` more customers (with phones, emails, an address and orders) into the
 * cache, plus the product catalogue if the cache has none. With an empty cache the result depends
 * only on `seed`, `ordersPerCustomer` and `now`.
 */
export function seedCache(db: WritableDb, options: SeedOptions): SeedSummary {
  validate(options);
  const started = performance.now();
  const client = db.$client;
  restoreDeferredIndexes(db);
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const target = options.customers;

  const existingCustomers = count(client, 'customers');
  const fresh = existingCustomers === 0;
  const lastOrder = client.prepare(`SELECT max(number) AS n FROM orders WHERE number GLOB 'SB[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'`).get() as { n: string | null };
  const seed = generateSeed(options, {
    customers: existingCustomers,
    lastOrderNumber: lastOrder.n ? Number(lastOrder.n.slice(2)) : 0,
    phones: count(client, 'customer_phones'),
    catalogue: existingCatalogue(client),
    campaigns: existingCampaigns(client),
  });
  const writer = new RowWriter(client);
  client.transaction(() => {
    for (const row of seed.products) writer.write('products', row);
    for (const row of seed.productPrices) writer.write('product_prices', row);
    for (const row of seed.productRelations) writer.write('product_relations', row);
    for (const row of seed.campaigns) writer.write('campaigns', row);
    for (const row of seed.discountLimits) writer.write('discount_limits', row);
  })();
  const totals = { customers: 0, orders: 0, lines: 0, phones: 0, emails: 0, addresses: 0 };

  const writeCustomer = (): void => {
    const next = seed.customers.next();
    if (next.done) throw new Error('The seed generator ran out of customers early.');
    const rows = next.value;
    writer.write('customers', rows.customer);
    for (const row of rows.phones) writer.write('customer_phones', row);
    for (const row of rows.emails) writer.write('customer_emails', row);
    writer.write('customer_addresses', rows.address);
    for (const { order, lines } of rows.orders) {
      writer.write('orders', order);
      for (const line of lines) writer.write('order_lines', line);
      totals.lines += lines.length;
    }
    totals.customers++;
    totals.phones += rows.phones.length;
    totals.emails += rows.emails.length;
    totals.addresses++;
    totals.orders += rows.orders.length;
  };

  // A fresh file holds nothing worth protecting yet: skip fsyncs during the bulk load, and give
  // the page cache room for the indexes that take inserts all over (e164, email, FTS).
  const cacheSize = client.pragma('cache_size', { simple: true }) as number;
  if (fresh) {
    client.pragma('synchronous = OFF');
    client.pragma(`cache_size = ${BULK_CACHE_KIB}`);
  }
  try {
    if (fresh && (options.deferIndexes ?? target >= DEFER_INDEXES_FROM)) deferIndexes(client);
    const writeBatch = client.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) writeCustomer();
    });
    for (let from = 0; from < target; from += batchSize) {
      writeBatch(from, Math.min(target, from + batchSize));
      options.onProgress?.({ customers: totals.customers, target, orders: totals.orders, lines: totals.lines, ms: performance.now() - started });
    }
    client
      .prepare(`INSERT INTO cache_meta (key, value) VALUES ('seed', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
      .run(JSON.stringify({ seed: options.seed, customers: existingCustomers + totals.customers, ordersPerCustomer: seed.ordersPerCustomer, now: seed.now }));
  } finally {
    // Also after a failure: the cache must never be left without its indexes.
    restoreDeferredIndexes(db);
    if (fresh) {
      client.pragma('synchronous = FULL');
      client.pragma(`cache_size = ${cacheSize}`);
    }
  }
  // Planner statistics for the new data; analysis_limit keeps it to a sample (seconds, not minutes).
  client.pragma('analysis_limit = 1000');
  client.exec('ANALYZE');

  const catalogueRows = {
    products: seed.products.length,
    productPrices: seed.productPrices.length,
    productRelations: seed.productRelations.length,
    campaigns: seed.campaigns.length,
    discountLimits: seed.discountLimits.length,
  };
  let rows = totals.customers + totals.orders + totals.lines + totals.phones + totals.emails + totals.addresses;
  for (const n of Object.values(catalogueRows)) rows += n;
  return { ...totals, ...catalogueRows, rows, ms: performance.now() - started };
}

/**
 * First start: a small demo cache (DEMO_CUSTOMERS customers, fixed seed) so the app has someone to
 * find. Does nothing when the cache already holds customers (from sync or an earlier start).
 */
export function seedDemoIfEmpty(db: WritableDb, options: { now?: number; products?: number } = {}): SeedSummary | null {
  if (count(db.$client, 'customers') > 0) return null;
  return seedCache(db, {
    customers: DEMO_CUSTOMERS,
    seed: DEMO_SEED,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.products === undefined ? {} : { products: options.products }),
  });
}
