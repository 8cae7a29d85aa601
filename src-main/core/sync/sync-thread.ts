/**
 * SyncThread: the core's handle on the sync engine's worker thread (sync-worker.ts). CoreProcess
 * starts it after the writer has migrated the cache, routes the `sync:*` channels to it, kicks it
 * after every write, and hears from it when pulled pages changed rows.
 */
import type { Worker } from 'node:worker_threads';
import { fail, ok, type Result } from '../../../src-shared/result';
import type { SyncStatus } from '../../../src-shared/contracts/sync';
import type { SyncChannel } from '../../../src-shared/contracts';
import type { SyncTableName } from '../../../src-shared/sync/tables';
import type { SyncCredentials } from './sync-engine';
import { startWorker, stopWorker } from '../worker/worker-thread';
import { logger } from '../log/logger';

const log = logger('sync');

export interface SyncWorkerConfig {
  dbFile: string;
  migrationsFolder: string;
  nativeBinding?: string | undefined;
  serverUrl: string;
  credentials: SyncCredentials;
  /** Rows per pull page (tests use small pages to exercise paging). */
  pullLimit?: number;
  idleMs?: number;
  /**
   * out/main/checkpoint-worker.js when built (a tsx bootstrap in tests): the sync thread then has
   * its WAL checkpoints made on a thread of their own (db/checkpoint-thread.ts). Without it the sync
   * connection checkpoints itself.
   */
  checkpointWorkerFile?: string | undefined;
}

export type ToSyncWorker =
  | { type: 'call'; id: number; channel: SyncChannel; input: unknown }
  /** A write was saved; `seq` counts kicks, so a status taken before the write can be told apart. */
  | { type: 'kick'; seq: number }
  /** The workstation token a person's online sign-in gave (null: none), and how long it works if known. */
  | { type: 'token'; token: string | null; expiresInMs?: number | undefined; nextToken?: string | null | undefined }
  | { type: 'close' };

export type FromSyncWorker =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'pulled'; tables: SyncTableName[]; dataVersion: number; copying: boolean }
  /** The engine's status, sent a few times a second and after every answer (see `call`). */
  | { type: 'status'; status: SyncStatus; kickSeq: number }
  /** The store refused the workstation token: sync waits for someone to sign in online. */
  | { type: 'token-refused' }
  /** The engine swapped the workstation token for a fresh one before it expired (issue 18). */
  | { type: 'token-renewed'; token: string; replaced: string; expiresInMs: number }
  | { type: 'closed' };

export interface SyncThreadOptions extends SyncWorkerConfig {
  /** out/main/sync-worker.js when built; a tsx bootstrap in tests. */
  workerFile: string | URL;
  onPulled?: (change: { tables: SyncTableName[]; dataVersion: number; copying: boolean }) => void;
  onTokenRefused?: () => void;
  /** Keep this token instead of the one it replaced (the engine renewed it). */
  onTokenRenewed?: (renewal: { token: string; replaced: string; expiresInMs: number }) => void;
}

/**
 * The sync thread's young generation (V8's nursery for short-lived objects), in MB. Every pulled
 * page is a megabyte of JSON text parsed into thousands of arrays that die once the page is
 * applied; V8's default lets the nursery grow to tens of MB before it collects them. Capped, the
 * first copy's peak memory at 200,000 customers fell by 20–48 MB (four runs side by side); at
 * 1,000,000 the copy itself peaked at 345 MB instead of 402 (BENCHMARKS.md, S11/S12), room for the
 * WAL checkpointer's thread (~9 MB). The index build at the very end still peaks higher: that is
 * SQLite's sorter, outside this heap. A cap of 12 MB cost 4–7% of the copy's speed; 24 MB showed
 * no cost beyond the machine's noise.
 */
export const SYNC_YOUNG_GENERATION_MB = 24;

/** How long `sync:status` waits for the thread after a write before answering from the last status. */
export const STALE_STATUS_AFTER_MS = 250;

export class SyncThread {
  private worker: Worker | undefined;
  private started: Promise<void> | undefined;
  private readonly pending = new Map<number, (r: Result<unknown>) => void>();
  private nextId = 1;
  private closing = false;
  /**
   * The status the thread last published. `sync:status` is answered from it at once: the thread
   * applies pulled pages and builds indexes synchronously (up to seconds during the first copy),
   * and the window's status bar must not wait behind that.
   */
  private lastStatus: { status: SyncStatus; kickSeq: number } | undefined;
  /** Kicks sent; a published status is current only once it reflects the latest (it was taken after it). */
  private kicks = 0;
  /**
   * A `sync:status` asked of the thread and not yet answered, with the kicks sent before it: later
   * polls share it (rather than queue more behind a busy thread) while no write came since.
   */
  private statusAsked: { kicks: number; answer: Promise<Result<unknown>> } | undefined;
  private token: string | null | undefined;
  /** The token main made for the renewal of `token` (issue 18). */
  private nextToken: string | null = null;

  constructor(private readonly options: SyncThreadOptions) {}

  start(): Promise<void> {
    if (this.started) return this.started;
    const { workerFile, onPulled: _onPulled, onTokenRefused: _onTokenRefused, onTokenRenewed: _onTokenRenewed, ...config } = this.options;
    // A token handed over before the thread started goes with its start.
    if (this.token !== undefined && config.credentials.kind === 'token') config.credentials = { kind: 'token', token: this.token, nextToken: this.nextToken };
    const { worker, ready } = startWorker<FromSyncWorker>({
      name: 'sync',
      workerFile,
      workerData: config satisfies SyncWorkerConfig,
      resourceLimits: { maxYoungGenerationSizeMb: SYNC_YOUNG_GENERATION_MB },
      onMessage: (msg) => {
        switch (msg.type) {
          case 'result': {
            const answer = this.pending.get(msg.id);
            this.pending.delete(msg.id);
            answer?.(msg.result);
            break;
          }
          case 'status':
            this.lastStatus = { status: msg.status, kickSeq: msg.kickSeq };
            break;
          case 'token-refused':
            this.options.onTokenRefused?.();
            break;
          case 'token-renewed':
            // A restarted thread starts with the token that works now.
            if (this.token === msg.replaced) {
              this.token = msg.token;
              this.nextToken = null;
            }
            this.options.onTokenRenewed?.({ token: msg.token, replaced: msg.replaced, expiresInMs: msg.expiresInMs });
            break;
          case 'pulled':
            this.options.onPulled?.({ tables: msg.tables, dataVersion: msg.dataVersion, copying: msg.copying });
            break;
        }
      },
      onError: (err) => log.error({ err }, 'the sync worker failed'),
      onExit: () => {
        this.worker = undefined;
        for (const [, answer] of this.pending) answer(fail('unavailable', 'Sync stopped while answering; try again.'));
        this.pending.clear();
      },
    });
    this.worker = worker;
    this.started = ready;
    return ready;
  }

  async call(channel: SyncChannel, input: unknown): Promise<Result<unknown>> {
    if (this.closing) return fail('unavailable', 'Switchboard is shutting down.');
    try {
      await this.start();
    } catch (e) {
      return fail('unavailable', `Sync is not running: ${e instanceof Error ? e.message : String(e)}`);
    }
    const worker = this.worker;
    if (!worker) return fail('unavailable', 'Sync is not running; restart Switchboard.');
    const published = this.lastStatus;
    if (channel === 'sync:status' && published?.kickSeq === this.kicks) return ok(published.status);
    const ask = () =>
      new Promise<Result<unknown>>((resolve) => {
        const id = this.nextId++;
        this.pending.set(id, resolve);
        worker.postMessage({ type: 'call', id, channel, input } satisfies ToSyncWorker);
      });
    if (channel !== 'sync:status') return ask();
    if (this.statusAsked?.kicks !== this.kicks) {
      const asked = { kicks: this.kicks, answer: ask() };
      this.statusAsked = asked;
      void asked.answer.then((r) => {
        if (this.statusAsked === asked) this.statusAsked = undefined;
        // The thread reads messages in order: its answer has seen every kick sent before the
        // question, so it is as good as a status published after them (no need to ask again).
        if (r.ok && asked.kicks >= (this.lastStatus?.kickSeq ?? -1)) this.lastStatus = { status: r.value as SyncStatus, kickSeq: asked.kicks };
      });
    }
    const answer = this.statusAsked.answer;
    if (!published) return answer;
    // Writes were saved since the last published status: ask the thread, which answers at once
    // unless it is applying a page or building an index. Then the window gets the last status
    // rather than wait (seconds, at the end of a big first copy), counting each write saved since
    // (one kick each) as pending: a status taken before them would otherwise say "all synced".
    let timer: NodeJS.Timeout | undefined;
    const stale = new Promise<Result<unknown>>((resolve) => {
      timer = setTimeout(
        () => resolve(ok({ ...published.status, pendingWrites: published.status.pendingWrites + (this.kicks - published.kickSeq) })),
        STALE_STATUS_AFTER_MS,
      );
    });
    return Promise.race([answer, stale]).finally(() => clearTimeout(timer));
  }

  /** Hands sync the workstation token an online sign-in gave (before or after the thread started). */
  setToken(token: string | null, expiresInMs?: number, nextToken?: string | null): void {
    this.token = token;
    this.nextToken = nextToken ?? null;
    this.worker?.postMessage({ type: 'token', token, expiresInMs, nextToken } satisfies ToSyncWorker);
  }

  /** A write was saved: push it now. Never waits, never throws. */
  kick(): void {
    this.kicks++;
    this.worker?.postMessage({ type: 'kick', seq: this.kicks } satisfies ToSyncWorker);
  }

  /**
   * Stops the engine (requests in flight are aborted) and closes its connection. A page being
   * applied is one transaction: it commits before the close is read, or, if the thread has to be
   * terminated mid-transaction, SQLite rolls it back.
   */
  async stop(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    if (!worker) return;
    await stopWorker(worker, { type: 'close' } satisfies ToSyncWorker, 3000, 'sync');
  }
}
