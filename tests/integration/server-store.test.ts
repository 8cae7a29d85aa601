/**
 * The central store server against both backends: PGlite (the zero-setup default) and the real
 * PostgreSQL at 127.0.0.1:5432. The same suite runs on each; see tests/helpers/server-db.ts for
 * how the PostgreSQL half fails in CI and says plainly that it did not run elsewhere.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildServer } from '../../server/src/app';
import { createSession, hashToken } from '../../server/src/auth/sessions';
import { createUser } from '../../server/src/auth/users';
import { MIGRATIONS_FOLDER, type Store } from '../../server/src/db/connect';
import { loginResponse, meResponse, serverError } from '../../src-shared/contracts/server-auth';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend, type StoreLocation } from '../helpers/server-db';

const postgresSkip = await postgresSkipReason();

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const TTL_MS = 60 * 60 * 1000;
const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };

async function appliedMigrations(store: Store): Promise<number> {
  const [row] = await queryRows<{ n: string | number }>(store, sql`select count(*) as n from drizzle.__drizzle_migrations`);
  return Number(row?.n);
}

async function publicTables(store: Store): Promise<string[]> {
  const rows = await queryRows<{ table_name: string }>(
    store,
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  return rows.map((r) => r.table_name);
}

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`central store on ${backend.name}`, () => {
    const locations: StoreLocation[] = [];
    let store: Store;
    let app: FastifyInstance;
    let now = Date.UTC(2026, 0, 5, 9, 0, 0);

    beforeAll(async () => {
      if (skipReason) return;
      const location = await backend.freshLocation();
      locations.push(location);
      store = await location.open();
      app = buildServer({ store, logger: false, clock: () => now, sessionTtlMs: TTL_MS });
      await app.ready();
      await createUser(store.db, { username: 'Alice', displayName: 'Alice Admin', role: 'admin', password: 'correct horse' }, FAST_SCRYPT);
      await createUser(store.db, { username: 'carl', displayName: 'Carl CSR', role: 'csr', password: 'battery staple' }, FAST_SCRYPT);
      await createUser(store.db, { username: 'gone', displayName: 'Former CSR', role: 'csr', password: 'battery staple', active: false }, FAST_SCRYPT);
    });

    afterAll(async () => {
      await app?.close();
      await store?.close();
      for (const location of locations) await location.dispose();
    });

    beforeEach((ctx) => {
      if (skipReason) ctx.skip(skipReason);
    });

    async function login(username: string, password: string) {
      return app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });
    }

    async function tokenFor(username: string, password: string): Promise<string> {
      const res = await login(username, password);
      expect(res.statusCode).toBe(200);
      return loginResponse.parse(res.json().value).token;
    }

    const me = (token: string) => app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${token}` } });

    it('migrations apply to an empty database and are a no-op the second time', async () => {
      const location = await backend.freshLocation();
      locations.push(location);
      const first = await location.open();
      try {
        expect(await appliedMigrations(first)).toBe(journal.entries.length);
        expect(await publicTables(first)).toEqual(
          expect.arrayContaining([
            'customers',
            'customer_phones',
            'orders',
            'order_lines',
            'products',
            'users',
            'sessions',
            'clients',
            'change_log',
            'workstations',
            'teams',
            'user_teams',
            'sign_in_throttle',
            'audit_log',
          ]),
        );
        await createUser(first.db, { username: 'kept', displayName: 'Kept', role: 'csr', password: 'x' }, FAST_SCRYPT);
      } finally {
        await first.close();
      }
      const second = await location.open();
      try {
        expect(await appliedMigrations(second)).toBe(journal.entries.length);
        const rows = await queryRows<{ username: string }>(second, sql`select username from users`);
        expect(rows.map((r) => r.username)).toEqual(['kept']);
      } finally {
        await second.close();
      }
    });

    it('GET /health reports the store kind after a round trip to it', async () => {
      const res = await app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ok: true, value: { store: backend.name } });
    });

    it('signs in with the right password (user names are case-insensitive) and /auth/me returns the user', async () => {
      const res = await login('  ALICE ', 'correct horse');
      expect(res.statusCode).toBe(200);
      const body = loginResponse.parse(res.json().value);
      expect(body.user).toMatchObject({ username: 'alice', displayName: 'Alice Admin', role: 'admin' });
      expect(body.expiresAt).toBe(now + TTL_MS);
      expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const who = await me(body.token);
      expect(who.statusCode).toBe(200);
      expect(meResponse.parse(who.json().value)).toEqual({ user: body.user, expiresAt: body.expiresAt });
    });

    it('answers a wrong password, an unknown user and an inactive user with the same 401', async () => {
      const answers = await Promise.all([login('carl', 'wrong'), login('nobody', 'battery staple'), login('gone', 'battery staple')]);
      for (const res of answers) {
        expect(res.statusCode).toBe(401);
        expect(serverError.parse(res.json())).toEqual({ ok: false, error: { code: 'unauthenticated', message: 'Wrong user name or password.' } });
      }
    });

    it('stores only the hash of a token: no table holds the token itself', async () => {
      const token = await tokenFor('carl', 'battery staple');
      const sessions = await queryRows<{ token_hash: string }>(store, sql`select token_hash from sessions`);
      expect(sessions.map((s) => s.token_hash)).toContain(hashToken(token));
      for (const table of await publicTables(store)) {
        const dump = await queryRows<{ row: string }>(store, sql`select t::text as row from ${sql.identifier(table)} t`);
        expect(dump.filter((r) => r.row.includes(token)), `table ${table}`).toEqual([]);
      }
    });

    it('refuses a token once it has expired', async () => {
      const token = await tokenFor('carl', 'battery staple');
      expect((await me(token)).statusCode).toBe(200);
      const signedInAt = now;
      try {
        now = signedInAt + TTL_MS - 1;
        expect((await me(token)).statusCode).toBe(200);
        now = signedInAt + TTL_MS;
        const res = await me(token);
        expect(res.statusCode).toBe(401);
        expect(res.json().error.code).toBe('unauthenticated');
      } finally {
        now = signedInAt;
      }
    });

    it('revokes the session on logout, and only that session', async () => {
      const token = await tokenFor('carl', 'battery staple');
      const other = await tokenFor('carl', 'battery staple');
      const out = await app.inject({ method: 'POST', url: '/auth/logout', headers: { authorization: `Bearer ${token}` } });
      expect(out.statusCode).toBe(200);
      expect(out.json()).toEqual({ ok: true, value: {} });
      expect((await me(token)).statusCode).toBe(401);
      const again = await app.inject({ method: 'POST', url: '/auth/logout', headers: { authorization: `Bearer ${token}` } });
      expect(again.statusCode).toBe(401);
      expect((await me(other)).statusCode).toBe(200);
      const [row] = await queryRows<{ revoked_at: string | number | null }>(store, sql`select revoked_at from sessions where token_hash = ${hashToken(token)}`);
      expect(Number(row?.revoked_at)).toBe(now);
    });

    it('refuses /auth/me without a token, with a malformed one and with an unknown one', async () => {
      const none = await app.inject({ method: 'GET', url: '/auth/me' });
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      expect(serverError.parse(none.json()).error.code).toBe('unauthenticated');
      const malformed = await app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: 'Basic YWxpY2U6eA==' } });
      expect(malformed.statusCode).toBe(401);
      expect((await me('A'.repeat(43))).statusCode).toBe(401);
    });

    it('checks roles: 403 for a signed-in user without the permission, 401 without a session', async () => {
      const csr = await tokenFor('carl', 'battery staple');
      const admin = await tokenFor('alice', 'correct horse');
      // An admin-only route (users.manage); the full matrix is in server-permissions.test.ts.
      const refused = await app.inject({ method: 'GET', url: '/admin/users', headers: { authorization: `Bearer ${csr}` } });
      expect(refused.statusCode).toBe(403);
      expect(serverError.parse(refused.json()).error).toEqual({ code: 'forbidden', message: 'Your role (CSR) does not allow this: it needs the “users.manage” permission.' });
      const allowed = await app.inject({ method: 'GET', url: '/admin/users', headers: { authorization: `Bearer ${admin}` } });
      expect(allowed.statusCode).toBe(200);
      expect((allowed.json() as { value: { users: { username: string }[] } }).value.users.map((u) => u.username)).toContain('alice');
      expect((await app.inject({ method: 'GET', url: '/admin/users' })).statusCode).toBe(401);
    });

    it('answers malformed JSON, an empty body and a non-JSON body with a 4xx envelope', async () => {
      const bad = await app.inject({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username": "carl",' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toEqual({ ok: false, error: { code: 'invalid_input', message: 'The request body is not valid JSON.' } });
      const empty = await app.inject({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'application/json' }, payload: '' });
      expect(empty.statusCode).toBe(400);
      expect(serverError.parse(empty.json()).error.code).toBe('invalid_input');
      const text = await app.inject({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'carl' });
      expect(text.statusCode).toBe(415);
      expect(serverError.parse(text.json()).error.code).toBe('invalid_input');
    });

    it('validates the body with the shared contract: 400 naming the field', async () => {
      const missing = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'carl' } });
      expect(missing.statusCode).toBe(400);
      expect(serverError.parse(missing.json()).error).toMatchObject({ code: 'invalid_input', field: 'password' });
      const tooLong = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'x'.repeat(65), password: 'p' } });
      expect(tooLong.statusCode).toBe(400);
      expect(serverError.parse(tooLong.json()).error).toMatchObject({ code: 'invalid_input', field: 'username' });
      const notObject = await app.inject({ method: 'POST', url: '/auth/login', payload: [1, 2] });
      expect(notObject.statusCode).toBe(400);
      const [row] = await queryRows<{ n: string | number }>(store, sql`select count(*) as n from sessions`);
      const before = Number(row?.n);
      await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'carl', password: '' } });
      const [after] = await queryRows<{ n: string | number }>(store, sql`select count(*) as n from sessions`);
      expect(Number(after?.n)).toBe(before);
    });

    it('answers an unknown route with a 404 envelope', async () => {
      const res = await app.inject({ method: 'GET', url: '/no/such/thing?x=1' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ ok: false, error: { code: 'not_found', message: 'No such endpoint: GET /no/such/thing.' } });
    });

    it('serves real HTTP on 127.0.0.1', async () => {
      const server = buildServer({ store, logger: false });
      try {
        await server.listen({ host: '127.0.0.1', port: 0 });
        const address = server.server.address() as AddressInfo;
        expect(address.address).toBe('127.0.0.1');
        const base = `http://127.0.0.1:${address.port}`;
        const health = await fetch(`${base}/health`);
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual({ ok: true, value: { store: backend.name } });
        const signIn = await fetch(`${base}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'carl', password: 'battery staple' }),
        });
        expect(signIn.status).toBe(200);
        const { token } = loginResponse.parse(((await signIn.json()) as { value: unknown }).value);
        const who = await fetch(`${base}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
        expect(who.status).toBe(200);
        expect(((await who.json()) as { value: { user: { username: string } } }).value.user.username).toBe('carl');
      } finally {
        await server.close();
      }
    });

    it('deletes expired and revoked sessions at start and then periodically, and leaves live ones alone (issue 18, item 20)', async () => {
      const [carl] = await queryRows<{ id: string }>(store, sql`select id::text as id from users where username = 'carl'`);
      const live = await tokenFor('carl', 'battery staple');
      const signedOut = await tokenFor('carl', 'battery staple');
      expect((await app.inject({ method: 'POST', url: '/auth/logout', headers: { authorization: `Bearer ${signedOut}` } })).statusCode).toBe(200);
      const expired = await createSession(store.db, carl!.id, now - 2 * TTL_MS, TTL_MS);
      const present = async (token: string) =>
        Number((await queryRows<{ n: string | number }>(store, sql`select count(*) as n from sessions where token_hash = ${hashToken(token)}`))[0]?.n);
      expect([await present(live), await present(signedOut), await present(expired.token)]).toEqual([1, 1, 1]);

      const swept = buildServer({ store, logger: false, clock: () => now, sessionTtlMs: TTL_MS, sessionSweepMs: 100 });
      try {
        await swept.ready();
        await vi.waitFor(async () => expect([await present(signedOut), await present(expired.token)]).toEqual([0, 0]), { timeout: 5000, interval: 50 });
        expect(await present(live)).toBe(1);
        expect((await me(live)).statusCode).toBe(200);
        // Later sweeps find what expired or was revoked since.
        const later = await tokenFor('carl', 'battery staple');
        const out = await swept.inject({ method: 'POST', url: '/auth/logout', headers: { authorization: `Bearer ${later}` } });
        expect(out.statusCode).toBe(200);
        await vi.waitFor(async () => expect(await present(later)).toBe(0), { timeout: 5000, interval: 50 });
        expect(await present(live)).toBe(1);
      } finally {
        await swept.close();
      }
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
