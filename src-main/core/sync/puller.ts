/**
 * Puller: brings the store's rows into the cache (issue 4). It pulls pages until the store says
 * there is no more: a snapshot first (the first copy, or after a reset), then the change log. While
 * a page is applied (synchronous SQLite work) the next one is already requested, so the store's and
 * the network's time overlap the cache's. A local write that comes in between pages is pushed
 * first (a CSR's save reaches the store within a page's time, even during the first copy). It also
 * runs targeted re-pulls of tables the consistency check found different, and tells the deferred
 * index build when the directory, then the whole copy, has arrived.
 */
import { PULL_PAGE, type PullResponse } from '../../../src-shared/contracts/sync-protocol';
import type { SyncStatus } from '../../../src-shared/contracts/sync';
import { SYNC_TABLE_NAMES, type SyncTableName } from '../../../src-shared/sync/tables';
import { DIRECTORY_TABLES } from '../db/deferred-indexes';
import { CycleFailure, expectAnswer } from './cycle-failure';
import type { DeferredIndexBuild } from './deferred-index-build';
import type { PageApplier, SnapshotPlan } from './page-applier';
import { SnapshotProgress } from './retry-schedule';
import type { StoreResult } from './store-client';
import type { SyncRequests } from './sync-requests';

/**
 * Snapshot pages per transaction when the snapshot re-reads tables that hold rows (a reset): about
 * 20,000 rows, a fifth less CPU than one page at a time on a million-row copy (each commit rewrites
 * the index pages random keys touched). A CSR's save waits for one such transaction at most (a few
 * hundred milliseconds). A first copy into empty tables defers those indexes (db/deferred-indexes.ts),
 * so there grouping saves nothing (measured: 1 M order lines 0.36 M rows/s one page per commit,
 * 0.34 M four; 4 M orders 262k vs 238k) and each page is applied as soon as it arrives, while the
 * next one is on its way.
 */
const SNAPSHOT_PAGES_PER_COMMIT = 4;

/** Snapshot pages per transaction: one into empty tables (a first copy), else SNAPSHOT_PAGES_PER_COMMIT. */
export function snapshotPagesPerCommit(snapshot: SnapshotPlan | null): number {
  return snapshot !== null && snapshot.tracked.size === 0 ? 1 : SNAPSHOT_PAGES_PER_COMMIT;
}

/** A pull request for one page: from `cursor`, of `tables` only when given (a re-pull). */
export type PullPage = (request: { cursor: string | null; limit: number; tables?: SyncTableName[] }) => Promise<StoreResult<PullResponse>>;

export interface PullerOptions {
  applier: Pick<PageApplier, 'readCursor' | 'clearCursor' | 'beginSnapshot' | 'applyPages' | 'storedCopy'>;
  /** Asks the store for one page (signed with the workstation token). */
  pull: PullPage;
  /** What the loop was asked meanwhile: a kick pushes between pages, a reset starts over, stopping ends. */
  requests: Pick<SyncRequests, 'kicked' | 'resetRequested' | 'stopping'>;
  /** Delivers the outbox (between pages, when a local write came in). */
  pushAll: () => Promise<void>;
  indexes: DeferredIndexBuild;
  /** Rows per pull page (default: the most the store sends). */
  pullLimit?: number | undefined;
  now: () => number;
  log: (message: string) => void;
  /** A page was applied: the store answers. */
  onAnswered?: () => void;
  /** This connection committed to the cache (pulled pages with their cursor, changed rows or not). */
  onCommitted?: (() => void) | undefined;
  /** Pulled pages changed rows; `copying` while the first copy (or a reset) is still running. */
  onPulled?: ((change: { tables: SyncTableName[]; dataVersion: number; copying: boolean }) => void) | undefined;
}

export class Puller {
  /** When the pull last caught up with the store. */
  lastSyncAt: number | null = null;
  /** Counts applied pages that changed rows (screens reload when it moves). */
  dataVersion = 0;
  /** The store version the cache has pulled up to (-1: none yet this run). */
  pulledVersion = -1;
  /** The main snapshot under way (first sync or reset), if any. */
  private snapshot: SnapshotPlan | null = null;
  private readonly progress = new SnapshotProgress();
  /**
   * The progress of a targeted re-pull while it runs (it keeps no cursor). The main copy's progress
   * is not kept here: copyStatus reads it from the cache, so no missed update can leave it behind
   * (issue 18, item 4).
   */
  private initialSync: SyncStatus['initialSync'] = null;
  /** A targeted re-pull is running (repull). */
  private repulling = false;
  /** Tables the consistency check found different, waiting for their re-pull. */
  private readonly repullTables = new Set<SyncTableName>();

  constructor(private readonly options: PullerOptions) {}

  /**
   * A snapshot that was tracking received keys cannot resume: those keys lived in TEMP tables of
   * the connection that died. Start it over (the rows already copied are upserted again).
   */
  dropInterruptedSnapshot(): void {
    const stored = this.options.applier.readCursor();
    if (stored.phase === 'snapshot' && stored.tracked.length > 0) {
      this.options.log('an interrupted snapshot that tracked received rows starts over');
      this.options.applier.clearCursor();
    }
  }

  startOver(why: string): void {
    this.options.log(`the pull starts over: ${why}`);
    this.options.requests.resetRequested = false;
    this.options.applier.clearCursor();
    this.snapshot = null;
    this.progress.reset();
  }

  private pullPage(cursor: string | null, tables?: SyncTableName[]): Promise<StoreResult<PullResponse>> {
    const limit = this.options.pullLimit ?? PULL_PAGE.max;
    return this.options.pull({ cursor, limit, ...(tables ? { tables } : {}) });
  }

  /**
   * Pulls pages until the store says there is no more. While pages are applied (synchronous SQLite
   * work) the next one is already requested, so the store's and the network's time overlap the
   * cache's. During a snapshot up to SNAPSHOT_PAGES_PER_COMMIT pages go into one transaction (see
   * PageApplier.applyPages); in the log phase every page commits on its own, at once. A prefetched
   * page is dropped when a push came in between: it was read before the push and would briefly put
   * the store's older state back over rows the push just settled.
   */
  async pullToEnd(): Promise<void> {
    const { applier, requests } = this.options;
    let restarts = 0;
    /** Where the next request starts; undefined: as stored. */
    let cursor: string | null | undefined;
    let storeId: string | null = null;
    let prefetched: { cursor: string; page: Promise<StoreResult<PullResponse>> } | null = null;
    let group: PullResponse[] = [];
    const flush = () => {
      if (group.length > 0) this.applyPages(group, true);
      group = [];
    };
    for (;;) {
      if (requests.kicked || requests.resetRequested || requests.stopping) {
        flush();
        prefetched = null;
      }
      if (requests.kicked) await this.options.pushAll();
      if (requests.resetRequested) {
        this.startOver('a reset was asked for');
        cursor = undefined;
      }
      if (requests.stopping) return;
      if (cursor === undefined) {
        const stored = applier.readCursor();
        cursor = stored.cursor;
        storeId = stored.storeId;
      }
      if (cursor === null && !this.snapshot) {
        this.snapshot = applier.beginSnapshot(SYNC_TABLE_NAMES);
        this.options.indexes.refresh();
        this.progress.reset();
      }
      const r: StoreResult<PullResponse> = prefetched !== null && prefetched.cursor === cursor ? await prefetched.page : await this.pullPage(cursor);
      prefetched = null;
      if (!r.ok) flush(); // keep what arrived before the failure
      if (!r.ok && r.failure.kind === 'permanent' && r.failure.status === 400 && cursor !== null && restarts < 2) {
        // "Start over": the cursor is from another store, or from a version the store no longer reads.
        restarts++;
        this.startOver(`the central store refused the cursor (${r.failure.message})`);
        cursor = undefined;
        continue;
      }
      const page: PullResponse = expectAnswer(r).value;
      if (cursor !== null && storeId !== null && page.storeId !== storeId && restarts < 2) {
        restarts++;
        flush();
        this.startOver('the central store is a different one than before');
        cursor = undefined;
        continue;
      }
      if (page.phase === 'snapshot' && !this.snapshot) {
        // Resuming a snapshot of tables that were empty when it began: nothing to track.
        this.snapshot = { tables: page.snapshotTables ?? [...SYNC_TABLE_NAMES], tracked: new Set() };
      }
      if (page.hasMore && !requests.kicked && !requests.resetRequested && !requests.stopping) {
        const next = this.pullPage(page.cursor);
        next.catch(() => undefined); // awaited below, or dropped: never an unhandled rejection
        prefetched = { cursor: page.cursor, page: next };
        // The request is written only once the event loop turns: without this the request
        // would wait for the synchronous apply below, and the store would start on the next page
        // only after it (measured: one turn of the loop puts the request on the wire).
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (group.length > 0 && group[0]?.phase !== page.phase) flush();
      group.push(page);
      cursor = page.cursor;
      storeId = page.storeId;
      const perCommit = snapshotPagesPerCommit(this.snapshot);
      const keepGrouping = page.phase === 'snapshot' && page.hasMore && !page.snapshotComplete && group.length < perCommit;
      if (!keepGrouping) flush();
      if (!page.hasMore) {
        this.lastSyncAt = this.options.now();
        return;
      }
    }
  }

  private applyPages(pages: PullResponse[], saveCursor: boolean, snapshot: SnapshotPlan | null = this.snapshot): void {
    const last = pages[pages.length - 1];
    if (!last) return;
    const { indexes } = this.options;
    const outcome = this.options.applier.applyPages(pages, { snapshot: last.phase === 'snapshot' ? snapshot : null, saveCursor });
    this.options.onCommitted?.();
    this.options.onAnswered?.();
    if (last.phase === 'snapshot' && last.progress && !last.snapshotComplete) {
      const at = this.options.now();
      this.progress.record(at, last.progress.done);
      this.initialSync = { done: last.progress.done, total: last.progress.total, etaMs: this.progress.etaMs(last.progress.done, last.progress.total) };
    } else {
      this.initialSync = null;
    }
    if (saveCursor && last.snapshotComplete) this.snapshot = null;
    if (saveCursor) this.pulledVersion = last.version;
    // The snapshot sends tables in SYNC_TABLES order: once a page holds rows of a table after the
    // contact tables, the directory is complete, and lookups need its indexes for the rest of the copy.
    if (!indexes.directoryReady && (last.snapshotComplete || pages.some(pastDirectory))) indexes.build('directory');
    // The end of a snapshot: the order tables are complete, so build what the copy deferred (before
    // screens are told to reload, so they find the order history).
    if (last.snapshotComplete) indexes.build();
    if (outcome.changed > 0) {
      this.dataVersion++;
      this.options.onPulled?.({ tables: outcome.changedTables, dataVersion: this.dataVersion, copying: this.copyStatus() !== null });
    }
  }

  /** Tables to re-pull at the end of the cycle (the consistency check found them different). */
  requestRepull(tables: Iterable<SyncTableName>): void {
    for (const t of tables) this.repullTables.add(t);
  }

  get repullPending(): boolean {
    return this.repullTables.size > 0;
  }

  /**
   * Re-pulls the tables asked for. A store that refuses (a permanent failure) gives them up, so it
   * cannot hold up the rest of sync forever; unreachable ends the cycle and they are asked again.
   */
  async repullRequested(): Promise<void> {
    if (this.repullTables.size === 0) return;
    const tables = [...this.repullTables];
    try {
      await this.repull(tables);
    } catch (e) {
      // A store that cannot re-pull some tables must not hold up the rest of sync forever.
      if (!(e instanceof CycleFailure) || e.failure.kind !== 'permanent') throw e;
      for (const t of tables) this.repullTables.delete(t);
      this.initialSync = null;
      this.options.log(`the re-pull of ${tables.join(', ')} was refused: ${e.message}`);
    }
  }

  /** A snapshot of some tables only (after a checksum mismatch); its cursor is not kept. */
  private async repull(tables: SyncTableName[]): Promise<void> {
    const { requests } = this.options;
    const plan = this.options.applier.beginSnapshot(tables);
    this.options.indexes.refresh();
    this.progress.reset();
    let cursor: string | null = null;
    this.repulling = true;
    try {
      for (;;) {
        if (requests.kicked) await this.options.pushAll();
        if (requests.stopping) return;
        const page: PullResponse = expectAnswer(await this.pullPage(cursor, cursor === null ? tables : undefined)).value;
        this.applyPages([page], false, plan);
        cursor = page.cursor;
        if (page.snapshotComplete || page.phase === 'log' || !page.hasMore) break;
      }
      for (const t of tables) this.repullTables.delete(t);
    } finally {
      this.repulling = false;
      this.initialSync = null;
    }
  }

  /**
   * The copy under way, derived when asked from what the cache holds (its stored cursor's phase and
   * the progress written with the last page applied), never from the last page this engine saw:
   * once the cache's cursor has handed over to the log, the copy is finished whatever was missed.
   */
  copyStatus(): SyncStatus['initialSync'] {
    if (this.repulling) return this.initialSync;
    const copy = this.options.applier.storedCopy();
    return copy === null ? null : { done: copy.done, total: copy.total, etaMs: this.progress.etaMs(copy.done, copy.total) };
  }
}

/** The last of the directory's tables in snapshot order; a page with rows of any later table is past it. */
const LAST_DIRECTORY_TABLE = Math.max(...DIRECTORY_TABLES.map((t) => SYNC_TABLE_NAMES.indexOf(t as SyncTableName)));

function pastDirectory(page: PullResponse): boolean {
  if (page.phase !== 'snapshot') return true;
  return Object.entries(page.changes).some(([table, part]) => part !== undefined && part.rows.length > 0 && SYNC_TABLE_NAMES.indexOf(table as SyncTableName) > LAST_DIRECTORY_TABLE);
}
