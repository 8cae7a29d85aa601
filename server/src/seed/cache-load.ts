/**
 * Copies the server-owned synced tables (products, customers and their contacts, orders and
 * lines) from a workstation cache file — SQLite, as made by the seed generator — into the central
 * store. The demo data (demo.ts) and the pull benchmark both load this way, so the store holds the
 * very rows the generator makes for the app.
 *
 * Rows go over in batches, each one `INSERT … SELECT * FROM unnest($1::uuid[], $2::text[], …)`
 * in its own transaction: one round trip and one parse per batch, whatever its size, and a failure
 * leaves whole batches. Tables load in SYNC_TABLES order, so every reference is already there.
 */
import Database from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import { SYNC_TABLES, type SyncTableName } from '../../../src-shared/sync/tables';
import type { Store } from '../db/connect';
import { storeTable } from '../sync/store-tables';

export interface CacheLoadOptions {
  /** Rows per INSERT and per transaction. */
  batchRows?: number;
  /**
   * Load with `SET LOCAL session_replication_role = replica`: the change-log triggers (and the
   * foreign-key checks, which are triggers too) do not run, which makes a large load several times
   * faster. Only for a store no workstation holds a log cursor on: such rows are delivered by the
   * snapshot phase of pull only. Needs a superuser (PostgreSQL refuses the setting otherwise).
   */
  skipChangeLog?: boolean;
  /**
   * Batches in flight at once, each on its own connection (PostgreSQL: 2, so the next batch is
   * built while one is inserted; PGlite has one connection: 1).
   */
  parallel?: number;
  /** Called after each batch with the rows copied so far. */
  onProgress?: (progress: CacheLoadProgress) => void;
}

export interface CacheLoadProgress {
  table: SyncTableName;
  tableRows: number;
  rows: number;
  ms: number;
}

export interface CacheLoadSummary {
  /** Rows copied per table. */
  tables: Partial<Record<SyncTableName, number>>;
  rows: number;
  ms: number;
}

export const DEFAULT_LOAD_BATCH = 20_000;

/** The tables a cache load copies: those the retailer's systems own (CSR-written rows arrive by push). */
export const LOADED_TABLES: readonly SyncTableName[] = SYNC_TABLES.filter((t) => t.origin === 'server').map((t) => t.name);

type CacheValue = string | number | bigint | null;
type StoreValue = CacheValue | boolean;

export async function loadCacheIntoStore(store: Store, cache: Database.Database, options: CacheLoadOptions = {}): Promise<CacheLoadSummary> {
  const batchRows = options.batchRows ?? DEFAULT_LOAD_BATCH;
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new RangeError(`batchRows must be a positive whole number, not ${batchRows}.`);
  const parallel = options.parallel ?? (store.kind === 'postgres' ? 2 : 1);
  if (!Number.isInteger(parallel) || parallel < 1) throw new RangeError(`parallel must be a positive whole number, not ${parallel}.`);
  const started = performance.now();
  const summary: CacheLoadSummary = { tables: {}, rows: 0, ms: 0 };

  for (const name of LOADED_TABLES) {
    const { sync, sqlTypes } = storeTable(name);
    const columns = sync.columns;
    const select = cache.prepare(`SELECT ${columns.map((c) => `"${c.name}"`).join(', ')} FROM "${name}"`).raw(true);
    const isBool = columns.map((c) => c.kind === 'bool');
    const insertHead = sql.raw(`INSERT INTO "${name}" (${columns.map((c) => `"${c.name}"`).join(', ')}) SELECT * FROM unnest(`);

    let batch: StoreValue[][] = columns.map(() => []);
    let inBatch = 0;
    let tableRows = 0;
    // Batches of one table are independent (their parents are in earlier, finished tables), so
    // a few may be in flight; the oldest is awaited first, and its failure stops the load.
    const inFlight: Promise<void>[] = [];
    const send = async (arrays: StoreValue[][], count: number) => {
      const parts: SQL[] = arrays.map((values, i) => sql`${sql.param(values)}${sql.raw(`::${sqlTypes[i]}[]`)}`);
      const insert = sql`${insertHead}${sql.join(parts, sql`, `)})`;
      await store.db.transaction(async (tx) => {
        if (options.skipChangeLog) await tx.execute(sql`SET LOCAL session_replication_role = replica`);
        await tx.execute(insert);
      });
      tableRows += count;
      summary.rows += count;
      options.onProgress?.({ table: name, tableRows, rows: summary.rows, ms: performance.now() - started });
    };
    const flush = async () => {
      if (inBatch === 0) return;
      const sending = send(batch, inBatch);
      // Awaited below (or abandoned after an earlier failure): never an unhandled rejection.
      sending.catch(() => undefined);
      inFlight.push(sending);
      batch = columns.map(() => []);
      inBatch = 0;
      if (inFlight.length >= parallel) await inFlight.shift();
    };

    for (const row of select.iterate() as IterableIterator<CacheValue[]>) {
      for (let i = 0; i < row.length; i++) {
        const value = row[i] ?? null;
        // SQLite keeps booleans as 0/1; the store's columns are boolean.
        batch[i]!.push(isBool[i] && value !== null ? value !== 0 : value);
      }
      if (++inBatch === batchRows) await flush();
    }
    await flush();
    while (inFlight.length > 0) await inFlight.shift();
    summary.tables[name] = tableRows;
  }
  summary.ms = performance.now() - started;
  return summary;
}

/** loadCacheIntoStore from a cache file, opened read-only (e.g. one made by `npm run seed`). */
export async function loadCacheFileIntoStore(store: Store, file: string, options: CacheLoadOptions = {}): Promise<CacheLoadSummary> {
  const cache = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return await loadCacheIntoStore(store, cache, options);
  } finally {
    cache.close();
  }
}
