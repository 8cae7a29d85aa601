/**
 * npm run bench -- [--customers N] [--db FILE] [--reuse] [--iterations K] [--no-sync] [--products N] [--only STEP,…]
 *
 * Seeds (or reuses) a cache of N customers (default 1,000,000, ~5 orders each), then measures
 * caller lookup through the service layer (CallerLookup) beside the same lookup as one raw
 * prepared statement, and search-as-you-type; then (unless --no-sync) the initial sync of that
 * data from the central store on the local PostgreSQL into an empty cache, and pushes
 * (bench/sync.ts); and the catalogue search on a cache of its own with --products N products
 * (default 50,000; bench/catalogue.ts); and saving a 3-line phone order with its outbox entry at
 * synchronous=FULL beside a raw insert of one row and its outbox entry (bench/orders.ts, on a cache
 * of its own with the generator's catalogue of --products N); and the keystrokes of the keyboard-only
 * phone-order walk in Chromium (bench/order-walk.ts, step 'walk'); and the supervisor reports on a
 * 2,000,000-call history kept in a PostgreSQL database of its own (bench/reports.ts, step 'reports';
 * the full export of that database as one ZIP archive: bench/export.ts, step 'export';
 * FRESH=1 loads the history again); the live board's lag, call start on a browser host → shown by the store's GET /board
 * (bench/board-lag.ts, step 'board', PostgreSQL); the size of a four-filter audience segment over
 * 1,000,000 customers on the store (bench/segments.ts, step 'segment', PostgreSQL); and a customer
 * import of 1,000,000 generated rows into a fresh PostgreSQL database (bench/import.ts, step
 * 'import'); and order ingest, 20 concurrent senders posting signed orders to the store's
 * POST /ingest/orders on a fresh PostgreSQL database, until every one is applied (bench/ingest.ts,
 * step 'ingest'). Prints a table and writes bench/results.json as a list of
 * { name, value, unit }. These are figures to compare across changes, not pass/fail.
 *
 * `--only` runs some steps alone (STEPS below, comma-separated): their figures replace theirs in
 * bench/results.json and the others' are kept. Only the steps that need the customer cache seed it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { openCache, type CacheDb } from '../src-main/core/db/open';
import { CallerLookup } from '../src-main/core/lookup/caller-lookup';
import { seedCache } from '../src-main/core/seed/cache-seeder';
import { SeedRandom } from '../src-shared/seed/random';
import { WELL_KNOWN_CUSTOMERS } from '../src-shared/seed/well-known';
import { normalizePhone } from '../src-shared/domain/phone';
import { formatTable, percentile, round, type Figure } from './stats';
import { benchSuggestions } from './suggestions';
import { benchCustomer360 } from './customer360';
import { benchSync } from './sync';
import { buildWorkstation, type BuiltWorkstation } from './app-build';
import { benchCatalogue } from './catalogue';
import { benchOrders } from './orders';
import { benchOrderWalk } from './order-walk';
import { benchSegments } from './segments';
import { benchFullExport } from './export';
import { benchReports } from './reports';
import { benchBoardLag } from './board-lag';
import { benchImport, IMPORT_ROWS } from './import';
import { benchIngest, INGEST_ORDERS } from './ingest';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..');
const SEED = 1;
/** Fixed "today" so a reused file and a fresh one hold the same data. */
const NOW = Date.UTC(2025, 5, 1);
const WARMUP = 500;

/** The steps, in the order they run; `--only` picks some. */
const STEPS = ['lookup', 'suggestions', 'customer360', 'catalogue', 'orders', 'walk', 'reports', 'export', 'import', 'ingest', 'sync', 'board', 'segment'] as const;
type Step = (typeof STEPS)[number];
/** Steps that measure the seeded customer cache (the catalogue makes its own). */
const ON_CUSTOMER_CACHE: readonly Step[] = ['lookup', 'suggestions', 'customer360', 'sync'];

interface BenchArgs {
  customers: number;
  db: string;
  defaultDb: boolean;
  reuse: boolean;
  iterations: number;
  products: number;
  steps: ReadonlySet<Step>;
  /** Some steps only (`--only`): results.json keeps the other steps' figures. */
  partial: boolean;
}

function parse(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      customers: { type: 'string' },
      db: { type: 'string' },
      reuse: { type: 'boolean', default: false },
      iterations: { type: 'string' },
      // The sync part needs PostgreSQL at 127.0.0.1:5432; --no-sync leaves it out.
      sync: { type: 'boolean', default: true },
      'no-sync': { type: 'boolean', default: false },
      products: { type: 'string' },
      only: { type: 'string' },
    },
  });
  const customers = values.customers === undefined ? 1_000_000 : Number(values.customers.replace(/_/g, ''));
  if (!Number.isSafeInteger(customers) || customers < 100) throw new Error(`--customers must be a whole number ≥ 100, not "${values.customers}"`);
  const iterations = values.iterations === undefined ? 5000 : Number(values.iterations);
  if (!Number.isSafeInteger(iterations) || iterations < 100) throw new Error(`--iterations must be a whole number ≥ 100, not "${values.iterations}"`);
  const products = values.products === undefined ? 50_000 : Number(values.products.replace(/_/g, ''));
  if (!Number.isSafeInteger(products) || products < 100) throw new Error(`--products must be a whole number ≥ 100, not "${values.products}"`);
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  for (const step of only ?? []) if (!(STEPS as readonly string[]).includes(step)) throw new Error(`--only takes steps among ${STEPS.join(', ')}, not "${step}"`);
  const steps = new Set<Step>((only as Step[] | undefined) ?? STEPS);
  // The live board's lag (step 'board') needs the same PostgreSQL: --no-sync leaves it out too.
  if (!values.sync || values['no-sync']) {
    steps.delete('sync');
    steps.delete('board');
  }
  const defaultDb = values.db === undefined;
  const db = resolve(values.db ?? join(REPO, '.cache', `bench-${customers}.db`));
  return { customers, db, defaultDb, reuse: values.reuse, iterations, products, steps, partial: only !== undefined };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number): number => bytes / 1024 / 1024;

function removeCacheFile(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

/** Seeds the bench file, sampling RSS after every batch; returns the seed figures. */
function seed(args: BenchArgs): Figure[] {
  mkdirSync(dirname(args.db), { recursive: true });
  const db = openCache(args.db);
  let peakRss = process.memoryUsage().rss;
  let lastPrint = 0;
  try {
    console.log(`Seeding ${fmt(args.customers)} customers into ${args.db} …`);
    const cpuBefore = process.cpuUsage();
    const summary = seedCache(db, {
      customers: args.customers,
      seed: SEED,
      now: NOW,
      onProgress: (p) => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        if (p.ms - lastPrint < 10_000 && p.customers < p.target) return;
        lastPrint = p.ms;
        console.log(`  ${fmt(p.customers)} / ${fmt(p.target)} customers · ${fmt(p.orders)} orders · ${(p.ms / 1000).toFixed(0)} s · RSS ${mb(process.memoryUsage().rss).toFixed(0)} MB`);
      },
    });
    const cpu = process.cpuUsage(cpuBefore);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    const seconds = summary.ms / 1000;
    console.log(`Seeded ${fmt(summary.rows)} rows in ${seconds.toFixed(1)} s (${fmt(summary.rows / seconds)} rows/s).`);
    return [
      { name: 'seed.seconds', value: seconds, unit: 's' },
      { name: 'seed.rows', value: summary.rows, unit: 'rows' },
      { name: 'seed.rows_per_s', value: summary.rows / seconds, unit: 'rows/s' },
      // CPU time of this process: on a shared machine wall time also counts other people's work.
      { name: 'seed.cpu_seconds', value: (cpu.user + cpu.system) / 1e6, unit: 's' },
      { name: 'seed.peak_rss_mb', value: mb(peakRss), unit: 'MB' },
    ];
  } finally {
    db.$client.close();
  }
}

/** Evenly spread rows of `table` (by rowid), the same ones every run. */
function sampleRows<T>(db: CacheDb, sql: string, table: string, count: number, stream: string): T[] {
  const client = db.$client;
  const maxRowid = client.prepare(`SELECT max(rowid) FROM ${table}`).pluck().get() as number;
  const random = new SeedRandom(SEED, stream);
  const statement = client.prepare(sql);
  const rows: T[] = [];
  for (let tries = 0; rows.length < count && tries < count * 3; tries++) {
    const row = statement.get(1 + random.int(maxRowid)) as T | undefined;
    if (row) rows.push(row);
  }
  return rows;
}

/** How a CSR would type the number the phone system shows: national for the desk's own country, else international with spaces. */
function typedForm(e164: string): string {
  const parsed = parsePhoneNumberWithError(e164);
  return parsed.country === 'US' ? parsed.formatNational() : parsed.formatInternational();
}

function time(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

interface Measured {
  figures: Figure[];
  /** The numbers looked up, as typed, with their customer: the sync part asks the server for the same ones. */
  phones: { typed: string; customerId: string }[];
}

function measure(db: CacheDb, iterations: number): Measured {
  const client = db.$client;
  const lookup = new CallerLookup(db, { defaultRegion: 'US' });
  const fictional = new Set(WELL_KNOWN_CUSTOMERS.flatMap((c) => c.phones.map((p) => p.e164)));

  // --- Phone lookup: service vs one raw prepared statement returning the same columns. ---
  const phones = sampleRows<{ e164: string; customer_id: string }>(
    db,
    'SELECT e164, customer_id FROM customer_phones WHERE rowid = ?',
    'customer_phones',
    2000,
    'bench-phones',
  ).filter((p) => !fictional.has(p.e164));
  const typed = phones.map((p) => typedForm(p.e164));
  const raw = client.prepare(
    `SELECT c.id, c.first_name, c.last_name, c.loyalty_tier,
            (SELECT p2.e164 FROM customer_phones p2 WHERE p2.customer_id = c.id ORDER BY p2.is_primary DESC LIMIT 1) AS phone,
            (SELECT e.email FROM customer_emails e WHERE e.customer_id = c.id ORDER BY e.is_primary DESC LIMIT 1) AS email,
            (SELECT a.city FROM customer_addresses a WHERE a.customer_id = c.id ORDER BY a.is_primary DESC LIMIT 1) AS city,
            (SELECT max(o.placed_at) FROM orders o WHERE o.customer_id = c.id) AS last_order_at
       FROM customer_phones p JOIN customers c ON c.id = p.customer_id
      WHERE p.e164 = ?
      LIMIT 20`,
  );
  let wrong = 0;
  for (let i = 0; i < WARMUP; i++) {
    const k = i % phones.length;
    const result = lookup.search({ query: typed[k]!, limit: 20 });
    if (!result.hits.some((h) => h.customerId === phones[k]!.customer_id)) wrong++;
    raw.all(phones[k]!.e164);
  }
  if (wrong > 0) console.warn(`  warning: ${wrong} of ${WARMUP} service lookups did not return the phone's customer`);
  const service: number[] = [];
  const direct: number[] = [];
  // Reading the typed number alone: the part of the service's time that is libphonenumber's.
  const parsing: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const k = i % phones.length;
    const query = { query: typed[k]!, limit: 20 };
    const e164 = phones[k]!.e164;
    // Alternate which goes first, so neither always runs on a cache the other just warmed.
    if (i % 2 === 0) {
      service.push(time(() => lookup.search(query)));
      direct.push(time(() => raw.all(e164)));
    } else {
      direct.push(time(() => raw.all(e164)));
      service.push(time(() => lookup.search(query)));
    }
    parsing.push(time(() => normalizePhone(query.query, 'US')));
  }

  // --- Search as you type: name prefixes of 1–4 letters and email prefixes. ---
  const people = sampleRows<{ first_name: string; last_name: string; email: string | null }>(
    db,
    `SELECT c.first_name, c.last_name, (SELECT email FROM customer_emails e WHERE e.customer_id = c.id LIMIT 1) AS email
       FROM customers c WHERE c.row_id = ?`,
    'customers',
    1000,
    'bench-names',
  );
  // Each query is labelled with what was typed, so a slow kind of keystroke shows in the figures.
  const keystrokes: { query: string; kind: string }[] = [];
  for (const p of people) {
    const name = (p.first_name.split(/\s/)[0] ?? p.first_name).toLowerCase();
    for (let n = 1; n <= Math.min(4, name.length); n++) keystrokes.push({ query: name.slice(0, n), kind: `name_${n}` });
    keystrokes.push({ query: `${name} ${p.last_name.slice(0, 2).toLowerCase()}`, kind: 'name_and_last' });
    if (p.email) for (const n of [3, 6, 9]) keystrokes.push({ query: p.email.slice(0, n), kind: `email_${n}` });
  }
  const typable = keystrokes.filter((k) => /[\p{L}\p{N}]/u.test(k.query));
  for (let i = 0; i < WARMUP; i++) lookup.search({ query: typable[i % typable.length]!.query, limit: 20 });
  const search: number[] = [];
  const byKind = new Map<string, number[]>();
  const rounds = Math.max(1, Math.ceil(iterations / typable.length));
  for (let r = 0; r < rounds; r++) {
    for (const { query, kind } of typable) {
      const ms = time(() => lookup.search({ query, limit: 20 }));
      search.push(ms);
      const list = byKind.get(kind) ?? [];
      list.push(ms);
      byKind.set(kind, list);
    }
  }

  // --- Order number and SKU: the other exact keys a CSR types. ---
  const orderNumbers = sampleRows<{ number: string }>(db, 'SELECT number FROM orders WHERE rowid = ?', 'orders', 500, 'bench-orders');
  for (const o of orderNumbers.slice(0, 100)) lookup.search({ query: o.number, limit: 20 });
  const orderTimes = orderNumbers.map((o) => time(() => lookup.search({ query: o.number, limit: 20 })));
  const skus = client.prepare('SELECT sku FROM products ORDER BY rowid LIMIT 200').pluck().all() as string[];
  for (const sku of skus.slice(0, 50)) lookup.search({ query: sku, limit: 20 });
  const skuTimes = skus.map((sku) => time(() => lookup.search({ query: sku, limit: 20 })));

  console.log(`  ${phones.length} sampled phones (e.g. "${typed[0]}"), ${typable.length} keystroke queries (e.g. ${typable.slice(0, 6).map((k) => `"${k.query}"`).join(', ')} …)`);
  const p99Service = percentile(service, 0.99);
  const p99Raw = percentile(direct, 0.99);
  const figures = [
    { name: 'lookup.phone.p50_ms', value: percentile(service, 0.5), unit: 'ms' },
    { name: 'lookup.phone.p99_ms', value: p99Service, unit: 'ms' },
    { name: 'lookup.phone.raw_p50_ms', value: percentile(direct, 0.5), unit: 'ms' },
    { name: 'lookup.phone.raw_p99_ms', value: p99Raw, unit: 'ms' },
    { name: 'lookup.phone.service_over_raw_p99', value: p99Service / p99Raw, unit: 'x' },
    { name: 'lookup.phone.normalize_p50_ms', value: percentile(parsing, 0.5), unit: 'ms' },
    { name: 'lookup.phone.iterations', value: service.length, unit: 'lookups' },
    { name: 'search.keystroke.p50_ms', value: percentile(search, 0.5), unit: 'ms' },
    { name: 'search.keystroke.p95_ms', value: percentile(search, 0.95), unit: 'ms' },
    { name: 'search.keystroke.p99_ms', value: percentile(search, 0.99), unit: 'ms' },
    { name: 'search.keystroke.iterations', value: search.length, unit: 'searches' },
    ...[...byKind].map(([kind, samples]) => ({ name: `search.keystroke.${kind}.p95_ms`, value: percentile(samples, 0.95), unit: 'ms' })),
    { name: 'lookup.order.p99_ms', value: percentile(orderTimes, 0.99), unit: 'ms' },
    { name: 'search.sku.p95_ms', value: percentile(skuTimes, 0.95), unit: 'ms' },
  ];
  return { figures, phones: phones.map((p, k) => ({ typed: typed[k]!, customerId: p.customer_id })) };
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const { steps } = args;
  console.log(`Switchboard bench: ${[...steps].join(', ')} · ${fmt(args.customers)} customers · node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? '?'} · ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
  const figures: Figure[] = [];
  // The sync part runs the workstation as built JavaScript: build it first, so a broken build stops the bench before the long parts.
  let workstation: BuiltWorkstation | undefined;
  if (steps.has('sync')) workstation = await buildWorkstation(REPO);
  let phones: Measured['phones'] = [];
  if (ON_CUSTOMER_CACHE.some((step) => steps.has(step))) {
    if (existsSync(args.db) && !args.reuse) {
      if (!args.defaultDb) throw new Error(`${args.db} exists: pass --reuse to measure it, or remove it to seed a new one.`);
      removeCacheFile(args.db);
    }
    if (!existsSync(args.db)) figures.push(...seed(args));
    else console.log(`Reusing ${args.db} (${mb(statSync(args.db).size).toFixed(0)} MB); no seed figures this run.`);

    const db = openCache(args.db, { readonly: true });
    try {
      const count = (table: string): number => db.$client.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
      const customers = count('customers');
      if (customers === 0) throw new Error(`${args.db} holds no customers: remove it and run again without --reuse.`);
      figures.unshift(
        { name: 'bench.customers', value: customers, unit: 'customers' },
        { name: 'bench.orders', value: count('orders'), unit: 'orders' },
        { name: 'bench.order_lines', value: count('order_lines'), unit: 'lines' },
        { name: 'bench.file_mb', value: mb(statSync(args.db).size), unit: 'MB' },
      );
      // The sync part asks the server for the numbers the lookup measured.
      if (steps.has('lookup') || steps.has('sync')) {
        console.log('Measuring …');
        const measured = measure(db, args.iterations);
        if (steps.has('lookup')) figures.push(...measured.figures);
        phones = measured.phones;
      }
    } finally {
      db.$client.close();
    }
  }
  if (steps.has('suggestions')) {
    console.log('Upsell suggestions …');
    figures.push(...benchSuggestions(args.db, { iterations: args.iterations, now: NOW, seed: SEED }));
  }
  if (steps.has('customer360')) figures.push(...benchCustomer360(args.db, { iterations: args.iterations, now: NOW, seed: SEED }));
  if (steps.has('catalogue')) {
    console.log(`Catalogue search (${fmt(args.products)} products) …`);
    figures.push(...benchCatalogue({ products: args.products, iterations: args.iterations, seed: SEED }));
  }
  if (steps.has('orders')) {
    console.log(`Saving phone orders (${fmt(args.products)} products) …`);
    figures.push(...benchOrders({ products: args.products, iterations: args.iterations, seed: SEED, now: NOW, workDir: dirname(args.db) }));
  }
  if (steps.has('walk')) {
    console.log('The keyboard-only phone-order walk in Chromium (order.walk.keys) …');
    figures.push(...benchOrderWalk(REPO));
  }
  if (steps.has('reports')) {
    console.log('Supervisor reports on a 2,000,000-call history, from the store (PostgreSQL at 127.0.0.1:5432) …');
    figures.push(...(await benchReports({ repo: REPO, fresh: process.env.FRESH === '1' })));
  }
  if (steps.has('export')) {
    console.log('The full export: every table of the reports database as CSV in one ZIP archive, from the store (export.full) …');
    figures.push(...(await benchFullExport({ repo: REPO })));
  }
  if (steps.has('import')) {
    console.log(`Customer import: ${fmt(IMPORT_ROWS)} generated rows into a fresh PostgreSQL database (127.0.0.1:5432) …`);
    figures.push(...(await benchImport({ repo: REPO })));
  }
  if (steps.has('ingest')) {
    console.log(`Order ingest: ${fmt(INGEST_ORDERS)} signed orders from 20 concurrent senders into a fresh PostgreSQL database (127.0.0.1:5432) …`);
    figures.push(...(await benchIngest()));
  }
  if (steps.has('board')) {
    console.log('The live board: call start on a workstation → on GET /board (board.lag) …');
    figures.push(...(await benchBoardLag(REPO)));
  }
  if (workstation) {
    figures.push(...(await benchSync({ repo: REPO, sourceDb: args.db, workDir: dirname(args.db), workstation, phones, iterations: args.iterations, warmup: WARMUP })));
  }

  // Audience segments on the store (issue 22): its own PostgreSQL database of 1,000,000 customers (bench/segments.ts).
  if (steps.has('segment')) figures.push(...(await benchSegments()));
  const results = figures.map((f) => ({ ...f, value: round(f.value) }));
  console.log(`\n${formatTable(results)}\n`);
  const out = join(HERE, 'results.json');
  writeFileSync(out, `${JSON.stringify(args.partial ? mergedResults(out, results) : results, null, 2)}\n`);
  console.log(`Wrote ${out}${args.partial ? ' (the figures of the steps run replaced, the others kept)' : ''}`);
}

/** The figures in `file` with `fresh` replacing those of the same name, new ones appended. */
function mergedResults(file: string, fresh: readonly Figure[]): Figure[] {
  const kept: Figure[] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Figure[]) : [];
  const byName = new Map(fresh.map((f) => [f.name, f]));
  const merged = kept.map((f) => byName.get(f.name) ?? f);
  const names = new Set(kept.map((f) => f.name));
  return [...merged, ...fresh.filter((f) => !names.has(f.name))];
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
