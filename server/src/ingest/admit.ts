/**
 * Admitting checked deliveries to the durable queue (issue 23), by group commit: every delivery
 * that passed the guard (key, timestamp, HMAC, contract) waits for the next batch; a batch is one
 * transaction — one multi-row INSERT … ON CONFLICT DO NOTHING into `ingest_deliveries`, and for
 * the keys already there one SELECT of their kind and body hash — and one commit. Only then is
 * each delivery answered:
 *
 * - new: 202 `duplicate: false`;
 * - its idempotency key already queued (before, or earlier in the same batch) with the same kind
 *   and the same body bytes: 202 `duplicate: true`, nothing more queued;
 * - the key already queued with another body (or on another route): 409 `idempotency_conflict`.
 *
 * A batch that fails answers every delivery in it 503 `unavailable` (the sender retries; the
 * idempotency key makes the retry safe), none 202. The only failure that cannot be the store's
 * passing trouble, a value the database refuses (SQLSTATE class 22/23), is retried one delivery a
 * transaction, so one bad delivery never fails the others with it.
 */
import { createHash } from 'node:crypto';
import { and, eq, or } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { IngestAccepted, IngestKind } from '../../../src-shared/contracts/ingest';
import type { Store, StoreDb } from '../db/connect';
import { classifyDbError } from '../db/db-errors';
import { ingestDeliveries } from '../db/schema';
import { GroupCommit, type GroupCommitOptions } from '../http/group-commit';
import { HttpError } from '../http/errors';

export interface Delivery {
  integrationId: string;
  kind: IngestKind;
  idempotencyKey: string;
  /** The body exactly as signed (UTF-8 text). */
  body: string;
  /** Hex SHA-256 of the body's bytes. */
  bodyHash: string;
  receivedAt: number;
}

export type IngestAdmissionOptions = GroupCommitOptions;

export const bodyHash = (raw: Buffer | string): string => createHash('sha256').update(raw).digest('hex');

/** The error the sender gets for a key it already used with another body. */
export class IdempotencyConflict extends HttpError {
  constructor(key: string) {
    super(
      'idempotency_conflict',
      `Idempotency key "${key}" was already used for a delivery with another body: send a changed delivery under a new key, or the same bytes again under this one.`,
      'idempotencyKey',
    );
  }
}

const keyOf = (integrationId: string, key: string) => `${integrationId}\u0000${key}`;

/** Writes one batch in one transaction; answers each delivery (or its IdempotencyConflict). */
export async function admitBatch(db: StoreDb, batch: readonly Delivery[]): Promise<(IngestAccepted | Error)[]> {
  // The first delivery of each key is the one inserted; later ones in the batch are compared with it.
  const leaders = new Map<string, Delivery>();
  for (const d of batch) if (!leaders.has(keyOf(d.integrationId, d.idempotencyKey))) leaders.set(keyOf(d.integrationId, d.idempotencyKey), d);
  const inserted = new Set<string>();
  const held = new Map<string, { kind: string; bodyHash: string }>();
  await db.transaction(async (tx) => {
    const rows = await tx
      .insert(ingestDeliveries)
      .values([...leaders.values()].map((d) => ({ integrationId: d.integrationId, kind: d.kind, idempotencyKey: d.idempotencyKey, body: d.body, bodyHash: d.bodyHash, receivedAt: d.receivedAt, nextAttemptAt: d.receivedAt })))
      .onConflictDoNothing({ target: [ingestDeliveries.integrationId, ingestDeliveries.idempotencyKey] })
      .returning({ integrationId: ingestDeliveries.integrationId, idempotencyKey: ingestDeliveries.idempotencyKey });
    for (const r of rows) inserted.add(keyOf(r.integrationId, r.idempotencyKey));
    const already = [...leaders.entries()].filter(([k]) => !inserted.has(k)).map(([, d]) => d);
    if (already.length > 0) {
      const found = await tx
        .select({ integrationId: ingestDeliveries.integrationId, idempotencyKey: ingestDeliveries.idempotencyKey, kind: ingestDeliveries.kind, bodyHash: ingestDeliveries.bodyHash })
        .from(ingestDeliveries)
        .where(or(...already.map((d) => and(eq(ingestDeliveries.integrationId, d.integrationId), eq(ingestDeliveries.idempotencyKey, d.idempotencyKey)))));
      for (const r of found) held.set(keyOf(r.integrationId, r.idempotencyKey), { kind: r.kind, bodyHash: r.bodyHash });
    }
  });
  const firstSeen = new Set<string>();
  return batch.map((d) => {
    const key = keyOf(d.integrationId, d.idempotencyKey);
    const leader = leaders.get(key)!;
    if (inserted.has(key) && !firstSeen.has(key)) {
      firstSeen.add(key);
      return { deliveryId: d.idempotencyKey, duplicate: false };
    }
    // Compared with what the queue holds under the key: the row found, or this batch's own leader.
    const reference = inserted.has(key) ? leader : held.get(key);
    if (!reference) return new HttpError('unavailable', 'The delivery could not be queued; send it again.');
    return reference.kind === d.kind && reference.bodyHash === d.bodyHash ? { deliveryId: d.idempotencyKey, duplicate: true } : new IdempotencyConflict(d.idempotencyKey);
  });
}

/** The group commit in front of the queue; `onQueued` runs after a batch that queued something new. */
export function ingestAdmission(store: Store, log: FastifyBaseLogger, onQueued: () => void, options: IngestAdmissionOptions = {}): GroupCommit<Delivery, IngestAccepted> {
  const unavailable = () => new HttpError('unavailable', 'The store could not queue the delivery just now; nothing was queued. Send it again (the same idempotency key is safe).');
  const write = async (batch: readonly Delivery[]): Promise<(IngestAccepted | Error)[]> => {
    let answers: (IngestAccepted | Error)[];
    try {
      answers = await admitBatch(store.db, batch);
    } catch (e) {
      if (batch.length > 1 && classifyDbError(e) === 'data') {
        // A value the database refuses: each alone, so only that delivery is refused.
        answers = [];
        for (const d of batch) answers.push(await admitBatch(store.db, [d]).then((a) => a[0]!, (err: unknown) => (err instanceof Error && classifyDbError(err) === 'data' ? err : unavailable())));
      } else if (classifyDbError(e) === 'data') {
        answers = [e as Error];
      } else {
        log.warn({ err: e, deliveries: batch.length }, 'a batch of ingest deliveries could not be queued; each was answered 503');
        throw unavailable();
      }
    }
    if (answers.some((a) => !(a instanceof Error) && !a.duplicate)) onQueued();
    return answers;
  };
  return new GroupCommit(write, (d) => d.body.length, options);
}

export type IngestAdmission = GroupCommit<Delivery, IngestAccepted>;
