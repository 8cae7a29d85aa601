/**
 * Secondary indexes the first copy builds after their tables' rows, not while the rows arrive.
 *
 * The store sends a snapshot in primary-key order, so the rows themselves and their unique keys go
 * in at the end of their B-trees. The other indexes get their keys in random order instead: millions
 * of random inserts, each page they touch read, dirtied and written back at every commit. Building
 * such an index once over the finished table is a sort: at 200,000 customers (3.8 M rows) the copy
 * went from 55k to 111k rows/s with the order tables' four deferred, the build included
 * (BENCHMARKS.md). Two groups, each built as soon as its tables are complete:
 *
 * - `directory`: the contact tables' indexes (by phone, by email, by customer), the customer
 *   name search and the catalogue search (FTS5: their triggers are dropped and each index rebuilt
 *   from its table at the end, which costs a fraction of indexing each row as it arrives). Built when the snapshot moves
 *   past the contact tables, early in the copy. While missing, caller lookup answers "the customer
 *   directory is still arriving" (`directoryArriving`): a lookup in a half-copied directory would
 *   miss callers who are not in yet, and a CSR would create them again.
 * - `orderHistory`: orders by customer, order lines by order and by product. Built at the end of
 *   the copy. While missing, order lists, purchases and suggestions answer "still
 *   arriving" (`orderHistoryArriving`).
 *
 * Only into EMPTY tables (the first copy, or a cache that starts over from nothing): a cache with
 * rows keeps its indexes, since pulls into it are small. Crash-safe: the CREATE statements are kept
 * in cache_meta in the same transaction as the DROPs, so a copy interrupted by a crash or a quit
 * still builds them, at the resumed copy's point, at the next start when no copy is running, and
 * always before a migration runs (openCache), so migrations see the schema they expect.
 *
 * While an index is missing, reads that need it must not scan millions of rows: services ask
 * `directoryArriving` / `orderHistoryArriving` and say what is still arriving instead.
 */
import type Database from 'better-sqlite3';
import { availableParallelism } from 'node:os';

/** cache_meta key of the order-history group: JSON object { name: "CREATE …" } of what was dropped. */
export const DEFERRED_INDEXES_KEY = 'sync_deferred_indexes';
/** cache_meta key of the directory group (same shape). */
export const DEFERRED_DIRECTORY_KEY = 'sync_deferred_directory';

export type DeferredGroup = 'directory' | 'orderHistory';

/** The order tables' indexes a first copy may build after its rows, by table (all non-unique). */
export const DEFERRABLE_INDEXES: Readonly<Record<string, readonly string[]>> = {
  orders: ['orders_customer_placed_idx'],
  // order_lines_customer_idx (customer_id, product_id) was here until drizzle/0007 dropped it: a
  // copy interrupted before building it may still list it in cache_meta, where readPending
  // ignores it (and buildDeferredIndexes then clears the group).
  order_lines: ['order_lines_order_idx', 'order_lines_product_placed_idx'],
};

/** The name search's triggers (drizzle/0001): dropped together, and the FTS index rebuilt, for a copy. */
export const NAME_SEARCH_TRIGGERS = ['customers_fts_ai', 'customers_fts_au', 'customers_fts_ad'] as const;
/**
 * The catalogue search's triggers (drizzle/…_product_search, issue 21): the same for products.
 * Products come first in a snapshot, so their search is rebuilt with the directory's, after them.
 */
export const PRODUCT_SEARCH_TRIGGERS = ['products_search_ai', 'products_search_au', 'products_search_ad'] as const;

/** The FTS5 indexes a copy rebuilds from their tables, with the triggers that keep them in step. */
const TEXT_SEARCHES: readonly { tables: readonly string[]; triggers: readonly string[] }[] = [
  { tables: ['customer_name_fts'], triggers: NAME_SEARCH_TRIGGERS },
  { tables: ['product_name_search', 'product_search'], triggers: PRODUCT_SEARCH_TRIGGERS },
];

/** The customer directory's indexes and triggers a first copy may build after its rows, by table. */
export const DIRECTORY_DEFERRABLE: Readonly<Record<string, readonly string[]>> = {
  products: PRODUCT_SEARCH_TRIGGERS,
  customers: NAME_SEARCH_TRIGGERS,
  customer_phones: ['customer_phones_e164_idx', 'customer_phones_customer_idx'],
  customer_emails: ['customer_emails_email_idx', 'customer_emails_customer_idx'],
  customer_addresses: ['customer_addresses_customer_idx'],
};

const GROUPS: Record<DeferredGroup, { key: string; tables: Readonly<Record<string, readonly string[]>> }> = {
  directory: { key: DEFERRED_DIRECTORY_KEY, tables: DIRECTORY_DEFERRABLE },
  orderHistory: { key: DEFERRED_INDEXES_KEY, tables: DEFERRABLE_INDEXES },
};
const GROUP_NAMES = Object.keys(GROUPS) as DeferredGroup[];

/** Every table with something deferrable, and what (both groups). */
export const ALL_DEFERRABLE: Readonly<Record<string, readonly string[]>> = { ...DIRECTORY_DEFERRABLE, ...DEFERRABLE_INDEXES };

/** The tables whose deferred indexes order history needs (see `orderHistoryArriving`). */
export const ORDER_HISTORY_TABLES = Object.keys(DEFERRABLE_INDEXES);
/** The tables whose deferred indexes caller lookup needs (see `directoryArriving`). */
export const DIRECTORY_TABLES = Object.keys(DIRECTORY_DEFERRABLE);

type Pending = Record<string, string>;

function readPending(client: Database.Database, group: DeferredGroup): Pending {
  const { key, tables } = GROUPS[group];
  const raw = client.prepare(`SELECT value FROM cache_meta WHERE key = ?`).pluck().get(key) as string | undefined;
  if (raw === undefined) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const out: Pending = {};
    for (const [name, sql] of Object.entries(parsed)) {
      // Only what this module wrote: CREATE statements of this group's indexes and triggers.
      if (typeof sql === 'string' && Object.values(tables).some((names) => names.includes(name)) && /^CREATE (INDEX|TRIGGER) /i.test(sql)) out[name] = sql;
    }
    return out;
  } catch {
    return {};
  }
}

function writePending(client: Database.Database, group: DeferredGroup, pending: Pending): void {
  const { key } = GROUPS[group];
  if (Object.keys(pending).length === 0) client.prepare(`DELETE FROM cache_meta WHERE key = ?`).run(key);
  else client.prepare(`INSERT INTO cache_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(key, JSON.stringify(pending));
}

/** Names of the indexes and triggers dropped for a copy and not built yet (of one group, or both). */
export function deferredIndexNames(client: Database.Database, group?: DeferredGroup): string[] {
  return (group ? [group] : GROUP_NAMES).flatMap((g) => Object.keys(readPending(client, g)));
}

/** One point read of cache_meta, prepared once per connection (lookups and the card ask on every call). */
function groupPending(client: Database.Database, group: DeferredGroup): boolean {
  let statement = pendingStatements.get(client);
  if (!statement) {
    statement = client.prepare(`SELECT EXISTS (SELECT 1 FROM cache_meta WHERE key = ?)`).pluck();
    pendingStatements.set(client, statement);
  }
  return statement.get(GROUPS[group].key) === 1;
}
const pendingStatements = new WeakMap<Database.Database, Database.Statement>();

/**
 * Which groups are still arriving, in one point read (lookup and the customer card need both on
 * every call). Prepared once per connection.
 */
export function arriving(client: Database.Database): { directory: boolean; orderHistory: boolean } {
  let statement = bothStatements.get(client);
  if (!statement) {
    statement = client.prepare(`SELECT key FROM cache_meta WHERE key IN (?, ?)`).pluck();
    bothStatements.set(client, statement);
  }
  const keys = statement.all(DEFERRED_DIRECTORY_KEY, DEFERRED_INDEXES_KEY) as string[];
  return { directory: keys.includes(DEFERRED_DIRECTORY_KEY), orderHistory: keys.includes(DEFERRED_INDEXES_KEY) };
}
const bothStatements = new WeakMap<Database.Database, Database.Statement>();

/**
 * True while any order-history index is missing (a first copy is filling orders / order_lines):
 * customer order lists, purchases, SKU search and purchase-based suggestions would scan the whole
 * table, so they answer "still arriving" instead.
 */
export function orderHistoryArriving(client: Database.Database): boolean {
  return groupPending(client, 'orderHistory');
}

/**
 * True while the customer directory's indexes or name search are missing (a first copy is filling
 * customers and their phones, emails and addresses): caller lookup and anything that reads a
 * customer's contacts would scan, and would miss callers not copied yet, so they say the directory
 * is still arriving instead.
 */
export function directoryArriving(client: Database.Database): boolean {
  return groupPending(client, 'directory');
}

/**
 * Drops the deferrable indexes (and name-search triggers) of those `tables` that are empty,
 * remembering how to build them, in one transaction. Returns the names dropped. Call with no
 * transaction open.
 */
export function deferIndexes(client: Database.Database, tables: readonly string[]): string[] {
  const dropped: string[] = [];
  client.transaction(() => {
    for (const group of GROUP_NAMES) {
      const pending = readPending(client, group);
      for (const table of tables) {
        const names = GROUPS[group].tables[table];
        if (!names) continue;
        const empty = client.prepare(`SELECT NOT EXISTS (SELECT 1 FROM "${table}")`).pluck().get() === 1;
        if (!empty) continue;
        for (const name of names) {
          const found = client.prepare(`SELECT type, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND name = ?`).get(name) as { type: string; sql: string | null } | undefined;
          if (found?.sql == null) continue; // already dropped (and remembered) by an earlier copy
          pending[name] = found.sql;
          client.exec(`DROP ${found.type === 'trigger' ? 'TRIGGER' : 'INDEX'} "${name}"`);
          dropped.push(name);
        }
      }
      writePending(client, group, pending);
    }
  }).immediate();
  return dropped;
}

/**
 * Builds what a copy deferred (of one group, or both), each index in its own transaction (a CSR's
 * save waits for one index at a time, not for all of them); the name search's triggers come back
 * in one transaction with the rebuild of its index, so no name written meanwhile is missed.
 * Returns the names built. Call with no transaction open.
 */
export function buildDeferredIndexes(client: Database.Database, onBuilt?: (name: string, ms: number) => void, group?: DeferredGroup): string[] {
  const built: string[] = [];
  const asked = group ? [group] : GROUP_NAMES;
  // A group whose key lists nothing this release builds (an index a later release dropped, left
  // listed by a copy interrupted before building it): clear the key, or the group would read as
  // "still arriving" for good.
  for (const g of asked) if (Object.keys(readPending(client, g)).length === 0 && groupPending(client, g)) writePending(client, g, {});
  const groups = asked.filter((g) => Object.keys(readPending(client, g)).length > 0);
  if (groups.length === 0) return built;
  // CREATE INDEX sorts in memory up to cache_size before it merges runs from temp files: keep that,
  // and the page cache the build fills, small (measured: the build was the copy's memory peak).
  const cacheSize = client.pragma('cache_size', { simple: true }) as number;
  client.pragma(`cache_size = ${BUILD_CACHE_SIZE}`);
  // SQLite's sorter may sort runs on a helper thread: at the end of a copy the store has nothing
  // more to send, so the second core is free. Measured on 9.4 M order lines (1,000,000 customers),
  // order_lines_product_placed_idx: 11.3 s with no helper, 6.5–8.2 s with one, 6.3–7.2 s with two,
  // whose extra sort buffers cost 16 MB more peak memory (and the copy's peak is here).
  const threads = client.pragma('threads', { simple: true }) as number;
  client.pragma(`threads = ${BUILD_SORT_THREADS}`);
  try {
    for (const g of groups) {
      const names = Object.keys(readPending(client, g));
      for (const name of names) if (!isTrigger(name)) buildOne(client, g, name, built, onBuilt);
      for (const search of TEXT_SEARCHES) if (names.some((name) => search.triggers.includes(name))) rebuildTextSearch(client, search, built, onBuilt);
    }
  } finally {
    client.pragma(`cache_size = ${cacheSize}`);
    client.pragma(`threads = ${threads}`);
  }
  return built;
}

const isTrigger = (name: string) => TEXT_SEARCHES.some((search) => search.triggers.includes(name));

/**
 * The page cache (and sort memory) while building, in SQLite's units (negative: KiB). 16 MiB built
 * order_lines_product_placed_idx faster than 64 MiB (7.2 s vs 9.5 s with two sort threads).
 */
const BUILD_CACHE_SIZE = -16_384;
/** Helper threads for the sort while building (SQLite's `threads`): one per core beyond the first, at most 3. */
const BUILD_SORT_THREADS = Math.max(0, Math.min(3, availableParallelism() - 1));

function buildOne(client: Database.Database, group: DeferredGroup, name: string, built: string[], onBuilt?: (name: string, ms: number) => void): void {
  const started = performance.now();
  client
    .transaction(() => {
      const pending = readPending(client, group);
      const sql = pending[name];
      if (sql === undefined) return;
      client.exec(sql.replace(/^CREATE INDEX /i, 'CREATE INDEX IF NOT EXISTS '));
      delete pending[name];
      writePending(client, group, pending);
    })
    .immediate();
  built.push(name);
  onBuilt?.(name, performance.now() - started);
}

/** A text search (names, products): its indexes rebuilt from their table and its triggers back, in one transaction. */
function rebuildTextSearch(client: Database.Database, search: (typeof TEXT_SEARCHES)[number], built: string[], onBuilt?: (name: string, ms: number) => void): void {
  const started = performance.now();
  const restored: string[] = [];
  client
    .transaction(() => {
      const pending = readPending(client, 'directory');
      const triggers = search.triggers.filter((name) => pending[name] !== undefined);
      if (triggers.length === 0) return;
      for (const table of search.tables) client.exec(`INSERT INTO "${table}"("${table}") VALUES ('rebuild')`);
      for (const name of triggers) {
        client.exec((pending[name] as string).replace(/^CREATE TRIGGER /i, 'CREATE TRIGGER IF NOT EXISTS '));
        delete pending[name];
        restored.push(name);
      }
      writePending(client, 'directory', pending);
    })
    .immediate();
  built.push(...restored);
  if (restored.length > 0) onBuilt?.(search.tables.join(', '), performance.now() - started);
}
