/**
 * The central store the sync benchmark talks to: a throwaway database on the PostgreSQL at
 * 127.0.0.1:5432 (user postgres, trust), filled from the bench's cache file, and the real server
 * (`server/src/main.ts`) in a child process of its own, so neither its memory nor its CPU is counted
 * as the workstation's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import pg from 'pg';
import { createUser } from '../server/src/auth/users';
import { openStore } from '../server/src/db/connect';
import type { BulkLoadSummary } from '../server/src/seed/bulk-load';
import { loadCacheFileIntoStore } from './cache-into-store';
import { processCpuSeconds } from './sync-proc';

export const POSTGRES_HOST = '127.0.0.1';
export const POSTGRES_PORT = 5432;
const ADMIN_DATABASE = 'postgres';

export const databaseUrl = (database: string): string => `postgres://postgres@${POSTGRES_HOST}:${POSTGRES_PORT}/${database}`;

/** Only names the bench makes itself reach CREATE / DROP (they cannot be bound as parameters). */
function checkedName(database: string): string {
  if (!/^switchboard_bench_[0-9]+$/.test(database)) throw new Error(`Refusing to touch database "${database}": not a bench database name.`);
  return database;
}

async function withAdmin<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(ADMIN_DATABASE), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new Error(`PostgreSQL at ${POSTGRES_HOST}:${POSTGRES_PORT} (user postgres) is not reachable: ${(e as Error).message}`, { cause: e });
  }
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(database: string): Promise<void> {
  const name = checkedName(database);
  await withAdmin(async (client) => {
    // A database left by an earlier run of this very pid (pids are reused) is stale by definition.
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
}

/** Drops the database, closing whatever connections are still open on it (the server's, if it hung). */
export async function dropDatabase(database: string): Promise<void> {
  const name = checkedName(database);
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export async function postgresVersion(): Promise<string> {
  return withAdmin(async (client) => String((await client.query('SHOW server_version')).rows[0]?.server_version ?? '?'));
}

export interface FilledStore {
  load: BulkLoadSummary;
  vacuumMs: number;
  /** Customer ids read back from the store, for pushed notes. */
  customerIds: string[];
}

/**
 * Migrates the database, copies the cache file's server-owned tables into it without the
 * change-log triggers (the pull's snapshot phase delivers those rows all the same), VACUUM ANALYZE
 * (what autovacuum does on its own shortly after a load of this size: statistics and the visibility
 * map for the pull's keyset reads), and creates the bench user.
 */
export async function fillStore(
  database: string,
  sourceFile: string,
  user: { username: string; password: string },
  options: { customerIds: number; onProgress?: (rows: number, table: string, ms: number) => void },
): Promise<FilledStore> {
  const store = await openStore({ databaseUrl: databaseUrl(database) });
  try {
    const load = await loadCacheFileIntoStore(store, sourceFile, {
      skipChangeLog: true,
      onProgress: (p) => options.onProgress?.(p.rows, p.table, p.ms),
    });
    await createUser(store.db, { username: user.username, displayName: 'Sync benchmark', role: 'csr', password: user.password });
    const client = new pg.Client({ connectionString: databaseUrl(database) });
    await client.connect();
    try {
      const started = performance.now();
      await client.query('VACUUM (ANALYZE)');
      const vacuumMs = performance.now() - started;
      const customers = load.tables.customers ?? 0;
      // A spread of existing customers, the same ones every run (REPEATABLE), read from the store itself.
      const percent = Math.min(100, (100 * 4 * options.customerIds) / Math.max(1, customers));
      const sampled = await client.query<{ id: string }>(
        `SELECT id::text AS id FROM customers TABLESAMPLE BERNOULLI (${percent.toFixed(6)}) REPEATABLE (1) LIMIT ${options.customerIds}`,
      );
      return { load, vacuumMs, customerIds: sampled.rows.map((r) => r.id) };
    } finally {
      await client.end();
    }
  } finally {
    await store.close();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * CPU used by the PostgreSQL backends serving `database`. Backends come and go (the server's pool
 * closes idle connections), so this samples them and keeps each one's last reading: call sample()
 * every second or so while the work runs.
 */
export class BackendCpu {
  private readonly lastSeen = new Map<number, number>();
  private readonly baseline = new Map<number, number>();
  private client: pg.Client | undefined;

  constructor(private readonly database: string) {}

  async start(): Promise<void> {
    this.client = new pg.Client({ connectionString: databaseUrl(ADMIN_DATABASE) });
    await this.client.connect();
    await this.sample(true);
  }

  async sample(asBaseline = false): Promise<void> {
    if (!this.client) return;
    const { rows } = await this.client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [this.database]);
    for (const { pid } of rows) {
      const seconds = processCpuSeconds(pid);
      if (seconds === null) continue;
      // A backend there at the start counts from its reading then; one that appears later, from zero.
      if (!this.lastSeen.has(pid)) this.baseline.set(pid, asBaseline ? seconds : 0);
      this.lastSeen.set(pid, seconds);
    }
  }

  /** CPU seconds since start() (a backend that came and went between samples is partly missed). */
  seconds(): number {
    let total = 0;
    for (const [pid, seconds] of this.lastSeen) total += seconds - (this.baseline.get(pid) ?? 0);
    return total;
  }

  async stop(): Promise<void> {
    await this.client?.end();
    this.client = undefined;
  }
}

/** The real server (`node --import tsx server/src/main.ts`) over the bench database, on a free loopback port. */
export class StoreProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  get pid(): number {
    return this.child.pid ?? 0;
  }

  static async start(repo: string, database: string, profileArgs: readonly string[] = []): Promise<StoreProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', ...profileArgs, 'server/src/main.ts', '--port', String(port), '--host', '127.0.0.1', '--no-demo'], {
      cwd: repo,
      // warn: a request log line per pull page and push is not what is being measured.
      env: { ...process.env, DATABASE_URL: databaseUrl(database), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const running = new StoreProcess(child, `http://127.0.0.1:${port}`);
    // Never leave the server behind, whatever ends this process.
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => process.off('exit', reap));
    let exited: string | null = null;
    child.once('exit', (code, signal) => (exited = `exit code ${code ?? signal}`));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`The store server stopped while starting (${exited}).`);
      try {
        if ((await fetch(`${running.url}/health`, { signal: AbortSignal.timeout(2000) })).ok) return running;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await running.stop();
    throw new Error('The store server did not answer /health within 60 s.');
  }

  /** SIGTERM (the server closes its routes and pool), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Signs in; with `workstation` the answer is that workstation's sync token (what push and pull
 * need), else the user's session token.
 */
export async function signIn(serverUrl: string, username: string, password: string, workstation?: { id: string; name: string }): Promise<string> {
  const response = await fetch(`${serverUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, ...(workstation ? { workstation } : {}) }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { ok: boolean; value?: { token: string; workstationToken?: string }; error?: { message: string } };
  if (!body.ok || !body.value) throw new Error(`Signing in as ${username} failed: ${body.error?.message ?? response.status}`);
  if (workstation && !body.value.workstationToken) throw new Error('The store gave no workstation token.');
  return workstation ? body.value.workstationToken! : body.value.token;
}
