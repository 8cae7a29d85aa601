/**
 * The plain TypeScript reading of a metric declaration (metrics.ts): the same answer the SQL
 * compiled by metric-sql.ts gives, computed from arrays of rows with loops and nothing clever, so a
 * test can hold the store's and the cache's queries to it. Rows are as the tables hold them
 * (snake_case columns, times in ms, money in minor units).
 *
 * Null follows SQL: a comparison, sum or text test with a null is unknown (null), `NOT unknown` is
 * unknown, `AND` is false if any part is false, else unknown if any part is, and a row counts only
 * when its condition is true.
 */
import {
  checkQuery,
  componentCount,
  DEFAULT_METRIC_OPTIONS,
  metricValue,
  sortMetricRows,
  type Dimension,
  type Expr,
  type FactDecl,
  type FactId,
  type MetricDecl,
  type MetricOptions,
  type MetricQuery,
  type MetricRow,
  type Scalar,
} from './metric-language';
import { FACTS } from './metrics';

/** Rows of the tables a fact reads, by table name (e.g. `calls`, `order_lines`). */
export type MetricTables = Readonly<Record<string, readonly Readonly<Record<string, unknown>>[]>>;

/** Team membership: one entry per CSR (user name) and team (name). */
export interface RosterEntry {
  agentId: string;
  team: string;
}

export interface MetricData {
  tables: MetricTables;
  roster: readonly RosterEntry[];
}

type Row = Record<string, Scalar>;
type Value = Scalar | boolean;

const scalar = (v: unknown): Scalar => (v === undefined || v === null ? null : typeof v === 'number' || typeof v === 'string' ? v : typeof v === 'bigint' ? Number(v) : String(v));

/** The rows of a fact: each base row with its lookups (skipped when one is missing, like an inner join), fields renamed. */
export function factRows(fact: FactDecl, tables: MetricTables, options: MetricOptions): Row[] {
  const lookups = (fact.lookups ?? []).map((l) => {
    const byKey = new Map<unknown, Readonly<Record<string, unknown>>>();
    for (const r of tables[l.table] ?? []) byKey.set(r[l.key], r);
    return { ...l, byKey };
  });
  const out: Row[] = [];
  for (const baseRow of tables[fact.table] ?? []) {
    const sources: Record<string, Readonly<Record<string, unknown>>> = { base: baseRow };
    let missing = false;
    for (const l of lookups) {
      const v = baseRow[l.via];
      const hit = v === null || v === undefined ? undefined : l.byKey.get(v);
      if (!hit) {
        missing = true;
        break;
      }
      sources[l.alias] = hit;
    }
    if (missing) continue;
    const row: Row = {};
    for (const [name, src] of Object.entries(fact.fields)) row[name] = scalar(sources[src.from]![src.column]);
    if (fact.where && evaluate(fact.where, row, null, tables, options) !== true) continue;
    out.push(row);
  }
  return out;
}

const factCache = new WeakMap<MetricTables, Map<string, Row[]>>();
function cachedFactRows(id: FactId, tables: MetricTables, options: MetricOptions): Row[] {
  let byFact = factCache.get(tables);
  if (!byFact) factCache.set(tables, (byFact = new Map()));
  let rows = byFact.get(id);
  if (!rows) byFact.set(id, (rows = factRows(FACTS[id], tables, options)));
  return rows;
}

/** One expression on one row (and the outer row inside an exists), with SQL's three-valued logic. */
export function evaluate(e: Expr, row: Row, outerRow: Row | null, tables: MetricTables, options: MetricOptions): Value {
  const ev = (x: Expr) => evaluate(x, row, outerRow, tables, options);
  switch (e.k) {
    case 'field':
      if (!(e.name in row)) throw new RangeError(`No field ${e.name}.`);
      return row[e.name]!;
    case 'outer':
      if (!outerRow) throw new RangeError('outer() outside exists');
      return outerRow[e.name]!;
    case 'lit':
      return e.value;
    case 'param':
      return options[e.name];
    case 'cmp': {
      const a = ev(e.a);
      const b = ev(e.b);
      if (a === null || b === null) return null;
      switch (e.op) {
        case '=':
          return a === b;
        case '<>':
          return a !== b;
        case '<':
          return a < b;
        case '<=':
          return a <= b;
        case '>':
          return a > b;
        case '>=':
          return a >= b;
      }
      break;
    }
    case 'in': {
      const a = ev(e.a);
      if (a === null) return null;
      return (e.values as readonly Value[]).includes(a);
    }
    case 'isNull':
      return ev(e.a) === null;
    case 'and': {
      let unknown = false;
      for (const item of e.items) {
        const v = ev(item);
        if (v === false) return false;
        if (v === null) unknown = true;
      }
      return unknown ? null : true;
    }
    case 'or': {
      let unknown = false;
      for (const item of e.items) {
        const v = ev(item);
        if (v === true) return true;
        if (v === null) unknown = true;
      }
      return unknown ? null : false;
    }
    case 'not': {
      const v = ev(e.a);
      return v === null ? null : !v;
    }
    case 'add': {
      let total = 0;
      for (const item of e.items) {
        const v = ev(item);
        if (v === null) return null;
        total += Number(v);
      }
      return total;
    }
    case 'sub': {
      const a = ev(e.a);
      const b = ev(e.b);
      return a === null || b === null ? null : Number(a) - Number(b);
    }
    case 'greatest': {
      const a = ev(e.a);
      const b = ev(e.b);
      return a === null || b === null ? null : Math.max(Number(a), Number(b));
    }
    case 'startsWith': {
      const a = ev(e.a);
      return a === null ? null : String(a).startsWith(e.prefix);
    }
    case 'exists':
      return cachedFactRows(e.fact, tables, options).some((inner) => evaluate(e.where, inner, row, tables, options) === true);
    case 'sumOf': {
      // SQL's sum leaves nulls out; the compiled query coalesces a sum over no row to 0.
      let total = 0;
      for (const inner of cachedFactRows(e.fact, tables, options)) {
        if (evaluate(e.where, inner, row, tables, options) !== true) continue;
        const v = evaluate(e.of, inner, row, tables, options);
        if (v !== null) total += Number(v);
      }
      return total;
    }
  }
}

/** The UTC calendar day (YYYY-MM-DD) of an instant in ms. */
export function utcDay(ms: number): string {
  return new Date(Math.trunc(ms / 1000) * 1000).toISOString().slice(0, 10);
}

/** A row the metric counts: the fact row, what it adds (see metricValue's components), and the group keys it falls in. */
interface CountedRow {
  row: Row;
  part: number[];
  keys: Record<string, string | null>[];
}

/** The rows `query` counts for `metric`, each with its part and, for `groupBy`, its keys. */
function countedRows(metric: MetricDecl, query: MetricQuery, groupBy: readonly Dimension[], data: MetricData): CountedRow[] {
  const fact = FACTS[metric.fact];
  const options: MetricOptions = { ...DEFAULT_METRIC_OPTIONS, ...query.options };
  const filter = query.filter ?? {};
  const teamsOf = new Map<string, string[]>();
  for (const r of data.roster) {
    const list = teamsOf.get(r.agentId) ?? [];
    if (!list.includes(r.team)) list.push(r.team);
    teamsOf.set(r.agentId, list);
  }
  const out: CountedRow[] = [];
  for (const row of cachedFactRows(fact.id, data.tables, options)) {
    const at = row[metric.time];
    const agent = row[fact.agentField];
    if (filter.from !== undefined && !(at !== null && Number(at) >= filter.from)) continue;
    if (filter.to !== undefined && !(at !== null && Number(at) < filter.to)) continue;
    if (filter.team !== undefined && !(typeof agent === 'string' && (teamsOf.get(agent) ?? []).includes(filter.team))) continue;
    if (filter.csr !== undefined && agent !== filter.csr) continue;
    if (filter.channel !== undefined && row[fact.channelField!] !== filter.channel) continue;
    if (filter.campaign !== undefined && row[fact.campaignField!] !== filter.campaign) continue;
    if (filter.currency !== undefined && row[fact.currencyField!] !== filter.currency) continue;
    if (metric.where && evaluate(metric.where, row, null, data.tables, options) !== true) continue;

    // The row's part: the same integers each SQL aggregate adds up.
    const agg = metric.aggregate;
    let part: number[];
    switch (agg.kind) {
      case 'count':
        part = [1];
        break;
      case 'sum':
        part = [Number(evaluate(agg.of, row, null, data.tables, options))];
        break;
      case 'average':
        part = [Number(evaluate(agg.of, row, null, data.tables, options)), 1];
        break;
      case 'ratio':
        part = [evaluate(agg.numerator, row, null, data.tables, options) === true ? 1 : 0, 1];
        break;
    }

    // The group keys the row falls in: one, or one per team of its CSR (none when in no team).
    let keys: Record<string, string | null>[] = [{}];
    for (const d of groupBy) {
      const next: Record<string, string | null>[] = [];
      for (const k of keys) {
        switch (d) {
          case 'csr':
            next.push({ ...k, csr: agent === null ? null : String(agent) });
            break;
          case 'team':
            for (const t of typeof agent === 'string' ? (teamsOf.get(agent) ?? []) : []) next.push({ ...k, team: t });
            break;
          case 'day':
            next.push({ ...k, day: at === null ? null : utcDay(Number(at)) });
            break;
          case 'channel':
            next.push({ ...k, channel: row[fact.channelField!] === null ? null : String(row[fact.channelField!]) });
            break;
          case 'campaign':
            next.push({ ...k, campaign: row[fact.campaignField!] === null ? null : String(row[fact.campaignField!]) });
            break;
        }
      }
      keys = next;
    }
    out.push({ row, part, keys });
  }
  return out;
}

/** The answer to `query` for `metric`, from plain rows. */
export function computeMetric(metric: MetricDecl, query: MetricQuery, data: MetricData): MetricRow[] {
  checkQuery(metric, FACTS[metric.fact], query);
  const groupBy: readonly Dimension[] = query.groupBy ?? [];
  const groups = new Map<string, MetricRow>();
  const width = componentCount(metric.aggregate);
  if (groupBy.length === 0) groups.set('[]', { key: {}, components: new Array<number>(width).fill(0), value: null });
  for (const { part, keys } of countedRows(metric, query, groupBy, data)) {
    for (const key of keys) {
      const id = JSON.stringify(groupBy.map((d) => key[d]));
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { key, components: new Array<number>(width).fill(0), value: null }));
      part.forEach((p, i) => (g.components[i]! += p));
    }
  }
  const rows = [...groups.values()].map((g) => ({ ...g, value: metricValue(metric.aggregate, g.components) }));
  return sortMetricRows(rows, groupBy);
}

/**
 * The rows behind one number (as compileMetricRowsSql): the fact rows of group `key` that `query`
 * counts, by time (none last) then id, one page, each with its part (1 for a count, the measure
 * for a sum or an average, 1 or 0 for a ratio's numerator).
 */
export function computeMetricRows(
  metric: MetricDecl,
  query: MetricQuery,
  drill: { key: Readonly<Record<string, string | null>>; limit: number; offset?: number },
  data: MetricData,
): { fields: Row; part: number }[] {
  const dims = Object.keys(drill.key) as Dimension[];
  checkQuery(metric, FACTS[metric.fact], { ...query, groupBy: dims });
  const time = metric.time;
  const inGroup = countedRows(metric, query, dims, data).filter((c) => c.keys.some((k) => dims.every((d) => k[d] === drill.key[d])));
  inGroup.sort((x, y) => {
    const a = x.row[time] ?? null;
    const b = y.row[time] ?? null;
    if (a !== b) {
      if (a === null) return 1;
      if (b === null) return -1;
      return Number(a) - Number(b);
    }
    const i = String(x.row.id);
    const j = String(y.row.id);
    return i < j ? -1 : i > j ? 1 : 0;
  });
  const offset = drill.offset ?? 0;
  return inGroup.slice(offset, offset + drill.limit).map((c) => ({ fields: { ...c.row }, part: c.part[0]! }));
}
