/**
 * Low satisfaction scores to follow up (issue 22), on the central store:
 *
 * - `GET /calls/low-satisfaction` (metrics.team): the calls completed in the last
 *   LOW_SATISFACTION_DAYS days (by the store's clock) whose caller answered 1 or 2 at wrap-up,
 *   taken by a CSR who shares a team with the caller of the route (an admin sees every one),
 *   newest first, at most LOW_SATISFACTION_LIMIT. The supervisor's Approvals screen lists them
 *   beside the discounts waiting, each opening the customer.
 *
 * The store answers because it alone knows every team's members (a workstation knows only the
 * users who signed in there). A score arriving later from a survey tool belongs to issue 23's
 * ingest API: once it writes calls.satisfaction, it is listed here the same way.
 */
import { and, desc, eq, exists, gte, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LOW_SATISFACTION_DAYS, LOW_SATISFACTION_MAX, type LowSatisfactionCall } from '../../../src-shared/contracts/calls';
import { calls, customers, users, userTeams } from '../db/schema';
import { HttpError, parseBody } from '../http/errors';

/** The most calls the list shows: a follow-up list, not a report (the dashboard counts them all). */
export const LOW_SATISFACTION_LIMIT = 100;

const noQuery = z.object({}).strict();
const DAY_MS = 86_400_000;

export function registerCallRoutes(app: FastifyInstance): void {
  app.get('/calls/low-satisfaction', async (request) => {
    parseBody(noQuery, request.query);
    const caller = request.auth?.user;
    if (!caller) throw new HttpError('unauthenticated', 'Sign in first.');
    const mine = alias(userTeams, 'mine');
    const theirs = alias(userTeams, 'theirs');
    const author = alias(users, 'author');
    // The call's CSR (calls.agent_id is their user name) shares a team with the caller.
    const inMyTeams = exists(
      app.store.db
        .select({ one: sql`1` })
        .from(author)
        .innerJoin(theirs, eq(theirs.userId, author.id))
        .innerJoin(mine, and(eq(mine.teamId, theirs.teamId), eq(mine.userId, caller.id)))
        .where(eq(author.username, calls.agentId)),
    );
    const since = app.clock() - LOW_SATISFACTION_DAYS * DAY_MS;
    const rows = await app.store.db
      .select({
        callId: calls.id,
        customerId: calls.customerId,
        firstName: customers.firstName,
        lastName: customers.lastName,
        agentName: calls.agentId,
        satisfaction: calls.satisfaction,
        dispositionCode: calls.dispositionCode,
        wrapUpNotes: calls.wrapUpNotes,
        completedAt: calls.completedAt,
      })
      .from(calls)
      .leftJoin(customers, eq(customers.id, calls.customerId))
      .where(
        and(
          eq(calls.status, 'completed'),
          // Inlined, not bound: the planner then sees calls_low_satisfaction_idx's predicate.
          sql`${calls.satisfaction} <= ${sql.raw(String(LOW_SATISFACTION_MAX))}`,
          gte(calls.completedAt, since),
          caller.role === 'admin' ? undefined : inMyTeams,
        ),
      )
      .orderBy(desc(calls.completedAt), desc(calls.id))
      .limit(LOW_SATISFACTION_LIMIT);
    const value: { calls: LowSatisfactionCall[] } = {
      calls: rows.map((r) => ({
        callId: r.callId,
        customerId: r.customerId,
        customerName: r.firstName === null ? null : `${r.firstName} ${r.lastName ?? ''}`.trim(),
        agentName: r.agentName,
        satisfaction: r.satisfaction!,
        dispositionCode: r.dispositionCode,
        wrapUpNotes: r.wrapUpNotes,
        completedAt: new Date(Number(r.completedAt)).toISOString(),
      })),
    };
    return { ok: true, value };
  });
}
