/**
 * Handlers for the cache's report channels (contracts/reports.ts): the dashboard and its drill-down
 * from this workstation's cache, offline, "as of" the last completed pull. Who may see what is the
 * shared rule (src-shared/reports/scope.ts), asked with the signed-in user: their role, their user
 * name and their teams as the store gave them at their last online sign-in (local_users.teams).
 * The members of teams come from the roster synced from the store (team_roster), as the figures'
 * team filter does (ROSTER_SQL), so CSRs who never signed in here are listed and counted; a cache
 * that never pulled a roster knows only the users who signed in on it.
 */
import type { reportChannels } from '../../../src-shared/contracts/reports';
import { buildDashboard } from '../../../src-shared/reports/dashboard';
import { buildDrillDown, drillScopeFilter } from '../../../src-shared/reports/drilldown';
import { resolveReportScope, type ReportViewer, type RosterMember } from '../../../src-shared/reports/scope';
import type { ReadableDb } from '../db/open';
import type { UserRole } from '../../../src-shared/contracts/server-auth';
import type { ReadContext, ReadHandlersOf } from '../rpc/handler-context';
import { SYNC_META } from '../sync/pull-cursor';
import { runMetricGroupOnCache, runMetricOnCache, runMetricRowsOnCache } from './metrics';

const parseTeams = (raw: string): string[] => {
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
};

interface LocalUserRow {
  username: string;
  displayName: string;
  role: UserRole;
  teams: string;
}

const localUsers = (db: ReadableDb): LocalUserRow[] =>
  db.$client.prepare(`SELECT username, display_name AS displayName, role, teams FROM local_users ORDER BY username`).all() as LocalUserRow[];

/**
 * Everyone a report on this workstation may name, with their teams, as the store's storeRoster
 * lists them: the active users of the store's roster (team_roster) with the users who signed in
 * here and are in no team; while no roster was pulled, the users who signed in here with the teams
 * the store gave them then.
 */
export function cacheRoster(db: ReadableDb): RosterMember[] {
  const local = localUsers(db);
  const synced = db.$client
    .prepare(`SELECT username, display_name AS displayName, role, active, team FROM team_roster ORDER BY username, team`)
    .all() as { username: string; displayName: string; role: UserRole; active: number; team: string }[];
  if (synced.length === 0) return local.map((r) => ({ username: r.username, displayName: r.displayName, role: r.role, teams: parseTeams(r.teams) }));
  const byName = new Map<string, RosterMember & { teams: string[] }>();
  const disabled = new Set<string>();
  for (const r of synced) {
    if (r.active !== 1) {
      disabled.add(r.username);
      continue;
    }
    const member = byName.get(r.username);
    if (member) member.teams.push(r.team);
    else byName.set(r.username, { username: r.username, displayName: r.displayName, role: r.role, teams: [r.team] });
  }
  for (const r of local) {
    if (!byName.has(r.username) && !disabled.has(r.username)) byName.set(r.username, { username: r.username, displayName: r.displayName, role: r.role, teams: [] });
  }
  return [...byName.values()].sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
}

/**
 * The signed-in user as the report scope sees them (no role: the workstation's operator, own figures
 * only), with the teams the store gave them at their last online sign-in.
 */
export function cacheViewer(ctx: Pick<ReadContext, 'agentId' | 'agentRole' | 'db'>): ReportViewer {
  const self = localUsers(ctx.db).find((r) => r.username === ctx.agentId);
  return { role: ctx.agentRole ?? 'csr', username: ctx.agentId, teams: self ? parseTeams(self.teams) : [] };
}

/** When the last pull completed (ISO), or null when this cache was never synced. */
export function cacheAsOf(db: ReadableDb): string | null {
  const raw = db.$client.prepare(`SELECT value FROM cache_meta WHERE key = ?`).pluck().get(SYNC_META.pulledAt) as string | undefined;
  const ms = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

export function cacheCustomerNames(db: ReadableDb, ids: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (ids.length === 0) return out;
  const rows = db.$client
    .prepare(`SELECT id, first_name AS firstName, last_name AS lastName FROM customers WHERE id IN (${ids.map(() => '?').join(', ')})`)
    .all(...ids) as { id: string; firstName: string; lastName: string }[];
  for (const r of rows) out.set(r.id, `${r.firstName} ${r.lastName}`.trim());
  return out;
}

export function reportReadHandlers(ctx: ReadContext): ReadHandlersOf<typeof reportChannels> {
  return {
    'report:dashboard-local': (input) => {
      const roster = cacheRoster(ctx.db);
      const resolved = resolveReportScope(cacheViewer(ctx), roster, input.filter);
      return buildDashboard({ resolved, compare: input.compare, source: 'cache', asOf: cacheAsOf(ctx.db) }, (metrics, query) => runMetricGroupOnCache(ctx.db, metrics, query));
    },
    'report:drilldown-local': (input) => {
      const roster = cacheRoster(ctx.db);
      const { filter } = resolveReportScope(cacheViewer(ctx), roster, drillScopeFilter(input));
      return buildDrillDown(input, filter, {
        metric: (metric, query) => runMetricOnCache(ctx.db, metric, query),
        rows: (metric, query, drill) => runMetricRowsOnCache(ctx.db, metric, query, drill),
        customerNames: (ids) => cacheCustomerNames(ctx.db, ids),
      });
    },
  };
}
