/**
 * Opens the central store: a real PostgreSQL when a DATABASE_URL is given, else PGlite (PostgreSQL
 * compiled to WASM) persisted to a data directory. Both run the same schema and migrations, so the
 * server has one SQL dialect. Migrations are applied before anything else and fail fast.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import * as schema from './schema';

export type StoreSchema = typeof schema;
/** The drizzle database both drivers give: repositories take this and never know which it is. */
export type StoreDb = PgDatabase<PgQueryResultHKT, StoreSchema>;
export type StoreKind = 'postgres' | 'pglite';

export interface Store {
  readonly db: StoreDb;
  readonly kind: StoreKind;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** postgres://… — when set, the store is that PostgreSQL server. */
  databaseUrl?: string;
  /** PGlite's data directory when no databaseUrl is given. */
  dataDir?: string;
  migrationsFolder?: string;
}

export const DEFAULT_DATA_DIR = '.switchboard-store';
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** The URL without its password, for messages and logs. */
export function redactDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(an unparseable DATABASE_URL)';
  }
}

export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const migrationsFolder = options.migrationsFolder ?? MIGRATIONS_FOLDER;
  return options.databaseUrl ? openPostgres(options.databaseUrl, migrationsFolder) : openPglite(resolve(options.dataDir ?? DEFAULT_DATA_DIR), migrationsFolder);
}

async function openPostgres(databaseUrl: string, migrationsFolder: string): Promise<Store> {
  const where = redactDatabaseUrl(databaseUrl);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  // An idle client that loses its connection emits 'error' on the pool; without a listener that
  // would crash the process. Say so, and let the next query get a fresh connection.
  pool.on('error', (e) => console.warn(`PostgreSQL at ${where}: an idle connection failed (${e.message}); the next query reconnects.`));
  const close = () => pool.end();
  try {
    const probe = await pool.connect();
    probe.release();
  } catch (e) {
    await close();
    throw new Error(`Cannot connect to PostgreSQL at ${where}: ${(e as Error).message}`, { cause: e });
  }
  const db = drizzlePg(pool, { schema });
  try {
    await migratePg(db, { migrationsFolder });
  } catch (e) {
    await close();
    throw migrationError(`PostgreSQL at ${where}`, e);
  }
  return { db: db as unknown as StoreDb, kind: 'postgres', close };
}

async function openPglite(dataDir: string, migrationsFolder: string): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  let client: PGlite;
  try {
    client = await PGlite.create(dataDir);
  } catch (e) {
    throw new Error(`Cannot open the embedded store (PGlite) in ${dataDir}: ${(e as Error).message}`, { cause: e });
  }
  const close = () => client.close();
  const db = drizzlePglite(client, { schema });
  try {
    await migratePglite(db, { migrationsFolder });
  } catch (e) {
    await close();
    throw migrationError(`the embedded store (PGlite) in ${dataDir}`, e);
  }
  return { db: db as unknown as StoreDb, kind: 'pglite', close };
}

function migrationError(where: string, e: unknown): Error {
  const cause = e as Error & { cause?: unknown };
  const detail = cause.cause instanceof Error ? `${cause.message} (${cause.cause.message})` : cause.message;
  return new Error(`The central store's migrations failed on ${where}; the server did not start: ${detail}`, { cause: e });
}
