/**
 * Opens the central store: a real PostgreSQL when a DATABASE_URL is given, else PGlite (PostgreSQL
 * compiled to WASM) persisted to a data directory. Both run the same schema and migrations, so the
 * server has one SQL dialect. Migrations are applied before anything else and fail fast.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import * as schema from './schema';

export type StoreSchema = typeof schema;
/** The drizzle database both drivers give: repositories take this and never know which it is. */
export type StoreDb = PgDatabase<PgQueryResultHKT, StoreSchema>;
export type StoreKind = 'postgres' | 'pglite';

export interface Store {
  readonly db: StoreDb;
  readonly kind: StoreKind;
  close(): Promise<void>;
  /**
   * LISTEN on a notification channel: `onNotify` runs for every NOTIFY on it, from this process or
   * any other writing the same database. Resolves to the function that stops listening.
   */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** PostgreSQL only: the pool behind `db`, for what drizzle cannot do (COPY … TO STDOUT of the exports). */
  readonly pool?: pg.Pool;
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
  return { db: db as unknown as StoreDb, kind: 'postgres', pool, close, listen: (channel, onNotify) => listenPostgres(pool, where, channel, onNotify) };
}

const LISTEN_RETRY_MS = 1000;

/**
 * LISTEN holds a connection of its own (taken from the pool for as long as it listens). When that
 * connection fails it is dropped and a new one listens again a second later; `onNotify` runs once
 * after every reconnect too, since notifications sent meanwhile were lost.
 */
async function listenPostgres(pool: pg.Pool, where: string, channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  let client: pg.PoolClient | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const onNotification = (message: pg.Notification) => {
    if (message.channel === channel) onNotify();
  };
  const connect = async (): Promise<void> => {
    const next = await pool.connect();
    next.on('notification', onNotification);
    next.on('error', (e) => {
      if (client !== next) return;
      client = undefined;
      next.release(e);
      if (stopped) return;
      console.warn(`PostgreSQL at ${where}: the LISTEN ${channel} connection failed (${e.message}); listening again shortly.`);
      retry = setTimeout(reconnect, LISTEN_RETRY_MS);
    });
    try {
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (e) {
      next.release(e as Error);
      throw e;
    }
    if (stopped) {
      next.release(true);
      return;
    }
    client = next;
  };
  const reconnect = () => {
    retry = undefined;
    if (stopped) return;
    connect().then(onNotify, (e: unknown) => {
      if (stopped) return;
      console.warn(`PostgreSQL at ${where}: cannot LISTEN ${channel} (${(e as Error).message}); trying again shortly.`);
      retry = setTimeout(reconnect, LISTEN_RETRY_MS);
    });
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const listening = client;
    client = undefined;
    // Dropped rather than returned to the pool: a pooled connection must not keep listening.
    listening?.release(true);
  };
}

async function openPglite(dataDir: string, migrationsFolder: string): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  // Loaded only when used: a process on PostgreSQL (the import CLI, say) does not carry PGlite's ~40 MB.
  const [{ PGlite: PGliteClass }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  let client: PGlite;
  try {
    client = await PGliteClass.create(dataDir);
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
  return {
    db: db as unknown as StoreDb,
    kind: 'pglite',
    close,
    listen: async (channel, onNotify) => {
      const unlisten = await client.listen(channel, () => onNotify());
      return () => unlisten();
    },
  };
}

function migrationError(where: string, e: unknown): Error {
  const cause = e as Error & { cause?: unknown };
  const detail = cause.cause instanceof Error ? `${cause.message} (${cause.cause.message})` : cause.message;
  return new Error(`The central store's migrations failed on ${where}; the server did not start: ${detail}`, { cause: e });
}
