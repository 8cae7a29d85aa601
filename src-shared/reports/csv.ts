/**
 * The CSV of an export (issue 22): one line per row behind a number, the same rows the drill-down
 * lists, with a header line. RFC 4180 quoting (a cell with a comma, a quote or a line break is
 * quoted, quotes doubled), and a guard against formula injection: a text cell that starts with
 * `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` so a spreadsheet shows it as
 * text instead of running it (OWASP "CSV injection"). Numbers are written as numbers (a negative
 * number is not a formula). Instants (the fields ending in `At`) are written as ISO 8601 UTC.
 */
import type { MetricDecl, Scalar } from '../domain/metric-language';
import type { MetricFactRow } from '../domain/metric-sql';
import { drillDownColumns } from './drilldown';

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell, escaped. */
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: Scalar | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export const csvLine = (cells: readonly (Scalar | undefined)[]): string => `${cells.map(csvCell).join(',')}\r\n`;

const isInstant = (field: string) => /At$/.test(field);

/** The header line of a metric's export: its drill-down columns, the customer's name, and what each row adds. */
export function exportHeader(metric: MetricDecl): string {
  return csvLine([...drillDownColumns(metric).map((c) => (isInstant(c.field) ? `${c.label} (UTC)` : c.label)), 'Customer name', 'Counts as']);
}

/** Writes a metric's rows as lines, in the header's order (the columns worked out once, not per row). */
export function exportLineWriter(metric: MetricDecl): (row: MetricFactRow, customerName: string | null) => string {
  const columns = drillDownColumns(metric).map(({ field }) => ({ field, instant: isInstant(field) }));
  return (row, customerName) => {
    let line = '';
    for (const { field, instant } of columns) {
      const v = row.fields[field] ?? null;
      line += `${csvCell(instant && typeof v === 'number' ? new Date(v).toISOString() : v)},`;
    }
    return `${line}${csvCell(customerName)},${csvCell(row.part)}\r\n`;
  };
}

/** One row's line, in the header's order. */
export function exportLine(metric: MetricDecl, row: MetricFactRow, customerName: string | null): string {
  return exportLineWriter(metric)(row, customerName);
}

/** A file name for an export: the metric and the period, nothing a user typed. */
export function exportFileName(metric: MetricDecl, from: string, to: string, at: number): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `switchboard-${metric.id}-${from}-to-${to}-${stamp}.csv`;
}
