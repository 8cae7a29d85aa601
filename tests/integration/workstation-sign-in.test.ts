/**
 * Signing in on a workstation (issue 5), through the real CoreProcess (its worker threads and sync
 * thread) against the real central store over HTTP (PGlite): online, then offline against the
 * cached verifier, a disabled user, writes made offline delivered as their user, throttling and
 * lockout, the idle lock, and the store's token expiring or being revoked.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { createUser } from '../../server/src/auth/users';
import { loadDemoIfEmpty } from '../../server/src/seed/demo';
import type { CoreProcess } from '../../src-main/core/worker/core-process';
import { WRONG_CREDENTIALS } from '../../src-main/core/auth/session-keeper';
import type { SessionView } from '../../src-shared/contracts/auth';
import type { SyncStatus } from '../../src-shared/contracts/sync';
import { tempCache, type TempCache } from '../helpers/cache';
import { testCore } from '../helpers/core';
import { FAST_SCRYPT, StoreServer } from '../helpers/store-server';

const SYNC_WORKER = fileURLToPath(new URL('../helpers/sync-worker-ts.mjs', import.meta.url));
const WAIT = { timeout: 30_000, interval: 100 };
const TEST_MS = 120_000;
const CARL = { username: 'carl', password: 'battery staple' };
const ADA = { username: 'ada', password: 'correct horse' };

const server = new StoreServer();
let cache: TempCache;
let core: CoreProcess;

beforeAll(async () => {
  await server.start();
  await createUser(server.store.db, { username: CARL.username, displayName: 'Carl Nilsson', role: 'csr', password: CARL.password }, FAST_SCRYPT);
  await createUser(server.store.db, { username: ADA.username, displayName: 'Ada Admin', role: 'admin', password: ADA.password }, FAST_SCRYPT);
  await loadDemoIfEmpty(server.store, { customers: 30 });
  cache = tempCache();
  cache.db.$client.close();
  core = testCore(
    cache.file,
    { sync: { serverUrl: server.url, workerFile: SYNC_WORKER, pullLimit: 500 }, auth: { idleLockMs: 60_000, idleCheckMs: 50, sessionCheckMs: 200 } },
    null,
  );
  await core.start();
}, 120_000);

afterAll(async () => {
  await core?.stop();
  await server.dispose();
  cache?.cleanup();
});

async function session(): Promise<SessionView> {
  const r = await core.call('auth:session', {});
  if (!r.ok) throw new Error(r.error.message);
  return r.value as SessionView;
}

async function syncStatus(): Promise<SyncStatus> {
  const r = await core.call('sync:status', {});
  if (!r.ok) throw new Error(r.error.message);
  return r.value as SyncStatus;
}

function localUser(username: string): { id: string; verifier: string; role: string } | undefined {
  const db = new Database(cache.file, { readonly: true });
  try {
    return db.prepare('SELECT id, verifier, role FROM local_users WHERE username = ?').get(username) as { id: string; verifier: string; role: string } | undefined;
  } finally {
    db.close();
  }
}

describe('signing in on a workstation with a central store', () => {
  it('starts signed out, and sync waits for the first online sign-in', async () => {
    expect(await session()).toMatchObject({ state: 'signed_out', user: null, storeConfigured: true, secretStorage: 'memory' });
    expect(await core.call('lookup:search', { query: 'x' })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it(
    'signs in online: the store’s profile, a verifier cached here, and sync starts with the workstation token',
    async () => {
      const r = await core.call('auth:sign-in', { username: ' Carl ', password: CARL.password });
      expect(r).toMatchObject({ ok: true, value: { state: 'signed_in', offline: false, user: { username: 'carl', displayName: 'Carl Nilsson', role: 'csr' } } });
      const cached = localUser('carl');
      expect(cached?.verifier).toMatch(/^scrypt\$/);
      expect(cached?.verifier).not.toContain(CARL.password);
      await vi.waitFor(async () => expect(await syncStatus()).toMatchObject({ state: 'online', initialSync: null }), WAIT);
      const [ws] = await server.rows<{ name: string; lastUserId: string }>(sql`select name, last_user_id as "lastUserId" from workstations`);
      expect(ws?.lastUserId).toBe(cached?.id);
    },
    TEST_MS,
  );

  it(
    'signs in offline against the cached verifier; writes made offline reach the store as that user',
    async () => {
      await server.stop();
      await core.call('auth:sign-out', {});
      const refused = await core.call('auth:sign-in', { username: 'carl', password: 'not it' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: WRONG_CREDENTIALS } });
      const unknown = await core.call('auth:sign-in', { username: 'nobody', password: 'not it' });
      expect(unknown).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: WRONG_CREDENTIALS } });

      const r = await core.call('auth:sign-in', CARL);
      expect(r).toMatchObject({ ok: true, value: { state: 'signed_in', offline: true, user: { username: 'carl' } } });
      const hit = await core.call('lookup:search', { query: 'a' });
      expect(hit.ok).toBe(true);
      const customerId = (hit as { ok: true; value: { hits: { customerId: string }[] } }).value.hits[0]!.customerId;
      const logged = await core.call('complaint:log', { customerId, category: 'damaged', severity: 'medium', description: 'Logged while the store was down.' });
      expect(logged.ok).toBe(true);
      const db = new Database(cache.file, { readonly: true });
      const entry = db.prepare(`SELECT user_id AS userId FROM outbox WHERE name = 'complaint.log'`).get() as { userId: string };
      db.close();
      expect(entry.userId).toBe(localUser('carl')?.id);

      await server.start();
      await core.call('sync:now', {});
      await vi.waitFor(async () => expect(await syncStatus()).toMatchObject({ state: 'online', pendingWrites: 0 }), WAIT);
      const [applied] = await server.rows<{ userId: string }>(sql`select user_id as "userId" from mutation_log where name = 'complaint.log'`);
      expect(applied?.userId).toBe(localUser('carl')?.id);
      // The offline sign-in (and the failures before it) reach the store's audit log.
      await vi.waitFor(async () => {
        const actions = await server.rows<{ action: string }>(sql`select action from audit_log where username in ('carl', 'nobody') order by seq`);
        expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['sign_in_offline', 'sign_in_failed']));
      }, WAIT);
    },
    TEST_MS,
  );

  it(
    'refuses a user disabled on the store once online, and forgets their verifier so offline refuses too',
    async () => {
      await core.call('auth:sign-out', {});
      await server.rows(sql`update users set active = false where username = 'carl'`);
      const online = await core.call('auth:sign-in', CARL);
      expect(online).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: WRONG_CREDENTIALS } });
      expect(localUser('carl')).toBeUndefined();
      await server.stop();
      const offline = await core.call('auth:sign-in', CARL);
      expect(offline).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: WRONG_CREDENTIALS } });
      await server.start();
      await server.rows(sql`update users set active = true where username = 'carl'`);
    },
    TEST_MS,
  );

  it(
    'a session begun offline goes online at its next unlock once the store is back; one the store now refuses ends',
    async () => {
      // Ada has signed in here online once (her verifier is cached), then the store goes away.
      expect(await core.call('auth:sign-in', ADA)).toMatchObject({ ok: true, value: { offline: false } });
      await core.call('auth:sign-out', {});
      await server.stop();
      expect(await core.call('auth:sign-in', ADA)).toMatchObject({ ok: true, value: { state: 'signed_in', offline: true } });
      expect(await core.call('admin:users', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      // Unlocking while the store is still away keeps the session, offline.
      await core.call('auth:lock', {});
      expect(await core.call('auth:unlock', { password: ADA.password })).toMatchObject({ ok: true, value: { state: 'signed_in', offline: true } });

      await server.start();
      await core.call('auth:lock', {});
      expect(await core.call('auth:unlock', { password: 'not it' })).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: 'Wrong password.' } });
      const unlocked = await core.call('auth:unlock', { password: ADA.password });
      expect(unlocked).toMatchObject({ ok: true, value: { state: 'signed_in', offline: false, user: { username: 'ada', role: 'admin' } } });
      // The store's questions are answered now, with the token the unlock got.
      expect(await core.call('admin:users', {})).toMatchObject({ ok: true, value: { users: expect.arrayContaining([expect.objectContaining({ username: 'ada' })]) } });

      // Carl's offline session, and meanwhile the store disabled him: his unlock ends it.
      await core.call('auth:sign-out', {});
      expect(await core.call('auth:sign-in', CARL)).toMatchObject({ ok: true, value: { offline: false } });
      await core.call('auth:sign-out', {});
      await server.stop();
      expect(await core.call('auth:sign-in', CARL)).toMatchObject({ ok: true, value: { offline: true } });
      await server.start();
      await server.rows(sql`update users set active = false where username = 'carl'`);
      await core.call('auth:lock', {});
      const refused = await core.call('auth:unlock', { password: CARL.password });
      expect(refused).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: expect.stringMatching(/no longer accepts/) } });
      expect(await session()).toMatchObject({ state: 'signed_out', user: null });
      expect(localUser('carl')).toBeUndefined();
      await server.rows(sql`update users set active = true where username = 'carl'`);
    },
    TEST_MS,
  );

  it(
    'asks the store with the user’s token for admin questions, and says so when the token is revoked',
    async () => {
      const signedIn = await core.call('auth:sign-in', ADA);
      expect(signedIn).toMatchObject({ ok: true, value: { user: { role: 'admin' } } });
      const users = await core.call('admin:users', {});
      expect(users).toMatchObject({ ok: true, value: { users: expect.arrayContaining([expect.objectContaining({ username: 'carl' })]) } });
      await server.rows(sql`update sessions set revoked_at = ${Date.now()} where revoked_at is null`);
      const after = await core.call('admin:users', {});
      // Either the store said so, or the session check got there first and signed out here.
      expect(after).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: expect.stringMatching(/Sign in again|Sign in first/) } });
      await server.rows(sql`update sessions set expires_at = ${Date.now() - 1}`);
      await core.call('auth:sign-in', ADA);
      await server.rows(sql`update sessions set expires_at = ${Date.now() - 1}`);
      expect(await core.call('audit:list', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    },
    TEST_MS,
  );
});

describe('an online session follows the store', () => {
  it(
    'takes a role changed on the store, and ends when the store disables the user',
    async () => {
      expect(await core.call('auth:sign-in', CARL)).toMatchObject({ ok: true, value: { user: { role: 'csr' }, offline: false } });
      await server.rows(sql`update users set role = 'supervisor' where username = 'carl'`);
      await vi.waitFor(async () => expect(await session()).toMatchObject({ state: 'signed_in', user: { role: 'supervisor' } }), WAIT);
      expect(localUser('carl')?.role).toBe('supervisor');
      await server.rows(sql`update users set active = false where username = 'carl'`);
      await vi.waitFor(async () => expect(await session()).toMatchObject({ state: 'signed_out', user: null }), WAIT);
      expect(await core.call('lookup:search', { query: 'a' })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
      await server.rows(sql`update users set active = true, role = 'csr' where username = 'carl'`);
    },
    TEST_MS,
  );
});

const ALONE = {
  auth: { idleLockMs: 400, idleCheckMs: 50, throttle: { freeFailures: 2, baseDelayMs: 60_000, maxDelayMs: 60_000, lockAfter: 4, workstationLockAfter: 50, windowMs: 600_000, lockMs: 900_000 } },
};

describe('a workstation working alone', () => {
  let alone: CoreProcess;
  let aloneCache: TempCache;
  beforeAll(async () => {
    aloneCache = tempCache();
    aloneCache.db.$client.close();
    alone = testCore(aloneCache.file, ALONE, null);
    await alone.start();
  }, 60_000);
  afterAll(async () => {
    await alone.stop();
    aloneCache.cleanup();
  });

  it('slows, then locks repeated failures, with the same words whether or not the name exists', async () => {
    for (const username of ['csr', 'ghost']) {
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await alone.call('auth:sign-in', { username, password: 'wrong' }));
      expect(answers.slice(0, 2)).toMatchObject([{ error: { code: 'unauthenticated' } }, { error: { code: 'unauthenticated' } }]);
      expect(answers[2]).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/^Too many failed attempts\. Try again in 60 seconds\.$/) } });
    }
    // Even the right password waits while slowed — also after the app restarts.
    expect(await alone.call('auth:sign-in', { username: 'csr', password: 'csr-demo' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    await alone.stop();
    alone = testCore(aloneCache.file, ALONE, null);
    await alone.start();
    expect(await alone.call('auth:sign-in', { username: 'csr', password: 'csr-demo' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(await alone.call('auth:sign-in', { username: 'ghost', password: 'csr-demo' })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(await alone.call('auth:sign-in', { username: 'supervisor', password: 'supervisor-demo' })).toMatchObject({ ok: true });
  });

  it('locks by itself after the idle time; only the same user’s password unlocks', async () => {
    await alone.call('auth:sign-in', { username: 'associate', password: 'associate-demo' });
    expect((await alone.call('lookup:search', { query: 'a' })).ok).toBe(true);
    await vi.waitFor(async () => expect(await alone.call('lookup:search', { query: 'a' })).toMatchObject({ ok: false, error: { code: 'locked' } }), { timeout: 5_000, interval: 50 });
    expect(await alone.call('auth:unlock', { password: 'supervisor-demo' })).toMatchObject({ ok: false, error: { code: 'unauthenticated', message: 'Wrong password.' } });
    expect(await alone.call('auth:unlock', { password: 'associate-demo' })).toMatchObject({ ok: true, value: { state: 'signed_in', user: { username: 'associate' } } });
    // Activity keeps it open.
    for (let i = 0; i < 6; i++) {
      await alone.call('auth:activity', {});
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await alone.call('lookup:search', { query: 'a' })).ok).toBe(true);
  });

  it('switching user ends the locked session; the next user acts as themselves', async () => {
    await alone.call('auth:lock', {});
    const r = await alone.call('auth:sign-in', { username: 'admin', password: 'admin-demo' });
    expect(r).toMatchObject({ ok: true, value: { state: 'signed_in', user: { username: 'admin' }, offline: false } });
    expect(await alone.call('admin:users', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});
