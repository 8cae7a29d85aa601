/**
 * Handlers for the cache's report channels (contracts/reports.ts): the dashboard and its drill-down
 * from this workstation's cache, offline, "as of" the last completed pull. Who may see what is the
 * shared rule (src-shared/reports/scope.ts), asked with the signed-in user: their role, their user
 * name and their teams as the store gave them at their last online sign-in (local_users.teams).
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

/** Everyone who signed in on this workstation, with their teams. */
export function cacheRoster(db: ReadableDb): RosterMember[] {
  const rows = db.$client.prepare(`SELECT username, display_name AS displayName, role, teams FROM local_users ORDER BY username`).all() as { username: string; displayName: string; role: UserRole; teams: string }[];
  return rows.map((r) => ({ username: r.username, displayName: r.displayName, role: r.role, teams: parseTeams(r.teams) }));
}

/** The signed-in user as the report scope sees them (no role: the workstation's operator, own figures only). */
export function cacheViewer(ctx: Pick<ReadContext, 'agentId' | 'agentRole'>, roster: readonly RosterMember[]): ReportViewer {
  return { role: ctx.agentRole ?? 'csr', username: ctx.agentId, teams: roster.find((m) => m.username === ctx.agentId)?.teams ?? [] };
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
      const resolved = resolveReportScope(cacheViewer(ctx, roster), roster, input.filter);
      return buildDashboard({ resolved, compare: input.compare, source: 'cache', asOf: cacheAsOf(ctx.db) }, (metrics, query) => runMetricGroupOnCache(ctx.db, metrics, query));
    },
    'report:drilldown-local': (input) => {
      const roster = cacheRoster(ctx.db);
      const { filter } = resolveReportScope(cacheViewer(ctx, roster), roster, drillScopeFilter(input));
      return buildDrillDown(input, filter, {
        metric: (metric, query) => runMetricOnCache(ctx.db, metric, query),
        rows: (metric, query, drill) => runMetricRowsOnCache(ctx.db, metric, query, drill),
        customerNames: (ids) => cacheCustomerNames(ctx.db, ids),
      });
    },
  };
}
