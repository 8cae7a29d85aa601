/**
 * Demo data for a new central store: the customers, products and orders the app's own first start
 * makes (the seed generator with DEMO_SEED and DEMO_CUSTOMERS), generated into an in-memory SQLite
 * cache and copied into the store. Same generator, same seed: on the same day (the generator's
 * "now") the store holds the very rows, ids included, that a workstation's own demo start makes.
 *
 * The rows are loaded with the change-log triggers on: a workstation that already synced this
 * (empty) store holds a log cursor, and only the log would bring it the new rows.
 */
import { sql } from 'drizzle-orm';
// The server's one use of the app's core: the generator is plain Node (SQLite, no Electron), and a
// second copy of it would drift. eslint.config.js keeps server/** away from src-main otherwise.
import { openCache } from '../../../src-main/core/db/open';
import { DEMO_CUSTOMERS, DEMO_SEED, seedCache } from '../../../src-main/core/seed/generator';
import type { Store } from '../db/connect';
import { loadCacheIntoStore, type CacheLoadSummary } from './cache-load';

export interface DemoOptions {
  customers?: number;
  seed?: number;
  /** "Today" for the generator (ms); defaults to today 00:00 UTC, as on a workstation's first start. */
  now?: number;
}

export interface DemoSummary {
  customers: number;
  products: number;
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
  const cache = openCache(':memory:');
  let loaded: CacheLoadSummary;
  try {
    seedCache(cache, {
      customers: options.customers ?? DEMO_CUSTOMERS,
      seed: options.seed ?? DEMO_SEED,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    loaded = await loadCacheIntoStore(store, cache.$client);
  } finally {
    cache.$client.close();
  }
  return {
    customers: loaded.tables.customers ?? 0,
    products: loaded.tables.products ?? 0,
    orders: loaded.tables.orders ?? 0,
    lines: loaded.tables.order_lines ?? 0,
    rows: loaded.rows,
    ms: performance.now() - started,
  };
}
