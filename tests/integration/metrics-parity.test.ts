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
import { computeMetric, computeMetricRows, type MetricData } from '../../src-shared/domain/metric-reference';
import type { MetricDecl, MetricQuery } from '../../src-shared/domain/metric-language';
import { tempCache, type TempCache } from '../helpers/cache';
import {
  CAMPAIGNS,
  CATEGORIES,
  CUSTOMERS,
  DISPOSITIONS,
  EVERY_METRIC_NON_ZERO,
  AGENTS,
  historyArb,
  loadStore,
  NO_SPEC,
  PRODUCTS,
  queryFor,
  querySpecArb,
  T0,
  TEAMS,
  tablesOf,
  uuid,
  DELETE_ORDER,
  INSERT_ORDER,
} from '../helpers/metric-history';
import { pgliteBackend, postgresBackend, postgresSkipReason, type StoreBackend, type StoreLocation } from '../helpers/server-db';

const RUNS = Number(process.env.METRIC_RUNS ?? 50);
const PG_RUNS = Number(process.env.METRIC_PG_RUNS ?? 25);
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
