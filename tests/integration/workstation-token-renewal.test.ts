/**
 * The workstation's sync engine renews its workstation token before it expires (issue 18, item 2):
 * transparently (no person signs in), with no write lost, and hands each new token to main to keep
 * in place of the old one. Real store over HTTP, a real cache; the engine's clock is the test's.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { hashToken } from '../../server/src/auth/sessions';
import { WORKSTATION_TOKEN_TTL_MS } from '../../server/src/auth/workstations';
import { loadDemoIfEmpty } from '../../server/src/seed/demo';
import { ensureClientId } from '../../src-main/core/db/open';
import { StoreClient } from '../../src-main/core/sync/store-client';
import { SyncEngine } from '../../src-main/core/sync/sync-engine';
import { makeWorkstationToken, workstationTokenHash } from '../../src-main/core/sync/workstation-token';
import { tempCache } from '../helpers/cache';
import { testDesk } from '../helpers/desk';
import { StoreServer } from '../helpers/store-server';

const CSR = { username: 'renata', password: 'renewal please' };
const WAIT = { timeout: 30_000, interval: 50 };
const server = new StoreServer();

beforeAll(async () => {
  await server.start();
  await server.addUser(CSR.username, CSR.password, 'csr');
  await loadDemoIfEmpty(server.store, { customers: 20 });
}, 120_000);

afterAll(async () => {
  await server.dispose();
});

const currentHash = async (id: string) => (await server.rows<{ token_hash: string }>(sql`select token_hash from workstations where id = ${id}`))[0]?.token_hash;

describe('renewing the workstation token', { timeout: 120_000 }, () => {
  it('happens before expiry without anyone signing in, main keeps each new token, and writes keep going', async () => {
    const cache = tempCache();
    const clientId = ensureClientId(cache.db);
    const login = await new StoreClient({ serverUrl: server.url }).login(CSR.username, CSR.password, { id: clientId, name: 'Renewal desk' });
    if (!login.ok) throw new Error(login.failure.message);
    const first = login.value.workstationToken!;
    let now = Date.now();
    const renewed: string[] = [];
    const engine = new SyncEngine({
      client: cache.db.$client,
      clientId,
      serverUrl: server.url,
      credentials: { kind: 'token', token: null },
      live: false,
      now: () => now,
      // As main does: keep the renewed token and hand it back with the next one for its renewal.
      onTokenRenewed: ({ token, expiresInMs }) => {
        renewed.push(token);
        engine.setToken(token, expiresInMs, makeWorkstationToken());
      },
    });
    try {
      engine.setToken(first, login.value.workstationTokenExpiresInMs, makeWorkstationToken());
      engine.start();
      await vi.waitFor(() => expect(engine.status()).toMatchObject({ state: 'online', initialSync: null, lastSyncAt: expect.any(Number) }), WAIT);
      // Fresh: nothing to renew yet.
      expect(renewed).toEqual([]);
      expect(await currentHash(clientId)).toBe(hashToken(first));

      // Half-way through its life a write comes in: the token is renewed first, then the write goes.
      now += WORKSTATION_TOKEN_TTL_MS / 2;
      const desk = testDesk(cache.db, { agentId: 'agent-r', start: now });
      const someone = cache.db.$client.prepare(`SELECT id FROM customers ORDER BY id LIMIT 1`).pluck().get() as string;
      desk.ok('note:add', { customerId: someone, body: 'Written as the token turned.' });
      engine.kick();
      await vi.waitFor(() => expect(engine.status()).toMatchObject({ state: 'online', pendingWrites: 0 }), WAIT);
      expect(renewed).toHaveLength(1);
      expect(renewed[0]).not.toBe(first);
      expect(await currentHash(clientId)).toBe(hashToken(renewed[0]!));
      expect(await server.count(sql`select count(*) as n from notes where body = 'Written as the token turned.'`)).toBe(1);

      // And again at the next half-life: each token is renewed in turn.
      now += WORKSTATION_TOKEN_TTL_MS / 2;
      engine.syncNow();
      await vi.waitFor(() => expect(renewed).toHaveLength(2), WAIT);
      await vi.waitFor(() => expect(engine.status().state).toBe('online'), WAIT);
      expect(await currentHash(clientId)).toBe(hashToken(renewed[1]!));
    } finally {
      await engine.stop();
      cache.cleanup();
    }
  });

  it('a token kept from an earlier run (expiry unknown here) is renewed on the first cycle', async () => {
    const cache = tempCache();
    const clientId = ensureClientId(cache.db);
    const login = await new StoreClient({ serverUrl: server.url }).login(CSR.username, CSR.password, { id: clientId, name: 'Restarted desk' });
    if (!login.ok) throw new Error(login.failure.message);
    const renewed: string[] = [];
    const engine = new SyncEngine({ client: cache.db.$client, clientId, serverUrl: server.url, credentials: { kind: 'token', token: login.value.workstationToken!, nextToken: makeWorkstationToken() }, live: false, onTokenRenewed: ({ token }) => renewed.push(token) });
    try {
      engine.start();
      await vi.waitFor(() => expect(engine.status()).toMatchObject({ state: 'online', initialSync: null }), WAIT);
      expect(renewed).toHaveLength(1);
      expect(await currentHash(clientId)).toBe(hashToken(renewed[0]!));
    } finally {
      await engine.stop();
      cache.cleanup();
    }
  });

  it('a renewal the store made whose answer never arrived (killed, restarted after the grace): sync proves itself with the token it made, keeps it, and delivers what was saved', async () => {
    const cache = tempCache();
    const clientId = ensureClientId(cache.db);
    const client = new StoreClient({ serverUrl: server.url });
    const login = await client.login(CSR.username, CSR.password, { id: clientId, name: 'Killed desk' });
    if (!login.ok) throw new Error(login.failure.message);
    const held = login.value.workstationToken!;
    const next = makeWorkstationToken();
    // The renewal reached the store; the process was killed before it kept the answer.
    const lost = await client.renewWorkstationToken(held, workstationTokenHash(next));
    expect(lost.ok).toBe(true);
    // Started again long after: the replaced token's grace is over.
    await server.rows(sql`update workstations set previous_token_expires_at = 0 where id = ${clientId}`);
    expect(await currentHash(clientId)).toBe(hashToken(next));
    const desk = testDesk(cache.db, { agentId: 'agent-k', start: Date.now() });
    const renewed: { token: string; replaced: string }[] = [];
    const refused: number[] = [];
    const engine = new SyncEngine({
      client: cache.db.$client,
      clientId,
      serverUrl: server.url,
      credentials: { kind: 'token', token: held, nextToken: next },
      live: false,
      onTokenRenewed: ({ token, replaced }) => renewed.push({ token, replaced }),
      onTokenRefused: () => refused.push(1),
    });
    try {
      engine.start();
      await vi.waitFor(() => expect(engine.status()).toMatchObject({ state: 'online', initialSync: null }), WAIT);
      expect(refused).toEqual([]);
      expect(renewed).toEqual([{ token: next, replaced: held }]);
      expect(await currentHash(clientId)).toBe(hashToken(next));
      const someone = cache.db.$client.prepare(`SELECT id FROM customers ORDER BY id LIMIT 1`).pluck().get() as string;
      desk.ok('note:add', { customerId: someone, body: 'Saved across the lost renewal.' });
      engine.kick();
      await vi.waitFor(() => expect(engine.status()).toMatchObject({ state: 'online', pendingWrites: 0 }), WAIT);
      expect(await server.count(sql`select count(*) as n from notes where body = 'Saved across the lost renewal.'`)).toBe(1);
    } finally {
      await engine.stop();
      cache.cleanup();
    }
  });
});
