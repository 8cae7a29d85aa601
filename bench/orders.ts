/**
 * Saving a phone order, for `npm run bench` (issue 21; `--only orders` runs it alone), on a cache
 * file of its own (synchronous=FULL, WAL, as every cache connection: db/open.ts applyPragmas)
 * seeded with the demo generator's catalogue (`--products N`, prices in every selling currency,
 * campaigns and discount limits) and 2,000 customers with their addresses:
 * - order.save.p50_ms / p99_ms: OrderDesk.submit, the writer's `order:submit` path, of a 3-line
 *   order (3 products drawn at random, delivered to the customer's address): the cart priced again
 *   from the cache, every check, then the order, its 3 lines and its `order.submit` outbox entry in
 *   one IMMEDIATE transaction, committed at synchronous=FULL;
 * - order.save.raw_p50_ms / raw_p99_ms, the yardstick in the same loop (alternating which goes
 *   first): one raw prepared INSERT of an order row and one of an outbox entry in one transaction
 *   on the same connection, the least any save that survives a crash costs on this disk.
 * - order.save.sync_off_p50_ms / sync_off_p99_ms: OrderDesk.submit again on the same connection set
 *   to synchronous=OFF (never how the app runs): what the save costs without waiting for the disk,
 *   to tell the code's part of a tail from the disk's.
 * The quote each submit carries is made before the timed part, as the order panel makes it while
 * the cart changes. Target: order.save.p99_ms ≤ 5 ms.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openCache } from '../src-main/core/db/open';
import { seedCache } from '../src-main/core/seed/cache-seeder';
import { OrderDesk } from '../src-main/core/orders/order-desk';
import { OrderQuery } from '../src-main/core/orders/order-query';
import type { OrderSubmitInput } from '../src-shared/contracts/orders';
import { SeedRandom } from '../src-shared/seed/random';
import { percentile, type Figure } from './stats';

const WARMUP = 200;
const CUSTOMERS = 2000;
const LINES = 3;

function time(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** `workDir`: where the cache file goes (the bench's own folder: on the disk a workstation's cache would be on, not a RAM disk). */
export function benchOrders(options: { products: number; iterations: number; seed: number; now: number; workDir: string }): Figure[] {
  mkdirSync(options.workDir, { recursive: true });
  const dir = mkdtempSync(join(options.workDir, 'bench-orders-'));
  try {
    const db = openCache(join(dir, 'orders.db'));
    try {
      const c = db.$client;
      const seeded = seedCache(db, { customers: CUSTOMERS, products: options.products, seed: options.seed, now: options.now });
      c.pragma('wal_checkpoint(TRUNCATE)');
      c.exec('ANALYZE');
      const synchronous = c.pragma('synchronous', { simple: true }) as number;
      if (synchronous !== 2) throw new Error(`the cache connection runs at synchronous=${synchronous}, not FULL (2)`);
      console.log(`  ${seeded.products.toLocaleString('en-US')} products and ${CUSTOMERS.toLocaleString('en-US')} customers seeded in ${(seeded.ms / 1000).toFixed(1)} s`);

      const random = new SeedRandom(options.seed, 'bench-orders');
      const productIds = c
        .prepare(`SELECT p.id FROM products p JOIN product_prices pp ON pp.product_id = p.id AND pp.currency = 'GBP' WHERE p.status = 'active' ORDER BY p.rowid`)
        .pluck()
        .all() as string[];
      const addresses = c.prepare(`SELECT customer_id AS customerId, id FROM customer_addresses ORDER BY rowid`).all() as { customerId: string; id: string }[];
      if (productIds.length < LINES || addresses.length === 0) throw new Error('the seeded cache has no products or addresses to order');

      const agent = { agentId: 'bench-csr', userId: null, role: 'csr' as const };
      const desk = new OrderDesk(db, 'GB');
      const quotes = new OrderQuery(db, 'GB');
      /** A 3-line order as the order panel submits it, with the total quoted before. */
      const nextOrder = (): OrderSubmitInput => {
        const address = addresses[random.int(addresses.length)]!;
        const picked = new Set<string>();
        while (picked.size < LINES) picked.add(productIds[random.int(productIds.length)]!);
        const draft = {
          customerId: address.customerId,
          currency: 'GBP' as const,
          lines: [...picked].map((productId) => ({ productId, quantity: random.between(1, 3), source: 'search' as const })),
          campaignCode: null,
          deliveryMethod: 'standard' as const,
          manualDiscount: null,
        };
        const quote = quotes.quote(draft, agent, Date.now());
        return {
          ...draft,
          orderId: randomUUID(),
          callId: null,
          heardFrom: null,
          delivery: { addressId: address.id },
          paymentMethod: 'pay_link',
          note: 'Leave with the neighbour.',
          quotedTotalCents: quote.totalCents,
        };
      };

      const rawOrder = c.prepare(
        `INSERT INTO orders (id, number, customer_id, channel, status, currency, subtotal_cents, total_cents, placed_at) VALUES (?, ?, ?, 'phone', 'submitted', 'GBP', ?, ?, ?)`,
      );
      const rawOutbox = c.prepare(`INSERT INTO outbox (client_id, name, args, schema_version, created_at, user_id) VALUES (?, 'order.submit', ?, 2, ?, NULL)`);
      const clientId = c.prepare(`SELECT value FROM cache_meta WHERE key = 'client_id'`).pluck().get() as string | undefined;
      const rawSave = c.transaction((customerId: string, totalCents: number) => {
        const id = randomUUID();
        const now = Date.now();
        rawOrder.run(id, `R-${id}`, customerId, totalCents, totalCents, now);
        rawOutbox.run(clientId ?? 'bench', JSON.stringify({ orderId: id, customerId, totalCents }), now);
      });
      const raw = (input: OrderSubmitInput) => rawSave.immediate(input.customerId, input.quotedTotalCents);
      const save = (input: OrderSubmitInput) => {
        const summary = desk.submit(input, agent, undefined, Date.now());
        if (summary.status !== 'submitted') throw new Error(`a bench order was saved ${summary.status}`);
      };

      for (let i = 0; i < WARMUP; i++) {
        const input = nextOrder();
        save(input);
        raw(input);
      }
      const service: number[] = [];
      const direct: number[] = [];
      for (let i = 0; i < options.iterations; i++) {
        const input = nextOrder();
        // Alternate which goes first, so neither always runs right after the other's fsync.
        if (i % 2 === 0) {
          service.push(time(() => save(input)));
          direct.push(time(() => raw(input)));
        } else {
          direct.push(time(() => raw(input)));
          service.push(time(() => save(input)));
        }
      }
      // The same saves without waiting for the disk: the code's own part.
      c.pragma('synchronous = OFF');
      const unsynced: number[] = [];
      try {
        for (let i = 0; i < options.iterations; i++) {
          const input = nextOrder();
          unsynced.push(time(() => save(input)));
        }
      } finally {
        c.pragma('synchronous = FULL');
      }
      const saved = c.prepare(`SELECT count(*) FROM orders WHERE number LIKE 'P-%'`).pluck().get() as number;
      const lines = c.prepare(`SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.number LIKE 'P-%'`).pluck().get() as number;
      console.log(
        `  ${service.length} orders of ${LINES} lines saved through OrderDesk.submit beside ${direct.length} raw saves ` +
          `(warm-up included: ${saved} orders, ${lines} lines, ${c.prepare('SELECT count(*) FROM outbox').pluck().get() as number} outbox entries)`,
      );
      const p99 = percentile(service, 0.99);
      const rawP99 = percentile(direct, 0.99);
      return [
        { name: 'order.save.p50_ms', value: percentile(service, 0.5), unit: 'ms' },
        { name: 'order.save.p95_ms', value: percentile(service, 0.95), unit: 'ms' },
        { name: 'order.save.p99_ms', value: p99, unit: 'ms' },
        { name: 'order.save.raw_p50_ms', value: percentile(direct, 0.5), unit: 'ms' },
        { name: 'order.save.raw_p95_ms', value: percentile(direct, 0.95), unit: 'ms' },
        { name: 'order.save.raw_p99_ms', value: rawP99, unit: 'ms' },
        { name: 'order.save.service_over_raw_p99', value: p99 / rawP99, unit: 'x' },
        { name: 'order.save.sync_off_p50_ms', value: percentile(unsynced, 0.5), unit: 'ms' },
        { name: 'order.save.sync_off_p99_ms', value: percentile(unsynced, 0.99), unit: 'ms' },
        { name: 'order.save.iterations', value: service.length, unit: 'orders' },
      ];
    } finally {
      db.$client.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
