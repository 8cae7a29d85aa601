/**
 * Workstation tokens (issue 18, item 2), on both backends: they expire and rotate (the replaced
 * one works for a short grace only), admins see and revoke workstations, a token is bound to the
 * workstation that registered the id (taking an id over needs its token, or an admin), a
 * workstation whose users are all disabled is refused on every request, and one account cannot
 * register new workstation ids without bound.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { hashToken } from '../../server/src/auth/sessions';
import { NEW_WORKSTATION_LIMIT, TOKEN_ROTATION_GRACE_MS, WORKSTATION_TOKEN_TTL_MS } from '../../server/src/auth/workstations';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { workstationInfo } from '../../src-shared/contracts/admin';
import { loginResponse, serverError, workstationTokenResponse, type LoginResponse } from '../../src-shared/contracts/server-auth';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend } from '../helpers/server-db';
import { serveStoreForSuite } from '../helpers/store-suite';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const T0 = Date.UTC(2026, 11, 5, 8, 0, 0);
const CLIENT = randomUUID();

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`workstation tokens on ${backend.name}`, () => {
    let store: Store;
    let app: FastifyInstance;
    let now = T0;
    let admin: LoginResponse;
    const served = serveStoreForSuite(backend, skipReason, { clock: () => now, scrypt: FAST_SCRYPT });

    beforeAll(async () => {
      if (skipReason) return;
      ({ store, app } = served);
      for (const name of ['lena', 'wes', 'minnie']) await createUser(store.db, { username: name, displayName: name, role: 'csr', password: `${name} pass` }, FAST_SCRYPT);
      await createUser(store.db, { username: 'sam', displayName: 'Sam', role: 'supervisor', password: 'sam pass' }, FAST_SCRYPT);
      await createUser(store.db, { username: 'ada', displayName: 'Ada Admin', role: 'admin', password: 'ada pass' }, FAST_SCRYPT);
    });

    beforeEach(async () => {
      now += 2 * WORKSTATION_TOKEN_TTL_MS; // each test on its own day (the new-workstation limit counts per day)
      admin = loginResponse.parse((await login('ada', 'ada pass')).json().value);
    });

    const login = (username: string, password: string, workstation?: { id: string; name: string }, workstationToken?: string, workstationNextToken?: string) =>
      app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { username, password, ...(workstation ? { workstation } : {}), ...(workstationToken ? { workstationToken } : {}), ...(workstationNextToken ? { workstationNextToken } : {}) },
      });
    const signIn = async (username: string, workstation: { id: string; name: string }, proof?: string) => {
      const res = await login(username, `${username} pass`, workstation, proof);
      expect(res.statusCode, res.body).toBe(200);
      return loginResponse.parse(res.json().value);
    };
    const refusal = (res: { statusCode: number; json: () => unknown }) => [res.statusCode, serverError.parse(res.json()).error.code];
    /** A sync request (a pull page) with the token: the status the store answers. */
    const pullStatus = async (token: string) =>
      (await app.inject({ method: 'POST', url: '/sync/pull', headers: { authorization: `Bearer ${token}` }, payload: { clientId: CLIENT, cursor: null, limit: 100 } })).statusCode;
    /** Renews `token` with `next` (made by the workstation; only its hash is sent), a fresh one by default. */
    const rotate = (token: string, next: string = randomBytes(32).toString('base64url')) =>
      app.inject({ method: 'POST', url: '/workstation/token', headers: { authorization: `Bearer ${token}` }, payload: { nextTokenHash: hashToken(next) } });
    const asAdmin = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${admin.token}` }, ...(payload ? { payload } : {}) });
    const desk = () => ({ id: randomUUID(), name: `Desk ${randomUUID().slice(0, 4)}` });

    it('a workstation token expires; the workstation signs in again with it as proof', async () => {
      const d = desk();
      const first = await signIn('lena', d);
      expect(first.workstationTokenExpiresInMs).toBe(WORKSTATION_TOKEN_TTL_MS);
      expect(await pullStatus(first.workstationToken!)).toBe(200);
      now += WORKSTATION_TOKEN_TTL_MS - 1;
      expect(await pullStatus(first.workstationToken!)).toBe(200);
      now += 1;
      expect(await pullStatus(first.workstationToken!)).toBe(401);
      expect((await rotate(first.workstationToken!)).statusCode).toBe(401);
      // A person signing in on it, the workstation showing its (expired) token: a new token.
      const again = await signIn('wes', d, first.workstationToken);
      expect(await pullStatus(again.workstationToken!)).toBe(200);
    });

    it('renewal puts the token the workstation made in place; the old one works for the grace only; asking again is idempotent', async () => {
      const first = await signIn('lena', desk());
      now += WORKSTATION_TOKEN_TTL_MS / 2;
      const second = randomBytes(32).toString('base64url');
      const res = await rotate(first.workstationToken!, second);
      expect(res.statusCode, res.body).toBe(200);
      const answer = workstationTokenResponse.parse(res.json().value);
      expect(answer).toEqual({ expiresAt: now + WORKSTATION_TOKEN_TTL_MS, expiresInMs: WORKSTATION_TOKEN_TTL_MS });
      expect(await pullStatus(second)).toBe(200);
      expect(await pullStatus(first.workstationToken!)).toBe(200); // a request already in flight
      // The answer was lost: the same renewal asked again, a little later, changes nothing.
      now += 1000;
      const retried = await rotate(first.workstationToken!, second);
      expect(retried.statusCode, retried.body).toBe(200);
      expect(workstationTokenResponse.parse(retried.json().value).expiresAt).toBe(answer.expiresAt);
      expect(await pullStatus(second)).toBe(200);
      // Another renewal with the replaced token is refused (409): it would cut off the current one.
      expect(refusal(await rotate(first.workstationToken!))).toEqual([409, 'conflict']);
      expect(await pullStatus(second)).toBe(200);
      now += TOKEN_ROTATION_GRACE_MS;
      expect(await pullStatus(first.workstationToken!)).toBe(401);
      expect((await rotate(first.workstationToken!, second)).statusCode).toBe(401);
      // The new one lasts its full time from the renewal, beyond the first token's expiry.
      now += WORKSTATION_TOKEN_TTL_MS - TOKEN_ROTATION_GRACE_MS - 1000 - 1;
      expect(await pullStatus(second)).toBe(200);
      now += 1;
      expect(await pullStatus(second)).toBe(401);
    });

    it('a renewal whose answer never arrived (the grace long over): the workstation proves itself with the token it made, for sync and at sign-in', async () => {
      const d = desk();
      const first = (await signIn('lena', d)).workstationToken!;
      const next = randomBytes(32).toString('base64url');
      now += WORKSTATION_TOKEN_TTL_MS / 2;
      expect((await rotate(first, next)).statusCode).toBe(200); // the answer lost, the process killed
      now += 2 * TOKEN_ROTATION_GRACE_MS;
      expect(await pullStatus(first)).toBe(401);
      // The renewal asked again with the token it made: nothing changes, and it works.
      const settled = await rotate(next, next);
      expect(settled.statusCode, settled.body).toBe(200);
      expect(workstationTokenResponse.parse(settled.json().value).expiresAt).toBe(now - 2 * TOKEN_ROTATION_GRACE_MS + WORKSTATION_TOKEN_TTL_MS);
      expect(await pullStatus(next)).toBe(200);
      // At a sign-in the two tokens it holds prove it; the old one alone no longer does.
      expect(refusal(await login('wes', 'wes pass', d, first))).toEqual([403, 'forbidden']);
      const res = await login('wes', 'wes pass', d, first, next);
      expect(res.statusCode, res.body).toBe(200);
      expect(await pullStatus(loginResponse.parse(res.json().value).workstationToken!)).toBe(200);
    });

    it('a workstation that lost sign-in answers twice in a row (killed before it kept the token) still proves itself with the token it holds, within the grace', async () => {
      const d = desk();
      const held = (await signIn('lena', d)).workstationToken!;
      await signIn('wes', d, held); // answer lost
      await signIn('wes', d, held); // answer lost again
      const kept = await signIn('wes', d, held);
      expect(await pullStatus(kept.workstationToken!)).toBe(200);
      now += TOKEN_ROTATION_GRACE_MS; // the grace is not extended by these sign-ins
      expect(refusal(await login('wes', 'wes pass', d, held))).toEqual([403, 'forbidden']);
      expect(await pullStatus(kept.workstationToken!)).toBe(200);
    });

    it('admins see each workstation with its users and revoke it: its token, its sessions and a sign-in on it stop working', async () => {
      const d = desk();
      const lena = await signIn('lena', d);
      const wes = await signIn('wes', d, lena.workstationToken);
      const token = wes.workstationToken!;
      const list = await asAdmin('GET', '/admin/workstations');
      expect(list.statusCode).toBe(200);
      const listed = (list.json().value.workstations as unknown[]).map((w) => workstationInfo.parse(w)).find((w) => w.id === d.id);
      expect(listed).toMatchObject({ name: d.name, lastSeenAt: now, lastUsername: 'wes', revokedAt: null, allUsersDisabled: false, usersSeen: [{ username: 'lena', active: true }, { username: 'wes', active: true }] });

      // Not an admin: refused.
      const sam = loginResponse.parse((await login('sam', 'sam pass')).json().value);
      const bySam = await app.inject({ method: 'POST', url: `/admin/workstations/${d.id}/revoke`, headers: { authorization: `Bearer ${sam.token}` } });
      expect(bySam.statusCode).toBe(403);
      expect(await pullStatus(token)).toBe(200);

      const revoked = await asAdmin('POST', `/admin/workstations/${d.id}/revoke`);
      expect(revoked.statusCode, revoked.body).toBe(200);
      expect(workstationInfo.parse(revoked.json().value).revokedAt).toBe(now);
      expect(await pullStatus(token)).toBe(401);
      expect(await pullStatus(lena.workstationToken!)).toBe(401); // the grace of the replaced one ends too
      expect((await rotate(token)).statusCode).toBe(401);
      expect((await app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${wes.token}` } })).statusCode).toBe(401);
      // Its token no longer proves anything: only an admin registers it again.
      expect(refusal(await login('wes', 'wes pass', d, token))).toEqual([403, 'forbidden']);
      const audit = await queryRows<{ action: string; username: string; subject: string; detail: string }>(store, sql`select action, username, subject, detail from audit_log where action = 'workstation_revoked' and subject = ${d.id}`);
      expect(audit).toEqual([{ action: 'workstation_revoked', username: 'ada', subject: d.id, detail: `Revoked the workstation ${d.name}; ended 2 open sessions on it.` }]);
      expect((await asAdmin('POST', `/admin/workstations/${randomUUID()}/revoke`)).statusCode).toBe(404);
    });

    it('a workstation whose users are all disabled is refused on every request, and works again when one is enabled', async () => {
      const d = desk();
      const lena = await signIn('lena', d);
      const minnie = await signIn('minnie', d, lena.workstationToken);
      const token = minnie.workstationToken!;
      const setActive = async (userId: string, active: boolean) => expect((await asAdmin('PATCH', `/admin/users/${userId}`, { active })).statusCode).toBe(200);
      await setActive(lena.user.id, false);
      expect(await pullStatus(token)).toBe(200); // minnie is still active
      await setActive(minnie.user.id, false);
      expect(await pullStatus(token)).toBe(401);
      expect((await rotate(token)).statusCode).toBe(401);
      const listed = (await asAdmin('GET', '/admin/workstations')).json().value.workstations.find((w: { id: string }) => w.id === d.id);
      expect(listed).toMatchObject({ allUsersDisabled: true, usersSeen: [{ username: 'lena', active: false }, { username: 'minnie', active: false }] });
      await setActive(minnie.user.id, true);
      expect(await pullStatus(token)).toBe(200);
      await setActive(lena.user.id, true);
    });

    it('signing in with another workstation’s id without its token is refused and leaves that workstation alone', async () => {
      const d = desk();
      const lena = await signIn('lena', d);
      expect(refusal(await login('wes', 'wes pass', d))).toEqual([403, 'forbidden']);
      expect(refusal(await login('wes', 'wes pass', d, 'x'.repeat(43)))).toEqual([403, 'forbidden']);
      expect(refusal(await login('sam', 'sam pass', { ...d, name: 'Taken over' }))).toEqual([403, 'forbidden']);
      expect(await pullStatus(lena.workstationToken!)).toBe(200);
      const [row] = await queryRows<{ name: string; last_user_id: string }>(store, sql`select name, last_user_id from workstations where id = ${d.id}`);
      expect(row).toEqual({ name: d.name, last_user_id: lena.user.id });
      const failed = await queryRows<{ username: string; detail: string }>(store, sql`select username, detail from audit_log where action = 'sign_in_failed' and workstation_id = ${d.id} order by seq`);
      expect(failed.map((f) => f.username)).toEqual(['wes', 'wes', 'sam']);
      expect(failed[0]!.detail).toMatch(/^Sign-in refused on this workstation/);
    });

    it('an admin signing in registers an existing workstation again: the old token stops at once', async () => {
      const d = desk();
      const lena = await signIn('lena', d);
      await asAdmin('POST', `/admin/workstations/${d.id}/revoke`);
      const ada = await signIn('ada', { ...d, name: 'Reinstalled desk' });
      expect(await pullStatus(ada.workstationToken!)).toBe(200);
      expect(await pullStatus(lena.workstationToken!)).toBe(401);
      // Without a revocation too (a reinstalled workstation that lost its token): no grace for the old one.
      const wes = await signIn('wes', d, ada.workstationToken);
      const again = await signIn('ada', d);
      expect(await pullStatus(wes.workstationToken!)).toBe(401);
      expect(await pullStatus(again.workstationToken!)).toBe(200);
      const registered = await queryRows<{ detail: string }>(store, sql`select detail from audit_log where action = 'workstation_registered' and subject = ${d.id} order by seq`);
      expect(registered.map((r) => r.detail)).toEqual([
        `Registered the new workstation ${d.name}.`,
        "Registered the workstation Reinstalled desk again (an administrator's sign-in; its earlier token no longer works).",
        `Registered the workstation ${d.name} again (an administrator's sign-in; its earlier token no longer works).`,
      ]);
    });

    it(`one account registers at most ${NEW_WORKSTATION_LIMIT.count} new workstations a day; admins are not limited`, async () => {
      for (let i = 0; i < NEW_WORKSTATION_LIMIT.count; i++) await signIn('minnie', desk());
      expect(refusal(await login('minnie', 'minnie pass', desk()))).toEqual([429, 'rate_limited']);
      // An existing workstation of hers still signs her in.
      const own = desk();
      const viaAdmin = await signIn('ada', own);
      await signIn('minnie', own, viaAdmin.workstationToken);
      for (let i = 0; i <= NEW_WORKSTATION_LIMIT.count; i++) await signIn('ada', desk());
      now += NEW_WORKSTATION_LIMIT.windowMs;
      await signIn('minnie', desk());
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
