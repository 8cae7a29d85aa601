/**
 * Catalogue search (issue 21) on a real cache file: what a CSR types finds the products they mean,
 * ranked, priced in the order's currency, with what is available, and never a discontinued one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { CatalogueSearch, searchWords, textMatches } from '../../src-main/core/catalogue/catalogue-search';
import { createHandlers } from '../../src-main/core/rpc/handlers';
import { dispatch } from '../../src-main/core/rpc/dispatch';
import { deferIndexes, buildDeferredIndexes, DIRECTORY_TABLES } from '../../src-main/core/db/deferred-indexes';
import { SYNC_META } from '../../src-main/core/sync/pull-cursor';
import { AppError } from '../../src-shared/result';
import { catalogueSearchOutput, CATALOGUE_QUERY_MAX, type CatalogueSearchOutput } from '../../src-shared/contracts/catalogue';
import type { CacheDb } from '../../src-main/core/db/open';
import { tempCache, type TempCache } from '../helpers/cache';
import { dumpWritable } from '../helpers/desk';

interface Planted {
  sku: string;
  name: string;
  brand?: string;
  category?: string;
  partNumber?: string;
  priceCents?: number;
  currency?: string;
  prices?: Record<string, number>;
  status?: 'active' | 'discontinued';
  stock?: number;
  reserved?: number;
  taxClass?: 'standard' | 'reduced' | 'zero';
}

function product(db: CacheDb, p: Planted): string {
  const id = randomUUID();
  db.$client
    .prepare(
      `INSERT INTO products (id, sku, name, brand, part_number, category, price_cents, currency, status, stock, reserved, tax_class)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(id, p.sku, p.name, p.brand ?? 'Acme', p.partNumber ?? null, p.category ?? 'misc', p.priceCents ?? 1000, p.currency ?? 'USD', p.status ?? 'active', p.stock ?? 50, p.reserved ?? 0, p.taxClass ?? 'standard');
  for (const [currency, cents] of Object.entries(p.prices ?? {})) {
    db.$client.prepare(`INSERT INTO product_prices (product_id, currency, price_cents) VALUES (?, ?, ?)`).run(id, currency, cents);
  }
  return id;
}

let cache: TempCache;
let search: CatalogueSearch;
const ids: Record<string, string> = {};
const find = (query: string, extra: { currency?: string; limit?: number } = {}) => search.search({ query, ...extra });
const skus = (out: CatalogueSearchOutput) => out.hits.map((h) => h.sku);

beforeAll(() => {
  cache = tempCache('switchboard-catalogue-');
  const db = cache.db;
  ids.brulee = product(db, { sku: 'KT-0100', name: 'Crème Brûlée Torch', brand: 'Kettlebrook', category: 'kitchen-tools', prices: { USD: 2999, EUR: 2799, GBP: 2399 }, priceCents: 2999 });
  ids.trail = product(db, { sku: 'TR-2041-BLK', name: 'Trail Runner 2 (Black)', brand: 'Stridewell', category: 'running-shoes', partNumber: 'PN-58213', stock: 42, reserved: 2 });
  ids.trailBlue = product(db, { sku: 'TR-2041-BLU', name: 'Trail Runner 2 (Blue)', brand: 'Stridewell', category: 'running-shoes', partNumber: 'PN-58214', stock: 7, reserved: 3 });
  ids.socks = product(db, { sku: 'SK-3300-MED', name: 'Merino Trail Socks (M)', brand: 'Woolpath', category: 'socks', stock: 3, reserved: 3 });
  ids.gaiter = product(db, { sku: 'GT-1100-BLK', name: 'Gaiter for Trail', brand: 'Trailworks', category: 'gaiters', stock: 10, reserved: 12 });
  ids.old = product(db, { sku: 'TR-1000-BLK', name: 'Trail Runner 1 (Black)', brand: 'Stridewell', category: 'running-shoes', partNumber: 'PN-10000', status: 'discontinued' });
  ids.ink = product(db, { sku: 'IN-0077-BLK', name: 'Ink 77 Black', brand: 'Printwell', category: 'ink', partNumber: 'TR-2041', taxClass: 'reduced', currency: 'EUR', priceCents: 2500, prices: { EUR: 2500 } });
  ids.zebra = product(db, { sku: 'ZB-0001', name: 'Zebra Runner', brand: 'Trailco', category: 'running-shoes' });
  ids.belt = product(db, { sku: 'RB-0001', name: 'Runner Belt', category: 'belts' });
  search = new CatalogueSearch(db);
});

afterAll(() => cache.cleanup());

describe('finding products', () => {
  it('ignores accents and case, in what is typed and in the names', () => {
    for (const typed of ['brulee', 'Brûlée', 'BRULEE', 'creme brul', 'crème', 'brul']) expect(skus(find(typed)), typed).toEqual(['KT-0100']);
    // A prefix search: "Bruler" is not the start of "Brûlée" (their last letters differ), so it finds nothing.
    expect(find('Bruler').hits).toEqual([]);
  });

  it('finds by word prefix, from the first letter', () => {
    expect(skus(find('zeb'))).toEqual(['ZB-0001']);
    expect(skus(find('z'))).toEqual(['ZB-0001']);
    expect(skus(find('merino tr'))).toEqual(['SK-3300-MED']);
  });

  it('finds by SKU, exact or its start, whatever the case', () => {
    expect(find('GT-1100-BLK').hits[0]).toMatchObject({ sku: 'GT-1100-BLK', matchedBy: 'sku' });
    expect(find('gt-1100-blk').hits[0]).toMatchObject({ sku: 'GT-1100-BLK', matchedBy: 'sku' });
    const prefix = find('TR-2041-B');
    expect(skus(prefix)).toEqual(['TR-2041-BLK', 'TR-2041-BLU']);
    expect(prefix.hits.every((h) => h.matchedBy === 'sku_prefix')).toBe(true);
  });

  it('finds by part number, exact or its start', () => {
    expect(find('PN-58214').hits[0]).toMatchObject({ sku: 'TR-2041-BLU', matchedBy: 'part_number' });
    expect(skus(find('pn-5821'))).toEqual(['TR-2041-BLK', 'TR-2041-BLU']);
  });

  it('finds by category and by brand', () => {
    expect(skus(find('socks'))).toEqual(['SK-3300-MED']);
    expect(find('kitchen').hits.map((h) => h.matchedBy)).toEqual(['text']);
    expect(skus(find('kitchen tools'))).toEqual(['KT-0100']);
    expect(skus(find('woolpath'))).toEqual(['SK-3300-MED']);
  });

  it('never offers a discontinued product, by any key', () => {
    for (const typed of ['TR-1000-BLK', 'PN-10000', 'trail runner 1', 'TR-10', 'trail', 'stridewell', 'running shoes']) {
      expect(find(typed).hits.map((h) => h.productId), typed).not.toContain(ids.old);
    }
  });

  it('ranks whole codes, then names that start with the text, then names with its words, then the rest, each by name', () => {
    // "trail": names starting with it (by name), names with the word, then brand/category.
    expect(find('trail').hits.map((h) => [h.sku, h.matchedBy])).toEqual([
      ['TR-2041-BLK', 'name_start'],
      ['TR-2041-BLU', 'name_start'],
      ['GT-1100-BLK', 'name_words'],
      ['SK-3300-MED', 'name_words'],
      ['ZB-0001', 'text'],
    ]);
    // "TR-2041" is the ink's part number, exactly: first, before the SKUs that start with it.
    expect(find('TR-2041').hits.map((h) => [h.sku, h.matchedBy])).toEqual([
      ['IN-0077-BLK', 'part_number'],
      ['TR-2041-BLK', 'sku_prefix'],
      ['TR-2041-BLU', 'sku_prefix'],
    ]);
    // "runner": the name starting with it before the names holding it, whatever their alphabetical order.
    expect(find('runner').hits.map((h) => [h.sku, h.matchedBy])).toEqual([
      ['RB-0001', 'name_start'],
      ['TR-2041-BLK', 'name_words'],
      ['TR-2041-BLU', 'name_words'],
      ['ZB-0001', 'name_words'],
    ]);
    expect(skus(find('zebra runner'))).toEqual(['ZB-0001']);
  });

  it('stops at the limit and says more matched', () => {
    const out = find('trail', { limit: 2 });
    expect(skus(out)).toEqual(['TR-2041-BLK', 'TR-2041-BLU']);
    expect(out.capped).toBe(true);
    expect(out.hint).toMatch(/keep typing/);
    expect(find('trail').capped).toBe(false);
  });
});

describe('what each product shows', () => {
  it('prices in the currency asked for, from product_prices, else the base price said to be so', () => {
    expect(find('brulee', { currency: 'EUR' }).hits[0]).toMatchObject({ priceCents: 2799, currency: 'EUR', priceInRequestedCurrency: true });
    expect(find('brulee', { currency: 'GBP' }).hits[0]).toMatchObject({ priceCents: 2399, currency: 'GBP', priceInRequestedCurrency: true });
    expect(find('brulee').hits[0]).toMatchObject({ priceCents: 2999, currency: 'USD', priceInRequestedCurrency: true });
    // No SEK row: the base price, in USD, and the answer says it is not in SEK.
    expect(find('brulee', { currency: 'SEK' }).hits[0]).toMatchObject({ priceCents: 2999, currency: 'USD', priceInRequestedCurrency: false });
    // No product_prices row for its base currency: the products row, which is in it.
    expect(find('zebra', { currency: 'USD' }).hits[0]).toMatchObject({ priceCents: 1000, currency: 'USD', priceInRequestedCurrency: true });
    expect(find('ink 77', { currency: 'USD' }).hits[0]).toMatchObject({ priceCents: 2500, currency: 'EUR', priceInRequestedCurrency: false, taxClass: 'reduced' });
  });

  it('says what is available (stock − reserved), low, or out of stock, as of the last pull when known', () => {
    const at = (sku: string) => find(sku).hits[0]!.availability;
    expect(at('TR-2041-BLK')).toEqual({ available: 40, level: 'in_stock', text: 'In stock: 40', asOf: null });
    expect(at('TR-2041-BLU')).toMatchObject({ available: 4, level: 'low', text: 'Low: 4 left' });
    expect(at('SK-3300-MED')).toMatchObject({ available: 0, level: 'out_of_stock', text: 'Out of stock' });
    // More reserved than in stock: none to sell, never a negative count.
    expect(at('GT-1100-BLK')).toMatchObject({ available: 0, level: 'out_of_stock' });
    const pulledAt = Date.UTC(2026, 11, 5, 14, 5);
    cache.db.$client.prepare(`INSERT INTO cache_meta (key, value) VALUES (?, ?)`).run(SYNC_META.pulledAt, String(pulledAt));
    try {
      expect(at('TR-2041-BLK').asOf).toBe('2026-12-05T14:05:00.000Z');
    } finally {
      cache.db.$client.prepare(`DELETE FROM cache_meta WHERE key = ?`).run(SYNC_META.pulledAt);
    }
  });

  it('answers in the contract’s shape, with the product’s status and tax class', () => {
    const out = find('trail', { currency: 'EUR' });
    expect(catalogueSearchOutput.parse(out)).toEqual(out);
    expect(out.hits[0]).toMatchObject({ productId: ids.trail, status: 'active', taxClass: 'standard', brand: 'Stridewell', category: 'running-shoes', partNumber: 'PN-58213' });
  });

  it('follows renames and removals (the triggers keep the index in step)', () => {
    const c = cache.db.$client;
    c.prepare(`UPDATE products SET name = 'Ténéré Lantern' WHERE id = ?`).run(ids.zebra);
    expect(skus(find('tenere'))).toEqual(['ZB-0001']);
    expect(find('zebra').hits).toEqual([]);
    // A stock change rewrites no text: the index is untouched and still right.
    c.prepare(`UPDATE products SET stock = 3 WHERE id = ?`).run(ids.zebra);
    c.prepare(`DELETE FROM products WHERE id = ?`).run(ids.zebra);
    expect(find('tenere').hits).toEqual([]);
    c.exec(`INSERT INTO product_search(product_search) VALUES ('integrity-check')`);
    c.exec(`INSERT INTO product_name_search(product_name_search) VALUES ('integrity-check')`);
    ids.zebra = product(cache.db, { sku: 'ZB-0001', name: 'Zebra Runner', brand: 'Trailco', category: 'running-shoes' });
  });
});

describe('bad and odd input', () => {
  const channel = () => {
    const handlers = createHandlers({ db: cache.db, defaultRegion: 'US', host: 'electron', version: 'test', agentId: 'csr', now: () => Date.now() });
    return (raw: unknown) => dispatch(handlers, 'catalogue:search', raw);
  };

  it('answers FTS5 syntax characters with results or invalid_input, never an exception', () => {
    const send = channel();
    const junk = ['"', '*', '-', ':', '(', ')', '"trail', 'trail"', 'trail*', '-trail', 'name:trail', '(trail', 'trail OR', 'AND', 'NOT trail', 'NEAR(trail runner)', '^trail', '"*-:()', 'tr"ai*l:(', '{name}:x', "'; DROP TABLE products; --", '\\', '%_', 'TR-2041-BLK*'];
    for (const query of junk) {
      const result = send({ query });
      if (result.ok) expect(catalogueSearchOutput.safeParse(result.value).success, query).toBe(true);
      else expect(['invalid_input', 'empty_query'], `${query}: ${result.error.message}`).toContain(result.error.code);
    }
    // Words survive the syntax around them.
    const around = send({ query: '"trail" (runner)*' });
    expect(around.ok && (around.value as CatalogueSearchOutput).hits[0]?.sku).toBe('TR-2041-BLK');
    expect(send({ query: 'AND' })).toMatchObject({ ok: true });
  });

  it('refuses too long, empty, non-text, bad currency and bad limit as invalid input', () => {
    const send = channel();
    const before = dumpWritable(cache.db);
    expect(send({ query: 'trail', limit: 2.5 })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'limit' } });
    expect(send({ query: 'trail', limit: -1 })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'limit' } });
    expect(send({ query: 'a'.repeat(CATALOGUE_QUERY_MAX + 1) })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(send({ query: 'a'.repeat(100_000) })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(send({ query: 42 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(send({})).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(send({ query: 'trail\u0000' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(send({ query: 'trail', currency: 'euro' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'currency' } });
    expect(send({ query: 'trail', limit: 0 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(send({ query: 'trail', limit: 1000 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(send({ query: '   ' })).toMatchObject({ ok: false, error: { code: 'empty_query' } });
    expect(send({ query: '-*:()' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(() => find('()')).toThrow(AppError);
    // A search writes nothing, answered or refused.
    expect(dumpWritable(cache.db)).toEqual(before);
  });

  it('a long query of many words is searched on its first words, quickly', () => {
    const query = Array.from({ length: 40 }, () => 'trail').join(' ').slice(0, CATALOGUE_QUERY_MAX);
    expect(searchWords(query)).toHaveLength(6);
    expect(skus(find(query))).toEqual(['GT-1100-BLK', 'SK-3300-MED', 'TR-2041-BLK', 'TR-2041-BLU', 'ZB-0001']);
  });

  it('builds FTS5 expressions from quoted words only', () => {
    expect(textMatches(searchWords('crème "brû*l'))).toEqual({
      nameStart: '^ "crème brû l" *',
      nameWords: '"crème"* AND "brû"* AND "l"*',
      anywhere: '"crème"* AND "brû"* AND "l"*',
    });
  });
});

describe('while a first copy brings the catalogue in', () => {
  it('searches nothing until the product search is rebuilt, then finds what arrived', () => {
    const fresh = tempCache('switchboard-catalogue-copy-');
    try {
      const c = fresh.db.$client;
      expect(deferIndexes(c, DIRECTORY_TABLES)).toEqual(expect.arrayContaining(['products_search_ai', 'products_search_au', 'products_search_ad']));
      product(fresh.db, { sku: 'LT-0001', name: 'Lantern Ténéré', category: 'lamps' });
      const during = new CatalogueSearch(fresh.db).search({ query: 'lantern' });
      expect(during).toMatchObject({ hits: [], catalogueArriving: true, capped: false });
      expect(buildDeferredIndexes(c)).toEqual(expect.arrayContaining(['products_search_ai', 'products_search_au', 'products_search_ad']));
      const after = new CatalogueSearch(fresh.db).search({ query: 'tenere' });
      expect(after.catalogueArriving).toBe(false);
      expect(after.hits.map((h) => h.sku)).toEqual(['LT-0001']);
      c.exec(`INSERT INTO product_search(product_search) VALUES ('integrity-check')`);
      c.exec(`INSERT INTO product_name_search(product_name_search) VALUES ('integrity-check')`);
    } finally {
      fresh.cleanup();
    }
  });
});

describe('query plans', () => {
  const plan = (sqlText: string, ...params: unknown[]) =>
    (cache.db.$client.prepare(`EXPLAIN QUERY PLAN ${sqlText}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');

  it('reads the SKU and part-number indexes, the FTS index and the price key, never a whole table', () => {
    const cols = 'p.id, p.name, p.stock';
    expect(plan(`SELECT ${cols} FROM products p WHERE (p.sku = ? OR p.part_number = ?) AND p.status <> 'discontinued' LIMIT 10`, 'X', 'X')).toMatch(
      /products_sku_uq.*products_part_number_idx|products_part_number_idx.*products_sku_uq/,
    );
    expect(plan(`SELECT ${cols} FROM products p WHERE p.sku >= ? AND p.sku < ? AND p.status <> 'discontinued' ORDER BY p.sku LIMIT 100`, 'A', 'B')).toMatch(/SEARCH p USING INDEX products_sku_uq \(sku>\? AND sku<\?\)/);
    expect(plan(`SELECT ${cols} FROM products p WHERE p.part_number >= ? AND p.part_number < ? AND p.status <> 'discontinued' ORDER BY p.part_number LIMIT 100`, 'A', 'B')).toMatch(
      /SEARCH p USING INDEX products_part_number_idx \(part_number>\? AND part_number<\?\)/,
    );
    const text = plan(`SELECT ${cols} FROM product_search s JOIN products p ON p.rowid = s.rowid WHERE product_search MATCH ? AND p.status <> 'discontinued' LIMIT 100`, '"a"*');
    expect(text).toMatch(/SCAN s VIRTUAL TABLE INDEX \d+:M/);
    expect(text).toMatch(/SEARCH p USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    const name = plan(`SELECT ${cols} FROM product_name_search s JOIN products p ON p.rowid = s.rowid WHERE product_name_search MATCH ? AND p.status <> 'discontinued' LIMIT 100`, '"a"*');
    expect(name).toMatch(/SCAN s VIRTUAL TABLE INDEX \d+:M/);
    expect(name).toMatch(/SEARCH p USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    const shown = plan(`SELECT p.name, pp.price_cents FROM products p LEFT JOIN product_prices pp ON pp.product_id = p.id AND pp.currency = ? WHERE p.rowid = ?`, 'EUR', 1);
    expect(shown).toMatch(/SEARCH p USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(shown).toMatch(/SEARCH pp USING INDEX sqlite_autoindex_product_prices_1 \(product_id=\? AND currency=\?\)/);
  });

  it('the statements the search runs are those plans (no table scan in any of them)', () => {
    const c = cache.db.$client;
    const seen: string[] = [];
    const prepare = c.prepare.bind(c);
    c.prepare = ((source: string) => {
      seen.push(source);
      return prepare(source);
    }) as typeof c.prepare;
    try {
      const fresh = new CatalogueSearch(cache.db);
      fresh.search({ query: 'TR-2041', currency: 'EUR' });
      fresh.search({ query: 'trail runner', currency: 'EUR' });
    } finally {
      c.prepare = prepare;
    }
    const statements = seen.filter((s) => /products|product_prices/.test(s));
    expect(statements.length).toBeGreaterThanOrEqual(5);
    for (const s of statements) {
      const named = Object.fromEntries([...s.matchAll(/@(\w+)/g)].map((m) => [m[1], null]));
      const positional = Array.from({ length: (s.match(/\?/g) ?? []).length }, () => null);
      const explain = prepare(`EXPLAIN QUERY PLAN ${s}`);
      const details = ((Object.keys(named).length > 0 ? explain.all(named) : explain.all(...positional)) as { detail: string }[]).map((r) => r.detail);
      // FTS5's own "SCAN s VIRTUAL TABLE INDEX n:M" is its index; any other SCAN reads a whole table.
      expect(details.filter((d) => /^SCAN /.test(d) && !/VIRTUAL TABLE INDEX \d+:M/.test(d)), s).toEqual([]);
    }
  });
});
