/**
 * Upsell suggestion figures for `npm run bench`: the co-purchase miner on the bench file (run now if
 * its rules are stale — a full count on a freshly seeded file), then SuggestionEngine.suggest on
 * random customers who have orders, through a read-only connection as the reader worker has.
 */
import { openCache } from '../src-main/core/db/open';
import { CoPurchaseMiner } from '../src-main/core/suggestions/co-purchase-miner';
import { CoPurchaseStore } from '../src-main/core/suggestions/co-purchase-store';
import { SuggestionEngine } from '../src-main/core/suggestions/suggestion-engine';
import { SeedRandom } from '../src-shared/seed/random';
import { percentile, type Figure } from './stats';

const WARMUP = 300;

function time(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** Mines (when stale) and measures suggestions on `dbFile`. `now` is the bench's fixed "today". */
export function benchSuggestions(dbFile: string, options: { iterations: number; now: number; seed: number }): Figure[] {
  const figures: Figure[] = [];

  // --- The miner, on a writable connection (it also applies any pending migration). ---
  const writer = openCache(dbFile);
  try {
    const miner = new CoPurchaseMiner(writer, { now: () => options.now });
    let planMs = 0;
    const mode = (() => {
      const start = performance.now();
      const m = miner.plan();
      planMs = performance.now() - start;
      return m;
    })();
    console.log(`  co-purchase rules: ${mode === 'none' ? 'up to date' : `${mode} …`}`);
    const summary = miner.runSync();
    const state = new CoPurchaseStore(writer).state()!;
    if (summary.mode === 'rebuild') {
      figures.push({ name: 'copurchase.mine_ms', value: summary.ms, unit: 'ms' });
      console.log(`  mined ${summary.ordersRead.toLocaleString('en-US')} orders in ${(summary.ms / 1000).toFixed(1)} s`);
    } else if (state.lastBuildMs !== null) {
      // Mined by an earlier run on this same file: report that full count's duration.
      figures.push({ name: 'copurchase.mine_ms', value: state.lastBuildMs, unit: 'ms' });
      console.log(`  (copurchase.mine_ms is from the earlier full count on this file)`);
    }
    figures.push(
      { name: 'copurchase.orders', value: state.ordersSeen, unit: 'orders' },
      { name: 'copurchase.rules', value: state.rules, unit: 'rules' },
      { name: 'copurchase.pairs', value: writer.$client.prepare('SELECT count(*) FROM co_purchase_pairs').pluck().get() as number, unit: 'pairs' },
      // What every incremental run costs besides counting its new orders: the staleness check and the rules from the counts.
      { name: 'copurchase.plan_ms', value: planMs, unit: 'ms' },
      { name: 'copurchase.rules_ms', value: time(() => miner.recomputeRulesSync()), unit: 'ms' },
    );
  } finally {
    writer.$client.close();
  }

  // --- Suggestions, on a read-only connection like the reader worker's. ---
  const db = openCache(dbFile, { readonly: true });
  try {
    const engine = new SuggestionEngine(db);
    const client = db.$client;
    const maxRowId = client.prepare('SELECT max(row_id) FROM customers').pluck().get() as number;
    const byRowId = client.prepare(`SELECT id FROM customers c WHERE row_id = ? AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)`).pluck();
    const random = new SeedRandom(options.seed, 'bench-suggestions');
    const customers: string[] = [];
    for (let tries = 0; customers.length < 3000 && tries < 10_000; tries++) {
      const id = byRowId.get(1 + random.int(maxRowId)) as string | undefined;
      if (id) customers.push(id);
    }
    for (let i = 0; i < WARMUP; i++) engine.suggest(customers[i % customers.length]!, { now: options.now });
    const samples: number[] = [];
    // CPU time of each call beside its wall time: on a shared or busy machine the wall-clock tail is
    // mostly time spent waiting for a core, which CPU time leaves out.
    const cpu: number[] = [];
    let shown = 0;
    let empty = 0;
    for (let i = 0; i < options.iterations; i++) {
      const id = customers[i % customers.length]!;
      let n = 0;
      const before = process.cpuUsage();
      samples.push(time(() => (n = engine.suggest(id, { now: options.now }).length)));
      const used = process.cpuUsage(before);
      cpu.push((used.user + used.system) / 1000);
      shown += n;
      if (n === 0) empty++;
    }
    console.log(`  ${customers.length} sampled customers with orders; ${(shown / samples.length).toFixed(1)} suggestions each on average`);
    figures.push(
      { name: 'suggestions.p50_ms', value: percentile(samples, 0.5), unit: 'ms' },
      { name: 'suggestions.p95_ms', value: percentile(samples, 0.95), unit: 'ms' },
      { name: 'suggestions.p99_ms', value: percentile(samples, 0.99), unit: 'ms' },
      { name: 'suggestions.cpu_p50_ms', value: percentile(cpu, 0.5), unit: 'ms' },
      { name: 'suggestions.cpu_p95_ms', value: percentile(cpu, 0.95), unit: 'ms' },
      { name: 'suggestions.empty_share', value: empty / samples.length, unit: 'share' },
      { name: 'suggestions.iterations', value: samples.length, unit: 'calls' },
    );
  } finally {
    db.$client.close();
  }
  return figures;
}
