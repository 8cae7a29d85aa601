/**
 * PendingWrites: the rows this workstation has written and not yet had confirmed by the central
 * store (their outbox entries are still queued). A pulled page never overwrites or deletes one of
 * them: the store's copy predates the local write, and the store's answer to the write arrives
 * later as a change of its own. What a mutation writes is declared once, beside its argument
 * schema (src-shared/sync/mutations: rowsWrittenBy, contactSetsReplacedBy).
 */
import type Database from 'better-sqlite3';
import { contactSetsReplacedBy, rowsWrittenBy } from '../../../src-shared/sync/mutations';
import type { SyncTableName } from '../../../src-shared/sync/tables';

export type ContactSetTable = 'customer_phones' | 'customer_emails' | 'customer_addresses';

export class PendingWrites {
  private readonly rows = new Map<SyncTableName, Set<string>>();
  private readonly contactSets = new Map<ContactSetTable, Set<string>>();
  private size = 0;

  static readonly none = new PendingWrites();

  /** Reads every queued outbox entry. Entries whose arguments do not parse protect nothing (the store will refuse them). */
  static load(client: Database.Database): PendingWrites {
    const pending = new PendingWrites();
    const entries = client.prepare(`SELECT name, args, schema_version AS v FROM outbox ORDER BY mutation_id`).all() as { name: string; args: string; v: number }[];
    for (const entry of entries) {
      let args: unknown;
      try {
        args = JSON.parse(entry.args);
      } catch {
        continue;
      }
      for (const row of rowsWrittenBy(entry.name, args, entry.v)) pending.addRow(row.table, row.key);
      for (const set of contactSetsReplacedBy(entry.name, args, entry.v)) pending.addContactSet(set.table, set.customerId);
    }
    return pending;
  }

  addRow(table: SyncTableName, key: string): void {
    let keys = this.rows.get(table);
    if (!keys) this.rows.set(table, (keys = new Set()));
    keys.add(key);
    this.size++;
  }

  addContactSet(table: ContactSetTable, customerId: string): void {
    let ids = this.contactSets.get(table);
    if (!ids) this.contactSets.set(table, (ids = new Set()));
    ids.add(customerId);
    this.size++;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  hasRows(table: SyncTableName): boolean {
    return (this.rows.get(table)?.size ?? 0) > 0;
  }

  hasContactSets(table: SyncTableName): boolean {
    return (this.contactSets.get(table as ContactSetTable)?.size ?? 0) > 0;
  }

  isRowProtected(table: SyncTableName, key: string): boolean {
    return this.rows.get(table)?.has(key) ?? false;
  }

  /** True when a queued entry sets this customer's whole list of rows in `table`. */
  isContactSetProtected(table: SyncTableName, customerId: unknown): boolean {
    return typeof customerId === 'string' && (this.contactSets.get(table as ContactSetTable)?.has(customerId) ?? false);
  }
}
