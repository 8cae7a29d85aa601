/**
 * The report export's lines made by PostgreSQL (issue 22 benchmark): the same rows as the
 * drill-down (compileMetricRowsSql, unordered, then the customer's name joined and the whole
 * sorted once by the default order: time field, rows without one last, then id), each cell
 * written by `COPY … TO STDOUT WITH (FORMAT csv)` exactly as src-shared/reports/csv.ts writes it:
 *
 * - an integer field as its digits, an instant (an integer field ending in `At`) as ISO 8601 UTC
 *   with milliseconds (`to_char`, as `Date#toISOString`), NULL as an empty cell;
 * - a text field with the formula guard (a leading `'` before `=`, `+`, `-`, `@`, a tab or a
 *   carriage return), an empty text as an empty cell (COPY would write `""`), COPY's quoting being
 *   the app's (a cell with a comma, a quote, CR or LF quoted, quotes doubled);
 * - the customer's name (first and last joined by a space) guarded the same way;
 * - the part, NULL read as 0 (as `Number(null)`).
 *
 * Used only when the columns' types are those this mapping is exact for (integers as int2/4/8;
 * text, varchar or uuid otherwise): anything else (a numeric part, a boolean field) falls back to
 * the cursor and the JavaScript writer. tests/integration/report-export-copy.test.ts compares the
 * two byte for byte on awkward values.
 */
import type pg from 'pg';
import { FACTS } from '../../../src-shared/domain/metrics';
import type { MetricDecl, MetricQuery } from '../../../src-shared/domain/metric-language';
import { compileMetricRowsSql } from '../../../src-shared/domain/metric-sql';
import { inlineSql } from '../db/copy-out';

const INT_TYPES = new Set([20, 21, 23]);
/** text, varchar, uuid: their text is what the driver hands the JavaScript writer. */
const TEXT_TYPES = new Set([25, 1043, 2950]);

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The formula guard and the empty-text rule of csvCell, in SQL (`x` a text expression). */
export function guardedTextSql(x: string): string {
  return `CASE WHEN left(${x}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || ${x} ELSE NULLIF(${x}, '') END`;
}

/** Milliseconds since the epoch as `Date#toISOString` writes them. */
export function isoInstantSql(x: string): string {
  return `to_char(timestamp 'epoch' + ${x} * interval '1 millisecond', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * The SELECT whose COPY gives the export's lines (without header), or null when a column's type
 * is not one the mapping is exact for.
 */
export async function exportCopySql(pool: pg.Pool, metric: MetricDecl, query: MetricQuery, key: Record<string, string | null>, hasCustomer: boolean): Promise<string | null> {
  const fact = FACTS[metric.fact];
  const compiled = compileMetricRowsSql(metric, query, { key, limit: 0, unordered: true }, 'postgres');
  const probe = await pool.query({ text: `SELECT * FROM (${compiled.text}) e LIMIT 0`, values: compiled.params });
  const types = new Map(probe.fields.map((f) => [f.name, f.dataTypeID]));
  const cells: string[] = [];
  for (const [field, src] of Object.entries(fact.fields)) {
    const type = types.get(field);
    const column = `e.${quoteIdent(field)}`;
    if (src.int) {
      if (type === undefined || !INT_TYPES.has(type)) return null;
      cells.push(/At$/.test(field) ? isoInstantSql(column) : column);
    } else {
      if (type === undefined || !TEXT_TYPES.has(type)) return null;
      cells.push(guardedTextSql(`${column}::text`));
    }
  }
  const part = types.get('part');
  if (part === undefined || !INT_TYPES.has(part)) return null;
  cells.push(hasCustomer ? guardedTextSql(`(c.first_name || ' ' || c.last_name)`) : 'NULL');
  cells.push('coalesce(e.part, 0)');
  const time = `e.${quoteIdent(metric.time)}`;
  return (
    `SELECT ${cells.join(', ')} FROM (${inlineSql(compiled.chunks)}) e` +
    (hasCustomer ? ` LEFT JOIN customers c ON c.id = e."customerId"` : '') +
    ` ORDER BY (${time} IS NULL), ${time}, e."id"`
  );
}
