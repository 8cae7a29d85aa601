/**
 * Snapshot tracking (issue 4): a snapshot (first sync, reset, or a targeted re-pull) records the
 * keys it received in TEMP tables, for the tables that held rows when it began; on its last page,
 * rows of those tables it did not receive are handed back to be deleted (unless a queued write
 * protects them). Tables that were empty when it began need no tracking, which keeps the initial
 * sync of an empty cache to one statement a row. The TEMP tables live and die with the sync
 * thread's connection.
 */
import type Database from 'better-sqlite3';
import { SYNC_TABLES, type SyncTableName } from '../../../src-shared/sync/tables';
import { q, rowKeySql } from './synced-sql';

/** A snapshot under way: which tables it covers and which of them track received keys. */
export interface SnapshotPlan {
  tables: SyncTableName[];
  tracked: Set<SyncTableName>;
}

/** A row the snapshot did not receive: its key, and its customer for contact tables. */
export interface UnreceivedRow {
  k: string;
  c?: string;
}

const seenTable = (table: SyncTableName) => `temp.${q(`sb_seen_${table}`)}`;

export class SnapshotTracking {
  private readonly seenInsert = new Map<SyncTableName, Database.Statement>();

  constructor(private readonly client: Database.Database) {}

  /**
   * Prepares a snapshot of `tables`: tables that hold rows now get a TEMP table of received keys
   * (emptied if one is left from before); empty tables need none.
   */
  begin(tables: readonly SyncTableName[]): SnapshotPlan {
    const tracked = new Set<SyncTableName>();
    for (const name of tables) {
      const hasRows = this.client.prepare(`SELECT EXISTS (SELECT 1 FROM ${q(name)})`).pluck().get() === 1;
      if (!hasRows) continue;
      tracked.add(name);
      this.client.exec(`CREATE TEMP TABLE IF NOT EXISTS ${q(`sb_seen_${name}`)} (k TEXT PRIMARY KEY) WITHOUT ROWID`);
      this.client.exec(`DELETE FROM ${seenTable(name)}`);
    }
    return { tables: [...tables], tracked };
  }

  /** The statement that records a received key of `table` (bind the key); for tracked tables only. */
  recorder(table: SyncTableName): Database.Statement {
    let stmt = this.seenInsert.get(table);
    if (!stmt) {
      stmt = this.client.prepare(`INSERT OR IGNORE INTO ${seenTable(table)} (k) VALUES (?)`);
      this.seenInsert.set(table, stmt);
    }
    return stmt;
  }

  /**
   * The snapshot's last page: for each tracked table, children before parents, hands the rows it did
   * not receive to `drop` (which deletes those no queued write protects and says how many went);
   * then forgets the received keys. `contactTables` are read with their customer id.
   */
  finish(snapshot: SnapshotPlan, contactTables: ReadonlySet<SyncTableName>, drop: (table: SyncTableName, rows: UnreceivedRow[]) => number): number {
    let removed = 0;
    for (let i = SYNC_TABLES.length - 1; i >= 0; i--) {
      const table = SYNC_TABLES[i];
      if (!table || !snapshot.tracked.has(table.name) || !snapshot.tables.includes(table.name)) continue;
      const keyExpr = rowKeySql(table);
      const withCustomer = contactTables.has(table.name);
      const rows = this.client
        .prepare(`SELECT ${keyExpr} AS k${withCustomer ? ', customer_id AS c' : ''} FROM ${q(table.name)} WHERE ${keyExpr} NOT IN (SELECT k FROM ${seenTable(table.name)})`)
        .all() as UnreceivedRow[];
      removed += drop(table.name, rows);
    }
    for (const name of snapshot.tracked) this.client.exec(`DELETE FROM ${seenTable(name)}`);
    return removed;
  }
}
