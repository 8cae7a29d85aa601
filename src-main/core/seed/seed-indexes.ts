/**
 * The seed's bulk-load index deferral, apart from the generator so that the writer can repair an
 * interrupted seed at start without loading the generator (and faker's locale data, ~35 MB per
 * thread) on workstations that never seed.
 */
import type Database from 'better-sqlite3';
import type { WritableDb } from '../db/open';

const DEFERRED_INDEX_TABLES = ['customer_phones', 'customer_emails', 'customer_addresses', 'orders', 'order_lines'];
export const SEED_DEFERRED_INDEXES_KEY = 'seed_deferred_indexes';

/**
 * Drops the secondary indexes of the child tables for a bulk load; `restoreDeferredIndexes`
 * builds them again from the migrations' own SQL, remembered in cache_meta first, so a load that
 * dies half-way can still be repaired. Building an index once by sorting beats ten million
 * inserts at random places in it (measured at 100k customers: ~20 % less CPU overall, more at 1M).
 * Primary keys and customers_id_uq stay: foreign-key checks during the load use them.
 */
export function deferIndexes(client: Database.Database): void {
  const placeholders = DEFERRED_INDEX_TABLES.map(() => '?').join(', ');
  const indexes = client
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${placeholders}) ORDER BY name`)
    .all(...DEFERRED_INDEX_TABLES) as { name: string; sql: string }[];
  client.transaction(() => {
    client
      .prepare(`INSERT INTO cache_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
      .run(SEED_DEFERRED_INDEXES_KEY, JSON.stringify(indexes));
    for (const index of indexes) client.exec(`DROP INDEX "${index.name.replace(/"/g, '""')}"`);
  })();
}

/**
 * Rebuilds indexes a bulk load deferred (see `deferIndexes`), including after an interrupted seed.
 * Returns how many it built; does nothing when none are pending.
 */
export function restoreDeferredIndexes(db: WritableDb): number {
  return restoreSeedIndexes(db.$client);
}

/** `restoreDeferredIndexes` on a bare connection (openCache runs it before a pending migration). */
export function restoreSeedIndexes(client: Database.Database): number {
  const pending = client.prepare(`SELECT value FROM cache_meta WHERE key = ?`).pluck().get(SEED_DEFERRED_INDEXES_KEY) as string | undefined;
  if (pending === undefined) return 0;
  const indexes = JSON.parse(pending) as { name: string; sql: string }[];
  // Index builds sort every row; with temp_store=MEMORY (the connection default) the sorter would
  // hold gigabytes at a million customers. On disk it stays within the page cache's budget.
  const tempStore = client.pragma('temp_store', { simple: true }) as number;
  client.pragma('temp_store = FILE');
  try {
    client.transaction(() => {
      for (const index of indexes) client.exec(index.sql.replace(/^CREATE (UNIQUE )?INDEX /i, (_m, unique: string | undefined) => `CREATE ${unique ?? ''}INDEX IF NOT EXISTS `));
      client.prepare(`DELETE FROM cache_meta WHERE key = ?`).run(SEED_DEFERRED_INDEXES_KEY);
    })();
  } finally {
    client.pragma(`temp_store = ${tempStore}`);
  }
  return indexes.length;
}

