/**
 * The webhook delivery worker (issue 23): POSTs each pending delivery's event to its endpoint,
 * signed, and records what happened. A delivery is claimed by pushing its next attempt a lease
 * into the future (`FOR UPDATE SKIP LOCKED`, committed before the request goes out), so no
 * transaction stays open across the network and two processes never send the same one at once.
 * A 2xx answer delivers it; anything else (a refusal, a timeout, no answer) tries again after an
 * exponential backoff (retryBaseMs·2^n, at most maxDelayMs) until maxAgeMs after it was created
 * (24 h by default), then it is failed. Every try carries the same `X-Switchboard-Event-Id`.
 */
import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { WEBHOOK_HEADERS } from '../../../src-shared/contracts/webhooks';
import type { Store } from '../db/connect';
import { webhookDeliveries, webhookEndpoints, webhookEvents } from '../db/schema';
import { signPayload } from '../ingest/signature';

export interface WebhookWorkerOptions {
  pollMs?: number;
  batchSize?: number;
  retryBaseMs?: number;
  maxDelayMs?: number;
  maxAgeMs?: number;
  timeoutMs?: number;
  /** How long a claimed delivery is left alone by other workers while it is being sent. */
  leaseMs?: number;
}

export const WEBHOOK_WORKER_DEFAULTS: Required<WebhookWorkerOptions> = {
  pollMs: 1000,
  batchSize: 20,
  retryBaseMs: 10_000,
  maxDelayMs: 3_600_000,
  maxAgeMs: 24 * 3_600_000,
  timeoutMs: 10_000,
  leaseMs: 60_000,
};

interface Claimed {
  id: string;
  eventId: string;
  kind: string;
  payload: string;
  url: string;
  secret: string;
  active: boolean;
  attempts: number;
  createdAt: number;
}

export class WebhookWorker {
  private readonly options: Required<WebhookWorkerOptions>;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wake: (() => void) | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
    private readonly log: FastifyBaseLogger,
    options: WebhookWorkerOptions = {},
  ) {
    this.options = { ...WEBHOOK_WORKER_DEFAULTS, ...options };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.loop();
  }

  kick(): void {
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
      let sent = 0;
      try {
        sent = await this.runOnce();
      } catch (e) {
        this.log.warn({ err: e }, 'the webhook worker could not send a batch; trying again shortly');
      }
      if (sent > 0 || this.stopped) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async claim(now: number): Promise<Claimed[]> {
    return this.store.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.state, 'pending'), lte(webhookDeliveries.nextAttemptAt, now)))
        .orderBy(asc(webhookDeliveries.nextAttemptAt))
        .limit(this.options.batchSize)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      const ids = due.map((d) => d.id);
      await tx.update(webhookDeliveries).set({ nextAttemptAt: now + this.options.leaseMs }).where(inArray(webhookDeliveries.id, ids));
      return tx
        .select({
          id: webhookDeliveries.id,
          eventId: webhookDeliveries.eventId,
          kind: webhookEvents.kind,
          payload: webhookEvents.payload,
          url: webhookEndpoints.url,
          secret: webhookEndpoints.secret,
          active: webhookEndpoints.active,
          attempts: webhookDeliveries.attempts,
          createdAt: webhookDeliveries.createdAt,
        })
        .from(webhookDeliveries)
        .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
        .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
        .where(inArray(webhookDeliveries.id, ids));
    });
  }

  /** Sends one batch of due deliveries; answers how many it tried. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim(this.clock());
    await Promise.all(claimed.map((d) => this.send(d)));
    return claimed.length;
  }

  private async send(d: Claimed): Promise<void> {
    let status: number | null = null;
    let error: string | null = null;
    if (!d.active) error = 'The endpoint was disabled.';
    else {
      const timestamp = String(Math.floor(this.clock() / 1000));
      try {
        const response = await fetch(d.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [WEBHOOK_HEADERS.eventId]: d.eventId,
            [WEBHOOK_HEADERS.event]: d.kind,
            [WEBHOOK_HEADERS.timestamp]: timestamp,
            [WEBHOOK_HEADERS.signature]: signPayload(d.secret, timestamp, d.payload),
          },
          body: d.payload,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        status = response.status;
        await response.body?.cancel().catch(() => undefined);
        if (status < 200 || status >= 300) error = `The endpoint answered ${status}.`;
      } catch (e) {
        error = `No answer: ${(e as Error).name === 'TimeoutError' ? `timed out after ${this.options.timeoutMs} ms` : ((e as Error & { cause?: Error }).cause?.message ?? (e as Error).message)}.`.slice(0, 500);
      }
    }
    const now = this.clock();
    const attempts = d.attempts + 1;
    if (error === null) {
      await this.store.db
        .update(webhookDeliveries)
        .set({ state: 'delivered', attempts, lastAttemptAt: now, lastStatus: status, lastError: null, deliveredAt: now })
        .where(eq(webhookDeliveries.id, d.id));
      return;
    }
    const delay = Math.min(this.options.retryBaseMs * 2 ** (attempts - 1), this.options.maxDelayMs);
    const giveUp = !d.active || now + delay - d.createdAt > this.options.maxAgeMs;
    await this.store.db
      .update(webhookDeliveries)
      .set({ state: giveUp ? 'failed' : 'pending', attempts, lastAttemptAt: now, lastStatus: status, lastError: error, nextAttemptAt: now + delay })
      .where(eq(webhookDeliveries.id, d.id));
  }
}
