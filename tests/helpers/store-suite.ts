/**
 * The setup the store's test suites repeat on each backend (tests/helpers/server-db.ts): a fresh
 * store, `buildServer` over it without a logger, ready before the suite's own `beforeAll` runs and
 * closed after it; every test skipped with `skipReason` when the backend is not reachable.
 *
 * Call it inside the suite's `describe`, before its own hooks, and read `store` and `app` from the
 * returned object once they are open (in a `beforeAll` or a test).
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer, type BuildServerOptions } from '../../server/src/app';
import type { Store } from '../../server/src/db/connect';
import type { StoreBackend, StoreLocation } from './server-db';

export interface ServedStore {
  location: StoreLocation;
  store: Store;
  app: FastifyInstance;
}

export function serveStoreForSuite(
  backend: StoreBackend,
  skipReason: string | undefined,
  options: Omit<BuildServerOptions, 'store' | 'logger'> = {},
  /** Runs on the app before `ready()` (e.g. to subscribe to its change feed). */
  beforeReady?: (app: FastifyInstance) => void,
): ServedStore {
  const served = {} as ServedStore;

  beforeAll(async () => {
    if (skipReason) return;
    served.location = await backend.freshLocation();
    served.store = await served.location.open();
    served.app = buildServer({ store: served.store, logger: false, ...options });
    beforeReady?.(served.app);
    await served.app.ready();
  });

  afterAll(async () => {
    await served.app?.close();
    await served.store?.close();
    await served.location?.dispose();
  });

  beforeEach((ctx) => {
    if (skipReason) ctx.skip(skipReason);
  });

  return served;
}
