/**
 * Right after an online sign-in the status bar said "Signed out of the central store" for about two
 * seconds, until the next cycle answered (issue 19, item 12). A token handed over makes the state
 * "connecting" at once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SyncEngine } from '../../src-main/core/sync/sync-engine';
import { ensureClientId } from '../../src-main/core/db/open';
import { tempCache, type TempCache } from '../helpers/cache';

let cache: TempCache;
let engine: SyncEngine;
beforeEach(() => {
  cache = tempCache();
  // No store answers here: only the state before any answer is under test.
  engine = new SyncEngine({ client: cache.db.$client, clientId: ensureClientId(cache.db), serverUrl: 'http://127.0.0.1:9', credentials: { kind: 'token', token: null }, live: false });
});
afterEach(async () => {
  await engine.stop();
  cache.cleanup();
});

describe('the sync state around an online sign-in', () => {
  it('is "signed out" with no token, and "connecting" the moment a sign-in hands one over', async () => {
    engine.start();
    await vi.waitFor(() => expect(engine.status().state).toBe('signed_out'), { timeout: 5000 });
    engine.setToken('a-workstation-token');
    expect(engine.status().state).toBe('connecting');
  });
});
