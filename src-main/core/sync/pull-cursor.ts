/**
 * The pull cursor as the cache keeps it (issue 4): where the main pull is in the store's change log
 * or snapshot, which store it came from, and the progress of a running snapshot, in cache_meta.
 * It is saved in the same transaction as the page it came with (PageApplier calls `save` inside
 * that transaction), so a crash between pages resumes exactly where the cache is.
 */
import type Database from 'better-sqlite3';
import type { PullResponse } from '../../../src-shared/contracts/sync-protocol';
import type { SyncTableName } from '../../../src-shared/sync/tables';
import type { SnapshotPlan } from './snapshot-tracking';

/** cache_meta keys of the pull side. */
export const SYNC_META = {
  cursor: 'sync_cursor',
  storeId: 'sync_store_id',
  /** 'snapshot' | 'log': whether the stored cursor is in the middle of a snapshot. */
  phase: 'sync_phase',
  /** JSON list of the tables the running main snapshot tracks received keys for. */
  tracked: 'sync_snapshot_tracked',
  /**
   * JSON `{ done, total }` of the running main snapshot, as its last applied page said, written with
   * that page: the copy's progress is read from here when asked, so it cannot outlive the copy.
   */
  progress: 'sync_snapshot_progress',
  /**
   * When the last pulled page was applied (epoch ms, this workstation's clock): how old the
   * store-owned figures in the cache (stock, say) may be. Shown as "as of" by the catalogue search.
   */
  pulledAt: 'sync_pulled_at',
} as const;

export interface StoredCursor {
  cursor: string | null;
  storeId: string | null;
  phase: 'snapshot' | 'log' | null;
  /** Tables whose received keys a running snapshot tracks (in TEMP tables, lost with the connection). */
  tracked: SyncTableName[];
}

export class PullCursor {
  private readonly metaGet: Database.Statement;
  private readonly metaSet: Database.Statement;
  private readonly metaDelete: Database.Statement;

  constructor(private readonly client: Database.Database) {
    this.metaGet = client.prepare(`SELECT value FROM cache_meta WHERE key = ?`).pluck();
    this.metaSet = client.prepare(`INSERT INTO cache_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
    this.metaDelete = client.prepare(`DELETE FROM cache_meta WHERE key = ?`);
  }

  read(): StoredCursor {
    const get = (key: string) => (this.metaGet.get(key) as string | undefined) ?? null;
    const phase = get(SYNC_META.phase);
    let tracked: SyncTableName[] = [];
    try {
      tracked = JSON.parse(get(SYNC_META.tracked) ?? '[]') as SyncTableName[];
    } catch {
      tracked = [];
    }
    return { cursor: get(SYNC_META.cursor), storeId: get(SYNC_META.storeId), phase: phase === 'snapshot' || phase === 'log' ? phase : null, tracked };
  }

  /**
   * The main copy under way, as the cache holds it: its progress when the stored cursor is in the
   * middle of a snapshot, else null (no copy, or it has finished and handed over to the log).
   */
  storedCopy(): { done: number; total: number } | null {
    if (this.read().phase !== 'snapshot') return null;
    const progress = parseProgress((this.metaGet.get(SYNC_META.progress) as string | undefined) ?? null);
    const done = progress?.done ?? 0;
    const total = progress?.total ?? 0;
    return { done, total: Math.max(done, total) };
  }

  /** Forgets where the pull was (a reset): the next pull starts a snapshot. */
  clear(): void {
    this.client.transaction(() => {
      for (const key of Object.values(SYNC_META)) this.metaDelete.run(key);
    })();
  }

  /** Stores the cursor `last` came with; called inside the transaction that applies it. */
  save(last: PullResponse, snapshot: SnapshotPlan | null): void {
    this.metaSet.run(SYNC_META.cursor, last.cursor);
    this.metaSet.run(SYNC_META.storeId, last.storeId);
    this.metaSet.run(SYNC_META.pulledAt, String(Date.now()));
    const phase = last.phase === 'snapshot' && !last.snapshotComplete ? 'snapshot' : 'log';
    this.metaSet.run(SYNC_META.phase, phase);
    this.metaSet.run(SYNC_META.tracked, JSON.stringify(phase === 'snapshot' && snapshot ? [...snapshot.tracked] : []));
    if (phase === 'snapshot' && last.progress) this.metaSet.run(SYNC_META.progress, JSON.stringify({ done: last.progress.done, total: last.progress.total }));
    else this.metaDelete.run(SYNC_META.progress);
  }
}

/** The stored `{ done, total }` of a copy, or null when it is missing or not such an object. */
function parseProgress(text: string | null): { done: number; total: number } | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as { done?: unknown; total?: unknown } | null;
    return typeof value?.done === 'number' && typeof value.total === 'number' ? { done: value.done, total: value.total } : null;
  } catch {
    return null;
  }
}
