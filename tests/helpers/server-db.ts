/**
 * The two backends the central store's tests run against: PGlite in a temp data directory, and
 * the real PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth) in a fresh database per run.
 *
 * The PostgreSQL half is never passed silently: with CI=true an unreachable server fails the run;
 * elsewhere the tests are marked skipped with a reason and a line says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { SQL } from 'drizzle-orm';
import { openStore, type Store } from '../../server/src/db/connect';

export const POSTGRES_HOST = '127.0.0.1';
export const POSTGRES_PORT = 5432;
const ADMIN_DATABASES = ['postgres', 'test'];

export const POSTGRES_NOT_RUN = `PostgreSQL at ${POSTGRES_HOST}:${POSTGRES_PORT} is not reachable: the PostgreSQL half of the server tests did NOT run`;

const urlFor = (database: string) => `postgres://postgres@${POSTGRES_HOST}:${POSTGRES_PORT}/${database}`;

async function withAdminClient<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (const database of ADMIN_DATABASES) {
    const client = new pg.Client({ connectionString: urlFor(database), connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
    } catch (e) {
      lastError = e;
      await client.end().catch(() => undefined);
      continue;
    }
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  }
  throw lastError;
}

export type PostgresProbe = { reachable: true } | { reachable: false; why: string };

export async function probePostgres(): Promise<PostgresProbe> {
  try {
    await withAdminClient((client) => client.query('select 1'));
    return { reachable: true };
  } catch (e) {
    return { reachable: false, why: (e as Error).message };
  }
}

/**
 * What to do when PostgreSQL is unreachable: in CI throw (the run fails), elsewhere print the
 * "did NOT run" line once and return the reason the tests are skipped with.
 */
export async function postgresSkipReason(): Promise<string | undefined> {
  const probe = await probePostgres();
  if (probe.reachable) return undefined;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`CI needs PostgreSQL at ${POSTGRES_HOST}:${POSTGRES_PORT} for the server tests, and it is not reachable: ${probe.why}`);
  }
  console.warn(`${POSTGRES_NOT_RUN} (${probe.why}).`);
  return POSTGRES_NOT_RUN;
}

/** A place for a store that nothing else uses, and how to remove it afterwards. */
export interface StoreLocation {
  open(): Promise<Store>;
  /** The data directory or database name, for messages. */
  describe: string;
  dispose(): Promise<void>;
}

export interface StoreBackend {
  name: 'pglite' | 'postgres';
  /** An empty database (PostgreSQL) or data directory (PGlite). */
  freshLocation(): Promise<StoreLocation>;
}

export const pgliteBackend: StoreBackend = {
  name: 'pglite',
  async freshLocation() {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-store-test-'));
    return {
      describe: dataDir,
      open: () => openStore({ dataDir }),
      dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  },
};

export const postgresBackend: StoreBackend = {
  name: 'postgres',
  async freshLocation() {
    const database = `switchboard_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await withAdminClient((client) => client.query(`CREATE DATABASE "${database}"`));
    return {
      describe: database,
      open: () => openStore({ databaseUrl: urlFor(database) }),
      dispose: () => withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)).then(() => undefined),
    };
  },
};

/** Rows of a raw query; both drivers answer `execute` with an object holding `rows`. */
export async function queryRows<T>(store: Store, query: SQL): Promise<T[]> {
  const result = (await store.db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
