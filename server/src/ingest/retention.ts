/**
 * What the ingest queue keeps of a delivery's body, and for how long (issue 23, erasure).
 *
 * An order's body names its customer (an email address, the source's customer id) and may carry a
 * free-text note: personal data. The queue needs the body only until the delivery is applied; after
 * that the order lives in `orders` and its source id in `order_sources`, and what recognises the
 * delivery sent again is its row's idempotency key (and the hash of its body where kept), never
 * the body itself. So:
 *
 * - an applied delivery's body is dropped (set to the empty string) in the transaction that marks
 *   it applied (server/src/ingest/worker.ts); rows applied before that rule, by an older store, are
 *   emptied by the worker's sweep;
 * - a dead delivery's body is kept `INGEST_DEAD_BODY_RETENTION_MS` after it died, for an admin or
 *   the sender to find out what was wrong with it, then the worker's sweep drops it;
 * - erasing a customer (server/src/privacy/erase.ts) reaches the queue in its own transaction:
 *   every applied body is dropped at once, a dead delivery of theirs loses its body, and a pending
 *   one of theirs is rewritten to name them by store id only, without its note, so the order still
 *   lands on the anonymous customer and every figure counts it.
 *
 * The row itself (integration, kind, idempotency key, state, attempts, times, reason) stays: the same
 * delivery sent again is still a duplicate, and the admins' "Dead ingest deliveries" list still
 * says what died and why. An empty body is never parsed again (only pending deliveries are).
 */
import { and, eq, inArray, lte, ne, or } from 'drizzle-orm';
import type { StoreDb } from '../db/connect';
import { ingestDeliveries, integrations } from '../db/schema';
import type { StoreTx } from '../sync/mutations/refusal';

/** A body dropped after its delivery was applied, died long enough ago, or named an erased customer. */
export const DROPPED_BODY = '';

/** How long a dead delivery's body is kept after it died: a week to look into it. */
export const INGEST_DEAD_BODY_RETENTION_MS = 7 * 24 * 3_600_000;

/** Rows per statement when the sweep empties many bodies (an older store's applied deliveries). */
const SWEEP_BATCH = 5000;

/**
 * Drops the bodies the queue no longer needs: every applied delivery's, and each dead one's that
 * died at least the retention before `now`. Answers how many it dropped.
 */
export async function dropSettledBodies(db: StoreDb | StoreTx, now: number): Promise<number> {
  const due = and(
    ne(ingestDeliveries.body, DROPPED_BODY),
    or(eq(ingestDeliveries.state, 'applied'), and(eq(ingestDeliveries.state, 'dead'), lte(ingestDeliveries.settledAt, now - INGEST_DEAD_BODY_RETENTION_MS))),
  );
  let dropped = 0;
  for (;;) {
    const batch = db.select({ seq: ingestDeliveries.seq }).from(ingestDeliveries).where(due).limit(SWEEP_BATCH);
    const rows = await db.update(ingestDeliveries).set({ body: DROPPED_BODY }).where(inArray(ingestDeliveries.seq, batch)).returning({ seq: ingestDeliveries.seq });
    dropped += rows.length;
    if (rows.length < SWEEP_BATCH) return dropped;
  }
}

/** Who is being erased, as the ingest bodies may name them (read before their contacts are deleted). */
export interface IngestErasureTarget {
  customerId: string;
  /** Their e-mail addresses, lower-cased. */
  emails: readonly string[];
  /** The ids the source systems gave them (customer_sources). */
  sources: readonly { source: string; sourceId: string }[];
}

/** Is this delivery body about the customer (by store id, the source's customer id, or e-mail)? */
function namesCustomer(body: string, source: string | undefined, target: IngestErasureTarget): { parsed: Record<string, unknown> | null; about: boolean } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    // Not an object the worker could read: about them if it holds any of their identifiers at all.
    const lower = body.toLowerCase();
    const needles = [target.customerId, ...target.emails, ...target.sources.map((s) => s.sourceId)].filter((n) => n.length > 0);
    return { parsed: null, about: needles.some((n) => lower.includes(n.toLowerCase())) };
  }
  const obj = json as Record<string, unknown>;
  const ref = obj.customer;
  if (ref === null || typeof ref !== 'object') return { parsed: obj, about: false };
  const { id, sourceId, email } = ref as Record<string, unknown>;
  const about =
    (typeof id === 'string' && id.trim().toLowerCase() === target.customerId.toLowerCase()) ||
    (typeof email === 'string' && target.emails.includes(email.trim().toLowerCase())) ||
    (typeof sourceId === 'string' && target.sources.some((s) => s.source === source && s.sourceId === sourceId.trim()));
  return { parsed: obj, about };
}

/**
 * Removes the customer from the ingest queue, in the erasure's transaction: drops every applied
 * body (the retention rule, early), drops the body of each dead order delivery naming them, and
 * rewrites each pending one naming them to `customer: { id }` without its note. Answers how many
 * of their deliveries it changed.
 */
export async function eraseCustomerFromIngest(tx: StoreTx, target: IngestErasureTarget): Promise<number> {
  await tx.update(ingestDeliveries).set({ body: DROPPED_BODY }).where(and(eq(ingestDeliveries.state, 'applied'), ne(ingestDeliveries.body, DROPPED_BODY)));
  // Only orders name a customer (status changes, stock and survey answers carry ids and figures).
  // Locked before anything of the customer is (the worker locks its deliveries, then writes orders
  // for customers): the same order of locks, so the two never deadlock.
  const open = await tx
    .select({ seq: ingestDeliveries.seq, state: ingestDeliveries.state, body: ingestDeliveries.body, source: integrations.source })
    .from(ingestDeliveries)
    .innerJoin(integrations, eq(integrations.id, ingestDeliveries.integrationId))
    .where(and(eq(ingestDeliveries.kind, 'order'), ne(ingestDeliveries.body, DROPPED_BODY)))
    .for('update', { of: ingestDeliveries });
  let changed = 0;
  for (const d of open) {
    const { parsed, about } = namesCustomer(d.body, d.source, target);
    if (!about) continue;
    let body = DROPPED_BODY;
    if (d.state === 'pending' && parsed !== null) {
      const { note: _note, ...rest } = parsed;
      body = JSON.stringify({ ...rest, customer: { id: target.customerId } });
    }
    await tx.update(ingestDeliveries).set({ body }).where(eq(ingestDeliveries.seq, d.seq));
    changed++;
  }
  return changed;
}

