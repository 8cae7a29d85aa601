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
 * - The check and the count are one atomic step (`admit`, issue 18 item 5): each attempt is
 *   counted as a failure before its password is checked, under the keys' row locks, and a success
 *   takes that count back. Parallel attempts therefore see each other.
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

/** A key's row before and after an attempt counted against it. */
interface CountedKey {
  key: string;
  before: ThrottleRow;
  after: Omit<ThrottleRow, 'key'>;
}

/** An attempt `admit` let through: what it counted, and the lockouts its count started. */
export interface Admission {
  at: number;
  counted: readonly CountedKey[];
  locksStarted: readonly { key: string; lockedUntil: number }[];
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

/** Throws 429 `rate_limited` when any of the rows is locked or must still wait at `now`. */
function refuseIfThrottled(rows: readonly ThrottleRow[], now: number, limits: ThrottleLimits): void {
  let lockedUntil = 0;
  let waitUntil = 0;
  for (const row of rows) {
    if (row.lockedUntil !== null && row.lockedUntil > now) lockedUntil = Math.max(lockedUntil, row.lockedUntil);
    const delay = delayFor(row, limits);
    if (delay > 0) waitUntil = Math.max(waitUntil, row.lastFailureAt + delay);
  }
  if (lockedUntil > now) throw new HttpError('rate_limited', lockedMessage(lockedUntil, now));
  if (waitUntil > now) throw new HttpError('rate_limited', waitMessage(Math.ceil((waitUntil - now) / 1000)));
}

export class SignInThrottle {
  constructor(
    private readonly db: StoreDb,
    readonly limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS,
  ) {}

  /**
   * One sign-in attempt's admission, in ONE transaction with the keys' rows locked (issue 18,
   * item 5): throws 429 `rate_limited` when any key is locked or must still wait; otherwise counts
   * the attempt as a failure against every key before any password work, so parallel attempts
   * queue on the row locks and each sees the ones before it (a check and a later count let 30
   * parallel guesses all through). `succeed` takes the count back when the password was right.
   */
  async admit(keys: readonly string[], now: number): Promise<Admission> {
    // Sorted: two attempts naming the same keys lock them in the same order (no deadlock).
    const sorted = [...new Set(keys)].sort();
    const counted = await this.db.transaction(async (tx) => {
      await tx
        .insert(signInThrottle)
        .values(sorted.map((key) => ({ key, consecutiveFailures: 0, lastFailureAt: now, windowStart: now, windowFailures: 0 })))
        .onConflictDoNothing({ target: signInThrottle.key });
      const rows = await tx.select().from(signInThrottle).where(inArray(signInThrottle.key, sorted)).orderBy(signInThrottle.key).for('update');
      refuseIfThrottled(rows, now, this.limits);
      const counted: CountedKey[] = [];
      for (const row of rows) {
        const after = this.counted(row, now);
        await tx.update(signInThrottle).set(after).where(eq(signInThrottle.key, row.key));
        counted.push({ key: row.key, before: row, after });
      }
      return counted;
    });
    return {
      at: now,
      counted,
      locksStarted: counted.filter((c) => c.after.lockedUntil !== c.before.lockedUntil && c.after.lockedUntil !== null).map((c) => ({ key: c.key, lockedUntil: c.after.lockedUntil! })),
    };
  }

  /** The row after one more failure at `now`. */
  private counted(row: ThrottleRow, now: number): Omit<ThrottleRow, 'key'> {
    const freshWindow = now - row.windowStart >= this.limits.windowMs;
    const windowFailures = (freshWindow ? 0 : row.windowFailures) + 1;
    const alreadyLocked = row.lockedUntil !== null && row.lockedUntil > now;
    const locks = !alreadyLocked && windowFailures >= this.limits.lockAfter;
    return {
      consecutiveFailures: row.consecutiveFailures + 1,
      lastFailureAt: now,
      // A lock starts a new count: the next lock needs lockAfter failures again.
      windowStart: freshWindow || locks ? now : row.windowStart,
      windowFailures: locks ? 0 : windowFailures,
      lockedUntil: locks ? now + this.limits.lockMs : row.lockedUntil,
    };
  }

  /**
   * A successful sign-in: the user name starts afresh; on the workstation the run of failures
   * ends and the failure `admit` counted for this attempt is taken back (a lock it started
   * included), so good sign-ins never add up to a workstation lockout.
   */
  async succeed(username: string, workstationId: string | undefined, admission: Admission): Promise<void> {
    await this.db.delete(signInThrottle).where(eq(signInThrottle.key, userKey(username)));
    if (workstationId === undefined) return;
    const key = workstationKey(workstationId);
    const mine = admission.counted.find((c) => c.key === key);
    await this.db.transaction(async (tx) => {
      const [row] = await tx.select().from(signInThrottle).where(eq(signInThrottle.key, key)).for('update');
      if (!row) return;
      const refund: Partial<Omit<ThrottleRow, 'key'>> = { consecutiveFailures: 0 };
      if (mine && row.windowStart === mine.after.windowStart && row.lockedUntil === mine.after.lockedUntil) {
        if (mine.after.lockedUntil !== mine.before.lockedUntil) {
          // This attempt started the lock: it never happened. (Attempts since were refused, not counted.)
          Object.assign(refund, { windowStart: mine.before.windowStart, windowFailures: Math.max(0, this.limits.lockAfter - 1), lockedUntil: mine.before.lockedUntil });
        } else {
          refund.windowFailures = Math.max(0, row.windowFailures - 1);
        }
      }
      await tx.update(signInThrottle).set(refund).where(eq(signInThrottle.key, key));
    });
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
