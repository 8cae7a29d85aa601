import { describe, expect, it } from 'vitest';
import { SignInThrottle, throttleMessage, type ThrottlePolicy } from '../../src-main/core/auth/throttle';

const POLICY: ThrottlePolicy = { freeFailures: 3, baseDelayMs: 2_000, maxDelayMs: 16_000, lockAfter: 8, workstationLockAfter: 12, windowMs: 600_000, lockMs: 900_000 };

describe('sign-in throttling on a workstation', () => {
  it('lets three failures through, then doubles the wait after each further one, up to the cap', () => {
    const t = new SignInThrottle(POLICY);
    let now = 1_000_000;
    for (let i = 0; i < 3; i++) {
      expect(t.check('ana', now)).toEqual({ allowed: true });
      t.fail('ana', now);
    }
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const verdict = t.check('ana', now);
      expect(verdict.allowed).toBe(false);
      if (verdict.allowed) return;
      waits.push(verdict.retryAt - now);
      now = verdict.retryAt;
      expect(t.check('ana', now)).toEqual({ allowed: true });
      t.fail('ana', now);
    }
    expect(waits).toEqual([2_000, 4_000, 8_000, 16_000]);
  });

  it('locks a name for the lock time after too many failures in the window, and says so the same way for any name', () => {
    const t = new SignInThrottle({ ...POLICY, freeFailures: 100 });
    const now = 5_000_000;
    let locked = false;
    for (let i = 0; i < POLICY.lockAfter; i++) locked = t.fail('ghost', now + i).lockedNow;
    expect(locked).toBe(true);
    const verdict = t.check('ghost', now + 10);
    expect(verdict).toEqual({ allowed: false, retryAt: now + POLICY.lockAfter - 1 + POLICY.lockMs, locked: true });
    if (!verdict.allowed) expect(throttleMessage(verdict, now + 10)).toBe('Signing in is locked for 15 minutes after repeated failures. Try again later, or ask an admin.');
    expect(t.check('ana', now + 10)).toEqual({ allowed: true });
    expect(t.check('ghost', now + POLICY.lockMs + POLICY.lockAfter)).toEqual({ allowed: true });
  });

  it('locks the whole workstation when many names fail, and a success clears only that name', () => {
    const t = new SignInThrottle({ ...POLICY, freeFailures: 100 });
    const now = 9_000_000;
    for (let i = 0; i < POLICY.workstationLockAfter; i++) t.fail(`guess${i}`, now);
    expect(t.check('someone-else', now + 1)).toMatchObject({ allowed: false, locked: true });
    const fresh = new SignInThrottle(POLICY);
    for (let i = 0; i < 3; i++) fresh.fail('ana', now);
    expect(fresh.check('ana', now).allowed).toBe(false);
    fresh.succeed('ana');
    expect(fresh.check('ana', now)).toEqual({ allowed: true });
  });

  it('forgets failures older than the window', () => {
    const t = new SignInThrottle(POLICY);
    for (let i = 0; i < 3; i++) t.fail('ana', 0);
    expect(t.check('ana', 1).allowed).toBe(false);
    expect(t.check('ana', POLICY.windowMs + 1)).toEqual({ allowed: true });
  });
});
