/**
 * The ingest worker (issue 23): applies queued deliveries in the store process, a batch per
 * transaction, claimed in arrival order with `FOR UPDATE SKIP LOCKED`, so a second store process
 * (or a second worker) takes other rows, never the same. A batch's orders are applied together
 * (applyOrderBatch: a few statements for all of them, each checked in memory); then its status
 * changes, stock levels and survey answers, in arrival order, each in its own savepoint. One that
 * cannot apply is left out (or rolled back alone) and marked — `dead` with its reason when it
 * never can (IngestRefused), else retried later with backoff and dead after `maxAttempts` — and
 * the ones behind it still apply. Should the orders' joint insert fail, they are applied one by
 * one in savepoints instead. Marking a row applied commits with what it
 * wrote, so a delivery is applied exactly once, also across a crash (then the whole batch rolls
 * back and is claimed again).
 *
 * Retention (server/src/ingest/retention.ts): marking a delivery applied also drops its body, which
 * names the customer and is never read again; every `sweepEveryMs` the worker drops the bodies of
 * deliveries dead for longer than INGEST_DEAD_BODY_RETENTION_MS (and of any applied by an older store).
 */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { IngestKind } from '../../../src-shared/contracts/ingest';
import type { Store } from '../db/connect';
import { ingestDeliveries, integrations } from '../db/schema';
import { applyDelivery, applyOrderBatch, IngestRefused, parseDelivery, type OrderItem } from './apply';
import { DROPPED_BODY, dropSettledBodies } from './retention';

export interface IngestWorkerOptions {
  /** Deliveries per transaction. */
  batchSize?: number;
  /** How often to look for work when nothing kicked the worker (another process may have queued some). */
  pollMs?: number;
  /** Tries of a delivery that fails for a passing reason before it is dead. */
  maxAttempts?: number;
  /** The first retry's delay; each further one doubles it. */
  retryBaseMs?: number;
  /** How often the bodies past their retention are dropped (also once at start). */
  sweepEveryMs?: number;
}

export const INGEST_WORKER_DEFAULTS: Required<IngestWorkerOptions> = { batchSize: 200, pollMs: 500, maxAttempts: 8, retryBaseMs: 1000, sweepEveryMs: 600_000 };

const ERROR_MAX = 1000;

export class IngestWorker {
  private readonly options: Required<IngestWorkerOptions>;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wake: (() => void) | undefined;
  private kicked = false;
  /** Batches claimed and deliveries in them (the bench reads these). */
  readonly stats = { batches: 0, deliveries: 0 };
  private lastSweepAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
    private readonly log: FastifyBaseLogger,
    /** Called after a batch that applied something committed (the change feed's poke). */
    private readonly onApplied: () => void,
    options: IngestWorkerOptions = {},
  ) {
    this.options = { ...INGEST_WORKER_DEFAULTS, ...options };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.loop();
  }

  /** Something was queued: look now rather than at the next poll. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.clock() - this.lastSweepAt >= this.options.sweepEveryMs) {
        this.lastSweepAt = this.clock();
        try {
          await this.sweep();
        } catch (e) {
          this.log.warn({ err: e }, 'the ingest worker could not drop the bodies past their retention; trying again at the next sweep');
        }
      }
      let settled = 0;
      try {
        settled = await this.runOnce();
      } catch (e) {
        this.log.warn({ err: e }, 'the ingest worker could not apply a batch; trying again shortly');
      }
      if (settled > 0 || this.stopped) continue;
      if (this.kicked) {
        this.kicked = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      this.kicked = false;
    }
  }

  /** Claims and settles one batch; answers how many deliveries it settled or retried. */
  async runOnce(): Promise<number> {
    const now = this.clock();
    let applied = 0;
    const count = await this.store.db.transaction(async (tx) => {
      const batch = await tx
        .select({ seq: ingestDeliveries.seq, integrationId: ingestDeliveries.integrationId, kind: ingestDeliveries.kind, body: ingestDeliveries.body, attempts: ingestDeliveries.attempts })
        .from(ingestDeliveries)
        .where(and(eq(ingestDeliveries.state, 'pending'), lte(ingestDeliveries.nextAttemptAt, now)))
        .orderBy(asc(ingestDeliveries.seq))
        .limit(this.options.batchSize)
        .for('update', { skipLocked: true });
      if (batch.length === 0) return 0;
      this.stats.batches++;
      this.stats.deliveries += batch.length;
      const senders = await tx
        .select({ id: integrations.id, source: integrations.source })
        .from(integrations)
        .where(inArray(integrations.id, [...new Set(batch.map((d) => d.integrationId))]));
      const sourceOf = new Map(senders.map((s) => [s.id, s.source]));
      const done: number[] = [];
      const fail = async (d: (typeof batch)[number], e: unknown) => {
        const attempts = d.attempts + 1;
        const refused = e instanceof IngestRefused;
        const dead = refused || attempts >= this.options.maxAttempts;
        const reason = (e instanceof Error ? e.message : String(e)).slice(0, ERROR_MAX);
        if (!refused) this.log.warn({ err: e, delivery: d.seq, attempts }, dead ? 'an ingest delivery failed for the last time: dead' : 'an ingest delivery failed; retrying later');
        await tx
          .update(ingestDeliveries)
          .set(dead ? { state: 'dead', attempts, settledAt: now, lastError: reason } : { attempts, lastError: reason, nextAttemptAt: now + this.options.retryBaseMs * 2 ** (attempts - 1) })
          .where(eq(ingestDeliveries.seq, d.seq));
      };
      const senderOf = (d: (typeof batch)[number]) => ({ id: d.integrationId, source: sourceOf.get(d.integrationId)! });

      // Orders first, all together (a few statements for the whole batch); then the rest in order.
      const orderItems: OrderItem<number>[] = [];
      const bySeq = new Map(batch.map((d) => [d.seq, d]));
      for (const d of batch.filter((d) => d.kind === 'order')) {
        try {
          orderItems.push({ ref: d.seq, sender: senderOf(d), order: parseDelivery('order', d.body) });
        } catch (e) {
          await fail(d, e);
        }
      }
      let outcomes: Map<number, string> | undefined;
      try {
        outcomes = await tx.transaction((sp) => applyOrderBatch(sp, orderItems));
      } catch (e) {
        this.log.warn({ err: e, deliveries: orderItems.length }, 'applying a batch of ingested orders together failed; applying them one by one');
      }
      for (const item of orderItems) {
        const d = bySeq.get(item.ref)!;
        const outcome = outcomes?.get(item.ref);
        if (outcome === 'applied') done.push(d.seq);
        else if (outcome !== undefined) await fail(d, new IngestRefused(outcome));
        else {
          try {
            await tx.transaction((sp) => applyDelivery(sp, senderOf(d), 'order', d.body));
            done.push(d.seq);
          } catch (e) {
            await fail(d, e);
          }
        }
      }
      for (const d of batch.filter((d) => d.kind !== 'order')) {
        try {
          await tx.transaction((sp) => applyDelivery(sp, senderOf(d), d.kind as IngestKind, d.body));
          done.push(d.seq);
        } catch (e) {
          await fail(d, e);
        }
      }
      if (done.length > 0) {
        await tx
          .update(ingestDeliveries)
          .set({ state: 'applied', attempts: sql`${ingestDeliveries.attempts} + 1`, settledAt: now, lastError: null, body: DROPPED_BODY })
          .where(inArray(ingestDeliveries.seq, done));
      }
      applied = done.length;
      return batch.length;
    });
    if (applied > 0) this.onApplied();
    return count;
  }

  /** Drops the bodies past their retention (retention.ts); answers how many. */
  sweep(): Promise<number> {
    return dropSettledBodies(this.store.db, this.clock());
  }

  /** Settles everything due now (tests, the bench): runs batches until none is left. */
  async drain(): Promise<void> {
    while ((await this.runOnce()) > 0) {
      /* next batch */
    }
  }
}
