/**
 * Issue 22, property test: every metric declared in src-shared/domain/metrics.ts gives the same
 * answer three ways — the SQLite query a workstation runs on its cache, the PostgreSQL query the
 * store runs (PGlite, and the real PostgreSQL at 127.0.0.1:5432 when it is there), and the plain
 * TypeScript reference — for every filter and grouping.
 *
 * fast-check makes random histories in a small world (four CSRs, two teams with random members,
 * four customers, three disposition codes, four campaign codes, twenty days), so repeat calls, repeat
 * purchases, campaign cross-overs, satisfaction answers, ties at day boundaries,
 * empty groups, nulls (no customer, no disposition, no campaign, no CSR) and orders of every status
 * happen often. Each history is written into a migrated store and a migrated cache (whose team
 * roster is the store's team_roster, derived by its triggers, as a pull copies it), and every
 * metric is asked: with no filter and no grouping, grouped by each of its dimensions alone, and
 * with a random filter (period, team, CSR, channel, campaign, currency, repeat window) and a
 * random grouping. A failure prints the seed and the shrunk history to replay it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import type { Store } from '../../server/src/db/connect';
import { runMetricOnStore, runMetricRowsOnStore } from '../../server/src/reports/metrics';
import { runMetricOnCache, runMetricRowsOnCache } from '../../src-main/core/reports/metrics';
import { METRICS, METRIC_IDS, type MetricId } from '../../src-shared/domain/metrics';
import { computeMetric, computeMetricRows, type MetricData, type RosterEntry } from '../../src-shared/domain/metric-reference';
import { FACTS } from '../../src-shared/domain/metrics';
import type { Dimension, MetricDecl, MetricQuery } from '../../src-shared/domain/metric-language';
import { CALL_STATUSES } from '../../src-shared/domain/call';
import { COMPLAINT_STATUSES } from '../../src-shared/domain/complaint';
import { OFFER_OUTCOMES } from '../../src-shared/domain/offer';
import { ORDER_CHANNELS, ORDER_STATUSES } from '../../src-shared/domain/customer';
import { DISCOUNT_REFUSED_PREFIX } from '../../src-shared/domain/metrics';
import { tempCache, type TempCache } from '../helpers/cache';
import { pgliteBackend, postgresBackend, postgresSkipReason, type StoreBackend, type StoreLocation } from '../helpers/server-db';

const RUNS = Number(process.env.METRIC_RUNS ?? 50);
const PG_RUNS = Number(process.env.METRIC_PG_RUNS ?? 25);
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const SPAN_MINUTES = 20 * 24 * 60;

const AGENTS = ['ana', 'ben', 'cara', 'dev'] as const;
const TEAMS = ['north', 'south'] as const;
const DISPOSITIONS = ['resolved', 'callback', 'billing'] as const;
const CATEGORIES = ['damaged', 'late'] as const;
/**
 * Campaign codes orders quote: an offline campaign's, an online one's, one for both sides, and a
 * code no campaign has (CAMPAIGNS), so cross-over sales meet every case.
 */
const CAMPAIGN_CODES = ['SPRING', 'WEB10', 'ALL5', 'GHOST'] as const;
const CAMPAIGNS = [
  { code: 'SPRING', family: 'spring', channel: 'offline' },
  { code: 'WEB10', family: 'spring', channel: 'online' },
  { code: 'ALL5', family: 'all', channel: 'both' },
] as const;
const CURRENCIES = ['USD', 'EUR'] as const;

const uuid = (kind: number, n: number) => `00000000-0000-4000-8${kind.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;
const CUSTOMERS = [0, 1, 2, 3].map((n) => uuid(1, n));
const PRODUCTS = [0, 1, 2].map((n) => uuid(2, n));

type Row = Record<string, string | number | null>;
/** What an arbitrary generates. */
type Generated<A> = A extends fc.Arbitrary<infer T> ? T : never;

// ——— The random history ———

const instant = fc.tuple(fc.integer({ min: 0, max: SPAN_MINUTES }), fc.constantFrom(0, 1, 59_999)).map(([m, ms]) => T0 + m * 60_000 + ms);
const maybe = <T,>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 });

const callArb = fc.record({
  customer: maybe(fc.constantFrom(...CUSTOMERS)),
  agent: fc.constantFrom(...AGENTS),
  status: fc.constantFrom(...CALL_STATUSES, 'completed', 'completed'),
  startedAt: instant,
  talkMs: fc.integer({ min: 0, max: 900_000 }),
  holdMs: fc.constantFrom(0, 0, 15_000, 61_001),
  wrapUpMs: fc.integer({ min: 0, max: 120_000 }),
  disposition: maybe(fc.constantFrom(...DISPOSITIONS)),
  /** The caller's satisfaction answer at wrap-up (1–5), often none. */
  satisfaction: maybe(fc.integer({ min: 1, max: 5 })),
});
const complaintArb = fc.record({
  customer: fc.constantFrom(...CUSTOMERS),
  agent: fc.constantFrom(...AGENTS),
  status: fc.constantFrom(...COMPLAINT_STATUSES),
  category: fc.constantFrom(...CATEGORIES),
  openedAt: instant,
  /** Resolution after (or, to test the clamp, slightly before) the opening; null: never resolved. */
  resolvedAfter: maybe(fc.integer({ min: -60_000, max: 10 * DAY })),
});
const offerArb = fc.record({
  customer: fc.constantFrom(...CUSTOMERS),
  callIndex: maybe(fc.nat()),
  agent: fc.constantFrom(...AGENTS),
  product: fc.constantFrom(...PRODUCTS),
  outcome: fc.constantFrom(...OFFER_OUTCOMES),
  presentedAt: instant,
});
const lineArb = fc.record({
  product: fc.constantFrom(...PRODUCTS),
  /** Which offer the line came from: an index into the offers, an unknown offer (-1), or none. */
  offerIndex: maybe(fc.integer({ min: -1, max: 40 })),
  totalCents: fc.integer({ min: 0, max: 50_000 }),
});
const orderArb = fc.record({
  customer: fc.constantFrom(...CUSTOMERS),
  channel: fc.constantFrom(...ORDER_CHANNELS, 'phone'),
  agent: maybe(fc.constantFrom(...AGENTS)),
  campaign: maybe(fc.constantFrom(...CAMPAIGN_CODES)),
  status: fc.constantFrom(...ORDER_STATUSES),
  currency: fc.constantFrom(...CURRENCIES),
  totalCents: fc.integer({ min: 0, max: 200_000 }),
  manualDiscountCents: fc.constantFrom(0, 0, 500, 2_000),
  approved: fc.boolean(),
  attention: maybe(fc.constantFrom(`${DISCOUNT_REFUSED_PREFIX} sue: too generous`, 'Price changed', 'Discount')),
  placedAt: instant,
  lines: fc.array(lineArb, { maxLength: 3 }),
});
const historyArb = fc.record({
  roster: fc.tuple(...AGENTS.map(() => fc.subarray([...TEAMS]))),
  calls: fc.array(callArb, { maxLength: 30 }),
  complaints: fc.array(complaintArb, { maxLength: 12 }),
  offers: fc.array(offerArb, { maxLength: 20 }),
  orders: fc.array(orderArb, { maxLength: 12 }),
});
type History = Generated<typeof historyArb>;

const querySpecArb = fc.record({
  from: fc.option(instant, { nil: undefined }),
  to: fc.option(instant, { nil: undefined }),
  team: fc.option(fc.constantFrom(...TEAMS, 'nobody'), { nil: undefined }),
  csr: fc.option(fc.constantFrom(...AGENTS), { nil: undefined }),
  channel: fc.option(fc.constantFrom(...ORDER_CHANNELS), { nil: undefined }),
  campaign: fc.option(fc.constantFrom(...CAMPAIGN_CODES), { nil: undefined }),
  currency: fc.option(fc.constantFrom(...CURRENCIES), { nil: undefined }),
  groupBy: fc.subarray(['csr', 'team', 'day', 'channel', 'campaign'] as Dimension[], { maxLength: 2 }),
  windowDays: fc.option(fc.constantFrom(1, 2, 7, 10), { nil: undefined }),
  /** The repeat-purchase and repurchase windows (the histories span twenty days). */
  repeatPurchaseDays: fc.option(fc.constantFrom(1, 5, 30), { nil: undefined }),
  repurchaseDays: fc.option(fc.constantFrom(1, 3, 10), { nil: undefined }),
});
type QuerySpec = Generated<typeof querySpecArb>;

/** A history where every metric has a real number, tried first, so no metric passes by being always empty. */
const EVERY_METRIC_NON_ZERO: History = {
  roster: [['north'], ['north', 'south'], [], ['south']],
  calls: [
    { customer: CUSTOMERS[0]!, agent: 'ana', status: 'completed', startedAt: T0, talkMs: 1_000, holdMs: 15_000, wrapUpMs: 500, disposition: 'billing', satisfaction: 5 },
    { customer: CUSTOMERS[1]!, agent: 'ben', status: 'completed', startedAt: T0 + DAY, talkMs: 2_000, holdMs: 0, wrapUpMs: 100, disposition: 'callback', satisfaction: 1 },
  ],
  complaints: [
    { customer: CUSTOMERS[0]!, agent: 'ana', status: 'resolved', category: 'late', openedAt: T0, resolvedAfter: DAY },
    { customer: CUSTOMERS[1]!, agent: 'ben', status: 'open', category: 'damaged', openedAt: T0, resolvedAfter: null },
  ],
  offers: [{ customer: CUSTOMERS[0]!, callIndex: 0, agent: 'ana', product: PRODUCTS[0]!, outcome: 'accepted', presentedAt: T0 }],
  orders: [
    {
      customer: CUSTOMERS[0]!,
      channel: 'phone',
      agent: 'ana',
      campaign: 'SPRING',
      status: 'placed',
      currency: 'USD',
      totalCents: 5_000,
      manualDiscountCents: 500,
      approved: true,
      attention: null,
      placedAt: T0,
      lines: [{ product: PRODUCTS[0]!, offerIndex: 0, totalCents: 4_000 }],
    },
    // The same customer again, on the web with the offline campaign's code (a cross-over), after
    // their complaint was resolved: a repeat buyer, a repurchase after a complaint.
    {
      customer: CUSTOMERS[0]!,
      channel: 'web',
      agent: null,
      campaign: 'SPRING',
      status: 'paid',
      currency: 'USD',
      totalCents: 7_000,
      manualDiscountCents: 0,
      approved: false,
      attention: null,
      placedAt: T0 + 2 * DAY,
      lines: [],
    },
    // A customer who never complained, buying twice: the repurchase baseline.
    ...[0, 1].map((n): History['orders'][number] => ({
      customer: CUSTOMERS[2]!,
      channel: 'store',
      agent: null,
      campaign: null,
      status: 'delivered',
      currency: 'USD',
      totalCents: 1_000 + n,
      manualDiscountCents: 0,
      approved: false,
      attention: null,
      placedAt: T0 + n * DAY,
      lines: [],
    })),
  ],
};
const NO_SPEC: QuerySpec = {
  from: undefined,
  to: undefined,
  team: undefined,
  csr: undefined,
  channel: undefined,
  campaign: undefined,
  currency: undefined,
  groupBy: [],
  windowDays: undefined,
  repeatPurchaseDays: undefined,
  repurchaseDays: undefined,
};

/** The spec made fit for the metric: parts that do not apply dropped, a currency given when required. */
function queryFor(metric: MetricDecl, spec: QuerySpec): MetricQuery {
  const fact = FACTS[metric.fact];
  const needsCurrency = (metric.requires ?? []).includes('currency');
  return {
    filter: {
      from: spec.from,
      to: spec.to,
      team: spec.team,
      csr: spec.csr,
      channel: fact.channelField ? spec.channel : undefined,
      campaign: fact.campaignField ? spec.campaign : undefined,
      currency: fact.currencyField ? (spec.currency ?? (needsCurrency ? 'USD' : undefined)) : undefined,
    },
    groupBy: spec.groupBy.filter((d) => metric.dimensions.includes(d)),
    options: {
      ...(spec.windowDays === undefined ? {} : { repeatWindowMs: spec.windowDays * DAY }),
      ...(spec.repeatPurchaseDays === undefined ? {} : { repeatPurchaseWindowMs: spec.repeatPurchaseDays * DAY }),
      ...(spec.repurchaseDays === undefined ? {} : { repurchaseWindowMs: spec.repurchaseDays * DAY }),
    },
  };
}

/** The history as the tables' rows (snake_case), the same for the cache, the store and the reference. */
function tablesOf(h: History): { tables: Record<string, Row[]>; roster: RosterEntry[] } {
  const calls: Row[] = h.calls.map((c, i) => ({
    id: uuid(10, i),
    customer_id: c.customer,
    source: 'manual',
    agent_id: c.agent,
    status: c.status,
    started_at: c.startedAt,
    talk_ms: c.talkMs,
    hold_ms: c.holdMs,
    wrap_up_ms: c.wrapUpMs,
    disposition_code: c.disposition,
    satisfaction: c.satisfaction,
  }));
  const complaints: Row[] = h.complaints.map((c, i) => ({
    id: uuid(11, i),
    customer_id: c.customer,
    category_code: c.category,
    severity: 'low',
    description: 'Test complaint',
    status: c.status,
    resolved_at: c.resolvedAfter === null ? null : c.openedAt + c.resolvedAfter,
    opened_at: c.openedAt,
    updated_at: c.openedAt,
    agent_id: c.agent,
  }));
  const seen = new Set<string>();
  const offers: Row[] = [];
  h.offers.forEach((o, i) => {
    const callId = o.callIndex === null || calls.length === 0 ? null : (calls[o.callIndex % calls.length]!.id as string);
    // The cache holds one offer per product per call.
    if (callId !== null && seen.has(`${callId}/${o.product}`)) return;
    if (callId !== null) seen.add(`${callId}/${o.product}`);
    offers.push({
      id: uuid(12, i),
      customer_id: o.customer,
      call_id: callId,
      agent_id: o.agent,
      product_id: o.product,
      kind: 'accessory',
      reason: 'Goes with it',
      outcome: o.outcome,
      presented_at: o.presentedAt,
    });
  });
  const orders: Row[] = [];
  const lines: Row[] = [];
  h.orders.forEach((o, i) => {
    const id = uuid(13, i);
    orders.push({
      id,
      number: `SB${String(i).padStart(8, '0')}`,
      customer_id: o.customer,
      channel: o.channel,
      campaign_code: o.campaign,
      status: o.status,
      currency: o.currency,
      subtotal_cents: o.totalCents,
      total_cents: o.totalCents,
      placed_at: o.placedAt,
      agent_id: o.agent,
      manual_discount_cents: o.manualDiscountCents,
      approved_by: o.approved ? uuid(14, 1) : null,
      attention_reason: o.attention,
    });
    o.lines.forEach((l, n) => {
      const offerId = l.offerIndex === null ? null : l.offerIndex === -1 || offers.length === 0 ? uuid(15, i) : (offers[l.offerIndex % offers.length]!.id as string);
      lines.push({
        id: uuid(16, i * 10 + n),
        order_id: id,
        line_no: n + 1,
        product_id: l.product,
        customer_id: o.customer,
        placed_at: o.placedAt,
        sku: `SKU-${n}`,
        name: 'Product',
        quantity: 1,
        unit_price_cents: l.totalCents,
        total_cents: l.totalCents,
        offer_id: offerId,
      });
    });
  });
  const roster = AGENTS.flatMap((agentId, i) => h.roster[i]!.map((team) => ({ agentId, team })));
  // The campaigns are the same in every history (written once into the cache and the store, in beforeAll).
  const campaigns: Row[] = CAMPAIGNS.map((c, i) => ({ id: uuid(19, i), code: c.code, family: c.family, channel: c.channel }));
  return { tables: { calls, complaints, offers, orders, order_lines: lines, campaigns }, roster };
}

const INSERT_ORDER = ['calls', 'complaints', 'offers', 'orders', 'order_lines'] as const;
const DELETE_ORDER = ['order_lines', 'offers', 'complaints', 'orders', 'calls'] as const;

/** A team_roster row as the store derives it (migration 0017) and a pull copies it into the cache. */
type SyncedRosterRow = { user_id: string; team_id: string; username: string; display_name: string; role: string; active: boolean; team: string };

async function storeRoster(store: Store): Promise<SyncedRosterRow[]> {
  const result = (await store.db.execute(sql.raw('SELECT user_id::text AS user_id, team_id::text AS team_id, username, display_name, role, active, team FROM team_roster'))) as unknown as {
    rows: SyncedRosterRow[];
  };
  return result.rows;
}

/**
 * The cache as on a supervisor's desk where the CSRs never signed in: their local_users rows name
 * no team, and who is in which team comes only from the roster pulled from the store (copied here
 * from the store's team_roster, which its triggers derived from user_teams).
 */
function loadCache(cache: TempCache, data: MetricData, roster: readonly SyncedRosterRow[]): void {
  const db = cache.db.$client;
  db.transaction(() => {
    for (const t of DELETE_ORDER) db.prepare(`DELETE FROM ${t}`).run();
    for (const t of INSERT_ORDER) {
      for (const row of data.tables[t]!) {
        const cols = Object.keys(row);
        db.prepare(`INSERT INTO ${t} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...cols.map((c) => row[c]));
      }
    }
    db.prepare("UPDATE local_users SET teams = '[]'").run();
    db.prepare('DELETE FROM team_roster').run();
    const insert = db.prepare('INSERT INTO team_roster (user_id, team_id, username, display_name, role, active, team) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const r of roster) insert.run(r.user_id, r.team_id, r.username, r.display_name, r.role, r.active ? 1 : 0, r.team);
  })();
}

async function loadStore(store: Store, data: MetricData, userIds: Record<string, string>, teamIds: Record<string, string>): Promise<void> {
  await store.db.transaction(async (tx) => {
    for (const t of DELETE_ORDER) await tx.execute(sql.raw(`DELETE FROM ${t}`));
    await tx.execute(sql.raw('DELETE FROM user_teams'));
    for (const t of INSERT_ORDER) {
      const rows = data.tables[t]!;
      if (rows.length === 0) continue;
      const cols = Object.keys(rows[0]!);
      const values = rows.map((row) => sql`(${sql.join(cols.map((c) => sql`${row[c]}`), sql`, `)})`);
      await tx.execute(sql`INSERT INTO ${sql.raw(t)} (${sql.raw(cols.join(', '))}) VALUES ${sql.join(values, sql`, `)}`);
    }
    for (const r of data.roster) await tx.execute(sql`INSERT INTO user_teams (user_id, team_id) VALUES (${userIds[r.agentId]!}, ${teamIds[r.team]!})`);
  });
}

function suite(backend: StoreBackend, skipReason: string | undefined, runs: number) {
  describe(`every metric: SQLite, ${backend.name} and the reference agree`, () => {
    let cache: TempCache;
    let location: StoreLocation;
    let store: Store;
    const userIds: Record<string, string> = {};
    const teamIds: Record<string, string> = {};

    beforeAll(async () => {
      if (skipReason) return;
      cache = tempCache('switchboard-metrics-');
      location = await backend.freshLocation();
      store = await location.open();
      const now = T0;
      const db = cache.db.$client;
      for (const code of DISPOSITIONS) db.prepare('INSERT OR IGNORE INTO dispositions (code, label) VALUES (?, ?)').run(code, code);
      for (const code of CATEGORIES) db.prepare('INSERT OR IGNORE INTO complaint_categories (code, label) VALUES (?, ?)').run(code, code);
      for (const id of CUSTOMERS) {
        db.prepare('INSERT INTO customers (id, first_name, last_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(id, 'Test', 'Customer', now, now);
        await store.db.execute(sql`INSERT INTO customers (id, first_name, last_name, created_at, updated_at) VALUES (${id}, 'Test', 'Customer', ${now}, ${now})`);
      }
      for (const [i, c] of CAMPAIGNS.entries()) {
        const id = uuid(19, i);
        db.prepare("INSERT INTO campaigns (id, code, family, name, channel, rule, value, starts_at) VALUES (?, ?, ?, 'Campaign', ?, 'percent', 10, ?)").run(id, c.code, c.family, c.channel, now);
        await store.db.execute(
          sql`INSERT INTO campaigns (id, code, family, name, channel, rule, value, starts_at) VALUES (${id}, ${c.code}, ${c.family}, 'Campaign', ${c.channel}, 'percent', 10, ${now})`,
        );
      }
      PRODUCTS.forEach((id, i) => db.prepare("INSERT INTO products (id, sku, name, brand, category, price_cents) VALUES (?, ?, 'Product', 'Brand', 'misc', 1000)").run(id, `SKU-P${i}`));
      for (const [i, id] of PRODUCTS.entries()) {
        await store.db.execute(sql`INSERT INTO products (id, sku, name, brand, category, price_cents) VALUES (${id}, ${`SKU-P${i}`}, 'Product', 'Brand', 'misc', 1000)`);
      }
      for (const [i, agent] of AGENTS.entries()) {
        userIds[agent] = uuid(17, i);
        db.prepare("INSERT INTO local_users (id, username, display_name, role, teams, verifier) VALUES (?, ?, ?, 'csr', '[]', 'none')").run(userIds[agent], agent, agent);
        await store.db.execute(sql`INSERT INTO users (id, username, display_name, role, password_hash) VALUES (${userIds[agent]}, ${agent}, ${agent}, 'csr', 'none')`);
      }
      for (const [i, team] of TEAMS.entries()) {
        teamIds[team] = uuid(18, i);
        await store.db.execute(sql`INSERT INTO teams (id, name) VALUES (${teamIds[team]}, ${team})`);
      }
    });

    afterAll(async () => {
      if (skipReason) return;
      cache?.cleanup();
      await store?.close();
      await location?.dispose();
    });

    it.skipIf(skipReason !== undefined)(`${runs} random histories, every metric, filter and grouping`, async () => {
      let histories = 0;
      let comparisons = 0;
      let drillDowns = 0;
      /** Answers with at least one group whose value is neither 0 nor no data: the test compares numbers, not only emptiness. */
      let informative = 0;
      const informativeByMetric = new Map<string, number>();
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(historyArb, fc.array(querySpecArb, { minLength: METRIC_IDS.length, maxLength: METRIC_IDS.length }), async (history, specs) => {
          const data = tablesOf(history);
          await loadStore(store, data, userIds, teamIds);
          const roster = await storeRoster(store);
          // The store's triggers keep team_roster equal to user_teams by name.
          expect(roster.map((r) => `${r.username}|${r.team}`).sort()).toEqual(data.roster.map((r) => `${r.agentId}|${r.team}`).sort());
          loadCache(cache, data, roster);
          histories++;
          for (const [i, id] of METRIC_IDS.entries()) {
            const metric: MetricDecl = METRICS[id as MetricId];
            const needsCurrency = (metric.requires ?? []).includes('currency');
            const plain: MetricQuery = needsCurrency ? { filter: { currency: 'USD' } } : {};
            const queries: MetricQuery[] = [
              plain,
              ...metric.dimensions.map((d) => ({ ...plain, groupBy: [d] })),
              queryFor(metric, specs[i]!),
            ];
            for (const query of queries) {
              const expected = computeMetric(metric, query, data);
              const onCache = runMetricOnCache(cache.db, metric, query);
              const onStore = await runMetricOnStore(store.db, metric, query);
              const where = `${id} ${JSON.stringify(query)}`;
              expect(onCache, `SQLite: ${where}`).toEqual(expected);
              expect(onStore, `${backend.name}: ${where}`).toEqual(expected);
              comparisons++;
              // Drill-down: the rows behind the last number (a null key sorts first, so the last one is
              // a named group where there is one), the same three ways, adding up to it; a page of them
              // for the random query.
              const group = expected[expected.length - 1];
              if (group) {
                const drill = { key: group.key, limit: 10_000 };
                const rows = computeMetricRows(metric, query, drill, data);
                expect(runMetricRowsOnCache(cache.db, metric, query, drill), `SQLite rows: ${where}`).toEqual(rows);
                expect(await runMetricRowsOnStore(store.db, metric, query, drill), `${backend.name} rows: ${where}`).toEqual(rows);
                const counted = metric.aggregate.kind === 'count' ? group.components[0] : metric.aggregate.kind === 'sum' ? undefined : group.components[1];
                if (counted !== undefined) expect(rows.length, `rows behind ${where}`).toBe(counted);
                if (metric.aggregate.kind !== 'count') expect(rows.reduce((a, r) => a + r.part, 0), `parts behind ${where}`).toBe(group.components[0]);
                if (query === queries[queries.length - 1]) {
                  const page = { key: group.key, limit: 2, offset: 1 };
                  expect(await runMetricRowsOnStore(store.db, metric, query, page), `${backend.name} page: ${where}`).toEqual(rows.slice(1, 3));
                  expect(runMetricRowsOnCache(cache.db, metric, query, page), `SQLite page: ${where}`).toEqual(rows.slice(1, 3));
                }
                drillDowns++;
              }
              if (expected.some((r) => r.value !== null && r.value !== 0)) {
                informative++;
                informativeByMetric.set(id, (informativeByMetric.get(id) ?? 0) + 1);
              }
            }
          }
        }),
        // A failure on PGlite shrinks slowly: stop shrinking after two minutes and report what it has.
        { numRuns: runs, interruptAfterTimeLimit: 120_000, markInterruptAsFailure: true, examples: [[EVERY_METRIC_NON_ZERO, METRIC_IDS.map(() => NO_SPEC)]] },
      );
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `metrics parity on ${backend.name}: ${histories} histories (shrinking included), ${comparisons} queries each compared three ways (${informative} with a non-zero value), ${drillDowns} drill-downs, ${seconds} s`,
      );
      expect(histories).toBeGreaterThanOrEqual(runs);
      // Every metric was seen with real numbers at least once (the first example sees to it).
      for (const id of METRIC_IDS) expect(informativeByMetric.get(id) ?? 0, id).toBeGreaterThan(0);
    }, 600_000);
  });
}

const postgresSkip = await postgresSkipReason();
suite(pgliteBackend, undefined, RUNS);
suite(postgresBackend, postgresSkip, PG_RUNS);
