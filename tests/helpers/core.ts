import { fileURLToPath } from 'node:url';
import { CoreProcess, type CoreOptions } from '../../src-main/core/worker/core-process';
import { defaultMigrationsFolder } from '../../src-main/core/db/open';
import { MemorySecretStore } from '../../src-main/core/auth/secret-store';

/** The real CoreProcess with its real worker threads, running the TypeScript source through tsx. */
/** Cheap verifiers for tests (the real cost is ~100 ms a check). */
export const FAST_VERIFIER = { N: 1024, r: 8, p: 1 } as const;
/** The workstation's demo CSR when no store is configured. */
export const LOCAL_CSR = { username: 'csr', password: 'csr-demo' } as const;

/** One secret store per cache file for the test run: what Electron's safeStorage file is across restarts. */
const secretStores = new Map<string, MemorySecretStore>();
function secretsOf(dbFile: string): MemorySecretStore {
  let secrets = secretStores.get(dbFile);
  if (!secrets) secretStores.set(dbFile, (secrets = new MemorySecretStore()));
  return secrets;
}

/**
 * A CoreProcess as the hosts build it. Its `start()` also signs in — as `signInAs`, by default the
 * sync account when a store is configured, else the local demo CSR — because every channel but
 * signing in needs a session; pass `signInAs: null` to start signed out.
 */
export function testCore(
  dbFile: string,
  overrides: Partial<CoreOptions> = {},
  signInAs: { username: string; password: string } | null = overrides.sync?.username && overrides.sync.password
    ? { username: overrides.sync.username, password: overrides.sync.password }
    : LOCAL_CSR,
): CoreProcess {
  // Signed in as the sync account, the workstation syncs as the app does: with the workstation
  // token that sign-in gives (not a second sign-in of its own, which would have to prove itself
  // against the first, issue 18), kept across restarts of the core on this cache as Electron keeps it.
  const { username: _u, password: _p, ...syncByToken } = overrides.sync ?? {};
  const core = new CoreProcess({
    dbFile,
    workerFile: fileURLToPath(new URL('./db-worker-ts.mjs', import.meta.url)),
    migrationsFolder: defaultMigrationsFolder(),
    defaultRegion: 'GB',
    host: 'browser-host',
    version: 'test',
    ...overrides,
    ...(overrides.sync && signInAs ? { sync: syncByToken as CoreOptions['sync'] } : {}),
    auth: { demoAccounts: true, verifierCost: FAST_VERIFIER, secrets: secretsOf(dbFile), ...overrides.auth },
  });
  if (signInAs) {
    const start = core.start.bind(core);
    core.start = async () => {
      await start();
      const signedIn = await core.call('auth:sign-in', signInAs);
      if (!signedIn.ok) throw new Error(`Signing in as ${signInAs.username} failed: ${signedIn.error.message}`);
    };
  }
  return core;
}
