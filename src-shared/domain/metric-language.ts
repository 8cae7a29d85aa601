/**
 * The small language metrics are declared in (issue 22, "One definition of every metric"), in the
 * spirit of a semantic layer (dbt MetricFlow, Cube): a metric is declared once, as data, and the
 * store's PostgreSQL query, the workstation's SQLite query and the plain TypeScript reference the
 * tests use are all compiled from that one declaration (metric-sql.ts, metric-reference.ts).
 *
 * Three layers:
 * - a **fact** is a set of rows the metrics count: one table of the schemas (the same table and
 *   column names in the store and the cache), optionally with many-to-one lookups into other
 *   tables, renamed to camelCase fields (e.g. `calls.talk_ms` → `talkMs`);
 * - an **expression** is a condition or a number over one fact row, with SQL's rules for null
 *   (a comparison with null is unknown, and an unknown condition does not count), so the three
 *   compilations agree also on missing values;
 * - a **metric** picks a fact, the rows it counts (`where`), the instant that places a row in a
 *   period (`time`), and how the rows add up (`aggregate`: count, sum, average or ratio).
 *
 * Nothing here runs a query: this module is data and the vocabulary to write it.
 */

/** A value a field holds: integers (times in ms since the epoch, money in minor units) or text. */
export type Scalar = string | number | null;

/**
 * Comparisons. Order (`<`, `<=`, `>`, `>=`) is for numbers, and for row ids (lowercase UUIDs: a
 * `uuid` in PostgreSQL, binary text in SQLite, code units in TypeScript — the same order in all
 * three, used only to break ties between rows at the same instant). Other text order depends on
 * the database's collation, which the store and the cache do not share.
 */
export type Comparison = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** A condition or a number over one row of a fact. */
export type Expr =
  /** A field of the row being counted. */
  | { k: 'field'; name: string }
  /** Inside `exists`: a field of the row the exists is asked about (the outer row). */
  | { k: 'outer'; name: string }
  /** A constant written in the declaration (never user input: it is inlined into the SQL). */
  | { k: 'lit'; value: Scalar }
  /** A named option of the query (e.g. the repeat-call window), bound as a query parameter. */
  | { k: 'param'; name: MetricOptionName }
  | { k: 'cmp'; op: Comparison; a: Expr; b: Expr }
  | { k: 'in'; a: Expr; values: readonly (string | number)[] }
  | { k: 'isNull'; a: Expr }
  | { k: 'and'; items: readonly Expr[] }
  | { k: 'or'; items: readonly Expr[] }
  | { k: 'not'; a: Expr }
  | { k: 'add'; items: readonly Expr[] }
  | { k: 'sub'; a: Expr; b: Expr }
  /** The larger of two numbers (both never null where it is used). */
  | { k: 'greatest'; a: Expr; b: Expr }
  /** True when the text starts with `prefix` (null text: unknown). */
  | { k: 'startsWith'; a: Expr; prefix: string }
  /** True when at least one row of `fact` satisfies `where` (which may read the outer row with `outer`). */
  | { k: 'exists'; fact: FactId; where: Expr }
  /**
   * The sum of `of` over the rows of `fact` that satisfy `where` (which may read the outer row
   * with `outer`), nulls left out as SQL's sum does; no such row: 0 (never null).
   */
  | { k: 'sumOf'; fact: FactId; where: Expr; of: Expr };

/** Options a query takes beside its filter; each has a default written in words where it is used. */
export interface MetricOptions {
  /** First-contact resolution: how long after a call a repeat call on the same issue makes it unresolved. Default 7 days. */
  repeatWindowMs: number;
  /** Repeat buyers: how long after a customer's first order a second one makes them a repeat buyer. Default 12 months (365 days). */
  repeatPurchaseWindowMs: number;
  /** Repurchase after a resolved complaint (and its baseline): how long after the resolution (or the order) a purchase counts. Default 90 days. */
  repurchaseWindowMs: number;
}
export type MetricOptionName = keyof MetricOptions;
export const DEFAULT_METRIC_OPTIONS: MetricOptions = {
  repeatWindowMs: 7 * 86_400_000,
  repeatPurchaseWindowMs: 365 * 86_400_000,
  repurchaseWindowMs: 90 * 86_400_000,
};

// ——— Builders: declarations read close to their words ———

export const field = (name: string): Expr => ({ k: 'field', name });
export const outer = (name: string): Expr => ({ k: 'outer', name });
export const lit = (value: Scalar): Expr => ({ k: 'lit', value });
export const param = (name: MetricOptionName): Expr => ({ k: 'param', name });
const val = (v: Expr | Scalar): Expr => (v !== null && typeof v === 'object' ? v : lit(v));
export const eq = (a: Expr, b: Expr | Scalar): Expr => ({ k: 'cmp', op: '=', a, b: val(b) });
export const ne = (a: Expr, b: Expr | Scalar): Expr => ({ k: 'cmp', op: '<>', a, b: val(b) });
export const lt = (a: Expr, b: Expr | Scalar): Expr => ({ k: 'cmp', op: '<', a, b: val(b) });
export const lte = (a: Expr, b: Expr | Scalar): Expr => ({ k: 'cmp', op: '<=', a, b: val(b) });
export const gt = (a: Expr, b: Expr | Scalar): Expr => ({ k: 'cmp', op: '>', a, b: val(b) });
export const gte = (a: Expr, b: Expr | Scalar): Expr => ({ k: 'cmp', op: '>=', a, b: val(b) });
export const oneOf = (a: Expr, values: readonly (string | number)[]): Expr => ({ k: 'in', a, values });
export const isNull = (a: Expr): Expr => ({ k: 'isNull', a });
export const notNull = (a: Expr): Expr => ({ k: 'not', a: { k: 'isNull', a } });
export const and = (...items: Expr[]): Expr => ({ k: 'and', items });
export const or = (...items: Expr[]): Expr => ({ k: 'or', items });
export const not = (a: Expr): Expr => ({ k: 'not', a });
export const add = (...items: Expr[]): Expr => ({ k: 'add', items });
export const sub = (a: Expr, b: Expr): Expr => ({ k: 'sub', a, b });
export const greatest = (a: Expr, b: Expr | Scalar): Expr => ({ k: 'greatest', a, b: val(b) });
export const startsWith = (a: Expr, prefix: string): Expr => ({ k: 'startsWith', a, prefix });
export const exists = (fact: FactId, where: Expr): Expr => ({ k: 'exists', fact, where });
export const sumOf = (fact: FactId, where: Expr, of: Expr): Expr => ({ k: 'sumOf', fact, where, of });

// ——— Facts ———

/** The facts metrics read; declared in metrics.ts (FACTS). */
export type FactId = 'calls' | 'complaints' | 'offers' | 'orders' | 'offerLines' | 'campaignOrders';

/** Where a field comes from: the base table (`base`) or one of the fact's lookups, and its column. */
export interface FieldSource {
  from: string;
  column: string;
  /** An integer column (a time in ms, a duration, money): read as a number whatever the driver gives (PostgreSQL's bigint comes as text). */
  int?: boolean;
}

/** A many-to-one lookup: the row of `table` whose `key` column equals the base's `via` column (inner join: a base row without one is not a row of the fact). */
export interface FactLookup {
  alias: string;
  table: string;
  /** A column of the base table. */
  via: string;
  /** The looked-up table's key column. */
  key: string;
}

export interface FactDecl {
  id: FactId;
  /** What one row is, in words. */
  describe: string;
  /** The base table: the same name in the store (server/src/db/schema.ts) and the cache (src-main/core/db/schema.ts). */
  table: string;
  lookups?: readonly FactLookup[];
  fields: Readonly<Record<string, FieldSource>>;
  /** Rows of the base table that are rows of the fact (none: every row). */
  where?: Expr;
  /** The field naming the CSR (a user name: `agent_id` in both schemas): the CSR and team dimensions and filters read it. */
  agentField: string;
  /** Present on order facts: the order's channel, campaign code and currency. */
  channelField?: string;
  campaignField?: string;
  currencyField?: string;
}

// ——— Metrics ———

export const METRIC_UNITS = ['count', 'ms', 'ratio', 'cents'] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];

/**
 * How the counted rows add up:
 * - `count`: how many rows; nothing counted is 0 (a count of nothing is a real zero);
 * - `sum`: the sum of `of` over the rows; nothing counted is 0;
 * - `average`: sum of `of` ÷ number of rows; nothing counted is null (no data), never 0;
 * - `ratio`: rows satisfying `numerator` ÷ all counted rows; nothing counted is null, never 0.
 * Every query returns the integer parts (components) and the value is computed from them by one
 * function (metricValue), so the three compilations give the same number to the last bit.
 */
export type Aggregate =
  | { kind: 'count' }
  | { kind: 'sum'; of: Expr }
  | { kind: 'average'; of: Expr }
  | { kind: 'ratio'; numerator: Expr };

export const DIMENSIONS = ['csr', 'team', 'day', 'channel', 'campaign'] as const;
/**
 * How a metric groups:
 * - `csr`: the user name of the CSR the fact names (agent_id);
 * - `team`: each team the CSR belongs to (the store's user_teams; on a workstation the roster synced
 *   from it, team_roster, or while none was pulled the teams of the users who signed in there); a
 *   CSR in two teams counts in both, a CSR in none in no team;
 * - `day`: the UTC calendar day (YYYY-MM-DD) of the metric's time field;
 * - `channel`: the order's channel (web, phone, store); on the metrics of first orders (repeat buyers,
 *   lifetime value) the channel the customer was acquired through;
 * - `campaign`: the order's campaign code (null: no code).
 */
export type Dimension = (typeof DIMENSIONS)[number];

export const FILTERS = ['from', 'to', 'team', 'csr', 'channel', 'campaign', 'currency'] as const;
/** What a query is restricted to. Every part is optional unless the metric requires it. */
export interface MetricFilter {
  /** Inclusive start of the period (ms since the epoch) on the metric's time field. */
  from?: number;
  /** Exclusive end of the period. */
  to?: number;
  /** A team's name: rows whose CSR is a member. */
  team?: string;
  /** A CSR's user name. */
  csr?: string;
  /** An order channel (web, phone, store). */
  channel?: string;
  /** A campaign code. */
  campaign?: string;
  /** A currency (ISO 4217): money metrics require one, amounts in two currencies are never added. */
  currency?: string;
}
export type FilterName = (typeof FILTERS)[number];

export interface MetricDecl {
  id: string;
  /** As shown beside the figure. */
  label: string;
  /**
   * The formula in words, as the user reads it on hover: what it counts, its filter, numerator and
   * denominator, its unit, and what "no data" is.
   */
  definition: string;
  unit: MetricUnit;
  fact: FactId;
  /** The rows counted (beside the query's filter). */
  where?: Expr;
  /** The field (an instant in ms) that places a row in a period and a day. */
  time: string;
  aggregate: Aggregate;
  /** The groupings that make sense for it. */
  dimensions: readonly Dimension[];
  /** Filters it must be given (money metrics need a currency). */
  requires?: readonly FilterName[];
}

/** One row of a metric's answer: the group's key (one entry per requested dimension) and its value. */
export interface MetricRow {
  key: Record<string, string | null>;
  /** The integer parts the value is computed from (count; sum; sum and count; numerator and denominator). */
  components: number[];
  value: number | null;
}

/** The value of a metric from its components; the only place the division happens. */
export function metricValue(aggregate: Aggregate, components: readonly number[]): number | null {
  switch (aggregate.kind) {
    case 'count':
    case 'sum':
      return components[0]!;
    case 'average':
    case 'ratio':
      return components[1] === 0 ? null : components[0]! / components[1]!;
  }
}

/** How many integer parts an aggregate's query returns. */
export function componentCount(aggregate: Aggregate): number {
  return aggregate.kind === 'count' || aggregate.kind === 'sum' ? 1 : 2;
}

/** Orders answers the same way whatever computed them: by key, null before any value, then text order. */
export function sortMetricRows(rows: MetricRow[], dimensions: readonly Dimension[]): MetricRow[] {
  const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
  return rows.sort((x, y) => {
    for (const d of dimensions) {
      const c = cmp(x.key[d] ?? null, y.key[d] ?? null);
      if (c !== 0) return c;
    }
    return 0;
  });
}

/** A metric asked for: its filter, its grouping and its options. */
export interface MetricQuery {
  filter?: MetricFilter;
  groupBy?: readonly Dimension[];
  options?: Partial<MetricOptions>;
}

/** Refuses a query the metric cannot answer, in a sentence: a grouping or filter that does not apply, or a required filter missing. */
export function checkQuery(metric: MetricDecl, fact: FactDecl, query: MetricQuery): void {
  for (const d of query.groupBy ?? []) {
    if (!metric.dimensions.includes(d)) throw new RangeError(`${metric.label} cannot be grouped by ${d}.`);
  }
  const f = query.filter ?? {};
  if (f.channel !== undefined && !fact.channelField) throw new RangeError(`${metric.label} has no channel: it cannot be filtered by one.`);
  if (f.campaign !== undefined && !fact.campaignField) throw new RangeError(`${metric.label} has no campaign: it cannot be filtered by one.`);
  if (f.currency !== undefined && !fact.currencyField) throw new RangeError(`${metric.label} is not money: it cannot be filtered by currency.`);
  for (const r of metric.requires ?? []) {
    if (f[r] === undefined) throw new RangeError(`${metric.label} needs a ${r} filter.`);
  }
}
