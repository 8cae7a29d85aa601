/**
 * Compiles a metric declaration (metrics.ts, in the language of metric-language.ts) into the one
 * SQL query that answers it, for the central store (PostgreSQL, PGlite) or a workstation's cache
 * (SQLite). The two dialects share almost everything; where they differ this file says so:
 * - the UTC day of an instant: `to_char(to_timestamp(ms / 1000) AT TIME ZONE 'UTC', …)` against
 *   `strftime('%Y-%m-%d', ms / 1000, 'unixepoch')`;
 * - the larger of two numbers: `GREATEST` against SQLite's two-argument `MAX`;
 * - who is in which team: the store's `users` → `user_teams` → `teams`, against the cache's
 *   `team_roster` (pulled from the store, which derives it from those three tables); a cache that
 *   has never pulled a roster (a local demo, say) falls back on `local_users.teams` (a JSON array of
 *   the team names of the users who signed in there, read with `json_each`);
 * - parameters: `$1, $2…` against `?`;
 * - nothing else: a correlated sum (`sumOf`) is the same scalar subquery in both.
 *
 * The shape of every query:
 *
 *     SELECT <one column per grouping>, <the integer components>
 *     FROM (<the fact: its table, lookups and fields renamed>) f0
 *     [JOIN (<roster>) r ON r.agent_id = f0."agentId"]          -- grouped by team
 *     WHERE <period on the metric's time field> AND <filters> AND <the metric's where>
 *     GROUP BY 1, 2…
 *
 * The components (see metricValue) come back as integers; the division that makes an average or a
 * ratio happens once, in TypeScript, so the store, the cache and the reference agree exactly.
 * Constants of the declarations are inlined; everything a user chooses (period, team, CSR, channel,
 * campaign, currency, options) is a bound parameter.
 */
import {
  checkQuery,
  componentCount,
  DEFAULT_METRIC_OPTIONS,
  type Dimension,
  type Expr,
  type FactDecl,
  type MetricDecl,
  type MetricQuery,
  type MetricRow,
  type Scalar,
  metricValue,
  sortMetricRows,
} from './metric-language';
import { FACTS } from './metrics';

export type SqlDialect = 'postgres' | 'sqlite';

/** A query as text and parameters, and as chunks (text and values in order) for drivers that take them (drizzle's `sql`). */
export interface CompiledMetricSql {
  dialect: SqlDialect;
  text: string;
  params: Scalar[];
  chunks: ({ text: string } | { param: Scalar })[];
  /** Column names of the answer: `g0…` one per grouping, then `c0…` the components. */
  groupColumns: string[];
  componentColumns: string[];
}

/**
 * Who is in which team, as (agent_id, team) rows: a CSR's user name and a team's name. The cache
 * reads the roster synced from the store (team_roster), so its team figures and the store's count
 * the same CSRs whoever signed in on the workstation; only while that roster is empty (never
 * pulled) does it read the memberships of the users who signed in there. Not their union: a
 * membership removed on the store would live on in local_users until that user signs in again.
 */
export const ROSTER_SQL: Record<SqlDialect, string> = {
  postgres:
    'SELECT DISTINCT u.username AS agent_id, t.name AS team FROM users u JOIN user_teams ut ON ut.user_id = u.id JOIN teams t ON t.id = ut.team_id',
  sqlite:
    'SELECT DISTINCT tr.username AS agent_id, tr.team AS team FROM team_roster tr' +
    ' UNION SELECT lu.username AS agent_id, j.value AS team FROM local_users lu, json_each(lu.teams) j WHERE NOT EXISTS (SELECT 1 FROM team_roster)',
};

const quoteIdent = (name: string) => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`Not a plain name: ${name}`);
  return `"${name}"`;
};
const plainName = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new RangeError(`Not a table or column name: ${name}`);
  return name;
};
const literal = (v: Scalar): string => {
  if (v === null) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError(`Only integers are written into metric queries, not ${v}.`);
    return String(v);
  }
  return `'${v.replaceAll("'", "''")}'`;
};

class Builder {
  readonly chunks: CompiledMetricSql['chunks'] = [];
  constructor(readonly dialect: SqlDialect) {}
  text(s: string): this {
    this.chunks.push({ text: s });
    return this;
  }
  param(v: Scalar): this {
    this.chunks.push({ param: v });
    return this;
  }
}

/** Where a field of the row at hand, and of the outer row inside an exists, are read from. */
interface Scope {
  field(name: string): string;
  outer(name: string): string;
  depth: number;
}

function compileExpr(b: Builder, e: Expr, scope: Scope, options: MetricQuery['options']): void {
  const list = (items: readonly Expr[], sep: string) => {
    b.text('(');
    items.forEach((item, i) => {
      if (i > 0) b.text(sep);
      compileExpr(b, item, scope, options);
    });
    b.text(')');
  };
  switch (e.k) {
    case 'field':
      b.text(scope.field(e.name));
      return;
    case 'outer':
      b.text(scope.outer(e.name));
      return;
    case 'lit':
      b.text(literal(e.value));
      return;
    case 'param':
      b.param(options?.[e.name] ?? DEFAULT_METRIC_OPTIONS[e.name]);
      return;
    case 'cmp':
      b.text('(');
      compileExpr(b, e.a, scope, options);
      b.text(` ${e.op} `);
      compileExpr(b, e.b, scope, options);
      b.text(')');
      return;
    case 'in':
      b.text('(');
      compileExpr(b, e.a, scope, options);
      b.text(` IN (${e.values.map(literal).join(', ')}))`);
      return;
    case 'isNull':
      b.text('(');
      compileExpr(b, e.a, scope, options);
      b.text(' IS NULL)');
      return;
    case 'and':
      if (e.items.length === 0) b.text('(1 = 1)');
      else list(e.items, ' AND ');
      return;
    case 'or':
      if (e.items.length === 0) b.text('(1 = 0)');
      else list(e.items, ' OR ');
      return;
    case 'not':
      b.text('(NOT ');
      compileExpr(b, e.a, scope, options);
      b.text(')');
      return;
    case 'add':
      list(e.items, ' + ');
      return;
    case 'sub':
      list([e.a, e.b], ' - ');
      return;
    case 'greatest':
      b.text(b.dialect === 'postgres' ? 'GREATEST' : 'MAX');
      list([e.a, e.b], ', ');
      return;
    case 'startsWith':
      b.text('(substr(');
      compileExpr(b, e.a, scope, options);
      b.text(`, 1, ${[...e.prefix].length}) = ${literal(e.prefix)})`);
      return;
    case 'exists': {
      const inner = `f${scope.depth + 1}`;
      const fact = FACTS[e.fact];
      b.text('EXISTS (SELECT 1 FROM ');
      compileFact(b, fact, options);
      b.text(` ${inner} WHERE `);
      compileExpr(b, e.where, { field: (n) => factField(fact, inner, n), outer: scope.field, depth: scope.depth + 1 }, options);
      b.text(')');
      return;
    }
    case 'sumOf': {
      // A correlated scalar subquery: its sum over no row is null in SQL, hence the coalesce.
      const inner = `f${scope.depth + 1}`;
      const fact = FACTS[e.fact];
      const innerScope: Scope = { field: (n) => factField(fact, inner, n), outer: scope.field, depth: scope.depth + 1 };
      b.text('(SELECT coalesce(sum(');
      compileExpr(b, e.of, innerScope, options);
      b.text('), 0) FROM ');
      compileFact(b, fact, options);
      b.text(` ${inner} WHERE `);
      compileExpr(b, e.where, innerScope, options);
      b.text(')');
      return;
    }
  }
}

function factField(fact: FactDecl, alias: string, name: string): string {
  if (!(name in fact.fields)) throw new RangeError(`The fact ${fact.id} has no field ${name}.`);
  return `${alias}.${quoteIdent(name)}`;
}

/** The fact as a subquery: its base table, its lookups (inner joins) and its fields renamed. */
function compileFact(b: Builder, fact: FactDecl, options: MetricQuery['options']): void {
  const source = (name: string) => {
    const f = fact.fields[name];
    if (!f) throw new RangeError(`The fact ${fact.id} has no field ${name}.`);
    return `${plainName(f.from)}.${plainName(f.column)}`;
  };
  const columns = Object.keys(fact.fields).map((name) => `${source(name)} AS ${quoteIdent(name)}`);
  b.text(`(SELECT ${columns.join(', ')} FROM ${plainName(fact.table)} base`);
  for (const l of fact.lookups ?? []) {
    b.text(` JOIN ${plainName(l.table)} ${plainName(l.alias)} ON ${l.alias}.${plainName(l.key)} = base.${plainName(l.via)}`);
  }
  if (fact.where) {
    b.text(' WHERE ');
    compileExpr(b, fact.where, { field: source, outer: () => { throw new RangeError('outer() outside exists'); }, depth: 0 }, options);
  }
  b.text(')');
}

function dayOf(dialect: SqlDialect, column: string): string {
  return dialect === 'postgres'
    ? `to_char(to_timestamp(${column} / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
    : `strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`;
}

/**
 * FROM and WHERE of every query of `metric`: the fact as `f0` (and the team roster as `r` when
 * `joinTeams`), restricted to the query's period and filters and the metric's own `where`. The
 * answer and its drill-down share it, so the rows listed are the rows counted.
 */
function compileScope(b: Builder, metric: MetricDecl, query: MetricQuery, joinTeams: boolean): void {
  const fact = FACTS[metric.fact];
  const filter = query.filter ?? {};
  const col = (name: string) => factField(fact, 'f0', name);
  const roster = ROSTER_SQL[b.dialect];
  b.text(' FROM ');
  compileFact(b, fact, query.options);
  b.text(' f0');
  if (joinTeams) b.text(` JOIN (${roster}) r ON r.agent_id = ${col(fact.agentField)}`);
  b.text(' WHERE (1 = 1)');
  if (filter.from !== undefined) b.text(` AND ${col(metric.time)} >= `).param(filter.from);
  if (filter.to !== undefined) b.text(` AND ${col(metric.time)} < `).param(filter.to);
  if (filter.team !== undefined) b.text(` AND ${col(fact.agentField)} IN (SELECT rt.agent_id FROM (${roster}) rt WHERE rt.team = `).param(filter.team).text(')');
  if (filter.csr !== undefined) b.text(` AND ${col(fact.agentField)} = `).param(filter.csr);
  if (filter.channel !== undefined) b.text(` AND ${col(fact.channelField!)} = `).param(filter.channel);
  if (filter.campaign !== undefined) b.text(` AND ${col(fact.campaignField!)} = `).param(filter.campaign);
  if (filter.currency !== undefined) b.text(` AND ${col(fact.currencyField!)} = `).param(filter.currency);
  if (metric.where) {
    b.text(' AND ');
    compileExpr(b, metric.where, rowScope(fact), query.options);
  }
}

const rowScope = (fact: FactDecl): Scope => ({
  field: (name) => factField(fact, 'f0', name),
  outer: () => {
    throw new RangeError('outer() outside exists');
  },
  depth: 0,
});

/** The SQL of one grouping of the fact row `f0` (the team comes from the joined roster `r`). */
function dimensionSql(dialect: SqlDialect, metric: MetricDecl, d: Dimension): string {
  const fact = FACTS[metric.fact];
  const col = (name: string) => factField(fact, 'f0', name);
  switch (d) {
    case 'csr':
      return col(fact.agentField);
    case 'team':
      return 'r.team';
    case 'day':
      return dayOf(dialect, col(metric.time));
    case 'channel':
      return col(fact.channelField!);
    case 'campaign':
      return col(fact.campaignField!);
  }
}

function finish(b: Builder): Pick<CompiledMetricSql, 'text' | 'params' | 'chunks' | 'dialect'> {
  let n = 0;
  const text = b.chunks.map((c) => ('text' in c ? c.text : b.dialect === 'postgres' ? `$${++n}` : '?')).join('');
  const params = b.chunks.flatMap((c) => ('param' in c ? [c.param] : []));
  return { dialect: b.dialect, text, params, chunks: b.chunks };
}

/** The one query that answers `metric` for `query`, in `dialect`. */
export function compileMetricSql(metric: MetricDecl, query: MetricQuery, dialect: SqlDialect): CompiledMetricSql {
  const fact = FACTS[metric.fact];
  checkQuery(metric, fact, query);
  const b = new Builder(dialect);
  const groupBy: readonly Dimension[] = query.groupBy ?? [];
  const scope = rowScope(fact);
  const groupColumns = groupBy.map((_, i) => `g${i}`);
  const componentColumns = Array.from({ length: componentCount(metric.aggregate) }, (_, i) => `c${i}`);

  b.text('SELECT ');
  groupBy.forEach((d, i) => b.text(`${dimensionSql(dialect, metric, d)} AS ${groupColumns[i]}, `));
  const agg = metric.aggregate;
  switch (agg.kind) {
    case 'count':
      b.text('count(*) AS c0');
      break;
    case 'sum':
      b.text('coalesce(sum(');
      compileExpr(b, agg.of, scope, query.options);
      b.text('), 0) AS c0');
      break;
    case 'average':
      b.text('coalesce(sum(');
      compileExpr(b, agg.of, scope, query.options);
      b.text('), 0) AS c0, count(*) AS c1');
      break;
    case 'ratio':
      b.text('coalesce(sum(CASE WHEN ');
      compileExpr(b, agg.numerator, scope, query.options);
      b.text(' THEN 1 ELSE 0 END), 0) AS c0, count(*) AS c1');
      break;
  }
  compileScope(b, metric, query, groupBy.includes('team'));
  if (groupBy.length > 0) b.text(` GROUP BY ${groupBy.map((_, i) => i + 1).join(', ')}`);
  return { ...finish(b), groupColumns, componentColumns };
}

/** Which group of an answer to list, and which page of it. */
export interface DrillDown {
  /** The group's key, as in the answer's MetricRow (an empty key: the whole answer). */
  key: Readonly<Record<string, string | null>>;
  limit: number;
  offset?: number;
  /**
   * Order by one of the fact's fields instead of the time field (rows without a value last, then
   * id). Text orders by the database's collation, which the store and the cache do not share.
   */
  sort?: { field: string; dir: 'asc' | 'desc' };
  /**
   * Keyset paging (exports): only rows after this one in the default order (time field, then id).
   * Only with the default order and a period (`from`), so the time field is never null.
   */
  after?: { time: number; id: string };
  /**
   * The rows only, without ORDER BY, LIMIT or OFFSET (the store's CSV export wraps them with the
   * customer's name and orders the whole in one sort, by the same keys as the default order).
   */
  unordered?: boolean;
}

export interface CompiledDrillDownSql {
  dialect: SqlDialect;
  text: string;
  params: Scalar[];
  chunks: CompiledMetricSql['chunks'];
  /** The fact's fields, one column each (named as the fields), then `part`. */
  fieldColumns: string[];
}

/**
 * The rows behind one number (issue 22, drill-down): the fact rows the group `drill.key` of the
 * answer to `query` counts, in the order of their time field (rows without one last), then id,
 * one page. Each row carries its `part`: what it adds to the number — 1 for a count, the measure
 * for a sum or an average, 1 or 0 (in the numerator or not) for a ratio — so the rows listed add
 * up to the number clicked.
 */
export function compileMetricRowsSql(metric: MetricDecl, query: MetricQuery, drill: DrillDown, dialect: SqlDialect): CompiledDrillDownSql {
  const fact = FACTS[metric.fact];
  checkQuery(metric, fact, { ...query, groupBy: Object.keys(drill.key) as Dimension[] });
  const b = new Builder(dialect);
  const scope = rowScope(fact);
  const fieldColumns = Object.keys(fact.fields);
  b.text(`SELECT ${fieldColumns.map((f) => factField(fact, 'f0', f)).join(', ')}, `);
  const agg = metric.aggregate;
  switch (agg.kind) {
    case 'count':
      b.text('1');
      break;
    case 'sum':
    case 'average':
      compileExpr(b, agg.of, scope, query.options);
      break;
    case 'ratio':
      b.text('CASE WHEN ');
      compileExpr(b, agg.numerator, scope, query.options);
      b.text(' THEN 1 ELSE 0 END');
      break;
  }
  b.text(' AS part');
  compileScope(b, metric, query, false);
  for (const [d, value] of Object.entries(drill.key) as [Dimension, string | null][]) {
    if (d === 'team') {
      if (value === null) throw new RangeError('Every team has a name.');
      b.text(` AND ${factField(fact, 'f0', fact.agentField)} IN (SELECT rk.agent_id FROM (${ROSTER_SQL[dialect]}) rk WHERE rk.team = `).param(value).text(')');
    } else if (value === null) {
      b.text(` AND ${dimensionSql(dialect, metric, d)} IS NULL`);
    } else {
      b.text(` AND ${dimensionSql(dialect, metric, d)} = `).param(value);
    }
  }
  const time = factField(fact, 'f0', metric.time);
  const id = factField(fact, 'f0', 'id');
  if (drill.after) {
    if (drill.sort || query.filter?.from === undefined) throw new RangeError('Keyset paging needs the default order and a period.');
    b.text(` AND (${time} > `).param(drill.after.time).text(` OR (${time} = `).param(drill.after.time).text(` AND ${id} > `).param(drill.after.id).text('))');
  }
  if (drill.unordered) {
    if (drill.sort || drill.after || drill.offset) throw new RangeError('Unordered rows have no order to sort, page or skip by.');
    return { ...finish(b), fieldColumns: [...fieldColumns, 'part'] };
  }
  if (drill.sort) {
    const sortBy = factField(fact, 'f0', drill.sort.field);
    b.text(` ORDER BY (${sortBy} IS NULL), ${sortBy} ${drill.sort.dir === 'desc' ? 'DESC' : 'ASC'}, ${id}`);
  } else {
    b.text(` ORDER BY (${time} IS NULL), ${time}, ${id}`);
  }
  b.text(' LIMIT ').param(drill.limit).text(' OFFSET ').param(drill.offset ?? 0);
  return { ...finish(b), fieldColumns: [...fieldColumns, 'part'] };
}

/** A row behind a number: the fact's fields (integers as numbers, whatever the driver gave) and its part. */
export interface MetricFactRow {
  fields: Record<string, Scalar>;
  part: number;
}

/** Reads a drill-down's answer: integer fields (FieldSource.int) as numbers, the part as a number. */
export function readDrillDownRows(metric: MetricDecl, rows: readonly Record<string, unknown>[]): MetricFactRow[] {
  const fact = FACTS[metric.fact];
  return rows.map((row) => {
    const fields: Record<string, Scalar> = {};
    for (const [name, src] of Object.entries(fact.fields)) {
      const v = row[name];
      fields[name] = v === null || v === undefined ? null : src.int ? Number(v) : String(v);
    }
    return { fields, part: Number(row.part) };
  });
}

/**
 * The answer of a compiled query as metric rows: components read as numbers (PostgreSQL gives
 * bigint and numeric as text), the value computed from them, in the common order (sortMetricRows).
 */
export function readMetricRows(metric: MetricDecl, compiled: CompiledMetricSql, groupBy: readonly Dimension[], rows: readonly Record<string, unknown>[]): MetricRow[] {
  const out = rows.map((row): MetricRow => {
    const key: Record<string, string | null> = {};
    groupBy.forEach((d, i) => {
      const v = row[compiled.groupColumns[i]!];
      key[d] = v === null || v === undefined ? null : String(v);
    });
    const components = compiled.componentColumns.map((c) => Number(row[c] ?? 0));
    return { key, components, value: metricValue(metric.aggregate, components) };
  });
  return sortMetricRows(out, groupBy);
}

/**
 * Several metrics of one fact, time field and filter in one query (the dashboard asks every metric
 * at once): one scan of the fact instead of one per metric. Each metric's own `where` moves from
 * the WHERE clause into its aggregates (`CASE WHEN <where> …`), which counts exactly the rows the
 * WHERE would have kept (an unknown condition counts in neither); the components are the same
 * integers compileMetricSql gives, each metric's under its own column names (`m0c0`, `m0c1`,
 * `m1c0`…). The parity of the two is tested (tests/integration/reports-local.test.ts).
 */
export interface CompiledMetricGroupSql {
  dialect: SqlDialect;
  text: string;
  params: Scalar[];
  chunks: CompiledMetricSql['chunks'];
  groupColumns: string[];
  /** Per metric, in the order given, its component columns. */
  componentColumns: string[][];
}

/** Whether two metrics can share one query: the same fact and time field (their filters are the caller's). */
export const sameScan = (a: MetricDecl, b: MetricDecl): boolean => a.fact === b.fact && a.time === b.time;

export function compileMetricGroupSql(metrics: readonly MetricDecl[], query: MetricQuery, dialect: SqlDialect): CompiledMetricGroupSql {
  const first = metrics[0];
  if (!first) throw new RangeError('No metric to compile.');
  const fact = FACTS[first.fact];
  for (const m of metrics) {
    if (!sameScan(first, m)) throw new RangeError(`${m.label} does not read the rows ${first.label} reads.`);
    checkQuery(m, fact, query);
  }
  const b = new Builder(dialect);
  const groupBy: readonly Dimension[] = query.groupBy ?? [];
  const scope = rowScope(fact);
  const groupColumns = groupBy.map((_, i) => `g${i}`);
  const componentColumns = metrics.map((m, i) => Array.from({ length: componentCount(m.aggregate) }, (_, j) => `m${i}c${j}`));
  b.text('SELECT ');
  groupBy.forEach((d, i) => b.text(`${dimensionSql(dialect, first, d)} AS ${groupColumns[i]}, `));
  metrics.forEach((m, i) => {
    if (i > 0) b.text(', ');
    const when = (extra?: Expr) => {
      const parts = [m.where, extra].filter((e): e is Expr => e !== undefined);
      b.text('CASE WHEN ');
      if (parts.length === 0) b.text('(1 = 1)');
      else compileExpr(b, parts.length === 1 ? parts[0]! : { k: 'and', items: parts }, scope, query.options);
      b.text(' THEN ');
    };
    const countOf = (extra?: Expr) => {
      b.text('coalesce(sum(');
      when(extra);
      b.text('1 ELSE 0 END), 0)');
    };
    const [c0, c1] = componentColumns[i]!;
    const agg = m.aggregate;
    switch (agg.kind) {
      case 'count':
        countOf();
        b.text(` AS ${c0}`);
        break;
      case 'sum':
      case 'average':
        b.text('coalesce(sum(');
        when();
        compileExpr(b, agg.of, scope, query.options);
        b.text(` END), 0) AS ${c0}`);
        if (agg.kind === 'average') {
          b.text(', ');
          countOf();
          b.text(` AS ${c1}`);
        }
        break;
      case 'ratio':
        countOf(agg.numerator);
        b.text(` AS ${c0}, `);
        countOf();
        b.text(` AS ${c1}`);
        break;
    }
  });
  compileScope(b, { ...first, where: undefined }, query, groupBy.includes('team'));
  if (groupBy.length > 0) b.text(` GROUP BY ${groupBy.map((_, i) => i + 1).join(', ')}`);
  return { ...finish(b), groupColumns, componentColumns };
}

/**
 * The answer of a compiled group as each metric's rows, as readMetricRows reads one metric's: a
 * group in which a metric counted nothing is left out of that metric's rows (its own query would
 * not have returned it).
 */
export function readMetricGroupRows(metrics: readonly MetricDecl[], compiled: CompiledMetricGroupSql, groupBy: readonly Dimension[], rows: readonly Record<string, unknown>[]): MetricRow[][] {
  return metrics.map((m, i) => {
    const own = rows.filter((row) => {
      // A group is in a metric's own answer when it counted a row: its count component (the last) is not 0.
      const cols = compiled.componentColumns[i]!;
      if (m.aggregate.kind === 'count') return Number(row[cols[0]!] ?? 0) !== 0;
      if (m.aggregate.kind === 'sum') return true;
      return Number(row[cols[1]!] ?? 0) !== 0;
    });
    return readMetricRows(m, { ...compiled, componentColumns: compiled.componentColumns[i]! } as unknown as CompiledMetricSql, groupBy, own);
  });
}

/** The columns a rollup row is keyed by (server/src/reports/rollup.ts), beside the metric. */
export const ROLLUP_KEY_COLUMNS = ['day', 'csr', 'channel', 'campaign', 'currency'] as const;

/**
 * The store's rollup of one metric for a period (whole days): its components grouped by UTC day,
 * CSR and, where its fact has them, channel, campaign and currency (NULL otherwise) — the finest
 * grouping any dashboard filter (period of days, team or CSR, channel, campaign, currency) and
 * grouping (day, CSR) is a sum of. The same scope and components as compileMetricSql, so a sum of
 * these rows is what the metric's own query gives; only groups that counted a row are returned.
 * PostgreSQL only (the cache has no rollup).
 */
export function compileMetricRollupSql(metric: MetricDecl, period: { from: number; to: number }): CompiledMetricSql {
  const fact = FACTS[metric.fact];
  const b = new Builder('postgres');
  const scope = rowScope(fact);
  const col = (name: string | undefined) => (name ? factField(fact, 'f0', name) : 'NULL::text');
  const keys = [dayOf('postgres', col(metric.time)), col(fact.agentField), col(fact.channelField), col(fact.campaignField), col(fact.currencyField)];
  b.text(`SELECT ${keys.map((k, i) => `${k} AS ${ROLLUP_KEY_COLUMNS[i]}`).join(', ')}, `);
  const agg = metric.aggregate;
  switch (agg.kind) {
    case 'count':
      b.text('count(*) AS c0, 0 AS c1');
      break;
    case 'sum':
      b.text('coalesce(sum(');
      compileExpr(b, agg.of, scope, undefined);
      b.text('), 0) AS c0, 0 AS c1');
      break;
    case 'average':
      b.text('coalesce(sum(');
      compileExpr(b, agg.of, scope, undefined);
      b.text('), 0) AS c0, count(*) AS c1');
      break;
    case 'ratio':
      b.text('coalesce(sum(CASE WHEN ');
      compileExpr(b, agg.numerator, scope, undefined);
      b.text(' THEN 1 ELSE 0 END), 0) AS c0, count(*) AS c1');
      break;
  }
  compileScope(b, metric, { filter: { from: period.from, to: period.to } }, false);
  const grouped = keys.flatMap((k, i) => (k === 'NULL::text' ? [] : [i + 1]));
  b.text(` GROUP BY ${grouped.join(', ')}`);
  return { ...finish(b), groupColumns: [...ROLLUP_KEY_COLUMNS], componentColumns: ['c0', 'c1'] };
}
