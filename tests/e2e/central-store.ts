/**
 * A real central store for end-to-end tests (the server over PGlite in a temporary folder, on
 * 127.0.0.1) and browser hosts syncing with it. Specs set up the store's users and data in `setup`.
 */
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { SQL } from 'drizzle-orm';
import { buildServer, type BuildServerOptions } from '../../server/src/app';
import { openStore, type Store } from '../../server/src/db/connect';
import { startHost, stopHost, type Credentials, type RunningHost } from './fixtures';

export interface CentralStore {
  url: string;
  store: Store;
  rows<T>(query: SQL): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * `options`: more of the server's options (e.g. its webhook worker's retry delays). `copyOf`: a
 * store's data folder to start from (a copy of it; the folder itself is left as it is).
 */
export async function startCentralStore(
  setup: (store: Store) => Promise<void>,
  options: Omit<Partial<BuildServerOptions>, 'store'> = {},
  copyOf?: string,
): Promise<CentralStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-store-'));
  if (copyOf !== undefined) cpSync(copyOf, dataDir, { recursive: true });
  const store = await openStore({ dataDir });
  await setup(store);
  const app = buildServer({ logger: false, ...options, store });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    store,
    rows: async <T>(query: SQL) => ((await store.db.execute(query)) as unknown as { rows: T[] }).rows,
    close: async () => {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A browser host on a fresh cache, syncing with the store at `serverUrl`; `stop` also removes its folder. */
export async function startSyncedHost(serverUrl: string, signInAs: Credentials | null, env?: Record<string, string>): Promise<{ host: RunningHost; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-ws-'));
  let child: ChildProcess | undefined;
  try {
    const started = await startHost(join(dir, 'cache.db'), 'GB', { args: ['--server', serverUrl], signInAs, env });
    child = started.child;
    return {
      host: started.host,
      stop: async () => {
        await stopHost(started.child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    if (child) await stopHost(child);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
