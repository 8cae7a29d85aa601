import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { defaultMigrationsFolder, MigrationError, openCache } from '../../src-main/core/db/open';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'switchboard-mig-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Journal {
  entries: { idx: number; tag: string }[];
}

/** A copy of drizzle/ holding only the first `n` migrations: "the app as released before". */
function migrationsUpTo(n: number): string {
  const src = defaultMigrationsFolder();
  const dst = join(tempDir(), 'drizzle');
  mkdirSync(join(dst, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(src, 'meta/_journal.json'), 'utf8')) as Journal;
  journal.entries = journal.entries.slice(0, n);
  writeFileSync(join(dst, 'meta/_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) copyFileSync(join(src, `${e.tag}.sql`), join(dst, `${e.tag}.sql`));
  return dst;
}

const tables = (db: Database.Database) =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name`).pluck().all() as string[]).filter(
    (n) => !n.startsWith('sqlite_') && !n.startsWith('customer_name_fts_'),
  );

describe('migrations', () => {
  it('apply to an empty file, with WAL, synchronous=FULL and foreign keys on', () => {
    const file = join(tempDir(), 'cache.db');
    const db = openCache(file);
    const c = db.$client;
    expect(tables(c)).toEqual(
      expect.arrayContaining(['customers', 'customer_phones', 'customer_emails', 'orders', 'order_lines', 'products', 'outbox', 'customer_name_fts']),
    );
    expect(c.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(c.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(c.pragma('foreign_keys', { simple: true })).toBe(1);
    c.close();
  });

  it('upgrade a file made by the previous migration and index the names already in it', () => {
    const file = join(tempDir(), 'cache.db');
    const old = openCache(file, { migrationsFolder: migrationsUpTo(1) });
    expect(tables(old.$client)).not.toContain('customer_name_fts');
    old.$client
      .prepare(`INSERT INTO customers (id, first_name, last_name, created_at, updated_at) VALUES ('6f1c1a8e-0000-4000-8000-000000000001', 'Zoë', 'Ångström', 0, 0)`)
      .run();
    old.$client.close();

    const db = openCache(file);
    const found = db.$client.prepare(`SELECT rowid FROM customer_name_fts WHERE customer_name_fts MATCH '"zoe"*'`).all();
    expect(found).toHaveLength(1);
    // And the triggers keep it in step from now on.
    db.$client.prepare(`UPDATE customers SET first_name = 'Zoé'`).run();
    expect(db.$client.prepare(`SELECT count(*) FROM customer_name_fts WHERE customer_name_fts MATCH '"zoe"*'`).pluck().get()).toBe(1);
    db.$client.prepare(`DELETE FROM customers`).run();
    expect(db.$client.prepare(`SELECT count(*) FROM customer_name_fts WHERE customer_name_fts MATCH '"zoe"*'`).pluck().get()).toBe(0);
    db.$client.close();
  });

  it('is a no-op the second time', () => {
    const file = join(tempDir(), 'cache.db');
    openCache(file).$client.close();
    const db = openCache(file);
    const applied = db.$client.prepare(`SELECT count(*) FROM __drizzle_migrations`).pluck().get();
    const journal = JSON.parse(readFileSync(join(defaultMigrationsFolder(), 'meta/_journal.json'), 'utf8')) as Journal;
    expect(applied).toBe(journal.entries.length);
    db.$client.close();
  });

  it('fails fast with a clear message and leaves the file as it was when a migration breaks', () => {
    const file = join(tempDir(), 'cache.db');
    openCache(file, { migrationsFolder: migrationsUpTo(1) }).$client.close();
    const broken = migrationsUpTo(2);
    const journal = JSON.parse(readFileSync(join(broken, 'meta/_journal.json'), 'utf8')) as Journal;
    const second = journal.entries[1];
    if (!second) throw new Error('expected two migrations');
    writeFileSync(join(broken, `${second.tag}.sql`), 'CREATE TABLE half_done (x);\n--> statement-breakpoint\nTHIS IS NOT SQL;');
    expect(() => openCache(file, { migrationsFolder: broken })).toThrow(MigrationError);
    expect(() => openCache(file, { migrationsFolder: broken })).toThrow(/could not be upgraded/);
    const c = new Database(file);
    expect(tables(c)).not.toContain('half_done');
    expect(c.prepare(`SELECT count(*) FROM __drizzle_migrations`).pluck().get()).toBe(1);
    c.close();
  });
});

it('upgrade a file made by each earlier release to the latest, keeping its rows', () => {
  const journal = JSON.parse(readFileSync(join(defaultMigrationsFolder(), 'meta/_journal.json'), 'utf8')) as Journal;
  for (let k = 1; k < journal.entries.length; k++) {
    const file = join(tempDir(), 'cache.db');
    const old = openCache(file, { migrationsFolder: migrationsUpTo(k) });
    old.$client
      .prepare(`INSERT INTO customers (id, first_name, last_name, created_at, updated_at) VALUES ('6f1c1a8e-0000-4000-8000-00000000000${k}', 'Ana', 'Lima', 0, 0)`)
      .run();
    old.$client.close();
    const db = openCache(file);
    expect(db.$client.prepare(`SELECT count(*) FROM __drizzle_migrations`).pluck().get(), `from ${k}`).toBe(journal.entries.length);
    expect(db.$client.prepare(`SELECT first_name FROM customers`).pluck().get(), `from ${k}`).toBe('Ana');
    db.$client.close();
  }
});

it('0008 marks every phone already in a cache verified, and an unverified one is found through the number index (issue 18)', () => {
  const journal = JSON.parse(readFileSync(join(defaultMigrationsFolder(), 'meta/_journal.json'), 'utf8')) as Journal;
  const before = journal.entries.findIndex((e) => e.tag.endsWith('_phone_verified'));
  expect(before).toBeGreaterThan(0);
  const file = join(tempDir(), 'cache.db');
  const old = openCache(file, { migrationsFolder: migrationsUpTo(before) });
  old.$client.prepare(`INSERT INTO customers (id, first_name, last_name, created_at, updated_at) VALUES ('c1', 'Ana', 'Lima', 0, 0)`).run();
  old.$client.prepare(`INSERT INTO customer_phones (id, customer_id, e164, raw) VALUES ('p1', 'c1', '+442079460958', '020 7946 0958')`).run();
  expect(old.$client.prepare(`SELECT name FROM pragma_table_info('customer_phones')`).pluck().all()).not.toContain('verified');
  old.$client.close();
  const db = openCache(file);
  const c = db.$client;
  expect(c.prepare(`SELECT e164, verified FROM customer_phones`).all()).toEqual([{ e164: '+442079460958', verified: 1 }]);
  c.prepare(`INSERT INTO customer_phones (id, customer_id, e164, raw, verified) VALUES ('p2', 'c1', '88601531', '88.60.15.31', 0)`).run();
  const plan = (c.prepare(`EXPLAIN QUERY PLAN SELECT customer_id FROM customer_phones WHERE e164 IN ('88601531', '3388601531')`).all() as { detail: string }[])
    .map((r) => r.detail)
    .join(' | ');
  expect(plan).toContain('customer_phones_e164_idx');
  c.close();
});

describe('indexes the lookups rely on', () => {
  const plan = (c: Database.Database, sql: string) =>
    (c.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');

  it('are used by the query plans', () => {
    const db = openCache(join(tempDir(), 'cache.db'));
    const c = db.$client;
    expect(plan(c, `SELECT customer_id FROM customer_phones WHERE e164 = '+1'`)).toContain('customer_phones_e164_idx');
    expect(plan(c, `SELECT customer_id FROM customer_emails WHERE email >= 'a' AND email < 'b'`)).toContain('customer_emails_email_idx');
    expect(plan(c, `SELECT customer_id FROM orders WHERE number = 'SB1'`)).toContain('orders_number_uq');
    expect(plan(c, `SELECT max(placed_at) FROM orders WHERE customer_id = 'x'`)).toContain('orders_customer_placed_idx');
    expect(plan(c, `SELECT customer_id FROM order_lines WHERE product_id = 'p' ORDER BY placed_at DESC LIMIT 5`)).toContain(
      'order_lines_product_placed_idx',
    );
    expect(plan(c, `SELECT id FROM products WHERE part_number = 'PN'`)).toContain('products_part_number_idx');
    expect(plan(c, `SELECT rowid FROM customer_name_fts WHERE customer_name_fts MATCH 'a*'`)).toContain('VIRTUAL TABLE INDEX');
    c.close();
  });
});
