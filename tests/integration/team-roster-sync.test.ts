/**
 * The team roster synced from the store (issue 22): on a supervisor's desk where the team's CSRs
 * never signed in, the cache's team figures (report:dashboard-local) equal the store's, because
 * who is in which team comes from team_roster, which the store derives from users, user_teams and
 * teams (server/drizzle/0020_team_roster.sql) and pull carries like any server table. A CSR moved
 * to another team, a renamed team and a renamed user reach the cache by the next pull; a disabled
 * user stays in the roster marked disabled (the store's team figures still count their calls; its
 * lists of CSRs leave them out, and so does the cache's).
 *
 * The real server (Fastify over PGlite, HTTP on 127.0.0.1), a real cache, the real pull client and
 * page applier; the supervisor's local_users row is the only one on the desk.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { setUserTeams } from '../../server/src/admin/directory';
import { runMetricOnStore } from '../../server/src/reports/metrics';
import { ensureClientId } from '../../src-main/core/db/open';
import { runMetricOnCache } from '../../src-main/core/reports/metrics';
import { createReadHandlers, type ReadContext } from '../../src-main/core/rpc/handlers';
import { dispatch } from '../../src-main/core/rpc/dispatch';
import { PageApplier } from '../../src-main/core/sync/page-applier';
import { StoreClient } from '../../src-main/core/sync/store-client';
import { HELD_TOKEN_KEY } from '../../src-main/core/sync/sync-engine';
import type { Dashboard } from '../../src-shared/contracts/reports';
import { METRICS } from '../../src-shared/domain/metrics';
import type { MetricDecl } from '../../src-shared/domain/metric-language';
import { metricFilterFor } from '../../src-shared/reports/dashboard';
import { SYNC_TABLE_NAMES } from '../../src-shared/sync/tables';
import { tempCache, type TempCache } from '../helpers/cache';
import { StoreServer } from '../helpers/store-server';

const SUE = { username: 'sue', password: 'battery staple' };
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2, 9); // 2 November 2026, 09:00Z
const filter = { from: '2026-11-01', to: '2026-11-07', currency: 'USD' as const };

const server = new StoreServer();
let cache: TempCache;
const ids: Record<string, string> = {};

async function userId(username: string): Promise<string> {
  const [row] = await server.rows<{ id: string }>(sql`select id::text as id from users where username = ${username}`);
  return row!.id;
}

beforeAll(async () => {
  await server.start();
  await server.addUser(SUE.username, SUE.password, 'supervisor');
  for (const csr of ['ana', 'cara', 'ben']) await server.addUser(csr, 'not used here', 'csr');
  for (const name of ['sue', 'ana', 'cara', 'ben']) ids[name] = await userId(name);
  ids.North = randomUUID();
  ids.South = randomUUID();
  const db = server.store.db;
  await db.execute(sql`insert into teams (id, name) values (${ids.North}, 'North'), (${ids.South}, 'South')`);
  for (const [user, team] of [
    ['sue', 'North'],
    ['ana', 'North'],
    ['cara', 'North'],
    ['ben', 'South'],
  ] as const) {
    await db.execute(sql`insert into user_teams (user_id, team_id) values (${ids[user]}, ${ids[team]})`);
  }
  const customer = randomUUID();
  await db.execute(sql`insert into customers (id, first_name, last_name, created_at, updated_at) values (${customer}, 'Test', 'Customer', ${T0}, ${T0})`);
  const call = (agent: string, at: number, talk: number) =>
    db.execute(
      sql`insert into calls (id, customer_id, source, agent_id, status, started_at, talk_ms, hold_ms, wrap_up_ms, completed_at)
          values (${randomUUID()}, ${customer}, 'manual', ${agent}, 'completed', ${at}, ${talk}, 1000, 2000, ${at + talk + 3000})`,
    );
  await call('ana', T0, 60_000);
  await call('ana', T0 + DAY, 120_000);
  await call('cara', T0, 90_000);
  await call('cara', T0 + 2 * DAY, 30_000);
  await call('ben', T0, 45_000);

  cache = tempCache('switchboard-team-roster-');
  // Only the supervisor ever signed in on this desk.
  cache.db.$client
    .prepare(`INSERT INTO local_users (id, username, display_name, role, teams, verifier) VALUES (?, 'sue', 'Sue', 'supervisor', '["North"]', 'x')`)
    .run(ids.sue);
}, 120_000);

afterAll(async () => {
  cache?.cleanup();
  await server.dispose();
});

/** Pulls to the end with the real client and applier, as the supervisor's workstation. */
async function pull(): Promise<void> {
  const client = new StoreClient({ serverUrl: server.url });
  const held = cache.db.$client.prepare(`SELECT value FROM cache_meta WHERE key = ?`).pluck().get(HELD_TOKEN_KEY) as string | undefined;
  const login = await client.login(SUE.username, SUE.password, { id: ensureClientId(cache.db), name: 'supervisor desk' }, undefined, held);
  if (!login.ok) throw new Error(login.failure.message);
  const token = login.value.workstationToken ?? login.value.token;
  cache.db.$client.prepare(`INSERT OR REPLACE INTO cache_meta (key, value) VALUES (?, ?)`).run(HELD_TOKEN_KEY, token);
  const applier = new PageApplier(cache.db.$client);
  let cursor = applier.readCursor().cursor;
  const plan = cursor === null ? applier.beginSnapshot(SYNC_TABLE_NAMES) : null;
  for (;;) {
    const page = await client.pull(token, { clientId: ensureClientId(cache.db), cursor, limit: 100 });
    if (!page.ok) throw new Error(page.failure.message);
    applier.apply(page.value, { snapshot: page.value.phase === 'snapshot' ? plan : null, saveCursor: true });
    cursor = page.value.cursor;
    if (!page.value.hasMore) return;
  }
}

const cacheRosterRows = () =>
  (
    cache.db.$client.prepare(`SELECT username, display_name AS displayName, role, active, team FROM team_roster ORDER BY username, team`).all() as {
      username: string;
      displayName: string;
      role: string;
      active: number;
      team: string;
    }[]
  ).map((r) => `${r.username} (${r.displayName}, ${r.role}${r.active === 1 ? '' : ', disabled'}): ${r.team}`);

function supervisorDashboard(team?: string): Dashboard {
  const ctx: ReadContext = { db: cache.db, defaultRegion: 'US', host: 'browser-host', version: 'test', agentId: 'sue', agentRole: 'supervisor', now: () => T0 };
  const r = dispatch(createReadHandlers(ctx), 'report:dashboard-local', { filter: { ...filter, ...(team ? { team } : {}) } }) as { ok: boolean; value: Dashboard };
  expect(r.ok).toBe(true);
  return r.value;
}

/** Every figure of the cache's dashboard equals the same metric asked of the store. */
async function expectStoreFigures(d: Dashboard): Promise<void> {
  for (const figure of d.metrics) {
    const metric = (METRICS as Record<string, MetricDecl>)[figure.id]!;
    const mf = metricFilterFor(metric, { ...filter, ...(d.filter.team ? { team: d.filter.team } : {}) }).filter;
    const onStore = await runMetricOnStore(server.store.db, metric, { filter: mf });
    expect(figure.components, figure.id).toEqual(onStore[0]?.components ?? (figure.components.length === 1 ? [0] : [0, 0]));
  }
}

describe('the team roster synced to a supervisor’s desk', () => {
  it('arrives with the first pull, and the team’s figures from the cache are the store’s', async () => {
    // Before any pull: only the supervisor is known here; the team's CSRs are not.
    expect(cacheRosterRows()).toEqual([]);
    await pull();
    expect(cacheRosterRows()).toEqual(['ana (ana, csr): North', 'ben (ben, csr): South', 'cara (cara, csr): North', 'sue (sue, supervisor): North']);
    const d = supervisorDashboard();
    expect(d.filter.team).toBe('North');
    expect(d.scope.csrs.map((c) => c.username)).toEqual(['ana', 'cara', 'sue']);
    expect(d.metrics.find((m) => m.id === 'callsHandled')!.value).toBe(4);
    expect(d.byCsr.map((r) => r.key.csr).sort()).toEqual(['ana', 'cara', 'sue']);
    await expectStoreFigures(d);
  });

  it('follows a CSR moved to another team, a renamed team, a renamed user and a disabled user', async () => {
    await server.store.db.transaction(async (tx) => {
      await setUserTeams(tx, ids.cara!, [ids.South!]);
    });
    await server.store.db.execute(sql`update teams set name = 'South-East' where id = ${ids.South}`);
    await server.store.db.execute(sql`update users set display_name = 'Ben B.' where id = ${ids.ben}`);
    await server.store.db.execute(sql`update users set active = false where id = ${ids.ana}`);
    await pull();
    expect(cacheRosterRows()).toEqual(['ana (ana, csr, disabled): North', 'ben (Ben B., csr): South-East', 'cara (cara, csr): South-East', 'sue (sue, supervisor): North']);
    const d = supervisorDashboard();
    // ana is disabled: no longer listed (as the store lists only active users), but still in North
    // on the store, whose team figures count her calls.
    expect(d.scope.csrs.map((c) => c.username)).toEqual(['sue']);
    expect(d.metrics.find((m) => m.id === 'callsHandled')!.value).toBe(2);
    await expectStoreFigures(d);
    // The team filter in the cache's own query reads the same roster.
    const moved = runMetricOnCache(cache.db, METRICS.callsHandled, { filter: { from: T0 - DAY, to: T0 + 7 * DAY, team: 'South-East' } });
    expect(moved[0]?.value).toBe(3);
  });

  it('drops a membership the store removes, also when the user or the team is deleted', async () => {
    await server.store.db.execute(sql`delete from user_teams where user_id = ${ids.ben} and team_id = ${ids.South}`);
    await pull();
    expect(cacheRosterRows()).toEqual(['ana (ana, csr, disabled): North', 'cara (cara, csr): South-East', 'sue (sue, supervisor): North']);
    await server.store.db.execute(sql`delete from teams where id = ${ids.South}`);
    await pull();
    expect(cacheRosterRows()).toEqual(['ana (ana, csr, disabled): North', 'sue (sue, supervisor): North']);
    await expectStoreFigures(supervisorDashboard());
  });
});
