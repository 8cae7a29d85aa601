/**
 * Issue 22: a low satisfaction score (1 or 2) opens one follow-up for the supervisors of the CSR's
 * teams, whichever way the score arrives — at wrap-up (the workstation's `call.wrap_up` pushed to
 * `/sync/push`) or later from a survey tool (`POST /ingest/satisfaction`) — once, even when the score
 * is sent twice. A supervisor of the team takes it and marks it followed up with a note (audited, the
 * note kept out of the log); a CSR cannot; a supervisor of another team neither sees nor closes it;
 * bad input is a typed error and changes nothing. On PGlite and the PostgreSQL at 127.0.0.1:5432.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { createUser } from '../../server/src/auth/users';
import { signPayload } from '../../server/src/ingest/signature';
import { customers } from '../../server/src/db/schema';
import { callFollowUpClose, callLowSatisfaction, type LowSatisfactionCall } from '../../src-shared/contracts/calls';
import { createdIntegration } from '../../src-shared/contracts/ingest';
import { pushResponse } from '../../src-shared/contracts/sync-protocol';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend } from '../helpers/server-db';
import { serveStoreForSuite } from '../helpers/store-suite';
import { signIn, workstationToken, type Credentials } from '../helpers/store-auth';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`satisfaction follow-ups on ${backend.name}`, () => {
    const served = serveStoreForSuite(backend, skipReason, { scrypt: FAST_SCRYPT, ingestWorker: { pollMs: 50, retryBaseMs: 50 } });
    const people = {
      carl: { username: 'carl', password: 'battery staple', role: 'csr', teams: ['Phones'] },
      sue: { username: 'sue', password: 'supervises calls', role: 'supervisor', teams: ['Phones'] },
      otto: { username: 'otto', password: 'other team lead', role: 'supervisor', teams: ['Web'] },
      ada: { username: 'ada', password: 'administers all', role: 'admin', teams: [] },
    } as const;
    type Who = keyof typeof people;
    const sessions: Partial<Record<Who, string>> = {};
    const desk = { id: randomUUID(), token: '', next: 1 };
    const customerId = randomUUID();
    let shop: { id: string; secret: string };
    const atWrapUp = randomUUID();
    const bySurvey = randomUUID();

    beforeAll(async () => {
      if (skipReason) return;
      const { store, app } = served;
      for (const p of Object.values(people)) {
        await createUser(store.db, { username: p.username, displayName: p.username, role: p.role, password: p.password, teams: [...p.teams] }, FAST_SCRYPT);
      }
      const now = Date.now();
      await store.db.insert(customers).values({ id: customerId, firstName: 'Zoë', lastName: 'Ångström', createdAt: now, updatedAt: now });
      desk.token = await workstationToken(app, people.carl, desk.id, 'Desk 1');
      for (const who of Object.keys(people) as Who[]) sessions[who] = (await signIn(app, people[who] as Credentials)).token;
      const created = await app.inject({ method: 'POST', url: '/admin/integrations', headers: { authorization: `Bearer ${sessions.ada}` }, payload: { name: 'Survey tool', source: 'survey' } });
      expect(created.statusCode, created.body).toBe(201);
      shop = createdIntegration.parse(created.json().value);
    });

    const rows = <T,>(query: SQL) => queryRows<T>(served.store, query);
    const count = async (query: SQL) => Number((await rows<{ n: string | number }>(query))[0]?.n);
    const ask = (who: Who | null, method: 'GET' | 'POST', url: string, payload?: unknown) =>
      served.app.inject({ method, url, headers: who === null ? {} : { authorization: `Bearer ${sessions[who]}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
    const list = async (who: Who, show?: 'open' | 'all'): Promise<LowSatisfactionCall[]> => {
      const res = await ask(who, 'GET', `/calls/low-satisfaction${show ? `?show=${show}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      return callLowSatisfaction.output.parse(res.json().value).calls;
    };

    async function pushAs(mutations: { id: number; name: string; args: Record<string, unknown> }[]): Promise<string[]> {
      const res = await served.app.inject({
        method: 'POST',
        url: '/sync/push',
        headers: { authorization: `Bearer ${desk.token}` },
        payload: { clientId: desk.id, mutations: mutations.map((m) => ({ ...m, schemaVersion: 2, createdAt: Date.now() })) },
      });
      expect(res.statusCode, res.body).toBe(200);
      return pushResponse.parse(res.json().value).results.map((r) => r.status);
    }

    async function completeCall(callId: string, satisfaction: number | null) {
      const t = Date.now() - 120_000;
      const wrapUp = { id: desk.next + 2, name: 'call.wrap_up', args: { callId, agentId: 'carl', at: t + 90_000, dispositionCode: 'resolved', notes: null, talkMs: 60_000, holdMs: 0, wrapUpMs: 30_000, satisfaction } };
      const statuses = await pushAs([
        { id: desk.next, name: 'call.start', args: { callId, customerId, fromE164: null, fromRaw: null, source: 'manual', agentId: 'carl', startedAt: t } },
        { id: desk.next + 1, name: 'call.end', args: { callId, agentId: 'carl', at: t + 60_000, talkMs: 60_000, holdMs: 0 } },
        wrapUp,
      ]);
      desk.next += 3;
      return { statuses, wrapUp };
    }

    const followUps = (callId: string) => count(sql`select count(*) as n from satisfaction_follow_ups where call_id = ${callId}`);

    it('a score of 1 at wrap-up opens one follow-up, even when the wrap-up is pushed again', async () => {
      const { statuses, wrapUp } = await completeCall(atWrapUp, 1);
      expect(statuses).toEqual(['applied', 'applied', 'applied']);
      expect(await followUps(atWrapUp)).toBe(1);
      const [before] = await rows<{ opened_at: string | number }>(sql`select opened_at from satisfaction_follow_ups where call_id = ${atWrapUp}`);
      // The same push again (the workstation never heard the answer), and the wrap-up under a new id.
      await pushAs([wrapUp]);
      await pushAs([{ ...wrapUp, id: desk.next++ }]);
      expect(await followUps(atWrapUp)).toBe(1);
      expect(await rows(sql`select opened_at from satisfaction_follow_ups where call_id = ${atWrapUp}`)).toEqual([before]);
      // A good score opens nothing.
      const fine = randomUUID();
      await completeCall(fine, 4);
      expect(await followUps(fine)).toBe(0);
    });

    it('a score of 2 from a survey tool opens one follow-up, even when it is sent twice', async () => {
      await completeCall(bySurvey, null);
      expect(await followUps(bySurvey)).toBe(0);
      const send = (deliveryId: string, satisfaction: number) => {
        const raw = JSON.stringify({ deliveryId, callId: bySurvey, satisfaction });
        const timestamp = String(Math.floor(Date.now() / 1000));
        return served.app.inject({
          method: 'POST',
          url: '/ingest/satisfaction',
          headers: { 'content-type': 'application/json', 'x-switchboard-key': shop.id, 'x-switchboard-timestamp': timestamp, 'x-switchboard-signature': signPayload(shop.secret, timestamp, raw) },
          payload: raw,
        });
      };
      expect((await send('s-1', 2)).statusCode).toBe(202);
      expect((await send('s-1', 2)).statusCode).toBe(202);
      expect((await send('s-2', 2)).statusCode).toBe(202);
      await until('the survey answers to settle', async () => (await count(sql`select count(*) as n from ingest_deliveries where idempotency_key in ('s-1', 's-2') and state <> 'pending'`)) === 2);
      expect(await followUps(bySurvey)).toBe(1);
      expect(await rows(sql`select satisfaction from calls where id = ${bySurvey}`)).toEqual([{ satisfaction: 2 }]);
    });

    it('lists the open follow-ups to the team’s supervisor and an admin, not to another team’s; refuses a CSR', async () => {
      const sue = await list('sue');
      expect(sue.map((c) => c.callId).sort()).toEqual([atWrapUp, bySurvey].sort());
      expect(sue.find((c) => c.callId === atWrapUp)).toMatchObject({ customerName: 'Zoë Ångström', agentName: 'carl', satisfaction: 1, followUp: { claimedBy: null, closedAt: null, note: null } });
      expect((await list('ada')).map((c) => c.callId).sort()).toEqual([atWrapUp, bySurvey].sort());
      expect(await list('otto')).toEqual([]);
      expect((await ask('carl', 'GET', '/calls/low-satisfaction')).statusCode).toBe(403);
      expect((await ask(null, 'GET', '/calls/low-satisfaction')).statusCode).toBe(401);
    });

    it('refuses a CSR (403) and another team’s supervisor (404, as if it did not exist); changes nothing', async () => {
      expect((await ask('carl', 'POST', `/calls/${atWrapUp}/follow-up/claim`, {})).statusCode).toBe(403);
      expect((await ask('carl', 'POST', `/calls/${atWrapUp}/follow-up/close`, { note: 'Called back.' })).statusCode).toBe(403);
      const claim = await ask('otto', 'POST', `/calls/${atWrapUp}/follow-up/claim`, {});
      expect(claim.statusCode).toBe(404);
      expect(claim.json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect((await ask('otto', 'POST', `/calls/${atWrapUp}/follow-up/close`, { note: 'Called back.' })).statusCode).toBe(404);
      expect(await rows(sql`select claimed_by, closed_at, note from satisfaction_follow_ups where call_id = ${atWrapUp}`)).toEqual([{ claimed_by: null, closed_at: null, note: null }]);
      expect(await count(sql`select count(*) as n from audit_log where action like 'satisfaction_follow_up_%'`)).toBe(0);
    });

    it('answers bad input with a typed error naming the field, and changes nothing', async () => {
      const empty = await ask('sue', 'POST', `/calls/${atWrapUp}/follow-up/close`, { note: '   ' });
      expect(empty.statusCode).toBe(400);
      expect(empty.json()).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'note' } });
      const long = await ask('sue', 'POST', `/calls/${atWrapUp}/follow-up/close`, { note: 'x'.repeat(2001) });
      expect(long.json()).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'note' } });
      const badId = await ask('sue', 'POST', '/calls/not-a-call/follow-up/claim', {});
      expect(badId.json()).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'callId' } });
      expect((await ask('sue', 'POST', `/calls/${atWrapUp}/follow-up/claim`, { who: 'otto' })).statusCode).toBe(400);
      expect((await ask('sue', 'POST', `/calls/${atWrapUp}/follow-up/close`, { note: 'ok', closedBy: 'ada' })).statusCode).toBe(400);
      expect((await ask('sue', 'GET', '/calls/low-satisfaction?show=closed')).json()).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'show' } });
      expect((await ask('sue', 'POST', `/calls/${randomUUID()}/follow-up/claim`, {})).statusCode).toBe(404);
      expect(await rows(sql`select claimed_by, closed_at, note from satisfaction_follow_ups where call_id = ${atWrapUp}`)).toEqual([{ claimed_by: null, closed_at: null, note: null }]);
      // The channel's contract says the same before main asks the store.
      expect(callFollowUpClose.input.safeParse({ callId: atWrapUp, note: '' }).success).toBe(false);
    });

    it('the team’s supervisor takes it and marks it followed up with a note; audited without the note; listed after the open ones', async () => {
      const claimed = await ask('sue', 'POST', `/calls/${atWrapUp}/follow-up/claim`, {});
      expect(claimed.statusCode, claimed.body).toBe(200);
      expect(claimed.json().value).toMatchObject({ callId: atWrapUp, followUp: { claimedBy: 'sue', closedAt: null } });
      // Taking it again is no change; someone else taking it is a conflict.
      expect((await ask('sue', 'POST', `/calls/${atWrapUp}/follow-up/claim`, {})).statusCode).toBe(200);
      const taken = await ask('ada', 'POST', `/calls/${atWrapUp}/follow-up/claim`, {});
      expect(taken.statusCode).toBe(409);
      expect(taken.json()).toMatchObject({ ok: false, error: { code: 'conflict', message: 'sue took this follow-up already.' } });

      const note = 'Called Zoë back; replacement parcel sent.';
      const closed = await ask('sue', 'POST', `/calls/${atWrapUp}/follow-up/close`, { note: `  ${note}  ` });
      expect(closed.statusCode, closed.body).toBe(200);
      expect(closed.json().value.followUp).toMatchObject({ claimedBy: 'sue', closedBy: 'sue', note });
      expect((await ask('sue', 'POST', `/calls/${atWrapUp}/follow-up/close`, { note: 'again' })).statusCode).toBe(409);
      // An admin closes the other one without taking it first.
      const byAdmin = await ask('ada', 'POST', `/calls/${bySurvey}/follow-up/close`, { note: 'Survey answer checked.' });
      expect(byAdmin.json().value.followUp).toMatchObject({ claimedBy: 'ada', closedBy: 'ada' });

      expect(await list('sue')).toEqual([]);
      const all = await list('sue', 'all');
      expect(all.map((c) => c.callId)).toEqual([bySurvey, atWrapUp]);
      expect(await list('otto', 'all')).toEqual([]);

      const audit = await rows<{ action: string; username: string; subject: string; detail: string }>(
        sql`select action, username, subject, detail from audit_log where action like 'satisfaction_follow_up_%' order by seq`,
      );
      expect(audit.map((a) => [a.action, a.username, a.subject])).toEqual([
        ['satisfaction_follow_up_claimed', 'sue', atWrapUp],
        ['satisfaction_follow_up_closed', 'sue', atWrapUp],
        ['satisfaction_follow_up_closed', 'ada', bySurvey],
      ]);
      expect(audit.every((a) => !/Zoë|parcel|Survey answer/.test(a.detail))).toBe(true);
      // A score arriving again does not reopen a closed follow-up.
      await served.store.db.execute(sql`update calls set satisfaction = 1 where id = ${atWrapUp}`);
      expect(await rows(sql`select closed_at is not null as closed from satisfaction_follow_ups where call_id = ${atWrapUp}`)).toEqual([{ closed: true }]);
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
