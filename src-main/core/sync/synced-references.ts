/**
 * What the cache's drizzle schema (src-main/core/db/schema.ts) says about the synced tables'
 * neighbours, derived once so a new foreign key or UNIQUE index needs no second list (issue 20):
 *
 * - DEPENDENTS: the local rows that reference a synced table through a foreign key SQLite does not
 *   handle alone when a pulled row is deleted (cascades.ts). A reference from a table sync does
 *   not carry is derived data: `purge` it. A NOT NULL reference: `remove` the dependent too (with
 *   its own dependents). A nullable one: `detach` it (set it to NULL). An ON DELETE CASCADE
 *   reference from a table nothing references (phones, emails, addresses, product relations) is
 *   left to SQLite; one from a table others reference (orders, order lines) is removed here, so its
 *   own dependents are dealt with first.
 * - OTHER_UNIQUE: the UNIQUE indexes of a synced table besides its key, which a pulled row can
 *   collide with (a local row with another id but the same SKU, say).
 * - CODE_LISTS: the local code lists (not synced) a synced column references, such as a call's
 *   disposition code: a pulled code this cache lacks is added, inactive, so the reference holds.
 */
import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as schema from '../db/schema';
import { SYNC_TABLES, syncTable, isSyncTableName, type SyncTableName } from '../../../src-shared/sync/tables';

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

/** A synced table's column that names a row of a local code list (keyed by `code`). */
export interface CodeListReference {
  readonly column: string;
  readonly list: string;
}

function codeListsOf(tables: readonly TableConfig[]): Partial<Record<SyncTableName, CodeListReference>> {
  const result: Partial<Record<SyncTableName, CodeListReference>> = {};
  for (const table of tables) {
    if (!isSyncTableName(table.name)) continue;
    for (const fk of table.foreignKeys) {
      const ref = fk.reference();
      const list = getTableConfig(ref.foreignTable).name;
      if (isSyncTableName(list)) continue;
      const [column] = ref.columns;
      if (ref.columns.length !== 1 || !column || ref.foreignColumns[0]?.name !== 'code') throw new Error(`${table.name} references the local table ${list} other than by its code.`);
      if (result[table.name]) throw new Error(`${table.name} references more than one local code list.`);
      result[table.name] = { column: column.name, list };
    }
  }
  return result;
}

/** The local code list each synced table references, if any (see above). */
export const CODE_LISTS: Readonly<Partial<Record<SyncTableName, CodeListReference>>> = codeListsOf(CACHE_TABLES);
