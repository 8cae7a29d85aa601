import { fileURLToPath } from 'node:url';
import { CoreProcess, type CoreOptions } from '../../src-main/core/worker/core-process';
import { defaultMigrationsFolder } from '../../src-main/core/db/open';

/** The real CoreProcess with its real worker threads, running the TypeScript source through tsx. */
/** Cheap verifiers for tests (the real cost is ~100 ms a check). */
export const FAST_VERIFIER = { N: 1024, r: 8, p: 1 } as const;
/** The workstation's demo CSR when no store is configured. */
export const LOCAL_CSR = { username: 'csr', password: 'csr-demo' } as const;

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
  const core = new CoreProcess({
    dbFile,
    workerFile: fileURLToPath(new URL('./db-worker-ts.mjs', import.meta.url)),
    migrationsFolder: defaultMigrationsFolder(),
    defaultRegion: 'GB',
    host: 'browser-host',
    version: 'test',
    ...overrides,
    auth: { demoAccounts: true, verifierCost: FAST_VERIFIER, ...overrides.auth },
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
