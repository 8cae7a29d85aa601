/**
 * Order ingest (issue 23), bench step 'ingest': 20 concurrent senders on 127.0.0.1, in a process of
 * their own (bench/ingest-senders.ts, forked), post signed orders (2 lines each, for 1,000 seeded
 * customers) to the store's `POST /ingest/orders`, on a fresh PostgreSQL database at
 * 127.0.0.1:5432 of its own, dropped afterwards. Bounded: INGEST_ORDERS orders a phase.
 *
 * - `ingest.orders_per_s`: orders applied (written to orders, order_lines and the change log by
 *   the ingest worker) per second, end to end — from the first send until the last order is applied.
 * - `ingest.ack_p99_ms` (and p50): a sender's wait for its 202 (the delivery committed in the
 *   queue, by group commit: server/src/ingest/admit.ts).
 * - `ingest.acks_per_s`, `ingest.apply_lag_ms`: how fast deliveries were acknowledged, and how long
 *   after the last acknowledgement the last order was applied (the worker's backlog);
 *   `ingest.mean_batch`: deliveries per group-commit transaction.
 * - Yardsticks, same run, same sender process and database:
 *   `ingest.yardstick.bare_insert_*` — a bare Fastify route that inserts the body into a
 *   one-column table with its own commit and answers 202 (no guard, no signature, no contract, no
 *   worker): what HTTP plus one durable commit a request cost at that moment;
 *   `ingest.yardstick.bare_group_*` — the same bare route through the same group commit as the
 *   ingest route (one multi-row INSERT a batch): what batching alone buys.
 *
 * INGEST_FIRST=1 runs the ingest phase before the yardsticks (to alternate between runs);
 * INGEST_WINDOW_MS=n gives the ingest route's group commit a window of n ms (default 0: the next
 * turn of the event loop). The figures' names carry neither. INGEST_ACK_ONLY=1 runs the ingest
 * route with no worker (nothing applied) and reports `ingest.ack_only.*` instead: what the
 * acknowledgements alone cost, for comparison (not a figure of the issue).
 */
import { randomUUID } from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { buildServer } from '../server/src/app';
import { openStore, type Store } from '../server/src/db/connect';
import { customers, products } from '../server/src/db/schema';
import { GroupCommit } from '../server/src/http/group-commit';
import { createIntegration } from '../server/src/integrations/integrations';
import type { SendJob, SendResult } from './ingest-senders';
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

/** The forked sender process: one job at a time. */
class Senders {
  private readonly child: ChildProcess;
  constructor() {
    // Forked with this process's flags (tsx's loader among them), so the .ts file runs as is.
    this.child = fork(fileURLToPath(new URL('./ingest-senders.ts', import.meta.url)), [], { execArgv: process.execArgv, stdio: 'inherit' });
  }
  send(job: SendJob): Promise<SendResult> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the sender process exited (${code}) during a job`));
      this.child.once('exit', onExit);
      this.child.once('message', (result: SendResult) => {
        this.child.off('exit', onExit);
        if (result.failure) reject(new Error(result.failure));
        else resolve(result);
      });
      this.child.send(job);
    });
  }
  close(): void {
    if (this.child.connected) this.child.disconnect();
  }
}

const urlOf = (app: FastifyInstance, path: string) => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}${path}`;

export async function benchIngest(options: { orders?: number } = {}): Promise<Figure[]> {
  const total = options.orders ?? INGEST_ORDERS;
  const ingestFirst = process.env.INGEST_FIRST === '1';
  const windowMs = Number(process.env.INGEST_WINDOW_MS ?? 0);
  const ackOnly = process.env.INGEST_ACK_ONLY === '1';
  const database = `switchboard_bench_2300${process.pid}`;
  await createDatabase(database);
  let store: Store | undefined;
  const senders = new Senders();
  const figures: Figure[] = [];
  try {
    store = await openStore({ databaseUrl: databaseUrl(database) });
    const db = store.db;
    const now = Date.now();
    const customerIds = Array.from({ length: CUSTOMERS }, () => randomUUID());
    await db.insert(customers).values(customerIds.map((id, i) => ({ id, firstName: `First${i}`, lastName: `Last${i}`, createdAt: now, updatedAt: now })));
    await db.insert(products).values(Array.from({ length: SKUS }, (_, i) => ({ id: randomUUID(), sku: `SKU-${i}`, name: `Product ${i}`, brand: 'Bench', category: 'Bench', priceCents: 1000 + i })));
    const integration = await createIntegration(db, { name: 'Bench shop', source: 'bench', createdBy: null, now });
    const job = (url: string, prefix: string, signed: boolean): SendJob => ({
      url,
      total,
      senders: SENDERS,
      integration: signed ? { id: integration.id, secret: integration.secret } : null,
      customerIds,
      skus: SKUS,
      now,
      prefix,
    });

    // The yardsticks (their table is their own): the bare insert-and-answer route, one commit a
    // request, and the same route through the group commit.
    await db.execute(sql`create table bench_bare (seq bigserial primary key, body text not null)`);
    const bare = Fastify({ logger: false });
    bare.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, body, done) => done(null, body));
    bare.post('/bare', async (request, reply) => {
      await db.execute(sql`insert into bench_bare (body) values (${request.body as string})`);
      return reply.status(202).send({ ok: true });
    });
    const grouped = new GroupCommit<string, true>(
      async (bodies) => {
        await db.transaction(async (tx) => {
          await tx.execute(sql`insert into bench_bare (body) values ${sql.join(bodies.map((b) => sql`(${b})`), sql`, `)}`);
        });
        return bodies.map(() => true as const);
      },
      (b) => b.length,
      { windowMs },
    );
    bare.post('/bare-grouped', async (request, reply) => {
      await grouped.submit(request.body as string);
      return reply.status(202).send({ ok: true });
    });
    await bare.listen({ host: '127.0.0.1', port: 0 });

    const yardsticks = async () => {
      const one = await senders.send(job(urlOf(bare, '/bare'), 'bare-', false));
      const many = await senders.send(job(urlOf(bare, '/bare-grouped'), 'grouped-', false));
      figures.push(
        { name: 'ingest.yardstick.bare_insert_per_s', value: total / ((one.endedAt - one.startedAt) / 1000), unit: 'rows/s' },
        { name: 'ingest.yardstick.bare_insert_p99_ms', value: percentile(one.waits, 0.99), unit: 'ms' },
        { name: 'ingest.yardstick.bare_group_per_s', value: total / ((many.endedAt - many.startedAt) / 1000), unit: 'rows/s' },
        { name: 'ingest.yardstick.bare_group_p99_ms', value: percentile(many.waits, 0.99), unit: 'ms' },
        { name: 'ingest.yardstick.bare_group_mean_batch', value: grouped.stats.items / grouped.stats.batches, unit: 'rows' },
      );
    };

    const ingest = async () => {
      const app = buildServer({ store: store!, logger: false, ingestAdmission: { windowMs }, ingestWorker: ackOnly ? false : {} });
      await app.listen({ host: '127.0.0.1', port: 0 });
      try {
        const sent = await senders.send(job(urlOf(app, '/ingest/orders'), 'bench-', true));
        const ackedAt = sent.endedAt;
        if (ackOnly) {
          figures.push(
            { name: 'ingest.ack_only.acks_per_s', value: total / ((ackedAt - sent.startedAt) / 1000), unit: 'deliveries/s' },
            { name: 'ingest.ack_only.ack_p99_ms', value: percentile(sent.waits, 0.99), unit: 'ms' },
            { name: 'ingest.ack_only.mean_batch', value: app.ingestAdmission.stats.items / app.ingestAdmission.stats.batches, unit: 'deliveries' },
          );
          return;
        }
        // Until every order is applied (bounded: a minute past the last ack).
        for (;;) {
          const settled = await count(store!, sql`select count(*) as n from ingest_deliveries where state <> 'pending'`);
          if (settled >= total) break;
          if (Date.now() - ackedAt > 60_000) throw new Error(`only ${settled} of ${total} deliveries applied a minute after the last ack`);
          await new Promise((r) => setTimeout(r, 20));
        }
        const appliedAt = performance.timeOrigin + performance.now();
        const dead = await count(store!, sql`select count(*) as n from ingest_deliveries where state = 'dead'`);
        const applied = await count(store!, sql`select count(*) as n from order_sources`);
        if (dead > 0 || applied !== total) throw new Error(`${applied} orders applied of ${total}, ${dead} deliveries dead`);
        const stats = app.ingestAdmission.stats;
        figures.push(
          { name: 'ingest.orders_per_s', value: total / ((appliedAt - sent.startedAt) / 1000), unit: 'orders/s' },
          { name: 'ingest.ack_p99_ms', value: percentile(sent.waits, 0.99), unit: 'ms' },
          { name: 'ingest.ack_p50_ms', value: percentile(sent.waits, 0.5), unit: 'ms' },
          { name: 'ingest.acks_per_s', value: total / ((ackedAt - sent.startedAt) / 1000), unit: 'deliveries/s' },
          { name: 'ingest.apply_lag_ms', value: Math.max(0, appliedAt - ackedAt), unit: 'ms' },
          { name: 'ingest.mean_batch', value: stats.items / stats.batches, unit: 'deliveries' },
          { name: 'ingest.worker_mean_batch', value: app.ingestWorker!.stats.deliveries / app.ingestWorker!.stats.batches, unit: 'deliveries' },
        );
      } finally {
        await app.close();
      }
    };

    if (ingestFirst) {
      await ingest();
      await yardsticks();
    } else {
      await yardsticks();
      await ingest();
    }
    await bare.close();
  } finally {
    senders.close();
    await store?.close();
    await dropDatabase(database);
  }
  return figures;
}
