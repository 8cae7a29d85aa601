/**
 * The seed generator on real SQLite files: deterministic, internally consistent (totals, lifetime
 * value, foreign keys), and realistic where lookups depend on it (possible phone numbers written
 * many ways, accented names found by the folded FTS index, ≥ 8 countries).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js/max';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCache, type WritableDb } from '../../src-main/core/db/open';
import { restoreDeferredIndexes, seedCache, seedDemoIfEmpty, type SeedSummary } from '../../src-main/core/seed/cache-seeder';
import { DEMO_CUSTOMERS, asciiFold } from '../../src-shared/seed/generator';
import { WELL_KNOWN_SKUS } from '../../src-shared/seed/catalogue';
import { WELL_KNOWN_CUSTOMERS } from '../../src-shared/seed/well-known';
import { parseSeedArgs, runSeedCli } from '../../src-main/core/seed/cli';
import { normalizePhone } from '../../src-shared/domain/phone';
import { SELLING_CURRENCIES } from '../../src-shared/domain/product';
import { USER_ROLES } from '../../src-shared/auth/permissions';

const NOW = Date.UTC(2025, 5, 1);
const DAY = 86_400_000;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const dirs: string[] = [];
function freshCache(): { db: WritableDb; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-seed-'));
  dirs.push(dir);
  const file = join(dir, 'cache.db');
  return { db: openCache(file), file };
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const DIGEST_QUERIES = [
  'SELECT * FROM customers ORDER BY row_id',
  'SELECT * FROM customer_phones ORDER BY rowid',
  'SELECT * FROM customer_emails ORDER BY rowid',
  'SELECT * FROM customer_addresses ORDER BY rowid',
  'SELECT * FROM products ORDER BY rowid',
  'SELECT * FROM product_prices ORDER BY rowid',
  'SELECT * FROM product_relations ORDER BY rowid',
  'SELECT * FROM campaigns ORDER BY rowid',
  'SELECT * FROM discount_limits ORDER BY rowid',
  'SELECT * FROM orders ORDER BY rowid',
  'SELECT * FROM order_lines ORDER BY rowid',
];

function digest(db: WritableDb): string {
  const hash = createHash('sha256');
  for (const sql of DIGEST_QUERIES) {
    for (const row of db.$client.prepare(sql).iterate()) hash.update(JSON.stringify(row));
  }
  return hash.digest('hex');
}

describe('seedCache determinism', () => {
  it('writes identical rows for the same seed and different rows for another seed', () => {
    const digests = [11, 11, 12].map((seed) => {
      const { db } = freshCache();
      try {
        seedCache(db, { customers: 250, seed, now: NOW });
        return digest(db);
      } finally {
        db.$client.close();
      }
    });
    expect(digests[0]).toBe(digests[1]);
    expect(digests[2]).not.toBe(digests[0]);
  }, 90_000); // three seeds, each with its own migrations and ANALYZE: slow on a busy 2-core machine
});

describe('a seeded cache', () => {
  let db: WritableDb;
  let summary: SeedSummary;
  const all = <T>(sql: string, ...params: unknown[]): T[] => db.$client.prepare(sql).all(...params) as T[];
  const one = <T>(sql: string, ...params: unknown[]): T => db.$client.prepare(sql).pluck().get(...params) as T;

  beforeAll(() => {
    db = freshCache().db;
    summary = seedCache(db, { customers: 1500, seed: 42, now: NOW });
  });
  afterAll(() => db.$client.close());

  it('reports what it wrote', () => {
    expect(summary.customers).toBe(1500);
    expect(one<number>('SELECT count(*) FROM customers')).toBe(1500);
    expect(one<number>('SELECT count(*) FROM orders')).toBe(summary.orders);
    expect(one<number>('SELECT count(*) FROM order_lines')).toBe(summary.lines);
    expect(one<number>('SELECT count(*) FROM customer_phones')).toBe(summary.phones);
    expect(one<number>('SELECT count(*) FROM customer_emails')).toBe(summary.emails);
    expect(one<number>('SELECT count(*) FROM products')).toBe(summary.products);
    // ~5 orders per customer on average, 1–4 lines each.
    expect(summary.orders / summary.customers).toBeGreaterThan(4);
    expect(summary.orders / summary.customers).toBeLessThan(6);
    expect(summary.lines / summary.orders).toBeGreaterThan(1.3);
    expect(summary.lines / summary.orders).toBeLessThan(3);
    expect(summary.products).toBeGreaterThanOrEqual(1000);
    expect(one<number>('SELECT count(*) FROM product_prices')).toBe(summary.productPrices);
    expect(summary.productPrices).toBe(summary.products * SELLING_CURRENCIES.length);
    expect(one<number>('SELECT count(*) FROM campaigns')).toBe(summary.campaigns);
    expect(one<number>('SELECT count(*) FROM discount_limits')).toBe(summary.discountLimits);
    expect(summary.campaigns).toBeGreaterThan(0);
    expect(summary.discountLimits).toBe(USER_ROLES.length * SELLING_CURRENCIES.length);
  });

  it('gives every product a price in every selling currency, and orders only the seeded campaigns\' codes', () => {
    const missing = one<number>(
      `SELECT count(*) FROM products p, (SELECT value AS currency FROM json_each(?)) c
        WHERE NOT EXISTS (SELECT 1 FROM product_prices pp WHERE pp.product_id = p.id AND pp.currency = c.currency)`,
      JSON.stringify(SELLING_CURRENCIES),
    );
    expect(missing).toBe(0);
    expect(one<number>('SELECT count(*) FROM orders WHERE campaign_code IS NOT NULL AND campaign_code NOT IN (SELECT code FROM campaigns)')).toBe(0);
    // A code used on an order was running then, in the order's channel (web: online; phone and store: offline).
    const misplaced = one<number>(
      `SELECT count(*) FROM orders o JOIN campaigns c ON c.code = o.campaign_code
        WHERE o.placed_at < c.starts_at OR (c.ends_at IS NOT NULL AND o.placed_at >= c.ends_at)
           OR c.channel != CASE o.channel WHEN 'web' THEN 'online' ELSE 'offline' END`,
    );
    expect(misplaced).toBe(0);
    expect(one<number>(`SELECT count(DISTINCT c.channel) FROM orders o JOIN campaigns c ON c.code = o.campaign_code`)).toBe(2);
    expect(one<number>(`SELECT count(*) FROM products WHERE status = 'discontinued'`)).toBeGreaterThan(0);
  });

  it('stores phone numbers libphonenumber calls possible, whose raw form normalizes back to them', () => {
    const phones = all<{ e164: string; raw: string; country: CountryCode }>(
      `SELECT p.e164, p.raw, a.country FROM customer_phones p JOIN customer_addresses a ON a.customer_id = p.customer_id`,
    );
    expect(phones.length).toBe(summary.phones);
    const failures: string[] = [];
    for (const p of phones) {
      const parsed = parsePhoneNumberWithError(p.e164);
      if (!parsed.isPossible() || parsed.number !== p.e164) failures.push(`${p.e164} is not a possible E.164 number`);
      const read = normalizePhone(p.raw, p.country);
      if (!read.ok || read.e164 !== p.e164) failures.push(`"${p.raw}" (${p.country}) reads as ${read.ok ? read.e164 : read.problem}, not ${p.e164}`);
    }
    expect(failures).toEqual([]);
    // Mixed formats: E.164, international with spaces, "00" prefix, national with a trunk 0, NANP parentheses, dots.
    const raws = phones.map((p) => p.raw);
    expect(raws.some((r) => /^\+\d+$/.test(r))).toBe(true);
    expect(raws.some((r) => /^\+\d+ \d/.test(r))).toBe(true);
    expect(raws.some((r) => /^00\d+ /.test(r))).toBe(true);
    expect(raws.some((r) => /^0\d+[ -]/.test(r))).toBe(true);
    expect(raws.some((r) => /^\(\d{3}\) \d{3}-\d{4}$/.test(r))).toBe(true);
    expect(raws.some((r) => /\d\.\d/.test(r))).toBe(true);
    // Numbers are not handed out twice.
    expect(one<number>('SELECT count(DISTINCT e164) FROM customer_phones')).toBe(summary.phones);
  });

  it('spreads customers over at least 8 countries, phones matching the address country', () => {
    const countries = all<{ country: string }>('SELECT DISTINCT country FROM customer_addresses').map((r) => r.country);
    expect(countries.length).toBeGreaterThanOrEqual(8);
    const phones = all<{ e164: string; country: string }>(
      `SELECT p.e164, a.country FROM customer_phones p JOIN customer_addresses a ON a.customer_id = p.customer_id`,
    );
    // The well-known customers' numbers are fictional (555, Ofcom drama ranges) and have no region.
    const fictional = new Set(WELL_KNOWN_CUSTOMERS.flatMap((c) => c.phones.map((p) => p.e164)));
    const mismatched = phones.filter((p) => !fictional.has(p.e164) && parsePhoneNumberWithError(p.e164).country !== p.country);
    expect(mismatched).toEqual([]);
  });

  it('has accented names, found by the accent-folding name index', () => {
    const names = all<{ first_name: string; last_name: string }>('SELECT first_name, last_name FROM customers');
    const accented = names.filter((n) => /[^\p{ASCII}]/u.test(n.first_name + n.last_name));
    expect(accented.length).toBeGreaterThan(50);
    const zoe = one<number>(`SELECT row_id FROM customers WHERE first_name = 'Zoë' AND last_name = 'Müller'`);
    const found = all<{ rowid: number }>(`SELECT rowid FROM customer_name_fts WHERE customer_name_fts MATCH 'zoe* AND muller*'`).map((r) => r.rowid);
    expect(found).toContain(zoe);
    // Any accented generated name is found by its folded prefix.
    const sample = all<{ row_id: number; last_name: string }>(
      `SELECT row_id, last_name FROM customers WHERE row_id > ${WELL_KNOWN_CUSTOMERS.length} AND last_name GLOB '*[^ -~]*' LIMIT 10`,
    );
    expect(sample.length).toBeGreaterThan(0);
    for (const c of sample) {
      const prefix = asciiFold(c.last_name.split(/[\s'-]/)[0]!).slice(0, 3);
      const hits = all<{ rowid: number }>(`SELECT rowid FROM customer_name_fts WHERE customer_name_fts MATCH ?`, `last_name:${prefix}*`).map((r) => r.rowid);
      expect(hits, `${c.last_name} by "${prefix}"`).toContain(c.row_id);
    }
  });

  it('keeps every order total equal to its lines plus adjustments', () => {
    const badLines = one<number>('SELECT count(*) FROM order_lines WHERE total_cents != quantity * unit_price_cents OR quantity < 1');
    expect(badLines).toBe(0);
    const badOrders = all<{ number: string }>(
      `SELECT o.number FROM orders o
         JOIN (SELECT order_id, sum(total_cents) AS lines FROM order_lines GROUP BY order_id) l ON l.order_id = o.id
        WHERE o.subtotal_cents != l.lines
           OR o.total_cents != o.subtotal_cents - o.discount_cents + o.tax_cents + o.shipping_cents
           OR o.discount_cents < 0 OR o.tax_cents < 0 OR o.shipping_cents < 0`,
    );
    expect(badOrders).toEqual([]);
    expect(one<number>('SELECT count(*) FROM orders WHERE id NOT IN (SELECT order_id FROM order_lines)')).toBe(0);
    // Lines carry their order's customer and time (denormalised for "who bought this SKU").
    const drifted = one<number>(
      'SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.customer_id != o.customer_id OR l.placed_at != o.placed_at',
    );
    expect(drifted).toBe(0);
    expect(one<number>('SELECT count(*) FROM orders WHERE discount_cents > 0')).toBeGreaterThan(0);
    expect(one<number>('SELECT count(*) FROM orders WHERE campaign_code IS NOT NULL')).toBeGreaterThan(0);
  });

  it('sets lifetime value to the sum of the order totals the customer kept (not cancelled or returned)', () => {
    const wrong = all<{ id: string }>(
      `SELECT c.id FROM customers c
         LEFT JOIN (SELECT customer_id, sum(total_cents) AS kept FROM orders WHERE status NOT IN ('cancelled', 'returned') GROUP BY customer_id) o
           ON o.customer_id = c.id
        WHERE c.lifetime_value_cents != coalesce(o.kept, 0)`,
    );
    expect(wrong).toEqual([]);
    expect(one<number>('SELECT count(*) FROM customers WHERE lifetime_value_cents > 0')).toBeGreaterThan(1000);
    expect(one<number>(`SELECT count(*) FROM orders WHERE status IN ('cancelled', 'returned')`)).toBeGreaterThan(0);
  });

  it('has no broken references', () => {
    expect(all('PRAGMA foreign_key_check')).toEqual([]);
    expect(one<number>('SELECT count(*) FROM order_lines WHERE customer_id NOT IN (SELECT id FROM customers)')).toBe(0);
  });

  it('writes order numbers, SKUs, part numbers and emails in their canonical case and shape', () => {
    expect(one<number>(`SELECT count(*) FROM orders WHERE number NOT GLOB 'SB[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'`)).toBe(0);
    expect(one<number>('SELECT count(DISTINCT number) FROM orders')).toBe(summary.orders);
    expect(one<number>('SELECT count(*) FROM products WHERE sku != upper(sku) OR part_number != upper(part_number) OR part_number IS NULL')).toBe(0);
    expect(one<number>(`SELECT count(*) FROM products WHERE sku NOT GLOB '[A-Z][A-Z]-[0-9][0-9][0-9][0-9]-[A-Z0-9][A-Z0-9][A-Z0-9]'`)).toBe(0);
    expect(one<number>(`SELECT count(*) FROM customer_emails WHERE email != lower(email) OR email NOT GLOB '[a-z0-9]*@*.*'`)).toBe(0);
    for (const table of ['customers', 'customer_phones', 'customer_emails', 'customer_addresses', 'products', 'orders', 'order_lines']) {
      const ids = all<{ id: string }>(`SELECT id FROM ${table}`).map((r) => r.id);
      expect(ids.filter((id) => !UUID_V4.test(id)), table).toEqual([]);
    }
  });

  it('gives every customer one primary phone, one primary email and a primary address', () => {
    for (const table of ['customer_phones', 'customer_emails', 'customer_addresses']) {
      const off = one<number>(
        `SELECT count(*) FROM customers c WHERE (SELECT count(*) FROM ${table} t WHERE t.customer_id = c.id AND t.is_primary = 1) != 1`,
      );
      expect(off, table).toBe(0);
    }
  });

  it('places orders in the three years before "now", in every channel', () => {
    const range = db.$client.prepare('SELECT min(placed_at) AS first, max(placed_at) AS last FROM orders').get() as { first: number; last: number };
    expect(range.first).toBeGreaterThanOrEqual(NOW - 3 * 366 * DAY);
    expect(range.last).toBeLessThanOrEqual(NOW);
    const channels = all<{ channel: string }>('SELECT DISTINCT channel FROM orders ORDER BY channel').map((r) => r.channel);
    expect(channels).toEqual(['phone', 'store', 'web']);
    // A customer exists before their first order.
    expect(one<number>('SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.placed_at < c.created_at')).toBe(0);
  });

  it('relates the well-known products and orders across the catalogue', () => {
    const related = all<{ sku: string; kind: string }>(
      `SELECT r2.sku, r.kind FROM product_relations r
         JOIN products r1 ON r1.id = r.product_id JOIN products r2 ON r2.id = r.related_product_id
        WHERE r1.sku = ? ORDER BY r2.sku`,
      WELL_KNOWN_SKUS.trailRunner2,
    );
    expect(related).toContainEqual({ sku: WELL_KNOWN_SKUS.trailGaiter, kind: 'accessory' });
    expect(related).toContainEqual({ sku: WELL_KNOWN_SKUS.merinoSocks, kind: 'complement' });
    expect(one<number>('SELECT count(*) FROM products WHERE is_consumable = 1 AND replenish_days > 0')).toBeGreaterThan(100);
    // Zoë Müller's first order holds the Trail Runner 2 (the upsell demo starts there).
    const firstSkus = all<{ sku: string }>(
      `SELECT l.sku FROM order_lines l JOIN customers c ON c.id = l.customer_id
        WHERE c.row_id = 1 AND l.placed_at = (SELECT min(placed_at) FROM orders o WHERE o.customer_id = c.id)`,
    ).map((r) => r.sku);
    expect(firstSkus).toContain(WELL_KNOWN_SKUS.trailRunner2);
    // Bought together: some orders hold a shoe and one of its related products.
    const together = one<number>(
      `SELECT count(*) FROM order_lines a JOIN product_relations r ON r.product_id = a.product_id
         JOIN order_lines b ON b.order_id = a.order_id AND b.product_id = r.related_product_id`,
    );
    expect(together).toBeGreaterThan(50);
  });
});

describe('deferred indexes (bulk loads)', () => {
  const indexSql = (db: WritableDb): string[] =>
    db.$client.prepare(`SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`).pluck().all() as string[];
  const pending = (db: WritableDb): unknown =>
    db.$client.prepare(`SELECT value FROM cache_meta WHERE key = 'seed_deferred_indexes'`).pluck().get();

  it('writes the same rows and ends with exactly the migrated indexes', () => {
    const plain = freshCache().db;
    const bulk = freshCache().db;
    try {
      const migrated = indexSql(bulk);
      expect(migrated.some((i) => i.startsWith('customer_phones_e164_idx'))).toBe(true);
      seedCache(plain, { customers: 200, seed: 3, now: NOW, deferIndexes: false });
      seedCache(bulk, { customers: 200, seed: 3, now: NOW, deferIndexes: true });
      expect(digest(bulk)).toBe(digest(plain));
      expect(indexSql(bulk)).toEqual(migrated);
      expect(pending(bulk)).toBeUndefined();
      // The lookups' index is used again after the load.
      const plan = bulk.$client.prepare(`EXPLAIN QUERY PLAN SELECT customer_id FROM customer_phones WHERE e164 = ?`).all('+15550104477') as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/customer_phones_e164_idx/);
    } finally {
      plain.$client.close();
      bulk.$client.close();
    }
  });

  it('rebuilds the indexes when the load fails half-way, and after an interrupted one', () => {
    const { db } = freshCache();
    try {
      const migrated = indexSql(db);
      const failing = () =>
        seedCache(db, {
          customers: 200,
          seed: 3,
          now: NOW,
          batchSize: 50,
          deferIndexes: true,
          onProgress: (p) => {
            if (p.customers >= 100) throw new Error('disk full');
          },
        });
      expect(failing).toThrow('disk full');
      expect(indexSql(db)).toEqual(migrated);
      expect(pending(db)).toBeUndefined();
      expect(db.$client.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(100);

      // A killed process never reaches `finally`: the pending list in cache_meta repairs it later.
      const lost = db.$client.prepare(`SELECT name, sql FROM sqlite_master WHERE name = 'customer_phones_e164_idx'`).all();
      db.$client.prepare(`INSERT INTO cache_meta (key, value) VALUES ('seed_deferred_indexes', ?)`).run(JSON.stringify(lost));
      db.$client.exec('DROP INDEX customer_phones_e164_idx');
      expect(restoreDeferredIndexes(db)).toBe(1);
      expect(indexSql(db)).toEqual(migrated);
      expect(restoreDeferredIndexes(db)).toBe(0);
    } finally {
      db.$client.close();
    }
  });
});

describe('seeding more into a seeded cache', () => {
  it('adds customers with new ids and order numbers, reusing the catalogue', () => {
    const { db } = freshCache();
    try {
      seedCache(db, { customers: 100, seed: 5, now: NOW });
      const products = db.$client.prepare('SELECT count(*) FROM products').pluck().get();
      const campaigns = db.$client.prepare('SELECT count(*) FROM campaigns').pluck().get();
      const second = seedCache(db, { customers: 100, seed: 5, now: NOW });
      expect(second.products).toBe(0);
      expect(second.campaigns).toBe(0);
      expect(second.discountLimits).toBe(0);
      expect(db.$client.prepare('SELECT count(*) FROM campaigns').pluck().get()).toBe(campaigns);
      expect(db.$client.prepare('SELECT count(*) FROM orders WHERE campaign_code IS NOT NULL AND campaign_code NOT IN (SELECT code FROM campaigns)').pluck().get()).toBe(0);
      expect(db.$client.prepare('SELECT count(*) FROM products').pluck().get()).toBe(products);
      expect(db.$client.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(200);
      expect(db.$client.prepare('SELECT count(DISTINCT e164) FROM customer_phones').pluck().get()).toBe(
        db.$client.prepare('SELECT count(*) FROM customer_phones').pluck().get(),
      );
      expect(db.$client.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.$client.close();
    }
  });
});

describe('seeding a catalogue of a given size', () => {
  it('writes that many products, a price per selling currency each, from the CLI too', () => {
    const { db, file } = freshCache();
    db.$client.close();
    const quiet = console.log;
    console.log = () => {};
    try {
      expect(runSeedCli(['--db', file, '--customers', '30', '--products', '2500', '--now', String(NOW)])).toBe(0);
    } finally {
      console.log = quiet;
    }
    const check = openCache(file);
    try {
      const n = (sql: string) => check.$client.prepare(sql).pluck().get() as number;
      expect(n('SELECT count(*) FROM products')).toBe(2500);
      expect(n('SELECT count(*) FROM product_prices')).toBe(2500 * SELLING_CURRENCIES.length);
      expect(n('SELECT count(DISTINCT sku) FROM products')).toBe(2500);
      expect(check.$client.pragma('foreign_key_check')).toEqual([]);
    } finally {
      check.$client.close();
    }
  });
});

describe('seedDemoIfEmpty', () => {
  it('seeds the demo customers into an empty cache once, and never into one that has customers', () => {
    const { db } = freshCache();
    try {
      const first = seedDemoIfEmpty(db, { now: NOW });
      expect(first?.customers).toBe(DEMO_CUSTOMERS);
      expect(seedDemoIfEmpty(db, { now: NOW })).toBeNull();
      expect(db.$client.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(DEMO_CUSTOMERS);
      // Back to full durability once the bulk load is over.
      expect(db.$client.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      db.$client.close();
    }
  });
});

describe('seed CLI', () => {
  it('rejects bad arguments with a message that names the flag', () => {
    expect(() => parseSeedArgs(['--customers', '10'])).toThrow(/--db FILE is required/);
    expect(() => parseSeedArgs(['--db', 'x.db'])).toThrow(/--customers N is required/);
    expect(() => parseSeedArgs(['--db', 'x.db', '--customers', 'ten'])).toThrow(/--customers must be a whole number/);
    expect(() => parseSeedArgs(['--db', 'x.db', '--customers', '5', '--orders-per-customer', '-1'])).toThrow(/--orders-per-customer/);
    expect(() => parseSeedArgs(['--db', 'x.db', '--customers', '5', '--now', 'yesterday'])).toThrow(/--now/);
    expect(() => parseSeedArgs(['--db', 'x.db', '--customers', '5', '--bogus'])).toThrow(/bogus/);
    expect(() => parseSeedArgs(['--db', 'x.db', '--customers', '5', '--products', '9'])).toThrow(/--products must be a whole number from 10 to 100,000/);
    expect(() => parseSeedArgs(['--db', 'x.db', '--customers', '5', '--products', '100001'])).toThrow(/--products/);
    expect(parseSeedArgs(['--db', 'x.db', '--customers', '5', '--products', '50_000']).products).toBe(50_000);
    expect(parseSeedArgs(['--db', 'x.db', '--customers', '5']).products).toBeUndefined();
    expect(parseSeedArgs(['--db', 'x.db', '--customers', '1_000', '--seed', '3', '--now', '2025-06-01'])).toMatchObject({
      customers: 1000,
      seed: 3,
      now: NOW,
      force: false,
    });
  });

  it('refuses to add to a file that holds customers unless forced', () => {
    const { db, file } = freshCache();
    seedCache(db, { customers: 20, seed: 1, now: NOW });
    db.$client.close();
    const quiet = { log: console.log, error: console.error };
    console.log = () => {};
    console.error = () => {};
    try {
      expect(runSeedCli(['--db', file, '--customers', '10', '--now', String(NOW)])).toBe(1);
      const check = openCache(file);
      expect(check.$client.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(20);
      check.$client.close();
      expect(runSeedCli(['--db', file, '--customers', '10', '--now', String(NOW), '--force'])).toBe(0);
      const after = openCache(file);
      expect(after.$client.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(30);
      after.$client.close();
    } finally {
      console.log = quiet.log;
      console.error = quiet.error;
    }
  });
});
