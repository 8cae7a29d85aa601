/**
 * Signing in on shared workstations (issue 5), on both backends: throttling and lockout per user
 * name (the same answers whether or not the name exists) and per workstation, on the store's
 * clock and kept in the database; the workstation token; disabled users; and the audit entries
 * each of these writes.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../server/src/app';
import { WRONG_CREDENTIALS } from '../../server/src/auth/sign-in';
import { hashToken } from '../../server/src/auth/sessions';
import { TOKEN_ROTATION_GRACE_MS } from '../../server/src/auth/workstations';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { loginResponse, serverError } from '../../src-shared/contracts/server-auth';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend } from '../helpers/server-db';
import { serveStoreForSuite } from '../helpers/store-suite';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const T0 = Date.UTC(2026, 4, 4, 9, 0, 0);
const MINUTE = 60_000;

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`signing in on ${backend.name}`, () => {
    let store: Store;
    let app: FastifyInstance;
    let now = T0;
    const served = serveStoreForSuite(backend, skipReason, { clock: () => now, scrypt: FAST_SCRYPT });

    beforeAll(async () => {
      if (skipReason) return;
      ({ store, app } = served);
      for (const name of ['carl', 'lena', 'wes', 'dora']) {
        await createUser(store.db, { username: name, displayName: name, role: 'csr', password: `${name} pass`, teams: name === 'carl' ? ['Phones', 'Returns'] : [] }, FAST_SCRYPT);
      }
      await createUser(store.db, { username: 'ada', displayName: 'Ada Admin', role: 'admin', password: 'ada pass' }, FAST_SCRYPT);
    });

    beforeEach(() => {
      now = T0;
    });

    const login = (username: string, password: string, workstation?: { id: string; name: string }, workstationToken?: string) =>
      app.inject({ method: 'POST', url: '/auth/login', payload: workstation ? { username, password, workstation, ...(workstationToken ? { workstationToken } : {}) } : { username, password } });
    const answer = (res: Awaited<ReturnType<typeof login>>) => (res.statusCode === 200 ? [200, 'ok'] : [res.statusCode, serverError.parse(res.json()).error.message]);
    const audit = (where: ReturnType<typeof sql>) =>
      queryRows<{ action: string; user_id: string | null; username: string | null; workstation_id: string | null; workstation_name: string | null; subject: string | null; detail: string }>(
        store,
        sql`select action, user_id, username, workstation_id, workstation_name, subject, detail from audit_log where ${where} order by seq`,
      );

    /**
     * Wrong passwords for `username` until it is locked, each at the earliest moment the throttle
     * allows; returns every answer (status, message), including the refused early attempts.
     */
    async function guessUntilLocked(username: string, start: number): Promise<(string | number)[][]> {
      const answers: (string | number)[][] = [];
      now = start;
      let wait = 0;
      for (let failure = 1; failure <= 10; failure++) {
        now += wait;
        answers.push(answer(await login(username, 'guess')));
        if (failure >= 3) {
          // Straight away again: slowed down.
          answers.push(answer(await login(username, 'guess')));
          wait = 2000 * 2 ** (failure - 3);
        }
      }
      return answers;
    }

    it('slows down and then locks a user name the same way whether or not it exists, and never says which', async () => {
      const existing = await guessUntilLocked('carl', T0);
      const missing = await guessUntilLocked('nobody-here', T0);
      expect(missing).toEqual(existing);
      expect(existing.slice(0, 5)).toEqual([
        [401, WRONG_CREDENTIALS],
        [401, WRONG_CREDENTIALS],
        [401, WRONG_CREDENTIALS],
        [429, 'Too many attempts. Try again in 2 seconds.'],
        [401, WRONG_CREDENTIALS],
      ]);
      expect(existing[5]).toEqual([429, 'Too many attempts. Try again in 4 seconds.']);
      expect(existing[7]).toEqual([429, 'Too many attempts. Try again in 8 seconds.']);
      // The tenth failure (within 15 minutes) starts a 15-minute lock; the right password does not open it.
      const lockedAt = now;
      const until = new Date(lockedAt + 15 * MINUTE).toISOString().slice(11, 16);
      expect(existing.at(-1)).toEqual([429, `Too many attempts. Sign-in is locked for 15 minutes, until ${until} UTC.`]);
      now = lockedAt + 10 * MINUTE;
      expect(answer(await login('carl', 'carl pass'))).toEqual([429, `Too many attempts. Sign-in is locked for 5 minutes, until ${until} UTC.`]);
      expect(answer(await login('nobody-here', 'carl pass'))).toEqual([429, `Too many attempts. Sign-in is locked for 5 minutes, until ${until} UTC.`]);

      // Kept in the database: a restarted server (a new app on the same store) still refuses.
      const restarted = buildServer({ store, logger: false, clock: () => now });
      try {
        const res = await restarted.inject({ method: 'POST', url: '/auth/login', payload: { username: 'carl', password: 'carl pass' } });
        expect(res.statusCode).toBe(429);
        expect(serverError.parse(res.json()).error.code).toBe('rate_limited');
      } finally {
        await restarted.close();
      }

      // After the lock: the right password works, and a success starts the count afresh.
      now = lockedAt + 15 * MINUTE;
      const ok = await login('carl', 'carl pass');
      expect(ok.statusCode).toBe(200);
      expect(loginResponse.parse(ok.json().value).teams).toEqual(['Phones', 'Returns']);
      for (let i = 0; i < 3; i++) expect(answer(await login('carl', 'guess'))).toEqual([401, WRONG_CREDENTIALS]);
      expect((await login('carl', 'guess')).statusCode).toBe(429);

      // Audit: each failure, one lockout per name, the sign-in.
      const failures = await audit(sql`action = 'sign_in_failed' and username = 'carl'`);
      expect(failures).toHaveLength(13);
      expect(failures[0]).toMatchObject({ subject: 'carl', detail: 'Sign-in failed: wrong password.' });
      expect((await audit(sql`action = 'sign_in_failed' and username = 'nobody-here'`))[0]).toMatchObject({ user_id: null, detail: 'Sign-in failed: no user has this name.' });
      const lockouts = await audit(sql`action = 'lockout' and username in ('carl', 'nobody-here')`);
      expect(lockouts.map((l) => [l.username, l.subject])).toEqual([
        ['carl', 'carl'],
        ['nobody-here', 'nobody-here'],
      ]);
      expect(lockouts[0]!.detail).toBe(`Sign-in locked for the user name “carl” for 15 minutes after 10 failures, until ${new Date(lockedAt + 15 * MINUTE).toISOString()}.`);
    });

    it('throttles a workstation that tries many user names, and locks it after ten failures', async () => {
      const desk = { id: randomUUID(), name: 'Desk 7' };
      const names = Array.from({ length: 10 }, (_, i) => `walker-${i}`);
      expect(answer(await login(names[0]!, 'x', desk))).toEqual([401, WRONG_CREDENTIALS]);
      expect(answer(await login(names[1]!, 'x', desk))).toEqual([401, WRONG_CREDENTIALS]);
      expect(answer(await login(names[2]!, 'x', desk))).toEqual([401, WRONG_CREDENTIALS]);
      // A fourth name, never tried before, must wait on this workstation…
      expect(answer(await login(names[3]!, 'x', desk))).toEqual([429, 'Too many attempts. Try again in 2 seconds.']);
      // …but not elsewhere.
      expect(answer(await login(names[3]!, 'x'))).toEqual([401, WRONG_CREDENTIALS]);
      let wait = 2000;
      for (const name of names.slice(3)) {
        now += wait;
        expect(answer(await login(name, 'x', desk)), name).toEqual([401, WRONG_CREDENTIALS]);
        wait *= 2;
      }
      // Locked for 15 minutes from its tenth failure: even a right password waits there, not elsewhere.
      const lockedAt = now;
      now = lockedAt + 14 * MINUTE;
      expect(answer(await login('lena', 'lena pass', desk))).toEqual([429, `Too many attempts. Sign-in is locked for 1 minute, until ${new Date(lockedAt + 15 * MINUTE).toISOString().slice(11, 16)} UTC.`]);
      expect((await login('lena', 'lena pass', { id: randomUUID(), name: 'Desk 8' })).statusCode).toBe(200);
      now = lockedAt + 15 * MINUTE;
      expect((await login('lena', 'lena pass', desk)).statusCode).toBe(200);
      const lockouts = await audit(sql`action = 'lockout' and workstation_id = ${desk.id} and subject = ${desk.id}`);
      expect(lockouts).toHaveLength(1);
      expect(lockouts[0]!.detail).toMatch(/^Sign-in locked for the workstation Desk 7 for 15 minutes after 10 failures/);
    });

    it('parallel attempts for one user name are checked and counted as one step: only the first three are evaluated (issue 18, item 5)', async () => {
      await createUser(store.db, { username: 'nina', displayName: 'nina', role: 'csr', password: 'nina pass' }, FAST_SCRYPT);
      await createUser(store.db, { username: 'otto', displayName: 'otto', role: 'csr', password: 'otto pass' }, FAST_SCRYPT);
      const statuses = (answers: Awaited<ReturnType<typeof login>>[]) => answers.map((r) => r.statusCode).sort();

      // 30 wrong passwords at once: three are evaluated, as one after another; the rest must wait.
      const wrong = statuses(await Promise.all(Array.from({ length: 30 }, () => login('nina', 'guess'))));
      expect(wrong.filter((s) => s === 401)).toHaveLength(3);
      expect(wrong.filter((s) => s === 429)).toHaveLength(27);
      expect(await audit(sql`action = 'sign_in_failed' and username = 'nina'`)).toHaveLength(3);

      // 29 wrong and the right one at once: a success starts the count afresh, so at most three
      // more guesses get through after it; never all thirty.
      const mixed = await Promise.all(Array.from({ length: 30 }, (_, i) => login('otto', i === 29 ? 'otto pass' : 'guess')));
      const evaluated = mixed.filter((r) => r.statusCode !== 429);
      expect(evaluated.length).toBeLessThanOrEqual(2 * 3 + 1);
      expect(mixed.filter((r) => r.statusCode === 429).length).toBeGreaterThanOrEqual(30 - 7);

      // Per workstation too: 30 different names at once on one desk.
      const desk = { id: randomUUID(), name: 'Desk 30' };
      const names = statuses(await Promise.all(Array.from({ length: 30 }, (_, i) => login(`runner-${i}`, 'x', desk))));
      expect(names.filter((s) => s === 401)).toHaveLength(3);
      expect(names.filter((s) => s === 429)).toHaveLength(27);
    });

    it('good sign-ins on a workstation never add up to its lockout, also when one follows nine failures (issue 18, item 5)', async () => {
      const desk = { id: randomUUID(), name: 'Busy desk' };
      // As the app does: each sign-in on the desk shows the token the last one gave (issue 18, item 2).
      let held: string | undefined;
      const good = async (username: string) => {
        const res = await login(username, `${username} pass`, desk, held);
        if (res.statusCode === 200) held = loginResponse.parse(res.json().value).workstationToken;
        return res;
      };
      for (let i = 0; i < 12; i++) expect(answer(await good('wes')), `sign-in ${i + 1}`).toEqual([200, 'ok']);
      let wait = 0;
      for (let i = 0; i < 9; i++) {
        now += wait;
        expect(answer(await login(`stranger-${i}`, 'x', desk))).toEqual([401, WRONG_CREDENTIALS]);
        wait = i >= 2 ? 2000 * 2 ** (i - 2) : 0;
      }
      // The tenth attempt in the window is right: it is not a failure, so nothing locks.
      now += wait;
      expect(answer(await good('wes'))).toEqual([200, 'ok']);
      expect(answer(await good('lena'))).toEqual([200, 'ok']);
      expect(await audit(sql`action = 'lockout' and workstation_id = ${desk.id}`)).toEqual([]);
      // …and the next failure there is the tenth, which does.
      expect(answer(await login('stranger-9', 'x', desk))).toEqual([401, WRONG_CREDENTIALS]);
      expect(answer(await good('lena'))[0]).toBe(429);
      expect(await audit(sql`action = 'lockout' and workstation_id = ${desk.id}`)).toHaveLength(1);
    });

    it('a success on a workstation registers it, issues its token (stored hashed) and is audited with it', async () => {
      const desk = { id: randomUUID(), name: 'Front counter' };
      const res = await login('lena', 'lena pass', desk);
      expect(res.statusCode).toBe(200);
      const value = loginResponse.parse(res.json().value);
      expect(value.workstationToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const [row] = await queryRows<{ name: string; token_hash: string; registered_by: string; last_user_id: string; registered_at: string | number }>(
        store,
        sql`select name, token_hash, registered_by, last_user_id, registered_at from workstations where id = ${desk.id}`,
      );
      expect(row).toMatchObject({ name: 'Front counter', token_hash: hashToken(value.workstationToken!), registered_by: value.user.id, last_user_id: value.user.id });
      expect(Number(row!.registered_at)).toBe(now);
      expect(await audit(sql`action = 'sign_in' and workstation_id = ${desk.id}`)).toEqual([
        { action: 'sign_in', user_id: value.user.id, username: 'lena', workstation_id: desk.id, workstation_name: 'Front counter', subject: 'lena', detail: 'Signed in on Front counter.' },
      ]);

      // Signing out ends the session (not the workstation token) and is audited on the same workstation.
      const out = await app.inject({ method: 'POST', url: '/auth/logout', headers: { authorization: `Bearer ${value.token}` } });
      expect(out.statusCode).toBe(200);
      expect(await audit(sql`action = 'sign_out' and workstation_id = ${desk.id}`)).toEqual([
        { action: 'sign_out', user_id: value.user.id, username: 'lena', workstation_id: desk.id, workstation_name: 'Front counter', subject: 'lena', detail: 'Signed out.' },
      ]);
      const checksums = await app.inject({ method: 'GET', url: '/sync/checksums', headers: { authorization: `Bearer ${value.workstationToken}` } });
      expect(checksums.statusCode).toBe(200);

      // Another user signing in on it (the workstation proving itself with its token, issue 18)
      // rotates the token and becomes its last user; the old token works only for a short grace.
      const again = loginResponse.parse((await login('wes', 'wes pass', { ...desk, name: 'Front counter 1' }, value.workstationToken)).json().value);
      expect(again.workstationToken).not.toBe(value.workstationToken);
      now += TOKEN_ROTATION_GRACE_MS;
      expect((await app.inject({ method: 'GET', url: '/sync/checksums', headers: { authorization: `Bearer ${value.workstationToken}` } })).statusCode).toBe(401);
      const [renamed] = await queryRows<{ name: string; last_user_id: string; registered_by: string }>(store, sql`select name, last_user_id, registered_by from workstations where id = ${desk.id}`);
      expect(renamed).toEqual({ name: 'Front counter 1', last_user_id: again.user.id, registered_by: value.user.id });
    });

    it('a disabled user cannot sign in (the same message) and their open sessions stop at once', async () => {
      const dora = loginResponse.parse((await login('dora', 'dora pass')).json().value);
      const other = loginResponse.parse((await login('dora', 'dora pass')).json().value);
      const ada = loginResponse.parse((await login('ada', 'ada pass')).json().value);
      const me = (token: string) => app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${token}` } });
      expect((await me(dora.token)).statusCode).toBe(200);

      const disable = await app.inject({
        method: 'PATCH',
        url: `/admin/users/${dora.user.id}`,
        headers: { authorization: `Bearer ${ada.token}` },
        payload: { active: false },
      });
      expect(disable.statusCode, disable.body).toBe(200);
      expect(disable.json().value).toMatchObject({ username: 'dora', active: false });
      for (const token of [dora.token, other.token]) expect((await me(token)).statusCode).toBe(401);
      const revoked = await queryRows<{ n: string | number }>(store, sql`select count(*) as n from sessions where user_id = ${dora.user.id} and revoked_at is null`);
      expect(Number(revoked[0]?.n)).toBe(0);
      expect(answer(await login('dora', 'dora pass'))).toEqual([401, WRONG_CREDENTIALS]);
      expect(await audit(sql`action = 'user_disabled' and subject = 'dora'`)).toEqual([
        { action: 'user_disabled', user_id: ada.user.id, username: 'ada', workstation_id: null, workstation_name: null, subject: 'dora', detail: 'Disabled dora; ended 2 open sessions.' },
      ]);
      expect((await audit(sql`action = 'sign_in_failed' and username = 'dora'`)).at(-1)?.detail).toBe('Sign-in failed: the user is disabled.');
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
