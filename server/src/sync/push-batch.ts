/**
 * Settles a pushed batch of outbox entries, in mutation-id order, for one workstation cache
 * (README "Sync", SYNC-BRIEF PUSH):
 *
 * - id ≤ the client's last_mutation_id → `duplicate` (a retry after a lost response: nothing is
 *   done twice);
 * - id > last_mutation_id + 1 → `not_applied`, with every later one (a gap: send the missing first);
 * - otherwise, in ONE transaction: lock the clients row (`SELECT … FOR UPDATE`), check the id
 *   again (a concurrent push of the same entries may have settled it meanwhile), apply, bump
 *   last_mutation_id, log it in mutation_log as applied → `applied`.
 * - A permanent failure (arguments that do not parse for the name and version, an unknown name or
 *   version, a row it refers to that the store does not have) rolls the apply back; a fresh
 *   transaction still bumps the id and logs it as rejected with its reason → `rejected`.
 * - Anything else (the database went away, a serialization failure, a bug) is transient: it is
 *   thrown, the batch stops there, and the client sends it again later; what was settled before
 *   stays settled and comes back as duplicates.
 */
import { eq } from 'drizzle-orm';
import type { PushedMutation, PushOutcome, PushResponse } from '../../../src-shared/contracts/sync-protocol';
import { parseMutationArgs } from '../../../src-shared/sync/mutations';
import { missingCaseError, type ErrorCode } from '../../../src-shared/result';
import type { StoreDb } from '../db/connect';
import { clients, mutationLog } from '../db/schema';
import { HttpError } from '../http/errors';
import { applyMutation } from './mutations/apply';
import { MutationRefused, type StoreTx } from './mutations/refusal';

export interface PushBatch {
  clientId: string;
  /** The signed-in user pushing (the token's). */
  userId: string;
  mutations: readonly PushedMutation[];
}

export interface PushSettings {
  db: StoreDb;
  /** The server's clock: settled_at and every time the store itself stamps. */
  clock: () => number;
  /** Called after each commit that applied a mutation (for the live feed). */
  onApplied?: () => void;
}

/** A stored error message is a sentence, never an unbounded echo of what a client sent. */
const MESSAGE_MAX = 1000;

type Settled =
  | { status: 'applied' }
  | { status: 'rejected'; code: ErrorCode; message: string }
  /** Someone else settled it first; `last` is the client's last_mutation_id now. */
  | { status: 'duplicate'; last: number }
  | { status: 'gap'; last: number };

export async function settlePushBatch(batch: PushBatch, settings: PushSettings): Promise<PushResponse> {
  const sorted = [...batch.mutations].sort((a, b) => a.id - b.id);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.id === sorted[i - 1]!.id) {
      throw new HttpError('invalid_input', `Mutation id ${sorted[i]!.id} appears twice in this push; send each entry once.`, 'mutations');
    }
  }
  let last = await bindClient(settings.db, batch.clientId, batch.userId);
  const results: PushOutcome[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const m = sorted[i]!;
    if (m.id <= last) {
      results.push({ id: m.id, status: 'duplicate' });
      continue;
    }
    const settled = m.id === last + 1 ? await settleOne(settings, batch, m) : { status: 'gap' as const, last };
    if (settled.status === 'gap') {
      for (const rest of sorted.slice(i)) results.push({ id: rest.id, status: 'not_applied' });
      last = settled.last;
      break;
    }
    switch (settled.status) {
      case 'applied':
        results.push({ id: m.id, status: 'applied' });
        last = m.id;
        settings.onApplied?.();
        break;
      case 'rejected':
        results.push({ id: m.id, status: 'rejected', code: settled.code, message: settled.message });
        last = m.id;
        break;
      case 'duplicate':
        results.push({ id: m.id, status: 'duplicate' });
        last = settled.last;
        break;
      default:
        throw missingCaseError(settled);
    }
  }
  return { lastMutationId: last, results };
}

/**
 * The client's row, made on its first push for the signed-in user. A client id is one cache; the
 * same id from another user's session is refused (403) rather than mixing two users' queues.
 */
async function bindClient(db: StoreDb, clientId: string, userId: string): Promise<number> {
  await db.insert(clients).values({ clientId, userId }).onConflictDoNothing({ target: clients.clientId });
  const [row] = await db.select({ userId: clients.userId, last: clients.lastMutationId }).from(clients).where(eq(clients.clientId, clientId));
  if (!row) throw new Error(`clients row ${clientId} vanished right after it was made`);
  if (row.userId !== userId) {
    throw new HttpError(
      'forbidden',
      'This workstation’s changes belong to another user’s session; sign in as that user to send them, or ask an administrator to reset this workstation.',
    );
  }
  return Number(row.last);
}

async function settleOne(settings: PushSettings, batch: PushBatch, m: PushedMutation): Promise<Settled> {
  const parsed = parseMutationArgs(m.name, m.schemaVersion, m.args);
  if (!parsed.ok) return reject(settings, batch, m, new MutationRefused(parsed.error.code, parsed.error.message));
  const now = settings.clock();
  try {
    return await settings.db.transaction(async (tx): Promise<Settled> => {
      const last = await lockClient(tx, batch.clientId);
      if (m.id !== last + 1) return m.id <= last ? { status: 'duplicate', last } : { status: 'gap', last };
      await applyMutation({ tx, now, savedAt: m.createdAt }, parsed.value);
      await settle(tx, batch, m, now, { outcome: 'applied' });
      return { status: 'applied' };
    });
  } catch (e) {
    if (e instanceof MutationRefused) return reject(settings, batch, m, e);
    throw e;
  }
}

/** Records a permanent failure in a transaction of its own (the apply, if any, was rolled back). */
async function reject(settings: PushSettings, batch: PushBatch, m: PushedMutation, refusal: MutationRefused): Promise<Settled> {
  const now = settings.clock();
  const message = refusal.message.slice(0, MESSAGE_MAX);
  return settings.db.transaction(async (tx): Promise<Settled> => {
    const last = await lockClient(tx, batch.clientId);
    if (m.id !== last + 1) return m.id <= last ? { status: 'duplicate', last } : { status: 'gap', last };
    await settle(tx, batch, m, now, { outcome: 'rejected', code: refusal.code, message });
    return { status: 'rejected', code: refusal.code, message };
  });
}

async function lockClient(tx: StoreTx, clientId: string): Promise<number> {
  const [row] = await tx.select({ last: clients.lastMutationId }).from(clients).where(eq(clients.clientId, clientId)).for('update');
  if (!row) throw new Error(`clients row ${clientId} is missing`);
  return Number(row.last);
}

async function settle(
  tx: StoreTx,
  batch: PushBatch,
  m: PushedMutation,
  now: number,
  outcome: { outcome: 'applied' } | { outcome: 'rejected'; code: ErrorCode; message: string },
): Promise<void> {
  await tx.update(clients).set({ lastMutationId: m.id }).where(eq(clients.clientId, batch.clientId));
  await tx.insert(mutationLog).values({
    clientId: batch.clientId,
    mutationId: m.id,
    userId: batch.userId,
    name: m.name,
    schemaVersion: m.schemaVersion,
    outcome: outcome.outcome,
    errorCode: outcome.outcome === 'rejected' ? outcome.code : null,
    errorMessage: outcome.outcome === 'rejected' ? outcome.message : null,
    clientCreatedAt: m.createdAt,
    settledAt: now,
  });
}
