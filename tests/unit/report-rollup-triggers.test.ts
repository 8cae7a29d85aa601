/**
 * The dashboard's rollup triggers (issue 22, server/src/reports/rollup-triggers.ts): the store
 * migration holds exactly the SQL rendered from ROLLUP_DEPENDENCIES, and every table a metric of
 * METRICS reads — its fact's table and lookups, and those of the facts its exists and sumOf
 * conditions read — has triggers, so no write can change a figure without marking its day.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_FOLDER } from '../../server/src/db/connect';
import { ROLLUP_DEPENDENCIES, ROLLUP_REPEAT_WINDOW_MS, rollupTriggersSql } from '../../server/src/reports/rollup-triggers';
import { DEFAULT_METRIC_OPTIONS, type Expr, type FactId, type MetricDecl } from '../../src-shared/domain/metric-language';
import { FACTS, METRICS } from '../../src-shared/domain/metrics';

function factsIn(e: Expr | undefined, out: Set<FactId>): void {
  if (!e) return;
  switch (e.k) {
    case 'exists':
      out.add(e.fact);
      factsIn(e.where, out);
      return;
    case 'sumOf':
      out.add(e.fact);
      factsIn(e.where, out);
      factsIn(e.of, out);
      return;
    case 'cmp':
    case 'sub':
    case 'greatest':
      factsIn(e.a, out);
      factsIn(e.b, out);
      return;
    case 'in':
    case 'isNull':
    case 'not':
    case 'startsWith':
      factsIn(e.a, out);
      return;
    case 'and':
    case 'or':
    case 'add':
      e.items.forEach((i) => factsIn(i, out));
      return;
    default:
      return;
  }
}

describe('the rollup triggers', () => {
  it('are in the store migration as rendered from the dependencies', () => {
    const migration = readFileSync(join(MIGRATIONS_FOLDER, '0025_report_rollup.sql'), 'utf8');
    expect(migration).toContain(rollupTriggersSql());
  });

  it('cover every table a metric reads', () => {
    const facts = new Set<FactId>();
    for (const m of Object.values(METRICS) as MetricDecl[]) {
      facts.add(m.fact);
      factsIn(m.where, facts);
      const agg = m.aggregate;
      if (agg.kind === 'sum' || agg.kind === 'average') factsIn(agg.of, facts);
      if (agg.kind === 'ratio') factsIn(agg.numerator, facts);
    }
    const tables = new Set<string>();
    for (const f of facts) {
      tables.add(FACTS[f].table);
      for (const l of FACTS[f].lookups ?? []) tables.add(l.table);
    }
    const covered = new Set(ROLLUP_DEPENDENCIES.map((d) => d.table));
    expect([...tables].filter((t) => !covered.has(t))).toEqual([]);
  });

  it('look back as far as first-contact resolution looks ahead', () => {
    expect(ROLLUP_REPEAT_WINDOW_MS).toBeGreaterThanOrEqual(DEFAULT_METRIC_OPTIONS.repeatWindowMs);
  });
});
