/**
 * The supervisors' live board on the central store (issue 22, GET /board), on both backends
 * (PGlite, and the PostgreSQL at 127.0.0.1:5432 in a fresh database dropped afterwards): calls
 * pushed by a workstation show as talking, on hold and in wrap-up, each since the right moment;
 * who is signed in and where; today's handled calls; approvals waiting and complaints in the last
 * hour; and who sees what — a supervisor their teams only, an admin every team, CSRs and store
 * associates nothing.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { eq } from 'drizzle-orm';
import { complaints, customers, orders, workstations } from '../../server/src/db/schema';
import { boardLive, type BoardLive } from '../../src-shared/contracts/board';
import { pushResponse, type PushOutcome } from '../../src-shared/contracts/sync-protocol';
import { pgliteBackend, postgresBackend, postgresSkipReason, type StoreBackend } from '../helpers/server-db';
import { serveStoreForSuite } from '../helpers/store-suite';
import { signIn, workstationToken, type Credentials } from '../helpers/store-auth';

const postgresSkip = await postgresSkipReason();

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
/** 10:00 UTC: "today" began ten hours ago. */
const T0 = Date.UTC(2026, 3, 14, 10, 0, 0);

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`the live board on ${backend.name}`, () => {
    let store: Store;
    let app: FastifyInstance;
    let now = T0;
    const served = serveStoreForSuite(backend, skipReason, { clock: () => now });
    const people = {
      carl: { username: 'carl', password: 'battery staple', role: 'csr', teams: ['Phones'], name: 'Carl Caller' },
      dana: { username: 'dana', password: 'correct horse', role: 'csr', teams: ['Phones'], name: 'Dana Desk' },
      wes: { username: 'wes', password: 'web team csr', role: 'csr', teams: ['Web'], name: 'Wes Web' },
      sue: { username: 'sue', password: 'supervises calls', role: 'supervisor', teams: ['Phones'], name: 'Sue Supervisor' },
      otto: { username: 'otto', password: 'other team lead', role: 'supervisor', teams: ['Web'], name: 'Otto Other' },
      ada: { username: 'ada', password: 'administers all', role: 'admin', teams: [], name: 'Ada Admin' },
      sam: { username: 'sam', password: 'at the counter', role: 'store_associate', teams: ['Phones'], name: 'Sam Shop' },
    } as const;
    type Who = keyof typeof people;
    const ids: Partial<Record<Who, string>> = {};
    const sessions: Partial<Record<Who, string>> = {};
    const desk = { id: randomUUID(), token: '', next: 1 };
    const customerId = randomUUID();

    beforeAll(async () => {
      if (skipReason) return;
      ({ store, app } = served);
      for (const [key, p] of Object.entries(people)) {
        ids[key as Who] = (await createUser(store.db, { username: p.username, displayName: p.name, role: p.role, password: p.password, teams: [...p.teams] }, FAST_SCRYPT)).id;
      }
      await store.db.insert(customers).values({ id: customerId, firstName: 'Zoë', lastName: 'Ångström', createdAt: T0 - 1000, updatedAt: T0 - 1000 });
      // Carl signs in on "Desk 1": his workstation's token pushes his calls.
      desk.token = await workstationToken(app, people.carl, desk.id, 'Desk 1');
      for (const who of ['sue', 'otto', 'ada', 'carl', 'sam'] as const) sessions[who] = (await signIn(app, people[who] as Credentials)).token;
    });

    const board = (who: Who | null, url = '/board') => app.inject({ method: 'GET', url, headers: who === null ? {} : { authorization: `Bearer ${sessions[who]}` } });
    async function boardOf(who: Who): Promise<BoardLive> {
      const res = await board(who);
      expect(res.statusCode, res.body).toBe(200);
      return boardLive.parse(res.json().value);
    }
    const agent = (b: BoardLive, username: string) => b.agents.find((a) => a.username === username);

    async function push(name: string, args: Record<string, unknown>): Promise<string> {
      const mutations = [{ id: desk.next++, name, schemaVersion: 2, createdAt: now, args }];
      const res = await app.inject({ method: 'POST', url: '/sync/push', headers: { authorization: `Bearer ${desk.token}` }, payload: { clientId: desk.id, mutations } });
      expect(res.statusCode, res.body).toBe(200);
      const [r] = pushResponse.parse(res.json().value).results as PushOutcome[];
      return r!.status === 'rejected' ? `rejected:${r!.code}: ${r!.message}` : r!.status;
    }

    it('refuses CSRs and store associates (403), nobody (401) and a query it does not take (400)', async () => {
      expect((await board('carl')).statusCode).toBe(403);
      expect((await board('sam')).statusCode).toBe(403);
      expect((await board(null)).statusCode).toBe(401);
      const q = await board('sue', '/board?team=Web');
      expect(q.statusCode).toBe(400);
      expect(q.json().error.code).toBe('invalid_input');
    });

    it('a supervisor sees their teams’ agents only, who is signed in and where; an admin sees every team', async () => {
      const sue = await boardOf('sue');
      expect(sue.now).toBe(now);
      expect(sue.teams).toEqual(['Phones']);
      expect(sue.agents.map((a) => a.username).sort()).toEqual(['carl', 'dana', 'sam', 'sue']);
      expect(agent(sue, 'carl')).toMatchObject({ displayName: 'Carl Caller', teams: ['Phones'], signedIn: { workstation: 'Desk 1' }, call: null, handledToday: 0 });
      // Dana never signed in; Sue signed in without naming a workstation (no desk to show).
      expect(agent(sue, 'dana')?.signedIn).toBeNull();
      expect(agent(sue, 'sue')?.signedIn).toBeNull();

      const otto = await boardOf('otto');
      expect(otto.agents.map((a) => a.username).sort()).toEqual(['otto', 'wes']);

      const ada = await boardOf('ada');
      expect(ada.teams).toEqual(['Phones', 'Web']);
      expect(ada.agents.map((a) => a.username).sort()).toEqual(['carl', 'dana', 'otto', 'sam', 'sue', 'wes']);
    });

    it('follows a call: talking, on hold, wrap-up, each since its moment, then counted as handled today', async () => {
      const callId = randomUUID();
      const startedAt = now - 5_000;
      expect(await push('call.start', { callId, customerId, fromE164: '+442079460958', fromRaw: null, source: 'screen_pop', agentId: 'carl', startedAt })).toBe('applied');
      let sue = await boardOf('sue');
      expect(agent(sue, 'carl')?.call).toEqual({ callId, state: 'talking', since: startedAt, startedAt, customerId });
      // Another team's supervisor does not see it; the admin does.
      expect(agent(await boardOf('otto'), 'carl')).toBeUndefined();
      expect(agent(await boardOf('ada'), 'carl')?.call?.state).toBe('talking');

      now += 30_000;
      expect(await push('call.hold', { callId, agentId: 'carl', at: now - 1_000 })).toBe('applied');
      sue = await boardOf('sue');
      expect(agent(sue, 'carl')?.call).toMatchObject({ state: 'on_hold', since: now - 1_000, startedAt });

      now += 10_000;
      expect(await push('call.resume', { callId, agentId: 'carl', at: now, holdMs: 11_000 })).toBe('applied');
      expect(agent(await boardOf('sue'), 'carl')?.call?.state).toBe('talking');

      now += 20_000;
      expect(await push('call.end', { callId, agentId: 'carl', at: now, talkMs: 54_000, holdMs: 11_000 })).toBe('applied');
      expect(agent(await boardOf('sue'), 'carl')?.call).toMatchObject({ state: 'wrap_up', since: now });

      now += 15_000;
      expect(
        await push('call.wrap_up', { callId, agentId: 'carl', at: now, dispositionCode: 'resolved', notes: null, talkMs: 54_000, holdMs: 11_000, wrapUpMs: 15_000 }),
      ).toBe('applied');
      sue = await boardOf('sue');
      expect(agent(sue, 'carl')).toMatchObject({ call: null, handledToday: 1 });
      // One finished yesterday (before midnight UTC) is not today's.
      const yesterday = randomUUID();
      const y = T0 - 11 * 60 * 60 * 1000;
      expect(await push('call.start', { callId: yesterday, customerId: null, fromE164: null, fromRaw: null, source: 'manual', agentId: 'carl', startedAt: y })).toBe('applied');
      expect(await push('call.end', { callId: yesterday, agentId: 'carl', at: y + 60_000, talkMs: 60_000, holdMs: 0 })).toBe('applied');
      expect(
        await push('call.wrap_up', { callId: yesterday, agentId: 'carl', at: y + 90_000, dispositionCode: 'resolved', notes: null, talkMs: 60_000, holdMs: 0, wrapUpMs: 30_000 }),
      ).toBe('applied');
      expect(agent(await boardOf('ada'), 'carl')).toMatchObject({ call: null, handledToday: 1 });
    });

    it('a call started more than 12 hours ago and never finished is not shown as under way', async () => {
      const callId = randomUUID();
      expect(await push('call.start', { callId, customerId: null, fromE164: null, fromRaw: null, source: 'manual', agentId: 'carl', startedAt: now - 13 * 60 * 60 * 1000 })).toBe('applied');
      expect(agent(await boardOf('sue'), 'carl')?.call).toBeNull();
    });

    it('counts the team’s orders awaiting approval (with the oldest) and complaints opened in the last hour', async () => {
      const before = await boardOf('sue');
      expect(before.approvals).toEqual({ count: 0, oldestAt: null });
      expect(before.complaintsLastHour).toBe(0);
      const order = (createdBy: string, placedAt: number, status: 'awaiting_approval' | 'placed' = 'awaiting_approval') => ({
        id: randomUUID(),
        number: `PH-${randomUUID().slice(0, 8)}`,
        customerId,
        channel: 'phone' as const,
        status,
        currency: 'USD',
        subtotalCents: 1000,
        totalCents: 1000,
        placedAt,
        createdBy,
      });
      await store.db.insert(orders).values([order(ids.carl!, now - 120_000), order(ids.dana!, now - 60_000), order(ids.carl!, now - 500_000, 'placed'), order(ids.wes!, now - 900_000)]);
      const complaint = (agentId: string, openedAt: number) => ({
        id: randomUUID(),
        customerId,
        categoryCode: 'late',
        severity: 'low' as const,
        description: 'Parcel late.',
        status: 'open' as const,
        openedAt,
        updatedAt: openedAt,
        agentId,
      });
      await store.db.insert(complaints).values([complaint('carl', now - 10 * 60_000), complaint('dana', now - 59 * 60_000), complaint('carl', now - 61 * 60_000), complaint('wes', now - 60_000)]);

      const sue = await boardOf('sue');
      expect(sue.approvals).toEqual({ count: 2, oldestAt: now - 120_000 });
      expect(sue.complaintsLastHour).toBe(2);
      const otto = await boardOf('otto');
      expect(otto.approvals).toEqual({ count: 1, oldestAt: now - 900_000 });
      expect(otto.complaintsLastHour).toBe(1);
      const ada = await boardOf('ada');
      expect(ada.approvals).toEqual({ count: 3, oldestAt: now - 900_000 });
      expect(ada.complaintsLastHour).toBe(3);
    });

    it('says when the agent’s workstation last asked the store anything', async () => {
      await store.db.update(workstations).set({ lastSeenAt: now - 600_000 }).where(eq(workstations.id, desk.id));
      expect(agent(await boardOf('sue'), 'carl')?.signedIn).toMatchObject({ workstation: 'Desk 1', seenAt: now - 600_000 });
    });

    it('a signed-out agent is no longer shown signed in', async () => {
      const res = await app.inject({ method: 'POST', url: '/auth/logout', headers: { authorization: `Bearer ${(await signIn(app, people.dana, randomUUID(), 'Desk 2')).token}` } });
      expect(res.statusCode).toBeLessThan(300);
      expect(agent(await boardOf('sue'), 'dana')?.signedIn).toBeNull();
      const token = (await signIn(app, people.dana, randomUUID(), 'Desk 3')).token;
      expect(agent(await boardOf('sue'), 'dana')?.signedIn).toMatchObject({ workstation: 'Desk 3', since: now });
      expect(token).toBeTruthy();
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
