/**
 * The yardstick for the initial sync: the same rows inserted straight into an empty cache file, with
 * nothing in between — no server, no HTTP, no JSON, no upsert conflict handling — but otherwise the
 * way the sync's first copy writes them, so the two compare like for like:
 *
 * - The cache is made by openCache (the same schema, indexes and FTS triggers), with the settings
 *   the sync worker's connection applies pages under (applySyncConnectionPragmas in
 *   src-main/core/sync/sync-connection.ts, and foreign keys off as in page-applier.ts).
 * - Tables go in the order the store loaded them (SYNC_TABLES order), each read from the source
 *   `ORDER BY` its SYNC_TABLES key columns: the store's snapshot is keyset-paged in key order.
 * - Before the first insert, `deferIndexes` drops what the sync's first copy defers into an empty
 *   cache (src-main/core/db/deferred-indexes.ts): the contact tables' indexes and the name search's
 *   triggers (built, with the name index rebuilt, once the tables after them begin, as the sync
 *   does) and the order tables' non-unique indexes (built after the last row).
 * - Rows go in 5,000 per transaction, as multi-row INSERT statements of 64 rows (UPSERT_BATCH in
 *   page-applier.ts), the rest of each transaction one row per statement.
 *
 * Only the drop, the insert transactions and the index build are timed (the build is part of the
 * insert time, and also reported alone); reading the source is not.
 */
import Database from 'better-sqlite3';
import { SYNC_TABLES } from '../src-shared/sync/tables';
import { openCache } from '../src-main/core/db/open';
import { buildDeferredIndexes, deferIndexes, DIRECTORY_TABLES, ORDER_HISTORY_TABLES } from '../src-main/core/db/deferred-indexes';
import { applySyncConnectionPragmas } from '../src-main/core/sync/sync-connection';
import { LOADED_TABLES } from '../server/src/seed/bulk-load';
import { ownThreadTimes } from './sync-proc';

export const RAW_BATCH_ROWS = 5000;
/** Rows per INSERT statement: page-applier.ts's UPSERT_BATCH. */
export const RAW_STATEMENT_ROWS = 64;
/** The tables whose non-unique indexes the sync's first copy builds after its rows. */
const DEFERRED_TABLES = [...DIRECTORY_TABLES, ...ORDER_HISTORY_TABLES];
const lastDirectoryTable = Math.max(...DIRECTORY_TABLES.map((name) => SYNC_TABLES.findIndex((t) => t.name === name)));

export interface RawInsertSummary {
  rows: number;
  /** Time inside the insert transactions, the index drop and the deferred index build. */
  insertSeconds: number;
  /** Of insertSeconds: building the deferred indexes after the last row. */
  indexBuildSeconds: number;
  /** The indexes dropped before the inserts and built after them. */
  deferredIndexes: string[];
  /** CPU used inside the timed parts, and time spent waiting for a CPU (null without /proc). */
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
  /** Runs `work`, adding its wall time, CPU and wait for a CPU to the insert totals. */
  const timed = <T>(work: () => T): T => {
    const waitBefore = ownThreadTimes()?.waitForCpu ?? null;
    const cpuBefore = process.cpuUsage();
    const t = performance.now();
    const result = work();
    insertMs += performance.now() - t;
    const cpu = process.cpuUsage(cpuBefore);
    insertCpuUs += cpu.user + cpu.system;
    const waitAfter = ownThreadTimes()?.waitForCpu ?? null;
    insertWait = insertWait === null || waitBefore === null || waitAfter === null ? null : insertWait + waitAfter - waitBefore;
    return result;
  };
  try {
    const client = target.$client;
    const deferred = timed(() => deferIndexes(client, DEFERRED_TABLES));
    // The tables the store was loaded with, in the same order: exactly the rows the sync delivers.
    let directoryBuilt = false;
    for (const table of SYNC_TABLES.filter((t) => LOADED_TABLES.includes(t.name))) {
      // As the sync: the directory's indexes and name search once its tables are all in.
      if (!directoryBuilt && !DIRECTORY_TABLES.includes(table.name) && SYNC_TABLES.findIndex((t) => t.name === table.name) > lastDirectoryTable) {
        timed(() => buildDeferredIndexes(client, undefined, 'directory'));
        directoryBuilt = true;
      }
      const columns = table.columns.map((c) => `"${c.name}"`).join(', ');
      const placeholders = `(${table.columns.map(() => '?').join(', ')})`;
      const read = source.prepare(`SELECT ${columns} FROM "${table.name}" ORDER BY ${table.key.map((k) => `"${k}"`).join(', ')}`).raw(true);
      const insertOne = client.prepare(`INSERT INTO "${table.name}" (${columns}) VALUES ${placeholders}`);
      const insertMany = client.prepare(`INSERT INTO "${table.name}" (${columns}) VALUES ${Array.from({ length: RAW_STATEMENT_ROWS }, () => placeholders).join(', ')}`);
      const width = table.columns.length;
      const values: unknown[] = new Array<unknown>(RAW_STATEMENT_ROWS * width);
      const insertAll = client.transaction((batch: unknown[][]) => {
        let i = 0;
        for (; i + RAW_STATEMENT_ROWS <= batch.length; i += RAW_STATEMENT_ROWS) {
          for (let r = 0; r < RAW_STATEMENT_ROWS; r++) {
            const row = batch[i + r] as unknown[];
            for (let c = 0; c < width; c++) values[r * width + c] = row[c];
          }
          insertMany.run(values);
        }
        for (; i < batch.length; i++) insertOne.run(batch[i]);
      });
      let batch: unknown[][] = [];
      let tableRows = 0;
      const flush = () => {
        if (batch.length === 0) return;
        timed(() => insertAll(batch));
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
    const buildStartMs = insertMs;
    timed(() => buildDeferredIndexes(client));
    const buildMs = insertMs - buildStartMs;
    return {
      rows,
      insertSeconds: insertMs / 1000,
      indexBuildSeconds: buildMs / 1000,
      deferredIndexes: deferred,
      insertCpuSeconds: insertCpuUs / 1e6,
      insertCpuWaitSeconds: insertWait,
      wallSeconds: (performance.now() - started) / 1000,
      tables,
    };
  } finally {
    source.close();
    target.$client.close();
  }
}
