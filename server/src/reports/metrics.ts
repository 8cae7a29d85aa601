/**
 * Runs a metric (src-shared/domain/metrics.ts) on the central store: the query compiled from its
 * declaration for PostgreSQL (PGlite speaks the same), its answer read into metric rows; and the
 * rows behind one of its numbers (the drill-down), from the same declaration. The report routes of
 * issue 22 are to call these, never to write their own SQL for a metric.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { MetricDecl, MetricQuery, MetricRow } from '../../../src-shared/domain/metric-language';
import {
  compileMetricGroupSql,
  compileMetricRowsSql,
  compileMetricSql,
  readMetricGroupRows,
  readDrillDownRows,
  readMetricRows,
  type DrillDown,
  type MetricFactRow,
} from '../../../src-shared/domain/metric-sql';
import type { StoreDb } from '../db/connect';
import type { StoreTx } from '../sync/mutations/refusal';

type Db = StoreDb | StoreTx;

/** A compiled query as drizzle SQL: text as written, values bound as parameters. */
export function toDrizzleSql(compiled: { chunks: ({ text: string } | { param: unknown })[] }): SQL {
  return sql.join(compiled.chunks.map((c) => ('text' in c ? sql.raw(c.text) : sql`${c.param}`)));
}

async function rowsOf(db: Db, query: SQL): Promise<Record<string, unknown>[]> {
  return ((await db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;
}

export async function runMetricOnStore(db: Db, metric: MetricDecl, query: MetricQuery = {}): Promise<MetricRow[]> {
  const compiled = compileMetricSql(metric, query, 'postgres');
  return readMetricRows(metric, compiled, query.groupBy ?? [], await rowsOf(db, toDrizzleSql(compiled)));
}

export async function runMetricRowsOnStore(db: Db, metric: MetricDecl, query: MetricQuery, drill: DrillDown): Promise<MetricFactRow[]> {
  const compiled = compileMetricRowsSql(metric, query, drill, 'postgres');
  return readDrillDownRows(metric, await rowsOf(db, toDrizzleSql(compiled)));
}

/** Several metrics of one fact and time field in one scan (compileMetricGroupSql): one answer per metric. */
export async function runMetricGroupOnStore(db: Db, metrics: readonly MetricDecl[], query: MetricQuery = {}): Promise<MetricRow[][]> {
  if (metrics.length === 1) return [await runMetricOnStore(db, metrics[0]!, query)];
  const compiled = compileMetricGroupSql(metrics, query, 'postgres');
  return readMetricGroupRows(metrics, compiled, query.groupBy ?? [], await rowsOf(db, toDrizzleSql(compiled)));
}

/**
 * Runs `use` with PostgreSQL's JIT compilation off (in a transaction of its own): on the report
 * queries it costs more than it saves — measured 1.3 s of JIT for a 0.4 s scan of 200,000 offers.
 * PGlite has no JIT: `use` runs on the store's handle as it is.
 */
export async function withoutJit<T>(db: StoreDb, kind: 'postgres' | 'pglite', use: (db: Db) => Promise<T>): Promise<T> {
  if (kind !== 'postgres') return use(db);
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL jit = off`);
    return use(tx);
  });
}
