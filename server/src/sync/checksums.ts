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
import { HttpError } from '../http/errors';
import { readLatestVersion, readStoreId } from './pull-repository';

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

export interface ChecksumLimits {
  /** Fresh computations (hashing every row) one workstation may cause per window. */
  perWorkstation: number;
  windowMs: number;
  /**
   * How long an answer is reused while the change log stands still. Every write to a synced table
   * goes through the log, so an unchanged head means unchanged figures; the age limit covers writes
   * made around the log (a bulk load with its triggers off).
   */
  reuseForMs: number;
}

export const DEFAULT_CHECKSUM_LIMITS: ChecksumLimits = { perWorkstation: 10, windowMs: 60_000, reuseForMs: 10 * 60_000 };

/**
 * GET /sync/checksums, bounded (issue 18, item 19). Hashing every row of the store is the most
 * expensive read there is, and any workstation may ask: so the answer for the store's current
 * change-log head is kept and handed to everyone who asks while the head stands still; only one
 * computation runs at a time (others wait for it and take its answer if it is still current); and
 * each workstation may cause at most `perWorkstation` fresh computations per `windowMs` (answers
 * from the kept one are free), beyond which it is refused 429 `rate_limited` with Retry-After.
 */
export class StoreChecksums {
  private kept: { value: ChecksumsResponse; at: number } | undefined;
  private running: Promise<unknown> | undefined;
  /** When each workstation's recent fresh computations started, oldest first. */
  private readonly spent = new Map<string, number[]>();

  constructor(
    private readonly db: StoreDb,
    private readonly clock: () => number,
    private readonly limits: ChecksumLimits = DEFAULT_CHECKSUM_LIMITS,
  ) {}

  async read(workstationId: string): Promise<ChecksumsResponse> {
    for (;;) {
      const head = await readLatestVersion(this.db);
      const kept = this.kept;
      if (kept && kept.value.version === head && this.clock() - kept.at < this.limits.reuseForMs) return kept.value;
      if (this.running) {
        // One at a time: wait for it, then look again (its answer may be the current one).
        await this.running.catch(() => undefined);
        continue;
      }
      this.spend(workstationId);
      const run = readChecksums(this.db);
      this.running = run;
      try {
        const value = await run;
        this.kept = { value, at: this.clock() };
        return value;
      } finally {
        if (this.running === run) this.running = undefined;
      }
    }
  }

  /** Counts one fresh computation against the workstation, or refuses it. */
  private spend(workstationId: string): void {
    const now = this.clock();
    const since = now - this.limits.windowMs;
    if (this.spent.size > 1000) {
      for (const [id, times] of this.spent) if ((times.at(-1) ?? 0) <= since) this.spent.delete(id);
    }
    const times = (this.spent.get(workstationId) ?? []).filter((t) => t > since);
    if (times.length >= this.limits.perWorkstation) {
      const retryAfterMs = times[0]! + this.limits.windowMs - now;
      throw new ChecksumsRateLimited(retryAfterMs, this.limits);
    }
    times.push(now);
    this.spent.set(workstationId, times);
  }
}

export class ChecksumsRateLimited extends HttpError {
  constructor(
    readonly retryAfterMs: number,
    limits: ChecksumLimits,
  ) {
    super(
      'rate_limited',
      `This workstation has asked for fresh checksums ${limits.perWorkstation} times in ${Math.round(limits.windowMs / 1000)} seconds while the store kept changing: try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`,
    );
  }
}
