/**
 * The dashboard's rollup on the store (issue 22, Scale): every metric of METRICS summed per UTC day
 * and CSR (and channel, campaign, currency where its fact has them) in report_rollup, so a
 * dashboard of a year reads a few hundred thousand sums instead of millions of rows — and never
 * gives another answer than the rows would:
 *
 * - **Written from the declarations.** A day's rows are what compileMetricRollupSql (metric-sql.ts),
 *   the metric's own query grouped finer, answers for that day; every metric's components are
 *   integer counts and sums, so any period of whole days, team (its CSRs, from the roster when
 *   asked), CSR, channel, campaign and currency is a sum of them.
 * - **Which days hold.** A day is read from the rollup only when it is in report_rollup_days (it
 *   was built, from the declarations as they are now: ROLLUP_VERSION) and not in report_dirty. The triggers of migration report_rollup
 *   (rollup-triggers.ts) add to report_dirty, in the writing transaction, every day a write may
 *   change a metric of: its rows' own days and the days of rows whose condition reads it (a repeat
 *   call, a customer's other orders, an order line's offer…).
 * - **The answer.** runMetricGroupWithRollup reads, in one snapshot (REPEATABLE READ), which days of
 *   the period hold, sums the rollup rows of those and asks the compiled query for the other days
 *   (dirty, or never built: the live answer), and adds the two; groups and values as the compiled
 *   query gives them. Queries it cannot answer from the rollup (options other than the defaults, a
 *   period not of whole days, groupings other than day and CSR) go to the compiled query whole.
 * - **Rebuilding.** rebuildRollupDays deletes and recomputes some days in one REPEATABLE READ
 *   transaction under an advisory lock (one refresher among several store processes), records them
 *   as built and deletes the dirty marks it saw — a mark added by a write that committed after its
 *   snapshot is not visible to it, stays, and makes the day dirty again. The refresher
 *   (startRollupRefresher) rebuilds dirty days and then builds the days never built, in batches, on
 *   a timer, from the server's start to its close.
 */
import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { componentCount, metricValue, sortMetricRows, type MetricDecl, type MetricQuery, type MetricRow } from '../../../src-shared/domain/metric-language';
import { compileMetricRollupSql, ROSTER_SQL } from '../../../src-shared/domain/metric-sql';
import { FACTS, METRICS } from '../../../src-shared/domain/metrics';
import type { StoreDb, StoreKind } from '../db/connect';
import type { StoreTx } from '../sync/mutations/refusal';
import { runMetricGroupOnStore, toDrizzleSql } from './metrics';

type Db = StoreDb | StoreTx;

const DAY_MS = 86_400_000;
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const dayStart = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** pg_try_advisory_xact_lock key of the rebuilds: one at a time whichever store process runs it. */
export const ROLLUP_LOCK_KEY = 5179022;
/** Above this many stretches of days that do not hold, the whole period is asked of the rows (one query instead of many). */
export const MAX_LIVE_RANGES = 6;
/** How often the server's refresher runs (main.ts; SWITCHBOARD_ROLLUP_MS). */
export const REPORT_ROLLUP_EVERY_MS = 5_000;
/** How far before and after now the refresher builds days that were never built. */
export const BUILD_SPAN_MS = { back: 20 * 366 * DAY_MS, ahead: 366 * DAY_MS };
/** Days rebuilt in one transaction. */
export const ROLLUP_BATCH_DAYS = 31;

/** Every metric is rolled up: each is placed in a day by its time field and its components are integer counts and sums. */
export const ROLLUP_METRICS: readonly MetricDecl[] = Object.values(METRICS);
const ROLLED = new Set(ROLLUP_METRICS.map((m) => m.id));
/**
 * The declarations the rollup's days were built from (every metric and fact, and the rollup's own
 * query of one): a day built from other ones (before an upgrade changed a metric) is not read, and
 * the refresher builds it again.
 */
export const ROLLUP_VERSION = createHash('sha256')
  .update(JSON.stringify([ROLLUP_METRICS, FACTS, ROLLUP_METRICS.map((m) => compileMetricRollupSql(m, { from: 0, to: DAY_MS }).text)]))
  .digest('hex')
  .slice(0, 16);
const metricList = sql.raw(ROLLUP_METRICS.map((m) => `'${m.id}'`).join(', '));

async function rowsOf(db: Db, query: SQL): Promise<Record<string, unknown>[]> {
  return ((await db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;
}

/** Consecutive days as [first, last] stretches. */
export function stretches(days: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const d of [...days].sort()) {
    const last = out[out.length - 1];
    if (last && dayStart(d) === dayStart(last[1]) + DAY_MS) last[1] = d;
    else out.push([d, d]);
  }
  return out;
}

function daysBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = dayStart(first), end = dayStart(last); t <= end; t += DAY_MS) out.push(dayOf(t));
  return out;
}

/** Whether the rollup can answer `query` for these metrics (the rest of the period from the rows). */
function rollupAnswers(metrics: readonly MetricDecl[], query: MetricQuery): boolean {
  const f = query.filter;
  if (!f || f.from === undefined || f.to === undefined || f.from % DAY_MS !== 0 || f.to % DAY_MS !== 0 || f.to <= f.from) return false;
  if (query.options && Object.keys(query.options).length > 0) return false;
  if ((query.groupBy ?? []).some((d) => d !== 'day' && d !== 'csr')) return false;
  return metrics.every((m) => ROLLED.has(m.id));
}

/** The days of first…last that the rollup holds now: built and not dirty. */
export async function holdingDays(db: Db, first: string, last: string): Promise<Set<string>> {
  const rows = await rowsOf(
    db,
    sql`SELECT d.day FROM report_rollup_days d WHERE d.day >= ${first} AND d.day <= ${last} AND d.version = ${ROLLUP_VERSION}
         AND NOT EXISTS (SELECT 1 FROM report_dirty x WHERE x.day = d.day)`,
  );
  return new Set(rows.map((r) => String(r.day)));
}

/** The metrics' rows summed from the rollup over `held` stretches of days, filtered and grouped as `query` asks. */
async function fromRollup(db: Db, metrics: readonly MetricDecl[], query: MetricQuery, held: [string, string][]): Promise<Map<string, MetricRow[]>> {
  const f = query.filter!;
  const groupBy = query.groupBy ?? [];
  const cols = groupBy.map((d) => sql.raw(d === 'day' ? 'day' : 'csr'));
  const where: SQL[] = [
    sql`metric IN (${sql.join(
      metrics.map((m) => sql`${m.id}`),
      sql`, `,
    )})`,
    sql`(${sql.join(
      held.map(([a, b]) => sql`(day >= ${a} AND day <= ${b})`),
      sql` OR `,
    )})`,
  ];
  if (f.csr !== undefined) where.push(sql`csr = ${f.csr}`);
  if (f.team !== undefined) where.push(sql`csr IN (SELECT rt.agent_id FROM (${sql.raw(ROSTER_SQL.postgres)}) rt WHERE rt.team = ${f.team})`);
  if (f.channel !== undefined) where.push(sql`channel = ${f.channel}`);
  if (f.campaign !== undefined) where.push(sql`campaign = ${f.campaign}`);
  if (f.currency !== undefined) where.push(sql`currency = ${f.currency}`);
  const select = [sql.raw('metric'), ...cols.map((c, i) => sql`${c} AS ${sql.raw(`g${i}`)}`), sql.raw('sum(c0)::text AS c0, sum(c1)::text AS c1')];
  const rows = await rowsOf(
    db,
    sql`SELECT ${sql.join(select, sql`, `)} FROM report_rollup WHERE ${sql.join(where, sql` AND `)} GROUP BY ${sql.join([sql.raw('metric'), ...cols], sql`, `)}`,
  );
  const out = new Map<string, MetricRow[]>(metrics.map((m) => [m.id, []]));
  const byId = new Map(metrics.map((m) => [m.id, m]));
  for (const r of rows) {
    const m = byId.get(String(r.metric))!;
    const key: Record<string, string | null> = {};
    groupBy.forEach((d, i) => (key[d] = r[`g${i}`] === null || r[`g${i}`] === undefined ? null : String(r[`g${i}`])));
    const components = [Number(r.c0), Number(r.c1)].slice(0, componentCount(m.aggregate));
    out.get(m.id)!.push({ key, components, value: metricValue(m.aggregate, components) });
  }
  return out;
}

/** Answers of the same metric over disjoint days added up, group by group. */
function addAnswers(metric: MetricDecl, groupBy: MetricQuery['groupBy'], parts: readonly MetricRow[][]): MetricRow[] {
  const dims = groupBy ?? [];
  const sums = new Map<string, MetricRow>();
  for (const rows of parts) {
    for (const r of rows) {
      const k = JSON.stringify(dims.map((d) => r.key[d] ?? null));
      const have = sums.get(k);
      if (have) have.components = have.components.map((c, i) => c + (r.components[i] ?? 0));
      else sums.set(k, { key: { ...r.key }, components: [...r.components], value: null });
    }
  }
  const out = [...sums.values()];
  for (const r of out) r.value = metricValue(metric.aggregate, r.components);
  return sortMetricRows(out, dims);
}

/**
 * Several metrics of one fact and time field for one query (as runMetricGroupOnStore), the days the
 * rollup holds read from it and the others from the rows. Run it in one snapshot (inReportSnapshot).
 */
export async function runMetricGroupWithRollup(
  db: Db,
  metrics: readonly MetricDecl[],
  query: MetricQuery = {},
  holdingOf: (first: string, last: string) => Promise<Set<string>> = (first, last) => holdingDays(db, first, last),
): Promise<MetricRow[][]> {
  if (!rollupAnswers(metrics, query)) return runMetricGroupOnStore(db, metrics, query);
  const f = query.filter!;
  const first = dayOf(f.from!);
  const last = dayOf(f.to! - DAY_MS);
  const holding = await holdingOf(first, last);
  if (holding.size === 0) return runMetricGroupOnStore(db, metrics, query);
  const days = daysBetween(first, last);
  const live = stretches(days.filter((d) => !holding.has(d)));
  if (live.length > MAX_LIVE_RANGES) return runMetricGroupOnStore(db, metrics, query);
  const rolled = await fromRollup(db, metrics, query, stretches([...holding]));
  const liveParts: MetricRow[][][] = [];
  for (const [a, b] of live) {
    liveParts.push(await runMetricGroupOnStore(db, metrics, { ...query, filter: { ...f, from: dayStart(a), to: dayStart(b) + DAY_MS } }));
  }
  return metrics.map((m, i) => addAnswers(m, query.groupBy, [rolled.get(m.id)!, ...liveParts.map((p) => p[i]!)]));
}

/**
 * A runner for one dashboard inside one snapshot (inReportSnapshot): runMetricGroupWithRollup with
 * the days the rollup holds read once per period (the period and the previous one), not per query.
 * Its queries run one after another on the snapshot's connection.
 */
export function rollupRunner(db: Db): (metrics: readonly MetricDecl[], query: MetricQuery) => Promise<MetricRow[][]> {
  const held = new Map<string, Promise<Set<string>>>();
  const holdingOf = (first: string, last: string) => {
    const k = `${first}/${last}`;
    if (!held.has(k)) held.set(k, holdingDays(db, first, last));
    return held.get(k)!;
  };
  return (metrics, query) => runMetricGroupWithRollup(db, metrics, query, holdingOf);
}

/**
 * Runs `use` in one snapshot: on PostgreSQL a REPEATABLE READ transaction with JIT off (see
 * withoutJit: it costs more than it saves on these queries); on PGlite a transaction (its one
 * connection runs nothing else meanwhile).
 */
export async function inReportSnapshot<T>(db: StoreDb, kind: StoreKind, use: (db: Db) => Promise<T>): Promise<T> {
  if (kind !== 'postgres') return db.transaction(async (tx) => use(tx));
  return db.transaction(
    async (tx) => {
      await tx.execute(sql`SET LOCAL jit = off`);
      return use(tx);
    },
    { isolationLevel: 'repeatable read' },
  );
}

/**
 * Rebuilds the rollup of the days first…last: deletes their rows, writes them again from the
 * compiled queries, records them as built at `now` and deletes the dirty marks of those days its
 * snapshot sees, all in one REPEATABLE READ transaction. False when another process holds the lock.
 */
export async function rebuildRollupDays(db: StoreDb, kind: StoreKind, first: string, last: string, now: number): Promise<boolean> {
  const work = async (tx: Db): Promise<boolean> => {
    // The first statement takes the snapshot every later one reads.
    const locked = await rowsOf(tx, sql`SELECT pg_try_advisory_xact_lock(${ROLLUP_LOCK_KEY}) AS ok`);
    if (locked[0]?.ok !== true) return false;
    if (kind === 'postgres') await tx.execute(sql`SET LOCAL jit = off`);
    await tx.execute(sql`DELETE FROM report_rollup WHERE metric IN (${metricList}) AND day >= ${first} AND day <= ${last}`);
    const period = { from: dayStart(first), to: dayStart(last) + DAY_MS };
    for (const m of ROLLUP_METRICS) {
      const compiled = toDrizzleSql(compileMetricRollupSql(m, period));
      await tx.execute(
        sql`INSERT INTO report_rollup (metric, day, csr, channel, campaign, currency, c0, c1)
            SELECT ${m.id}, q.day, q.csr, q.channel, q.campaign, q.currency, q.c0, q.c1 FROM (${compiled}) q`,
      );
    }
    await tx.execute(
      sql`INSERT INTO report_rollup_days (day, built_at, version)
          SELECT to_char(d, 'YYYY-MM-DD'), ${now}, ${ROLLUP_VERSION} FROM generate_series(${first}::date, ${last}::date, interval '1 day') d
          ON CONFLICT (day) DO UPDATE SET built_at = excluded.built_at, version = excluded.version`,
    );
    await tx.execute(sql`DELETE FROM report_dirty WHERE day >= ${first} AND day <= ${last}`);
    return true;
  };
  if (kind !== 'postgres') return db.transaction(async (tx) => work(tx));
  return db.transaction(async (tx) => work(tx), { isolationLevel: 'repeatable read' });
}

/** Up to `limit` dirty days, earliest first. */
async function dirtyDays(db: Db, limit: number): Promise<string[]> {
  return (await rowsOf(db, sql`SELECT DISTINCT day FROM report_dirty ORDER BY day LIMIT ${limit}`)).map((r) => String(r.day));
}

/** The days from the earliest instant a metric places a row at to the latest (or today, if later). */
async function historyDays(db: Db, now: number): Promise<[string, string] | null> {
  const r = (
    await rowsOf(
      db,
      sql`SELECT least((SELECT min(started_at) FROM calls), (SELECT min(opened_at) FROM complaints), (SELECT min(resolved_at) FROM complaints),
                       (SELECT min(presented_at) FROM offers), (SELECT min(placed_at) FROM orders))::text AS lo,
                 greatest((SELECT max(started_at) FROM calls), (SELECT max(opened_at) FROM complaints), (SELECT max(resolved_at) FROM complaints),
                       (SELECT max(presented_at) FROM offers), (SELECT max(placed_at) FROM orders))::text AS hi`,
    )
  )[0];
  if (!r || r.lo === null || r.lo === undefined) return null;
  // A row dated absurdly far off (a workstation's clock) does not make years of empty days to build: those are asked of the rows.
  const lo = Math.max(Number(r.lo), now - BUILD_SPAN_MS.back);
  const hi = Math.min(Math.max(Number(r.hi), now), now + BUILD_SPAN_MS.ahead);
  return lo > hi ? null : [dayOf(lo), dayOf(hi)];
}

/** The days of the history the rollup has never built, earliest first. */
async function unbuiltDays(db: Db, now: number): Promise<string[]> {
  const span = await historyDays(db, now);
  if (!span) return [];
  const built = new Set((await rowsOf(db, sql`SELECT day FROM report_rollup_days WHERE day >= ${span[0]} AND day <= ${span[1]} AND version = ${ROLLUP_VERSION}`)).map((r) => String(r.day)));
  return daysBetween(span[0], span[1]).filter((d) => !built.has(d));
}

/** Whether the rollup holds every day of the history, from these declarations, none dirty. */
export async function rollupComplete(db: Db, now: number): Promise<boolean> {
  return (await dirtyDays(db, 1)).length === 0 && (await unbuiltDays(db, now)).length === 0;
}

export interface RefreshResult {
  /** Days rebuilt (dirty ones, then ones never built). */
  days: number;
  /** Whether the rollup holds every day of the history and no dirty day is left (as far as this pass saw). */
  done: boolean;
}

/**
 * One pass: rebuilds the dirty days, then (unless `dirtyOnly`) builds the days never built, in
 * batches of ROLLUP_BATCH_DAYS consecutive days, until none is left, `maxBatches` are done or
 * `shouldStop` says so.
 */
export async function refreshRollup(
  db: StoreDb,
  kind: StoreKind,
  now: () => number,
  options: { dirtyOnly?: boolean; maxBatches?: number; shouldStop?: () => boolean; onBatch?: (first: string, last: string) => void } = {},
): Promise<RefreshResult> {
  let days = 0;
  let batches = 0;
  const room = () => batches < (options.maxBatches ?? Infinity) && !options.shouldStop?.();
  const rebuild = async (todo: readonly string[]): Promise<boolean> => {
    for (const [a, b] of stretches(todo)) {
      for (let t = dayStart(a); t <= dayStart(b) && room(); t += ROLLUP_BATCH_DAYS * DAY_MS) {
        const first = dayOf(t);
        const last = dayOf(Math.min(dayStart(b), t + (ROLLUP_BATCH_DAYS - 1) * DAY_MS));
        if (!(await rebuildRollupDays(db, kind, first, last, now()))) return false;
        options.onBatch?.(first, last);
        batches++;
        days += daysBetween(first, last).length;
      }
    }
    return true;
  };
  // A few rounds: days dirtied again meanwhile (today, on a busy store) wait for the next pass.
  for (let round = 0; round < 4; round++) {
    if (!room()) return { days, done: false };
    const dirty = await dirtyDays(db, ROLLUP_BATCH_DAYS * 4);
    if (dirty.length === 0) break;
    if (!(await rebuild(dirty))) return { days, done: false };
  }
  if (options.dirtyOnly) return { days, done: false };
  const unbuilt = await unbuiltDays(db, now());
  const ok = await rebuild(unbuilt);
  // After building many days: the planner's statistics and the visibility map (sums from the index
  // alone) at once, not whenever autovacuum comes by.
  if (unbuilt.length >= ROLLUP_BATCH_DAYS) await db.execute(sql`VACUUM (ANALYZE) report_rollup`);
  if (!ok) return { days, done: false };
  return { days, done: room() && (await dirtyDays(db, 1)).length === 0 && (await unbuiltDays(db, now())).length === 0 };
}

/**
 * Keeps the rollup up to date while the server runs: a pass of refreshRollup once the server is
 * ready and then every `everyMs` (a pass already running is not started twice); stopped on close
 * (the running batch finishes).
 */
export function startRollupRefresher(app: FastifyInstance, everyMs: number): void {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closing = false;
  const pass = () => {
    if (running || closing) return;
    running = refreshRollup(app.store.db, app.store.kind, app.clock, { shouldStop: () => closing })
      .then((r) => {
        if (r.days > 0) app.log.info({ days: r.days }, 'report rollup: days rebuilt');
      })
      .catch((e: unknown) => app.log.warn({ err: e }, 'report rollup: refresh failed; trying again at the next pass'))
      .finally(() => {
        running = undefined;
      });
  };
  app.addHook('onReady', async () => {
    pass();
    timer = setInterval(pass, everyMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    closing = true;
    clearInterval(timer);
    await running;
  });
}
