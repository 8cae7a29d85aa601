/**
 * Settles a pushed batch of outbox entries, in mutation-id order, for one workstation cache
 * (README "Sync", "Push"):
 *
 * - id ≤ the client's last_mutation_id, and the write logged under that id (same name and
 *   workstation time) → `duplicate` (a retry after a lost response: nothing is done twice); a
 *   different write → `id_reused` (a cache restored from an older copy handed the id out again:
 *   nothing is done, the client gives it an id after last_mutation_id and sends it again);
 * - id > last_mutation_id + 1 → `not_applied`, with every later one (a gap: send the missing first);
 * - otherwise, in ONE transaction: lock the clients row (`SELECT … FOR UPDATE`), check the id
 *   again (a concurrent push may have settled it meanwhile: the same entry → `duplicate`, another
 *   entry under that id → `id_reused`, compared the same way as above), apply, bump
 *   last_mutation_id, log it in mutation_log as applied → `applied`.
 * - "The same write" is the same content hash (name, version, workstation time and arguments;
 *   issue 18, item 13); rows logged before the hash existed compare by name and time.
 * - A permanent failure (arguments that do not parse for the name and version, an unknown name or
 *   version, a row it refers to that the store does not have) rolls the apply back; a fresh
 *   transaction still bumps the id and logs it as rejected with its reason → `rejected`.
 * - A database error caused by the entry's data (SQLSTATE class 22 or 23: a value it cannot store, a
 *   constraint it breaks) is permanent too: sending it again would fail again (db/db-errors.ts).
 * - Anything else (the database went away, a serialization failure, a bug) is transient: it is
 *   thrown, the batch stops there, and the client sends it again later; what was settled before
 *   stays settled and comes back as duplicates.
 *
 * Authors (issue 5; issue 18, item 1): each entry is applied as the user who saved it (`userId`;
 * an entry without one counts as the workstation's last signed-in user, else its registering
 * user). A workstation token speaks for the machine, not for a person, so that user must be one
 * the store has seen sign in online on this workstation (workstation_users) and whose role has
 * the permission its mutation declares (`MUTATIONS[name].permission`); anyone else gets the entry rejected `forbidden` (permanent, the
 * entries behind it go on). The stored author (`agent_id`, the audit log, mutation_log) is that
 * user as the store knows them: the free-text `agentId` an entry carries is never stored.
 * A user disabled since the entry was saved still has it applied — it was saved while they were
 * allowed — and the audit log flags it (`write_by_disabled_user`) in the same transaction.
 */
import { createHash } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { can, ROLE_LABELS } from '../../../src-shared/auth/permissions';
import type { PushedMutation, PushOutcome, PushResponse } from '../../../src-shared/contracts/sync-protocol';
import { changedContactFields, MUTATIONS, parseMutationArgs, type ParsedMutation } from '../../../src-shared/sync/mutations';
import { AppError, missingCaseError, type ErrorCode } from '../../../src-shared/result';
import { recordAudit } from '../audit/audit';
import { classifyDbError, dataFailureMessage, sqlState } from '../db/db-errors';
import { usersByIdOn, type StoreUser } from '../auth/workstation-users';
import type { KnownWorkstation } from '../auth/workstations';
import type { StoreDb } from '../db/connect';
import { clients, mutationLog } from '../db/schema';
import { refuseTimesAhead } from './entry-times';
import { applyMutation } from './mutations/apply';
import { MutationRefused, type StoreTx } from './mutations/refusal';

export interface PushBatch {
  /** The workstation's cache id: the workstation's own id (the route checks it). */
  clientId: string;
  /** The workstation pushing (its token's). */
  workstation: KnownWorkstation;
  mutations: readonly PushedMutation[];
}

type Author = StoreUser;

/** Who saved each entry, as far as the store knows them, and whether they signed in on this workstation. */
type Authors = ReadonlyMap<string, Author>;

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
  /** Someone else settled this id first (the same entry or another); `last` is the client's last_mutation_id now. */
  | { status: 'resent'; outcome: PushOutcome; last: number }
  | { status: 'gap'; last: number };

export async function settlePushBatch(batch: PushBatch, settings: PushSettings): Promise<PushResponse> {
  const sorted = [...batch.mutations].sort((a, b) => a.id - b.id);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.id === sorted[i - 1]!.id) {
      throw new AppError('invalid_input', `Mutation id ${sorted[i]!.id} appears twice in this push; send each entry once.`, 'mutations');
    }
  }
  let last = await bindClient(settings.db, batch.clientId, batch.workstation.id);
  const authors = await usersByIdOn(settings.db, batch.workstation.id, sorted.map((m) => authorOf(batch, m)));
  const results: PushOutcome[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const m = sorted[i]!;
    if (m.id <= last) {
      results.push(await resentOutcome(settings.db, batch.clientId, m));
      continue;
    }
    const settled = m.id === last + 1 ? await settleOne(settings, batch, m, authors) : { status: 'gap' as const, last };
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
      case 'resent':
        results.push(settled.outcome);
        last = settled.last;
        break;
      default:
        throw missingCaseError(settled);
    }
  }
  return { lastMutationId: last, results };
}

/**
 * The answer for an entry at or below the client's last id. Another write given the same id (a
 * cache restored from an older copy, or two pushes racing with different entries) is `id_reused`:
 * compared by content hash, a row from before the hash by name and the workstation's timestamp; an
 * id with no log row counts as the same (nothing to tell them apart by). The same write again gets
 * the answer it had: `duplicate` when applied, the same `rejected` when refused. `db` may be the
 * push transaction (issue 18, items 3 and 13).
 */
async function resentOutcome(db: StoreDb | StoreTx, clientId: string, m: PushedMutation): Promise<PushOutcome> {
  const [row] = await db
    .select({
      name: mutationLog.name,
      createdAt: mutationLog.clientCreatedAt,
      contentHash: mutationLog.contentHash,
      outcome: mutationLog.outcome,
      code: mutationLog.errorCode,
      message: mutationLog.errorMessage,
    })
    .from(mutationLog)
    .where(and(eq(mutationLog.clientId, clientId), eq(mutationLog.mutationId, m.id)))
    .limit(1);
  if (!row) return { id: m.id, status: 'duplicate' };
  const same = row.contentHash !== null ? row.contentHash === contentHash(m) : row.name === m.name && Number(row.createdAt) === m.createdAt;
  if (!same) return { id: m.id, status: 'id_reused' };
  // A refused entry sent again (its first answer lost) is refused again: the workstation must
  // still learn it, or the refusal never reaches "needs attention" (issue 18, item 3).
  if (row.outcome === 'rejected') {
    return { id: m.id, status: 'rejected', code: (row.code ?? 'invalid_input') as ErrorCode, message: row.message ?? 'The central store refused this change.' };
  }
  return { id: m.id, status: 'duplicate' };
}

/** Settled by someone else meanwhile (m.id ≤ last): the answer that write had, or `id_reused`. */
async function settledMeanwhile(tx: StoreTx, clientId: string, m: PushedMutation, last: number): Promise<Settled> {
  return { status: 'resent', outcome: await resentOutcome(tx, clientId, m), last };
}

/** JSON with every object's keys sorted: the same value always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The entry's content hash: what it is, not which id or author it came with. */
function contentHash(m: PushedMutation): string {
  return createHash('sha256').update(canonicalJson([m.name, m.schemaVersion, m.createdAt, m.args])).digest('hex');
}

/** The user an entry is applied as: its own, else the workstation's last or registering user. */
function authorOf(batch: PushBatch, m: PushedMutation): string {
  return m.userId ?? batch.workstation.lastUserId ?? batch.workstation.registeredBy;
}

/**
 * The client's row, made on its first push and tied to the workstation. Rows from before
 * workstations (bound to the user who first pushed) are adopted by the workstation of the same
 * id: whoever signs in on it, its queue is its own.
 */
async function bindClient(db: StoreDb, clientId: string, workstationId: string): Promise<number> {
  await db
    .insert(clients)
    .values({ clientId, workstationId })
    .onConflictDoUpdate({ target: clients.clientId, set: { workstationId: sql`excluded.workstation_id` }, setWhere: isNull(clients.workstationId) });
  const [row] = await db.select({ last: clients.lastMutationId }).from(clients).where(eq(clients.clientId, clientId));
  if (!row) throw new Error(`clients row ${clientId} vanished right after it was made`);
  return Number(row.last);
}

/** The author when they may make this change from this workstation, else why not. */
function checkAuthor(
  author: Author | undefined,
  authorId: string,
  workstation: KnownWorkstation,
  m: ParsedMutation,
): { ok: true; author: Author } | { ok: false; refusal: MutationRefused } {
  if (!author) {
    return { ok: false, refusal: new MutationRefused('forbidden', `The user who saved this change (${authorId}) is not known to the central store, so it was not saved there.`) };
  }
  if (!author.signedInThere) {
    const refusal = new MutationRefused(
      'forbidden',
      `${author.username} has never signed in on this workstation (${workstation.name}) while it was connected to the central store, so it cannot save changes as them; this change was not saved there.`,
    );
    return { ok: false, refusal };
  }
  const needs = MUTATIONS[m.name].permission;
  if (!can(author.role, needs)) {
    const refusal = new MutationRefused(
      'forbidden',
      `${author.username}’s role (${ROLE_LABELS[author.role]}) does not allow this change (it needs the “${needs}” permission), so it was not saved on the central store.`,
    );
    return { ok: false, refusal };
  }
  return { ok: true, author };
}

/**
 * The entry as the store applies it: every row it writes names the user the store resolved
 * (their user name, as the workstation's own rows do), whatever `agentId` the entry carried.
 */
function authoredBy(m: ParsedMutation, author: Author): ParsedMutation {
  if (!('agentId' in m.args)) return m;
  return { ...m, args: { ...m.args, agentId: author.username } } as ParsedMutation;
}

/** The audit entries an applied change brings, written in its transaction. */
async function auditApplied(tx: StoreTx, batch: PushBatch, m: ParsedMutation, mutationId: number, author: Author, now: number): Promise<void> {
  const who = { userId: author.id, username: author.username, workstationId: batch.workstation.id, workstationName: batch.workstation.name };
  if (!author.active) {
    await recordAudit(tx, {
      at: now,
      ...who,
      action: 'write_by_disabled_user',
      subject: author.username,
      detail: `A ${m.name} saved by ${author.username} before they were disabled was delivered and applied (entry ${mutationId}).`,
    });
  }
  if (m.name === 'customer.update_contact') {
    await recordAudit(tx, {
      at: now,
      ...who,
      action: 'contact_changed',
      subject: m.args.customerId,
      detail: `Changed ${changedContactFields(m.args.changes).join(', ')}.`,
    });
  }
}

async function settleOne(settings: PushSettings, batch: PushBatch, m: PushedMutation, authors: Authors): Promise<Settled> {
  const authorId = authorOf(batch, m);
  const known = authors.get(authorId);
  // A refusal is logged as the entry's author's only when that may be them: never for a user not seen here.
  const credited = known?.signedInThere ? known : undefined;
  const parsed = parseMutationArgs(m.name, m.schemaVersion, m.args);
  if (!parsed.ok) return reject(settings, batch, m, credited, new MutationRefused(parsed.error.code, parsed.error.message));
  const allowed = checkAuthor(known, authorId, batch.workstation, parsed.value);
  if (!allowed.ok) return reject(settings, batch, m, credited, allowed.refusal);
  const { author } = allowed;
  const authored = authoredBy(parsed.value, author);
  const now = settings.clock();
  const timesAhead = refuseTimesAhead(m, parsed.value, now);
  if (timesAhead) return reject(settings, batch, m, author, timesAhead);
  try {
    return await settings.db.transaction(async (tx): Promise<Settled> => {
      const last = await lockClient(tx, batch.clientId);
      if (m.id !== last + 1) return m.id <= last ? settledMeanwhile(tx, batch.clientId, m, last) : { status: 'gap', last };
      await applyMutation(
        {
          tx,
          now,
          savedAt: m.createdAt,
          authorRole: author.role,
          author: { id: author.id, username: author.username, role: author.role },
          workstation: { id: batch.workstation.id, name: batch.workstation.name },
        },
        authored,
      );
      await auditApplied(tx, batch, authored, m.id, author, now);
      await settle(tx, batch, m, author.id, now, { outcome: 'applied' });
      return { status: 'applied' };
    });
  } catch (e) {
    if (e instanceof MutationRefused) return reject(settings, batch, m, author, e);
    // The database refused this entry's data (a value it cannot store, a constraint): sending it
    // again fails again and would hold every later entry behind it (issue 18, item 3).
    if (classifyDbError(e) === 'data') return reject(settings, batch, m, author, new MutationRefused('invalid_input', dataFailureMessage(sqlState(e) ?? '22000')));
    throw e;
  }
}

/** Records a permanent failure in a transaction of its own (the apply, if any, was rolled back). */
async function reject(settings: PushSettings, batch: PushBatch, m: PushedMutation, author: Author | undefined, refusal: MutationRefused): Promise<Settled> {
  const now = settings.clock();
  const message = refusal.message.slice(0, MESSAGE_MAX);
  return settings.db.transaction(async (tx): Promise<Settled> => {
    const last = await lockClient(tx, batch.clientId);
    if (m.id !== last + 1) return m.id <= last ? settledMeanwhile(tx, batch.clientId, m, last) : { status: 'gap', last };
    await settle(tx, batch, m, author?.id ?? null, now, { outcome: 'rejected', code: refusal.code, message });
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
  userId: string | null,
  now: number,
  outcome: { outcome: 'applied' } | { outcome: 'rejected'; code: ErrorCode; message: string },
): Promise<void> {
  await tx.update(clients).set({ lastMutationId: m.id }).where(eq(clients.clientId, batch.clientId));
  await tx.insert(mutationLog).values({
    clientId: batch.clientId,
    mutationId: m.id,
    userId,
    name: m.name,
    schemaVersion: m.schemaVersion,
    outcome: outcome.outcome,
    errorCode: outcome.outcome === 'rejected' ? outcome.code : null,
    errorMessage: outcome.outcome === 'rejected' ? outcome.message : null,
    clientCreatedAt: m.createdAt,
    contentHash: contentHash(m),
    settledAt: now,
  });
}
