import { fileURLToPath } from 'node:url';
import { CoreProcess, type CoreOptions } from '../../src-main/core/worker/core-process';
import { defaultMigrationsFolder } from '../../src-main/core/db/open';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretStore } from '../../src-main/core/auth/secret-store';

/** The real CoreProcess with its real worker threads, running the TypeScript source through tsx. */
/** Cheap verifiers for tests (the real cost is ~100 ms a check). */
export const FAST_VERIFIER = { N: 1024, r: 8, p: 1 } as const;
/** The workstation's demo CSR when no store is configured. */
export const LOCAL_CSR = { username: 'csr', password: 'csr-demo' } as const;

/**
 * The workstation's secrets in a plain file beside the cache (tests only): kept across restarts of
 * the core on that cache, also in another process (the fault-injection workstations are killed
 * and started again), as Electron keeps them in its safeStorage file.
 */
class TestSecretsFile implements SecretStore {
  readonly kind = 'memory' as const;
  readonly warning = null;
  constructor(private readonly file: string) {}
  private read(): Record<string, string> {
    return existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>) : {};
  }
  get(name: string): string | null {
    return this.read()[name] ?? null;
  }
  set(name: string, value: string): void {
    this.write({ ...this.read(), [name]: value });
  }
  delete(name: string): void {
    const { [name]: _gone, ...rest } = this.read();
    this.write(rest);
  }
  /** Whole or not at all, as Electron's secrets file (a process killed mid-write leaves the old one). */
  private write(values: Record<string, string>): void {
    writeFileSync(`${this.file}.tmp`, JSON.stringify(values));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
const secretsOf = (dbFile: string): SecretStore => new TestSecretsFile(`${dbFile}.secrets.json`);

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
