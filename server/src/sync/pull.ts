/**
 * Pull: one page of server rows for a workstation, under the cursor it sent (see cursor.ts and
 * the protocol in src-shared/contracts/sync-protocol.ts).
 *
 * Snapshot: a null cursor reads the watermark W (every version ≤ W committed) and the row count,
 * then pages walk the tables in SYNC_TABLES order by key, each page filled across tables up to
 * `limit` rows. Rows read after W may already show later changes; the log from W sends those
 * rows again, so the client converges. The page that reads the last row sets snapshotComplete
 * and hands over a log cursor at W.
 *
 * Log: the next `limit` change-log entries after the cursor's version; for each table the
 * current rows of those keys (each key once, however often it changed in the page), and a
 * tombstone for every key that no longer exists.
 *
 * The page is answered as JSON text with the rows PostgreSQL built spliced in (pull-repository.ts).
 */
import { AppError } from '../../../src-shared/result';
import { SYNC_TABLES, SYNC_TABLE_NAMES, isSyncTableName, type SyncTableName } from '../../../src-shared/sync/tables';
import type { PullResponse } from '../../../src-shared/contracts/sync-protocol';
import type { StoreDb } from '../db/connect';
import { CURSOR_VERSION, decodeCursor, encodeCursor, snapshotTablesInOrder, type LogCursor, type PullCursor, type SnapshotCursor } from './cursor';
import {
  countRows,
  hasChangesAfter,
  hasRowsAfter,
  readChangeFingerprint,
  readChangeLog,
  readLatestVersion,
  readRowsByKeys,
  readSnapshotRows,
  readStoreId,
  readWatermark,
  asciiRowJson,
} from './pull-repository';

export interface PullPageRequest {
  cursor: string | null;
  limit: number;
  tables?: readonly SyncTableName[] | undefined;
}

/** A page's fields other than `changes`, exactly as in pullResponse. */
export type PageHead = Omit<PullResponse, 'changes'>;

export interface PulledPage {
  /** The JSON text of the whole response envelope `{ ok: true, value: PullResponse }`, in ASCII. */
  json: string;
  /** The page's cursor, phase and completion (also inside `json`), for read-ahead. */
  cursor: string;
  phase: PullResponse['phase'];
  snapshotComplete: boolean;
  /** False when this page reaches the end of what there is now (the workstation is caught up). */
  hasMore: boolean;
}

export interface TablePart {
  /** JSON array text of rows, as PostgreSQL built it. */
  rowsJson: string;
  deleted: string[];
}

const COLUMNS_JSON = new Map(SYNC_TABLES.map((t) => [t.name, JSON.stringify(t.columns.map((c) => c.name))]));

export const START_OVER =
  'start over: pull again with a null cursor (reset the local copy and take a fresh snapshot)';

/**
 * The page for `request`. A cursor that is not this store's throws AppError `invalid_input` (the
 * client resets and starts over).
 */
export async function readPullPage(db: StoreDb, request: PullPageRequest, counts: SnapshotCounts = new SnapshotCounts()): Promise<PulledPage> {
  const storeId = await readStoreId(db);
  let cursor: PullCursor;
  if (request.cursor === null) {
    // `tables` is read only here: a continuing snapshot cursor carries its own tables.
    const tables = snapshotTablesInOrder(request.tables);
    const w = await readWatermark(db);
    const n = await counts.count(db, tables, w);
    const wh = w > 0 ? await readChangeFingerprint(db, w) : null;
    cursor = { v: CURSOR_VERSION, s: storeId, p: 'snap', w, ...(wh === null ? {} : { wh }), t: tables, ti: 0, k: null, d: 0, n };
  } else {
    const reading = decodeCursor(request.cursor, storeId);
    if (!reading.ok) throw new AppError('invalid_input', `The sync cursor cannot be used: ${reading.why}; ${START_OVER}.`, 'cursor');
    cursor = reading.cursor;
    await refuseUnissued(db, cursor);
  }
  return cursor.p === 'snap' ? snapshotPage(db, cursor, request.limit) : logPage(db, cursor, request.limit);
}

/**
 * The row count a snapshot starts with (its progress total), kept per watermark: counting every
 * row of a big store takes seconds, and any workstation may start a snapshot as often as it likes
 * (issue 18, item 19's class). While the change log stands still the count does too; a write made
 * around the log (a bulk load) leaves it short, which only the progress total shows
 * (`total` is at least the rows sent).
 */
export class SnapshotCounts {
  private readonly kept = new Map<string, Promise<number>>();

  count(db: StoreDb, tables: readonly SyncTableName[], watermark: number): Promise<number> {
    const key = `${watermark}:${tables.join(',')}`;
    let counted = this.kept.get(key);
    if (!counted) {
      // Older watermarks are of no more use: keep the newest few only.
      if (this.kept.size >= 8) this.kept.clear();
      counted = countRows(db, tables);
      this.kept.set(key, counted);
      counted.catch(() => this.kept.delete(key));
    }
    return counted;
  }
}

function logCursorAt(storeId: string, lv: number, h: string | undefined): LogCursor {
  return h === undefined ? { v: CURSOR_VERSION, s: storeId, p: 'log', lv } : { v: CURSOR_VERSION, s: storeId, p: 'log', lv, h };
}

/**
 * A cursor names the change-log version up to which the workstation holds the store's rows. One
 * this store cannot have issued (a version beyond its newest, or one its log holds for another
 * change) comes from a store that was restored from a backup or had its log rebuilt: answering it
 * "nothing new" would make the workstation skip every change numbered at or below its cursor,
 * silently. It is refused like a foreign cursor, and the workstation starts over.
 */
async function refuseUnissued(db: StoreDb, cursor: PullCursor): Promise<void> {
  const [version, fingerprint] = cursor.p === 'snap' ? [cursor.w, cursor.wh] : [cursor.lv, cursor.h];
  if (version === 0) return;
  const found = await readChangeFingerprint(db, version);
  if (found !== null && (fingerprint === undefined || found === fingerprint)) return;
  const head = await readLatestVersion(db);
  // An older cursor without a fingerprint: only a version past the head is known not to be ours.
  if (found === null && fingerprint === undefined && version <= head) return;
  const why = version > head ? `it is ahead of this store's change log (version ${version}, the store is at ${head})` : `this store's change log holds another change at its version ${version}`;
  throw new AppError('invalid_input', `The sync cursor cannot be used: ${why} (was the store restored from a backup?); ${START_OVER}.`, 'cursor');
}

async function snapshotPage(db: StoreDb, cursor: SnapshotCursor, limit: number): Promise<PulledPage> {
  const parts = new Map<SyncTableName, TablePart>();
  let { ti, k, d } = cursor;
  let remaining = limit;
  while (remaining > 0 && ti < cursor.t.length) {
    const table = cursor.t[ti]!;
    const read = await readSnapshotRows(db, table, k, remaining);
    if (read.count > 0) parts.set(table, { rowsJson: read.json, deleted: [] });
    d += read.count;
    remaining -= read.count;
    if (read.more && read.lastKey) {
      k = read.lastKey;
    } else {
      ti += 1;
      k = null;
    }
  }
  // Tables left with nothing to read (empty ones after a full page) are passed over now, so the
  // page that sends the last row is the one that says the snapshot is complete.
  while (ti < cursor.t.length && k === null && !(await hasRowsAfter(db, cursor.t[ti]!, null))) ti += 1;
  const complete = ti >= cursor.t.length;
  const next: PullCursor = complete ? logCursorAt(cursor.s, cursor.w, cursor.wh) : { ...cursor, ti, k, d };
  const head: PageHead = {
    storeId: cursor.s,
    cursor: encodeCursor(next),
    hasMore: complete ? await hasChangesAfter(db, cursor.w) : true,
    phase: 'snapshot',
    snapshotTables: [...cursor.t],
    snapshotComplete: complete,
    // Rows inserted during the snapshot can make `done` pass the count taken at its start.
    progress: { done: d, total: Math.max(cursor.n, d) },
    version: cursor.w,
  };
  return pageJson(head, parts);
}

async function logPage(db: StoreDb, cursor: LogCursor, limit: number): Promise<PulledPage> {
  const entries = await readChangeLog(db, cursor.lv, limit);
  const keysByTable = new Map<SyncTableName, Set<string>>();
  for (const entry of entries) {
    // Only synced tables have the trigger; anything else in the log is not the client's business.
    if (!isSyncTableName(entry.table)) continue;
    let keys = keysByTable.get(entry.table);
    if (!keys) keysByTable.set(entry.table, (keys = new Set()));
    keys.add(entry.rowId);
  }
  const tables = SYNC_TABLE_NAMES.filter((name) => keysByTable.has(name));
  const reads = await Promise.all(tables.map((name) => readRowsByKeys(db, name, [...keysByTable.get(name)!])));
  const parts = new Map<SyncTableName, TablePart>();
  tables.forEach((name, i) => {
    const current = reads[i]!;
    const deleted = [...keysByTable.get(name)!].filter((key) => !current.found.has(key));
    parts.set(name, { rowsJson: current.json, deleted });
  });
  const last = entries.at(-1);
  const version = last?.version ?? cursor.lv;
  const head: PageHead = {
    storeId: cursor.s,
    cursor: encodeCursor(last ? logCursorAt(cursor.s, last.version, last.fingerprint) : cursor),
    hasMore: entries.length === limit,
    phase: 'log',
    snapshotComplete: false,
    version,
  };
  return pageJson(head, parts);
}

/**
 * `{ ok: true, value: { ...head, changes } }` with each table's rows spliced in as PostgreSQL wrote
 * them. All of it is ASCII: the rows are (asciiRowJson), and so are the head and the deleted keys
 * once passed through the same escape, so the route can send the text as it is in memory.
 */
export function pageJson(head: PageHead, parts: ReadonlyMap<SyncTableName, TablePart>): PulledPage {
  const changes = [...parts]
    .map(([name, part]) => `${JSON.stringify(name)}:{"columns":${COLUMNS_JSON.get(name)},"rows":${part.rowsJson},"deleted":${asciiRowJson(JSON.stringify(part.deleted))}}`)
    .join(',');
  return {
    json: `{"ok":true,"value":{${asciiRowJson(JSON.stringify(head)).slice(1, -1)},"changes":{${changes}}}}`,
    cursor: head.cursor,
    phase: head.phase,
    snapshotComplete: head.snapshotComplete,
    hasMore: head.hasMore,
  };
}

export const READ_AHEAD = { depth: 2, pages: 16, ttlMs: 30_000 } as const;

/**
 * Pull with read-ahead. A snapshot is read page after page, and a client spends each page's time
 * receiving and applying it before it asks for the next: so once a snapshot page is answered, the
 * next `depth` pages are read at once, while the client works, and kept for when their cursors
 * come back. A page read a little early is still correct (snapshot rows only need to be at least
 * as new as the watermark; the log from the watermark brings anything later). Bounded: at most
 * `pages` pages are kept, each for `ttlMs`; one that failed is simply read again.
 */
export class PullPages {
  private readonly ahead = new Map<string, { page: Promise<PulledPage>; at: number }>();
  private readonly counts = new SnapshotCounts();
  private closing = false;

  constructor(
    private readonly db: StoreDb,
    private readonly options: { depth: number; pages: number; ttlMs: number } = READ_AHEAD,
  ) {}

  async page(request: PullPageRequest): Promise<PulledPage> {
    const early = request.cursor === null ? undefined : this.take(`${request.limit}:${request.cursor}`);
    const page = (early ? await early.catch(() => undefined) : undefined) ?? (await readPullPage(this.db, request, this.counts));
    this.readAhead(page, request.limit, this.options.depth);
    return page;
  }

  /** Stops reading ahead and waits for reads still running (before the store closes). */
  async settle(): Promise<void> {
    this.closing = true;
    while (this.ahead.size > 0) {
      const running = [...this.ahead.values()].map((entry) => entry.page);
      this.ahead.clear();
      await Promise.allSettled(running);
    }
  }

  private take(key: string): Promise<PulledPage> | undefined {
    const entry = this.ahead.get(key);
    if (!entry) return undefined;
    this.ahead.delete(key);
    return performance.now() - entry.at <= this.options.ttlMs ? entry.page : undefined;
  }

  /** Reads the pages after `after` (up to `depth` of them) unless they are being read already. */
  private readAhead(after: PulledPage, limit: number, depth: number): void {
    if (this.closing || depth < 1 || after.phase !== 'snapshot' || after.snapshotComplete) return;
    const key = `${limit}:${after.cursor}`;
    let entry = this.ahead.get(key);
    if (!entry) {
      const now = performance.now();
      for (const [stale, old] of this.ahead) if (now - old.at > this.options.ttlMs) this.ahead.delete(stale);
      if (this.ahead.size >= this.options.pages) return;
      entry = { page: readPullPage(this.db, { cursor: after.cursor, limit }, this.counts), at: now };
      this.ahead.set(key, entry);
    }
    // Nobody may ever take a page read ahead (the client went away): its failure is not an error.
    entry.page.then((next) => this.readAhead(next, limit, depth - 1)).catch(() => undefined);
  }
}
