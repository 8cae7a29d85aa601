/**
 * The second yardstick for the initial sync: the sync thread's own work, with nobody else on the
 * machine's cores. The same rows as the store's snapshot, made into pull pages as the store sends
 * them (JSON text in ASCII, rows as arrays, up to PAGE_ROWS rows a page filled across tables), then
 * handled as the sync thread handles them: the store client's `decodeBody`, JSON.parse, `checkPullPage`, and
 * `PageApplier.applyPages` into an empty cache (one page per transaction, as a first copy commits),
 * the directory's deferred indexes built once the pages move past its tables and the order
 * history's after the last page.
 *
 * What it leaves out is what the end-to-end figure adds: PostgreSQL and the store building the
 * pages, HTTP, and sharing the cores with them. So `sync.initial.rows_per_s` can approach this
 * figure but not pass it on the same machine: it is the ceiling the workstation's side sets.
 *
 * Timed: parsing, checking, applying and building the indexes. Not timed: reading the source file
 * and writing the page text (the store's work). The cache connection gets the sync connection's
 * settings (applySyncConnectionPragmas), as the raw yardstick does, and checkpoints itself.
 */
import Database from 'better-sqlite3';
import { SYNC_TABLES, SYNC_TABLE_NAMES, type SyncTable, type SyncTableName } from '../src-shared/sync/tables';
import { checkPullPage } from '../src-shared/sync/pull-page-check';
import type { PullResponse } from '../src-shared/contracts/sync-protocol';
import { openCache } from '../src-main/core/db/open';
import { DIRECTORY_TABLES } from '../src-main/core/db/deferred-indexes';
import { applySyncConnectionPragmas } from '../src-main/core/sync/sync-connection';
import { PageApplier } from '../src-main/core/sync/page-applier';
import { snapshotPagesPerCommit } from '../src-main/core/sync/sync-engine';
import { decodeBody } from '../src-main/core/sync/store-client';
import { asciiRowJson } from '../server/src/sync/pull-repository';
import { pageJson, type PageHead, type TablePart } from '../server/src/sync/pull';
import { LOADED_TABLES } from '../server/src/seed/bulk-load';

/** Rows per page: the bench's pullLimit. */
export const PAGE_ROWS = 5000;
/** Any well-formed store id: the cache takes the first it sees. */
const STORE_ID = '00000000-0000-4000-8000-000000000001';

export interface ReplaySummary {
  rows: number;
  pages: number;
  /** JSON.parse and checkPullPage of every page. */
  parseSeconds: number;
  /** PageApplier.applyPages, commits included. */
  applySeconds: number;
  /** Building the deferred indexes (both groups). */
  indexBuildSeconds: number;
  /** The three above. */
  seconds: number;
  /** CPU of this process inside the timed parts. */
  cpuSeconds: number;
}

export function replayPages(sourceFile: string, targetFile: string, onProgress?: (rows: number, table: string, seconds: number) => void): ReplaySummary {
  const source = new Database(sourceFile, { readonly: true, fileMustExist: true });
  const target = openCache(targetFile);
  const client = target.$client;
  applySyncConnectionPragmas(client);
  const applier = new PageApplier(client);
  let parseMs = 0;
  let applyMs = 0;
  let buildMs = 0;
  let cpuUs = 0;
  let rows = 0;
  let pages = 0;
  const timed = <T>(work: () => T): [T, number] => {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = work();
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    cpuUs += cpu.user + cpu.system;
    return [result, ms];
  };
  try {
    const tables = SYNC_TABLES.filter((t) => LOADED_TABLES.includes(t.name));
    const [plan, beginMs] = timed(() => applier.beginSnapshot(SYNC_TABLE_NAMES));
    applyMs += beginMs;
    const lastDirectory = Math.max(...DIRECTORY_TABLES.map((name) => SYNC_TABLE_NAMES.indexOf(name as (typeof SYNC_TABLE_NAMES)[number])));
    const perCommit = snapshotPagesPerCommit(plan);
    let directoryBuilt = false;
    let group: PullResponse[] = [];
    const applyGroup = () => {
      if (group.length === 0) return;
      const pagesOfGroup = group;
      group = [];
      applyMs += timed(() => applier.applyPages(pagesOfGroup, { snapshot: plan, saveCursor: true }))[1];
    };
    const buildDirectory = () => {
      if (directoryBuilt) return;
      directoryBuilt = true;
      buildMs += timed(() => applier.buildDeferredIndexes('directory'))[1];
    };
    /** The page being filled: each table's row texts, in table order. */
    let parts: { table: SyncTable; rows: string[] }[] = [];
    let inPage = 0;
    const sendPage = (last: boolean) => {
      if (inPage === 0 && !last) return;
      const body = pageText(parts, rows + inPage, pages, last);
      rows += inPage;
      pages += 1;
      const names = parts.map((p) => p.table.name);
      parts = [];
      inPage = 0;
      const [page, ms] = timed(() => {
        const checked = checkPullPage((JSON.parse(decodeBody(body)) as { value: unknown }).value);
        if (!checked.ok) throw new Error(`The replayed page does not pass the client's check: ${checked.message}`);
        return checked.value;
      });
      parseMs += ms;
      group.push(page);
      // As the engine: the directory's indexes once a page reaches past its tables (applied first).
      const pastDirectory = names.some((name) => SYNC_TABLE_NAMES.indexOf(name) > lastDirectory);
      if (group.length >= perCommit || last || (pastDirectory && !directoryBuilt)) applyGroup();
      if (pastDirectory || last) buildDirectory();
      onProgress?.(rows, names.at(-1) ?? '', (parseMs + applyMs + buildMs) / 1000);
    };
    for (const table of tables) {
      const columns = table.columns.map((c) => `"${c.name}"`).join(', ');
      const booleans = table.columns.flatMap((c, i) => (c.kind === 'bool' ? [i] : []));
      const read = source.prepare(`SELECT ${columns} FROM "${table.name}" ORDER BY ${table.key.map((k) => `"${k}"`).join(', ')}`).raw(true);
      let part: { table: SyncTable; rows: string[] } | undefined;
      for (const row of read.iterate() as IterableIterator<unknown[]>) {
        // The store's JSON: booleans as true/false (SQLite has 1/0), everything past U+007F escaped.
        for (const i of booleans) if (row[i] !== null) row[i] = row[i] === 1;
        if (!part) parts.push((part = { table, rows: [] }));
        part.rows.push(asciiRowJson(JSON.stringify(row)));
        inPage += 1;
        if (inPage === PAGE_ROWS) {
          sendPage(false);
          part = undefined;
        }
      }
    }
    sendPage(true);
    applyGroup();
    buildMs += timed(() => applier.buildDeferredIndexes())[1];
    const seconds = (parseMs + applyMs + buildMs) / 1000;
    return { rows, pages, parseSeconds: parseMs / 1000, applySeconds: applyMs / 1000, indexBuildSeconds: buildMs / 1000, seconds, cpuSeconds: cpuUs / 1e6 };
  } finally {
    source.close();
    client.close();
  }
}

/** A snapshot page's bytes as the store sends them: pull.ts's own pageJson, and the route's latin1 copy. */
function pageText(parts: readonly { table: SyncTable; rows: string[] }[], done: number, index: number, last: boolean): Buffer {
  const head: PageHead = {
    storeId: STORE_ID,
    cursor: `replay-${index}`,
    hasMore: !last,
    phase: 'snapshot',
    snapshotTables: [...SYNC_TABLE_NAMES],
    snapshotComplete: last,
    progress: { done, total: done },
    version: 1,
  };
  const tables = new Map<SyncTableName, TablePart>(parts.map(({ table, rows }) => [table.name, { rowsJson: `[${rows.join(',')}]`, deleted: [] }]));
  return Buffer.from(pageJson(head, tables).json, 'latin1');
}
