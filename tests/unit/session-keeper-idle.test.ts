/**
 * The idle lock and calls (issue 19, item 1): an open call (talking, on hold, in wrap-up) keeps the
 * session awake, and the lock applies the moment the call is wrapped up if the idle time has
 * passed. A window that asks to lock for idleness gets the keeper's judgement, so an idle second
 * tab cannot lock a session another tab is using. Fake clock; the call desk is a stand-in saying
 * which users have a call open.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { SessionKeeper } from '../../src-main/core/auth/session-keeper';
import { MemorySecretStore } from '../../src-main/core/auth/secret-store';
import { makeVerifier } from '../../src-main/core/auth/verifier';
import type { LocalUser, UsersOp } from '../../src-main/core/auth/local-users';
import { ok, type Result } from '../../src-shared/result';
import { FAST_VERIFIER } from '../helpers/core';

const IDLE_MS = 10_000;
const CHECK_MS = 1_000;

let keeper: SessionKeeper;
let callOpenFor: Set<string>;
let csr: LocalUser;

beforeEach(async () => {
  vi.useFakeTimers({ now: 1_800_000_000_000 });
  csr = { id: randomUUID(), username: 'csr', displayName: 'CSR', role: 'csr', teams: [], verifier: await makeVerifier('csr-pass', FAST_VERIFIER), lastOnlineAt: null };
  callOpenFor = new Set();
  const users = async (op: UsersOp): Promise<Result<unknown>> => {
    if (op.op === 'find') return ok(op.username === csr.username ? csr : null);
    if (op.op === 'throttle-load') return ok([]);
    return ok(null);
  };
  keeper = new SessionKeeper({
    serverUrl: null,
    workstation: async () => ({ id: 'ws', name: 'ws' }),
    users,
    secrets: new MemorySecretStore(),
    idleLockMs: IDLE_MS,
    idleCheckMs: CHECK_MS,
    verifierCost: FAST_VERIFIER,
    callOpen: async (user) => callOpenFor.has(user.userId),
  });
  await keeper.start();
  const signedIn = await keeper.signIn('csr', 'csr-pass');
  expect(signedIn.ok && signedIn.value.state).toBe('signed_in');
});

afterEach(() => {
  keeper.stop();
  vi.useRealTimers();
});

const state = () => keeper.view().state;

describe('the idle lock and an open call', () => {
  it('locks an idle session with no call once the idle time has passed (and not before)', async () => {
    await vi.advanceTimersByTimeAsync(IDLE_MS - CHECK_MS);
    expect(state()).toBe('signed_in');
    await vi.advanceTimersByTimeAsync(2 * CHECK_MS);
    expect(state()).toBe('locked');
  });

  it('keeps a session with an open call awake however long it is idle, and locks the moment the call is wrapped up', async () => {
    callOpenFor.add(csr.id);
    await vi.advanceTimersByTimeAsync(5 * IDLE_MS);
    expect(state()).toBe('signed_in');
    // A window asking to lock for idleness is refused too while the call is open.
    const asked = await keeper.lock({ idle: true });
    expect(asked.ok && asked.value.state).toBe('signed_in');
    callOpenFor.delete(csr.id); // wrapped up
    await vi.advanceTimersByTimeAsync(CHECK_MS);
    expect(state()).toBe('locked');
  });

  it('after a wrap-up before the idle time has passed, counts the idle time from the last activity as usual', async () => {
    callOpenFor.add(csr.id);
    await vi.advanceTimersByTimeAsync(IDLE_MS / 2);
    keeper.activity();
    callOpenFor.delete(csr.id);
    await vi.advanceTimersByTimeAsync(IDLE_MS - 2 * CHECK_MS);
    expect(state()).toBe('signed_in');
    await vi.advanceTimersByTimeAsync(3 * CHECK_MS);
    expect(state()).toBe('locked');
  });

  it('an idle window cannot lock a session another window reported activity for; a person’s lock is at once', async () => {
    await vi.advanceTimersByTimeAsync(IDLE_MS - 3 * CHECK_MS);
    keeper.activity(); // the other tab, in use
    const asked = await keeper.lock({ idle: true });
    expect(asked.ok && asked.value.state).toBe('signed_in');
    callOpenFor.add(csr.id);
    const byPerson = await keeper.lock();
    expect(byPerson.ok && byPerson.value.state).toBe('locked');
  });

  it('another user’s open call does not keep this session awake (the desk is asked for this user)', async () => {
    callOpenFor.add(randomUUID());
    await vi.advanceTimersByTimeAsync(IDLE_MS + CHECK_MS);
    expect(state()).toBe('locked');
  });

  it('when the call desk cannot answer, idleness locks as before', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    keeper.stop();
    keeper = new SessionKeeper({
      serverUrl: null,
      workstation: async () => ({ id: 'ws', name: 'ws' }),
      users: async (op) => ok(op.op === 'find' ? csr : op.op === 'throttle-load' ? [] : null),
      secrets: new MemorySecretStore(),
      idleLockMs: IDLE_MS,
      idleCheckMs: CHECK_MS,
      callOpen: () => Promise.reject(new Error('cache closed')),
    });
    await keeper.start();
    await keeper.signIn('csr', 'csr-pass');
    await vi.advanceTimersByTimeAsync(IDLE_MS + CHECK_MS);
    expect(state()).toBe('locked');
    errors.mockRestore();
  });
});
