/**
 * The yardstick for the initial sync: the same rows inserted straight into an empty cache file, with
 * nothing in between — no server, no HTTP, no JSON, no upsert conflict handling. The cache is made
 * by openCache (the same schema, indexes, FTS triggers and connection settings as the sync
 * worker's connection, including its synchronous=NORMAL), one prepared INSERT per table, 5,000
 * rows per transaction. Rows are read from the source file a batch at a time; only the inserts are
 * timed.
 */
import Database from 'better-sqlite3';
import { SYNC_TABLES } from '../src-shared/sync/tables';
import { openCache } from '../src-main/core/db/open';
import { LOADED_TABLES } from '../server/src/seed/cache-load';

export const RAW_BATCH_ROWS = 5000;
/** The sync worker's setting (it commits pages with NORMAL; a page lost to a power cut is pulled again). */
export const SYNC_CONNECTION_SYNCHRONOUS = 'NORMAL';

export interface RawInsertSummary {
  rows: number;
  /** Time inside the insert transactions only. */
  insertSeconds: number;
  /** Including reading the source. */
  wallSeconds: number;
  tables: Record<string, number>;
}

export function rawInsert(sourceFile: string, targetFile: string, onProgress?: (rows: number, table: string, insertSeconds: number) => void): RawInsertSummary {
  const source = new Database(sourceFile, { readonly: true, fileMustExist: true });
  const target = openCache(targetFile);
  // As the sync worker's connection (src-main/core/sync/sync-worker.ts): same durability, so the
  // comparison is of the work, not of fsyncs.
  target.$client.pragma(`synchronous = ${SYNC_CONNECTION_SYNCHRONOUS}`);
  const started = performance.now();
  let insertMs = 0;
  let rows = 0;
  const tables: Record<string, number> = {};
  try {
    const client = target.$client;
    // The tables the store was loaded with, in the same order: exactly the rows the sync delivers.
    for (const table of SYNC_TABLES.filter((t) => LOADED_TABLES.includes(t.name))) {
      const columns = table.columns.map((c) => `"${c.name}"`).join(', ');
      const read = source.prepare(`SELECT ${columns} FROM "${table.name}"`).raw(true);
      const insert = client.prepare(`INSERT INTO "${table.name}" (${columns}) VALUES (${table.columns.map(() => '?').join(', ')})`);
      const insertAll = client.transaction((batch: unknown[][]) => {
        for (const row of batch) insert.run(row);
      });
      let batch: unknown[][] = [];
      let tableRows = 0;
      const flush = () => {
        if (batch.length === 0) return;
        const t = performance.now();
        insertAll(batch);
        insertMs += performance.now() - t;
        tableRows += batch.length;
        rows += batch.length;
        batch = [];
        onProgress?.(rows, table.name, insertMs / 1000);
      };
      for (const row of read.iterate() as IterableIterator<unknown[]>) {
        batch.push(row);
        if (batch.length === RAW_BATCH_ROWS) flush();
      }
      flush();
      tables[table.name] = tableRows;
    }
    return { rows, insertSeconds: insertMs / 1000, wallSeconds: (performance.now() - started) / 1000, tables };
  } finally {
    source.close();
    target.$client.close();
  }
}
