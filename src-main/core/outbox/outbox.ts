/**
 * The local half of sync. Every user write appends its mutation here inside the same SQLite
 * transaction as the rows it changes, so a write is either wholly saved and queued for the
 * central store, or not saved at all. Entries are never rewritten; the sync client deletes one
 * only after the server's last-mutation-id covers it.
 */
import type { ReadableDb, WritableDb } from '../db/open';
import { ensureClientId } from '../db/open';
import type { MUTATION_SCHEMA_VERSIONS } from '../../../src-shared/contracts/sync-protocol';
import type { MutationArgs, MutationName } from '../../../src-shared/sync/mutations';

/**
 * Bumped when a mutation's argument shape changes; the server accepts this and the previous one.
 * Its type pins it to the protocol's current version, and `append` checks every entry's arguments
 * against that version's schema (src-shared/sync/mutations) at compile time.
 */
export const OUTBOX_SCHEMA_VERSION: typeof MUTATION_SCHEMA_VERSIONS.current = 2;

export interface OutboxEntry {
  mutationId: number;
  clientId: string;
  name: string;
  args: unknown;
  schemaVersion: number;
  createdAt: number;
}

/**
 * Who is acting on each connection: the worker sets it before every call (from the signed-in
 * session the main process passes along), and every entry appended records it. Handlers run
 * synchronously, so one call's actor can never leak into another's writes.
 */
const actors = new WeakMap<object, string | null>();

/** Sets the user id recorded on outbox entries appended through `db` until the next call. */
export function setOutboxActor(db: ReadableDb, userId: string | null): void {
  actors.set(db.$client, userId);
}

export class Outbox {
  private readonly clientId: string;
  private readonly insert;
  private readonly list;

  constructor(private readonly db: WritableDb) {
    this.clientId = ensureClientId(db);
    this.insert = db.$client.prepare(
      `INSERT INTO outbox (client_id, name, args, schema_version, created_at, user_id) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.list = db.$client.prepare(
      `SELECT mutation_id AS mutationId, client_id AS clientId, name, args, schema_version AS schemaVersion, created_at AS createdAt
         FROM outbox ORDER BY mutation_id`,
    );
  }

  /** Appends a mutation; call only inside the transaction that writes its rows. */
  append<N extends MutationName>(name: N, args: MutationArgs<N, typeof OUTBOX_SCHEMA_VERSION>, now: number = Date.now()): number {
    if (!this.db.$client.inTransaction) {
      throw new Error(`Outbox.append(${name}) outside a transaction: the row and its outbox entry must commit together`);
    }
    const info = this.insert.run(this.clientId, name, JSON.stringify(args), OUTBOX_SCHEMA_VERSION, now, actors.get(this.db.$client) ?? null);
    return Number(info.lastInsertRowid);
  }

  pending(): OutboxEntry[] {
    return (this.list.all() as (Omit<OutboxEntry, 'args'> & { args: string })[]).map((row) => ({
      ...row,
      args: JSON.parse(row.args) as unknown,
    }));
  }
}
