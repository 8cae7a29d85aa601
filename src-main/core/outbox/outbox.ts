/**
 * The local half of sync. Every user write appends its mutation here inside the same SQLite
 * transaction as the rows it changes, so a write is either wholly saved and queued for the
 * central store, or not saved at all. Entries are never rewritten; the sync client deletes one
 * only after the server's last-mutation-id covers it.
 */
import type { CacheDb } from '../db/open';
import { ensureClientId } from '../db/open';

/** Bumped when a mutation's argument shape changes; the server accepts this and the previous one. */
export const OUTBOX_SCHEMA_VERSION = 1;

export interface OutboxEntry {
  mutationId: number;
  clientId: string;
  name: string;
  args: unknown;
  schemaVersion: number;
  createdAt: number;
}

export class Outbox {
  private readonly clientId: string;
  private readonly insert;
  private readonly list;

  constructor(private readonly db: CacheDb) {
    this.clientId = ensureClientId(db);
    this.insert = db.$client.prepare(
      `INSERT INTO outbox (client_id, name, args, schema_version, created_at) VALUES (?, ?, ?, ?, ?)`,
    );
    this.list = db.$client.prepare(
      `SELECT mutation_id AS mutationId, client_id AS clientId, name, args, schema_version AS schemaVersion, created_at AS createdAt
         FROM outbox ORDER BY mutation_id`,
    );
  }

  /** Appends a mutation; call only inside the transaction that writes its rows. */
  append(name: string, args: unknown, now: number = Date.now()): number {
    if (!this.db.$client.inTransaction) {
      throw new Error(`Outbox.append(${name}) outside a transaction: the row and its outbox entry must commit together`);
    }
    const info = this.insert.run(this.clientId, name, JSON.stringify(args), OUTBOX_SCHEMA_VERSION, now);
    return Number(info.lastInsertRowid);
  }

  pending(): OutboxEntry[] {
    return (this.list.all() as (Omit<OutboxEntry, 'args'> & { args: string })[]).map((row) => ({
      ...row,
      args: JSON.parse(row.args) as unknown,
    }));
  }
}
