/**
 * Runs a metric (src-shared/domain/metrics.ts) on this workstation's cache, for the reports it shows
 * offline: the query compiled from the metric's declaration for SQLite, its answer read into
 * metric rows. The same declaration gives the store's query, so the two tie out.
 */
import type { MetricDecl, MetricQuery, MetricRow } from '../../../src-shared/domain/metric-language';
import { compileMetricSql, readMetricRows } from '../../../src-shared/domain/metric-sql';
import type { CacheDb } from '../db/open';

export function runMetricOnCache(db: CacheDb, metric: MetricDecl, query: MetricQuery = {}): MetricRow[] {
  const compiled = compileMetricSql(metric, query, 'sqlite');
  const rows = db.$client.prepare(compiled.text).all(...compiled.params) as Record<string, unknown>[];
  return readMetricRows(metric, compiled, query.groupBy ?? [], rows);
}
