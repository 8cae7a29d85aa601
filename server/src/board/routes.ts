/**
 * The supervisors' live board (issue 22): `GET /board` (metrics.team; admins hold it too) answers
 * for the caller's teams — an admin for every team — in the `boardLive` shape
 * (src-shared/contracts/board.ts):
 *
 * - agents: the active users of those teams, with their teams (those in view), whether they are
 *   signed in online now and where (their newest open session on a workstation that is not
 *   revoked), their unfinished call (talking, on hold or in wrap-up, since when, the customer's id)
 *   and the calls they completed since midnight UTC;
 * - orders of those agents awaiting a supervisor's approval (count, oldest);
 * - complaints those agents opened in the hour before now.
 *
 * "Now" is the store's clock. A call counts as unfinished only if it started in the last 12 hours:
 * a workstation that died mid-call and never came back would otherwise show its agent on a call
 * for ever (and the index on (agent_id, started_at) stays a short range scan).
 *
 * Everything is one read with no lock, run once a second by each open board: calls reach it as
 * soon as the workstation's outbox pushes them (a saved write kicks the sync loop at once).
 */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { BoardAgent, BoardLive, BoardState } from '../../../src-shared/contracts/board';
import type { CallStatus } from '../../../src-shared/domain/call';
import { HttpError, parseBody } from '../http/errors';

const noQuery = z.object({}).strict();

/** A call older than this is not shown as under way (see above). */
export const OPEN_CALL_WINDOW_MS = 12 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

interface AgentRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  teams: string[] | string;
  workstation: string | null;
  signed_in_since: string | number | null;
  seen_at: string | number | null;
  call_id: string | null;
  status: CallStatus | null;
  started_at: string | number | null;
  hold_started_at: string | number | null;
  talk_ended_at: string | number | null;
  customer_id: string | null;
  handled_today: string | number;
}

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

/** A PostgreSQL text[] as node-postgres or PGlite hands it back (an array, or its literal). */
function textArray(v: string[] | string): string[] {
  if (Array.isArray(v)) return v;
  const inner = v.replace(/^\{|\}$/g, '');
  if (inner === '') return [];
  return inner.split(',').map((s) => s.replace(/^"|"$/g, '').replace(/\\(.)/g, '$1'));
}

function callOf(r: AgentRow): BoardAgent['call'] {
  if (r.call_id === null || r.status === null || r.status === 'completed') return null;
  const startedAt = num(r.started_at) ?? 0;
  const state: BoardState = r.status === 'active' ? 'talking' : r.status;
  const since = state === 'on_hold' ? (num(r.hold_started_at) ?? startedAt) : state === 'wrap_up' ? (num(r.talk_ended_at) ?? startedAt) : startedAt;
  return { callId: r.call_id, state, since, startedAt, customerId: r.customer_id };
}

async function rowsOf<T>(app: FastifyInstance, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await app.store.db.execute(query)) as unknown as { rows: T[] }).rows;
}

export async function readBoard(app: FastifyInstance, caller: { id: string; role: string }, now: number): Promise<BoardLive> {
  const everyTeam = caller.role === 'admin';
  const dayStart = now - (now % DAY_MS);
  const inScope = everyTeam ? sql`true` : sql`ut.team_id in (select team_id from user_teams where user_id = ${caller.id})`;
  const scope = sql`
    select u.id, u.username, u.display_name, u.role, array_agg(t.name order by t.name) as teams
      from users u
      join user_teams ut on ut.user_id = u.id
      join teams t on t.id = ut.team_id
     where u.active and ${inScope}
     group by u.id`;
  const agents = await rowsOf<AgentRow>(
    app,
    sql`
    with scope as (${scope})
    select a.id, a.username, a.display_name, a.role, a.teams,
           ses.workstation, ses.since as signed_in_since, ses.seen_at,
           c.id as call_id, c.status, c.started_at, c.hold_started_at, c.talk_ended_at, c.customer_id,
           (select count(*) from calls d
             where d.agent_id = a.username and d.started_at >= ${dayStart - DAY_MS}
               and d.status = 'completed' and d.completed_at >= ${dayStart}) as handled_today
      from scope a
      left join lateral (
        select w.name as workstation, s.created_at as since, w.last_seen_at as seen_at
          from sessions s join workstations w on w.id = s.workstation_id
         where s.user_id = a.id and s.revoked_at is null and s.expires_at > ${now} and w.revoked_at is null
         order by s.created_at desc limit 1) ses on true
      left join lateral (
        select c.id, c.status, c.started_at, c.hold_started_at, c.talk_ended_at, c.customer_id
          from calls c
         where c.agent_id = a.username and c.started_at > ${now - OPEN_CALL_WINDOW_MS} and c.status <> 'completed'
         order by c.started_at desc limit 1) c on true
     order by lower(a.display_name), a.username`,
  );
  const teams = everyTeam
    ? await rowsOf<{ name: string }>(app, sql`select name from teams order by lower(name)`)
    : await rowsOf<{ name: string }>(app, sql`select t.name from teams t join user_teams ut on ut.team_id = t.id where ut.user_id = ${caller.id} order by lower(t.name)`);
  const users = sql`(select u.id from users u join user_teams ut on ut.user_id = u.id where ${inScope})`;
  const usernames = sql`(select u.username from users u join user_teams ut on ut.user_id = u.id where ${inScope})`;
  const [approvals] = await rowsOf<{ n: string | number; oldest: string | number | null }>(
    app,
    sql`select count(*) as n, min(placed_at) as oldest from orders where status = 'awaiting_approval' and ${everyTeam ? sql`true` : sql`created_by in ${users}`}`,
  );
  const [complaints] = await rowsOf<{ n: string | number }>(
    app,
    sql`select count(*) as n from complaints where opened_at > ${now - HOUR_MS} and opened_at <= ${now} and ${everyTeam ? sql`true` : sql`agent_id in ${usernames}`}`,
  );
  return {
    now,
    teams: teams.map((t) => t.name),
    agents: agents.map((r) => ({
      username: r.username,
      displayName: r.display_name,
      role: r.role,
      teams: textArray(r.teams),
      signedIn: r.workstation === null ? null : { workstation: r.workstation, since: num(r.signed_in_since) ?? 0, seenAt: num(r.seen_at) },
      call: callOf(r),
      handledToday: Number(r.handled_today),
    })),
    approvals: { count: Number(approvals?.n ?? 0), oldestAt: num(approvals?.oldest ?? null) },
    complaintsLastHour: Number(complaints?.n ?? 0),
  };
}

export function registerBoardRoutes(app: FastifyInstance): void {
  app.get('/board', async (request) => {
    parseBody(noQuery, request.query);
    const caller = request.auth?.user;
    if (!caller) throw new HttpError('unauthenticated', 'Sign in first.');
    const value = await readBoard(app, caller, app.clock());
    return { ok: true, value };
  });
}
