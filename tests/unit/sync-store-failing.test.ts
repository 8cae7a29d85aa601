/**
 * The status tells a store that cannot be reached ("offline") from one that answers but fails
 * (a 5xx: "store_failing") (issue 18, item 3): the status bar no longer says "Offline" while the
 * store is there.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { SyncEngine } from '../../src-main/core/sync/sync-engine';
import { tempCache, type TempCache } from '../helpers/cache';
import { closeLocalServers, serveLocally } from '../helpers/local-http';

let cache: TempCache | undefined;
let engine: SyncEngine | undefined;

afterEach(async () => {
  await engine?.stop();
  engine = undefined;
  cache?.cleanup();
  cache = undefined;
  await closeLocalServers();
});

function startEngine(serverUrl: string): SyncEngine {
  cache = tempCache();
  engine = new SyncEngine({ client: cache.db.$client, clientId: 'ws-test', serverUrl, credentials: { kind: 'token', token: 'a-token' }, live: false, retry: { baseMs: 60_000, capMs: 60_000 } });
  engine.start();
  return engine;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('sync status when the store fails', () => {
  it('a store answering 503 is "store_failing", with its message, not "offline"', async () => {
    const url = await serveLocally((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: { code: 'unavailable', message: 'The central store could not save these changes just now.' } }));
    });
    const e = startEngine(url);
    await vi.waitFor(() => expect(e.status().state).toBe('store_failing'), { timeout: 10_000 });
    expect(e.status().lastError).toContain('could not save these changes just now');
    expect(e.status().nextRetryAt).toEqual(expect.any(Number));
  });

  it('a store nobody answers for is "offline"', async () => {
    const e = startEngine(`http://127.0.0.1:${await closedPort()}`);
    await vi.waitFor(() => expect(e.status().state).toBe('offline'), { timeout: 10_000 });
  });
});
