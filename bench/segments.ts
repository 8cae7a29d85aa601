/**
 * `report.segment.p95_ms` (issue 22): the size and value of a four-filter audience segment over
 * 1,000,000 customers, from the store (the one query of server/src/segments/segment-sql.ts).
 *
 *   npx tsx bench/segments.ts [--customers N] [--iterations K] [--base N]     (alone)
 *   npm run bench -- --only segment                                           (from bench/run.ts)
 *
 * The store is the PostgreSQL database `switchboard_bench_segments` at 127.0.0.1:5432, kept between
 * runs because filling it takes minutes (SWITCHBOARD_SEGMENT_BENCH_DB names another; --fresh drops
 * and fills it again). Filling: the store's own seed (`npm run server:seed -- --history`) with
 * --base customers (default 100,000: the seed holds its demo customers in memory and runs out of
 * heap near 1,000,000), then the customers with their e-mails, phones, orders, order lines and
 * complaints copied in SQL, with new ids, until there are --customers of them. The copies keep the
 * seed's distributions (tiers, consent, order counts, categories, dates); customer_order_stats and
 * customer_category_days are kept by their triggers during the copy, as in any load.
 *
 * The segment: bought in one category in the last 365 days, loyalty tier gold or platinum,
 * lifetime value at least 200.00, marketing consent given — with the most-bought category
 * (`report.segment.*`) and with the median one (`report.segment.median_category.*`). Each run is timed from the client
 * (the query and its answer); p50/p95 over --iterations runs after 3 warm-up runs.
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openStore, type Store } from '../server/src/db/connect';
import { segmentSize } from '../server/src/segments/segment-sql';
import { segmentDefinition } from '../src-shared/domain/segment';
import { formatTable, percentile, type Figure } from './stats';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..');
const HOST = '127.0.0.1';
const PORT = 5432;

export interface SegmentBenchOptions {
  customers?: number;
  iterations?: number;
  base?: number;
  fresh?: boolean;
  database?: string;
}

const urlFor = (database: string) => `postgres://postgres@${HOST}:${PORT}/${database}`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlFor('postgres') });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function count(store: Store, table: string): Promise<number> {
  const r = (await store.db.execute(sql.raw(`select count(*)::bigint as n from ${table}`))) as unknown as { rows: { n: string }[] };
  return Number(r.rows[0]!.n);
}

/** Copies the base customers (and what hangs off them) until there are `target`. */
async function multiply(store: Store, target: number): Promise<void> {
  // The seed's own customers (copies carry '#k' in their first name); a run stopped partway left whole copies
  // (each is one transaction), so the next run goes on from the copy after the last.
  const base = await count(store, `customers where first_name not like '%#%'`);
  const done = Math.floor((await count(store, 'customers')) / base) - 1;
  const copies = Math.ceil(target / base) - 1;
  const started = performance.now();
  for (let k = done + 1; k <= copies; k++) {
    const want = Math.min(base, target - base * k);
    await store.db.transaction(async (tx) => {
      // Bulk load: no change-log rows for these (no workstation syncs with this store); the
      // customer_order_stats triggers are ENABLE ALWAYS and still run.
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql.raw(`create temp table base on commit drop as select id from customers where first_name not like '%#%' order by id limit ${want}`));
      const map = (col: string) => `md5(${col}::text || ':${k}')::uuid`;
      await tx.execute(
        sql.raw(`insert into customers (id, first_name, last_name, loyalty_tier, loyalty_points, marketing_consent, segment, lifetime_value_cents, currency, created_at, updated_at)
          select ${map('c.id')}, c.first_name || '#${k}', c.last_name, c.loyalty_tier, c.loyalty_points, c.marketing_consent, c.segment, c.lifetime_value_cents, c.currency, c.created_at, c.updated_at
          from customers c join base b on b.id = c.id`),
      );
      await tx.execute(
        sql.raw(`insert into customer_emails (id, customer_id, email, is_primary)
          select ${map('e.id')}, ${map('e.customer_id')}, e.email, e.is_primary from customer_emails e join base b on b.id = e.customer_id`),
      );
      await tx.execute(
        sql.raw(`insert into customer_phones (id, customer_id, e164, raw, kind, is_primary, verified)
          select ${map('p.id')}, ${map('p.customer_id')}, p.e164, p.raw, p.kind, p.is_primary, p.verified from customer_phones p join base b on b.id = p.customer_id`),
      );
      await tx.execute(
        sql.raw(`insert into orders (id, number, customer_id, channel, campaign_code, status, currency, subtotal_cents, discount_cents, tax_cents, shipping_cents, total_cents, placed_at)
          select ${map('o.id')}, 'C${k}' || o.number, ${map('o.customer_id')}, o.channel, o.campaign_code, o.status, o.currency, o.subtotal_cents, o.discount_cents, o.tax_cents, o.shipping_cents, o.total_cents, o.placed_at
          from orders o join base b on b.id = o.customer_id`),
      );
      await tx.execute(
        sql.raw(`insert into order_lines (id, order_id, line_no, product_id, customer_id, placed_at, sku, name, quantity, unit_price_cents, total_cents, discount_cents, tax_cents)
          select ${map('l.id')}, ${map('l.order_id')}, l.line_no, l.product_id, ${map('l.customer_id')}, l.placed_at, l.sku, l.name, l.quantity, l.unit_price_cents, l.total_cents, l.discount_cents, l.tax_cents
          from order_lines l join base b on b.id = l.customer_id`),
      );
      await tx.execute(
        sql.raw(`insert into complaints (id, customer_id, category_code, severity, description, desired_resolution, status, follow_up_on, resolution, resolved_at, opened_at, updated_at, agent_id)
          select ${map('k.id')}, ${map('k.customer_id')}, k.category_code, k.severity, k.description, k.desired_resolution, k.status, k.follow_up_on, k.resolution, k.resolved_at, k.opened_at, k.updated_at, k.agent_id
          from complaints k join base b on b.id = k.customer_id`),
      );
    });
    console.log(`  copy ${k}/${copies}: ${fmt(base + base * k)} customers · ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  // VACUUM too: the "bought" filter's rollup (customer_category_days) is read by index-only scans, which need the
  // visibility map a freshly loaded table lacks until autovacuum comes by.
  await store.db.execute(sql`vacuum analyze`);
}

async function prepare(options: Required<SegmentBenchOptions>): Promise<Store> {
  const exists = await admin(async (c) => (await c.query('select 1 from pg_database where datname = $1', [options.database])).rowCount === 1);
  if (exists && options.fresh) await admin((c) => c.query(`drop database "${options.database}" with (force)`));
  if (!exists || options.fresh) {
    await admin((c) => c.query(`create database "${options.database}"`));
    console.log(`Seeding ${fmt(options.base)} customers with a history into ${options.database} (the store's seed) …`);
    const seeded = spawnSync('npx', ['tsx', 'server/src/seed/cli.ts', '--history', '--customers', String(options.base), '--history-calls', '50000'], {
      cwd: REPO,
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: urlFor(options.database), NODE_OPTIONS: '--max-old-space-size=6000' },
    });
    if (seeded.status !== 0) throw new Error('the store seed failed');
  }
  // Migrates (0014 builds customer_order_stats from the orders already there).
  const store = await openStore({ databaseUrl: urlFor(options.database) });
  const have = await count(store, 'customers');
  if (have < options.customers) {
    console.log(`Copying customers in SQL from ${fmt(have)} to ${fmt(options.customers)} …`);
    await multiply(store, options.customers);
  }
  return store;
}

export async function benchSegments(opts: SegmentBenchOptions = {}): Promise<Figure[]> {
  const options: Required<SegmentBenchOptions> = {
    customers: opts.customers ?? 1_000_000,
    iterations: opts.iterations ?? 30,
    base: opts.base ?? 100_000,
    fresh: opts.fresh ?? false,
    database: opts.database ?? process.env.SWITCHBOARD_SEGMENT_BENCH_DB ?? 'switchboard_bench_segments',
  };
  const store = await prepare(options);
  try {
    const customers = await count(store, 'customers');
    const orders = await count(store, 'orders');
    // Categories by lines sold: the most-bought one (a third of all lines: the heaviest filter) for
    // the figure, and the median one beside it (a more usual campaign audience).
    const ranked = (await store.db.execute(
      sql`select p.category from order_lines l join products p on p.id = l.product_id group by p.category order by count(*) desc`,
    )) as unknown as { rows: { category: string }[] };
    const latest = (await store.db.execute(sql`select max(placed_at) as t from orders`)) as unknown as { rows: { t: string }[] };
    const to = new Date(Number(latest.rows[0]!.t)).toISOString().slice(0, 10);
    const from = new Date(Number(latest.rows[0]!.t) - 365 * 86_400_000).toISOString().slice(0, 10);
    const definitionFor = (category: string) =>
      segmentDefinition.parse({ bought: { categories: [category], from, to }, tiers: ['gold', 'platinum'], valueAtLeastCents: 20_000, consent: 'given' });
    const measure = async (label: string, category: string) => {
      const definition = definitionFor(category);
      console.log(`${label} over ${fmt(customers)} customers, ${fmt(orders)} orders: ${JSON.stringify(definition)}`);
      let answer = await segmentSize(store.db, definition);
      for (let i = 0; i < 3; i++) answer = await segmentSize(store.db, definition);
      const samples: number[] = [];
      for (let i = 0; i < options.iterations; i++) {
        const t = performance.now();
        answer = await segmentSize(store.db, definition);
        samples.push(performance.now() - t);
      }
      console.log(`  size ${fmt(answer.size)}; ${answer.value.map((v) => `${v.currency} ${fmt(v.valueCents / 100)}`).join(', ')}`);
      return { samples, size: answer.size };
    };
    const top = await measure('Segment (most-bought category)', ranked.rows[0]!.category);
    const median = await measure('Segment (median category)', ranked.rows[Math.floor(ranked.rows.length / 2)]!.category);
    return [
      { name: 'report.segment.p50_ms', value: percentile(top.samples, 0.5), unit: 'ms' },
      { name: 'report.segment.p95_ms', value: percentile(top.samples, 0.95), unit: 'ms' },
      { name: 'report.segment.size', value: top.size, unit: 'customers' },
      { name: 'report.segment.median_category.p95_ms', value: percentile(median.samples, 0.95), unit: 'ms' },
      { name: 'report.segment.median_category.size', value: median.size, unit: 'customers' },
      { name: 'report.segment.customers', value: customers, unit: 'customers' },
    ];
  } finally {
    await store.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: { customers: { type: 'string' }, iterations: { type: 'string' }, base: { type: 'string' }, fresh: { type: 'boolean', default: false } },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v.replace(/_/g, '')));
  const figures = await benchSegments({ customers: num(values.customers), iterations: num(values.iterations), base: num(values.base), fresh: values.fresh });
  console.log(`\n${formatTable(figures)}\n`);
}
