/**
 * The rows behind one number (contracts/reports.ts `DrillDownPage`), assembled from the runners of
 * the store or the cache: the number recomputed for the key clicked, how many rows are behind it,
 * one page of them (sorted on one of the fact's fields), with a heading per column and the
 * customer's name looked up. The rows come from compileMetricRowsSql, which shares its FROM and
 * WHERE with the metric's own query: the rows listed are the rows counted, and their parts add up
 * to the number.
 */
import type { DrillDownPage, ReportFilter } from '../contracts/reports';
import type { z } from 'zod';
import type { drillDownInput } from '../contracts/reports';
import { checkQuery, type Dimension, type FactId, type MetricDecl, type MetricQuery, type MetricRow } from '../domain/metric-language';
import type { DrillDown, MetricFactRow } from '../domain/metric-sql';
import { FACTS, METRICS } from '../domain/metrics';
import { AppError } from '../result';
import { metricFilterFor } from './dashboard';

export type DrillDownRequest = z.output<typeof drillDownInput>;

/** Headings of the facts' fields, as the drill-down's columns show them. */
export const FIELD_LABELS: Readonly<Record<FactId, Readonly<Record<string, string>>>> = {
  calls: {
    id: 'Call',
    customerId: 'Customer',
    agentId: 'CSR',
    status: 'Status',
    startedAt: 'Started',
    talkMs: 'Talk time',
    holdMs: 'Hold time',
    wrapUpMs: 'Wrap-up time',
    dispositionCode: 'Disposition',
    satisfaction: 'Satisfaction (1–5)',
  },
  complaints: {
    id: 'Complaint',
    customerId: 'Customer',
    agentId: 'CSR',
    status: 'Status',
    openedAt: 'Opened',
    resolvedAt: 'Resolved',
    categoryCode: 'Category',
  },
  offers: { id: 'Offer', customerId: 'Customer', agentId: 'CSR', outcome: 'Outcome', presentedAt: 'Presented' },
  orders: {
    id: 'Order',
    customerId: 'Customer',
    agentId: 'CSR',
    channel: 'Channel',
    campaignCode: 'Campaign',
    status: 'Status',
    currency: 'Currency',
    totalCents: 'Total',
    manualDiscountCents: 'Manual discount',
    approvedBy: 'Approved by',
    attentionReason: 'Attention reason',
    placedAt: 'Placed',
  },
  offerLines: {
    id: 'Order line',
    offerId: 'Offer',
    lineTotalCents: 'Line total',
    orderStatus: 'Order status',
    currency: 'Currency',
    channel: 'Channel',
    campaignCode: 'Campaign',
    placedAt: 'Placed',
    agentId: 'CSR',
  },
  campaignOrders: {
    id: 'Order',
    customerId: 'Customer',
    agentId: 'CSR',
    channel: 'Channel',
    campaignCode: 'Campaign',
    status: 'Status',
    currency: 'Currency',
    totalCents: 'Total',
    placedAt: 'Placed',
    campaignChannel: 'Campaign for',
    campaignFamily: 'Campaign family',
  },
};

/** The columns of a metric's rows, in the order the rows list them. */
export function drillDownColumns(metric: MetricDecl): { field: string; label: string }[] {
  const labels = FIELD_LABELS[metric.fact];
  return Object.keys(FACTS[metric.fact].fields).map((field) => ({ field, label: labels[field] ?? field }));
}

/** A metric by id, or AppError `not_found`. */
export function metricById(id: string): MetricDecl {
  const metric = (METRICS as Record<string, MetricDecl>)[id];
  if (!Object.prototype.hasOwnProperty.call(METRICS, id) || !metric) throw new AppError('not_found', `There is no metric named ${id.slice(0, 60)}.`, 'metricId');
  return metric;
}

/** The key clicked without its absent parts. */
export function drillKey(key: DrillDownRequest['key']): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [d, v] of Object.entries(key)) if (v !== undefined) out[d] = v;
  return out;
}

/**
 * The filter whose scope must be checked for a drill-down: a CSR or team in the key clicked is
 * asked about as if it were the filter's (a CSR cannot open another CSR's rows by its key).
 */
export function drillScopeFilter(req: DrillDownRequest): ReportFilter {
  const f: ReportFilter = { ...req.filter };
  if (req.key.csr != null) f.csr = req.key.csr;
  if (req.key.team != null) f.team = req.key.team;
  return f;
}

/** The query, key and sort of a drill-down, checked; AppError `invalid_input` for a grouping or sort the metric has not. */
export function planDrillDown(metric: MetricDecl, filter: ReportFilter, req: DrillDownRequest): { query: MetricQuery; key: Record<string, string | null>; groupBy: Dimension[]; drill: DrillDown } {
  const key = drillKey(req.key);
  const groupBy = Object.keys(key) as Dimension[];
  const query: MetricQuery = { filter: metricFilterFor(metric, filter).filter };
  try {
    checkQuery(metric, FACTS[metric.fact], { ...query, groupBy });
  } catch (e) {
    throw new AppError('invalid_input', e instanceof Error ? e.message : 'This number cannot be opened.', 'key');
  }
  if (req.sort && !Object.prototype.hasOwnProperty.call(FACTS[metric.fact].fields, req.sort.field)) {
    throw new AppError('invalid_input', `The rows of ${metric.label} cannot be sorted by ${req.sort.field.slice(0, 40)}.`, 'sort.field');
  }
  const drill: DrillDown = { key, limit: req.pageSize, offset: req.page * req.pageSize, ...(req.sort ? { sort: req.sort } : {}) };
  return { query, key, groupBy, drill };
}

const sameKey = (row: MetricRow, key: Record<string, string | null>) => Object.entries(key).every(([d, v]) => (row.key[d] ?? null) === v);

/** What the store or the cache answers a drill-down with. */
export interface DrillDownRunners {
  metric: (metric: MetricDecl, query: MetricQuery) => MetricRow[];
  rows: (metric: MetricDecl, query: MetricQuery, drill: DrillDown) => MetricFactRow[];
  /** Customers' names (first and last) by id; ids it does not know are left out. */
  customerNames: (ids: readonly string[]) => Map<string, string>;
}
export type AsyncDrillDownRunners = { [K in keyof DrillDownRunners]: (...args: Parameters<DrillDownRunners[K]>) => ReturnType<DrillDownRunners[K]> | Promise<ReturnType<DrillDownRunners[K]>> };

/** The count behind an answer's row: the denominator of an average or ratio, the count itself; a sum's is asked separately. */
const countMetric = (metric: MetricDecl): MetricDecl => ({ ...metric, aggregate: { kind: 'count' } });

function page(metric: MetricDecl, req: DrillDownRequest, valueRows: MetricRow[], countRows: MetricRow[] | null, key: Record<string, string | null>, rows: MetricFactRow[], names: Map<string, string>): DrillDownPage {
  const valueRow = valueRows.find((r) => sameKey(r, key));
  const components = valueRow?.components ?? (metric.aggregate.kind === 'count' || metric.aggregate.kind === 'sum' ? [0] : [0, 0]);
  const total = countRows ? (countRows.find((r) => sameKey(r, key))?.components[0] ?? 0) : metric.aggregate.kind === 'count' ? components[0]! : components[1]!;
  return {
    metricId: metric.id,
    label: metric.label,
    unit: metric.unit,
    value: valueRow ? valueRow.value : metric.aggregate.kind === 'count' || metric.aggregate.kind === 'sum' ? 0 : null,
    components,
    total,
    columns: drillDownColumns(metric),
    rows: rows.map((r) => {
      const customerId = typeof r.fields.customerId === 'string' ? r.fields.customerId : null;
      return { id: String(r.fields.id), customerId, customerName: customerId ? (names.get(customerId) ?? null) : null, fields: r.fields, part: r.part };
    }),
    page: req.page,
    pageSize: req.pageSize,
  };
}

const customerIds = (rows: MetricFactRow[]) => [...new Set(rows.flatMap((r) => (typeof r.fields.customerId === 'string' ? [r.fields.customerId] : [])))];

/** A drill-down page on the cache (sync runners); `filter` is the scope-resolved filter. */
export function buildDrillDown(req: DrillDownRequest, filter: ReportFilter, run: DrillDownRunners): DrillDownPage {
  const metric = metricById(req.metricId);
  const { query, key, groupBy, drill } = planDrillDown(metric, filter, req);
  const grouped = { ...query, groupBy };
  const valueRows = run.metric(metric, grouped);
  const countRows = metric.aggregate.kind === 'sum' ? run.metric(countMetric(metric), grouped) : null;
  const rows = run.rows(metric, query, drill);
  return page(metric, req, valueRows, countRows, key, rows, run.customerNames(customerIds(rows)));
}

/** A drill-down page on the store (async runners). */
export async function buildDrillDownAsync(req: DrillDownRequest, filter: ReportFilter, run: AsyncDrillDownRunners): Promise<DrillDownPage> {
  const metric = metricById(req.metricId);
  const { query, key, groupBy, drill } = planDrillDown(metric, filter, req);
  const grouped = { ...query, groupBy };
  const valueRows = await run.metric(metric, grouped);
  const countRows = metric.aggregate.kind === 'sum' ? await run.metric(countMetric(metric), grouped) : null;
  const rows = await run.rows(metric, query, drill);
  return page(metric, req, valueRows, countRows, key, rows, await run.customerNames(customerIds(rows)));
}
