/**
 * ConsistencyCheck: `sync:check` (issue 4). After pushing and pulling, compares each synced table's
 * row count and checksum in the cache with the store's at the same version; tables that differ are
 * handed to the puller for a re-pull. The store's figures are from its version N, so the check
 * waits until the cache has pulled up to N, and until this workstation's own writes are delivered
 * (a few attempts, then it says to check again in a moment).
 */
import type { ChecksumsResponse } from '../../../src-shared/contracts/sync-protocol';
import type { SyncCheckResult, SyncTableCheck } from '../../../src-shared/contracts/sync';
import { SYNC_TABLE_NAMES, type SyncTableName } from '../../../src-shared/sync/tables';
import { CycleFailure, expectAnswer } from './cycle-failure';
import type { StoreResult } from './store-client';

const CHECK_ATTEMPTS = 3;

export interface ConsistencyCheckOptions {
  /** Delivers the outbox. */
  pushAll: () => Promise<void>;
  /** Pulls until caught up. */
  pullToEnd: () => Promise<void>;
  /** Writes still waiting in the outbox. */
  pendingWrites: () => number;
  /** The store version the cache has pulled up to. */
  pulledVersion: () => number;
  /** Asks the store for its counts and checksums (signed with the workstation token). */
  storeChecksums: () => Promise<StoreResult<ChecksumsResponse>>;
  /** The cache's count and checksum of one table (CacheChecksums). */
  localChecksum: (table: SyncTableName) => { count: number; sum: string };
  /** Tables that differ: re-pull them. */
  repull: (tables: SyncTableName[]) => void;
  now: () => number;
}

export class ConsistencyCheck {
  /** The last result, for the status. */
  lastCheck: SyncCheckResult | null = null;
  private readonly waiters: ((result: SyncCheckResult) => void)[] = [];

  constructor(private readonly options: ConsistencyCheckOptions) {}

  /** A check was asked for; it is answered when the loop runs it (answerWaiting). */
  wait(): Promise<SyncCheckResult> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get waiting(): boolean {
    return this.waiters.length > 0;
  }

  /** Runs the check and answers everyone who asked. Unreachable (or signed out) ends the cycle. */
  async answerWaiting(): Promise<void> {
    const waiters = this.waiters.splice(0);
    let result: SyncCheckResult;
    try {
      result = await this.compareWithStore();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      for (const answer of waiters) answer(this.remember(this.skipped(`The check could not finish: ${why}`)));
      // Unreachable: the loop goes offline and retries. Refused (an older store, say), or asked to
      // come back later (the store bounds how often one workstation makes it hash every row, 429):
      // said above, sync goes on; the store is reachable, so the status must not say offline.
      if (e instanceof CycleFailure && !e.signedOut && (e.failure.kind === 'permanent' || e.failure.status === 429)) return;
      throw e;
    }
    this.remember(result);
    for (const answer of waiters) answer(result);
  }

  /** Answers everyone waiting that the check was skipped, and why (kept as the last check). */
  skipWaiting(why: string): void {
    const skipped = this.skipped(why);
    for (const answer of this.waiters.splice(0)) answer(this.remember(skipped));
  }

  /** Answers everyone waiting that the check was skipped (not kept: the engine is stopping). */
  cancelWaiting(why: string): void {
    const skipped = this.skipped(why);
    for (const answer of this.waiters.splice(0)) answer(skipped);
  }

  async compareWithStore(): Promise<SyncCheckResult> {
    const options = this.options;
    for (let attempt = 1; attempt <= CHECK_ATTEMPTS; attempt++) {
      await options.pushAll();
      await options.pullToEnd();
      if (options.pendingWrites() > 0 && attempt < CHECK_ATTEMPTS) continue;
      if (options.pendingWrites() > 0) break;
      const server = expectAnswer(await options.storeChecksums()).value;
      // The store's figures are from its version N; compare once the cache has pulled up to N.
      if (server.version > options.pulledVersion() && attempt < CHECK_ATTEMPTS) continue;
      // Table by table, letting messages in between (a status poll waits for one table at most).
      const local = {} as Record<SyncTableName, { count: number; sum: string }>;
      for (const table of SYNC_TABLE_NAMES) {
        local[table] = options.localChecksum(table);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const tables: SyncTableCheck[] = SYNC_TABLE_NAMES.map((table) => {
        const mine = local[table];
        const theirs = server.tables[table];
        return {
          table,
          localCount: mine.count,
          serverCount: theirs?.count ?? 0,
          match: theirs !== undefined && theirs.count === mine.count && theirs.sum === mine.sum,
        };
      });
      const differing = tables.filter((t) => !t.match).map((t) => t.table);
      options.repull(differing);
      return { at: options.now(), match: differing.length === 0, tables, repulling: differing, skipped: null };
    }
    return this.skipped('Writes made on this workstation are still being sent; check again in a moment.');
  }

  /** A check that did not run, and why. */
  skipped(why: string): SyncCheckResult {
    return { at: this.options.now(), match: false, tables: [], repulling: [], skipped: why };
  }

  remember(result: SyncCheckResult): SyncCheckResult {
    this.lastCheck = result;
    return result;
  }
}
