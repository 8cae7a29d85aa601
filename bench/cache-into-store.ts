/**
 * Copies the server-owned synced tables from a workstation cache (SQLite, as `npm run seed` makes
 * it) into a central store, through the store's bulk loader. The pull benchmark fills its store
 * this way, so the store holds the very rows the bench's cache was seeded with; a sync test uses
 * it too. It lives here, not in server/: the store itself never reads SQLite (issue 20).
 */
import Database from 'better-sqlite3';
import { loadRowsIntoStore, type BulkLoadOptions, type BulkLoadSummary, type StoreValue } from '../server/src/seed/bulk-load';
import type { Store } from '../server/src/db/connect';

type CacheValue = string | number | bigint | null;

export async function loadCacheIntoStore(store: Store, cache: Database.Database, options: BulkLoadOptions = {}): Promise<BulkLoadSummary> {
  return loadRowsIntoStore(
    store,
    function* (table, columns) {
      const select = cache.prepare(`SELECT ${columns.map((c) => `"${c.name}"`).join(', ')} FROM "${table}"`).raw(true);
      const isBool = columns.map((c) => c.kind === 'bool');
      for (const row of select.iterate() as IterableIterator<CacheValue[]>) {
        const values: StoreValue[] = row;
        // SQLite keeps booleans as 0/1; the store's columns are boolean.
        for (let i = 0; i < row.length; i++) if (isBool[i] && row[i] !== null) values[i] = row[i] !== 0;
        yield values;
      }
    },
    options,
  );
}

/** loadCacheIntoStore from a cache file, opened read-only (e.g. one made by `npm run seed`). */
export async function loadCacheFileIntoStore(store: Store, file: string, options: BulkLoadOptions = {}): Promise<BulkLoadSummary> {
  const cache = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return await loadCacheIntoStore(store, cache, options);
  } finally {
    cache.close();
  }
}
