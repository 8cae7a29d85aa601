/**
 * What deleting a pulled row does to the local rows around it (issue 4), derived from the cache's
 * drizzle schema (src-main/core/db/schema.ts) so a new foreign key or UNIQUE index is handled
 * without a second list to keep (issue 20):
 *
 * - DEPENDENTS: the local rows that reference a synced table through a foreign key SQLite does not
 *   handle alone. A reference from a table sync does not carry is derived data: `purge` it. A
 *   NOT NULL reference: `remove` the dependent too (with its own dependents). A nullable one:
 *   `detach` it (set it to NULL). An ON DELETE CASCADE reference from a table nothing references
 *   (phones, emails, addresses, product relations) is left to SQLite; one from a table others
 *   reference (orders, order lines) is removed here, so its own dependents are dealt with first.
 * - OTHER_UNIQUE: the UNIQUE indexes of a synced table besides its key, which a pulled row can
 *   collide with (a local row with another id but the same SKU, say).
 *
 * A row still referenced by a row a queued write protects is kept, so the page always commits.
 */
import type Database from 'better-sqlite3';
import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as schema from '../db/schema';
import { SYNC_TABLES, syncTable, isSyncTableName, type SyncTableName } from '../../../src-shared/sync/tables';
import type { PendingWrites } from './pending-writes';
import { q, rowKeySql } from './synced-sql';

export type DependentAction = 'remove' | 'detach' | 'purge';

export interface Dependent {
  /** The referencing table, */
  readonly table: string;
  /** its referencing column, */
  readonly column: string;
  /** and the column that names its rows (its sync key, or its primary key's first column). */
  readonly key: string;
  readonly action: DependentAction;
}

type TableConfig = ReturnType<typeof getTableConfig>;

const CACHE_TABLES: readonly TableConfig[] = (Object.values(schema) as unknown[]).flatMap((value) => (is(value, SQLiteTable) ? [getTableConfig(value)] : []));

const ACTION_ORDER: readonly DependentAction[] = ['remove', 'detach', 'purge'];
const syncOrder = (table: string) => (isSyncTableName(table) ? SYNC_TABLES.findIndex((t) => t.name === table) : SYNC_TABLES.length);

function dependentsOf(tables: readonly TableConfig[]): Partial<Record<SyncTableName, readonly Dependent[]>> {
  const references = tables.flatMap((child) =>
    child.foreignKeys.map((fk) => {
      const ref = fk.reference();
      const [column, ...more] = ref.columns;
      if (!column || more.length > 0) throw new Error(`${child.name}: only single-column foreign keys are handled when a synced row is deleted.`);
      return { child, column, target: getTableConfig(ref.foreignTable).name, onDelete: fk.onDelete };
    }),
  );
  const referenced = new Set(references.map((r) => r.target));
  const result: Partial<Record<SyncTableName, Dependent[]>> = {};
  for (const ref of references) {
    if (!isSyncTableName(ref.target)) continue;
    const synced = isSyncTableName(ref.child.name);
    if (synced && ref.onDelete === 'cascade' && !referenced.has(ref.child.name)) continue;
    const action: DependentAction = !synced ? 'purge' : ref.column.notNull ? 'remove' : 'detach';
    const key = synced ? keyColumn(ref.child.name as SyncTableName) : primaryKeyColumn(ref.child);
    (result[ref.target] ??= []).push({ table: ref.child.name, column: ref.column.name, key, action });
  }
  for (const list of Object.values(result)) {
    list.sort((a, b) => ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action) || syncOrder(a.table) - syncOrder(b.table) || a.table.localeCompare(b.table));
  }
  return result;
}

function keyColumn(table: SyncTableName): string {
  const [key, ...more] = syncTable(table).key;
  if (!key || more.length > 0) throw new Error(`${table} references a synced table and has a composite key: deleting its rows by key is not handled.`);
  return key;
}

function primaryKeyColumn(table: TableConfig): string {
  const column = table.primaryKeys[0]?.columns[0] ?? table.columns.find((c) => c.primary);
  if (!column) throw new Error(`${table.name} has no primary key.`);
  return column.name;
}

function otherUniqueOf(tables: readonly TableConfig[]): Partial<Record<SyncTableName, readonly (readonly string[])[]>> {
  const result: Partial<Record<SyncTableName, (readonly string[])[]>> = {};
  for (const table of tables) {
    if (!isSyncTableName(table.name)) continue;
    const key = syncTable(table.name).key.join(',');
    const uniques = [
      ...table.indexes.filter((index) => index.config.unique).map((index) => index.config.columns.map((c) => (c as { name: string }).name)),
      ...table.uniqueConstraints.map((unique) => unique.columns.map((c) => c.name)),
    ].filter((columns) => columns.join(',') !== key);
    if (uniques.length > 0) result[table.name] = uniques;
  }
  return result;
}

/** Local rows that reference each synced table and what deleting a referenced row does to them (see above). */
export const DEPENDENTS: Readonly<Partial<Record<SyncTableName, readonly Dependent[]>>> = dependentsOf(CACHE_TABLES);

/** UNIQUE column sets of each synced table other than its key (see above). */
export const OTHER_UNIQUE: Readonly<Partial<Record<SyncTableName, readonly (readonly string[])[]>>> = otherUniqueOf(CACHE_TABLES);

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
