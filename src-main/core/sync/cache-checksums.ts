/**
 * CacheChecksums: per-table row counts and checksums of the cache, computed exactly as the central
 * store computes them (GET /sync/checksums), so comparing the two shows whether both hold the same
 * data. A table's checksum is the sum over its rows of the first 32 bits of md5(row text), where
 * the row text is checksumRowSql(table, 'sqlite') (src-shared/sync/tables.ts). SQLite has no md5,
 * so the connection gets `sb_md5_32(text)` from node:crypto.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { SYNC_TABLES, checksumRowSql, type SyncTableName } from '../../../src-shared/sync/tables';
import type { TableChecksum } from '../../../src-shared/contracts/sync-protocol';

/** The first 32 bits of md5(text), unsigned: PostgreSQL's ('x'||substr(md5(t),1,8))::bit(32)::bigint. */
export function md5First32(text: string): number {
  return createHash('md5').update(text, 'utf8').digest().readUInt32BE(0);
}

export function registerChecksumFunction(client: Database.Database): void {
  client.function('sb_md5_32', { deterministic: true }, (text: unknown) => (text === null ? null : md5First32(String(text))));
}

export class CacheChecksums {
  private readonly statements = new Map<SyncTableName, Database.Statement>();

  constructor(client: Database.Database) {
    registerChecksumFunction(client);
    for (const table of SYNC_TABLES) {
      // The sum of up to tens of millions of 32-bit values exceeds 2^53: read it as a BigInt.
      const stmt = client.prepare(`SELECT count(*) AS count, coalesce(sum(sb_md5_32(${checksumRowSql(table, 'sqlite')})), 0) AS sum FROM "${table.name}"`);
      stmt.safeIntegers(true);
      this.statements.set(table.name, stmt);
    }
  }

  table(name: SyncTableName): TableChecksum {
    const row = this.statements.get(name)?.get() as { count: bigint; sum: bigint };
    return { count: Number(row.count), sum: row.sum.toString() };
  }

  all(): Record<SyncTableName, TableChecksum> {
    return Object.fromEntries(SYNC_TABLES.map((t) => [t.name, this.table(t.name)])) as Record<SyncTableName, TableChecksum>;
  }
}
