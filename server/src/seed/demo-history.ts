/**
 * A small call-centre history for the demo store (issue 22): without one, a supervisor signing in
 * on a fresh demo finds a dashboard of zeros and "no data". The history's generator is the one the
 * scale seed uses (src-shared/seed/history.ts: calls with holds and wrap-ups, repeat calls,
 * complaints and their lifecycles, offers, phone orders), over the demo customers and catalogue,
 * ending today at 00:00 UTC; today belongs to the people using the demo.
 *
 * Its first team's people are also made members of the demo's own team (the one the demo CSR and
 * the demo supervisor belong to, "Phones"), so the demo supervisor sees a team with figures and
 * the demo CSR among colleagues. Its users sign in with the history's password (HISTORY_PASSWORD).
 */
import { sql } from 'drizzle-orm';
import type { Store } from '../db/connect';
import { loadHistoryIntoStore, storeHasHistory, type HistorySummary } from './history';

/** The demo's own team, which the history's first team's people join. */
export const DEMO_TEAM = 'Phones';
export const DEMO_HISTORY = { seed: 20261206, calls: 3_000, teams: 2, csrsPerTeam: 6, days: 90 } as const;

export interface DemoHistorySummary extends HistorySummary {
  /** People of the history's first team added to the demo's team. */
  joined: number;
  /** The password the history's users sign in with. */
  password: string;
}

/** Loads the demo history unless the store holds one already; null when it did nothing. */
export async function loadDemoHistoryIfAbsent(store: Store, now = startOfUtcDay(Date.now())): Promise<DemoHistorySummary | null> {
  if (await storeHasHistory(store)) return null;
  const summary = await loadHistoryIntoStore(store, { ...DEMO_HISTORY, now });
  // The history's teams are named "Team …" in order; its first is the one whose people sign in
  // as sup001 and csr0001…: those join the demo team beside their own.
  const joined = (await store.db.execute(sql`
    insert into user_teams (user_id, team_id)
    select ut.user_id, demo.id
    from user_teams ut
    join users u on u.id = ut.user_id
    join teams demo on lower(demo.name) = lower(${DEMO_TEAM})
    where ut.team_id = (select team_id from user_teams ut1 join users u1 on u1.id = ut1.user_id where u1.username = 'csr0001' limit 1)
    on conflict do nothing
    returning user_id`)) as unknown as { rows: unknown[] };
  const { HISTORY_PASSWORD } = await import('../../../src-shared/seed/history');
  return { ...summary, joined: joined.rows.length, password: HISTORY_PASSWORD };
}

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / 86_400_000) * 86_400_000;
}
