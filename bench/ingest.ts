/**
 * Order ingest (issue 23), bench step 'ingest': 20 concurrent senders on 127.0.0.1 post signed
 * orders (2 lines each, for 1,000 seeded customers) to the store's `POST /ingest/orders`, on a
 * fresh PostgreSQL database at 127.0.0.1:5432 of its own, dropped afterwards. Bounded: ORDERS
 * orders in all.
 *
 * - `ingest.orders_per_s`: orders applied (written to orders, order_lines and the change log by
 *   the ingest worker) per second, end to end — from the first send until the last order is applied.
 * - `ingest.ack_p99_ms`: the 99th percentile of a sender's wait for its 202 (the delivery committed
 *   in the queue).
 * - `ingest.acks_per_s`, `ingest.apply_lag_ms`: how fast deliveries were acknowledged, and how long
 *   after the last acknowledgement the last order was applied (the worker's backlog).
 * - Yardstick, same run, same senders and database: `ingest.yardstick.bare_insert_*` — a bare
 *   Fastify route that inserts the body into a one-column table and answers 202 (no guard, no
 *   signature, no contract, no worker): the floor the store's HTTP and PostgreSQL set.
 *
 * Senders and store share this process (and the machine's cores): the figures include the
 * senders' own cost.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { sql } from 'drizzle-orm';
import { buildServer } from '../server/src/app';
import { openStore, type Store } from '../server/src/db/connect';
import { customers, products } from '../server/src/db/schema';
import { signPayload } from '../server/src/ingest/signature';
import { createIntegration } from '../server/src/integrations/integrations';
import { percentile, type Figure } from './stats';
import { createDatabase, databaseUrl, dropDatabase } from './sync-store';

export const INGEST_ORDERS = 20_000;
const SENDERS = 20;
const CUSTOMERS = 1_000;
const SKUS = 50;

async function count(store: Store, query: ReturnType<typeof sql>): Promise<number> {
  const result = (await store.db.execute(query)) as unknown as { rows: { n: string | number }[] };
  return Number(result.rows[0]?.n ?? 0);
}

/** Runs `total` requests from SENDERS concurrent loops; answers each request's wait in ms. */
async function drive(total: number, sendOne: (i: number) => Promise<Response>): Promise<number[]> {
  const waits: number[] = [];
  let next = 0;
  const sender = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const t0 = performance.now();
      const res = await sendOne(i);
      await res.arrayBuffer();
      waits.push(performance.now() - t0);
      if (res.status !== 202) throw new Error(`delivery ${i} answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  return waits;
}

export async function benchIngest(options: { orders?: number } = {}): Promise<Figure[]> {
  const total = options.orders ?? INGEST_ORDERS;
  const database = `switchboard_bench_2300${process.pid}`;
  await createDatabase(database);
  let store: Store | undefined;
  const figures: Figure[] = [];
  try {
    store = await openStore({ databaseUrl: databaseUrl(database) });
    const now = Date.now();
    const customerIds = Array.from({ length: CUSTOMERS }, () => randomUUID());
    await store.db.insert(customers).values(customerIds.map((id, i) => ({ id, firstName: `First${i}`, lastName: `Last${i}`, createdAt: now, updatedAt: now })));
    await store.db.insert(products).values(Array.from({ length: SKUS }, (_, i) => ({ id: randomUUID(), sku: `SKU-${i}`, name: `Product ${i}`, brand: 'Bench', category: 'Bench', priceCents: 1000 + i })));
    const integration = await createIntegration(store.db, { name: 'Bench shop', source: 'bench', createdBy: null, now });

    // Yardstick first (its table is its own): the bare insert-and-answer route.
    await store.db.execute(sql`create table bench_bare (seq bigserial primary key, body text not null)`);
    const bare = Fastify({ logger: false });
    bare.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, body, done) => done(null, body));
    const bareStore = store;
    bare.post('/bare', async (request, reply) => {
      await bareStore.db.execute(sql`insert into bench_bare (body) values (${request.body as string})`);
      return reply.status(202).send({ ok: true });
    });
    await bare.listen({ host: '127.0.0.1', port: 0 });
    const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/bare`;
    const bodyOf = (i: number) =>
      JSON.stringify({
        deliveryId: `bench-${i}`,
        orderId: `B${i}`,
        customer: { id: customerIds[i % CUSTOMERS] },
        currency: 'EUR',
        placedAt: new Date(now - (i % 86_400) * 1000).toISOString(),
        lines: [
          { sku: `SKU-${i % SKUS}`, quantity: 1, unitPriceCents: 1000 + (i % SKUS) },
          { sku: `SKU-${(i * 7) % SKUS}`, quantity: 2, unitPriceCents: 1000 + ((i * 7) % SKUS) },
        ],
        totalCents: 1000 + (i % SKUS) + 2 * (1000 + ((i * 7) % SKUS)),
      });
    const bareStart = performance.now();
    const bareWaits = await drive(total, (i) => fetch(bareUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodyOf(i) }));
    const bareSeconds = (performance.now() - bareStart) / 1000;
    await bare.close();

    const app = buildServer({ store, logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/ingest/orders`;
    try {
      const start = performance.now();
      const waits = await drive(total, (i) => {
        const body = bodyOf(i);
        const timestamp = String(Math.floor(Date.now() / 1000));
        return fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-switchboard-key': integration.id,
            'x-switchboard-timestamp': timestamp,
            'x-switchboard-signature': signPayload(integration.secret, timestamp, body),
          },
          body,
        });
      });
      const ackedAt = performance.now();
      // Until every order is applied (bounded: a minute past the last ack).
      for (;;) {
        const settled = await count(store, sql`select count(*) as n from ingest_deliveries where state <> 'pending'`);
        if (settled >= total) break;
        if (performance.now() - ackedAt > 60_000) throw new Error(`only ${settled} of ${total} deliveries applied a minute after the last ack`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const appliedAt = performance.now();
      const seconds = (appliedAt - start) / 1000;
      const dead = await count(store, sql`select count(*) as n from ingest_deliveries where state = 'dead'`);
      const applied = await count(store, sql`select count(*) as n from order_sources`);
      if (dead > 0 || applied !== total) throw new Error(`${applied} orders applied of ${total}, ${dead} deliveries dead`);
      figures.push(
        { name: 'ingest.orders_per_s', value: total / seconds, unit: 'orders/s' },
        { name: 'ingest.ack_p99_ms', value: percentile(waits, 0.99), unit: 'ms' },
        { name: 'ingest.ack_p50_ms', value: percentile(waits, 0.5), unit: 'ms' },
        { name: 'ingest.acks_per_s', value: total / ((ackedAt - start) / 1000), unit: 'deliveries/s' },
        { name: 'ingest.apply_lag_ms', value: appliedAt - ackedAt, unit: 'ms' },
        { name: 'ingest.yardstick.bare_insert_per_s', value: total / bareSeconds, unit: 'rows/s' },
        { name: 'ingest.yardstick.bare_insert_p99_ms', value: percentile(bareWaits, 0.99), unit: 'ms' },
      );
    } finally {
      await app.close();
    }
  } finally {
    await store?.close();
    await dropDatabase(database);
  }
  return figures;
}
