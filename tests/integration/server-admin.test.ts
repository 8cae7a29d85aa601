/**
 * Administration and the audit log (issue 5), on both backends: users, roles, teams, password
 * resets and the workstations list through the admin routes, each change audited; GET /audit's
 * filters and paging; events a workstation recorded offline (idempotent); and the database itself
 * refusing to change or remove an audit entry.
 */
import { WORKSTATION_TOKEN_TTL_MS } from '../../server/src/auth/workstations';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../server/src/app';
import { WRONG_CREDENTIALS } from '../../server/src/auth/sign-in';
import { createUser, DEMO_USERS, ensureTeams, seedDemoUsers } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { WEAK_PASSWORD_MESSAGE } from '../../src-shared/auth/password-policy';
import { adminUser, auditPage, team, workstationAuditResponse, workstationInfo, type AdminUser, type AuditEntry } from '../../src-shared/contracts/admin';
import { loginResponse, serverError, type LoginResponse } from '../../src-shared/contracts/server-auth';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend, type StoreLocation } from '../helpers/server-db';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`administration and audit on ${backend.name}`, () => {
    let location: StoreLocation;
    let store: Store;
    let app: FastifyInstance;
    let now = T0;
    let ada: LoginResponse;
    const desk = { id: randomUUID(), name: 'Admin desk' };

    beforeAll(async () => {
      if (skipReason) return;
      location = await backend.freshLocation();
      store = await location.open();
      app = buildServer({ store, logger: false, clock: () => now, scrypt: FAST_SCRYPT });
      await app.ready();
      await createUser(store.db, { username: 'ada', displayName: 'Ada Admin', role: 'admin', password: 'ada pass' }, FAST_SCRYPT);
      await createUser(store.db, { username: 'sue', displayName: 'Sue Supervisor', role: 'supervisor', password: 'sue pass' }, FAST_SCRYPT);
      ada = await signIn('ada', 'ada pass', desk);
    });

    afterAll(async () => {
      await app?.close();
      await store?.close();
      await location?.dispose();
    });

    beforeEach((ctx) => {
      if (skipReason) ctx.skip(skipReason);
    });

    /** The workstation token each desk holds: its proof when someone signs in on it again (issue 18). */
    const held = new Map<string, string>();
    async function signIn(username: string, password: string, workstation?: { id: string; name: string }): Promise<LoginResponse> {
      const proof = workstation ? held.get(workstation.id) : undefined;
      const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, ...(workstation ? { workstation } : {}), ...(proof ? { workstationToken: proof } : {}) } });
      expect(res.statusCode, res.body).toBe(200);
      const answer = loginResponse.parse(res.json().value);
      if (workstation && answer.workstationToken) held.set(workstation.id, answer.workstationToken);
      return answer;
    }

    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    const admin = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      app.inject({ method, url, headers: as(ada.token), ...(payload ? { payload } : {}) });
    async function ok<T>(res: Awaited<ReturnType<typeof admin>>, parse: (v: unknown) => T): Promise<T> {
      expect(res.statusCode, res.body).toBe(200);
      return parse(res.json().value);
    }
    const refusal = (res: Awaited<ReturnType<typeof admin>>) => [res.statusCode, serverError.parse(res.json()).error.message];
    async function auditOf(query: string): Promise<AuditEntry[]> {
      return (await ok(await admin('GET', `/audit?${query}`), (v) => auditPage.parse(v))).entries;
    }

    it('creates the demo users of an empty store in their teams (what `npm start` relies on), once', async () => {
      const fresh = await backend.freshLocation();
      const demo = await fresh.open();
      try {
        expect((await seedDemoUsers(demo.db)).map((u) => `${u.username}:${u.role}`)).toEqual(DEMO_USERS.map((u) => `${u.username}:${u.role}`));
        expect(await seedDemoUsers(demo.db)).toEqual([]);
        const byUser = await queryRows<{ username: string; team: string }>(
          demo,
          sql`select u.username, t.name as team from user_teams ut join users u on u.id = ut.user_id join teams t on t.id = ut.team_id order by u.username`,
        );
        expect(byUser).toEqual([
          { username: 'associate', team: 'Counter' },
          { username: 'csr', team: 'Phones' },
          { username: 'supervisor', team: 'Phones' },
        ]);
        // A team name given in another case is the same team.
        expect(await ensureTeams(demo.db, ['phones'])).toHaveLength(1);
      } finally {
        await demo.close();
        await fresh.dispose();
      }
    });

    it('creates users (audited), refuses a taken name with 409, and lists users with teams and last sign-in', async () => {
      now = T0 + 1000;
      const phones = await ok(await admin('POST', '/admin/teams', { name: 'Phones' }), (v) => team.parse(v));
      expect(refusal(await admin('POST', '/admin/teams', { name: 'phones' }))).toEqual([409, 'That team name is taken.']);
      // The database holds the rule too, so two admins racing past the check cannot make both.
      await expect(store.db.execute(sql`insert into teams (name) values ('PHONES')`)).rejects.toThrow();
      const created = await ok(
        await admin('POST', '/admin/users', { username: 'Nia', displayName: 'Nia New', role: 'csr', password: 'long enough', teamIds: [phones.id] }),
        (v) => adminUser.parse(v),
      );
      expect(created).toMatchObject({ username: 'nia', displayName: 'Nia New', role: 'csr', active: true, teams: [phones], lastSignInAt: null, lockedUntil: null });
      expect(refusal(await admin('POST', '/admin/users', { username: 'nia', displayName: 'Other', role: 'csr', password: 'long enough' }))).toEqual([409, 'That user name is taken.']);
      expect((await admin('POST', '/admin/users', { username: 'x', displayName: 'X', role: 'csr', password: 'short' })).statusCode).toBe(400);
      expect((await admin('POST', '/admin/users', { username: 'zed', displayName: 'Zed', role: 'csr', password: 'long enough', teamIds: [randomUUID()] })).statusCode).toBe(400);

      now = T0 + 2000;
      const nia = await signIn('nia', 'long enough');
      expect(nia.teams).toEqual(['Phones']);
      const { users, teams } = await ok(await admin('GET', '/admin/users'), (v) => v as { users: AdminUser[]; teams: unknown[] });
      expect(teams).toEqual([phones]);
      expect(users.map((u) => u.username)).toEqual(['ada', 'nia', 'sue']);
      expect(users.find((u) => u.username === 'nia')).toMatchObject({ lastSignInAt: T0 + 2000, teams: [phones] });

      const [createdEntry] = await auditOf('action=user_created');
      expect(createdEntry).toMatchObject({ action: 'user_created', username: 'ada', subject: 'nia', workstationId: desk.id, workstationName: 'Admin desk', at: T0 + 1000 });
      expect(createdEntry!.detail).toBe('Created nia (Nia New) as CSR, teams Phones.');
      expect((await auditOf('action=team_created'))[0]).toMatchObject({ subject: 'Phones', detail: 'Created the team Phones.' });
    });

    it('changes role, name, teams and activity (each audited), and keeps an admin from disabling or demoting themselves', async () => {
      const user = await createUser(store.db, { username: 'omar', displayName: 'Omar', role: 'csr', password: 'omar pass' }, FAST_SCRYPT);
      const counter = await ok(await admin('POST', '/admin/teams', { name: 'Counter' }), (v) => team.parse(v));
      const patch = (payload: object) => admin('PATCH', `/admin/users/${user.id}`, payload);
      const changed = await ok(await patch({ role: 'supervisor', displayName: 'Omar O.', teamIds: [counter.id] }), (v) => adminUser.parse(v));
      expect(changed).toMatchObject({ role: 'supervisor', displayName: 'Omar O.', teams: [counter] });
      expect((await auditOf('action=role_changed'))[0]).toMatchObject({ subject: 'omar', detail: 'csr → supervisor', username: 'ada' });
      expect((await auditOf('action=user_updated'))[0]).toMatchObject({ subject: 'omar', detail: 'Changed name “Omar” → “Omar O.”; teams none → Counter.' });

      expect((await ok(await patch({ active: false }), (v) => adminUser.parse(v))).active).toBe(false);
      expect((await ok(await patch({ userId: user.id, active: true }), (v) => adminUser.parse(v))).active).toBe(true);
      expect((await auditOf('action=user_enabled'))[0]).toMatchObject({ subject: 'omar', detail: 'Enabled omar.' });
      expect((await auditOf('action=user_disabled'))[0]).toMatchObject({ subject: 'omar' });

      expect(refusal(await patch({}))).toEqual([400, 'Nothing to change.']);
      expect(refusal(await patch({ userId: randomUUID(), active: true }))).toEqual([400, 'userId: the body names another user than the address.']);
      expect((await admin('PATCH', '/admin/users/not-a-uuid', { active: true })).statusCode).toBe(400);
      expect((await admin('PATCH', `/admin/users/${randomUUID()}`, { active: true })).statusCode).toBe(404);
      const self = (payload: object) => admin('PATCH', `/admin/users/${ada.user.id}`, payload);
      expect(refusal(await self({ active: false }))).toEqual([409, 'You cannot disable your own account; ask another administrator.']);
      expect(refusal(await self({ role: 'supervisor' }))).toEqual([409, 'You cannot remove your own admin role; ask another administrator.']);
      expect((await ok(await self({ role: 'admin', displayName: 'Ada A.' }), (v) => adminUser.parse(v))).role).toBe('admin');
    });

    it('a password reset ends the user’s sessions, lifts their lockout and is audited', async () => {
      const user = await createUser(store.db, { username: 'pat', displayName: 'Pat', role: 'csr', password: 'old password' }, FAST_SCRYPT);
      const session = await signIn('pat', 'old password');
      now = T0 + 10_000;
      const start = now;
      for (let i = 0, wait = 0; i < 10; i++) {
        now += wait;
        expect((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'pat', password: 'guess' } })).statusCode).toBe(401);
        wait = i >= 2 ? 2000 * 2 ** (i - 2) : 0;
      }
      const locked = (await ok(await admin('GET', '/admin/users'), (v) => v as { users: AdminUser[] })).users.find((u) => u.username === 'pat');
      expect(locked?.lockedUntil).toBe(now + 15 * 60_000);
      expect(now - start).toBeLessThan(15 * 60_000);

      const reset = await ok(await admin('POST', `/admin/users/${user.id}/password`, { password: 'pale kettle drifts north' }), (v) => adminUser.parse(v));
      expect(reset.lockedUntil).toBeNull();
      expect((await app.inject({ method: 'GET', url: '/auth/me', headers: as(session.token) })).statusCode).toBe(401);
      const old = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'pat', password: 'old password' } });
      expect(serverError.parse(old.json()).error.message).toBe(WRONG_CREDENTIALS);
      expect((await signIn('pat', 'pale kettle drifts north')).user.username).toBe('pat');
      expect((await auditOf('action=password_reset'))[0]).toMatchObject({
        subject: 'pat',
        detail: 'Set a new password for pat; ended 1 open session and lifted any sign-in lockout.',
      });
      expect((await admin('POST', `/admin/users/${user.id}/password`, { password: 'short' })).statusCode).toBe(400);
    });

    it('refuses common, leaked and easily guessed passwords wherever one is set, saying why (NIST SP 800-63B)', async () => {
      const user = await createUser(store.db, { username: 'rosa.mendez', displayName: 'Rosa Mendez', role: 'csr', password: 'rosa pass' }, FAST_SCRYPT);
      const create = (username: string, password: string) => admin('POST', '/admin/users', { username, displayName: 'Weak Example', role: 'csr', password });
      const reset = (password: string) => admin('POST', `/admin/users/${user.id}/password`, { password });
      for (const weak of ['password', 'aaaaaaaa', '        ', '12345678', 'qwertyuiop', 'Password1!']) {
        expect(refusal(await create('weak.one', weak))).toEqual([400, `password: ${WEAK_PASSWORD_MESSAGE}`]);
        expect(refusal(await reset(weak))).toEqual([400, `password: ${WEAK_PASSWORD_MESSAGE}`]);
      }
      // The person's own name is a context-specific word: on creation the contract knows it, on a reset the store.
      expect(refusal(await admin('POST', '/admin/users', { username: 'ines.garcia', displayName: 'Ines Garcia', role: 'csr', password: 'InesGarcia!' }))).toEqual([
        400,
        `password: ${WEAK_PASSWORD_MESSAGE}`,
      ]);
      expect(refusal(await reset('RosaMendez!'))).toEqual([400, `password: ${WEAK_PASSWORD_MESSAGE}`]);
      expect((await auditOf('action=password_reset')).filter((e) => e.subject === 'rosa.mendez')).toEqual([]);
      // A passphrase of unrelated words is accepted in both places.
      expect((await create('strong.one', 'mauve tractor sings loudly')).statusCode).toBe(200);
      expect((await reset('copper lantern above quiet fields')).statusCode).toBe(200);
      expect((await signIn('rosa.mendez', 'copper lantern above quiet fields')).user.username).toBe('rosa.mendez');
    });

    it('lists workstations with their last user, last request and last sync', async () => {
      const front = { id: randomUUID(), name: 'Front desk' };
      now = T0 + 50_000;
      const sue = await signIn('sue', 'sue pass', front);
      now = T0 + 60_000;
      const pull = await app.inject({ method: 'POST', url: '/sync/pull', headers: as(sue.workstationToken!), payload: { clientId: front.id, cursor: null, limit: 5000 } });
      expect(pull.statusCode).toBe(200);
      const { workstations } = await ok(await admin('GET', '/admin/workstations'), (v) => v as { workstations: unknown[] });
      const listed = workstations.map((w) => workstationInfo.parse(w)).find((w) => w.id === front.id);
      expect(listed).toEqual({
        id: front.id,
        name: 'Front desk',
        registeredAt: T0 + 50_000,
        lastSeenAt: T0 + 60_000,
        lastSyncAt: T0 + 60_000,
        lastUsername: 'sue',
        usersSeen: [{ username: 'sue', active: true }],
        allUsersDisabled: false,
        tokenExpiresAt: T0 + 50_000 + WORKSTATION_TOKEN_TTL_MS,
        revokedAt: null,
      });
      // A supervisor may not read them (workstations.read is the admin's).
      expect((await app.inject({ method: 'GET', url: '/admin/workstations', headers: as(sue.token) })).statusCode).toBe(403);
    });

    it('records a workstation’s offline events once, however often they are sent', async () => {
      const token = (await signIn('sue', 'sue pass', desk)).workstationToken!;
      const events = [
        { id: randomUUID(), action: 'sign_in_offline', username: 'sue', at: T0 - 3_600_000, detail: 'Signed in with the cached verifier.' },
        { id: randomUUID(), action: 'sign_in_failed', username: 'ghost', at: T0 - 3_500_000 },
        { id: randomUUID(), action: 'lockout', username: 'ghost', at: T0 - 3_400_000, detail: 'Locked on this workstation.' },
        { id: randomUUID(), action: 'sign_out', username: 'sue', at: T0 - 3_300_000 },
      ];
      const send = (body: object) => app.inject({ method: 'POST', url: '/workstation/audit', headers: as(token), payload: body });
      now = T0 + 70_000;
      expect(await ok(await send({ events }), (v) => workstationAuditResponse.parse(v))).toEqual({ recorded: 4, duplicates: 0 });
      expect(await ok(await send({ events }), (v) => workstationAuditResponse.parse(v))).toEqual({ recorded: 0, duplicates: 4 });
      const rows = await queryRows<{ n: string | number }>(store, sql`select count(*) as n from audit_log where event_id in (${sql.join(events.map((e) => sql`${e.id}::uuid`), sql`, `)})`);
      expect(Number(rows[0]?.n)).toBe(4);

      const mine = await auditOf(`workstationId=${desk.id}&username=sue&action=sign_in_offline`);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ at: T0 + 70_000, workstationName: 'Admin desk', subject: 'sue', detail: `Signed in with the cached verifier. (at workstation time ${new Date(T0 - 3_600_000).toISOString()})` });
      expect(mine[0]!.userId).not.toBeNull();
      const ghost = await auditOf('username=ghost&action=sign_in_failed');
      expect(ghost[0]).toMatchObject({
        userId: null,
        detail: `Recorded offline, at workstation time ${new Date(T0 - 3_500_000).toISOString()}. “ghost” has never signed in on Admin desk while it was connected to the central store.`,
      });

      expect((await send({ events: [{ ...events[0], action: 'user_created' }] })).statusCode).toBe(400);
      expect((await send({ events: Array.from({ length: 101 }, () => ({ ...events[0], id: randomUUID() })) })).statusCode).toBe(400);
      // A user session is not the workstation's token.
      expect((await app.inject({ method: 'POST', url: '/workstation/audit', headers: as(ada.token), payload: { events } })).statusCode).toBe(401);
    });

    it('credits a reported offline sign-in only to a user seen signing in online on that workstation; others are kept as refused claims (issue 18, item 10)', async () => {
      await createUser(store.db, { username: 'amy', displayName: 'Amy Associate', role: 'store_associate', password: 'amy pass' }, FAST_SCRYPT);
      const counter = { id: randomUUID(), name: 'Counter 3' };
      // Ada (an admin) and Sue have signed in online, but only on other desks.
      const amy = await signIn('amy', 'amy pass', counter);
      const token = amy.workstationToken!;
      const at = T0 - 7_200_000;
      const events = [
        { id: randomUUID(), action: 'sign_in_offline', username: 'ada', at, detail: 'Signed in with the cached verifier.' },
        { id: randomUUID(), action: 'sign_out', username: 'ada', at: at + 1000 },
        { id: randomUUID(), action: 'sign_in_failed', username: 'sue', at: at + 2000 },
        { id: randomUUID(), action: 'sign_in_offline', username: 'amy', at: at + 3000 },
      ];
      now = T0 + 80_000;
      const res = await app.inject({ method: 'POST', url: '/workstation/audit', headers: as(token), payload: { events } });
      expect(await ok(res, (v) => workstationAuditResponse.parse(v))).toEqual({ recorded: 4, duplicates: 0 });

      // Nothing on the counter's workstation is credited to Ada or Sue.
      const onCounter = await auditOf(`workstationId=${counter.id}&limit=500`);
      expect(onCounter.filter((e) => e.username === 'ada')).toEqual([]);
      expect(onCounter.filter((e) => e.userId !== null).map((e) => [e.action, e.username])).toEqual([
        ['sign_in_offline', 'amy'],
        ['sign_in', 'amy'],
        ['workstation_registered', 'amy'],
      ]);
      const refused = await auditOf(`workstationId=${counter.id}&action=offline_claim_refused`);
      expect(refused.map((e) => ({ userId: e.userId, username: e.username, subject: e.subject, workstationName: e.workstationName }))).toEqual([
        { userId: null, username: null, subject: 'ada', workstationName: 'Counter 3' },
        { userId: null, username: null, subject: 'ada', workstationName: 'Counter 3' },
      ]);
      expect(refused.map((e) => e.detail).reverse()).toEqual([
        `The workstation reported a sign-in of “ada” at workstation time ${new Date(at).toISOString()}, but “ada” has never signed in on Counter 3 while it was connected to the central store (which an offline sign-in needs), so it is not credited to them.`,
        `The workstation reported a sign-out of “ada” at workstation time ${new Date(at + 1000).toISOString()}, but “ada” has never signed in on Counter 3 while it was connected to the central store (which an offline sign-in needs), so it is not credited to them.`,
      ]);
      // A failure under a name never seen there is what it claims — a failure — with no user.
      const failed = await auditOf(`workstationId=${counter.id}&action=sign_in_failed`);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ userId: null, username: 'sue', subject: 'sue' });

      // Once Ada signs in online there, the same kind of report is hers.
      await signIn('ada', 'ada pass', counter);
      const later = { id: randomUUID(), action: 'sign_in_offline', username: 'ada', at: at + 10_000 };
      const again = await app.inject({ method: 'POST', url: '/workstation/audit', headers: as((await signIn('amy', 'amy pass', counter)).workstationToken!), payload: { events: [later] } });
      expect(await ok(again, (v) => workstationAuditResponse.parse(v))).toEqual({ recorded: 1, duplicates: 0 });
      const credited = await auditOf(`workstationId=${counter.id}&username=ada&action=sign_in_offline`);
      expect(credited).toHaveLength(1);
      expect(credited[0]!.userId).toBe(ada.user.id);
    });

    it('GET /audit answers newest first, filters by action, user, workstation and time, and pages with `before`', async () => {
      const all = await auditOf('limit=500');
      expect(all.length).toBeGreaterThan(10);
      expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => b - a));
      const first = await ok(await admin('GET', '/audit?limit=3'), (v) => auditPage.parse(v));
      expect(first.entries.map((e) => e.seq)).toEqual(all.slice(0, 3).map((e) => e.seq));
      const second = await ok(await admin('GET', `/audit?limit=3&before=${first.nextBefore}`), (v) => auditPage.parse(v));
      expect(second.entries.map((e) => e.seq)).toEqual(all.slice(3, 6).map((e) => e.seq));
      expect(all.every((e) => e.action)).toBe(true);
      const signIns = await auditOf('action=sign_in&username=sue');
      expect(signIns.length).toBeGreaterThan(0);
      expect(signIns.every((e) => e.action === 'sign_in' && e.username === 'sue')).toBe(true);
      const window = await auditOf(`from=${T0 + 1000}&to=${T0 + 2000}`);
      expect(window.length).toBeGreaterThan(0);
      expect(window.every((e) => e.at >= T0 + 1000 && e.at < T0 + 2000)).toBe(true);
      const last = await ok(await admin('GET', '/audit?limit=500'), (v) => auditPage.parse(v));
      expect(last.nextBefore).toBeNull();
      expect((await admin('GET', '/audit?action=nonsense')).statusCode).toBe(400);
      expect((await admin('GET', '/audit?limit=501')).statusCode).toBe(400);
    });

    it('the audit log’s filters use its indexes (query plans over 20,000 entries, rolled back)', async () => {
      const plans: Record<string, string> = {};
      const rollback = new Error('rolled back on purpose');
      await expect(
        store.db.transaction(async (tx) => {
          await tx.execute(sql`
            insert into audit_log (at, action, username, workstation_id, detail)
            select ${T0}::bigint + g * 1000, (array['sign_in','sign_out','contact_changed','sign_in_failed'])[1 + g % 4], 'plan-user-' || (g % 200),
                   ('00000000-0000-4000-8000-' || lpad((g % 1000)::text, 12, '0'))::uuid, 'plan'
              from generate_series(1, 20000) g`);
          await tx.execute(sql`analyze audit_log`);
          const explain = async (name: string, query: ReturnType<typeof sql>) => {
            const rows = (await tx.execute(sql`explain ${query}`)) as unknown as { rows: Record<string, string>[] };
            plans[name] = rows.rows.map((r) => Object.values(r)[0]).join('\n');
          };
          await explain('action', sql`select * from audit_log where action = 'lockout' order by seq desc limit 101`);
          await explain('username', sql`select * from audit_log where username = 'plan-user-7' order by seq desc limit 101`);
          await explain('workstation', sql`select * from audit_log where workstation_id = '00000000-0000-4000-8000-000000000007' order by seq desc limit 101`);
          await explain('time', sql`select * from audit_log where at >= ${T0 + 5_000_000}::bigint and at < ${T0 + 5_100_000}::bigint order by seq desc limit 101`);
          await explain('event', sql`select seq from audit_log where event_id = '00000000-0000-4000-8000-000000000001'`);
          throw rollback;
        }),
      ).rejects.toBe(rollback);
      expect(plans.action).toContain('audit_log_action_idx');
      expect(plans.username).toContain('audit_log_username_idx');
      expect(plans.workstation).toContain('audit_log_workstation_idx');
      expect(plans.time).toContain('audit_log_at_idx');
      expect(plans.event).toContain('audit_log_event_uq');
      const [left] = await queryRows<{ n: string | number }>(store, sql`select count(*) as n from audit_log where detail = 'plan'`);
      expect(Number(left?.n)).toBe(0);
    });

    it('the database refuses to change or delete an audit entry', async () => {
      const [entry] = await queryRows<{ seq: string | number; detail: string }>(store, sql`select seq, detail from audit_log order by seq limit 1`);
      await expect(store.db.execute(sql`update audit_log set detail = 'rewritten' where seq = ${entry!.seq}`)).rejects.toThrow();
      await expect(store.db.execute(sql`delete from audit_log where seq = ${entry!.seq}`)).rejects.toThrow();
      await expect(store.db.execute(sql`truncate audit_log`)).rejects.toThrow();
      const [after] = await queryRows<{ detail: string }>(store, sql`select detail from audit_log where seq = ${entry!.seq}`);
      expect(after?.detail).toBe(entry!.detail);
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
