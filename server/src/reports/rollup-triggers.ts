/**
 * Which days of the dashboard's rollup (rollup.ts) a write may change, table by table, read off the
 * metric declarations (src-shared/domain/metrics.ts); the store migration `report_rollup` holds the
 * triggers rendered from this list by rollupTriggersSql, and tests/unit/report-rollup-triggers.test.ts
 * checks the two are the same text and that every table a metric reads (its fact's table and
 * lookups, the facts its exists and sumOf conditions read) has triggers.
 *
 * A written row (`x`, each old and new row of the statement) makes dirty the days of:
 * - its own time fields (the day a metric places it in);
 * - the rows whose metric reads it through a lookup (an order line's order, an offer line's offer, a
 *   campaign's orders);
 * - the rows whose condition asks about it (exists, sumOf): the same customer's calls up to the
 *   repeat window before it (first-contact resolution), the same customer's orders whenever placed
 *   (first order, repeat buyers, lifetime value, repurchase without complaint) and resolved
 *   complaints (repurchase after complaint), an order line's offer (offers ordered).
 * Too many days is harmless (they are asked of the rows until the refresher rebuilds them); a day
 * missing would be a wrong answer, which the parity test (report-rollup-parity.test.ts) looks for.
 */
import { DEFAULT_METRIC_OPTIONS } from '../../../src-shared/domain/metric-language';

/** First-contact resolution looks this far ahead of a call: a write dirties the calls up to this long before it. */
export const ROLLUP_REPEAT_WINDOW_MS = DEFAULT_METRIC_OPTIONS.repeatWindowMs;

export interface RollupDependency {
  table: string;
  /** SELECTs of one column `d` (a time in ms) over the written rows `x`. */
  times: readonly string[];
}

export const ROLLUP_DEPENDENCIES: readonly RollupDependency[] = [
  {
    table: 'calls',
    times: [
      'SELECT x.started_at AS d FROM x',
      // Per customer once (a statement writing many calls of one customer stays linear): their calls from the window before the first written to the last.
      `SELECT c.started_at FROM (SELECT customer_id, min(started_at) AS lo, max(started_at) AS hi FROM x GROUP BY customer_id) y JOIN calls c ON c.customer_id = y.customer_id AND c.started_at >= y.lo - ${ROLLUP_REPEAT_WINDOW_MS} AND c.started_at <= y.hi`,
    ],
  },
  {
    table: 'complaints',
    times: ['SELECT x.opened_at AS d FROM x', 'SELECT x.resolved_at FROM x', 'SELECT o.placed_at FROM (SELECT DISTINCT customer_id FROM x) y JOIN orders o ON o.customer_id = y.customer_id'],
  },
  {
    table: 'orders',
    times: [
      'SELECT x.placed_at AS d FROM x',
      'SELECT o.placed_at FROM (SELECT DISTINCT customer_id FROM x) y JOIN orders o ON o.customer_id = y.customer_id',
      'SELECT c.resolved_at FROM (SELECT DISTINCT customer_id FROM x) y JOIN complaints c ON c.customer_id = y.customer_id',
      'SELECT f.presented_at FROM x JOIN order_lines l ON l.order_id = x.id JOIN offers f ON f.id = l.offer_id',
    ],
  },
  {
    table: 'order_lines',
    times: ['SELECT o.placed_at AS d FROM x JOIN orders o ON o.id = x.order_id', 'SELECT f.presented_at FROM x JOIN offers f ON f.id = x.offer_id'],
  },
  {
    table: 'offers',
    times: ['SELECT x.presented_at AS d FROM x', 'SELECT o.placed_at FROM x JOIN order_lines l ON l.offer_id = x.id JOIN orders o ON o.id = l.order_id'],
  },
  { table: 'campaigns', times: ['SELECT o.placed_at AS d FROM x JOIN orders o ON o.campaign_code = x.code'] },
];

/** The UTC day of an instant, written as the compiled metric queries write it (metric-sql.ts). */
export const ROLLUP_DAY_FUNCTION_SQL = `CREATE OR REPLACE FUNCTION sb_report_day(ms bigint) RETURNS text LANGUAGE sql STABLE AS $$ SELECT to_char(to_timestamp(ms / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') $$;`;

function markFrom(dep: RollupDependency, rows: string): string {
  const union = dep.times.map((s) => s.replaceAll(' FROM x', ` FROM ${rows} x`)).join('\n      UNION ');
  return `INSERT INTO report_dirty (day) SELECT DISTINCT sb_report_day(t.d) FROM (\n      ${union}\n    ) t WHERE t.d IS NOT NULL;`;
}

/** The triggers' SQL (statement-level, on the transition tables: one insert per statement, however many rows). */
export function rollupTriggersSql(): string {
  const out = [ROLLUP_DAY_FUNCTION_SQL];
  for (const dep of ROLLUP_DEPENDENCIES) {
    const fn = `sb_report_dirty_${dep.table}`;
    out.push(
      `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    ${markFrom(dep, 'new_rows')}
  END IF;
  IF TG_OP <> 'INSERT' THEN
    ${markFrom(dep, 'old_rows')}
  END IF;
  RETURN NULL;
END $$;`,
      `CREATE TRIGGER ${dep.table}_report_insert AFTER INSERT ON "${dep.table}" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();`,
      `CREATE TRIGGER ${dep.table}_report_update AFTER UPDATE ON "${dep.table}" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();`,
      `CREATE TRIGGER ${dep.table}_report_delete AFTER DELETE ON "${dep.table}" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();`,
    );
  }
  return out.join('\n--> statement-breakpoint\n');
}
