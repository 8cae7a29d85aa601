/**
 * Per-table counts and checksums of the synced tables (GET /sync/checksums): a workstation
 * compares them with the same figures over its cache once it has pulled up to `version`.
 *
 * A table's checksum is the sum over its rows of the first 32 bits of md5(row text), the row text
 * being checksumRowSql (src-shared/sync/tables.ts). All tables and the version are read in one
 * REPEATABLE READ transaction, so they describe one state: the commit of change-log version v
 * makes every version below it visible too (versions commit in order), so the figures are those
 * of exactly the rows as of `version`.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { ChecksumsResponse, TableChecksum } from '../../../src-shared/contracts/sync-protocol';
import { SYNC_TABLES, checksumRowSql, type SyncTable, type SyncTableName } from '../../../src-shared/sync/tables';
import type { StoreDb } from '../db/connect';
import { readStoreId } from './pull-repository';

type Rows<T> = { rows: T[] };

function checksumSql(table: SyncTable): SQL {
  return sql.raw(
    `select count(*)::text as n, coalesce(sum(('x' || substr(md5(${checksumRowSql(table, 'postgres')}), 1, 8))::bit(32)::bigint), 0)::text as s ` +
      `from "${table.name}"`,
  );
}

const CHECKSUM_SQL = new Map(SYNC_TABLES.map((table) => [table.name, checksumSql(table)]));

export async function readChecksums(db: StoreDb): Promise<ChecksumsResponse> {
  const storeId = await readStoreId(db);
  return db.transaction(
    async (tx) => {
      const [latest] = ((await tx.execute(sql`select coalesce(max(version), 0)::text as v from change_log`)) as unknown as Rows<{ v: string }>).rows;
      const tables: Partial<Record<SyncTableName, TableChecksum>> = {};
      for (const table of SYNC_TABLES) {
        const [row] = ((await tx.execute(CHECKSUM_SQL.get(table.name)!)) as unknown as Rows<{ n: string; s: string }>).rows;
        tables[table.name] = { count: Number(row?.n ?? 0), sum: row?.s ?? '0' };
      }
      return { storeId, version: Number(latest?.v ?? 0), tables: tables as Record<SyncTableName, TableChecksum> };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
