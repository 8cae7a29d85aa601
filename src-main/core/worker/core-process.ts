/**
 * CoreProcess: the main-thread side of the core. It owns no database connection itself; it starts
 * the writer worker (which migrates the cache before anything else may touch it), then a reader,
 * validates every call against its contract and routes it by the contract's access: reads to the
 * reader, writes to the writer, `sync` to the sync engine's thread when a central store is
 * configured. Electron's main process and the browser host both use it, so the tests exercise the
 * same arrangement users run.
 */
import type { Worker } from 'node:worker_threads';
import { hostname, userInfo } from 'node:os';
import { contracts, isAuthChannel, isStoreChannel, isSyncChannel, type ChannelParsedInput, type SyncChannel } from '../../../src-shared/contracts';
import { fail, type Result } from '../../../src-shared/result';
import type { SyncTableName } from '../../../src-shared/sync/tables';
import { admit } from '../rpc/admit';
import { CoPurchaseMinerThread } from '../suggestions/co-purchase-thread';
import { SyncThread } from '../sync/sync-thread';
import type { Actor, FromWorker, ToWorker, WorkerConfig, WorkerRole } from './protocol';
import { startWorker, stopWorker } from './worker-thread';
import type { UsersOp } from '../auth/local-users';
import { SessionKeeper } from '../auth/session-keeper';
import { answerAuth } from '../auth/auth-channels';
import { LOCAL_SYNC_ANSWERS } from '../sync/local-only';
import { MemorySecretStore, type SecretStore } from '../auth/secret-store';
import type { ThrottlePolicy } from '../auth/throttle';
import type { ScryptCost } from '../auth/verifier';
import { logger } from '../log/logger';

const log = logger('core');

export interface CoreOptions {
  dbFile: string;
  /** The worker script: out/main/db-worker.js when built; the .ts source under tsx in tests. */
  workerFile: string;
  migrationsFolder: string;
  defaultRegion: string;
  host: 'electron' | 'browser-host';
  version?: string;
  /**
   * The name recorded for a call that carries no signed-in user (defaults to the OS user name).
   * Every user write needs a session (src-shared/auth/channel-permissions.ts), so writes are recorded
   * as the signed-in user; this only fills the context before the first session.
   */
  agentId?: string;
  nativeBinding?: string | undefined;
  /** Days an answered offer is not suggested again (src-shared/domain/offer-rules.ts). */
  offerCooldownDays?: number | undefined;
  /** Where exports (report:export) are saved: Electron's Downloads folder, the browser host's setting; default ~/Downloads. */
  downloadsDir?: string | undefined;
  demoSeed?: boolean;
  /** The co-purchase miner's worker script (out/main/co-purchase-worker.js); without it no rules are mined. */
  minerWorkerFile?: string;
  /**
   * The central store to sync with. Without it the cache works alone ('local_only'). Sync uses the
   * workstation token the first online sign-in gives (issue 5), not credentials from the environment.
   */
  sync?: SyncSettings;
  /** Signing in (issue 5). Without it: tokens in memory, the default idle lock, no demo accounts. */
  auth?: AuthSettings;
}

export interface AuthSettings {
  /** Electron: safeStorage; the browser host: memory. */
  secrets?: SecretStore;
  idleLockMs?: number;
  /** The computer's name as the store's workstation list shows it. */
  workstationName?: string;
  /** With no central store: create the demo accounts on a workstation that has no user. */
  demoAccounts?: boolean;
  throttle?: ThrottlePolicy;
  /** Tests make verifiers cheaper. */
  verifierCost?: ScryptCost;
  idleCheckMs?: number;
  /** How often an online session is confirmed with the store (default 60 s). */
  sessionCheckMs?: number;
}

export interface SyncSettings {
  serverUrl: string;
  /**
   * Headless tools (the bench, the fault-injection clients) sign in as a fixed account. Without
   * them sync waits for a person to sign in online and uses the workstation token that gives.
   */
  username?: string;
  password?: string;
  /** out/main/sync-worker.js when built; a tsx bootstrap in tests. */
  workerFile: string | URL;
  /** out/main/checkpoint-worker.js when built (see SyncWorkerConfig.checkpointWorkerFile). */
  checkpointWorkerFile?: string;
  /** Rows per pull page (tests use small pages); default the most the store sends. */
  pullLimit?: number;
}

/** Pulled orders reach suggestions at most this often (the miner also spaces its own runs). */
const SUGGESTION_REFRESH_MS = 5_000;
const ORDER_TABLES: readonly SyncTableName[] = ['orders', 'order_lines', 'products', 'product_relations'];

function workstationName(options: CoreOptions): string {
  if (options.auth?.workstationName) return options.auth.workstationName;
  try {
    return hostname() || 'Workstation';
  } catch {
    return 'Workstation';
  }
}

function defaultAgentId(): string {
  try {
    return userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}

interface Pending {
  resolve: (r: Result<unknown>) => void;
}

class DbWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private starting: Promise<void> | undefined;
  private closing = false;

  constructor(
    private readonly role: WorkerRole,
    private readonly options: CoreOptions,
  ) {}

  start(): Promise<void> {
    if (this.starting) return this.starting;
    const config: WorkerConfig = {
      role: this.role,
      dbFile: this.options.dbFile,
      migrationsFolder: this.options.migrationsFolder,
      defaultRegion: this.options.defaultRegion,
      host: this.options.host,
      version: this.options.version ?? '0.0.0',
      agentId: this.options.agentId ?? defaultAgentId(),
      nativeBinding: this.options.nativeBinding,
      offerCooldownDays: this.options.offerCooldownDays,
      demoSeed: this.role === 'writer' && (this.options.demoSeed ?? false),
      buildDeferred: this.role === 'writer' && this.options.sync === undefined,
    };
    const { worker, ready } = startWorker<FromWorker>({
      name: this.role,
      workerFile: this.options.workerFile,
      workerData: config,
      onMessage: (msg) => {
        if (msg.type !== 'result') return;
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.resolve(msg.result);
      },
      onError: (err) => log.error({ err }, `the ${this.role} worker failed`),
      onExit: () => {
        this.worker = undefined;
        this.starting = undefined;
        // Calls in flight get an answer, never a hang; the next call starts a fresh worker.
        for (const [, p] of this.pending) {
          p.resolve(fail('unavailable', 'The local cache restarted while answering; try again.'));
        }
        this.pending.clear();
      },
    });
    this.worker = worker;
    this.starting = ready;
    return ready;
  }

  call(channel: string, input: unknown, actor: Actor | null = null): Promise<Result<unknown>> {
    return this.ask((id) => ({ type: 'call', id, channel, input, actor }));
  }

  /** The session keeper's questions about local users (writer only). */
  users(op: UsersOp): Promise<Result<unknown>> {
    return this.ask((id) => ({ type: 'users', id, op }));
  }

  /** Sends one message that expects an answer; starts the worker if needed. Never throws. */
  private async ask(message: (id: number) => ToWorker): Promise<Result<unknown>> {
    if (this.closing) return fail('unavailable', 'Switchboard is shutting down.');
    try {
      await this.start();
    } catch (e) {
      return fail('unavailable', `The local cache is not available: ${e instanceof Error ? e.message : String(e)}`);
    }
    const worker = this.worker;
    if (!worker) return fail('unavailable', 'The local cache is not available; try again.');
    const id = this.nextId++;
    return new Promise<Result<unknown>>((resolve) => {
      this.pending.set(id, { resolve });
      worker.postMessage(message(id));
    });
  }

  async stop(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    if (!worker) return;
    // Let the connection close cleanly (WAL checkpoint), but never hang a quit on it.
    await stopWorker(worker, { type: 'close' } satisfies ToWorker, 2000, this.role);
  }
}

export class CoreProcess {
  private readonly writer: DbWorker;
  private readonly reader: DbWorker;
  private readonly miner: CoPurchaseMinerThread | undefined;
  private readonly sync: SyncThread | undefined;
  /** Who is signed in; asked before every call is routed. */
  readonly session: SessionKeeper;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private lastRefresh = 0;
  private ordersArrivedWhileCopying = false;
  private stopping = false;

  constructor(private readonly options: CoreOptions) {
    this.writer = new DbWorker('writer', options);
    this.reader = new DbWorker('reader', options);
    this.miner = options.minerWorkerFile
      ? new CoPurchaseMinerThread({
          dbFile: options.dbFile,
          migrationsFolder: options.migrationsFolder,
          nativeBinding: options.nativeBinding,
          workerFile: options.minerWorkerFile,
        })
      : undefined;
    this.sync = options.sync
      ? new SyncThread({
          dbFile: options.dbFile,
          migrationsFolder: options.migrationsFolder,
          nativeBinding: options.nativeBinding,
          serverUrl: options.sync.serverUrl,
          credentials:
            options.sync.username && options.sync.password
              ? { kind: 'password', username: options.sync.username, password: options.sync.password, workstationName: workstationName(options) }
              : { kind: 'token', token: null },
          workerFile: options.sync.workerFile,
          checkpointWorkerFile: options.sync.checkpointWorkerFile,
          pullLimit: options.sync.pullLimit,
          onPulled: (change) => this.pulled(change.tables, change.copying),
          onTokenRefused: () => this.session.workstationTokenRefused(),
          onTokenRenewed: (renewal) => this.session.workstationTokenRenewed(renewal),
        })
      : undefined;
    this.session = new SessionKeeper({
      serverUrl: options.sync?.serverUrl ?? null,
      downloadsDir: options.downloadsDir,
      workstation: async () => {
        const id = await this.writer.users({ op: 'client-id' });
        if (!id.ok) throw new Error(id.error.message);
        return { id: id.value as string, name: workstationName(options) };
      },
      users: (op) => this.writer.users(op),
      secrets: options.auth?.secrets ?? new MemorySecretStore(),
      idleLockMs: options.auth?.idleLockMs,
      demoAccounts: options.auth?.demoAccounts,
      throttle: options.auth?.throttle,
      verifierCost: options.auth?.verifierCost,
      idleCheckMs: options.auth?.idleCheckMs,
      // The call desk's own state, for this user: an open call keeps the session awake (issue 19).
      callOpen: async (user) => {
        const r = await this.reader.call('call:current', {}, user);
        if (!r.ok) throw new Error(r.error.message);
        return (r.value as { call: unknown }).call !== null;
      },
      sessionCheckMs: options.auth?.sessionCheckMs,
      onWorkstationToken: (token, expiresInMs, nextToken) => this.sync?.setToken(token, expiresInMs, nextToken),
    });
  }

  /**
   * Migrates (and on first start seeds) the cache, then opens the reader. Rejects with a message for
   * people. The co-purchase miner then starts in the background: suggestions never wait for it.
   * Sync starts last, on the migrated file, also in the background: the window never waits for the
   * store. If it cannot start the cache still works (its channels then answer `unavailable`).
   */
  async start(): Promise<void> {
    await this.writer.start();
    await this.reader.start();
    await this.session.start();
    this.miner?.start().catch((e: unknown) => log.error({ err: e }, 'the co-purchase miner did not start; suggestions use curated relations only'));
    this.sync?.start().catch((e: unknown) => {
      if (!this.stopping) log.error({ err: e }, 'sync did not start; the cache works alone until restart');
    });
  }

  /** Asks the miner to fold in orders that arrived since its last run (sync calls this after a batch). */
  refreshSuggestions(): void {
    this.miner?.refresh().catch((e: unknown) => {
      // A run cut short by quitting is not a failure: it resumes on the next start.
      if (!this.stopping) log.error({ err: e }, 'co-purchase refresh failed');
    });
  }

  /**
   * Pulled pages changed rows: when orders or the catalogue changed, refresh suggestions, throttled.
   * Not while the first copy runs: the miner would recount a growing table every few seconds and
   * take the write lock from the copy; the copy's last page (copying false) refreshes once.
   */
  private pulled(tables: readonly SyncTableName[], copying: boolean): void {
    if (copying) {
      this.ordersArrivedWhileCopying ||= tables.some((t) => ORDER_TABLES.includes(t));
      return;
    }
    const ordersChanged = this.ordersArrivedWhileCopying || tables.some((t) => ORDER_TABLES.includes(t));
    this.ordersArrivedWhileCopying = false;
    if (!this.miner || this.stopping || this.refreshTimer || !ordersChanged) return;
    const wait = Math.max(0, this.lastRefresh + SUGGESTION_REFRESH_MS - Date.now());
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.lastRefresh = Date.now();
      this.refreshSuggestions();
    }, wait);
  }

  /**
   * Validates, authorizes and routes one call. Never throws: every outcome is an envelope. What
   * the channel needs (src-shared/auth/channel-permissions.ts) is checked here, before anything
   * runs, for every channel: signed out, locked or a role without the permission is refused.
   */
  async call(channel: string, rawInput: unknown): Promise<Result<unknown>> {
    // Who may ask comes before what was asked: a refused caller learns nothing about the input.
    const admitted = admit(this.session, channel, rawInput);
    if (!admitted.ok) return admitted;
    const { channel: name, actor } = admitted.value;
    let input = admitted.value.input;
    if (isAuthChannel(name)) return answerAuth(this.session, name, input);
    if (isStoreChannel(name)) return this.session.callStore(name, input);
    if (isSyncChannel(name)) return this.callSync(name, input);
    let callActor = actor;
    if (name === 'order:submit') {
      // A supervisor approving at this workstation: their password is checked here, by the session
      // keeper (the verifier cached for offline sign-in, throttled like a sign-in; the signed-in
      // session is not touched). The worker gets who they are, never the password.
      const approval = (input as ChannelParsedInput<'order:submit'>).approval;
      if (approval && actor) {
        const approver = await this.session.verifyApprover(approval.username, approval.password);
        if (!approver.ok) return approver;
        callActor = { ...actor, approver: approver.value };
        input = { ...(input as ChannelParsedInput<'order:submit'>), approval: { ...approval, password: '' } };
      }
    }
    const access = contracts[name].access;
    const result = await (access === 'read' ? this.reader : this.writer).call(name, input, callActor);
    // A saved write goes to the store at once, not at the next 30-second round.
    if (access === 'write' && result.ok) this.sync?.kick();
    return result;
  }

  /**
   * With a store configured the sync thread answers; without one the database workers answer from
   * the cache itself ('local_only', the outbox counted honestly), each channel on the worker its
   * local answer names (sync/local-only.ts: the writer for the one that writes).
   */
  private callSync(channel: SyncChannel, input: unknown): Promise<Result<unknown>> {
    if (this.sync) return this.sync.call(channel, input);
    return (LOCAL_SYNC_ANSWERS[channel].on === 'writer' ? this.writer : this.reader).call(channel, input);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.session.stop();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    // Sync first: no page is being applied while the other connections close.
    await this.sync?.stop();
    await Promise.all([this.reader.stop(), this.writer.stop(), this.miner?.stop()]);
  }

  get dbFile(): string {
    return this.options.dbFile;
  }
}
