import type { Result } from '../../../src-shared/result';
import type { UsersOp } from '../auth/local-users';
import type { UserRole } from '../../../src-shared/auth/permissions';

export type WorkerRole = 'reader' | 'writer';

export interface WorkerConfig {
  role: WorkerRole;
  dbFile: string;
  migrationsFolder: string;
  defaultRegion: string;
  host: 'electron' | 'browser-host';
  version: string;
  agentId: string;
  /** Days an answered offer is not suggested again (SWITCHBOARD_OFFER_COOLDOWN_DAYS). */
  offerCooldownDays?: number | undefined;
  nativeBinding?: string | undefined;
  /** Writer only: seed the demo customers into an empty cache. */
  demoSeed?: boolean | undefined;
  /**
   * Writer only: no central store is configured, so no sync will finish a first copy that was cut
   * short: build the indexes it deferred now (db/deferred-indexes.ts), or lookups and order history
   * would say "still arriving" for good.
   */
  buildDeferred?: boolean | undefined;
}

/** Who makes a call: the signed-in user (their user name is the agent id recorded on rows). */
export interface Actor {
  userId: string;
  username: string;
  /** Their role: what they may do to other agents' calls and offers (issue 18, item 8). */
  role: UserRole;
  /**
   * A supervisor who approved this call's discount at this workstation, signing in over the
   * actor's session (order:submit only): main checked their password against this workstation's
   * verifier, throttled as a sign-in, before the call reached the worker. The password itself
   * never reaches the worker.
   */
  approver?: Approver;
}

/** A supervisor whose credentials main checked for one call (see Actor.approver). */
export interface Approver {
  userId: string;
  username: string;
  displayName: string;
  role: UserRole;
}

export type ToWorker =
  | { type: 'call'; id: number; channel: string; input: unknown; actor: Actor | null }
  /** The session keeper's questions about this workstation's users (writer only). */
  | { type: 'users'; id: number; op: UsersOp }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'closed' };
