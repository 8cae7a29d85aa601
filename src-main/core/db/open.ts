import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema';
import { buildDeferredIndexes, DEFERRED_DIRECTORY_KEY, DEFERRED_INDEXES_KEY } from './deferred-indexes';
import { restoreSeedIndexes, SEED_DEFERRED_INDEXES_KEY } from '../seed/seed-indexes';

/** A connection to the local cache as drizzle gives it; say which kind with the two types below. */
export type CacheDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

declare const writable: unique symbol;

/**
 * Database handles told apart by type, as Signal Desktop does (issue 20): a read service, and every
 * handler of a `read` channel, takes a `ReadableDb`; a write service takes a `WritableDb`. Only
 * the writer's connection is a `WritableDb` (openCache without `readonly`), and a `WritableDb` may
 * be used wherever a `ReadableDb` is expected but not the reverse: a reader's handle (opened
 * `query_only`) cannot be handed to a service that writes, and the type checker says so.
 */
export type ReadableDb = CacheDb;
export type WritableDb = CacheDb & { readonly [writable]: true };

export interface OpenOptions {
  /** Folder with drizzle-kit's migrations; defaults to the repository's drizzle/. */
  migrationsFolder?: string;
  /** Path to a better_sqlite3.node built for this runtime (Electron's ABI differs from Node's). */
  nativeBinding?: string;
  /** A reader never migrates or writes; it is opened read-only (`query_only`). */
  readonly?: boolean;
}

export class MigrationError extends Error {
  constructor(file: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`The local cache at ${file} could not be upgraded (${why}). Nothing was changed; the app cannot start until this is fixed.`);
    this.name = 'MigrationError';
    this.cause = cause;
  }
}

export function defaultMigrationsFolder(): string {
  // Source (tests, tsx): src-main/core/db → ../../../drizzle. Built (out/main): → ../../drizzle.
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [resolve(here, '../../../drizzle'), resolve(here, '../../drizzle'), resolve(process.cwd(), 'drizzle')]) {
    if (existsSync(resolve(candidate, 'meta/_journal.json'))) return candidate;
  }
  throw new Error(`No migrations folder found near ${here}`);
}

/**
 * Connection settings every cache connection uses. WAL lets readers run beside the writer;
 * better-sqlite3 leaves WAL at synchronous=NORMAL, which can lose the last commits on power loss,
 * so FULL is set explicitly: a CSR's "saved" must survive a crash.
 */
export function applyPragmas(client: Database.Database, readonly: boolean): void {
  if (!readonly) client.pragma('journal_mode = WAL');
  client.pragma('synchronous = FULL');
  client.pragma('foreign_keys = ON');
  // A writer may wait for the sync thread to build one deferred index at the end of a first copy
  // (db/deferred-indexes.ts: ~10–20 s for order lines at a million customers on a slow machine):
  // a CSR's save then takes that long instead of failing with "database is locked".
  client.pragma(`busy_timeout = ${readonly ? 5000 : 60_000}`);
  client.pragma('cache_size = -65536'); // 64 MiB page cache per connection
  client.pragma('temp_store = MEMORY');
  client.pragma('mmap_size = 268435456');
  if (readonly) client.pragma('query_only = ON');
}

/** Opens (and, for the writer, creates and migrates) the local cache at `file`. */
export function openCache(file: string, options: OpenOptions & { readonly: true }): ReadableDb;
export function openCache(file: string, options?: OpenOptions & { readonly?: false }): WritableDb;
export function openCache(file: string, options?: OpenOptions): ReadableDb;
export function openCache(file: string, options: OpenOptions = {}): ReadableDb {
  const client = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    applyPragmas(client, options.readonly ?? false);
    const db = drizzle({ client, schema });
    if (!options.readonly) {
      const migrationsFolder = options.migrationsFolder ?? defaultMigrationsFolder();
      try {
        // Migrations are written against the full schema: indexes a first copy left to build at its
        // end are built before any migration runs (only then: otherwise the copy resumes and builds them).
        if (hasDeferredIndexes(client) && hasPendingMigrations(client, migrationsFolder)) {
          buildDeferredIndexes(client);
          restoreSeedIndexes(client);
        }
        migrate(db, { migrationsFolder });
      } catch (e) {
        throw new MigrationError(file, e);
      }
      // The one place a handle becomes writable: the writer's own connection, migrated.
      ensureClientId(db as WritableDb);
    }
    return db;
  } catch (e) {
    client.close();
    throw e;
  }
}

function hasDeferredIndexes(client: Database.Database): boolean {
  const metaExists = client.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cache_meta'`).get() !== undefined;
  return metaExists && client.prepare(`SELECT 1 FROM cache_meta WHERE key IN (?, ?, ?)`).get(DEFERRED_INDEXES_KEY, DEFERRED_DIRECTORY_KEY, SEED_DEFERRED_INDEXES_KEY) !== undefined;
}

function hasPendingMigrations(client: Database.Database, migrationsFolder: string): boolean {
  const applied = client.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`).get()
    ? (client.prepare(`SELECT count(*) FROM __drizzle_migrations`).pluck().get() as number)
    : 0;
  return readMigrationFiles({ migrationsFolder }).length > applied;
}

/**
 * Takes a connection this module did not open (a test's hand-made one, with a statement hook) as
 * the writer's. The caller vouches that it is a writable connection; SQLite still refuses a
 * write on a `query_only` one.
 */
export function asWritable(db: CacheDb): WritableDb {
  return db as WritableDb;
}

/** This cache's client id for the outbox: made once, kept for the life of the file. */
export function ensureClientId(db: WritableDb): string {
  const client = db.$client;
  const row = client.prepare(`SELECT value FROM cache_meta WHERE key = 'client_id'`).get() as { value: string } | undefined;
  if (row) return row.value;
  const id = randomUUID();
  client.prepare(`INSERT INTO cache_meta(key, value) VALUES ('client_id', ?)`).run(id);
  return id;
}
