/**
 * Catalogue search figures for `npm run bench` (issue 21), on a cache of its own holding N
 * generated products (default 50,000; `--products N`), each with a price in every selling currency,
 * stock and reservations, and 3 % discontinued:
 * - catalogue.search.p50_ms / p95_ms: CatalogueSearch.search through the service, as the reader
 *   worker answers `catalogue:search` (prices in EUR, limit 20);
 * - catalogue.search.raw_p50_ms / raw_p95_ms: the same search as ONE raw prepared statement (the
 *   same indexes and FTS expressions, ranks and order by name, the price joined), in the same loop,
 *   alternating which goes first;
 * - catalogue.search.<kind>.p95_ms: per kind of text typed (name prefixes of 1–4 letters, a word and
 *   the start of the next, a brand, a category word, a whole SKU, the start of one, a part number).
 * The products are generated here from a fixed seed, so every run searches the same catalogue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCache, type WritableDb } from '../src-main/core/db/open';
import { CatalogueSearch, RANK_WINDOW, searchWords, textMatches } from '../src-main/core/catalogue/catalogue-search';
import { SeedRandom } from '../src-shared/seed/random';
import { percentile, type Figure } from './stats';

const WARMUP = 500;
const CURRENCIES = ['USD', 'EUR', 'GBP', 'SEK'] as const;
const RATES: Record<(typeof CURRENCIES)[number], number> = { USD: 1, EUR: 0.92, GBP: 0.79, SEK: 10.6 };

const ADJECTIVES = ['Trail', 'Summit', 'Crème', 'Brûlée', 'Alpine', 'Urban', 'Coastal', 'Nordic', 'Café', 'Pro', 'Ultra', 'Classic', 'Señor', 'Über', 'Light', 'Heavy', 'Compact', 'Eco', 'Smart', 'Rapid'];
const NOUNS = ['Runner', 'Jacket', 'Headlamp', 'Brewer', 'Grinder', 'Kettle', 'Printer', 'Cartridge', 'Tent', 'Backpack', 'Bottle', 'Socks', 'Gaiter', 'Filter', 'Beans', 'Torch', 'Stove', 'Mug', 'Lantern', 'Boots', 'Gloves', 'Scale', 'Toner', 'Paper'];
const VARIANTS = ['Black', 'Blue', 'Red', 'Grey', 'Green', 'White', 'S', 'M', 'L', 'XL', '1 kg', '250 g', '4-pack', '100'];
const BRANDS = ['Stridewell', 'Woolpath', 'Lumenridge', 'Voltcore', 'Printwell', 'Kettlebrook', 'Roastery 9', 'Nordkapp', 'Élan', 'Fjällmark', 'Peakform', 'Brewcraft'];
const CATEGORIES = ['running-shoes', 'gaiters', 'socks', 'headlamps', 'batteries', 'printers', 'ink', 'coffee-brewers', 'coffee-filters', 'coffee-beans', 'tents', 'backpacks', 'stoves', 'kitchen-tools', 'jackets', 'paper'];
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

function time(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** Writes `count` products with prices in every currency; returns nothing (the search reads them back). */
function seedProducts(db: WritableDb, count: number, seed: number): void {
  const c = db.$client;
  const random = new SeedRandom(seed, 'bench-catalogue');
  const product = c.prepare(
    `INSERT INTO products (id, sku, name, brand, part_number, category, price_cents, currency, tax_class, status, stock, reserved)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?)`,
  );
  const price = c.prepare(`INSERT INTO product_prices (product_id, currency, price_cents) VALUES (?, ?, ?)`);
  c.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = random.uuid();
      const prefix = `${random.pick([...LETTERS])}${random.pick([...LETTERS])}`;
      const sku = `${prefix}-${String(i).padStart(6, '0')}-${random.pick(['BLK', 'BLU', 'RED', 'GRY', 'WHT', 'STD'])}`;
      const name = `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)} ${random.between(1, 999)} (${random.pick(VARIANTS)})`;
      const base = random.between(299, 49_999);
      const stock = random.chance(0.15) ? 0 : random.between(0, 400);
      product.run(
        id,
        sku,
        name,
        random.pick(BRANDS),
        random.chance(0.8) ? `PN-${String(random.between(0, 9_999_999)).padStart(7, '0')}` : null,
        random.pick(CATEGORIES),
        base,
        random.pick(['standard', 'standard', 'standard', 'reduced', 'zero']),
        random.chance(0.03) ? 'discontinued' : 'active',
        stock,
        Math.min(stock, random.between(0, 20)),
      );
      for (const currency of CURRENCIES) price.run(id, currency, Math.round(base * RATES[currency]));
    }
  })();
  c.pragma('wal_checkpoint(TRUNCATE)');
  c.exec('ANALYZE');
}

interface Typed {
  query: string;
  kind: string;
}

/** What CSRs type, drawn from the catalogue itself: keystrokes of names, brands, categories and codes. */
function keystrokes(db: WritableDb, seed: number, count: number): Typed[] {
  const c = db.$client;
  const random = new SeedRandom(seed, 'bench-catalogue-queries');
  const max = c.prepare('SELECT max(rowid) FROM products').pluck().get() as number;
  const byRow = c.prepare('SELECT sku, name, brand, category, part_number AS partNumber FROM products WHERE rowid = ?');
  const typed: Typed[] = [];
  while (typed.length < count) {
    const p = byRow.get(1 + random.int(max)) as { sku: string; name: string; brand: string; category: string; partNumber: string | null } | undefined;
    if (!p) continue;
    const [first = '', second = ''] = p.name.split(' ');
    const lower = first.toLowerCase();
    for (let n = 1; n <= Math.min(4, lower.length); n++) typed.push({ query: lower.slice(0, n), kind: `name_${n}` });
    typed.push({ query: `${lower} ${second.slice(0, 2).toLowerCase()}`, kind: 'name_and_next' });
    typed.push({ query: p.brand.toLowerCase().slice(0, 5), kind: 'brand' });
    typed.push({ query: (p.category.split('-')[0] ?? p.category).slice(0, 6), kind: 'category' });
    typed.push({ query: p.sku, kind: 'sku' });
    typed.push({ query: p.sku.slice(0, 6), kind: 'sku_prefix' });
    if (p.partNumber) typed.push({ query: p.partNumber, kind: 'part_number' });
  }
  return typed;
}

/**
 * The same search as one raw statement: every rank's index read (each stopped at the same window),
 * ranked and ordered by name in SQL, the EUR price joined. The service instead stops asking once
 * its list is full and reads prices for the shown rows only.
 */
const RAW_SQL = `
  WITH hits(rid, tier) AS (
    SELECT rowid, 0 FROM products WHERE sku = @code OR part_number = @code
    UNION ALL SELECT rowid, 1 FROM (SELECT rowid FROM product_name_search WHERE product_name_search MATCH @nameStart LIMIT @window)
    UNION ALL SELECT rowid, 2 FROM (SELECT rowid FROM product_name_search WHERE product_name_search MATCH @nameWords LIMIT @window)
    UNION ALL SELECT rowid, 3 FROM (SELECT rowid FROM product_search WHERE product_search MATCH @anywhere LIMIT @window)
    UNION ALL SELECT rowid, 3 FROM (SELECT rowid FROM products WHERE sku >= @from AND sku < @to ORDER BY sku LIMIT @window)
    UNION ALL SELECT rowid, 3 FROM (SELECT rowid FROM products WHERE part_number >= @from AND part_number < @to ORDER BY part_number LIMIT @window)
  )
  SELECT p.id, p.sku, p.part_number, p.name, p.brand, p.category, coalesce(pp.price_cents, p.price_cents) AS price_cents,
         p.tax_class, p.status, p.stock - p.reserved AS available, min(h.tier) AS tier
    FROM hits h JOIN products p ON p.rowid = h.rid
    LEFT JOIN product_prices pp ON pp.product_id = p.id AND pp.currency = 'EUR'
   WHERE p.status <> 'discontinued'
   GROUP BY p.rowid
   ORDER BY tier, p.name COLLATE NOCASE
   LIMIT 21`;

export function benchCatalogue(options: { products: number; iterations: number; seed: number }): Figure[] {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-catalogue-'));
  try {
    const file = join(dir, 'catalogue.db');
    const writable = openCache(file);
    let typed: Typed[];
    try {
      const seeded = time(() => seedProducts(writable, options.products, options.seed));
      console.log(`  ${options.products.toLocaleString('en-US')} products with ${CURRENCIES.length} prices each written in ${(seeded / 1000).toFixed(1)} s`);
      typed = keystrokes(writable, options.seed, Math.max(2000, Math.min(options.iterations, 10_000)));
    } finally {
      writable.$client.close();
    }

    // Measured as the reader worker runs: a read-only connection.
    const reader = openCache(file, { readonly: true });
    try {
      const search = new CatalogueSearch(reader);
      const raw = reader.$client.prepare(RAW_SQL);
      const rawParams = (query: string) => {
        const code = query.trim().toUpperCase();
        return { code, from: code, to: `${code}\uffff`, window: RANK_WINDOW, ...textMatches(searchWords(query)) };
      };
      const params = typed.map((t) => rawParams(t.query));
      let empty = 0;
      for (let i = 0; i < WARMUP; i++) {
        const k = i % typed.length;
        if (search.search({ query: typed[k]!.query, currency: 'EUR', limit: 20 }).hits.length === 0) empty++;
        raw.all(params[k]);
      }
      if (empty > 0) console.warn(`  warning: ${empty} of ${WARMUP} catalogue searches found nothing`);
      const service: number[] = [];
      const direct: number[] = [];
      const byKind = new Map<string, number[]>();
      for (let i = 0; i < options.iterations; i++) {
        const k = i % typed.length;
        const { query, kind } = typed[k]!;
        const run = () => time(() => search.search({ query, currency: 'EUR', limit: 20 }));
        let ms: number;
        // Alternate which goes first, so neither always runs on a cache the other just warmed.
        if (i % 2 === 0) {
          ms = run();
          direct.push(time(() => raw.all(params[k])));
        } else {
          direct.push(time(() => raw.all(params[k])));
          ms = run();
        }
        service.push(ms);
        const list = byKind.get(kind) ?? [];
        list.push(ms);
        byKind.set(kind, list);
      }
      console.log(`  ${typed.length} typed queries (e.g. ${typed.slice(0, 8).map((t) => `"${t.query}"`).join(', ')} …)`);
      const p95 = percentile(service, 0.95);
      const rawP95 = percentile(direct, 0.95);
      return [
        { name: 'catalogue.products', value: options.products, unit: 'products' },
        { name: 'catalogue.search.p50_ms', value: percentile(service, 0.5), unit: 'ms' },
        { name: 'catalogue.search.p95_ms', value: p95, unit: 'ms' },
        { name: 'catalogue.search.raw_p50_ms', value: percentile(direct, 0.5), unit: 'ms' },
        { name: 'catalogue.search.raw_p95_ms', value: rawP95, unit: 'ms' },
        { name: 'catalogue.search.service_over_raw_p95', value: p95 / rawP95, unit: 'x' },
        { name: 'catalogue.search.iterations', value: service.length, unit: 'searches' },
        ...[...byKind].map(([kind, samples]) => ({ name: `catalogue.search.${kind}.p95_ms`, value: percentile(samples, 0.95), unit: 'ms' })),
      ];
    } finally {
      reader.$client.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
