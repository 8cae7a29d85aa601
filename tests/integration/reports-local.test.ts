/**
 * The cache's report channels (issue 22): report:dashboard-local and report:drilldown-local through
 * the reader's handler table, with each role's scope (teams from local_users, or from the roster
 * synced from the store once there is one) and the drill-down's
 * rows adding up to the figure clicked.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadHandlers, type ReadContext } from '../../src-main/core/rpc/handlers';
import { dispatch } from '../../src-main/core/rpc/dispatch';
import { SYNC_META } from '../../src-main/core/sync/pull-cursor';
import type { UserRole } from '../../src-shared/contracts/server-auth';
import type { Dashboard, DrillDownPage } from '../../src-shared/contracts/reports';
import { plantCustomer, tempCache, type TempCache } from '../helpers/cache';
import { runMetricOnCache } from '../../src-main/core/reports/metrics';
import { METRICS } from '../../src-shared/domain/metrics';
import { metricValue, type MetricDecl } from '../../src-shared/domain/metric-language';
import { metricFilterFor } from '../../src-shared/reports/dashboard';

let cache: TempCache;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2, 9); // 2 November 2026, 09:00Z
const filter = { from: '2026-11-01', to: '2026-11-07', currency: 'USD' as const };

beforeAll(() => {
  cache = tempCache('switchboard-reports-local-');
  const c = cache.db.$client;
  const users: [string, UserRole, string[]][] = [
    ['ana', 'csr', ['North']],
    ['ben', 'csr', ['South']],
    ['sue', 'supervisor', ['North']],
    ['root', 'admin', []],
    ['sam', 'store_associate', []],
  ];
  for (const [u, role, teams] of users) {
    c.prepare(`INSERT INTO local_users (id, username, display_name, role, teams, verifier) VALUES (?, ?, ?, ?, ?, 'x')`).run(randomUUID(), u, u.toUpperCase(), role, JSON.stringify(teams));
  }
  const zoe = plantCustomer(cache.db, { firstName: 'Zoë', lastName: 'Ångström' });
  c.prepare(`INSERT OR IGNORE INTO dispositions (code, label) VALUES ('resolved', 'Resolved')`).run();
  const call = (agent: string, at: number, talk: number, status = 'completed') =>
    c
      .prepare(`INSERT INTO calls (id, customer_id, source, agent_id, status, started_at, talk_ms, hold_ms, wrap_up_ms, disposition_code) VALUES (?, ?, 'manual', ?, ?, ?, ?, 1000, 2000, 'resolved')`)
      .run(randomUUID(), zoe, agent, status, at, talk);
  call('ana', T0, 60_000);
  call('ana', T0 + DAY, 120_000);
  call('ana', T0 + 2 * DAY, 30_000, 'active');
  call('ben', T0, 90_000);
  call('ben', T0 - 7 * DAY, 90_000); // the previous period
  // Complaints, offers and phone orders of several kinds, so one scan answers metrics with different conditions.
  c.prepare(`INSERT OR IGNORE INTO complaint_categories (code, label) VALUES ('late', 'Late')`).run();
  const complaint = (agent: string, opened: number, status: string, resolved: number | null) =>
    c
      .prepare(`INSERT INTO complaints (id, customer_id, category_code, severity, description, status, opened_at, updated_at, agent_id, resolved_at) VALUES (?, ?, 'late', 'low', 'Late parcel', ?, ?, ?, ?, ?)`)
      .run(randomUUID(), zoe, status, opened, opened, agent, resolved);
  complaint('ana', T0, 'resolved', T0 + DAY);
  complaint('ana', T0 + DAY, 'open', null);
  complaint('ben', T0 + 2 * DAY, 'resolved', T0 + 3 * DAY);
  const product = randomUUID();
  c.prepare(`INSERT INTO products (id, sku, name, brand, category, price_cents, currency, stock) VALUES (?, 'SOCK-1', 'Wool socks', 'Acme', 'misc', 2000, 'USD', 100)`).run(product);
  const offer = (agent: string, at: number, outcome: string) => {
    const id = randomUUID();
    c.prepare(`INSERT INTO offers (id, customer_id, agent_id, product_id, kind, reason, outcome, presented_at) VALUES (?, ?, ?, ?, 'accessory', 'Goes with it', ?, ?)`).run(id, zoe, agent, product, outcome, at);
    return id;
  };
  const accepted = offer('ana', T0, 'accepted');
  offer('ana', T0 + DAY, 'declined');
  offer('ben', T0, 'accepted');
  const order = (agent: string | null, channel: string, status: string, total: number, campaign: string | null, offerId: string | null) => {
    const id = randomUUID();
    c.prepare(`INSERT INTO orders (id, number, customer_id, channel, status, currency, subtotal_cents, total_cents, placed_at, agent_id, campaign_code) VALUES (?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?, ?)`).run(
      id, `SB${Math.floor(Math.random() * 1e8).toString().padStart(8, '0')}`, zoe, channel, status, total, total, T0 + DAY, agent, campaign,
    );
    c.prepare(`INSERT INTO order_lines (id, order_id, line_no, product_id, customer_id, placed_at, sku, name, quantity, unit_price_cents, total_cents, offer_id) VALUES (?, ?, 1, ?, ?, ?, 'SOCK-1', 'Wool socks', 1, ?, ?, ?)`).run(
      randomUUID(), id, product, zoe, T0 + DAY, total, total, offerId,
    );
  };
  order('ana', 'phone', 'placed', 2000, 'SPRING10', accepted);
  order('ana', 'phone', 'cancelled', 5000, null, null);
  order(null, 'web', 'delivered', 7000, 'SPRING10', null);
  c.prepare(`INSERT INTO cache_meta (key, value) VALUES (?, ?)`).run(SYNC_META.pulledAt, String(T0 + 10 * DAY));
});

afterAll(() => cache.cleanup());

const as = (agentId: string, agentRole: UserRole) => {
  const ctx: ReadContext = { db: cache.db, defaultRegion: 'US', host: 'browser-host', version: 'test', agentId, agentRole, now: () => T0 };
  const handlers = createReadHandlers(ctx);
  return (channel: string, input: unknown) => dispatch(handlers, channel, input);
};
const value = (d: Dashboard, id: string) => d.metrics.find((m) => m.id === id)!;

describe('report:dashboard-local', () => {
  it('shows a CSR their own figures only, by day and compared with the previous week', () => {
    const r = as('ana', 'csr')('report:dashboard-local', { filter, compare: true });
    expect(r.ok).toBe(true);
    const d = (r as { value: Dashboard }).value;
    expect(d.source).toBe('cache');
    expect(d.asOf).toBe(new Date(T0 + 10 * DAY).toISOString());
    expect(d.filter.csr).toBe('ana');
    expect(d.scope.csrs.map((c) => c.username)).toEqual(['ana']);
    expect(value(d, 'callsHandled')).toMatchObject({ value: 2, components: [2], previous: 0, ignoredFilters: [] });
    expect(value(d, 'averageTalkTime').value).toBe(90_000);
    expect(d.byDay).toHaveLength(7);
    expect(d.byDay.find((r) => r.key.day === '2026-11-02')!.values.callsHandled).toBe(1);
    expect(d.byDay.find((r) => r.key.day === '2026-11-05')!.values).toMatchObject({ callsHandled: 0, averageTalkTime: null });
    expect(d.byCsr.map((r) => r.key.csr)).toEqual(['ana']);
    expect(d.previousPeriod).toEqual({ from: '2026-10-25', to: '2026-10-31' });
  });

  it('refuses a CSR another CSR’s figures, and a team not theirs', () => {
    const ana = as('ana', 'csr');
    expect(ana('report:dashboard-local', { filter: { ...filter, csr: 'ben' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(ana('report:dashboard-local', { filter: { ...filter, team: 'South' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('gives a supervisor their team by default and refuses another team or its CSRs', () => {
    const sue = as('sue', 'supervisor');
    const d = (sue('report:dashboard-local', { filter }) as { value: Dashboard }).value;
    expect(d.filter.team).toBe('North');
    expect(value(d, 'callsHandled').value).toBe(2);
    expect(d.byCsr.map((r) => r.key.csr)).toEqual(['ana', 'sue']);
    expect(sue('report:dashboard-local', { filter: { ...filter, team: 'South' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(sue('report:dashboard-local', { filter: { ...filter, csr: 'ben' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('takes a team’s members from the roster synced from the store once there is one, not from who signed in here', () => {
    const c = cache.db.$client;
    const add = c.prepare(`INSERT INTO team_roster (user_id, team_id, username, display_name, role, active, team) VALUES (?, ?, ?, ?, 'csr', 1, 'North')`);
    const north = randomUUID();
    // The store says: ben moved to North, and dan (who never signed in here) is in North; ana's local_users row still says North, the roster too.
    for (const [u, name] of [['ana', 'Ana'], ['ben', 'Ben'], ['dan', 'Dan']] as const) add.run(randomUUID(), north, u, name);
    try {
      const sue = as('sue', 'supervisor');
      const d = (sue('report:dashboard-local', { filter }) as { value: Dashboard }).value;
      expect(d.filter.team).toBe('North');
      expect(d.scope.csrs.map((m) => [m.username, m.displayName])).toEqual([['ana', 'Ana'], ['ben', 'Ben'], ['dan', 'Dan']]);
      expect(value(d, 'callsHandled').value).toBe(3);
      expect(sue('report:dashboard-local', { filter: { ...filter, csr: 'ben' } })).toMatchObject({ ok: true });
    } finally {
      c.prepare('DELETE FROM team_roster').run();
    }
  });

  it('gives an admin every team and lists a channel filter as not applied to call metrics', () => {
    const d = (as('root', 'admin')('report:dashboard-local', { filter: { ...filter, channel: 'phone' } }) as { value: Dashboard }).value;
    expect(d.scope.allTeams).toBe(true);
    expect(d.scope.teams).toEqual(['North', 'South']);
    expect(value(d, 'callsHandled')).toMatchObject({ value: 3, ignoredFilters: ['channel'] });
    expect(value(d, 'ordersTaken').ignoredFilters).toEqual([]);
  });

  it('refuses a store associate', () => {
    expect(as('sam', 'store_associate')('report:dashboard-local', { filter })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('the dashboard’s one scan per fact', () => {
  it('gives every figure, day and CSR exactly what each metric asked alone gives', () => {
    for (const [who, role, f] of [
      ['root', 'admin', {}],
      ['root', 'admin', { channel: 'phone', campaign: 'SPRING10' }],
      ['sue', 'supervisor', {}],
      ['ana', 'csr', {}],
    ] as const) {
      const d = (as(who, role)('report:dashboard-local', { filter: { ...filter, ...f }, compare: true }) as { value: Dashboard }).value;
      expect(d.metrics.some((m) => m.unit === 'cents' && (m.value ?? 0) > 0)).toBe(true);
      for (const figure of d.metrics) {
        const metric = (METRICS as Record<string, MetricDecl>)[figure.id]!;
        const mf = metricFilterFor(metric, { ...filter, ...f, ...(d.filter.team ? { team: d.filter.team } : {}), ...(d.filter.csr ? { csr: d.filter.csr } : {}) }).filter;
        const alone = runMetricOnCache(cache.db, metric, { filter: mf });
        expect(figure.components, `${who} ${figure.id}`).toEqual(alone[0]?.components ?? (figure.components.length === 1 ? [0] : [0, 0]));
        const days = runMetricOnCache(cache.db, metric, { filter: mf, groupBy: ['day'] });
        for (const row of d.byDay) expect(row.values[figure.id], `${who} ${figure.id} ${row.key.day}`).toBe(days.find((r) => r.key.day === row.key.day)?.value ?? metricValue(metric.aggregate, figure.components.map(() => 0)));
        if (!metric.dimensions.includes('csr')) continue;
        const csrs = runMetricOnCache(cache.db, metric, { filter: mf, groupBy: ['csr'] });
        for (const row of d.byCsr) expect(row.values[figure.id], `${who} ${figure.id} ${row.key.csr}`).toBe(csrs.find((r) => r.key.csr === row.key.csr)?.value ?? metricValue(metric.aggregate, figure.components.map(() => 0)));
      }
    }
  });
});

describe('report:drilldown-local', () => {
  it('lists the calls behind a figure, whose parts add up to it, with the customer’s name', () => {
    const sue = as('sue', 'supervisor');
    const r = sue('report:drilldown-local', { filter, metricId: 'averageTalkTime', key: { csr: 'ana' }, sort: { field: 'talkMs', dir: 'desc' } });
    expect(r.ok).toBe(true);
    const p = (r as { value: DrillDownPage }).value;
    expect(p).toMatchObject({ value: 90_000, components: [180_000, 2], total: 2 });
    expect(p.rows.map((row) => row.part)).toEqual([120_000, 60_000]);
    expect(p.rows.reduce((s, row) => s + row.part, 0)).toBe(p.components[0]);
    expect(p.rows[0]!.customerName).toBe('Zoë Ångström');
    expect(p.columns.find((c) => c.field === 'talkMs')!.label).toBe('Talk time');
  });

  it('refuses another CSR’s rows by their key, an unknown metric and an unknown sort field', () => {
    expect(as('ana', 'csr')('report:drilldown-local', { filter, metricId: 'callsHandled', key: { csr: 'ben' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(as('root', 'admin')('report:drilldown-local', { filter, metricId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(as('root', 'admin')('report:drilldown-local', { filter, metricId: 'callsHandled', sort: { field: 'wrapUpNotes', dir: 'asc' } })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
