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
import { PULL_PAGE, PUSH_BATCH_MAX, type PullResponse, type PushedMutation } from '../../../src-shared/contracts/sync-protocol';
import type { SyncCheckResult, SyncConnectionState, SyncStatus, SyncTableCheck } from '../../../src-shared/contracts/sync';
import { SYNC_TABLE_NAMES, type SyncTableName } from '../../../src-shared/sync/tables';
import { DIRECTORY_TABLES, type DeferredGroup } from '../db/deferred-indexes';
import { AuditQueue } from './audit-queue';
import { CacheChecksums } from './cache-checksums';
import { PageApplier, type SnapshotPlan } from './page-applier';
import { followPokes } from './poke-stream';
import { PushQueue } from './push-queue';
import { RETRY, SnapshotProgress, retryDelayMs } from './retry-schedule';
import { StoreClient, type StoreFailure, type StoreResult } from './store-client';
import { makeWorkstationToken, workstationTokenHash } from './workstation-token';

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
 * How sync signs in to the store.
 * - `token`: the workstation token a person's online sign-in gave (issue 5); null until someone
 *   signs in online here. A refused token is dropped and sync waits for the next sign-in.
 * - `password`: headless tools (the bench, the fault-injection clients) sign in as a fixed
 *   account, registering the workstation, and use the workstation token that gives.
 */
export type SyncCredentials =
  /** `nextToken`: the token main made and kept for this one's renewal (issue 18). */
  | { kind: 'token'; token: string | null; nextToken?: string | null | undefined }
  | { kind: 'password'; username: string; password: string; workstationName?: string };

type WakeReason = 'kick' | 'poke' | 'now' | 'reset' | 'check' | 'stop' | 'timer';

/** A failure that ends a cycle: the loop turns it into a state and a retry time. */
class CycleFailure extends Error {
  constructor(
    readonly failure: StoreFailure,
    readonly signedOut = false,
  ) {
    super(failure.message);
    this.name = 'CycleFailure';
  }
}

const CHECK_ATTEMPTS = 3;
/** After a renewal refused because a sign-in replaced the token: ask again no sooner than this. */
const RENEWAL_RETRY_MS = 60_000;
/** cache_meta key of the workstation token a password-credentials engine holds (its proof at the next sign-in). */
export const HELD_TOKEN_KEY = 'sync_workstation_token';
/** cache_meta key of the token a password-credentials engine made for its next renewal. */
export const HELD_NEXT_TOKEN_KEY = 'sync_workstation_next_token';
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

export class SyncEngine {
  private readonly client: StoreClient;
  private readonly applier: PageApplier;
  private readonly queue: PushQueue;
  private readonly checksums: CacheChecksums;
  private readonly audit: AuditQueue;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly stopController = new AbortController();
  private readonly progress = new SnapshotProgress();

  private token: string | null = null;
  /** The token main handed over (credentials kind 'token'). */
  private givenToken: string | null = null;
  /**
   * When to swap the token for a fresh one (this machine's clock): half-way through its life, so a
   * store unreachable for a while still leaves time (issue 18). 0: as soon as possible (a token
   * kept from an earlier run, whose expiry is not known here).
   */
  private renewAt = 0;
  /**
   * The token that replaces this one at its renewal, made and kept before the renewal is asked
   * (issue 18): by main with the token it hands over (credentials kind 'token'), by the engine in
   * the cache (kind 'password'). The renewal sends only its hash, so asked again after a lost
   * answer or a crash it names the same token, and whichever of the two the store ended up with,
   * this workstation holds it. Null until main hands the next one after a renewal.
   */
  private nextToken: string | null = null;
  /** Password credentials: the token last issued, kept in the cache as this workstation's proof at its next sign-in. */
  private readonly heldToken: { get: () => string | null; set: (token: string) => void };
  /** Password credentials: the next token (see nextToken), kept in the cache beside the held one. */
  private readonly heldNextToken: { get: () => string | null; set: (token: string) => void };
  private state: SyncConnectionState = 'connecting';
  private lastSyncAt: number | null = null;
  private lastError: string | null = null;
  private nextRetryAt: number | null = null;
  /**
   * The progress of a targeted re-pull while it runs (it keeps no cursor). The main copy's progress
   * is not kept here: status() reads it from the cache (copyStatus), so no missed update can leave
   * it behind (issue 18, item 4).
   */
  private initialSync: SyncStatus['initialSync'] = null;
  /** A targeted re-pull is running (repull). */
  private repulling = false;
  private dataVersion = 0;
  private lastCheck: SyncCheckResult | null = null;
  /** False while order tables lack the indexes a first copy builds at its end (db/deferred-indexes.ts). */
  private orderHistoryReady = true;
  /** The deferred indexes are being built (this thread is busy with it; see buildDeferredIndexes). */
  private buildingIndexes = false;
  /** False while contact tables lack the indexes (and customers the name search) a first copy builds after them. */
  private directoryReady = true;
  private failures = 0;
  private pulledVersion = -1;

  /** The main snapshot under way (first sync or reset), if any. */
  private snapshot: SnapshotPlan | null = null;
  private kicked = false;
  private poked = false;
  private nowRequested = false;
  private resetRequested = false;
  private readonly checkWaiters: ((result: SyncCheckResult) => void)[] = [];
  private readonly repullTables = new Set<SyncTableName>();

  private wakeUp: ((reason: WakeReason) => void) | null = null;
  private wakeAccepts: ReadonlySet<WakeReason> = new Set();
  private onlineWaiters: (() => void)[] = [];
  private loop: Promise<void> | null = null;
  private events: Promise<void> | null = null;
  private stopping = false;

  constructor(private readonly options: SyncEngineOptions) {
    this.client = new StoreClient({ serverUrl: options.serverUrl, stopSignal: this.stopController.signal });
    this.applier = new PageApplier(options.client);
    this.queue = new PushQueue(options.client);
    this.checksums = new CacheChecksums(options.client);
    this.audit = new AuditQueue(options.client);
    const getHeld = options.client.prepare<[string], string>(`SELECT value FROM cache_meta WHERE key = ?`).pluck();
    const setHeld = options.client.prepare(`INSERT INTO cache_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
    this.heldToken = { get: () => getHeld.get(HELD_TOKEN_KEY) ?? null, set: (token) => void setHeld.run(HELD_TOKEN_KEY, token) };
    this.heldNextToken = { get: () => getHeld.get(HELD_NEXT_TOKEN_KEY) ?? null, set: (token) => void setHeld.run(HELD_NEXT_TOKEN_KEY, token) };
    this.refreshReadiness();
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    if (options.credentials.kind === 'token') {
      this.token = options.credentials.token;
      this.givenToken = options.credentials.token;
      this.nextToken = options.credentials.nextToken ?? null;
    } else {
      this.nextToken = this.heldNextToken.get();
      // None yet, or the held token is it already (stopped between keeping a renewal and making the next one).
      if (this.nextToken === null || this.nextToken === this.heldToken.get()) {
        this.nextToken = makeWorkstationToken();
        this.heldNextToken.set(this.nextToken);
      }
    }
  }

  get serverUrl(): string {
    return this.client.serverUrl;
  }

  start(): void {
    if (this.loop) return;
    // A snapshot that was tracking received keys cannot resume: those keys lived in TEMP tables
    // of the connection that died. Start it over (the rows already copied are upserted again).
    const stored = this.applier.readCursor();
    if (stored.phase === 'snapshot' && stored.tracked.length > 0) {
      this.log('an interrupted snapshot that tracked received rows starts over');
      this.applier.clearCursor();
    }
    this.loop = this.run();
    if (this.options.live !== false) this.events = this.followEvents();
  }

  /** Stops at the next await: requests in flight are aborted; a page being applied commits or rolls back whole. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopController.abort();
    this.ring('stop');
    for (const resolve of this.onlineWaiters.splice(0)) resolve();
    const skipped = this.skippedCheck('Switchboard is shutting down.');
    for (const answer of this.checkWaiters.splice(0)) answer(skipped);
    await Promise.allSettled([this.loop, this.events]);
  }

  // ——— Requests from the window and the core ———

  /** A local write was saved: push it now (between pull pages if a pull is running). */
  kick(): void {
    this.kicked = true;
    this.ring('kick');
  }

  syncNow(): { started: boolean } {
    if (this.stopping) return { started: false };
    this.nowRequested = true;
    this.ring('now');
    return { started: true };
  }

  /** Re-pull everything; queued writes are kept and still delivered. */
  reset(): { started: boolean } {
    if (this.stopping) return { started: false };
    this.resetRequested = true;
    this.ring('reset');
    return { started: true };
  }

  /** Compares counts and checksums with the store after pushing and pulling; re-pulls tables that differ. */
  check(): Promise<SyncCheckResult> {
    if (this.stopping) return Promise.resolve(this.skippedCheck('Switchboard is shutting down.'));
    if (this.state === 'offline') return Promise.resolve(this.remember(this.skippedCheck(`The central store cannot be reached (${this.lastError ?? 'offline'}).`)));
    if (this.state === 'store_failing') return Promise.resolve(this.remember(this.skippedCheck(`The central store is failing (${this.lastError ?? 'it answered with an error'}).`)));
    if (this.state === 'signed_out') return Promise.resolve(this.remember(this.skippedCheck('The central store refused this workstation’s sign-in.')));
    return new Promise((resolve) => {
      this.checkWaiters.push(resolve);
      this.ring('check');
    });
  }

  dismissRejection(mutationId: number): { dismissed: boolean } {
    return { dismissed: this.queue.dismiss(mutationId, this.now()) };
  }

  status(): SyncStatus {
    return {
      state: this.state,
      serverUrl: this.client.serverUrl,
      pendingWrites: this.queue.count(),
      lastSyncAt: this.lastSyncAt,
      lastError: this.lastError,
      nextRetryAt: this.nextRetryAt,
      initialSync: this.copyStatus(),
      rejections: this.queue.rejections(),
      dataVersion: this.dataVersion,
      lastCheck: this.lastCheck,
      orderHistoryReady: this.orderHistoryReady,
      directoryReady: this.directoryReady,
      buildingIndexes: this.buildingIndexes,
    };
  }

  /**
   * The copy under way, derived when asked from what the cache holds (its stored cursor's phase and
   * the progress written with the last page applied), never from the last page this engine saw:
   * once the cache's cursor has handed over to the log, the copy is finished whatever was missed.
   */
  private copyStatus(): SyncStatus['initialSync'] {
    if (this.repulling) return this.initialSync;
    const copy = this.applier.storedCopy();
    return copy === null ? null : { done: copy.done, total: copy.total, etaMs: this.progress.etaMs(copy.done, copy.total) };
  }

  private refreshReadiness(): void {
    this.orderHistoryReady = this.applier.orderHistoryReady();
    this.directoryReady = this.applier.directoryReady();
  }

  /** Builds what the copy deferred (one group, or all that is pending). */
  private buildDeferredIndexes(group?: DeferredGroup): void {
    this.refreshReadiness();
    const pending = group === 'directory' ? !this.directoryReady : group === 'orderHistory' ? !this.orderHistoryReady : !this.directoryReady || !this.orderHistoryReady;
    if (!pending) return;
    // Building takes seconds per index on a big cache, with this thread busy: say so first.
    this.buildingIndexes = true;
    this.options.publishStatus?.();
    try {
      const built = this.applier.buildDeferredIndexes(group);
      if (built.length > 0) {
        this.log(`built what the first copy deferred: ${built.join(', ')}`);
        this.options.onCommitted?.();
      }
    } finally {
      this.buildingIndexes = false;
      this.refreshReadiness();
    }
  }

  // ——— The loop ———

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.cycle();
        this.failures = 0;
        this.nextRetryAt = null;
        this.lastError = null;
        this.setState('online');
        if (this.hasWork()) continue;
        await this.sleep(this.options.idleMs ?? 30_000, ['kick', 'poke', 'now', 'reset', 'check', 'stop']);
      } catch (e) {
        if (this.stopping) break;
        await this.afterFailure(e);
      }
    }
  }

  private hasWork(): boolean {
    return this.kicked || this.poked || this.nowRequested || this.resetRequested || this.checkWaiters.length > 0 || this.repullTables.size > 0;
  }

  private async cycle(): Promise<void> {
    this.nowRequested = false;
    this.poked = false;
    if (this.resetRequested) this.startOver('a reset was asked for');
    // Indexes a copy deferred, when no copy is running: it stopped (a quit, a crash) after its last
    // page and before the build, or the build failed (the cycle fails and is retried with backoff).
    // A copy still under way builds them at its end, and one that starts over before it begins.
    if ((!this.applier.orderHistoryReady() || !this.applier.directoryReady()) && this.applier.readCursor().phase === 'log') this.buildDeferredIndexes();
    await this.signedIn();
    await this.renewTokenIfDue();
    await this.pushAll();
    await this.deliverAudit();
    await this.pullToEnd();
    while (this.checkWaiters.length > 0) await this.answerCheck();
    if (this.repullTables.size > 0) {
      const tables = [...this.repullTables];
      try {
        await this.repull(tables);
      } catch (e) {
        // A store that cannot re-pull some tables must not hold up the rest of sync forever.
        if (!(e instanceof CycleFailure) || e.failure.kind !== 'permanent') throw e;
        for (const t of tables) this.repullTables.delete(t);
        this.initialSync = null;
        this.log(`the re-pull of ${tables.join(', ')} was refused: ${e.message}`);
      }
    }
  }

  private async afterFailure(e: unknown): Promise<void> {
    const answerChecks = (why: string) => {
      const skipped = this.skippedCheck(why);
      for (const answer of this.checkWaiters.splice(0)) answer(this.remember(skipped));
    };
    if (e instanceof CycleFailure && e.signedOut) {
      this.token = null;
      this.lastError = e.message;
      this.nextRetryAt = null;
      this.setState('signed_out');
      answerChecks('The central store refused this workstation’s sign-in.');
      // A person must act (issue 5 brings the sign-in screen); `sync:now` tries again meanwhile.
      await this.sleep(Number.POSITIVE_INFINITY, ['now', 'check', 'stop']);
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
    answerChecks(answered ? `The central store is failing (${this.lastError}).` : `The central store cannot be reached (${this.lastError}).`);
    await this.sleep(delay, ['now', 'reset', 'check', 'stop']);
    this.nextRetryAt = null;
  }

  private setState(state: SyncConnectionState): void {
    this.state = state;
    if (state === 'online') for (const resolve of this.onlineWaiters.splice(0)) resolve();
  }

  /** Waits `ms` or until one of `accepts` rings. Reasons that rang while busy were kept as flags. */
  private sleep(ms: number, accepts: WakeReason[]): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => done('timer'), ms) : undefined;
      const done = (_reason: WakeReason) => {
        if (timer) clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      this.wakeAccepts = new Set(accepts);
      this.wakeUp = done;
    });
  }

  private ring(reason: WakeReason): void {
    if (this.wakeUp && this.wakeAccepts.has(reason)) this.wakeUp(reason);
  }

  // ——— Talking to the store ———

  /**
   * A person signed in online and the store gave this workstation a (new) token, or main kept the
   * one sync renewed; `nextToken` is the one main made and kept for its renewal.
   */
  setToken(token: string | null, expiresInMs?: number, nextToken?: string | null): void {
    if (this.options.credentials.kind !== 'token') return;
    this.givenToken = token;
    this.token = token;
    this.nextToken = nextToken ?? null;
    this.renewAt = expiresInMs === undefined ? 0 : this.now() + expiresInMs / 2;
    // Signed out until now: with a token it is connecting from this moment, not "signed out" until
    // the next cycle answers two seconds later (issue 19, item 12).
    if (token && this.state === 'signed_out') this.setState('connecting');
    if (token) this.ring('now');
  }

  /**
   * Renews the workstation token once it is half-way through its life (issue 18), before anything
   * else in the cycle: nothing waits for a person to sign in, and no write waits (the outbox is
   * untouched; the replaced token keeps a short grace for requests in flight, which are also
   * retried with the new one). The new token is the one made and kept beforehand (nextToken), so
   * this is idempotent: unreachable or a lost answer, the same renewal is asked next cycle.
   * Refused: the store may hold the next token already (an answer lost before a restart); else the
   * token is dropped as any refused token is.
   */
  private async renewTokenIfDue(): Promise<void> {
    const token = this.token;
    const next = this.nextToken;
    if (!token || this.now() < this.renewAt) return;
    // None yet: main hands one with the token it keeps after a renewal (a moment later).
    if (!next || next === token) return;
    const r = await this.client.renewWorkstationToken(token, workstationTokenHash(next));
    // Main handed over another token meanwhile (someone signed in): the store's current token is
    // that one (a renewal after the sign-in is refused as replaced); renew it next cycle.
    if (this.token !== token) {
      this.renewAt = 0;
      return;
    }
    if (r.ok) {
      this.renewed(next, token, r.value.expiresInMs);
      return;
    }
    if (r.failure.kind === 'auth') {
      if (await this.settleWithNext(token)) return;
      this.dropToken(token);
      await this.signedIn();
      return;
    }
    if (r.failure.code === 'conflict') {
      // A sign-in here replaced the token after this renewal was asked: main hands that one over.
      this.renewAt = this.now() + RENEWAL_RETRY_MS;
    }
    this.log(`could not renew the workstation token yet (${r.failure.message}); the current one is kept`);
  }

  /**
   * The store refused `refused`. If this workstation made a next token, the store may hold that
   * one instead: a renewal it made whose answer never arrived (a lost answer, then the replaced
   * token's grace ran out; a process killed before it kept the answer). Asking that renewal again
   * with the next token itself changes nothing on the store and says whether it works; if it does,
   * it is kept as the current token. True when it was.
   */
  private async settleWithNext(refused: string): Promise<boolean> {
    const next = this.nextToken;
    if (!next || next === refused || this.token !== refused) return false;
    const r = await this.client.renewWorkstationToken(next, workstationTokenHash(next));
    if (!r.ok || this.token !== refused) return false;
    this.log('the workstation token was renewed earlier but its answer was lost; the renewed one is kept');
    this.renewed(next, refused, r.value.expiresInMs);
    return true;
  }

  private renewed(token: string, replaced: string, expiresInMs: number): void {
    this.adoptToken(token, expiresInMs);
    if (this.options.credentials.kind === 'token') {
      this.givenToken = token;
      // Main keeps the renewed token and hands it back with a new next one.
      this.nextToken = null;
      this.options.onTokenRenewed?.({ token, replaced, expiresInMs });
    }
  }

  private adoptToken(token: string, expiresInMs: number | undefined): void {
    this.token = token;
    this.renewAt = expiresInMs === undefined ? 0 : this.now() + expiresInMs / 2;
    if (this.options.credentials.kind === 'password') {
      this.heldToken.set(token);
      // The next renewal's token, kept before that renewal is ever asked.
      if (this.nextToken === null || this.nextToken === token) {
        this.nextToken = makeWorkstationToken();
        this.heldNextToken.set(this.nextToken);
      }
    }
  }

  private async signedIn(): Promise<string> {
    if (this.token) return this.token;
    const credentials = this.options.credentials;
    if (credentials.kind === 'token') {
      throw new CycleFailure(
        { kind: 'auth', status: null, code: 'unauthenticated', message: 'Sync waits for someone to sign in online on this workstation.' },
        true,
      );
    }
    const workstation = { id: this.options.clientId, name: credentials.workstationName ?? 'Workstation' };
    const r = await this.client.login(credentials.username, credentials.password, workstation, undefined, this.heldToken.get(), this.nextToken);
    if (r.ok) {
      const token = r.value.workstationToken ?? r.value.token;
      this.adoptToken(token, r.value.workstationTokenExpiresInMs);
      return token;
    }
    // 401 (wrong name or password, inactive user) or a 4xx about the credentials themselves.
    if (r.failure.kind !== 'transient') {
      throw new CycleFailure({ ...r.failure, message: `The central store refused the sign-in of “${credentials.username}”: ${r.failure.message}` }, true);
    }
    throw new CycleFailure(r.failure);
  }

  /** Runs a request with the workstation token, signing in again once when the store says 401. */
  private async withToken<T>(request: (token: string) => Promise<StoreResult<T>>): Promise<StoreResult<T>> {
    const token = await this.signedIn();
    const first = await request(token);
    if (first.ok || first.failure.kind !== 'auth') return first;
    if (await this.settleWithNext(token)) return request(this.token ?? (await this.signedIn()));
    this.dropToken(token);
    return request(await this.signedIn());
  }

  /** The store refused `token`: a given one is forgotten (main too), a password one is renewed. */
  private dropToken(token: string): void {
    if (this.token === token) this.token = null;
    if (this.options.credentials.kind === 'token' && this.givenToken === token) {
      this.givenToken = null;
      this.options.onTokenRefused?.();
    }
  }

  private expect<T>(r: StoreResult<T>): { value: T; serverTime: number | null } {
    if (r.ok) return r;
    throw new CycleFailure(r.failure);
  }

  // ——— Sign-in events recorded offline ———

  private async deliverAudit(): Promise<void> {
    for (;;) {
      const events = this.audit.batch();
      if (events.length === 0) return;
      const sent = await this.withToken((token) => this.client.reportAudit(token, { events }));
      if (!sent.ok && sent.failure.kind === 'permanent') {
        // A store that cannot take them (an older store, a malformed event) must not stop sync.
        this.log(`the central store refused ${events.length} offline sign-in event(s); they are dropped: ${sent.failure.message}`);
      } else {
        this.expect(sent);
      }
      this.audit.delivered(events.map((e) => e.id));
    }
  }

  // ——— Push ———

  private async pushAll(): Promise<void> {
    let renumberedAt = -1;
    // After the store refused a whole request (400/413), entries go one at a time until the one it
    // refuses is found and set aside: one malformed or oversized entry must not hold up the queue.
    let oneByOne = false;
    for (;;) {
      this.kicked = false;
      const batch = this.fitBody(this.queue.batch(oneByOne ? 1 : PUSH_BATCH_MAX));
      const first = batch[0];
      const last = batch[batch.length - 1];
      if (!first || !last) return;
      const sent = await this.withToken((token) => this.client.push(token, { clientId: this.options.clientId, mutations: batch }));
      if (!sent.ok && sent.failure.kind === 'permanent' && (sent.failure.status === 400 || sent.failure.status === 413)) {
        if (batch.length > 1) {
          oneByOne = true;
          continue;
        }
        this.log(`the central store refused to take write #${first.id} (${first.name}): ${sent.failure.message}`);
        this.queue.refuseLocally(first.id, sent.failure.code, `The central store would not take this write: ${sent.failure.message}`, this.now());
        this.options.onCommitted?.();
        continue;
      }
      const r = this.expect(sent);
      const { lastMutationId, results } = r.value;
      const reused = results.filter((o) => o.status === 'id_reused').map((o) => o.id);
      if (reused.length > 0) {
        // This cache was restored from an older copy and handed out ids the store had settled for
        // other writes. Those writes (and every later one) take ids after the store's last, before
        // the settle below deletes what the store's last id covers.
        const from = Math.min(...reused);
        const shift = this.queue.moveAbove(from, lastMutationId);
        this.log(`the central store settled other writes under #${from}…#${lastMutationId}: this cache was restored from an older copy; moved the queued writes from #${from} up by ${shift}`);
      }
      this.queue.settle(lastMutationId, results, r.serverTime ?? this.now());
      this.options.onCommitted?.();
      this.setState('online');
      if (lastMutationId < first.id - 1 && renumberedAt !== lastMutationId) {
        // The store has never seen ids this high from us: it is a new store at the same address, or
        // one restored from an older copy. What it lost cannot be sent again (it was confirmed and
        // deleted here), but the queue can go on: its entries take the ids the store expects next.
        renumberedAt = lastMutationId;
        const shift = this.queue.renumberAfter(lastMutationId);
        this.log(`the central store expects write #${lastMutationId + 1} next but the queue starts at #${first.id}; renumbered the ${this.queue.count()} queued writes by -${shift}`);
        continue;
      }
      if (lastMutationId < last.id) {
        // The store stopped part-way through the batch without an error: nothing sent again can fill that gap.
        throw new CycleFailure({
          kind: 'permanent',
          status: 200,
          code: 'conflict',
          message: `The central store settled this workstation's writes up to #${lastMutationId} and stopped before #${last.id} without saying why; sync tries again later.`,
        });
      }
    }
  }

  /** Trims a batch so its JSON body stays under the store's body limit (at least one entry goes). */
  private fitBody(batch: PushedMutation[]): PushedMutation[] {
    const budget = this.options.pushBodyBytes ?? 768 * 1024;
    let bytes = 128;
    for (let i = 0; i < batch.length; i++) {
      bytes += Buffer.byteLength(JSON.stringify(batch[i])) + 1;
      if (bytes > budget && i > 0) return batch.slice(0, i);
    }
    return batch;
  }

  // ——— Pull ———

  private startOver(why: string): void {
    this.log(`the pull starts over: ${why}`);
    this.resetRequested = false;
    this.applier.clearCursor();
    this.snapshot = null;
    this.progress.reset();
  }

  private pullPage(cursor: string | null, tables?: SyncTableName[]): Promise<StoreResult<PullResponse>> {
    const limit = this.options.pullLimit ?? PULL_PAGE.max;
    return this.withToken((token) => this.client.pull(token, { clientId: this.options.clientId, cursor, limit, ...(tables ? { tables } : {}) }));
  }

  /**
   * Pulls pages until the store says there is no more. While pages are applied (synchronous SQLite
   * work) the next one is already requested, so the store's and the network's time overlap the
   * cache's. During a snapshot up to SNAPSHOT_PAGES_PER_COMMIT pages go into one transaction (see
   * PageApplier.applyPages); in the log phase every page commits on its own, at once. A prefetched
   * page is dropped when a push came in between: it was read before the push and would briefly put
   * the store's older state back over rows the push just settled.
   */
  private async pullToEnd(): Promise<void> {
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
      if (this.kicked || this.resetRequested || this.stopping) {
        flush();
        prefetched = null;
      }
      if (this.kicked) await this.pushAll();
      if (this.resetRequested) {
        this.startOver('a reset was asked for');
        cursor = undefined;
      }
      if (this.stopping) return;
      if (cursor === undefined) {
        const stored = this.applier.readCursor();
        cursor = stored.cursor;
        storeId = stored.storeId;
      }
      if (cursor === null && !this.snapshot) {
        this.snapshot = this.applier.beginSnapshot(SYNC_TABLE_NAMES);
        this.refreshReadiness();
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
      const page: PullResponse = this.expect(r).value;
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
      if (page.hasMore && !this.kicked && !this.resetRequested && !this.stopping) {
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
        this.lastSyncAt = this.now();
        return;
      }
    }
  }

  private applyPages(pages: PullResponse[], saveCursor: boolean, snapshot: SnapshotPlan | null = this.snapshot): void {
    const last = pages[pages.length - 1];
    if (!last) return;
    const outcome = this.applier.applyPages(pages, { snapshot: last.phase === 'snapshot' ? snapshot : null, saveCursor });
    this.options.onCommitted?.();
    this.setState('online');
    if (last.phase === 'snapshot' && last.progress && !last.snapshotComplete) {
      const at = this.now();
      this.progress.record(at, last.progress.done);
      this.initialSync = { done: last.progress.done, total: last.progress.total, etaMs: this.progress.etaMs(last.progress.done, last.progress.total) };
    } else {
      this.initialSync = null;
    }
    if (saveCursor && last.snapshotComplete) this.snapshot = null;
    if (saveCursor) this.pulledVersion = last.version;
    // The snapshot sends tables in SYNC_TABLES order: once a page holds rows of a table after the
    // contact tables, the directory is complete, and lookups need its indexes for the rest of the copy.
    if (!this.directoryReady && (last.snapshotComplete || pages.some(pastDirectory))) this.buildDeferredIndexes('directory');
    // The end of a snapshot: the order tables are complete, so build what the copy deferred (before
    // screens are told to reload, so they find the order history).
    if (last.snapshotComplete) this.buildDeferredIndexes();
    if (outcome.changed > 0) {
      this.dataVersion++;
      this.options.onPulled?.({ tables: outcome.changedTables, dataVersion: this.dataVersion, copying: this.copyStatus() !== null });
    }
  }

  /** A snapshot of some tables only (after a checksum mismatch); its cursor is not kept. */
  private async repull(tables: SyncTableName[]): Promise<void> {
    const plan = this.applier.beginSnapshot(tables);
    this.refreshReadiness();
    this.progress.reset();
    let cursor: string | null = null;
    this.repulling = true;
    try {
      for (;;) {
        if (this.kicked) await this.pushAll();
        if (this.stopping) return;
        const page: PullResponse = this.expect(await this.pullPage(cursor, cursor === null ? tables : undefined)).value;
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

  // ——— Check ———

  private async answerCheck(): Promise<void> {
    const waiters = this.checkWaiters.splice(0);
    let result: SyncCheckResult;
    try {
      result = await this.compareWithStore();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      for (const answer of waiters) answer(this.remember(this.skippedCheck(`The check could not finish: ${why}`)));
      // Unreachable: the loop goes offline and retries. Refused (an older store, say), or asked to
      // come back later (the store bounds how often one workstation makes it hash every row, 429):
      // said above, sync goes on; the store is reachable, so the status must not say offline.
      if (e instanceof CycleFailure && !e.signedOut && (e.failure.kind === 'permanent' || e.failure.status === 429)) return;
      throw e;
    }
    this.remember(result);
    for (const answer of waiters) answer(result);
  }

  private async compareWithStore(): Promise<SyncCheckResult> {
    for (let attempt = 1; attempt <= CHECK_ATTEMPTS; attempt++) {
      await this.pushAll();
      await this.pullToEnd();
      if (this.queue.count() > 0 && attempt < CHECK_ATTEMPTS) continue;
      if (this.queue.count() > 0) break;
      const server = this.expect(await this.withToken((token) => this.client.checksums(token))).value;
      // The store's figures are from its version N; compare once the cache has pulled up to N.
      if (server.version > this.pulledVersion && attempt < CHECK_ATTEMPTS) continue;
      // Table by table, letting messages in between (a status poll waits for one table at most).
      const local = {} as Record<SyncTableName, { count: number; sum: string }>;
      for (const table of SYNC_TABLE_NAMES) {
        local[table] = this.checksums.table(table);
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
      for (const t of differing) this.repullTables.add(t);
      return { at: this.now(), match: differing.length === 0, tables, repulling: differing, skipped: null };
    }
    return this.skippedCheck('Writes made on this workstation are still being sent; check again in a moment.');
  }

  private skippedCheck(why: string): SyncCheckResult {
    return { at: this.now(), match: false, tables: [], repulling: [], skipped: why };
  }

  private remember(result: SyncCheckResult): SyncCheckResult {
    this.lastCheck = result;
    return result;
  }

  // ——— Live stream ———

  private async followEvents(): Promise<void> {
    let failures = 0;
    let connectedBefore = false;
    while (!this.stopping) {
      if (this.state !== 'online' || !this.token) {
        await new Promise<void>((resolve) => this.onlineWaiters.push(resolve));
        continue;
      }
      const token = this.token;
      const stream = new AbortController();
      const stop = () => stream.abort();
      this.stopController.signal.addEventListener('abort', stop, { once: true });
      try {
        const opened = await this.client.openEvents(token, stream.signal);
        if (opened.ok) {
          failures = 0;
          // Pokes sent while we were not listening are lost: pull once to catch up.
          if (connectedBefore) this.poke();
          connectedBefore = true;
          await followPokes(opened.value, { signal: stream.signal, onPoke: () => this.poke() });
        } else if (opened.failure.kind === 'auth' && this.token === token) {
          if (!(await this.settleWithNext(token))) this.dropToken(token); // the loop signs in again on its next request
        }
      } finally {
        this.stopController.signal.removeEventListener('abort', stop);
      }
      if (this.stopping) return;
      // The stream ended or could not open: the store may be gone. A cycle finds out at once (and
      // the status says 'offline') rather than at the next 30-second round.
      this.poke();
      failures++;
      await this.pause(retryDelayMs(failures, this.random, this.options.retry ?? RETRY));
    }
  }

  /** Waits `ms`, or less if the engine stops. */
  private pause(ms: number): Promise<void> {
    const signal = this.stopController.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private poke(): void {
    this.poked = true;
    this.ring('poke');
  }

  private log(message: string, error?: unknown): void {
    if (this.options.log) this.options.log(message, error);
  }
}

/** The last of the directory's tables in snapshot order; a page with rows of any later table is past it. */
const LAST_DIRECTORY_TABLE = Math.max(...DIRECTORY_TABLES.map((t) => SYNC_TABLE_NAMES.indexOf(t as SyncTableName)));

function pastDirectory(page: PullResponse): boolean {
  if (page.phase !== 'snapshot') return true;
  return Object.entries(page.changes).some(([table, part]) => part !== undefined && part.rows.length > 0 && SYNC_TABLE_NAMES.indexOf(table as SyncTableName) > LAST_DIRECTORY_TABLE);
}
