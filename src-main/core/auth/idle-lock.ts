/**
 * IdleLock: locks the session when no window reports activity for the idle time (issue 5) — but
 * never while its user has a call open (talking, on hold or in wrap-up, as the call desk says): the
 * lock then applies the moment the call is wrapped up, if the idle time has passed by then. A
 * window that asks to lock for idleness gets the same judgement (`lockIfIdle`), so one idle browser
 * tab cannot lock a session another tab is working in, or one that is in a call (issue 19, item 1).
 *
 * It knows the session only through `current` and `lock`: the session keeper owns the session.
 */
import type { Actor } from '../worker/protocol';
import { logger } from '../log/logger';

export const DEFAULT_IDLE_LOCK_MS = 5 * 60_000;

/** What the idle lock needs to know of a session. */
export interface IdleSession {
  readonly locked: boolean;
  readonly user: { readonly id: string; readonly username: string; readonly role: Actor['role'] };
}

export interface IdleLockOptions<S extends IdleSession> {
  /** The open session, or null. */
  current: () => S | null;
  /** Locks `s` (it is still the open session, unlocked and idle). */
  lock: (s: S) => void;
  idleLockMs?: number;
  /** How often the idle lock is checked (tests shorten it). */
  checkMs?: number;
  now: () => number;
  /**
   * Whether this user has a call that is not wrapped up yet (the call desk's state). While one is,
   * idleness does not lock the session. Without it (tests of other things) no call is ever open.
   */
  callOpen?: ((user: Actor) => Promise<boolean>) | undefined;
}

export class IdleLock<S extends IdleSession> {
  readonly idleLockMs: number;
  private lastActivity = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** An idle check is asking the call desk; the next tick does not ask again meanwhile. */
  private checking: Promise<void> | null = null;

  constructor(private readonly options: IdleLockOptions<S>) {
    this.idleLockMs = options.idleLockMs ?? DEFAULT_IDLE_LOCK_MS;
  }

  start(): void {
    this.timer = setInterval(() => void this.lockIfIdle(), this.options.checkMs ?? 1_000);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** A window reported activity (or a session was opened or unlocked): the idle time starts again. Returns when the lock would apply. */
  touch(): number {
    this.lastActivity = this.options.now();
    return this.lastActivity + this.idleLockMs;
  }

  /** Locks the session when it has been idle for the idle time and its user has no call open. */
  lockIfIdle(): Promise<void> {
    const s = this.options.current();
    if (!s || !this.idleFor(s)) return Promise.resolve();
    this.checking ??= this.inCall(s)
      .then((inCall) => {
        if (!inCall && this.idleFor(s)) this.options.lock(s);
      })
      .finally(() => {
        this.checking = null;
      });
    return this.checking;
  }

  private idleFor(s: S): boolean {
    return this.options.current() === s && !s.locked && this.options.now() - this.lastActivity >= this.idleLockMs;
  }

  /** Asks the call desk; when it cannot answer, idleness locks as before (the safe side for the data on screen). */
  private async inCall(s: S): Promise<boolean> {
    if (!this.options.callOpen) return false;
    try {
      return await this.options.callOpen({ userId: s.user.id, username: s.user.username, role: s.user.role });
    } catch (e) {
      logger('auth').error({ err: e }, 'could not ask the call desk whether a call is open; the idle lock applies');
      return false;
    }
  }
}
