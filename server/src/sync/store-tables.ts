/**
 * The synced tables as the central store holds them: each SYNC_TABLES entry (src-shared) joined to
 * its drizzle table, with the PostgreSQL type of every synced column. Pull needs the types to cast
 * cursor keys and change-log keys (uuid keys are compared as uuid so the primary-key index serves
 * the keyset); the bulk loader needs them to cast its unnest arrays.
 *
 * Checked when the module loads: a synced column missing from the server schema stops the server
 * at start, not at the first pull.
 */
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { SYNC_TABLES, type SyncTable, type SyncTableName } from '../../../src-shared/sync/tables';
import * as schema from '../db/schema';

export interface StoreTable {
  readonly sync: SyncTable;
  readonly table: PgTable;
  /** PostgreSQL type of each synced column, in SYNC_TABLES column order (`uuid`, `text`, `integer`, `bigint`, `boolean`). */
  readonly sqlTypes: readonly string[];
  /** PostgreSQL type of each key column, in key order. */
  readonly keySqlTypes: readonly string[];
}

function describeStoreTables(): ReadonlyMap<SyncTableName, StoreTable> {
  const byName = new Map<string, { table: PgTable; types: Map<string, string> }>();
  for (const candidate of Object.values(schema)) {
    if (!is(candidate, PgTable)) continue;
    const config = getTableConfig(candidate);
    byName.set(config.name, { table: candidate, types: new Map(config.columns.map((c) => [c.name, c.getSQLType()])) });
  }
  const tables = new Map<SyncTableName, StoreTable>();
  for (const sync of SYNC_TABLES) {
    const found = byName.get(sync.name);
    if (!found) throw new Error(`The server schema has no table ${sync.name}, which sync carries.`);
    const typeOf = (column: string): string => {
      const type = found.types.get(column);
      if (!type) throw new Error(`The server table ${sync.name} has no column ${column}, which sync carries.`);
      return type;
    };
    tables.set(sync.name, { sync, table: found.table, sqlTypes: sync.columns.map((c) => typeOf(c.name)), keySqlTypes: sync.key.map(typeOf) });
  }
  return tables;
}

const STORE_TABLES = describeStoreTables();

export function storeTable(name: SyncTableName): StoreTable {
  const table = STORE_TABLES.get(name);
  if (!table) throw new Error(`No synced table named ${name}`);
  return table;
}
