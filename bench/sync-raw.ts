/**
 * The yardstick for the initial sync: the same rows inserted straight into an empty cache file, with
 * nothing in between — no server, no HTTP, no JSON, no upsert conflict handling. The cache is made
 * by openCache (the same schema, indexes and FTS triggers), with the settings the sync worker's
 * connection applies pages under (applySyncConnectionPragmas in src-main/core/sync/sync-connection.ts), one prepared INSERT per table, 5,000
 * rows per transaction. Rows are read from the source file a batch at a time; only the inserts are
 * timed.
 */
import Database from 'better-sqlite3';
import { SYNC_TABLES } from '../src-shared/sync/tables';
import { openCache } from '../src-main/core/db/open';
import { applySyncConnectionPragmas } from '../src-main/core/sync/sync-connection';
import { LOADED_TABLES } from '../server/src/seed/cache-load';
import { ownThreadTimes } from './sync-proc';

export const RAW_BATCH_ROWS = 5000;
/**
 * What the sync worker's connection changes from openCache's defaults (src-main/core/sync/sync-worker.ts:
 * synchronous=NORMAL, no mmap; page-applier.ts applies pages with foreign keys off), so the
 * comparison is of the work and not of fsyncs or checks one side skips. Keep in step with those files.
 */

export interface RawInsertSummary {
  rows: number;
  /** Time inside the insert transactions only. */
  insertSeconds: number;
  /** CPU used inside them, and time spent waiting for a CPU (null without /proc). */
  insertCpuSeconds: number;
  insertCpuWaitSeconds: number | null;
  /** Including reading the source. */
  wallSeconds: number;
  tables: Record<string, number>;
}

export function rawInsert(sourceFile: string, targetFile: string, onProgress?: (rows: number, table: string, insertSeconds: number) => void): RawInsertSummary {
  const source = new Database(sourceFile, { readonly: true, fileMustExist: true });
  const target = openCache(targetFile);
  applySyncConnectionPragmas(target.$client);
  // The sync connection applies pages with foreign keys unenforced (page-applier.ts).
  target.$client.pragma('foreign_keys = OFF');
  const started = performance.now();
  let insertMs = 0;
  let insertCpuUs = 0;
  let insertWait: number | null = 0;
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
        const waitBefore = ownThreadTimes()?.waitForCpu ?? null;
        const cpuBefore = process.cpuUsage();
        const t = performance.now();
        insertAll(batch);
        insertMs += performance.now() - t;
        const cpu = process.cpuUsage(cpuBefore);
        insertCpuUs += cpu.user + cpu.system;
        const waitAfter = ownThreadTimes()?.waitForCpu ?? null;
        insertWait = insertWait === null || waitBefore === null || waitAfter === null ? null : insertWait + waitAfter - waitBefore;
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
    return { rows, insertSeconds: insertMs / 1000, insertCpuSeconds: insertCpuUs / 1e6, insertCpuWaitSeconds: insertWait, wallSeconds: (performance.now() - started) / 1000, tables };
  } finally {
    source.close();
    target.$client.close();
  }
}
