/**
 * Runs a metric (src-shared/domain/metrics.ts) on this workstation's cache, for the reports it shows
 * offline: the query compiled from the metric's declaration for SQLite, its answer read into
 * metric rows; and the rows behind one of its numbers. The same declaration gives the store's
 * queries, so the two tie out.
 */
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
import type { CacheDb } from '../db/open';

export function runMetricOnCache(db: CacheDb, metric: MetricDecl, query: MetricQuery = {}): MetricRow[] {
  const compiled = compileMetricSql(metric, query, 'sqlite');
  const rows = db.$client.prepare(compiled.text).all(...compiled.params) as Record<string, unknown>[];
  return readMetricRows(metric, compiled, query.groupBy ?? [], rows);
}

export function runMetricRowsOnCache(db: CacheDb, metric: MetricDecl, query: MetricQuery, drill: DrillDown): MetricFactRow[] {
  const compiled = compileMetricRowsSql(metric, query, drill, 'sqlite');
  const rows = db.$client.prepare(compiled.text).all(...compiled.params) as Record<string, unknown>[];
  return readDrillDownRows(metric, rows);
}

/** Several metrics of one fact and time field in one scan (compileMetricGroupSql): one answer per metric. */
export function runMetricGroupOnCache(db: CacheDb, metrics: readonly MetricDecl[], query: MetricQuery = {}): MetricRow[][] {
  if (metrics.length === 1) return [runMetricOnCache(db, metrics[0]!, query)];
  const compiled = compileMetricGroupSql(metrics, query, 'sqlite');
  const rows = db.$client.prepare(compiled.text).all(...compiled.params) as Record<string, unknown>[];
  return readMetricGroupRows(metrics, compiled, query.groupBy ?? [], rows);
}
