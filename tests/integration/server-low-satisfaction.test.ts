/**
 * Issue 22: a low satisfaction score opens a follow-up for the team's supervisors. The store's
 * `GET /calls/low-satisfaction` (the supervisor's Approvals screen reads it) lists the open
 * follow-ups — of any age: a follow-up stays until someone marks it followed up — of calls whose
 * caller answered 1 or 2, taken by a CSR of one of the caller's teams — an admin sees every one, a supervisor of another team none of them, a CSR is
 * refused — on PGlite and the PostgreSQL at 127.0.0.1:5432.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../server/src/auth/users';
import { calls, customers, teams, userTeams } from '../../server/src/db/schema';
import { callLowSatisfaction } from '../../src-shared/contracts/calls';
import { pgliteBackend, postgresBackend, postgresSkipReason, type StoreBackend } from '../helpers/server-db';
import { serveStoreForSuite } from '../helpers/store-suite';
import { signIn, type Credentials } from '../helpers/store-auth';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`low satisfaction scores on ${backend.name}`, () => {
    const served = serveStoreForSuite(backend, skipReason, { clock: () => NOW });
    const people: Record<string, Credentials & { role: 'csr' | 'supervisor' | 'admin' }> = {
      carl: { username: 'carl', password: 'battery staple', role: 'csr' },
      wendy: { username: 'wendy', password: 'web team csr', role: 'csr' },
      sue: { username: 'sue', password: 'supervises calls', role: 'supervisor' },
      otto: { username: 'otto', password: 'other team lead', role: 'supervisor' },
      ada: { username: 'ada', password: 'admin of all', role: 'admin' },
    };
    const sessions: Record<string, string> = {};
    const zoe = randomUUID();
    const ids = { low: randomUUID(), veryLow: randomUUID(), fine: randomUUID(), old: randomUUID(), noAnswer: randomUUID(), otherTeam: randomUUID() };

    beforeAll(async () => {
      if (skipReason) return;
      const { store, app } = served;
      const userIds: Record<string, string> = {};
      for (const p of Object.values(people)) {
        userIds[p.username] = (await createUser(store.db, { username: p.username, displayName: p.username, role: p.role, password: p.password }, FAST_SCRYPT)).id;
      }
      const [phones] = await store.db.insert(teams).values({ name: 'Phones' }).returning({ id: teams.id });
      const [web] = await store.db.insert(teams).values({ name: 'Web' }).returning({ id: teams.id });
      await store.db.insert(userTeams).values([
        { userId: userIds.carl!, teamId: phones!.id },
        { userId: userIds.sue!, teamId: phones!.id },
        { userId: userIds.wendy!, teamId: web!.id },
        { userId: userIds.otto!, teamId: web!.id },
      ]);
      await store.db.insert(customers).values({ id: zoe, firstName: 'Zoë', lastName: 'Ångström', createdAt: NOW - 30 * DAY, updatedAt: NOW - 30 * DAY });
      const call = (id: string, agentId: string, completedAt: number, satisfaction: number | null, customerId: string | null = zoe) => ({
        id,
        customerId,
        source: 'manual' as const,
        agentId,
        status: 'completed' as const,
        startedAt: completedAt - 300_000,
        talkEndedAt: completedAt - 60_000,
        completedAt,
        dispositionCode: 'resolved',
        wrapUpNotes: 'Parcel late again.',
        satisfaction,
      });
      await store.db.insert(calls).values([
        call(ids.low, 'carl', NOW - 2 * DAY, 2),
        call(ids.veryLow, 'carl', NOW - DAY, 1, null),
        call(ids.fine, 'carl', NOW - DAY, 4),
        call(ids.old, 'carl', NOW - 20 * DAY, 1),
        call(ids.noAnswer, 'carl', NOW - DAY, null),
        call(ids.otherTeam, 'wendy', NOW - 3 * DAY, 2),
      ]);
      // The scores reached the store when their calls completed (the trigger stamps the store's real clock).
      await store.db.execute(sql`update satisfaction_follow_ups f set opened_at = c.completed_at from calls c where c.id = f.call_id`);
      for (const p of Object.values(people)) sessions[p.username] = (await signIn(app, p)).token;
    });

    const list = (who: string) => served.app.inject({ method: 'GET', url: '/calls/low-satisfaction', headers: { authorization: `Bearer ${sessions[who]}` } });

    it('lists the open follow-ups of the supervisor’s teams, newest first, old ones too (open until followed up)', async () => {
      const res = await list('sue');
      expect(res.statusCode).toBe(200);
      const { calls: rows } = callLowSatisfaction.output.parse(res.json().value);
      expect(rows.map((r) => r.callId)).toEqual([ids.veryLow, ids.low, ids.old]);
      expect(rows[0]).toMatchObject({ customerId: null, customerName: null, agentName: 'carl', satisfaction: 1 });
      expect(rows[1]).toMatchObject({ customerId: zoe, customerName: 'Zoë Ångström', satisfaction: 2, dispositionCode: 'resolved', wrapUpNotes: 'Parcel late again.', completedAt: new Date(NOW - 2 * DAY).toISOString() });
    });

    it('shows another team’s supervisor only their own team’s, an admin every one, and refuses a CSR', async () => {
      expect((await list('otto')).json().value.calls.map((r: { callId: string }) => r.callId)).toEqual([ids.otherTeam]);
      expect((await list('ada')).json().value.calls.map((r: { callId: string }) => r.callId)).toEqual([ids.veryLow, ids.low, ids.otherTeam, ids.old]);
      expect((await list('carl')).statusCode).toBe(403);
      expect((await served.app.inject({ method: 'GET', url: '/calls/low-satisfaction' })).statusCode).toBe(401);
      expect((await served.app.inject({ method: 'GET', url: '/calls/low-satisfaction?x=1', headers: { authorization: `Bearer ${sessions.sue}` } })).statusCode).toBe(400);
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
