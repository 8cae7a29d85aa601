/**
 * npm run seed -- --db FILE --customers N [--products P] [--seed S] [--orders-per-customer K] [--now DATE] [--force]
 *
 * Creates (or migrates) the cache at FILE and fills it with generated customers and orders. A file
 * that already holds customers is left alone unless --force says to add more.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { openCache } from '../db/open';
import { defaultProductCount, MAX_PRODUCTS, MIN_PRODUCTS } from '../../../src-shared/seed/catalogue';
import { DEFAULT_ORDERS_PER_CUSTOMER } from '../../../src-shared/seed/generator';
import { seedCache, type SeedProgress } from './cache-seeder';

const USAGE = `Usage: npm run seed -- --db FILE --customers N [--products P] [--seed S] [--orders-per-customer K] [--now DATE] [--force]

  --db FILE                  the cache file to create or fill (created and migrated if missing)
  --customers N              how many customers to generate (e.g. 2000, 1000000)
  --products P               catalogue size, ${MIN_PRODUCTS}–${MAX_PRODUCTS.toLocaleString('en-US')} (default ${defaultProductCount().toLocaleString('en-US')}); a file that has products keeps them
  --seed S                   whole number; the same seed (and --now) gives the same data (default 1)
  --orders-per-customer K    average orders per customer, 0–50 (default ${DEFAULT_ORDERS_PER_CUSTOMER})
  --now DATE                 "today" for order dates, ISO date or ms (default: today 00:00 UTC)
  --force                    add customers even though the file already holds some`;

export class UsageError extends Error {}

export interface SeedCliArgs {
  db: string;
  customers: number;
  /** Catalogue size; undefined: the generator's default. */
  products: number | undefined;
  seed: number;
  ordersPerCustomer: number;
  now: number | undefined;
  force: boolean;
}

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const value = Number(text.replace(/_/g, ''));
  if (!/^-?[\d_]+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, not "${text}".`);
  }
  return value;
}

export function parseSeedArgs(argv: readonly string[]): SeedCliArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        db: { type: 'string' },
        customers: { type: 'string' },
        products: { type: 'string' },
        seed: { type: 'string' },
        'orders-per-customer': { type: 'string' },
        now: { type: 'string' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (values.help) throw new UsageError('');
  if (!values.db) throw new UsageError('--db FILE is required: the cache file to seed.');
  if (values.customers === undefined) throw new UsageError('--customers N is required.');
  const customers = wholeNumber('customers', values.customers, 1, 20_000_000);
  const products = values.products === undefined ? undefined : wholeNumber('products', values.products, MIN_PRODUCTS, MAX_PRODUCTS);
  const seed = values.seed === undefined ? 1 : wholeNumber('seed', values.seed, 0, 2 ** 31 - 1);
  let ordersPerCustomer = DEFAULT_ORDERS_PER_CUSTOMER;
  if (values['orders-per-customer'] !== undefined) {
    ordersPerCustomer = Number(values['orders-per-customer']);
    if (!Number.isFinite(ordersPerCustomer) || ordersPerCustomer < 0 || ordersPerCustomer > 50) {
      throw new UsageError(`--orders-per-customer must be a number from 0 to 50, not "${values['orders-per-customer']}".`);
    }
  }
  let now: number | undefined;
  if (values.now !== undefined) {
    now = /^\d+$/.test(values.now) ? Number(values.now) : Date.parse(values.now);
    if (!Number.isSafeInteger(now)) throw new UsageError(`--now must be an ISO date (2025-06-01) or a time in ms, not "${values.now}".`);
  }
  return { db: resolve(values.db), customers, products, seed, ordersPerCustomer, now, force: values.force };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);

export function runSeedCli(argv: readonly string[]): number {
  let args: SeedCliArgs;
  try {
    args = parseSeedArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message) console.error(`seed: ${e.message}\n`);
    console.error(USAGE);
    return e.message ? 2 : 0;
  }

  const db = openCache(args.db);
  try {
    const existing = db.$client.prepare('SELECT count(*) FROM customers').pluck().get() as number;
    if (existing > 0 && !args.force) {
      console.error(`seed: ${args.db} already holds ${fmt(existing)} customers; nothing was changed. Pass --force to add ${fmt(args.customers)} more.`);
      return 1;
    }
    const catalogue = args.products === undefined ? '' : `, ${fmt(args.products)} products`;
    console.log(`Seeding ${fmt(args.customers)} customers${catalogue} (seed ${args.seed}, ~${args.ordersPerCustomer} orders each) into ${args.db}`);
    let peakRss = process.memoryUsage().rss;
    let lastPrint = 0;
    const onProgress = (p: SeedProgress): void => {
      const rss = process.memoryUsage().rss;
      peakRss = Math.max(peakRss, rss);
      if (p.ms - lastPrint < 2000 && p.customers < p.target) return;
      lastPrint = p.ms;
      const pct = ((100 * p.customers) / p.target).toFixed(0).padStart(3);
      console.log(`  ${pct}%  ${fmt(p.customers)} customers · ${fmt(p.orders)} orders · ${fmt(p.lines)} lines · ${(p.ms / 1000).toFixed(1)} s · RSS ${mb(rss)} MB`);
    };
    const summary = seedCache(db, {
      customers: args.customers,
      ...(args.products === undefined ? {} : { products: args.products }),
      seed: args.seed,
      ordersPerCustomer: args.ordersPerCustomer,
      ...(args.now === undefined ? {} : { now: args.now }),
      onProgress,
    });
    peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    const seconds = summary.ms / 1000;
    console.log(
      [
        `Done in ${seconds.toFixed(1)} s.`,
        `  customers      ${fmt(summary.customers)}`,
        `  phones         ${fmt(summary.phones)}`,
        `  emails         ${fmt(summary.emails)}`,
        `  addresses      ${fmt(summary.addresses)}`,
        `  orders         ${fmt(summary.orders)}`,
        `  order lines    ${fmt(summary.lines)}`,
        `  products       ${fmt(summary.products)} (+${fmt(summary.productPrices)} prices, ${fmt(summary.productRelations)} relations)`,
        `  campaigns      ${fmt(summary.campaigns)} (+${fmt(summary.discountLimits)} discount limits)`,
        `  rows written   ${fmt(summary.rows)} → ${fmt(summary.rows / seconds)} rows/s`,
        `  peak RSS       ${mb(peakRss)} MB`,
        `  file size      ${mb(statSync(args.db).size)} MB`,
      ].join('\n'),
    );
    return 0;
  } finally {
    db.$client.close();
  }
}

// Run only as a script (npm run seed), not when a test imports the parser.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    process.exitCode = runSeedCli(process.argv.slice(2));
  } catch (e) {
    console.error(`seed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
