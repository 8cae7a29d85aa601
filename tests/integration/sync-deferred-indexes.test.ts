/**
 * The first copy into an empty cache builds the order tables' secondary indexes after their rows
 * (src-main/core/db/deferred-indexes.ts): a real store (PGlite) over HTTP, the real SyncEngine and
 * PageApplier on a cache file. What must hold: the indexes end up exactly as the schema declares
 * them, whatever interrupts the copy (a quit mid-copy, a quit between the last page and the build,
 * a reset, an upgrade whose migration touches one of them), and the status says when order history
 * is still arriving.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { loadDemoIfEmpty } from '../../server/src/seed/demo';
import { defaultMigrationsFolder, ensureClientId, openCache } from '../../src-main/core/db/open';
import {
  DEFERRABLE_INDEXES,
  DEFERRED_DIRECTORY_KEY,
  DEFERRED_INDEXES_KEY,
  DIRECTORY_DEFERRABLE,
  DIRECTORY_TABLES,
  deferIndexes,
  deferredIndexNames,
  NAME_SEARCH_TRIGGERS,
} from '../../src-main/core/db/deferred-indexes';
import { SyncEngine, type SyncEngineOptions } from '../../src-main/core/sync/sync-engine';
import { deferIndexes as deferSeedIndexes } from '../../src-main/core/seed/seed-indexes';
import { plantCustomer, plantProduct, tempCache, type TempCache } from '../helpers/cache';
import { testCore } from '../helpers/core';
import { StoreServer } from '../helpers/store-server';

const CSR = { username: 'dora', password: 'deferred indexes' };
const WAIT = { timeout: 30_000, interval: 50 };
const ALL_DEFERRABLE = Object.values(DEFERRABLE_INDEXES).flat();
/** The directory's deferrable indexes and the name search's triggers. */
const DIRECTORY_NAMES = Object.values(DIRECTORY_DEFERRABLE).flat();

const server = new StoreServer();
let declared: Map<string, string>;
let declaredTriggers: Map<string, string>;

beforeAll(async () => {
  await server.start();
  await server.addUser(CSR.username, CSR.password);
  await loadDemoIfEmpty(server.store, { customers: 40 });
  // The indexes as the migrations declare them, from a cache nothing was copied into.
  const fresh = tempCache();
  declared = indexSql(fresh.db.$client);
  declaredTriggers = triggerSql(fresh.db.$client);
  fresh.cleanup();
  for (const name of NAME_SEARCH_TRIGGERS) expect(declaredTriggers.get(name), name).toMatch(/^CREATE TRIGGER/);
  for (const name of ALL_DEFERRABLE) expect(declared.get(name), name).toMatch(/^CREATE INDEX/);
}, 120_000);

afterAll(async () => {
  await server.dispose();
});

function indexSql(c: Database.Database): Map<string, string> {
  const rows = c.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`).all() as { name: string; sql: string }[];
  return new Map(rows.map((r) => [r.name, r.sql.replace(/ IF NOT EXISTS/i, '')]));
}

function triggerSql(c: Database.Database): Map<string, string> {
  const rows = c.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger'`).all() as { name: string; sql: string }[];
  return new Map(rows.map((r) => [r.name, r.sql.replace(/ IF NOT EXISTS/i, '')]));
}

const missing = (c: Database.Database) => ALL_DEFERRABLE.filter((name) => !indexSql(c).has(name));
/** The directory's indexes and name-search triggers that are not in the schema now. */
const directoryMissing = (c: Database.Database) => {
  const indexes = indexSql(c);
  const triggers = triggerSql(c);
  return DIRECTORY_NAMES.filter((name) => !indexes.has(name) && !triggers.has(name));
};

/** The directory's indexes and triggers exactly as declared, and the name index in step with customers. */
function expectDirectoryAsDeclared(c: Database.Database): void {
  const indexes = indexSql(c);
  const triggers = triggerSql(c);
  for (const name of DIRECTORY_NAMES) expect(indexes.get(name) ?? triggers.get(name), name).toBe(declared.get(name) ?? declaredTriggers.get(name));
  expect(c.prepare(`SELECT value FROM cache_meta WHERE key = ?`).get(DEFERRED_DIRECTORY_KEY)).toBeUndefined();
  // FTS5 checks its index against the content table (customers): throws when a name is missing or stale.
  c.exec(`INSERT INTO customer_name_fts(customer_name_fts) VALUES ('integrity-check')`);
  expect(c.prepare(`SELECT count(*) FROM customer_name_fts`).pluck().get()).toBe(c.prepare(`SELECT count(*) FROM customers`).pluck().get());
  // The same for the catalogue search (issue 21) over products, which a copy brings in first.
  c.exec(`INSERT INTO product_search(product_search) VALUES ('integrity-check')`);
  expect(c.prepare(`SELECT count(*) FROM product_search`).pluck().get()).toBe(c.prepare(`SELECT count(*) FROM products`).pluck().get());
  c.exec(`INSERT INTO product_name_search(product_name_search) VALUES ('integrity-check')`);
  expect(c.prepare(`SELECT count(*) FROM product_name_search`).pluck().get()).toBe(c.prepare(`SELECT count(*) FROM products`).pluck().get());
  const plan = c.prepare(`EXPLAIN QUERY PLAN SELECT customer_id FROM customer_phones WHERE e164 = ?`).all('+15550100') as { detail: string }[];
  expect(plan.map((p) => p.detail).join(' ')).toContain('customer_phones_e164_idx');
}

/** Customer ids whose first or last name matches `term` in the name search. */
const byName = (c: Database.Database, term: string) =>
  c.prepare(`SELECT c.id FROM customer_name_fts f JOIN customers c ON c.row_id = f.rowid WHERE customer_name_fts MATCH ?`).pluck().all(term) as string[];

function engineFor(cache: TempCache, extra: Partial<SyncEngineOptions> = {}): SyncEngine {
  return new SyncEngine({
    client: cache.db.$client,
    clientId: ensureClientId(cache.db),
    serverUrl: server.url,
    credentials: { kind: 'password', ...CSR },
    pullLimit: 40,
    live: false,
    log: () => undefined,
    ...extra,
  });
}

/** Runs a first copy into `cache` and stops it (as a quit does) once `table` has rows. */
async function copyUntilRowsIn(cache: TempCache, table: 'customer_phones' | 'orders' | 'order_lines'): Promise<void> {
  let stopAsked = false;
  const engine: SyncEngine = engineFor(cache, {
    onPulled: () => {
      if (!stopAsked && (cache.db.$client.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number) > 0) {
        stopAsked = true;
        void engine.stop();
      }
    },
  });
  engine.start();
  await vi.waitFor(() => expect(stopAsked).toBe(true), WAIT);
  await engine.stop();
}

async function caughtUp(engine: SyncEngine): Promise<void> {
  await vi.waitFor(() => expect(engine.status()).toMatchObject({ state: 'online', initialSync: null, lastSyncAt: expect.any(Number) }), WAIT);
}

function expectIndexesAsDeclared(c: Database.Database): void {
  const now = indexSql(c);
  for (const name of ALL_DEFERRABLE) expect(now.get(name), name).toBe(declared.get(name));
  expect(c.prepare(`SELECT value FROM cache_meta WHERE key = ?`).get(DEFERRED_INDEXES_KEY)).toBeUndefined();
  const plan = c.prepare(`EXPLAIN QUERY PLAN SELECT id FROM order_lines WHERE product_id = ? ORDER BY placed_at DESC`).all('x') as { detail: string }[];
  expect(plan.map((p) => p.detail).join(' ')).toContain('order_lines_product_placed_idx');
}

describe('the first copy into an empty cache', { timeout: 120_000 }, () => {
  it('copies order rows without their secondary indexes, says order history is arriving, then builds them as declared', async () => {
    const cache = tempCache();
    const seen: { missing: number; ready: boolean; orders: number }[] = [];
    let engine: SyncEngine | undefined;
    try {
      engine = engineFor(cache, {
        onPulled: () => {
          const c = cache.db.$client;
          seen.push({ missing: missing(c).length, ready: (engine as SyncEngine).status().orderHistoryReady, orders: c.prepare(`SELECT count(*) FROM orders`).pluck().get() as number });
        },
      });
      expect(engine.status().orderHistoryReady).toBe(true);
      engine.start();
      await caughtUp(engine);
      const c = cache.db.$client;
      // While order rows were arriving, the four indexes were absent and the status said so.
      const duringOrders = seen.filter((s) => s.orders > 0 && s !== seen[seen.length - 1]);
      expect(duringOrders.length).toBeGreaterThan(1);
      for (const s of duringOrders) expect(s).toMatchObject({ missing: ALL_DEFERRABLE.length, ready: false });
      expectIndexesAsDeclared(c);
      // The build ran with a small page cache (its sort memory); the connection's own is back.
      expect(c.pragma('cache_size', { simple: true })).toBe(-65_536);
      expect(engine.status().orderHistoryReady).toBe(true);
      expect(c.prepare(`SELECT count(*) FROM order_lines`).pluck().get()).toBe(await server.count(sqlCount('order_lines')));
      expect(await engine.check()).toMatchObject({ match: true });
    } finally {
      await engine?.stop();
      cache.cleanup();
    }
  });

  it('stopped half-way, keeps them deferred across the restart and builds them when the resumed copy ends', async () => {
    const cache = tempCache();
    try {
      await copyUntilRowsIn(cache, 'orders');
      const c = cache.db.$client;
      expect(c.prepare(`SELECT value FROM cache_meta WHERE key = 'sync_phase'`).pluck().get()).toBe('snapshot');
      expect(missing(c)).toEqual(ALL_DEFERRABLE);

      // The app is quit and started again: opening the cache (no migration pending) leaves them for the copy.
      c.close();
      cache.db = openCache(cache.file);
      expect(missing(cache.db.$client)).toEqual(ALL_DEFERRABLE);
      const second = engineFor(cache);
      expect(second.status().orderHistoryReady).toBe(false);
      second.start();
      try {
        await caughtUp(second);
        expectIndexesAsDeclared(cache.db.$client);
        expect(second.status().orderHistoryReady).toBe(true);
        expect(await second.check()).toMatchObject({ match: true });
      } finally {
        await second.stop();
      }
    } finally {
      cache.cleanup();
    }
  });

  it('stopped between its last page and the build, builds them when sync starts again', async () => {
    const cache = tempCache();
    try {
      const engine = engineFor(cache);
      engine.start();
      await caughtUp(engine);
      await engine.stop();
      const c = cache.db.$client;
      // As a quit right after the last page's commit leaves it: the rows and cursor in, the indexes not.
      dropAsDeferred(c);
      expect(deferredIndexNames(c).sort()).toEqual([...ALL_DEFERRABLE].sort());
      const again = engineFor(cache);
      again.start();
      try {
        expect(again.status().orderHistoryReady).toBe(true);
        expectIndexesAsDeclared(c);
      } finally {
        await again.stop();
      }
    } finally {
      cache.cleanup();
    }
  });

  it('a build that fails (the write lock held past the busy timeout) is retried by the next cycle until it succeeds', async () => {
    const cache = tempCache();
    const other = new Database(cache.file);
    const failures: string[] = [];
    let held = false;
    let engine: SyncEngine | undefined;
    try {
      cache.db.$client.pragma('busy_timeout = 100');
      engine = engineFor(cache, {
        retry: { baseMs: 50, capMs: 200 },
        log: (message, error) => {
          if (error !== undefined) failures.push(`${message}: ${String(error)}`);
        },
        // Called just before the build: another connection takes the write lock for 600 ms.
        publishStatus: () => {
          if (held) return;
          held = true;
          other.exec('BEGIN IMMEDIATE');
          setTimeout(() => other.exec('COMMIT'), 600);
        },
      });
      engine.start();
      await vi.waitFor(() => expect(engine?.status()).toMatchObject({ state: 'online', initialSync: null, orderHistoryReady: true }), WAIT);
      expect(held).toBe(true);
      expect(failures.length).toBeGreaterThan(0);
      expect(failures[0]).toMatch(/database is locked/i);
      expectIndexesAsDeclared(cache.db.$client);
      expect(await engine.check()).toMatchObject({ match: true });
    } finally {
      await engine?.stop();
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      cache.cleanup();
    }
  });

  it('a reset of a half-copied cache builds the deferred indexes before it re-reads the tables by them', async () => {
    const cache = tempCache();
    try {
      await copyUntilRowsIn(cache, 'order_lines');
      const c = cache.db.$client;
      expect(missing(c)).toEqual(ALL_DEFERRABLE);
      const duringReset: number[] = [];
      const second = engineFor(cache, { onPulled: () => duringReset.push(missing(c).length) });
      second.start();
      second.reset();
      try {
        await caughtUp(second);
        expect(duringReset.length).toBeGreaterThan(0);
        expect(new Set(duringReset)).toEqual(new Set([0]));
        expectIndexesAsDeclared(c);
        expect(await second.check()).toMatchObject({ match: true });
      } finally {
        await second.stop();
      }
    } finally {
      cache.cleanup();
    }
  });

  it('a cache that holds order rows keeps its indexes: only empty tables are deferred', () => {
    const cache = tempCache();
    try {
      const c = cache.db.$client;
      c.exec(`INSERT INTO customers (id, first_name, last_name, created_at, updated_at) VALUES ('c1', 'A', 'B', 1, 1)`);
      c.exec(`INSERT INTO products (id, sku, name, brand, category, price_cents) VALUES ('p1', 'SKU1', 'Thing', 'Brand', 'Misc', 100)`);
      c.exec(
        `INSERT INTO orders (id, number, customer_id, channel, status, currency, subtotal_cents, total_cents, placed_at) VALUES ('o1', 'SB1', 'c1', 'web', 'delivered', 'USD', 100, 100, 1)`,
      );
      expect(deferIndexes(c, ['orders', 'order_lines'])).toEqual(DEFERRABLE_INDEXES.order_lines);
      expect(missing(c)).toEqual(DEFERRABLE_INDEXES.order_lines);
    } finally {
      cache.cleanup();
    }
  });
});

describe('the customer directory in a first copy', { timeout: 120_000 }, () => {
  it('comes without its indexes and name search, says so, and has them built before the first order is applied', async () => {
    const cache = tempCache();
    const seen: { missing: number; ready: boolean; customers: number; orders: number }[] = [];
    let local: string | null = null;
    let engine: SyncEngine | undefined;
    const published: { building: boolean; directoryReady: boolean; orderHistoryReady: boolean; copying: boolean }[] = [];
    try {
      engine = engineFor(cache, {
        publishStatus: () => {
          const s = (engine as SyncEngine).status();
          published.push({ building: s.buildingIndexes, directoryReady: s.directoryReady, orderHistoryReady: s.orderHistoryReady, copying: s.initialSync !== null });
        },
        onPulled: () => {
          const c = cache.db.$client;
          const customers = c.prepare(`SELECT count(*) FROM customers`).pluck().get() as number;
          seen.push({ missing: directoryMissing(c).length, ready: (engine as SyncEngine).status().directoryReady, customers, orders: c.prepare(`SELECT count(*) FROM orders`).pluck().get() as number });
          // A customer saved on this workstation while the name search has no triggers.
          if (local === null && customers > 0) local = plantCustomer(cache.db, { firstName: 'Quillon', lastName: 'Marchetti', phones: ['+15550100'] });
        },
      });
      expect(engine.status().directoryReady).toBe(true);
      engine.start();
      await caughtUp(engine);
      const c = cache.db.$client;
      const whileDirectory = seen.filter((s) => s.customers > 0 && s.orders === 0);
      expect(whileDirectory.length).toBeGreaterThan(0);
      for (const s of whileDirectory.slice(0, -1)) expect(s).toMatchObject({ missing: DIRECTORY_NAMES.length, ready: false });
      // Once order rows came, the directory had been built (in the same cycle as that page).
      const withOrders = seen.filter((s) => s.orders > 0);
      expect(withOrders.length).toBeGreaterThan(0);
      for (const s of withOrders) expect(s).toMatchObject({ missing: 0, ready: true });
      expectDirectoryAsDeclared(c);
      expectIndexesAsDeclared(c);
      expect(engine.status()).toMatchObject({ directoryReady: true, orderHistoryReady: true, buildingIndexes: false });
      // The window was told before each build that saves may wait: the directory's mid-copy, the
      // order history's after the last page.
      expect(published.filter((p) => p.building)).toEqual([
        { building: true, directoryReady: false, orderHistoryReady: false, copying: true },
        { building: true, directoryReady: true, orderHistoryReady: false, copying: false },
      ]);
      // Names copied from the store and the one saved here while the triggers were away are all found.
      expect(byName(c, 'Quillon')).toEqual([local]);
      const someone = c.prepare(`SELECT id, last_name FROM customers WHERE id <> ? LIMIT 1`).get(local) as { id: string; last_name: string };
      expect(byName(c, `"${someone.last_name}"`)).toContain(someone.id);
      // And the triggers are back: a rename is searchable at once.
      c.prepare(`UPDATE customers SET last_name = 'Vantongeren' WHERE id = ?`).run(someone.id);
      expect(byName(c, 'Vantongeren')).toEqual([someone.id]);
      // (No data check here: the planted customer and the rename are local rows the store lacks.)
    } finally {
      await engine?.stop();
      cache.cleanup();
    }
  });

  it('stopped while contacts arrive, keeps it deferred across the restart and builds it when the resumed copy passes it', async () => {
    const cache = tempCache();
    try {
      await copyUntilRowsIn(cache, 'customer_phones');
      const c = cache.db.$client;
      expect(directoryMissing(c)).toEqual(DIRECTORY_NAMES);
      c.close();
      cache.db = openCache(cache.file);
      expect(directoryMissing(cache.db.$client)).toEqual(DIRECTORY_NAMES);
      const second = engineFor(cache);
      expect(second.status().directoryReady).toBe(false);
      second.start();
      try {
        await caughtUp(second);
        expectDirectoryAsDeclared(cache.db.$client);
        expect(second.status().directoryReady).toBe(true);
        expect(await second.check()).toMatchObject({ match: true });
      } finally {
        await second.stop();
      }
    } finally {
      cache.cleanup();
    }
  });

  it('only empty tables: a cache that holds customers keeps its name search and contact indexes', () => {
    const cache = tempCache();
    try {
      const c = cache.db.$client;
      plantCustomer(cache.db, { firstName: 'Ada', lastName: 'Byron' });
      plantProduct(cache.db, { sku: 'LT-0001', name: 'Lantern' });
      expect(deferIndexes(c, DIRECTORY_TABLES).sort()).toEqual([...DIRECTORY_DEFERRABLE.customer_phones!, ...DIRECTORY_DEFERRABLE.customer_emails!, ...DIRECTORY_DEFERRABLE.customer_addresses!].sort());
      expect(triggerSql(c).size).toBeGreaterThanOrEqual(NAME_SEARCH_TRIGGERS.length);
      expect(byName(c, 'Byron')).toHaveLength(1);
    } finally {
      cache.cleanup();
    }
  });
});

describe('a workstation with no central store configured', { timeout: 60_000 }, () => {
  it('builds what a cut-short first copy deferred when it starts, so lookups and order history do not wait for a sync that never comes', async () => {
    const cache = tempCache();
    const c = cache.db.$client;
    expect(deferIndexes(c, [...DIRECTORY_TABLES, 'orders', 'order_lines']).sort()).toEqual([...DIRECTORY_NAMES, ...ALL_DEFERRABLE].sort());
    const id = plantCustomer(cache.db, { firstName: 'Perpetua', lastName: 'Lindqvist', phones: ['+15550100'] });
    c.close();
    const core = testCore(cache.file);
    try {
      await core.start();
      const status = await core.call('sync:status', {});
      expect(status).toMatchObject({ ok: true, value: { state: 'local_only', directoryReady: true, orderHistoryReady: true } });
      const found = await core.call('lookup:search', { query: 'Lindqvist' });
      expect(found).toMatchObject({ ok: true, value: { directoryArriving: false, hits: [{ customerId: id }] } });
    } finally {
      await core.stop();
      const check = openCache(cache.file);
      expectDirectoryAsDeclared(check.$client);
      expectIndexesAsDeclared(check.$client);
      check.$client.close();
      cache.cleanup();
    }
  });
});

describe('a save while an index is being built', { timeout: 60_000 }, () => {
  it('waits for the write lock (a build takes seconds at scale) and is saved, instead of failing after 5 s', async () => {
    const cache = tempCache();
    const zoe = plantCustomer(cache.db, { firstName: 'Zoë', lastName: 'Ångström', phones: ['+442079460958'], city: 'London', country: 'GB' });
    cache.db.$client.close();
    const core = testCore(cache.file);
    const builder = new Database(cache.file);
    try {
      await core.start();
      // Another connection holds the write lock for longer than the old 5 s busy timeout, as the
      // sync thread does while it runs CREATE INDEX over millions of order lines.
      builder.exec('BEGIN IMMEDIATE');
      const held = 6_500;
      const released = new Promise<void>((resolve) =>
        setTimeout(() => {
          builder.exec('COMMIT');
          resolve();
        }, held),
      );
      const started = performance.now();
      const saved = await core.call('note:add', { customerId: zoe, body: 'Saved while the cache was busy.' });
      const waited = performance.now() - started;
      await released;
      expect(saved).toMatchObject({ ok: true });
      expect(waited).toBeGreaterThanOrEqual(held - 500);
      expect(builder.prepare(`SELECT count(*) FROM notes WHERE body = ?`).pluck().get('Saved while the cache was busy.')).toBe(1);
      // Readers keep the short timeout: in WAL mode they never wait for the writer.
      const reader = openCache(cache.file, { readonly: true });
      expect(reader.$client.pragma('busy_timeout', { simple: true })).toBe(5_000);
      reader.$client.close();
    } finally {
      if (builder.inTransaction) builder.exec('ROLLBACK');
      builder.close();
      await core.stop();
      cache.cleanup();
    }
  });
});

describe('an upgrade while indexes are deferred', { timeout: 60_000 }, () => {
  /** The app's migrations plus a later release's one that rebuilds one of the deferred indexes. */
  function migrationsWithIndexRebuild(): string {
    const folder = mkdtempSync(join(tmpdir(), 'switchboard-migrations-'));
    cpSync(defaultMigrationsFolder(), folder, { recursive: true });
    const journalFile = join(folder, 'meta/_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { idx: number; when: number; tag: string; version: string; breakpoints: boolean }[] };
    const last = journal.entries[journal.entries.length - 1];
    if (!last) throw new Error('no migrations');
    const tag = `${String(last.idx + 1).padStart(4, '0')}_test_rebuild_index`;
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1, tag });
    writeFileSync(journalFile, JSON.stringify(journal));
    writeFileSync(
      join(folder, `${tag}.sql`),
      'DROP INDEX `order_lines_product_placed_idx`;--> statement-breakpoint\nCREATE INDEX `order_lines_product_placed_idx` ON `order_lines` (`product_id`,`placed_at`);',
    );
    return folder;
  }

  it('builds those a copy deferred before running a migration that expects them', () => {
    const cache = tempCache();
    const folder = migrationsWithIndexRebuild();
    try {
      dropAsDeferred(cache.db.$client);
      cache.db.$client.close();
      cache.db = openCache(cache.file, { migrationsFolder: folder });
      expectIndexesAsDeclared(cache.db.$client);
    } finally {
      cache.cleanup();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('builds the directory a copy deferred, and rebuilds the name search, before running a migration', () => {
    const cache = tempCache();
    const folder = migrationsWithIndexRebuild();
    try {
      expect(deferIndexes(cache.db.$client, DIRECTORY_TABLES).sort()).toEqual([...DIRECTORY_NAMES].sort());
      const id = plantCustomer(cache.db, { firstName: 'Ines', lastName: 'Okonkwo', phones: ['+15550100'] });
      expect(byName(cache.db.$client, 'Okonkwo')).toEqual([]);
      cache.db.$client.close();
      cache.db = openCache(cache.file, { migrationsFolder: folder });
      expectDirectoryAsDeclared(cache.db.$client);
      expect(byName(cache.db.$client, 'Okonkwo')).toEqual([id]);
    } finally {
      cache.cleanup();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('forgets order_lines_customer_idx, which a copy interrupted under an older release left deferred (drizzle/0007 dropped it)', () => {
    // The release before 0007: its migrations, and a copy that deferred the order tables' indexes
    // and was stopped after building some of them (each is built in its own transaction).
    const older = mkdtempSync(join(tmpdir(), 'switchboard-migrations-'));
    cpSync(defaultMigrationsFolder(), older, { recursive: true });
    const journalFile = join(older, 'meta/_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((e) => !e.tag.startsWith('0007_'));
    writeFileSync(journalFile, JSON.stringify(journal));
    for (const stillListed of [['order_lines_order_idx', 'order_lines_customer_idx'], ['order_lines_customer_idx']]) {
      const cache = tempCache();
      try {
        cache.db.$client.close();
        rmSync(cache.file, { force: true });
        cache.db = openCache(cache.file, { migrationsFolder: older });
        const c = cache.db.$client;
        const old = indexSql(c);
        expect(old.get('order_lines_customer_idx')).toMatch(/^CREATE INDEX/);
        const pending: Record<string, string> = {};
        for (const name of stillListed) {
          pending[name] = old.get(name) as string;
          c.exec(`DROP INDEX "${name}"`);
        }
        c.prepare(`INSERT INTO cache_meta (key, value) VALUES (?, ?)`).run(DEFERRED_INDEXES_KEY, JSON.stringify(pending));
        c.close();
        cache.db = openCache(cache.file);
        const now = indexSql(cache.db.$client);
        expect(now.has('order_lines_customer_idx'), stillListed.join()).toBe(false);
        expectIndexesAsDeclared(cache.db.$client);
        expect(deferredIndexNames(cache.db.$client)).toEqual([]);
      } finally {
        cache.db.$client.close();
        cache.cleanup();
      }
    }
    rmSync(older, { recursive: true, force: true });
  });

  it('builds those an interrupted bulk seed deferred too', () => {
    const cache = tempCache();
    const folder = migrationsWithIndexRebuild();
    try {
      deferSeedIndexes(cache.db.$client);
      expect(missing(cache.db.$client)).toEqual(ALL_DEFERRABLE);
      cache.db.$client.close();
      cache.db = openCache(cache.file, { migrationsFolder: folder });
      expect(indexSql(cache.db.$client)).toEqual(declared);
    } finally {
      cache.cleanup();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

/** Drops the deferrable indexes and records them as a copy does (deferIndexes needs empty tables). */
function dropAsDeferred(c: Database.Database): void {
  const pending: Record<string, string> = {};
  for (const name of ALL_DEFERRABLE) {
    pending[name] = c.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).pluck().get(name) as string;
    c.exec(`DROP INDEX "${name}"`);
  }
  c.prepare(`INSERT INTO cache_meta (key, value) VALUES (?, ?)`).run(DEFERRED_INDEXES_KEY, JSON.stringify(pending));
}

function sqlCount(table: string) {
  return sql.raw(`select count(*) as n from "${table}"`);
}
