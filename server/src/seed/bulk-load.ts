/**
 * Bulk-loads the server-owned synced tables (products, customers and their contacts, orders and
 * lines) into the central store, from any source of rows: the demo data (demo.ts) from the seed
 * generator, the pull benchmark from a seeded cache file (bench/cache-into-store.ts). The store
 * knows nothing of where the rows come from, so its import graph holds neither SQLite nor faker.
 *
 * Rows go over in batches, each one `INSERT … SELECT * FROM unnest($1::uuid[], $2::text[], …)`
 * in its own transaction: one round trip and one parse per batch, whatever its size, and a failure
 * leaves whole batches. Tables load in SYNC_TABLES order, so every reference is already there.
 */
import { sql, type SQL } from 'drizzle-orm';
import { SYNC_TABLES, type SyncColumn, type SyncTableName } from '../../../src-shared/sync/tables';
import type { Store } from '../db/connect';
import { storeTable } from '../sync/store-tables';

export interface BulkLoadOptions {
  /** Rows per INSERT and per transaction. */
  batchRows?: number;
  /**
   * Load with `SET LOCAL session_replication_role = replica`: the change-log triggers (and the
   * foreign-key checks, which are triggers too) do not run, which makes a large load several times
   * faster. Only for a store no workstation holds a log cursor on: such rows are delivered by the
   * snapshot phase of pull only; the dashboard's rollup triggers do not run either, so the rollup is
   * emptied of its days at the end (rebuilt by the store's refresher). Needs a superuser (PostgreSQL refuses the setting otherwise).
   */
  skipChangeLog?: boolean;
  /**
   * Batches in flight at once, each on its own connection (PostgreSQL: 2, so the next batch is
   * built while one is inserted; PGlite has one connection: 1).
   */
  parallel?: number;
  /**
   * The tables to fill, loaded in SYNC_TABLES order whatever the order given here (so every
   * reference is already there); default LOADED_TABLES. The call-centre history (history.ts)
   * loads CSR-written tables with it.
   */
  tables?: readonly SyncTableName[];
  /** Called after each batch with the rows copied so far. */
  onProgress?: (progress: BulkLoadProgress) => void;
}

export interface BulkLoadProgress {
  table: SyncTableName;
  tableRows: number;
  rows: number;
  ms: number;
}

export interface BulkLoadSummary {
  /** Rows copied per table. */
  tables: Partial<Record<SyncTableName, number>>;
  rows: number;
  ms: number;
}

export const DEFAULT_LOAD_BATCH = 20_000;

/**
 * The tables a bulk load fills: those the retailer's systems own (CSR-written rows arrive by push),
 * except those the store's triggers derive from other tables (team_roster).
 */
export const LOADED_TABLES: readonly SyncTableName[] = SYNC_TABLES.filter((t) => t.origin === 'server' && !t.derived).map((t) => t.name);

/** A column's value as the store takes it: booleans as booleans, integers as numbers or bigints. */
export type StoreValue = string | number | bigint | boolean | null;

/**
 * The rows of one table, each an array of its synced columns' values in `columns` order. Called
 * once per table, in load order; the rows are read as they are sent.
 */
export type RowSource = (table: SyncTableName, columns: readonly SyncColumn[]) => Iterable<readonly StoreValue[]>;

export async function loadRowsIntoStore(store: Store, rowsOf: RowSource, options: BulkLoadOptions = {}): Promise<BulkLoadSummary> {
  const batchRows = options.batchRows ?? DEFAULT_LOAD_BATCH;
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new RangeError(`batchRows must be a positive whole number, not ${batchRows}.`);
  const parallel = options.parallel ?? (store.kind === 'postgres' ? 2 : 1);
  if (!Number.isInteger(parallel) || parallel < 1) throw new RangeError(`parallel must be a positive whole number, not ${parallel}.`);
  const started = performance.now();
  const summary: BulkLoadSummary = { tables: {}, rows: 0, ms: 0 };

  const wanted = options.tables ?? LOADED_TABLES;
  for (const name of SYNC_TABLES.map((t) => t.name).filter((n) => wanted.includes(n))) {
    const { sync, sqlTypes } = storeTable(name);
    const columns = sync.columns;
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

    for (const row of rowsOf(name, columns)) {
      if (row.length !== columns.length) throw new Error(`A ${name} row has ${row.length} values for ${columns.length} columns.`);
      for (let i = 0; i < row.length; i++) batch[i]!.push(row[i] ?? null);
      if (++inBatch === batchRows) await flush();
    }
    await flush();
    while (inFlight.length > 0) await inFlight.shift();
    summary.tables[name] = tableRows;
  }
  // Without triggers nothing marked the days these rows change in the dashboard's rollup
  // (server/src/reports/rollup.ts): it holds no day any more, every figure comes from the rows until rebuilt.
  if (options.skipChangeLog) {
    await store.db.execute(sql`DELETE FROM report_rollup_days`);
    // Nor did the trigger that opens low satisfaction scores' follow-ups (issue 22): those of the last
    // 14 days are opened here, as the migration that added them did; older history opens none.
    await store.db.execute(
      sql`INSERT INTO satisfaction_follow_ups (call_id, opened_at)
          SELECT id, completed_at FROM calls
          WHERE satisfaction <= 2 AND completed_at IS NOT NULL AND completed_at >= (extract(epoch from clock_timestamp()) * 1000)::bigint - 14 * 86400000
          ON CONFLICT (call_id) DO NOTHING`,
    );
  }
  summary.ms = performance.now() - started;
  return summary;
}
