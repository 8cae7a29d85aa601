/**
 * SyncEngine: keeps this workstation's cache and the central store in step (issue 4).
 *
 * One loop, never two requests at once: sign in → push the outbox (≤ PUSH_BATCH_MAX entries a
 * request, in mutation-id order) → pull pages until caught up (pushing between pages when a local
 * write came in, so a CSR's save reaches the store within a page's time even during the initial
 * copy) → wait for a local write (kick), a poke from the live stream, `sync:now`, or 30 s.
 *
 * Failures: unreachable → 'offline', a 5xx from a store that answered → 'store_failing', both
 * retried with exponential backoff and full jitter;
 * 401 → sign in again once; credentials refused → 'signed_out' until someone asks again; a cursor
 * the store refuses (400) or a store with another id → reset: the pull starts over, the outbox is
 * kept and still delivered. Everything the window sees is in `status()`, answered from memory
 * (plus two cheap counts).
 *
 * Sign-in UI and keeping credentials in the OS keychain (safeStorage) are issue 5; until then the
 * credentials come from the environment through CoreOptions.sync.
 */
import type Database from 'better-sqlite3';
import type { SyncCheckResult, SyncConnectionState, SyncStatus } from '../../../src-shared/contracts/sync';
import type { SyncTableName } from '../../../src-shared/sync/tables';
import { deliverOfflineAudit } from './audit-delivery';
import { AuditQueue } from './audit-queue';
import { CacheChecksums } from './cache-checksums';
import { ConsistencyCheck } from './consistency-check';
import { CycleFailure } from './cycle-failure';
import { DeferredIndexBuild } from './deferred-index-build';
import { LiveStream } from './live-stream';
import { PageApplier } from './page-applier';
import { Puller } from './puller';
import { PushLoop } from './push-loop';
import { PushQueue } from './push-queue';
import { RETRY, retryDelayMs } from './retry-schedule';
import { StoreClient } from './store-client';
import { SyncRequests } from './sync-requests';
import { TokenKeeper, heldTokensIn, type SyncCredentials } from './token-keeper';

export { HELD_NEXT_TOKEN_KEY, HELD_TOKEN_KEY, type SyncCredentials } from './token-keeper';
export { snapshotPagesPerCommit } from './puller';

export interface SyncEngineOptions {
  /** The engine's own connection to the cache (the writer worker has migrated it). */
  client: Database.Database;
  /** This cache's client id (cache_meta 'client_id', the outbox's). */
  clientId: string;
  serverUrl: string;
  credentials: SyncCredentials;
  /** The store refused the workstation token it was given (kind 'token'). */
  onTokenRefused?: () => void;
  /** The engine swapped the workstation token for a fresh one (kind 'token'): keep it instead of the old one. */
  onTokenRenewed?: (renewal: { token: string; replaced: string; expiresInMs: number }) => void;
  now?: () => number;
  random?: () => number;
  /** Rows per pull page (default: the most the store sends). */
  pullLimit?: number;
  /** How long to wait with nothing to do before pulling anyway (default 30 s). */
  idleMs?: number;
  retry?: { baseMs: number; capMs: number };
  /** Follow the store's live stream (default true). */
  live?: boolean;
  /** Largest push request body (the store refuses bodies over 1 MiB). */
  pushBodyBytes?: number;
  /** Sends the status out now (before long synchronous work, during which no timer fires). */
  publishStatus?: () => void;
  /** Pulled pages changed rows; `copying` while the first copy (or a reset) is still running. */
  onPulled?: (change: { tables: SyncTableName[]; dataVersion: number; copying: boolean }) => void;
  /**
   * This connection committed to the cache: pulled pages with their cursor (changed rows or not),
   * push results settled, deferred indexes built. The WAL checkpointer is told (sync-worker.ts).
   */
  onCommitted?: () => void;
  log?: (message: string, error?: unknown) => void;
}

/**
 * The scheduler and the status; the work is done by its pieces: TokenKeeper (signing in and
 * renewing), PushLoop (the outbox), deliverOfflineAudit, Puller (pages, re-pulls), DeferredIndexBuild,
 * ConsistencyCheck (`sync:check`) and LiveStream (pokes).
 */
export class SyncEngine {
  private readonly client: StoreClient;
  private readonly applier: PageApplier;
  private readonly queue: PushQueue;
  private readonly audit: AuditQueue;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly stopController = new AbortController();
  private readonly requests = new SyncRequests();
  private readonly tokens: TokenKeeper;
  private readonly indexes: DeferredIndexBuild;
  private readonly pusher: PushLoop;
  private readonly puller: Puller;
  private readonly consistency: ConsistencyCheck;
  private readonly stream: LiveStream;

  private state: SyncConnectionState = 'connecting';
  private lastError: string | null = null;
  private nextRetryAt: number | null = null;
  private failures = 0;

  private onlineWaiters: (() => void)[] = [];
  private loop: Promise<void> | null = null;
  private events: Promise<void> | null = null;

  constructor(private readonly options: SyncEngineOptions) {
    const log = (message: string) => this.log(message);
    const onCommitted = options.onCommitted;
    const online = () => this.setState('online');
    this.client = new StoreClient({ serverUrl: options.serverUrl, stopSignal: this.stopController.signal });
    this.applier = new PageApplier(options.client);
    this.queue = new PushQueue(options.client);
    this.audit = new AuditQueue(options.client);
    this.indexes = new DeferredIndexBuild({ applier: this.applier, publishStatus: options.publishStatus, onCommitted, log });
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.tokens = new TokenKeeper({
      store: this.client,
      credentials: options.credentials,
      clientId: options.clientId,
      held: heldTokensIn(options.client),
      now: this.now,
      log,
      onTokenRefused: options.onTokenRefused,
      onTokenRenewed: options.onTokenRenewed,
    });
    this.pusher = new PushLoop({
      outbox: this.queue,
      push: (body) => this.tokens.withToken((token) => this.client.push(token, body)),
      clientId: options.clientId,
      now: this.now,
      log,
      pushBodyBytes: options.pushBodyBytes,
      onBatch: () => {
        this.requests.kicked = false;
      },
      onAnswered: online,
      onCommitted,
    });
    const pushAll = () => this.pusher.pushAll();
    this.puller = new Puller({
      applier: this.applier,
      pull: (request) => this.tokens.withToken((token) => this.client.pull(token, { clientId: options.clientId, ...request })),
      requests: this.requests,
      pushAll,
      indexes: this.indexes,
      pullLimit: options.pullLimit,
      now: this.now,
      log,
      onAnswered: online,
      onCommitted,
      onPulled: options.onPulled,
    });
    const checksums = new CacheChecksums(options.client);
    this.consistency = new ConsistencyCheck({
      pushAll,
      pullToEnd: () => this.puller.pullToEnd(),
      pendingWrites: () => this.queue.count(),
      pulledVersion: () => this.puller.pulledVersion,
      storeChecksums: () => this.tokens.withToken((token) => this.client.checksums(token)),
      localChecksum: (table) => checksums.table(table),
      repull: (tables) => this.puller.requestRepull(tables),
      now: this.now,
    });
    this.stream = new LiveStream({
      open: (token, signal) => this.client.openEvents(token, signal),
      tokens: this.tokens,
      connection: { online: () => this.state === 'online', whenOnline: () => new Promise<void>((resolve) => this.onlineWaiters.push(resolve)) },
      stopSignal: this.stopController.signal,
      onPoke: () => this.poke(),
      random: this.random,
      retry: options.retry,
    });
  }

  get serverUrl(): string {
    return this.client.serverUrl;
  }

  start(): void {
    if (this.loop) return;
    this.puller.dropInterruptedSnapshot();
    this.loop = this.run();
    if (this.options.live !== false) this.events = this.stream.follow();
  }

  /** Stops at the next await: requests in flight are aborted; a page being applied commits or rolls back whole. */
  async stop(): Promise<void> {
    this.requests.stopping = true;
    this.stopController.abort();
    this.requests.ring('stop');
    for (const resolve of this.onlineWaiters.splice(0)) resolve();
    this.consistency.cancelWaiting('Switchboard is shutting down.');
    await Promise.allSettled([this.loop, this.events]);
  }

  // ——— Requests from the window and the core ———

  /** A local write was saved: push it now (between pull pages if a pull is running). */
  kick(): void {
    this.requests.kicked = true;
    this.requests.ring('kick');
  }

  syncNow(): { started: boolean } {
    if (this.requests.stopping) return { started: false };
    this.requests.nowRequested = true;
    this.requests.ring('now');
    return { started: true };
  }

  /** Re-pull everything; queued writes are kept and still delivered. */
  reset(): { started: boolean } {
    if (this.requests.stopping) return { started: false };
    this.requests.resetRequested = true;
    this.requests.ring('reset');
    return { started: true };
  }

  /** Compares counts and checksums with the store after pushing and pulling; re-pulls tables that differ. */
  check(): Promise<SyncCheckResult> {
    const c = this.consistency;
    if (this.requests.stopping) return Promise.resolve(c.skipped('Switchboard is shutting down.'));
    if (this.state === 'offline') return Promise.resolve(c.remember(c.skipped(`The central store cannot be reached (${this.lastError ?? 'offline'}).`)));
    if (this.state === 'store_failing') return Promise.resolve(c.remember(c.skipped(`The central store is failing (${this.lastError ?? 'it answered with an error'}).`)));
    if (this.state === 'signed_out') return Promise.resolve(c.remember(c.skipped('The central store refused this workstation’s sign-in.')));
    const answer = c.wait();
    this.requests.ring('check');
    return answer;
  }

  dismissRejection(mutationId: number): { dismissed: boolean } {
    return { dismissed: this.queue.dismiss(mutationId, this.now()) };
  }

  status(): SyncStatus {
    return {
      state: this.state,
      serverUrl: this.client.serverUrl,
      pendingWrites: this.queue.count(),
      lastSyncAt: this.puller.lastSyncAt,
      lastError: this.lastError,
      nextRetryAt: this.nextRetryAt,
      initialSync: this.puller.copyStatus(),
      rejections: this.queue.rejections(),
      dataVersion: this.puller.dataVersion,
      lastCheck: this.consistency.lastCheck,
      orderHistoryReady: this.indexes.orderHistoryReady,
      directoryReady: this.indexes.directoryReady,
      buildingIndexes: this.indexes.building,
    };
  }

  /**
   * A person signed in online and the store gave this workstation a (new) token, or main kept the
   * one sync renewed; `nextToken` is the one main made and kept for its renewal.
   */
  setToken(token: string | null, expiresInMs?: number, nextToken?: string | null): void {
    if (!this.tokens.hand(token, expiresInMs, nextToken)) return;
    // Signed out until now: with a token it is connecting from this moment, not "signed out" until
    // the next cycle answers two seconds later (issue 19, item 12).
    if (token && this.state === 'signed_out') this.setState('connecting');
    if (token) this.requests.ring('now');
  }

  // ——— The loop ———

  private async run(): Promise<void> {
    while (!this.requests.stopping) {
      try {
        await this.cycle();
        this.failures = 0;
        this.nextRetryAt = null;
        this.lastError = null;
        this.setState('online');
        if (this.hasWork()) continue;
        await this.requests.sleep(this.options.idleMs ?? 30_000, ['kick', 'poke', 'now', 'reset', 'check', 'stop']);
      } catch (e) {
        if (this.requests.stopping) break;
        await this.afterFailure(e);
      }
    }
  }

  private hasWork(): boolean {
    const r = this.requests;
    return r.kicked || r.poked || r.nowRequested || r.resetRequested || this.consistency.waiting || this.puller.repullPending;
  }

  private async cycle(): Promise<void> {
    this.requests.nowRequested = false;
    this.requests.poked = false;
    if (this.requests.resetRequested) this.puller.startOver('a reset was asked for');
    this.indexes.buildLeftOver();
    await this.tokens.signedIn();
    await this.tokens.renewIfDue();
    await this.pusher.pushAll();
    await deliverOfflineAudit({
      audit: this.audit,
      report: (body) => this.tokens.withToken((token) => this.client.reportAudit(token, body)),
      log: (message) => this.log(message),
    });
    await this.puller.pullToEnd();
    while (this.consistency.waiting) await this.consistency.answerWaiting();
    await this.puller.repullRequested();
  }

  private async afterFailure(e: unknown): Promise<void> {
    if (e instanceof CycleFailure && e.signedOut) {
      this.tokens.forget();
      this.lastError = e.message;
      this.nextRetryAt = null;
      this.setState('signed_out');
      this.consistency.skipWaiting('The central store refused this workstation’s sign-in.');
      // A person must act (issue 5 brings the sign-in screen); `sync:now` tries again meanwhile.
      await this.requests.sleep(Number.POSITIVE_INFINITY, ['now', 'check', 'stop']);
      return;
    }
    if (!(e instanceof CycleFailure)) this.log('sync cycle failed', e);
    this.failures++;
    this.lastError = e instanceof Error ? e.message : String(e);
    const delay = retryDelayMs(this.failures, this.random, this.options.retry ?? RETRY);
    this.nextRetryAt = this.now() + delay;
    // A store that answered (with a 5xx) is reachable: the status says it is failing, not offline.
    const answered = e instanceof CycleFailure && e.failure.status !== null;
    this.setState(answered ? 'store_failing' : 'offline');
    this.consistency.skipWaiting(answered ? `The central store is failing (${this.lastError}).` : `The central store cannot be reached (${this.lastError}).`);
    await this.requests.sleep(delay, ['now', 'reset', 'check', 'stop']);
    this.nextRetryAt = null;
  }

  private setState(state: SyncConnectionState): void {
    this.state = state;
    if (state === 'online') for (const resolve of this.onlineWaiters.splice(0)) resolve();
  }

  private poke(): void {
    this.requests.poked = true;
    this.requests.ring('poke');
  }

  private log(message: string, error?: unknown): void {
    if (this.options.log) this.options.log(message, error);
  }
}
