/**
 * Low satisfaction scores to follow up (issue 22), on the central store:
 *
 * - A score of 1 or 2 (LOW_SATISFACTION_MAX) reaching calls.satisfaction — at wrap-up (the
 *   `call.wrap_up` mutation) or later from a survey tool (`POST /ingest/satisfaction`) — opens the
 *   call's follow-up once (a trigger: server/drizzle/0027_satisfaction_follow_ups.sql).
 * - `GET /calls/low-satisfaction` (metrics.team) `?show=open|all`: the follow-ups of calls taken by
 *   a CSR who shares a team with the caller of the route (an admin sees every one): every open
 *   one, newest first, at most LOW_SATISFACTION_LIMIT; with `show=all`, then those closed in the
 *   last LOW_SATISFACTION_DAYS days (by the store's clock), newest first, as many again.
 * - `POST /calls/:callId/follow-up/claim` (metrics.team) `{}`: the caller takes it (a follow-up
 *   someone else took, or one closed, is a conflict; taking one's own again changes nothing).
 * - `POST /calls/:callId/follow-up/close` (metrics.team) `{ note }`: marked followed up, with what was
 *   done; who and when kept. Closing twice is a conflict.
 *
 * Both writes are for the supervisors of the CSR's teams and admins: a follow-up outside the
 * caller's teams is answered as not found (they cannot see it), and nothing changes. Both are
 * audited with the call id only (the note may name the customer, so it is not copied there).
 */
import { and, desc, eq, exists, gte, isNull, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { LOW_SATISFACTION_DAYS, callFollowUpClaim, callFollowUpClose, callLowSatisfaction, type LowSatisfactionCall } from '../../../src-shared/contracts/calls';
import { recordAudit } from '../audit/audit';
import { workstationName } from '../auth/workstations';
import type { StoreDb } from '../db/connect';
import { calls, customers, satisfactionFollowUps, users, userTeams } from '../db/schema';
import { HttpError, parseBody } from '../http/errors';
import { ERASED_TEXT } from '../../../src-shared/contracts/privacy';
import type { StoreTx } from '../sync/mutations/refusal';

/** The most follow-ups the list shows of each kind: a follow-up list, not a report (the dashboard counts them all). */
export const LOW_SATISFACTION_LIMIT = 100;

const listQuery = callLowSatisfaction.input;
const callParam = z.object({ callId: callFollowUpClaim.input.shape.callId });
const closeBody = callFollowUpClose.input.omit({ callId: true });
const claimBody = z.object({}).strict();
const DAY_MS = 86_400_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export function registerCallRoutes(app: FastifyInstance): void {
  const caller = (request: FastifyRequest) => {
    const user = request.auth?.user;
    if (!user) throw new HttpError('unauthenticated', 'Sign in first.');
    return user;
  };

  /** The call's CSR (calls.agent_id is their user name) shares a team with `userId`; an admin's scope is every call. */
  const inScope = (db: StoreDb | StoreTx, user: { id: string; role: string }): SQL | undefined => {
    if (user.role === 'admin') return undefined;
    const mine = alias(userTeams, 'mine');
    const theirs = alias(userTeams, 'theirs');
    const author = alias(users, 'author');
    return exists(
      db
        .select({ one: sql`1` })
        .from(author)
        .innerJoin(theirs, eq(theirs.userId, author.id))
        .innerJoin(mine, and(eq(mine.teamId, theirs.teamId), eq(mine.userId, user.id)))
        .where(eq(author.username, calls.agentId)),
    );
  };

  /** The follow-ups `where` selects, as the contract lists them. */
  const read = async (db: StoreDb | StoreTx, where: SQL | undefined, order: SQL[], limit: number): Promise<LowSatisfactionCall[]> => {
    const claimer = alias(users, 'claimer');
    const closer = alias(users, 'closer');
    const rows = await db
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
        openedAt: satisfactionFollowUps.openedAt,
        claimedBy: claimer.username,
        claimedAt: satisfactionFollowUps.claimedAt,
        note: satisfactionFollowUps.note,
        closedBy: closer.username,
        closedAt: satisfactionFollowUps.closedAt,
      })
      .from(satisfactionFollowUps)
      .innerJoin(calls, eq(calls.id, satisfactionFollowUps.callId))
      .leftJoin(customers, eq(customers.id, calls.customerId))
      .leftJoin(claimer, eq(claimer.id, satisfactionFollowUps.claimedBy))
      .leftJoin(closer, eq(closer.id, satisfactionFollowUps.closedBy))
      .where(where)
      .orderBy(...order)
      .limit(limit);
    return rows.map((r) => ({
      callId: r.callId,
      customerId: r.customerId,
      customerName: r.firstName === null ? null : `${r.firstName} ${r.lastName ?? ''}`.trim(),
      agentName: r.agentName,
      satisfaction: r.satisfaction!,
      dispositionCode: r.dispositionCode,
      wrapUpNotes: r.wrapUpNotes,
      completedAt: iso(r.completedAt),
      followUp: {
        openedAt: iso(r.openedAt)!,
        claimedBy: r.claimedBy,
        claimedAt: iso(r.claimedAt),
        note: r.note,
        closedBy: r.closedBy,
        closedAt: iso(r.closedAt),
      },
    }));
  };

  app.get('/calls/low-satisfaction', async (request) => {
    const { show = 'open' } = parseBody(listQuery, request.query ?? {});
    const user = caller(request);
    const scope = inScope(app.store.db, user);
    const open = await read(
      app.store.db,
      and(isNull(satisfactionFollowUps.closedAt), scope),
      [desc(satisfactionFollowUps.openedAt), desc(satisfactionFollowUps.callId)],
      LOW_SATISFACTION_LIMIT,
    );
    const closed =
      show === 'all'
        ? await read(
            app.store.db,
            and(gte(satisfactionFollowUps.closedAt, app.clock() - LOW_SATISFACTION_DAYS * DAY_MS), scope),
            [desc(satisfactionFollowUps.closedAt), desc(satisfactionFollowUps.callId)],
            LOW_SATISFACTION_LIMIT,
          )
        : [];
    const value: { calls: LowSatisfactionCall[] } = { calls: [...open, ...closed] };
    return { ok: true, value };
  });

  /**
   * Locks the follow-up of `callId` in the caller's scope and hands it to `change`, audited as
   * `action`; answers the follow-up as it then is.
   */
  const write = async (
    request: FastifyRequest,
    callId: string,
    action: 'satisfaction_follow_up_claimed' | 'satisfaction_follow_up_closed',
    change: (tx: StoreTx, row: typeof satisfactionFollowUps.$inferSelect, user: { id: string; username: string }) => Promise<boolean>,
  ): Promise<LowSatisfactionCall> => {
    const user = caller(request);
    const workstationId = request.auth?.workstationId ?? null;
    const where = { workstationId, workstationName: workstationId ? await workstationName(app.store.db, workstationId) : null };
    return app.store.db.transaction(async (tx) => {
      const [found] = await tx
        .select({ callId: satisfactionFollowUps.callId })
        .from(satisfactionFollowUps)
        .innerJoin(calls, eq(calls.id, satisfactionFollowUps.callId))
        .where(and(eq(satisfactionFollowUps.callId, callId), inScope(tx, user)));
      if (!found) throw new HttpError('not_found', 'No follow-up of this call among your teams’ calls.', 'callId');
      // Locked: two supervisors acting at once are taken one after the other.
      const [row] = await tx.select().from(satisfactionFollowUps).where(eq(satisfactionFollowUps.callId, callId)).for('update');
      const changed = await change(tx, row!, user);
      if (changed) {
        await recordAudit(tx, {
          at: app.clock(),
          action,
          userId: user.id,
          username: user.username,
          ...where,
          subject: callId,
          detail: `Follow-up of the low satisfaction score of call ${callId} ${action === 'satisfaction_follow_up_claimed' ? 'taken' : 'marked followed up'}.`,
        });
      }
      const [answer] = await read(tx, eq(satisfactionFollowUps.callId, callId), [], 1);
      return answer!;
    });
  };

  app.post('/calls/:callId/follow-up/claim', async (request) => {
    const { callId } = parseBody(callParam, request.params);
    parseBody(claimBody, request.body ?? {});
    const value = await write(request, callId, 'satisfaction_follow_up_claimed', async (tx, row, user) => {
      if (row.closedAt !== null) throw new HttpError('conflict', 'This follow-up is closed already.', 'callId');
      if (row.claimedBy === user.id) return false;
      if (row.claimedBy !== null) {
        const [other] = await tx.select({ username: users.username }).from(users).where(eq(users.id, row.claimedBy));
        throw new HttpError('conflict', `${other?.username ?? 'Someone else'} took this follow-up already.`, 'callId');
      }
      await tx.update(satisfactionFollowUps).set({ claimedBy: user.id, claimedAt: app.clock() }).where(eq(satisfactionFollowUps.callId, row.callId));
      return true;
    });
    return { ok: true, value };
  });

  app.post('/calls/:callId/follow-up/close', async (request) => {
    const { callId } = parseBody(callParam, request.params);
    const { note } = parseBody(closeBody, request.body ?? {});
    const value = await write(request, callId, 'satisfaction_follow_up_closed', async (tx, row, user) => {
      if (row.closedAt !== null) throw new HttpError('conflict', 'This follow-up is closed already.', 'callId');
      const now = app.clock();
      await tx
        .update(satisfactionFollowUps)
        // A follow-up of an erased customer's call (server/src/privacy) keeps no text about them.
        .set({ note: (await callOfErasedCustomer(tx, row.callId)) ? ERASED_TEXT : note, closedBy: user.id, closedAt: now, claimedBy: row.claimedBy ?? user.id, claimedAt: row.claimedAt ?? now })
        .where(eq(satisfactionFollowUps.callId, row.callId));
      return true;
    });
    return { ok: true, value };
  });
}

/** Is this call's customer erased? */
async function callOfErasedCustomer(tx: StoreTx, callId: string): Promise<boolean> {
  const [row] = await tx.select({ erasedAt: customers.erasedAt }).from(calls).innerJoin(customers, eq(customers.id, calls.customerId)).where(eq(calls.id, callId));
  return row?.erasedAt !== null && row?.erasedAt !== undefined;
}
