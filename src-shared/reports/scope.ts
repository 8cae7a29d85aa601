/**
 * Who may see which figures (contracts/reports.ts, header): one function, asked by the store's
 * report routes and by the workstation's offline handlers alike, so the two enforce the same rule.
 *
 * - a CSR (metrics.own): only their own figures — the `csr` filter is forced to them, another
 *   name is refused; a `team` filter must be one of their teams;
 * - a supervisor (metrics.team): the teams they belong to — a `team` outside them, or a CSR in
 *   none of them, is refused; no team given means their first team (no team at all: their own
 *   figures, as a CSR);
 * - an admin (metrics.all): everything; no team given means every team;
 * - anyone without metrics.own (a store associate): refused.
 */
import { can } from '../auth/permissions';
import type { UserRole } from '../contracts/server-auth';
import type { Dashboard, ReportFilter } from '../contracts/reports';
import { AppError } from '../result';

/** Who asks. */
export interface ReportViewer {
  role: UserRole;
  /** The user name (what `agent_id` holds). */
  username: string;
  /** Names of the teams the user belongs to. */
  teams: readonly string[];
}

/** A user a report may name: everyone the store (or this workstation) knows, with their teams. */
export interface RosterMember {
  username: string;
  displayName: string;
  teams: readonly string[];
  /** Their role, when known: only CSRs and supervisors (who take calls) are listed in a scope. */
  role?: UserRole;
}

export type ReportScope = Dashboard['scope'];

export interface ResolvedScope {
  /** The filter as it is to be run: the CSR forced, the default team filled in. */
  filter: ReportFilter;
  scope: ReportScope;
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The effective filter and what the viewer may choose, or AppError `forbidden`. */
export function resolveReportScope(viewer: ReportViewer, everyone: readonly RosterMember[], requested: ReportFilter): ResolvedScope {
  if (!can(viewer.role, 'metrics.own')) throw new AppError('forbidden', 'Your role has no figures to see.');
  const roster = everyone.filter((m) => m.role === undefined || m.role === 'csr' || m.role === 'supervisor');
  const listed = (m: RosterMember) => ({ username: m.username, displayName: m.displayName, teams: [...m.teams] });
  const self = everyone.find((m) => m.username === viewer.username) ?? { username: viewer.username, displayName: viewer.username, teams: viewer.teams };

  if (can(viewer.role, 'metrics.all')) {
    const teams = [...new Set(roster.flatMap((m) => m.teams))].sort();
    const team = requested.team === undefined ? undefined : (teams.find((t) => sameName(t, requested.team!)) ?? requested.team);
    return {
      filter: { ...requested, ...(team === undefined ? {} : { team }) },
      scope: { role: viewer.role, teams, csrs: roster.map(listed), allTeams: true },
    };
  }

  const ownTeams = [...viewer.teams];
  const team = requested.team === undefined ? undefined : ownTeams.find((t) => sameName(t, requested.team!));
  if (requested.team !== undefined && team === undefined) throw new AppError('forbidden', 'You can see only the figures of your own teams.', 'team');

  if (can(viewer.role, 'metrics.team') && ownTeams.length > 0) {
    const members = roster.filter((m) => m.teams.some((t) => ownTeams.some((o) => sameName(o, t))));
    if (requested.csr !== undefined && requested.csr !== viewer.username && !members.some((m) => m.username === requested.csr)) {
      throw new AppError('forbidden', 'You can see only the figures of the CSRs of your own teams.', 'csr');
    }
    // A CSR chosen without a team: that CSR's figures (all in the supervisor's teams); else the first team by default.
    const effectiveTeam = team ?? (requested.csr === undefined ? ownTeams[0] : undefined);
    const filter: ReportFilter = { ...requested };
    if (effectiveTeam !== undefined) filter.team = effectiveTeam;
    else delete filter.team;
    return { filter, scope: { role: viewer.role, teams: ownTeams, csrs: members.map(listed), allTeams: false } };
  }

  // Own figures only (a CSR; a supervisor in no team).
  if (requested.csr !== undefined && requested.csr !== viewer.username) throw new AppError('forbidden', 'You can see only your own figures.', 'csr');
  const filter: ReportFilter = { ...requested, csr: viewer.username };
  if (team !== undefined) filter.team = team;
  return { filter, scope: { role: viewer.role, teams: ownTeams, csrs: [listed(self)], allTeams: false } };
}
