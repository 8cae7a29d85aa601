/**
 * PushQueue: the push side's repository over the outbox and the refused writes (sync_rejections).
 * An outbox entry is deleted only once the store's `lastMutationId` covers it, and in the same
 * transaction the entries the store refused for good are recorded, so a crash can neither lose a
 * write nor lose the news that it was refused.
 */
import type Database from 'better-sqlite3';
import type { PushOutcome, PushedMutation } from '../../../src-shared/contracts/sync-protocol';
import type { SyncRejection } from '../../../src-shared/contracts/sync';

export interface SettledPush {
  deleted: number;
  rejected: number;
}

export class PushQueue {
  private readonly batchStmt: Database.Statement;
  private readonly countStmt: Database.Statement;
  private readonly deleteCovered: Database.Statement;
  private readonly recordRejection: Database.Statement;
  private readonly entryStmt: Database.Statement;
  private readonly rejectionsStmt: Database.Statement;
  private readonly dismissStmt: Database.Statement;

  constructor(private readonly client: Database.Database) {
    this.batchStmt = client.prepare(
      `SELECT mutation_id AS id, name, args, schema_version AS schemaVersion, created_at AS createdAt, user_id AS userId FROM outbox ORDER BY mutation_id LIMIT ?`,
    );
    this.countStmt = client.prepare(`SELECT count(*) FROM outbox`).pluck();
    this.deleteCovered = client.prepare(`DELETE FROM outbox WHERE mutation_id <= ?`);
    this.entryStmt = client.prepare(`SELECT name, args, schema_version AS schemaVersion, created_at AS createdAt FROM outbox WHERE mutation_id = ?`);
    this.recordRejection = client.prepare(
      `INSERT INTO sync_rejections (mutation_id, name, args, schema_version, created_at, code, message, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.rejectionsStmt = client.prepare(
      `SELECT mutation_id AS mutationId, name, code, message, at FROM sync_rejections WHERE dismissed_at IS NULL ORDER BY at DESC, id DESC LIMIT ?`,
    );
    this.dismissStmt = client.prepare(`UPDATE sync_rejections SET dismissed_at = ? WHERE mutation_id = ? AND dismissed_at IS NULL`);
  }

  /** The oldest `limit` queued entries, in mutation-id order, as the push request carries them. */
  batch(limit: number): PushedMutation[] {
    const rows = this.batchStmt.all(limit) as { id: number; name: string; args: string; schemaVersion: number; createdAt: number; userId: string | null }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      args: parseArgs(r.args),
      schemaVersion: r.schemaVersion,
      createdAt: r.createdAt,
      // Who saved it; entries from before sign-in existed carry none (the store attributes them).
      ...(r.userId ? { userId: r.userId } : {}),
    }));
  }

  count(): number {
    return this.countStmt.get() as number;
  }

  /**
   * Records the refusals among `results` and deletes every entry up to `lastMutationId`, in one
   * transaction. `at` is when the store refused them (its clock when known).
   */
  settle(lastMutationId: number, results: readonly PushOutcome[], at: number): SettledPush {
    return this.client.transaction((): SettledPush => {
      let rejected = 0;
      for (const outcome of results) {
        if (outcome.status !== 'rejected' || outcome.id > lastMutationId) continue;
        const entry = this.entryStmt.get(outcome.id) as { name: string; args: string; schemaVersion: number; createdAt: number } | undefined;
        // Recorded only while the entry is queued: a retried push whose first answer was settled records nothing twice.
        if (!entry) continue;
        rejected += this.recordRejection.run(outcome.id, entry.name, entry.args, entry.schemaVersion, entry.createdAt, outcome.code, outcome.message, at).changes;
      }
      const deleted = this.deleteCovered.run(lastMutationId).changes;
      return { deleted, rejected };
    }).immediate();
  }

  /**
   * Records an entry the store would not even take into a push request (it answered 400 or 413 for
   * a batch of that entry alone) and takes it off the queue, so the entries behind it can go.
   */
  refuseLocally(mutationId: number, code: string, message: string, at: number): boolean {
    return this.client.transaction((): boolean => {
      const entry = this.entryStmt.get(mutationId) as { name: string; args: string; schemaVersion: number; createdAt: number } | undefined;
      if (!entry) return false;
      this.recordRejection.run(mutationId, entry.name, entry.args, entry.schemaVersion, entry.createdAt, code, message, at);
      this.client.prepare(`DELETE FROM outbox WHERE mutation_id = ?`).run(mutationId);
      return true;
    }).immediate();
  }

  /**
   * Renumbers the queued entries to follow on from `lastSettled` (the store's last mutation id for
   * this client), keeping their order, and makes new entries continue after them. Only for a store
   * that has never seen the queued ids (a new or restored store at the same address): the ids are
   * the store's duplicate check, and it has none of these. Returns how far the ids moved.
   */
  renumberAfter(lastSettled: number): number {
    return this.client.transaction((): number => {
      const first = this.client.prepare(`SELECT min(mutation_id) FROM outbox`).pluck().get() as number | null;
      if (first === null || first <= lastSettled + 1) return 0;
      const shift = first - (lastSettled + 1);
      // Through negative ids, so no row collides with one not yet moved.
      this.client.prepare(`UPDATE outbox SET mutation_id = -mutation_id`).run();
      this.client.prepare(`UPDATE outbox SET mutation_id = -mutation_id - ?`).run(shift);
      this.client.prepare(`UPDATE sqlite_sequence SET seq = (SELECT coalesce(max(mutation_id), ?) FROM outbox) WHERE name = 'outbox'`).run(lastSettled);
      return shift;
    }).immediate();
  }

  /**
   * Moves the entries from `fromId` on to the ids after `lastSettled` (the store settled other
   * writes under their ids: this cache was restored from an older copy). Returns how far they moved.
   */
  moveAbove(fromId: number, lastSettled: number): number {
    return this.client.transaction((): number => {
      const shift = lastSettled + 1 - fromId;
      if (shift <= 0) return 0;
      // Through negative ids, so no row collides with one not yet moved.
      this.client.prepare(`UPDATE outbox SET mutation_id = -mutation_id WHERE mutation_id >= ?`).run(fromId);
      this.client.prepare(`UPDATE outbox SET mutation_id = -mutation_id + ? WHERE mutation_id < 0`).run(shift);
      this.client.prepare(`UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(mutation_id), 0) FROM outbox)) WHERE name = 'outbox'`).run();
      return shift;
    }).immediate();
  }

  /** Refused writes a person has not dismissed, newest first. */
  rejections(limit = 200): SyncRejection[] {
    return this.rejectionsStmt.all(limit) as SyncRejection[];
  }

  dismiss(mutationId: number, now: number): boolean {
    return this.dismissStmt.run(now, mutationId).changes > 0;
  }
}

function parseArgs(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Sent as it is: the store refuses it with a reason, and the queue moves on.
    return text;
  }
}
