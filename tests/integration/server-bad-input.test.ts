/**
 * Every bad input to the central store gets a typed 4xx in the `{ ok, error }` envelope, never a
 * 500 or a bare status line (issue 18, item 15): NUL in names and filters, a time past what a date
 * can hold, a broken percent-encoding, an over-long URL. Real HTTP on a loopback port, so Node's
 * own parser is in the path.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../server/src/app';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { pgliteBackend, type StoreLocation } from '../helpers/server-db';
import { signIn, workstationToken } from '../helpers/store-auth';

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const admin = { username: 'ada', password: 'a long admin password' };
/** One millisecond after the last instant a JavaScript Date can hold (year 275760). */
const AFTER_LAST_DATE = 8_640_000_000_000_001;

describe('bad input to the central store', () => {
  let location: StoreLocation;
  let store: Store;
  let app: FastifyInstance;
  let port: number;
  let session: string;
  let wsToken: string;

  beforeAll(async () => {
    location = await pgliteBackend.freshLocation();
    store = await location.open();
    app = buildServer({ store, logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
    await createUser(store.db, { username: admin.username, displayName: 'Ada Admin', role: 'admin', password: admin.password }, FAST_SCRYPT);
    session = (await signIn(app, admin)).token;
    wsToken = await workstationToken(app, admin, randomUUID());
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await location?.dispose();
  });

  /** Raw HTTP: the path goes on the wire exactly as given. */
  function send(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { Host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      if (opts.body !== undefined) req.write(opts.body);
      req.end();
    });
  }

  const json = (body: object) => ({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(JSON.stringify(body))) });

  function expectTyped4xx(res: { status: number; body: string }, status?: number): void {
    expect(res.status, res.body).toBeGreaterThanOrEqual(400);
    expect(res.status, res.body).toBeLessThan(500);
    if (status !== undefined) expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: expect.any(String), message: expect.any(String) } });
  }

  it('a NUL in a sign-in name', async () => {
    const body = { username: 'ad\u0000min', password: 'whatever it is', workstation: { id: randomUUID(), name: 'Desk' } };
    expectTyped4xx(await send('/auth/login', { method: 'POST', headers: json(body), body: JSON.stringify(body) }), 400);
  });

  it('a NUL in a workstation name', async () => {
    const body = { ...admin, workstation: { id: randomUUID(), name: 'Desk\u00001' } };
    expectTyped4xx(await send('/auth/login', { method: 'POST', headers: json(body), body: JSON.stringify(body) }), 400);
  });

  it('a NUL in a display name or a team name', async () => {
    const auth = { authorization: `Bearer ${session}` };
    const user = { username: 'newbie', displayName: 'New\u0000bie', role: 'csr', password: 'a long enough password for this' };
    expectTyped4xx(await send('/admin/users', { method: 'POST', headers: { ...json(user), ...auth }, body: JSON.stringify(user) }), 400);
    const team = { name: 'Pho\u0000nes' };
    expectTyped4xx(await send('/admin/teams', { method: 'POST', headers: { ...json(team), ...auth }, body: JSON.stringify(team) }), 400);
  });

  it('a NUL in an audit filter', async () => {
    expectTyped4xx(await send('/audit?username=a%00b', { headers: { authorization: `Bearer ${session}` } }), 400);
  });

  it('a time a date cannot hold (after year 275760)', async () => {
    const body = { events: [{ id: randomUUID(), action: 'sign_in_offline', username: admin.username, at: AFTER_LAST_DATE }] };
    expectTyped4xx(await send('/workstation/audit', { method: 'POST', headers: { ...json(body), authorization: `Bearer ${wsToken}` }, body: JSON.stringify(body) }), 400);
    expectTyped4xx(await send(`/audit?from=${AFTER_LAST_DATE}`, { headers: { authorization: `Bearer ${session}` } }), 400);
  });

  it('a broken percent-encoding in the URL', async () => {
    expectTyped4xx(await send('/audit/%E0%A4%A', { headers: { authorization: `Bearer ${session}` } }), 400);
    expectTyped4xx(await send('/%zz'), 400);
  });

  it('an over-long URL', async () => {
    expectTyped4xx(await send(`/health?x=${'a'.repeat(20_000)}`), 431);
  });
});
