/**
 * SessionKeeper: who is signed in on this workstation, and what they may do (issue 5). It lives
 * in the main process (Electron's main, or the browser host) beside CoreProcess, which asks it
 * before routing any call: a channel's requirement (src-shared/auth/channel-permissions.ts) is
 * checked here, for every channel, before a handler runs. Deny by default.
 *
 * Signing in:
 * - With a central store configured, online first: the store checks the password, registers the
 *   workstation and hands back the user's session token and the workstation's sync token. A
 *   verifier of the password (scrypt, made here) is then cached with the user's profile, so the
 *   same person can sign in again while the store is unreachable.
 * - The store unreachable (network, timeout, 5xx): the cached verifier decides ("offline").
 * - The store refused (401): one message whatever the reason, and the cached verifier goes, so a
 *   changed password or a disabled user stops working here once the workstation was online.
 * - No store configured: the workstation works alone on its demo accounts.
 *
 * One session at a time. Signing in as someone else while a session is open or locked ends it
 * ("switch user"). Locking keeps the user; unlocking takes their password again (and, for a session
 * begun offline, asks the store too: once it is back the session goes online). Locking for
 * idleness is the idle lock's judgement (idle-lock.ts); the `store` channels are forwarded by the
 * store proxy (store-proxy.ts) with the session's token.
 */
import { randomUUID } from 'node:crypto';
import type { StoreChannel } from '../../../src-shared/contracts';
import type { SessionView, WorkstationUser } from '../../../src-shared/contracts/auth';
import { fail, ok, type Result } from '../../../src-shared/result';
import { ROLE_LABELS, can, permissionsOf, type Permission, type Requirement } from '../../../src-shared/auth/permissions';
import { meResponse, type UserRole, type WorkstationRef } from '../../../src-shared/contracts/server-auth';
import { StoreClient } from '../sync/store-client';
import type { Actor, Approver } from '../worker/protocol';
import { IdleLock } from './idle-lock';
import type { LocalUser, QueuedAuditEvent, UsersOp } from './local-users';
import type { SecretStore } from './secret-store';
import { WorkstationTokenSecrets } from './workstation-token-secrets';
import { StoreProxy, failureForPerson } from './store-proxy';
import { DEFAULT_THROTTLE, SignInThrottle, throttleMessage, type ThrottlePolicy, type ThrottleRecord } from './throttle';
import { checkVerifier, decoyVerifier, makeVerifier, VERIFIER_COST, type ScryptCost } from './verifier';
import { logger } from '../log/logger';

/** One message for an unknown name, a wrong password and a disabled user. */
export const WRONG_CREDENTIALS = 'Wrong user name or password.';

export { DEFAULT_IDLE_LOCK_MS } from './idle-lock';
/** How long an online sign-in waits for the store before trying the cached verifier. */
const ONLINE_SIGN_IN_TIMEOUT_MS = 6_000;
/**
 * How long unlocking a session begun offline waits for the store before staying offline: short,
 * since the person is already let in by the cached verifier (an unreachable store usually refuses
 * the connection at once; this bounds a network that drops packets instead).
 */
const UNLOCK_ONLINE_TIMEOUT_MS = 1_500;

/** The accounts a workstation without a central store works with (the demo store has the same). */
export const LOCAL_DEMO_ACCOUNTS: readonly { username: string; password: string; displayName: string; role: UserRole; teams: string[] }[] = [
  { username: 'admin', password: 'admin-demo', displayName: 'Demo Admin', role: 'admin', teams: [] },
  { username: 'supervisor', password: 'supervisor-demo', displayName: 'Demo Supervisor', role: 'supervisor', teams: ['Phones'] },
  { username: 'csr', password: 'csr-demo', displayName: 'Demo CSR', role: 'csr', teams: ['Phones'] },
  { username: 'associate', password: 'associate-demo', displayName: 'Demo Associate', role: 'store_associate', teams: ['Counter'] },
];

export interface SessionKeeperOptions {
  /** The central store, or null when this workstation works alone. */
  serverUrl: string | null;
  /** Where exports (report:export) are saved; default ~/Downloads. */
  downloadsDir?: string | undefined;
  /** This workstation as the store knows it (the cache's client id and the computer's name). */
  workstation: () => Promise<WorkstationRef>;
  /** Asks the writer worker about local users (see LocalUsers.run). */
  users: (op: UsersOp) => Promise<Result<unknown>>;
  secrets: SecretStore;
  idleLockMs?: number;
  /**
   * The workstation's sync token changed (null: there is none, sync waits for an online sign-in);
   * `expiresInMs` when the store said how long it works (unknown for one kept from an earlier run);
   * `nextToken` the one made and kept for its renewal (issue 18).
   */
  onWorkstationToken?: (token: string | null, expiresInMs?: number, nextToken?: string | null) => void;
  /** Without a store: create the demo accounts when the workstation has no user at all. */
  demoAccounts?: boolean;
  throttle?: ThrottlePolicy;
  verifierCost?: ScryptCost;
  now?: () => number;
  /** How often the idle lock is checked (tests shorten it). */
  idleCheckMs?: number;
  /**
   * Whether this user has a call that is not wrapped up yet (the call desk's state). While one is,
   * idleness does not lock the session. Without it (tests of other things) no call is ever open.
   */
  callOpen?: (user: Actor) => Promise<boolean>;
  /**
   * How often an online session asks the store whether it still stands (default 60 s): a user
   * disabled, signed out elsewhere or given another role meanwhile is signed out here, or gets the
   * new role's permissions, without waiting for the next sign-in.
   */
  sessionCheckMs?: number;
}

interface OpenSession {
  user: WorkstationUser;
  /** The user's session token on the store, or null when signed in offline or without a store. */
  token: string | null;
  offline: boolean;
  locked: boolean;
}

/** What the store answers an accepted sign-in. */
type StoreLogin = Extract<Awaited<ReturnType<StoreClient['login']>>, { ok: true }>['value'];

export class SessionKeeper {
  private session: OpenSession | null = null;
  private readonly throttle: SignInThrottle;
  private readonly now: () => number;
  private readonly client: StoreClient | null;
  /** The workstation's sync token for the store (null without one). */
  private readonly tokens: WorkstationTokenSecrets | null;
  private readonly idle: IdleLock<OpenSession>;
  private readonly store: StoreProxy;
  private checkTimer: ReturnType<typeof setInterval> | undefined;
  private checking = false;
  /** Sign-in and unlock run one at a time: two racing attempts must not both open a session. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SessionKeeperOptions) {
    // Every change is written to the cache, so restarting the app does not lift a lockout.
    this.throttle = new SignInThrottle(options.throttle ?? DEFAULT_THROTTLE, (key, record) => {
      void this.users({ op: 'throttle-save', key, record });
    });
    this.now = options.now ?? Date.now;
    this.client = options.serverUrl ? new StoreClient({ serverUrl: options.serverUrl }) : null;
    this.tokens = this.client ? new WorkstationTokenSecrets(options.secrets, this.client.serverUrl, this.now) : null;
    this.idle = new IdleLock<OpenSession>({
      current: () => this.session,
      lock: (s) => {
        s.locked = true;
      },
      idleLockMs: options.idleLockMs,
      checkMs: options.idleCheckMs,
      now: this.now,
      callOpen: options.callOpen,
    });
    this.store = new StoreProxy({ client: this.client, token: () => this.session?.token ?? null, downloadsDir: options.downloadsDir, now: this.now });
  }

  /** Hands sync the token kept from an earlier run, creates demo accounts if asked, starts the idle watch. */
  async start(): Promise<void> {
    const saved = await this.users({ op: 'throttle-load' });
    if (saved.ok) this.throttle.restore(saved.value as [string, ThrottleRecord][]);
    if (this.tokens) {
      // With when it expires, kept beside it: sync renews it half-way through, not at every start.
      const kept = this.tokens.kept();
      this.options.onWorkstationToken?.(kept.token, kept.expiresInMs, kept.next);
    }
    if (!this.client && this.options.demoAccounts) await this.createDemoAccounts();
    this.idle.start();
    if (this.client) {
      this.checkTimer = setInterval(() => void this.confirmWithStore(), this.options.sessionCheckMs ?? 60_000);
      this.checkTimer.unref?.();
    }
  }

  stop(): void {
    this.idle.stop();
    if (this.checkTimer) clearInterval(this.checkTimer);
  }

  /**
   * Asks the store whether the online session still stands. A definite no (401: disabled, revoked,
   * expired) ends it here too; a changed role or name is taken over. Unreachable: nothing changes.
   */
  private async confirmWithStore(): Promise<void> {
    const s = this.session;
    if (!this.client || !s?.token || this.checking) return;
    this.checking = true;
    try {
      const r = await this.client.send('GET', '/auth/me', s.token, undefined, meResponse, 10_000);
      if (this.session !== s) return;
      if (r.ok) {
        const { username, displayName, role } = r.value.user;
        if (username !== s.user.username || displayName !== s.user.displayName || role !== s.user.role) {
          // Cached first, then taken over: once the session shows the new profile, an offline
          // sign-in later gets it too.
          await this.users({ op: 'update-profile', id: s.user.id, username, displayName, role });
          if (this.session === s) s.user = { ...s.user, username, displayName, role };
        }
      } else if (r.failure.status === 401) {
        this.session = null;
        logger('auth').warn(`the store no longer accepts ${s.user.username}'s session (disabled, signed out elsewhere or expired): signed out here`);
      }
    } finally {
      this.checking = false;
    }
  }

  /**
   * Sync's token was refused by the store (expired, revoked, or the workstation's users are all
   * disabled). It is kept all the same: it is this workstation's proof at the next online sign-in
   * that it is the workstation that registered its id (issue 18), which renews it unless an admin
   * revoked it.
   */
  workstationTokenRefused(): void {
    if (this.client) logger('auth').warn('the central store refused this workstation’s sync token: sync waits for an online sign-in here');
  }

  /**
   * Sync swapped the workstation token for a fresh one before it expired: keep that one, with when
   * it expires (issue 18) — unless a sign-in meanwhile put a newer one here than the one replaced.
   */
  workstationTokenRenewed(renewal: { token: string; replaced: string; expiresInMs: number }): void {
    if (!this.tokens) return;
    if (this.tokens.current() !== renewal.replaced) return;
    const next = this.tokens.keep(renewal.token, renewal.expiresInMs);
    // Sync gets the token back with the next one its next renewal will use.
    this.options.onWorkstationToken?.(renewal.token, renewal.expiresInMs, next);
  }

  view(): SessionView {
    const s = this.session;
    return {
      state: !s ? 'signed_out' : s.locked ? 'locked' : 'signed_in',
      user: s ? s.user : null,
      permissions: s && !s.locked ? permissionsOf(s.user.role) : [],
      offline: s?.offline ?? false,
      idleLockMs: this.idle.idleLockMs,
      secretStorage: this.options.secrets.kind,
      warning: this.options.secrets.warning,
      storeConfigured: this.client !== null,
    };
  }

  /**
   * May the current session make a call that needs `requirement`? The actor to record on its
   * writes when it may; a refusal a person can act on when it may not.
   */
  authorize(requirement: Requirement): Result<Actor | null> {
    if (requirement === 'public') return ok(this.actor());
    const s = this.session;
    if (!s) return fail('unauthenticated', 'Sign in first.');
    if (s.locked) return fail('locked', 'The screen is locked: unlock it with your password, or switch user.');
    if (requirement !== 'session' && !can(s.user.role, requirement)) {
      return fail('forbidden', `Your role (${ROLE_LABELS[s.user.role]}) does not allow this: ${PERMISSION_WORDS[requirement]}.`);
    }
    return ok(this.actor());
  }

  private actor(): Actor | null {
    const s = this.session;
    return s && !s.locked ? { userId: s.user.id, username: s.user.username, role: s.user.role } : null;
  }

  signIn(username: string, password: string): Promise<Result<SessionView>> {
    return this.serially(() => this.signInNow(username.trim().toLowerCase(), password));
  }

  unlock(password: string): Promise<Result<SessionView>> {
    return this.serially(() => this.unlockNow(password));
  }

  async signOut(): Promise<Result<SessionView>> {
    const s = this.session;
    if (s) await this.end(s, 'signed out');
    return ok(this.view());
  }

  /**
   * Locks the session. Asked by a person (the Lock button, Ctrl+L, the OS locking): at once. Asked
   * by a window for idleness (`idle`): only if the keeper judges the session idle too (no window
   * reported activity for the idle time, and no call is open).
   */
  async lock(options: { idle?: boolean } = {}): Promise<Result<SessionView>> {
    if (options.idle) await this.idle.lockIfIdle();
    else if (this.session) this.session.locked = true;
    return ok(this.view());
  }

  activity(): Result<{ lockAt: number }> {
    return ok({ lockAt: this.idle.touch() });
  }

  /**
   * Asks the store a `store` channel's question with the signed-in user's token (store-proxy.ts).
   * The store checks the user and role again; offline or without a store the answer is `unavailable`.
   */
  callStore(channel: StoreChannel, input: unknown): Promise<Result<unknown>> {
    return this.store.call(channel, input);
  }

  /**
   * A supervisor approving a discount beyond the signed-in user's authority at this workstation
   * (issue 21), signing in over that session: their password is checked against the verifier
   * cached here for offline sign-in, throttled and counted like a sign-in (a failure is queued for
   * the store's audit log, which never sees it otherwise). The open session is neither ended nor
   * changed. Whether their role may approve, and whether their authority covers the discount, is
   * the order's check (orders/order-desk.ts).
   */
  verifyApprover(username: string, password: string): Promise<Result<Approver>> {
    return this.serially(() => this.verifyApproverNow(username.trim().toLowerCase(), password));
  }

  private async verifyApproverNow(username: string, password: string): Promise<Result<Approver>> {
    const now = this.now();
    const verdict = this.throttle.check(username, now);
    if (!verdict.allowed) return fail('rate_limited', throttleMessage(verdict, now));
    const found = await this.users({ op: 'find', username });
    let local = found.ok ? (found.value as LocalUser | null) : null;
    if (!local && this.client) {
      // A supervisor who never signed in on this workstation: online, the store checks them as a
      // sign-in over the CSR's session (which stays), and registers them here, so the approval the
      // order carries is one the store accepts; their verifier is kept for offline approvals later.
      const r = await this.client.login(username, password, await this.options.workstation(), ONLINE_SIGN_IN_TIMEOUT_MS, ...this.proofs());
      if (r.ok) {
        await this.acceptedByStore(r.value, password);
        const again = await this.users({ op: 'find', username });
        local = again.ok ? (again.value as LocalUser | null) : null;
      } else if (r.failure.status === 429) {
        return fail('rate_limited', r.failure.message);
      } else if (r.failure.status !== 401) {
        return fail(
          'unavailable',
          'This supervisor has not signed in on this workstation before and the central store cannot check their password now: send the order to the supervisors instead.',
          'approval.username',
        );
      }
    }
    const matches = await checkVerifier(password, local?.verifier ?? (await decoyVerifier()));
    if (!local || !matches) {
      const { lockedNow } = this.throttle.fail(username, now);
      if (this.client) {
        await this.queueAudit('sign_in_failed', username, 'A supervisor’s approval of a discount at this workstation failed: wrong user name or password.');
        if (lockedNow) await this.queueAudit('lockout', username, 'Signing in was locked on this workstation after repeated failures.');
      }
      const after = this.throttle.check(username, now);
      if (!after.allowed && after.locked) return fail('rate_limited', throttleMessage(after, now));
      return fail('unauthenticated', 'Wrong user name or password for the approving supervisor.', 'approval.password');
    }
    this.throttle.succeed(username);
    return ok({ userId: local.id, username: local.username, displayName: local.displayName, role: local.role });
  }

  // ——— Signing in ———

  private async signInNow(username: string, password: string): Promise<Result<SessionView>> {
    const now = this.now();
    const verdict = this.throttle.check(username, now);
    if (!verdict.allowed) return fail('rate_limited', throttleMessage(verdict, now));

    if (this.client) {
      const workstation = await this.options.workstation();
      const r = await this.client.login(username, password, workstation, ONLINE_SIGN_IN_TIMEOUT_MS, ...this.proofs());
      if (r.ok) {
        const user = await this.acceptedByStore(r.value, password);
        return this.open({ user, token: r.value.token, offline: false, locked: false });
      }
      const failure = r.failure;
      if (failure.status === 401) {
        // The store said no: whatever was cached for this name no longer opens this workstation.
        await this.users({ op: 'forget', username });
        return this.failed(username, false);
      }
      if (failure.status === 429) return fail('rate_limited', failure.message);
      if (failure.kind === 'permanent') return fail(...failureForPerson(failure));
      // Unreachable: fall through to the verifier cached at the last online sign-in.
    }

    const found = await this.users({ op: 'find', username });
    const local = found.ok ? (found.value as LocalUser | null) : null;
    const matches = await checkVerifier(password, local?.verifier ?? (await decoyVerifier()));
    if (!local || !matches) return this.failed(username, this.client !== null);
    const { verifier: _v, lastOnlineAt: _l, ...user } = local;
    if (this.client) await this.queueAudit('sign_in_offline', username, 'Signed in against the verifier cached on this workstation (the store was unreachable).');
    return this.open({ user, token: null, offline: this.client !== null, locked: false });
  }

  /**
   * The store accepted the password: the user's profile, with a verifier for next time made from
   * what the person typed, is cached here, and the workstation token it handed over goes to sync.
   */
  private async acceptedByStore(accepted: StoreLogin, password: string): Promise<WorkstationUser> {
    const user: WorkstationUser = { ...accepted.user, teams: accepted.teams };
    const verifier = await makeVerifier(password, this.options.verifierCost ?? VERIFIER_COST);
    await this.users({ op: 'save', user: { ...user, verifier, lastOnlineAt: this.now() } satisfies LocalUser });
    if (accepted.workstationToken && this.tokens) {
      const next = this.tokens.keep(accepted.workstationToken, accepted.workstationTokenExpiresInMs);
      this.options.onWorkstationToken?.(accepted.workstationToken, accepted.workstationTokenExpiresInMs, next);
    }
    return user;
  }

  private async unlockNow(password: string): Promise<Result<SessionView>> {
    const s = this.session;
    if (!s) return fail('unauthenticated', 'Nobody is signed in: sign in.');
    if (!s.locked) return ok(this.view());
    const now = this.now();
    const username = s.user.username;
    const verdict = this.throttle.check(username, now);
    if (!verdict.allowed) return fail('rate_limited', throttleMessage(verdict, now));
    const found = await this.users({ op: 'find', username });
    const local = found.ok ? (found.value as LocalUser | null) : null;
    if (!local || local.id !== s.user.id || !(await checkVerifier(password, local.verifier))) {
      const refused = await this.failed(username, this.client !== null && s.offline);
      return refused.error.code === 'rate_limited' ? refused : fail('unauthenticated', 'Wrong password.');
    }
    this.throttle.succeed(username);
    if (this.session !== s) return ok(this.view());
    if (s.offline && this.client) {
      // Signed in while the store was unreachable: with the password at hand again, try the store,
      // so a session begun offline goes online once it is back (store screens, the store's own checks).
      const online = await this.goOnline(s, password);
      if (!online.ok) return online;
    }
    if (this.session !== s) return ok(this.view());
    s.locked = false;
    this.idle.touch();
    return ok(this.view());
  }

  /**
   * An offline session's unlock, with the store asked too. Accepted: the session gets the store's
   * token (and profile), the verifier is made afresh and the workstation token kept. Refused (the
   * password changed or the user was disabled on the store): the session ends and the verifier
   * goes, as an online sign-in would have it. Unreachable: the session stays offline.
   */
  private async goOnline(s: OpenSession, password: string): Promise<Result<null>> {
    const client = this.client;
    if (!client) return ok(null);
    const workstation = await this.options.workstation();
    const r = await client.login(s.user.username, password, workstation, UNLOCK_ONLINE_TIMEOUT_MS, ...this.proofs());
    if (this.session !== s) return ok(null);
    if (r.ok) {
      const user = await this.acceptedByStore(r.value, password);
      s.user = user;
      s.token = r.value.token;
      s.offline = false;
      return ok(null);
    }
    if (r.failure.status === 401) {
      await this.users({ op: 'forget', username: s.user.username });
      await this.end(s, 'refused by the central store at unlock');
      return fail('unauthenticated', 'The central store no longer accepts this password: sign in again.');
    }
    return ok(null);
  }

  private async open(next: OpenSession): Promise<Result<SessionView>> {
    const previous = this.session;
    if (previous) await this.end(previous, 'switched user');
    this.throttle.succeed(next.user.username);
    this.session = next;
    this.idle.touch();
    return ok(this.view());
  }

  /** A refused attempt: counted, queued for the audit log when the store did not see it. */
  private async failed(username: string, unseenByStore: boolean): Promise<ReturnType<typeof fail>> {
    const now = this.now();
    const { lockedNow } = this.throttle.fail(username, now);
    if (unseenByStore) {
      await this.queueAudit('sign_in_failed', username, 'A sign-in on this workstation failed while the store was unreachable.');
      if (lockedNow) await this.queueAudit('lockout', username, 'Signing in was locked on this workstation after repeated failures.');
    }
    if (lockedNow) {
      const verdict = this.throttle.check(username, now);
      if (!verdict.allowed) return fail('rate_limited', throttleMessage(verdict, now));
    }
    return fail('unauthenticated', WRONG_CREDENTIALS);
  }

  private async end(s: OpenSession, why: string): Promise<void> {
    if (this.session === s) this.session = null;
    if (s.token && this.client) {
      // The store records the sign-out and revokes the token; an unreachable store lets it expire.
      const r = await this.client.logout(s.token, 3_000);
      if (!r.ok && r.failure.kind === 'transient') await this.queueAudit('sign_out', s.user.username, `The session ended (${why}) while the store was unreachable.`);
    } else if (this.client) {
      await this.queueAudit('sign_out', s.user.username, `The offline session ended (${why}).`);
    }
  }

  /** The tokens this workstation holds, sent as its proof when someone signs in online (issue 18). */
  private proofs(): [string | null, string | null] {
    return this.tokens ? this.tokens.proofs() : [null, null];
  }

  private async queueAudit(action: QueuedAuditEvent['action'], username: string, detail: string): Promise<void> {
    await this.users({ op: 'queue-audit', event: { action, username, at: this.now(), detail } });
  }

  private async users(op: UsersOp): Promise<Result<unknown>> {
    const r = await this.options.users(op);
    if (!r.ok) logger('auth').error(`local users ${op.op} failed: ${r.error.message}`);
    return r;
  }

  private async createDemoAccounts(): Promise<void> {
    const count = await this.users({ op: 'count' });
    if (!count.ok || count.value !== 0) return;
    for (const account of LOCAL_DEMO_ACCOUNTS) {
      const verifier = await makeVerifier(account.password, this.options.verifierCost ?? VERIFIER_COST);
      const { password: _p, ...profile } = account;
      await this.users({ op: 'save', user: { id: randomUUID(), ...profile, verifier, lastOnlineAt: null } });
    }
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** What a permission allows, for the refusal sentence. */
const PERMISSION_WORDS: Readonly<Record<Permission, string>> = {
  'customer.read': 'looking up customers',
  'customer.create': 'creating customers',
  'customer.edit_contact': 'changing contact details',
  'call.handle': 'handling calls',
  'call.others': 'stepping another agent’s call or offer',
  'complaint.log': 'logging complaints and notes',
  'complaint.manage': 'changing a complaint’s state or follow-up',
  'offer.present': 'presenting offers',
  'order.take': 'taking orders',
  'sync.use': 'using sync',
  'sync.manage': 're-pulling the whole cache',
  'metrics.own': 'seeing your metrics',
  'metrics.team': 'seeing your teams’ metrics',
  'metrics.all': 'seeing every team’s metrics',
  'data.export': 'exporting data',
  'data.import': 'importing data',
  'data.export_all': 'exporting every table of the store',
  'discount.approve': 'approving discounts over authority',
  'erasure.request': 'requesting erasure',
  'erasure.confirm': 'confirming erasure',
  'users.manage': 'managing users',
  'audit.read': 'reading the audit log',
  'workstations.read': 'seeing workstations',
  'workstations.manage': 'revoking workstations',
  'email.manage': 'managing customer email',
  'integrations.manage': 'managing integrations and webhooks',
};
