/**
 * Secondary indexes the first copy of order history builds after its rows, not while they arrive.
 *
 * The store sends a snapshot in primary-key order, so the rows themselves and their unique keys go
 * in at the end of their B-trees. The order tables' other indexes (by customer, by order, by
 * product) get their keys in random order instead: millions of random inserts, each page they touch
 * read, dirtied and written back at every commit. Building such an index once over the finished
 * table is a sort: at 200,000 customers (3.8 M rows) the copy went from 55k to 111k rows/s with
 * these four deferred, the build included (BENCHMARKS.md).
 *
 * Only into EMPTY tables (the first copy, or a cache that starts over from nothing): a cache with
 * rows keeps its indexes, since pulls into it are small. Crash-safe: the CREATE statements are kept
 * in cache_meta in the same transaction as the DROPs, so a copy interrupted by a crash or a quit
 * still builds them, at the end of the resumed copy, at the next start when no copy is running,
 * and always before a migration runs (openCache), so migrations see the schema they expect.
 *
 * While an index is missing, reads that need it must not scan millions of rows: services ask
 * `orderHistoryArriving` and show that the history is still arriving instead.
 */
import type Database from 'better-sqlite3';

/** cache_meta key: JSON object { indexName: "CREATE INDEX …" } of the indexes dropped for a copy. */
export const DEFERRED_INDEXES_KEY = 'sync_deferred_indexes';

/** The indexes a first copy may build after its rows, by table (all non-unique). */
export const DEFERRABLE_INDEXES: Readonly<Record<string, readonly string[]>> = {
  orders: ['orders_customer_placed_idx'],
  order_lines: ['order_lines_order_idx', 'order_lines_product_placed_idx', 'order_lines_customer_idx'],
};

/** The tables whose deferred indexes order history needs (see `orderHistoryArriving`). */
export const ORDER_HISTORY_TABLES = Object.keys(DEFERRABLE_INDEXES);

type Pending = Record<string, string>;

function readPending(client: Database.Database): Pending {
  const raw = client.prepare(`SELECT value FROM cache_meta WHERE key = ?`).pluck().get(DEFERRED_INDEXES_KEY) as string | undefined;
  if (raw === undefined) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const out: Pending = {};
    for (const [name, sql] of Object.entries(parsed)) {
      // Only what this module wrote: CREATE INDEX statements of the deferrable indexes.
      if (typeof sql === 'string' && isDeferrable(name) && /^CREATE INDEX /i.test(sql)) out[name] = sql;
    }
    return out;
  } catch {
    return {};
  }
}

function writePending(client: Database.Database, pending: Pending): void {
  if (Object.keys(pending).length === 0) client.prepare(`DELETE FROM cache_meta WHERE key = ?`).run(DEFERRED_INDEXES_KEY);
  else
    client
      .prepare(`INSERT INTO cache_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
      .run(DEFERRED_INDEXES_KEY, JSON.stringify(pending));
}

function isDeferrable(name: string): boolean {
  return Object.values(DEFERRABLE_INDEXES).some((names) => names.includes(name));
}

/** Names of the indexes dropped for a copy and not built yet. */
export function deferredIndexNames(client: Database.Database): string[] {
  return Object.keys(readPending(client));
}

/**
 * True while any order-history index is missing (a first copy is filling orders / order_lines):
 * customer order lists, purchases, SKU search and purchase-based suggestions would scan the whole
 * table, so they answer "still arriving" instead. One point read of cache_meta.
 */
export function orderHistoryArriving(client: Database.Database): boolean {
  let statement = arrivingStatements.get(client);
  if (!statement) {
    statement = client.prepare(`SELECT EXISTS (SELECT 1 FROM cache_meta WHERE key = ?)`).pluck();
    arrivingStatements.set(client, statement);
  }
  return statement.get(DEFERRED_INDEXES_KEY) === 1;
}

/** Prepared once per connection: lookups and the customer card ask on every call. */
const arrivingStatements = new WeakMap<Database.Database, Database.Statement>();

/**
 * Drops the deferrable indexes of those `tables` that are empty, remembering how to build them, in
 * one transaction. Returns the names dropped. Call with no transaction open.
 */
export function deferIndexes(client: Database.Database, tables: readonly string[]): string[] {
  const dropped: string[] = [];
  client.transaction(() => {
    const pending = readPending(client);
    for (const table of tables) {
      const names = DEFERRABLE_INDEXES[table];
      if (!names) continue;
      const empty = client.prepare(`SELECT NOT EXISTS (SELECT 1 FROM "${table}")`).pluck().get() === 1;
      if (!empty) continue;
      for (const name of names) {
        const sql = client.prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`).pluck().get(name) as string | undefined;
        if (sql === undefined) continue; // already dropped (and remembered) by an earlier copy
        pending[name] = sql;
        client.exec(`DROP INDEX "${name}"`);
        dropped.push(name);
      }
    }
    writePending(client, pending);
  }).immediate();
  return dropped;
}

/**
 * Builds every deferred index, each in its own transaction (a CSR's save waits for one index at a
 * time, not for all of them). Returns the names built. Call with no transaction open.
 */
export function buildDeferredIndexes(client: Database.Database, onBuilt?: (name: string, ms: number) => void): string[] {
  const built: string[] = [];
  const names = Object.keys(readPending(client));
  if (names.length === 0) return built;
  // CREATE INDEX sorts in memory up to cache_size before it merges runs from temp files: keep that,
  // and the page cache the build fills, small (measured: the build was the copy's memory peak).
  const cacheSize = client.pragma('cache_size', { simple: true }) as number;
  client.pragma(`cache_size = ${BUILD_CACHE_SIZE}`);
  try {
    for (const name of names) buildOne(client, name, built, onBuilt);
  } finally {
    client.pragma(`cache_size = ${cacheSize}`);
  }
  return built;
}

/** The page cache (and sort memory) while building, in SQLite's units (negative: KiB). */
const BUILD_CACHE_SIZE = -16_384;

function buildOne(client: Database.Database, name: string, built: string[], onBuilt?: (name: string, ms: number) => void): void {
  const started = performance.now();
  client
    .transaction(() => {
      const pending = readPending(client);
      const sql = pending[name];
      if (sql === undefined) return;
      client.exec(sql.replace(/^CREATE INDEX /i, 'CREATE INDEX IF NOT EXISTS '));
      delete pending[name];
      writePending(client, pending);
    })
    .immediate();
  built.push(name);
  onBuilt?.(name, performance.now() - started);
}
