/**
 * Route permissions, deny by default (issue 5), on both backends: every registered route ×
 * {anonymous, workstation token, csr, supervisor, store associate, admin} is let through or
 * refused (401/403) exactly as ROUTE_PERMISSIONS and ROLE_PERMISSIONS say. "Let through" means the
 * answer is neither 401 nor 403: each request carries a minimal body, so a 400 for that body is a
 * request the guard let pass. Over real HTTP (the live route is a stream).
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../server/src/app';
import { createSession } from '../../server/src/auth/sessions';
import { createUser } from '../../server/src/auth/users';
import { issueWorkstationToken } from '../../server/src/auth/workstations';
import type { Store } from '../../server/src/db/connect';
import { can, USER_ROLES, type RouteRequirement, type UserRole } from '../../src-shared/auth/permissions';
import { ROUTE_PERMISSIONS } from '../../src-shared/auth/route-permissions';
import { serverError } from '../../src-shared/contracts/server-auth';
import { pgliteBackend, postgresBackend, postgresSkipReason, type StoreBackend, type StoreLocation } from '../helpers/server-db';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

type Caller = 'anonymous' | 'workstation' | UserRole;
const CALLERS: readonly Caller[] = ['anonymous', 'workstation', ...USER_ROLES];

/** What the table says: may this caller get past the guard, and if not, with which status? */
function expected(requirement: RouteRequirement, caller: Caller): 'allowed' | 401 | 403 {
  if (requirement === 'public') return 'allowed';
  if (requirement === 'workstation') return caller === 'workstation' ? 'allowed' : 401;
  // Signed with an integration's secret (issue 23): no session or workstation token gets in.
  if (requirement === 'integration') return 401;
  if (caller === 'anonymous' || caller === 'workstation') return 401;
  if (requirement === 'session') return 'allowed';
  return can(caller, requirement) ? 'allowed' : 403;
}

/** A concrete address for a route pattern (":userId" → a fresh UUID). */
const concrete = (url: string) => url.replace(/:userId/g, randomUUID());

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`route permissions on ${backend.name}`, () => {
    let location: StoreLocation;
    let store: Store;
    let app: FastifyInstance;
    let base: string;
    const userIds = new Map<UserRole, string>();
    let workstation: string;

    beforeAll(async () => {
      if (skipReason) return;
      location = await backend.freshLocation();
      store = await location.open();
      app = buildServer({ store, logger: false, scrypt: FAST_SCRYPT });
      await app.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      for (const role of USER_ROLES) {
        const user = await createUser(store.db, { username: `perm-${role}`, displayName: role, role, password: 'matrix pass' }, FAST_SCRYPT);
        userIds.set(role, user.id);
      }
      workstation = (await issueWorkstationToken(store.db, { workstation: { id: randomUUID(), name: 'Matrix desk' }, proofs: [], user: { id: userIds.get('csr')!, role: 'csr' }, now: Date.now() })).token;
    });

    afterAll(async () => {
      await app?.close();
      await store?.close();
      await location?.dispose();
    });

    beforeEach((ctx) => {
      if (skipReason) ctx.skip(skipReason);
    });

    /** A fresh token per request: a let-through POST /auth/logout ends the session it came with. */
    async function tokenOf(caller: Caller): Promise<string | undefined> {
      if (caller === 'anonymous') return undefined;
      if (caller === 'workstation') return workstation;
      return (await createSession(store.db, userIds.get(caller)!, Date.now(), 3_600_000)).token;
    }

    /**
     * One request on its own connection (node:http, no keep-alive): a HEAD of the live route ends
     * with its headers while the server keeps the stream open, and a reused socket would hang.
     */
    function call(method: string, url: string, token: string | undefined): Promise<{ status: number; body: string }> {
      const hasBody = method !== 'GET' && method !== 'HEAD';
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      // content-length too: node's client sends a DELETE body unframed (no chunked default), which the server reads as garbage.
      if (hasBody) Object.assign(headers, { 'content-type': 'application/json', 'content-length': '2' });
      return new Promise((resolve, reject) => {
        const req = request(`${base}${concrete(url)}`, { method, headers, agent: false }, (res) => {
          // The live route answers with a stream that never ends: its status line is the answer.
          if ((res.headers['content-type'] ?? '').startsWith('text/event-stream') || method === 'HEAD') {
            res.destroy();
            req.destroy();
            resolve({ status: res.statusCode ?? 0, body: '' });
            return;
          }
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(hasBody ? '{}' : undefined);
      });
    }

    it('registers exactly the routes ROUTE_PERMISSIONS names (no route without an entry, no stale entry)', () => {
      const registered = new Set([...app.routeRequirements.keys()].filter((key) => !key.startsWith('HEAD ')));
      expect([...registered].sort()).toEqual(Object.keys(ROUTE_PERMISSIONS).sort());
      for (const key of Object.keys(ROUTE_PERMISSIONS)) {
        const [method, url] = key.split(' ') as [string, string];
        expect(app.hasRoute({ method: method as 'GET', url }), key).toBe(true);
      }
      // Every GET has its HEAD twin, guarded the same.
      for (const [key, requirement] of app.routeRequirements) {
        if (key.startsWith('GET ')) expect(app.routeRequirements.get(`HEAD ${key.slice(4)}`), key).toBe(requirement);
      }
    });

    it('lets each caller through or refuses them on every route, exactly as the tables say', async () => {
      const mismatches: string[] = [];
      let cells = 0;
      for (const [key, requirement] of app.routeRequirements) {
        const [method, url] = key.split(' ') as [string, string];
        for (const caller of CALLERS) {
          const want = expected(requirement, caller);
          const got = await call(method, url, await tokenOf(caller));
          cells++;
          const outcome = got.status === 401 || got.status === 403 ? got.status : 'allowed';
          if (outcome !== want) mismatches.push(`${key} as ${caller}: expected ${want}, got ${got.status} ${got.body.slice(0, 200)}`);
          if (want === 403 && method !== 'HEAD') {
            expect(serverError.parse(JSON.parse(got.body)).error.message).toMatch(/^Your role \(.+\) does not allow this: it needs the “.+” permission\.$/);
          }
        }
      }
      expect(mismatches).toEqual([]);
      expect(cells).toBe(app.routeRequirements.size * CALLERS.length);
    });

    it('refuses to start when a route is added without an entry, naming the route', async () => {
      const start = async () => {
        const unlisted = buildServer({ store, logger: false });
        try {
          unlisted.get('/test/unlisted', async () => ({ ok: true, value: {} }));
          await unlisted.ready();
        } finally {
          await unlisted.close();
        }
      };
      await expect(start()).rejects.toThrow('Route "GET /test/unlisted" has no entry in ROUTE_PERMISSIONS');
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
