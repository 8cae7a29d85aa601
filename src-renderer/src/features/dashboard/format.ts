/** How the dashboard writes a metric's value, by its unit; null is "No data", never 0. */
import type { FactId, MetricUnit } from '../../../../src-shared/domain/metric-language';
import { METRICS } from '../../../../src-shared/domain/metrics';
import { countFormat, formatMoney } from '../lookup/format';

export const NO_DATA = 'No data';

const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const pointsFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'always' });
const decimalFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

const pad = (n: number) => String(n).padStart(2, '0');

/** A duration as m:ss (h:mm:ss from an hour, "2 d 3 h" from a day). */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '−' : '';
  const totalSeconds = Math.round(Math.abs(ms) / 1000);
  const days = Math.floor(totalSeconds / 86_400);
  if (days > 0) return `${sign}${days} d ${Math.floor((totalSeconds % 86_400) / 3600)} h`;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${sign}${hours}:${pad(minutes)}:${pad(seconds)}` : `${sign}${minutes}:${pad(seconds)}`;
}

export function formatValue(unit: MetricUnit, value: number | null | undefined, currency: string): string {
  if (value === null || value === undefined) return NO_DATA;
  switch (unit) {
    case 'count':
      return Number.isInteger(value) ? countFormat.format(value) : decimalFormat.format(value);
    case 'ms':
      return formatDuration(value);
    case 'ratio':
      return percentFormat.format(value);
    case 'cents':
      return formatMoney(Math.round(value), currency);
  }
}

/** The change from the previous period, in the figure's unit (percentage points for a ratio); null when either side has no data. */
export function formatChange(unit: MetricUnit, value: number | null, previous: number | null | undefined, currency: string): string | null {
  if (value === null || previous === null || previous === undefined) return null;
  const diff = value - previous;
  if (diff === 0) return 'no change';
  const plus = diff > 0 ? '+' : '';
  let absolute: string;
  switch (unit) {
    case 'ratio':
      return `${pointsFormat.format(diff * 100)} points`;
    case 'ms':
      absolute = `${plus}${formatDuration(diff)}`;
      break;
    case 'cents':
      absolute = `${plus}${formatMoney(Math.round(diff), currency)}`;
      break;
    case 'count':
      absolute = `${plus}${countFormat.format(diff)}`;
      break;
  }
  if (previous === 0) return absolute;
  return `${absolute} (${plus}${decimalFormat.format((diff / Math.abs(previous)) * 100)}%)`;
}

const FACT_NOUNS: Readonly<Record<FactId, string>> = { calls: 'calls', complaints: 'complaints', offers: 'offers', orders: 'orders', offerLines: 'offer lines', campaignOrders: 'orders' };

/** What the rows behind a metric are ("calls", "orders"…), from its declaration. */
export function rowsNoun(metricId: string): string {
  const decl = (METRICS as Readonly<Record<string, { fact: FactId } | undefined>>)[metricId];
  return decl ? FACT_NOUNS[decl.fact] : 'records';
}

export function aggregateKind(metricId: string): 'count' | 'sum' | 'average' | 'ratio' | null {
  const decl = (METRICS as Record<string, { aggregate: { kind: 'count' | 'sum' | 'average' | 'ratio' } } | undefined>)[metricId];
  return decl ? decl.aggregate.kind : null;
}

/** The metrics the tie-out line compares (counts, which the cache and the store must agree on exactly). */
export const TIE_OUT_METRICS = [
  { id: 'callsHandled', noun: 'calls' },
  { id: 'complaintsLogged', noun: 'complaints' },
  { id: 'offersPresented', noun: 'offers' },
  { id: 'ordersTaken', noun: 'orders' },
] as const;

/** Today as a UTC calendar day (the reports' days are UTC days), `addDays` away. */
export function utcDay(addDays = 0, now = Date.now()): string {
  return new Date(now + addDays * 86_400_000).toISOString().slice(0, 10);
}

export { countFormat };
