/**
 * Runs a metric (src-shared/domain/metrics.ts) on the central store: the query compiled from its
 * declaration for PostgreSQL (PGlite speaks the same), its answer read into metric rows. The
 * report routes of issue 22 are to call this, never to write their own SQL for a metric.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { MetricDecl, MetricQuery, MetricRow } from '../../../src-shared/domain/metric-language';
import { compileMetricSql, readMetricRows, type CompiledMetricSql } from '../../../src-shared/domain/metric-sql';
import type { StoreDb } from '../db/connect';

/** The compiled query as drizzle SQL: text as written, values bound as parameters. */
export function toDrizzleSql(compiled: CompiledMetricSql): SQL {
  return sql.join(compiled.chunks.map((c) => ('text' in c ? sql.raw(c.text) : sql`${c.param}`)));
}

export async function runMetricOnStore(db: StoreDb, metric: MetricDecl, query: MetricQuery = {}): Promise<MetricRow[]> {
  const compiled = compileMetricSql(metric, query, 'postgres');
  const result = (await db.execute(toDrizzleSql(compiled))) as unknown as { rows: Record<string, unknown>[] };
  return readMetricRows(metric, compiled, query.groupBy ?? [], result.rows);
}
