/**
 * Issue 22, Scale: the dashboard's rollup (server/src/reports/rollup.ts) never disagrees with the
 * rows under it. fast-check writes a random history (tests/helpers/metric-history.ts) into a store,
 * builds the rollup, then makes random further writes through plain SQL (calls moved, their status
 * or customer changed, rows deleted, orders' status and day, an offer's CSR, an order line's offer,
 * a campaign's side, a team's members, new rows) with partial refreshes in between, so some days
 * are rebuilt and some left dirty; after the build and after the writes, random dashboards (period,
 * team, CSR, channel, campaign, currency, comparison) built through the rollup equal the same
 * dashboards built from the rows alone (buildDashboardAsync with runMetricGroupOnStore). On PGlite
 * and on the PostgreSQL at 127.0.0.1:5432 when it is there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import type { Store } from '../../server/src/db/connect';
import { runMetricGroupOnStore } from '../../server/src/reports/metrics';
import { inReportSnapshot, refreshRollup, rollupRunner, runMetricGroupWithRollup } from '../../server/src/reports/rollup';
import { storeRoster } from '../../server/src/reports/routes';
import { buildDashboardAsync } from '../../src-shared/reports/dashboard';
import { resolveReportScope } from '../../src-shared/reports/scope';
import type { ReportFilter } from '../../src-shared/contracts/reports';
import { CALL_STATUSES } from '../../src-shared/domain/call';
import { ORDER_CHANNELS, ORDER_STATUSES } from '../../src-shared/domain/customer';
import {
  AGENTS,
  CAMPAIGN_CODES,
  CAMPAIGNS,
  CURRENCIES,
  CUSTOMERS,
  DAY,
  EVERY_METRIC_NON_ZERO,
  historyArb,
  loadStore,
  PRODUCTS,
  T0,
  TEAMS,
  tablesOf,
  uuid,
} from '../helpers/metric-history';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend, type StoreLocation } from '../helpers/server-db';

const RUNS = Number(process.env.ROLLUP_RUNS ?? 25);
const PG_RUNS = Number(process.env.ROLLUP_PG_RUNS ?? 15);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const NOW = T0 + 22 * DAY;

const filterArb = fc.record({
  fromDay: fc.integer({ min: -3, max: 21 }),
  length: fc.integer({ min: 1, max: 25 }),
  team: fc.option(fc.constantFrom(...TEAMS), { nil: undefined }),
  csr: fc.option(fc.constantFrom(...AGENTS), { nil: undefined }),
  channel: fc.option(fc.constantFrom(...ORDER_CHANNELS), { nil: undefined }),
  campaign: fc.option(fc.constantFrom(...CAMPAIGN_CODES), { nil: undefined }),
  currency: fc.constantFrom(...CURRENCIES),
  compare: fc.boolean(),
});
type FilterSpec = typeof filterArb extends fc.Arbitrary<infer T> ? T : never;

const shift = fc.integer({ min: -3 * 24 * 60, max: 3 * 24 * 60 }).map((m) => m * 60_000);
const writeArb = fc.oneof(
  fc.record({ k: fc.constant('moveCall' as const), i: fc.nat(), by: shift }),
  fc.record({ k: fc.constant('callStatus' as const), i: fc.nat(), status: fc.constantFrom(...CALL_STATUSES) }),
  fc.record({ k: fc.constant('callCustomer' as const), i: fc.nat(), customer: fc.option(fc.constantFrom(...CUSTOMERS), { nil: null }) }),
  fc.record({ k: fc.constant('callDisposition' as const), i: fc.nat(), code: fc.constantFrom('resolved', 'callback', 'billing') }),
  fc.record({ k: fc.constant('deleteCall' as const), i: fc.nat() }),
  fc.record({ k: fc.constant('newCall' as const), n: fc.nat(), customer: fc.constantFrom(...CUSTOMERS), agent: fc.constantFrom(...AGENTS), at: fc.integer({ min: 0, max: 20 * 24 * 60 }) }),
  fc.record({ k: fc.constant('orderStatus' as const), i: fc.nat(), status: fc.constantFrom(...ORDER_STATUSES) }),
  fc.record({ k: fc.constant('moveOrder' as const), i: fc.nat(), by: shift }),
  fc.record({ k: fc.constant('orderCustomer' as const), i: fc.nat(), customer: fc.constantFrom(...CUSTOMERS) }),
  fc.record({ k: fc.constant('deleteOrder' as const), i: fc.nat() }),
  fc.record({ k: fc.constant('resolveComplaint' as const), i: fc.nat(), resolved: fc.boolean(), by: shift }),
  fc.record({ k: fc.constant('complaintCustomer' as const), i: fc.nat(), customer: fc.constantFrom(...CUSTOMERS) }),
  fc.record({ k: fc.constant('deleteComplaint' as const), i: fc.nat() }),
  fc.record({ k: fc.constant('offerAgent' as const), i: fc.nat(), agent: fc.constantFrom(...AGENTS) }),
  fc.record({ k: fc.constant('moveOffer' as const), i: fc.nat(), by: shift }),
  fc.record({ k: fc.constant('deleteOffer' as const), i: fc.nat() }),
  fc.record({ k: fc.constant('lineOffer' as const), i: fc.nat(), offer: fc.nat() }),
  fc.record({ k: fc.constant('deleteLine' as const), i: fc.nat() }),
  fc.record({ k: fc.constant('campaignSide' as const), code: fc.constantFrom('SPRING', 'WEB10', 'ALL5'), channel: fc.constantFrom('online', 'offline', 'both') }),
  fc.record({ k: fc.constant('leaveTeam' as const), agent: fc.constantFrom(...AGENTS) }),
  fc.record({ k: fc.constant('refresh' as const), batches: fc.integer({ min: 1, max: 2 }) }),
);
type Write = typeof writeArb extends fc.Arbitrary<infer T> ? T : never;

/** The id of the i-th row of a table (by id), or null when it has none. */
async function nth(store: Store, table: string, i: number): Promise<string | null> {
  const rows = await queryRows<{ id: string }>(store, sql`SELECT id::text AS id FROM ${sql.raw(table)} ORDER BY id`);
  return rows.length === 0 ? null : rows[i % rows.length]!.id;
}

async function apply(store: Store, w: Write, userIds: Record<string, string>): Promise<void> {
  const db = store.db;
  const one = async (table: string, i: number, then: (id: string) => Promise<unknown>) => {
    const id = await nth(store, table, i);
    if (id !== null) await then(id);
  };
  switch (w.k) {
    case 'moveCall':
      return one('calls', w.i, (id) => db.execute(sql`UPDATE calls SET started_at = started_at + ${w.by} WHERE id = ${id}`));
    case 'callStatus':
      return one('calls', w.i, (id) => db.execute(sql`UPDATE calls SET status = ${w.status} WHERE id = ${id}`));
    case 'callCustomer':
      return one('calls', w.i, (id) => db.execute(sql`UPDATE calls SET customer_id = ${w.customer} WHERE id = ${id}`));
    case 'callDisposition':
      return one('calls', w.i, (id) => db.execute(sql`UPDATE calls SET disposition_code = ${w.code} WHERE id = ${id}`));
    case 'deleteCall':
      return one('calls', w.i, async (id) => {
        await db.execute(sql`UPDATE offers SET call_id = NULL WHERE call_id = ${id}`);
        await db.execute(sql`DELETE FROM calls WHERE id = ${id}`);
      });
    case 'newCall': {
      const at = T0 + w.at * 60_000;
      await db.execute(
        sql`INSERT INTO calls (id, customer_id, source, agent_id, status, started_at, talk_ms, hold_ms, wrap_up_ms, disposition_code)
            VALUES (${uuid(30, w.n)}, ${w.customer}, 'manual', ${w.agent}, 'completed', ${at}, 60000, 0, 5000, 'billing') ON CONFLICT (id) DO NOTHING`,
      );
      return;
    }
    case 'orderStatus':
      return one('orders', w.i, (id) => db.execute(sql`UPDATE orders SET status = ${w.status} WHERE id = ${id}`));
    case 'moveOrder':
      return one('orders', w.i, async (id) => {
        await db.execute(sql`UPDATE orders SET placed_at = placed_at + ${w.by} WHERE id = ${id}`);
        await db.execute(sql`UPDATE order_lines SET placed_at = placed_at + ${w.by} WHERE order_id = ${id}`);
      });
    case 'orderCustomer':
      return one('orders', w.i, (id) => db.execute(sql`UPDATE orders SET customer_id = ${w.customer} WHERE id = ${id}`));
    case 'deleteOrder':
      return one('orders', w.i, (id) => db.execute(sql`DELETE FROM orders WHERE id = ${id}`));
    case 'resolveComplaint':
      return one('complaints', w.i, (id) =>
        db.execute(
          w.resolved
            ? sql`UPDATE complaints SET status = 'resolved', resolved_at = opened_at + ${Math.abs(w.by)} WHERE id = ${id}`
            : sql`UPDATE complaints SET status = 'reopened', resolved_at = NULL WHERE id = ${id}`,
        ),
      );
    case 'complaintCustomer':
      return one('complaints', w.i, (id) => db.execute(sql`UPDATE complaints SET customer_id = ${w.customer} WHERE id = ${id}`));
    case 'deleteComplaint':
      return one('complaints', w.i, (id) => db.execute(sql`DELETE FROM complaints WHERE id = ${id}`));
    case 'offerAgent':
      return one('offers', w.i, (id) => db.execute(sql`UPDATE offers SET agent_id = ${w.agent} WHERE id = ${id}`));
    case 'moveOffer':
      return one('offers', w.i, (id) => db.execute(sql`UPDATE offers SET presented_at = presented_at + ${w.by} WHERE id = ${id}`));
    case 'deleteOffer':
      return one('offers', w.i, async (id) => {
        await db.execute(sql`UPDATE order_lines SET offer_id = NULL WHERE offer_id = ${id}`);
        await db.execute(sql`DELETE FROM offers WHERE id = ${id}`);
      });
    case 'lineOffer':
      return one('order_lines', w.i, async (lineId) => {
        const offer = await nth(store, 'offers', w.offer);
        await db.execute(sql`UPDATE order_lines SET offer_id = ${offer} WHERE id = ${lineId}`);
      });
    case 'deleteLine':
      return one('order_lines', w.i, (id) => db.execute(sql`DELETE FROM order_lines WHERE id = ${id}`));
    case 'campaignSide':
      await db.execute(sql`UPDATE campaigns SET channel = ${w.channel} WHERE code = ${w.code}`);
      return;
    case 'leaveTeam':
      await db.execute(sql`DELETE FROM user_teams WHERE user_id = ${userIds[w.agent]!}`);
      return;
    case 'refresh':
      await refreshRollup(db, store.kind, () => NOW, { maxBatches: w.batches });
      return;
  }
}

function filterOf(spec: FilterSpec): ReportFilter {
  const from = T0 + spec.fromDay * DAY;
  return {
    from: day(from),
    to: day(from + (spec.length - 1) * DAY),
    currency: spec.currency as ReportFilter['currency'],
    ...(spec.team === undefined ? {} : { team: spec.team }),
    ...(spec.csr === undefined ? {} : { csr: spec.csr }),
    ...(spec.channel === undefined ? {} : { channel: spec.channel }),
    ...(spec.campaign === undefined ? {} : { campaign: spec.campaign }),
  };
}

/** The dashboard of an admin for `spec`, through the rollup and from the rows alone. */
async function bothWays(store: Store, spec: FilterSpec) {
  const roster = await storeRoster(store.db);
  const resolved = resolveReportScope({ role: 'admin', username: 'admin', teams: [] }, roster, filterOf(spec));
  const req = { resolved, compare: spec.compare, source: 'store' as const, asOf: null };
  const live = await buildDashboardAsync(req, (metrics, query) => runMetricGroupOnStore(store.db, metrics, query));
  // As POST /reports/dashboard asks it: the whole dashboard in one snapshot.
  const rolled = await inReportSnapshot(store.db, store.kind, (db) => buildDashboardAsync(req, rollupRunner(db), 1));
  // And query by query, each in a snapshot of its own.
  const perQuery = await buildDashboardAsync(req, (metrics, query) => inReportSnapshot(store.db, store.kind, (db) => runMetricGroupWithRollup(db, metrics, query)));
  expect(perQuery).toEqual(rolled);
  return { live, rolled };
}

async function count(store: Store, query: ReturnType<typeof sql>): Promise<number> {
  return Number((await queryRows<{ n: unknown }>(store, query))[0]?.n ?? 0);
}

function suite(backend: StoreBackend, skipReason: string | undefined, runs: number) {
  describe(`the dashboard's rollup on ${backend.name}`, () => {
    let location: StoreLocation;
    let store: Store;
    const userIds: Record<string, string> = {};
    const teamIds: Record<string, string> = {};

    beforeAll(async () => {
      if (skipReason) return;
      location = await backend.freshLocation();
      store = await location.open();
      for (const id of CUSTOMERS) await store.db.execute(sql`INSERT INTO customers (id, first_name, last_name, created_at, updated_at) VALUES (${id}, 'Test', 'Customer', ${T0}, ${T0})`);
      for (const [i, c] of CAMPAIGNS.entries()) {
        await store.db.execute(
          sql`INSERT INTO campaigns (id, code, family, name, channel, rule, value, starts_at) VALUES (${uuid(19, i)}, ${c.code}, ${c.family}, 'Campaign', ${c.channel}, 'percent', 10, ${T0})`,
        );
      }
      for (const [i, id] of PRODUCTS.entries()) {
        await store.db.execute(sql`INSERT INTO products (id, sku, name, brand, category, price_cents) VALUES (${id}, ${`SKU-P${i}`}, 'Product', 'Brand', 'misc', 1000)`);
      }
      for (const [i, agent] of AGENTS.entries()) {
        userIds[agent] = uuid(17, i);
        await store.db.execute(sql`INSERT INTO users (id, username, display_name, role, password_hash) VALUES (${userIds[agent]}, ${agent}, ${agent}, 'csr', 'none')`);
      }
      for (const [i, team] of TEAMS.entries()) {
        teamIds[team] = uuid(18, i);
        await store.db.execute(sql`INSERT INTO teams (id, name) VALUES (${teamIds[team]}, ${team})`);
      }
    });

    afterAll(async () => {
      if (skipReason) return;
      await store?.close();
      await location?.dispose();
    });

    it.skipIf(skipReason !== undefined)('a write after a refresh shows at once, and the refresh then holds it', async () => {
      await loadStore(store, tablesOf(EVERY_METRIC_NON_ZERO), userIds, teamIds);
      await store.db.execute(sql`DELETE FROM report_rollup_days`);
      const built = await refreshRollup(store.db, store.kind, () => NOW);
      expect(built.done).toBe(true);
      expect(await count(store, sql`SELECT count(*) AS n FROM report_dirty`)).toBe(0);
      const spec: FilterSpec = { fromDay: 0, length: 10, team: undefined, csr: undefined, channel: undefined, campaign: undefined, currency: 'USD', compare: false };
      const handled = async () => (await bothWays(store, spec)).rolled.metrics.find((m) => m.id === 'callsHandled')!.value;
      expect(await handled()).toBe(2);
      await store.db.execute(
        sql`INSERT INTO calls (id, customer_id, source, agent_id, status, started_at, talk_ms, hold_ms, wrap_up_ms) VALUES (${uuid(31, 1)}, ${CUSTOMERS[3]!}, 'manual', 'cara', 'completed', ${T0 + 3 * DAY}, 1000, 0, 0)`,
      );
      // Dirty at once (the trigger ran in the write's transaction): the day is asked of the rows.
      expect(await count(store, sql`SELECT count(*) AS n FROM report_dirty WHERE day = ${day(T0 + 3 * DAY)}`)).toBeGreaterThan(0);
      expect(await handled()).toBe(3);
      await refreshRollup(store.db, store.kind, () => NOW);
      expect(await count(store, sql`SELECT count(*) AS n FROM report_dirty`)).toBe(0);
      expect(await count(store, sql`SELECT coalesce(sum(c0), 0) AS n FROM report_rollup WHERE metric = 'callsHandled'`)).toBe(3);
      expect(await handled()).toBe(3);
      const { live, rolled } = await bothWays(store, spec);
      expect(rolled).toEqual(live);
      // Days built from other declarations (before an upgrade changed a metric) are not read, and are built again.
      await store.db.execute(sql`UPDATE report_rollup SET c0 = c0 + 1000`);
      await store.db.execute(sql`UPDATE report_rollup_days SET version = 'before'`);
      expect(await handled()).toBe(3);
      expect((await refreshRollup(store.db, store.kind, () => NOW)).done).toBe(true);
      expect(await count(store, sql`SELECT count(*) AS n FROM report_rollup_days WHERE version = 'before'`)).toBe(0);
      expect(await handled()).toBe(3);
    });

    it.skipIf(skipReason !== undefined)('a write marks the days of the rows whose condition reads it', async () => {
      await loadStore(store, tablesOf(EVERY_METRIC_NON_ZERO), userIds, teamIds);
      await store.db.execute(sql`DELETE FROM report_rollup_days`);
      expect((await refreshRollup(store.db, store.kind, () => NOW)).done).toBe(true);
      const dirty = async () => (await queryRows<{ day: string }>(store, sql`SELECT DISTINCT day FROM report_dirty ORDER BY day`)).map((r) => r.day);
      const clean = async () => {
        await refreshRollup(store.db, store.kind, () => NOW);
        expect(await dirty()).toEqual([]);
      };
      const spec: FilterSpec = { fromDay: -1, length: 12, team: undefined, csr: undefined, channel: undefined, campaign: undefined, currency: 'USD', compare: false };
      const agree = async () => {
        const { live, rolled } = await bothWays(store, spec);
        expect(rolled).toEqual(live);
      };
      // A repeat call on the same issue four days later: the first call (day 1) is no longer resolved at first contact.
      await store.db.execute(
        sql`INSERT INTO calls (id, customer_id, source, agent_id, status, started_at, talk_ms, hold_ms, wrap_up_ms, disposition_code)
            VALUES (${uuid(31, 2)}, ${CUSTOMERS[1]!}, 'manual', 'ben', 'completed', ${T0 + 5 * DAY}, 1000, 0, 0, 'callback')`,
      );
      expect(await dirty()).toEqual([day(T0 + DAY), day(T0 + 5 * DAY)]);
      await agree();
      await clean();
      // An offer presented on day 6, then named by a line of the counted order of day 0: offers ordered on day 6.
      const offer = uuid(32, 1);
      await store.db.execute(
        sql`INSERT INTO offers (id, customer_id, agent_id, product_id, kind, reason, outcome, presented_at) VALUES (${offer}, ${CUSTOMERS[0]!}, 'ana', ${PRODUCTS[1]!}, 'accessory', 'Goes with it', 'accepted', ${T0 + 6 * DAY})`,
      );
      await clean();
      await store.db.execute(sql`UPDATE order_lines SET offer_id = ${offer} WHERE order_id = ${uuid(13, 0)}`);
      expect(await dirty()).toContain(day(T0 + 6 * DAY));
      await agree();
      await clean();
      // The offer's CSR changes: the revenue of the order line that came from it, on its order's day (day 0).
      await store.db.execute(sql`UPDATE offers SET agent_id = 'cara' WHERE id = ${offer}`);
      expect(await dirty()).toEqual([day(T0), day(T0 + 6 * DAY)]);
      await clean();
      // A complaint of a customer who had none: their orders (days 0 and 1) leave the repurchase baseline.
      await store.db.execute(
        sql`INSERT INTO complaints (id, customer_id, category_code, severity, description, status, opened_at, updated_at, agent_id)
            VALUES (${uuid(33, 1)}, ${CUSTOMERS[2]!}, 'late', 'low', 'Late', 'open', ${T0 + 8 * DAY}, ${T0 + 8 * DAY}, 'dev')`,
      );
      expect(await dirty()).toEqual([day(T0), day(T0 + DAY), day(T0 + 8 * DAY)]);
      await agree();
      await clean();
      // An order of a customer whose complaint was resolved on day 1: repurchase after it, and their first order's repeat.
      await store.db.execute(sql`UPDATE orders SET placed_at = ${T0 + 3 * DAY} WHERE id = ${uuid(13, 1)}`);
      expect(await dirty()).toEqual([day(T0), day(T0 + DAY), day(T0 + 2 * DAY), day(T0 + 3 * DAY)]);
      await agree();
      await clean();
      // A campaign changes side: its orders' cross-over sales (days 0 and 3).
      await store.db.execute(sql`UPDATE campaigns SET channel = 'online' WHERE code = 'SPRING'`);
      expect(await dirty()).toEqual([day(T0), day(T0 + 3 * DAY)]);
      await agree();
      await store.db.execute(sql`UPDATE campaigns SET channel = 'offline' WHERE code = 'SPRING'`);
      await clean();
    });

    it.skipIf(skipReason !== undefined)(`${runs} random histories and writes: through the rollup equals from the rows`, async () => {
      let histories = 0;
      let compared = 0;
      let heldDays = 0;
      let dirtyDays = 0;
      await fc.assert(
        fc.asyncProperty(
          historyArb,
          fc.array(writeArb, { minLength: 1, maxLength: 5 }),
          fc.array(filterArb, { minLength: 3, maxLength: 5 }),
          async (history, writes, filters) => {
            for (const c of CAMPAIGNS) await store.db.execute(sql`UPDATE campaigns SET channel = ${c.channel} WHERE code = ${c.code}`);
            await store.db.execute(sql`DELETE FROM calls WHERE id::text LIKE '00000000-0000-4000-801e-%' OR id::text LIKE '00000000-0000-4000-801f-%'`);
            await loadStore(store, tablesOf(history), userIds, teamIds);
            // A rollup built from nothing, as on a store that just migrated.
            await store.db.execute(sql`DELETE FROM report_rollup_days`);
            await store.db.execute(sql`DELETE FROM report_dirty`);
            await refreshRollup(store.db, store.kind, () => NOW);
            histories++;
            const check = async () => {
              for (const spec of filters) {
                const { live, rolled } = await bothWays(store, spec);
                expect(rolled, JSON.stringify({ spec, writes })).toEqual(live);
                compared++;
              }
            };
            await check();
            for (const w of writes) await apply(store, w, userIds);
            heldDays += await count(store, sql`SELECT count(*) AS n FROM report_rollup_days d WHERE NOT EXISTS (SELECT 1 FROM report_dirty x WHERE x.day = d.day)`);
            dirtyDays += await count(store, sql`SELECT count(DISTINCT day) AS n FROM report_dirty`);
            await check();
          },
        ),
        { numRuns: runs, interruptAfterTimeLimit: 240_000, markInterruptAsFailure: true },
      );
      console.log(`rollup parity on ${backend.name}: ${histories} histories, ${compared} dashboards compared, ${heldDays} days held and ${dirtyDays} dirty after the writes`);
      expect(histories).toBeGreaterThanOrEqual(runs);
      // The comparisons read both: days from the rollup and dirty days from the rows.
      expect(heldDays).toBeGreaterThan(0);
      expect(dirtyDays).toBeGreaterThan(0);
    }, 600_000);
  });
}

const postgresSkip = await postgresSkipReason();
suite(pgliteBackend, undefined, RUNS);
suite(postgresBackend, postgresSkip, PG_RUNS);
