/**
 * Slowing and locking repeated sign-in failures on this workstation, per user name (whether or
 * not it exists: the answer must not tell) and for the workstation as a whole. The store applies
 * its own limits to online attempts; these also cover offline sign-ins and unlocking.
 */
export interface ThrottlePolicy {
  /** Failures allowed before attempts are slowed. */
  freeFailures: number;
  /** The wait after the first slowed failure; doubles with each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures within `windowMs` that lock the name for `lockMs`. */
  lockAfter: number;
  /** Failures within `windowMs` on this workstation, any names, that lock every sign-in here. */
  workstationLockAfter: number;
  windowMs: number;
  lockMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  freeFailures: 3,
  baseDelayMs: 2_000,
  maxDelayMs: 60_000,
  lockAfter: 10,
  workstationLockAfter: 30,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
};

export interface ThrottleRecord {
  failures: number[];
  lockedUntil: number;
}
type Record = ThrottleRecord;

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAt: number; locked: boolean };

const WORKSTATION = '\u0000workstation';

export class SignInThrottle {
  private readonly records = new Map<string, Record>();

  /**
   * `onChange` hears every key whose record changed (null: cleared), so the keeper can keep it in
   * the cache and a restart does not lift a lockout.
   */
  constructor(
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
    private readonly onChange: (key: string, record: ThrottleRecord | null) => void = () => {},
  ) {}

  /** Takes over what an earlier run recorded (failures outside the window are dropped as they age). */
  restore(saved: Iterable<[string, ThrottleRecord]>): void {
    for (const [key, record] of saved) this.records.set(key, { failures: [...record.failures], lockedUntil: record.lockedUntil });
  }

  /** May `username` try now? */
  check(username: string, now: number): ThrottleVerdict {
    for (const key of [WORKSTATION, username]) {
      const verdict = this.checkKey(key, now);
      if (!verdict.allowed) return verdict;
    }
    return { allowed: true };
  }

  /** Records a failure; says whether it started a lockout (of the name or the workstation). */
  fail(username: string, now: number): { lockedNow: boolean; lockedUntil: number | null } {
    const name = this.record(username, now);
    const station = this.record(WORKSTATION, now);
    name.failures.push(now);
    station.failures.push(now);
    let lockedNow = false;
    if (name.failures.length >= this.policy.lockAfter && name.lockedUntil <= now) {
      name.lockedUntil = now + this.policy.lockMs;
      lockedNow = true;
    }
    if (station.failures.length >= this.policy.workstationLockAfter && station.lockedUntil <= now) {
      station.lockedUntil = now + this.policy.lockMs;
      lockedNow = true;
    }
    this.onChange(username, name);
    this.onChange(WORKSTATION, station);
    return { lockedNow, lockedUntil: lockedNow ? Math.max(name.lockedUntil, station.lockedUntil) : null };
  }

  /** A success clears the name's failures (not the workstation's: another name may be guessing). */
  succeed(username: string): void {
    if (this.records.delete(username)) this.onChange(username, null);
  }

  private record(key: string, now: number): Record {
    let record = this.records.get(key);
    if (!record) {
      record = { failures: [], lockedUntil: 0 };
      this.records.set(key, record);
    }
    record.failures = record.failures.filter((at) => at > now - this.policy.windowMs);
    return record;
  }

  private checkKey(key: string, now: number): ThrottleVerdict {
    const record = this.records.get(key);
    if (!record) return { allowed: true };
    if (record.lockedUntil > now) return { allowed: false, retryAt: record.lockedUntil, locked: true };
    const recent = record.failures.filter((at) => at > now - this.policy.windowMs);
    const beyond = recent.length - this.policy.freeFailures;
    if (beyond < 0 || key === WORKSTATION) return { allowed: true };
    const wait = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** beyond);
    const retryAt = (recent[recent.length - 1] ?? now) + wait;
    return retryAt > now ? { allowed: false, retryAt, locked: false } : { allowed: true };
  }
}

/** One sentence for a refused attempt; it reads the same whether or not the name exists. */
export function throttleMessage(verdict: { retryAt: number; locked: boolean }, now: number): string {
  const seconds = Math.max(1, Math.ceil((verdict.retryAt - now) / 1000));
  if (!verdict.locked) return `Too many failed attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
  const minutes = Math.ceil(seconds / 60);
  return `Signing in is locked for ${minutes} minute${minutes === 1 ? '' : 's'} after repeated failures. Try again later, or ask an admin.`;
}
