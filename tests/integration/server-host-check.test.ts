/**
 * The store answers only requests whose Host header names it (issue 18, item 9: DNS rebinding).
 * Loopback names on any port pass (a local proxy forwards from another port), configured names
 * pass, and anything else is refused before a route runs — sign-in included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../server/src/app';
import type { Store } from '../../server/src/db/connect';
import { hostNameOf } from '../../server/src/http/host-check';
import { pgliteBackend, type StoreLocation } from '../helpers/server-db';

describe('the Host header check on the central store', () => {
  let location: StoreLocation;
  let store: Store;
  let app: FastifyInstance;

  beforeAll(async () => {
    location = await pgliteBackend.freshLocation();
    store = await location.open();
    app = buildServer({ store, logger: false, hostNames: ['store.example.internal', '192.168.1.20'] });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await location?.dispose();
  });

  const health = (host: string) => app.inject({ method: 'GET', url: '/health', headers: { host } });

  it.each(['127.0.0.1:5179', '127.0.0.1:40123', 'localhost:5179', 'LOCALHOST:1', '[::1]:5179', '127.0.0.1', 'store.example.internal:5179', '192.168.1.20:80'])('answers %s', async (host) => {
    expect((await health(host)).statusCode).toBe(200);
  });

  it.each(['evil.example.com:5179', 'evil.example.com', '127.0.0.1.evil.example.com:5179', 'localhost.evil.example:5179', '127.0.0.1:99999', 'a b'])('refuses %j with 421 in the envelope', async (host) => {
    const res = await health(host);
    expect(res.statusCode).toBe(421);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'forbidden', field: 'host' } });
  });

  it('refuses a rebinding page before sign-in runs', async () => {
    const res = await app.inject({ method: 'POST', url: '/auth/login', headers: { host: 'rebind.attacker.test:5179' }, payload: { username: 'admin', password: 'admin-demo' } });
    expect(res.statusCode).toBe(421);
  });

  it('reads host names as a Host header carries them', () => {
    expect(hostNameOf('[::1]:80')).toBe('[::1]');
    expect(hostNameOf('Example.COM.')).toBe('example.com');
    expect(hostNameOf('example.com:abc')).toBeNull();
  });
});
