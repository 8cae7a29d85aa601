/**
 * Customer 360 and complaint figures for `npm run bench`:
 * - customer360.p95_ms: what opening a caller reads — profile card + first timeline page + the last
 *   50 orders with their lines + suggestions — on a read-only connection, as the reader worker has;
 * - purchases.filtered.p50_ms / p99_ms: past purchases narrowed by a SKU the customer bought, a
 *   category or a word of a product name (first page and totals), in turn;
 * - complaint.save.p50_ms / p99_ms: ComplaintLog.log with its events row and outbox entry in one
 *   transaction, committed with synchronous=FULL, on a writable connection, as the writer has.
 * Customers are sampled among those with orders, by the same seeded sampler as the other figures.
 */
import { openCache } from '../src-main/core/db/open';
import { createCustomerCardQuery } from '../src-main/core/customer/customer-card';
import { CustomerTimeline } from '../src-main/core/customer/timeline';
import { PurchaseHistory } from '../src-main/core/customer/purchases';
import { SuggestionEngine } from '../src-main/core/suggestions/suggestion-engine';
import { ComplaintLog } from '../src-main/core/complaints/complaint-log';
import { SeedRandom } from '../src-shared/seed/random';
import { percentile, type Figure } from './stats';

const WARMUP = 200;

function time(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function sampleCustomersWithOrders(dbFile: string, count: number, seed: number): string[] {
  const db = openCache(dbFile, { readonly: true });
  try {
    const c = db.$client;
    const maxRow = c.prepare('SELECT max(rowid) FROM orders').pluck().get() as number;
    const byRow = c.prepare('SELECT customer_id FROM orders WHERE rowid >= ? LIMIT 1').pluck();
    const random = new SeedRandom(seed);
    const ids = new Set<string>();
    for (let tries = 0; ids.size < count && tries < count * 5; tries++) {
      const id = byRow.get(1 + Math.floor(random.next() * maxRow)) as string | undefined;
      if (id) ids.add(id);
    }
    return [...ids];
  } finally {
    db.$client.close();
  }
}

export function benchCustomer360(dbFile: string, options: { iterations: number; now: number; seed: number }): Figure[] {
  const customers = sampleCustomersWithOrders(dbFile, 2000, options.seed + 360);
  const figures: Figure[] = [];

  const reader = openCache(dbFile, { readonly: true });
  try {
    const card = createCustomerCardQuery(reader);
    const timeline = new CustomerTimeline(reader);
    const purchases = new PurchaseHistory(reader);
    const suggestions = new SuggestionEngine(reader);
    const open360 = (customerId: string) => {
      card(customerId);
      timeline.page({ customerId, limit: 50 });
      purchases.search({ customerId, limit: 50 }, options.now);
      suggestions.list(customerId, { limit: 5, now: options.now });
    };
    for (let i = 0; i < WARMUP; i++) open360(customers[i % customers.length]!);
    const samples: number[] = [];
    for (let i = 0; i < options.iterations; i++) samples.push(time(() => open360(customers[i % customers.length]!)));
    figures.push(
      { name: 'customer360.p50_ms', value: percentile(samples, 0.5), unit: 'ms' },
      { name: 'customer360.p95_ms', value: percentile(samples, 0.95), unit: 'ms' },
      { name: 'customer360.p99_ms', value: percentile(samples, 0.99), unit: 'ms' },
    );

    // Past purchases narrowed to what the caller asks about: a product they bought (by SKU), a
    // category of one, or a word of its name. Each reads the lines of the customer's orders.
    const boughtLine = reader.$client.prepare(
      `SELECT l.sku, p.category, l.name FROM orders o JOIN order_lines l ON l.order_id = o.id LEFT JOIN products p ON p.id = l.product_id
        WHERE o.customer_id = ? ORDER BY o.placed_at, l.line_no LIMIT 1`,
    );
    const filters = customers.map((customerId) => {
      const line = boughtLine.get(customerId) as { sku: string; category: string | null; name: string } | undefined;
      const word = line?.name.split(/\s+/).find((w) => w.length >= 4) ?? 'zzzz';
      return [
        { customerId, sku: line?.sku ?? 'NONE' },
        line?.category ? { customerId, category: line.category } : { customerId, text: word },
        { customerId, text: word },
      ];
    });
    const filtered = (i: number) => {
      const input = filters[Math.floor(i / 3) % filters.length]![i % 3]!;
      purchases.search({ ...input, limit: 50 }, options.now);
    };
    for (let i = 0; i < WARMUP; i++) filtered(i);
    const filteredSamples: number[] = [];
    for (let i = 0; i < options.iterations; i++) filteredSamples.push(time(() => filtered(i)));
    figures.push(
      { name: 'purchases.filtered.p50_ms', value: percentile(filteredSamples, 0.5), unit: 'ms (one search with its totals: by SKU, category or text, in turn)' },
      { name: 'purchases.filtered.p99_ms', value: percentile(filteredSamples, 0.99), unit: 'ms' },
    );
  } finally {
    reader.$client.close();
  }

  const writer = openCache(dbFile);
  try {
    const log = new ComplaintLog(writer);
    const lineOf = writer.$client.prepare(
      'SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.customer_id = ? ORDER BY o.placed_at DESC LIMIT 1',
    ).pluck();
    const saves = Math.min(1000, options.iterations);
    const samples: number[] = [];
    for (let i = 0; i < saves; i++) {
      const customerId = customers[i % customers.length]!;
      const orderLineId = lineOf.get(customerId) as string | undefined;
      samples.push(
        time(() =>
          log.log(
            {
              customerId,
              category: 'damaged',
              severity: 'medium',
              ...(orderLineId ? { orderLineId } : {}),
              description: 'Bench: the item arrived with a cracked casing.',
            },
            'bench',
            options.now,
          ),
        ),
      );
    }
    figures.push(
      { name: 'complaint.save.p50_ms', value: percentile(samples, 0.5), unit: 'ms' },
      { name: 'complaint.save.p99_ms', value: percentile(samples, 0.99), unit: 'ms' },
      { name: 'complaint.save.synchronous', value: writer.$client.pragma('synchronous', { simple: true }) as number, unit: '2=FULL' },
    );
  } finally {
    writer.$client.close();
  }
  return figures;
}
