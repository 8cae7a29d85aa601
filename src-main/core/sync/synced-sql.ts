/**
 * SQL text the pull side shares (page applier, snapshot tracking, cascades): a quoted name, and a
 * synced row's key as SQLite computes it, equal to rowKey (src-shared/sync/tables.ts) on the wire.
 */
import type { SyncTable } from '../../../src-shared/sync/tables';

/** A table or column name as a quoted SQL identifier. */
export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** SQL for a row's key: its key column, or the key columns joined by SYNC_KEY_SEPARATOR. */
export function rowKeySql(table: SyncTable): string {
  return table.key.length === 1 ? q(table.key[0] as string) : table.key.map(q).join(` || '|' || `);
}
