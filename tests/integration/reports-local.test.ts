/**
 * The cache's report channels (issue 22): report:dashboard-local and report:drilldown-local through
 * the reader's handler table, with each role's scope (teams from local_users) and the drill-down's
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
