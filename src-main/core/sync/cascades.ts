/**
 * Cascades (issue 4): deleting a pulled row first deals with the local rows that reference it,
 * as DEPENDENTS (synced-references.ts, derived from the cache schema) says: unprotected dependents
 * are removed, detached or purged; a row still referenced by a row a queued write protects is
 * kept, so the page always commits.
 */
import type Database from 'better-sqlite3';
import { SYNC_TABLES, isSyncTableName, type SyncTableName } from '../../../src-shared/sync/tables';
import type { PendingWrites } from './pending-writes';
import { DEPENDENTS } from './synced-references';
import { q, rowKeySql } from './synced-sql';

export class Cascades {
  private readonly deleteByKey = new Map<SyncTableName, Database.Statement>();

  constructor(private readonly client: Database.Database) {
    for (const table of SYNC_TABLES) {
      this.deleteByKey.set(table.name, client.prepare(`DELETE FROM ${q(table.name)} WHERE ${rowKeySql(table)} IN (SELECT value FROM json_each(?))`));
    }
  }

  /**
   * Deletes rows of `table` by key after dealing with the local rows that reference them. Returns
   * how many rows of `table` went. Rows still referenced afterwards (by a protected row) stay.
   */
  remove(table: string, keys: readonly string[], pending: PendingWrites, changedTables: Set<SyncTableName>): number {
    if (keys.length === 0) return 0;
    const list = JSON.stringify(keys);
    const dependents = isSyncTableName(table) ? (DEPENDENTS[table] ?? []) : [];
    for (const dep of dependents) {
      if (dep.action === 'purge') {
        this.client.prepare(`DELETE FROM ${q(dep.table)} WHERE ${q(dep.column)} IN (SELECT value FROM json_each(?))`).run(list);
        continue;
      }
      const children = this.client.prepare(`SELECT ${q(dep.key)} FROM ${q(dep.table)} WHERE ${q(dep.column)} IN (SELECT value FROM json_each(?))`).pluck().all(list) as string[];
      const free = children.filter((k) => !pending.isRowProtected(dep.table as SyncTableName, k));
      if (free.length === 0) continue;
      if (dep.action === 'remove') {
        this.remove(dep.table, free, pending, changedTables);
      } else {
        const n = this.client.prepare(`UPDATE ${q(dep.table)} SET ${q(dep.column)} = NULL WHERE ${q(dep.key)} IN (SELECT value FROM json_each(?))`).run(JSON.stringify(free)).changes;
        if (n > 0) changedTables.add(dep.table as SyncTableName);
      }
    }
    // A key some remaining (protected) row still points at is kept, so the commit's FK check holds.
    const kept = new Set<string>();
    for (const dep of dependents) {
      if (dep.action === 'purge') continue;
      const still = this.client.prepare(`SELECT DISTINCT ${q(dep.column)} FROM ${q(dep.table)} WHERE ${q(dep.column)} IN (SELECT value FROM json_each(?))`).pluck().all(list) as string[];
      for (const k of still) kept.add(k);
    }
    const doomed = kept.size === 0 ? keys : keys.filter((k) => !kept.has(k));
    if (doomed.length === 0) return 0;
    const deleteByKey = isSyncTableName(table) ? this.deleteByKey.get(table) : undefined;
    const n = deleteByKey
      ? deleteByKey.run(JSON.stringify(doomed)).changes
      : this.client.prepare(`DELETE FROM ${q(table)} WHERE id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(doomed)).changes;
    if (n > 0 && isSyncTableName(table)) changedTables.add(table);
    return n;
  }
}
