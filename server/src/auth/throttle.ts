/**
 * Sign-in throttling and lockout (issue 5), per user name — whether or not a user has it, so the
 * answer never tells which names exist — and per workstation. Kept in the database
 * (sign_in_throttle), so a restart forgets nothing and every server process sees the same counts.
 *
 * - From the `slowAfter`-th consecutive failure on, each further attempt must wait: 2, 4, 8… s
 *   after the last failure (doubling, at most `maxDelayMs`).
 * - `lockAfter` failures within `windowMs` lock the key for `lockMs`.
 * - A success clears the user name's counts, and the workstation's consecutive count (its window
 *   count stays, so interleaving a good sign-in does not reset a guessing run there).
 * - An administrator's password reset clears the user name's counts, lockout included.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { StoreDb } from '../db/connect';
import { signInThrottle } from '../db/schema';
import { HttpError } from '../http/errors';

export interface ThrottleLimits {
  /** Consecutive failures after which each attempt waits. */
  slowAfter: number;
  /** The first wait; each further failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures within windowMs that lock the key. */
  lockAfter: number;
  windowMs: number;
  lockMs: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  slowAfter: 3,
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
  lockAfter: 10,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
};

export const userKey = (username: string): string => `user:${username}`;
export const workstationKey = (workstationId: string): string => `workstation:${workstationId}`;

interface ThrottleRow {
  key: string;
  consecutiveFailures: number;
  lastFailureAt: number;
  windowStart: number;
  windowFailures: number;
  lockedUntil: number | null;
}

const MINUTE = 60_000;

function lockedMessage(until: number, now: number): string {
  const minutes = Math.max(1, Math.ceil((until - now) / MINUTE));
  const time = new Date(until).toISOString().slice(11, 16);
  return `Too many attempts. Sign-in is locked for ${minutes} minute${minutes === 1 ? '' : 's'}, until ${time} UTC.`;
}

const waitMessage = (seconds: number): string => `Too many attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;

function delayFor(row: ThrottleRow, limits: ThrottleLimits): number {
  if (row.consecutiveFailures < limits.slowAfter) return 0;
  const doublings = Math.min(row.consecutiveFailures - limits.slowAfter, 30);
  return Math.min(limits.baseDelayMs * 2 ** doublings, limits.maxDelayMs);
}

export class SignInThrottle {
  constructor(
    private readonly db: StoreDb,
    readonly limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS,
  ) {}

  /** Throws 429 `rate_limited` when any of the keys is locked or must still wait. */
  async check(keys: readonly string[], now: number): Promise<void> {
    const rows = await this.db.select().from(signInThrottle).where(inArray(signInThrottle.key, [...keys]));
    let lockedUntil = 0;
    let waitUntil = 0;
    for (const row of rows) {
      if (row.lockedUntil !== null && row.lockedUntil > now) lockedUntil = Math.max(lockedUntil, row.lockedUntil);
      const delay = delayFor(row, this.limits);
      if (delay > 0) waitUntil = Math.max(waitUntil, row.lastFailureAt + delay);
    }
    if (lockedUntil > now) throw new HttpError('rate_limited', lockedMessage(lockedUntil, now));
    if (waitUntil > now) throw new HttpError('rate_limited', waitMessage(Math.ceil((waitUntil - now) / 1000)));
  }

  /**
   * Counts a failure against every key, atomically per key. Returns the keys whose lockout this
   * failure started (with the time it ends).
   */
  async fail(keys: readonly string[], now: number): Promise<{ key: string; lockedUntil: number }[]> {
    const started: { key: string; lockedUntil: number }[] = [];
    for (const key of keys) {
      const lockedUntil = await this.db.transaction(async (tx) => {
        await tx
          .insert(signInThrottle)
          .values({ key, consecutiveFailures: 0, lastFailureAt: now, windowStart: now, windowFailures: 0 })
          .onConflictDoNothing({ target: signInThrottle.key });
        const [row] = await tx.select().from(signInThrottle).where(eq(signInThrottle.key, key)).for('update');
        if (!row) throw new Error(`sign_in_throttle row ${key} vanished`);
        const freshWindow = now - row.windowStart >= this.limits.windowMs;
        const windowFailures = (freshWindow ? 0 : row.windowFailures) + 1;
        const alreadyLocked = row.lockedUntil !== null && row.lockedUntil > now;
        const locks = !alreadyLocked && windowFailures >= this.limits.lockAfter;
        await tx
          .update(signInThrottle)
          .set({
            consecutiveFailures: row.consecutiveFailures + 1,
            lastFailureAt: now,
            // A lock starts a new count: the next lock needs lockAfter failures again.
            windowStart: freshWindow || locks ? now : row.windowStart,
            windowFailures: locks ? 0 : windowFailures,
            lockedUntil: locks ? now + this.limits.lockMs : row.lockedUntil,
          })
          .where(eq(signInThrottle.key, key));
        return locks ? now + this.limits.lockMs : null;
      });
      if (lockedUntil !== null) started.push({ key, lockedUntil });
    }
    return started;
  }

  /** A successful sign-in: the user name starts afresh; the workstation's run of failures ends. */
  async succeed(username: string, workstationId: string | undefined): Promise<void> {
    await this.db.delete(signInThrottle).where(eq(signInThrottle.key, userKey(username)));
    if (workstationId !== undefined) {
      await this.db.update(signInThrottle).set({ consecutiveFailures: 0 }).where(eq(signInThrottle.key, workstationKey(workstationId)));
    }
  }

  /** An administrator reset the password: the lockout and the counts go. */
  async clear(username: string): Promise<void> {
    await this.db.delete(signInThrottle).where(eq(signInThrottle.key, userKey(username)));
  }

  /** Lock end times (epoch ms) of the given user names that are locked at `now`. */
  async lockedUsers(usernames: readonly string[], now: number): Promise<Map<string, number>> {
    const locked = new Map<string, number>();
    if (usernames.length === 0) return locked;
    const rows = await this.db
      .select({ key: signInThrottle.key, lockedUntil: signInThrottle.lockedUntil })
      .from(signInThrottle)
      .where(sql`${signInThrottle.key} in (${sql.join(usernames.map((u) => sql`${userKey(u)}`), sql`, `)}) and ${signInThrottle.lockedUntil} > ${now}`);
    for (const row of rows) if (row.lockedUntil !== null) locked.set(row.key.slice('user:'.length), row.lockedUntil);
    return locked;
  }
}
