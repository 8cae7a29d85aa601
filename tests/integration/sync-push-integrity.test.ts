/**
 * What a pushed entry may not do to records that are not its own (issue 18, items 6, 7, 8 and 13),
 * on both backends, PGlite and the real PostgreSQL at 127.0.0.1:5432 (tests/helpers/server-db.ts):
 * creates are inserts, times are bounded by the store's clock, calls and offers are stepped by
 * their own agent only, and a settled mutation id is compared by content also inside the push
 * transaction.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { customerPhones, customers, products } from '../../server/src/db/schema';
import { pushResponse, type PushedMutation, type PushOutcome, type PushResponse } from '../../src-shared/contracts/sync-protocol';
import type { MutationArgs, MutationName } from '../../src-shared/sync/mutations';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend } from '../helpers/server-db';
import { serveStoreForSuite } from '../helpers/store-suite';
import { WorkstationTokens, type Credentials } from '../helpers/store-auth';

const postgresSkip = await postgresSkipReason();

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const T0 = Date.UTC(2026, 2, 10, 9, 0, 0);

type Entry = Omit<PushedMutation, 'id'>;

const entry = (name: MutationName, args: unknown, createdAt = T0): Entry => ({ name, args, schemaVersion: 2, createdAt });

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`push integrity on ${backend.name}`, () => {
    let store: Store;
    let app: FastifyInstance;
    let now = T0;
    const served = serveStoreForSuite(backend, skipReason, { clock: () => now });
    // Each user pushes from a workstation of their own, under the user name they sign in with.
    const carl: Credentials = { username: 'carl', password: 'battery staple' };
    const dana: Credentials = { username: 'dana', password: 'correct horse' };
    const sue: Credentials = { username: 'sue', password: 'supervises calls' };
    const tokens = new WorkstationTokens(() => app);
    /** Next mutation id per workstation. */
    const nextIds = new Map<string, number>();
    const desks = new Map<string, string>();
    const zoe = { id: randomUUID(), phoneId: randomUUID() };
    const productId = randomUUID();

    beforeAll(async () => {
      if (skipReason) return;
      ({ store, app } = served);
      await createUser(store.db, { username: 'carl', displayName: 'Carl CSR', role: 'csr', password: carl.password }, FAST_SCRYPT);
      await createUser(store.db, { username: 'dana', displayName: 'Dana CSR', role: 'csr', password: dana.password }, FAST_SCRYPT);
      await createUser(store.db, { username: 'sue', displayName: 'Sue Supervisor', role: 'supervisor', password: sue.password }, FAST_SCRYPT);
      await store.db.insert(products).values({ id: productId, sku: 'TR-2041-BLK', name: 'Trail Runner 2', brand: 'Acme', category: 'shoes', priceCents: 8999 });
      await store.db.insert(customers).values({ id: zoe.id, firstName: 'Zoë', lastName: 'Ångström', createdAt: T0 - 1000, updatedAt: T0 - 1000 });
      await store.db.insert(customerPhones).values({ id: zoe.phoneId, customerId: zoe.id, e164: '+442079460958', raw: '020 7946 0958', kind: 'mobile', isPrimary: true });
    });

    beforeEach(() => {
      now = T0;
    });

    const deskOf = (who: Credentials) => {
      let desk = desks.get(who.username);
      if (!desk) desks.set(who.username, (desk = randomUUID()));
      return desk;
    };

    /** Pushes `entries` from `who`'s own workstation under its next mutation ids; must answer 200. */
    async function push(who: Credentials, ...entries: Entry[]): Promise<PushOutcome[]> {
      const clientId = deskOf(who);
      const first = nextIds.get(clientId) ?? 1;
      const mutations = entries.map((e, i) => ({ ...e, id: first + i }));
      nextIds.set(clientId, first + entries.length);
      const res = await app.inject({
        method: 'POST',
        url: '/sync/push',
        headers: { authorization: `Bearer ${await tokens.for(who, clientId)}` },
        payload: { clientId, mutations },
      });
      expect(res.statusCode, res.body).toBe(200);
      return (pushResponse.parse(res.json().value) as PushResponse).results;
    }

    const rows = <T,>(query: SQL) => queryRows<T>(store, query);
    const count = async (query: SQL) => Number((await rows<{ n: string | number }>(query))[0]?.n);
    const statusOf = (o: PushOutcome[]) => o.map((r) => (r.status === 'rejected' ? `rejected:${r.code}` : r.status));

    const createArgs = (over: Partial<MutationArgs<'customer.create'>> = {}): MutationArgs<'customer.create'> => ({
      customerId: randomUUID(),
      firstName: 'Ines',
      lastName: 'Ibáñez',
      phone: '+447700900456',
      email: null,
      phoneId: randomUUID(),
      emailId: null,
      phoneRaw: '07700 900456',
      ...over,
    });
    const complaintArgs = (over: Partial<MutationArgs<'complaint.log'>> = {}): MutationArgs<'complaint.log'> => ({
      complaintId: randomUUID(),
      eventId: randomUUID(),
      customerId: zoe.id,
      callId: null,
      orderId: null,
      orderLineId: null,
      categoryCode: 'damaged',
      severity: 'high',
      description: 'The sole came off after a week.',
      desiredResolution: null,
      followUpOn: null,
      openedAt: T0,
      agentId: 'carl',
      status: 'open',
      ...over,
    });
    const noteArgs = (over: Partial<MutationArgs<'note.add'>> = {}): MutationArgs<'note.add'> => ({
      noteId: randomUUID(),
      customerId: zoe.id,
      callId: null,
      agentId: 'carl',
      body: 'Asked about delivery.',
      createdAt: T0,
      ...over,
    });
    const callArgs = (agentId: string, over: Partial<MutationArgs<'call.start'>> = {}): MutationArgs<'call.start'> => ({
      callId: randomUUID(),
      customerId: zoe.id,
      fromE164: '+442079460958',
      source: 'screen_pop',
      agentId,
      startedAt: T0,
      ...over,
    });
    const offerArgs = (agentId: string, over: Partial<MutationArgs<'offer.present'>> = {}): MutationArgs<'offer.present'> => ({
      offerId: randomUUID(),
      customerId: zoe.id,
      callId: null,
      productId,
      kind: 'accessory',
      reason: 'Goes with the shoes she bought.',
      agentId,
      presentedAt: T0,
      ...over,
    });

    describe('creates are inserts (item 7)', () => {
      it('customer.create naming an existing customer’s id is refused and adds no phone to them', async () => {
        const phonesBefore = await rows(sql`select id, e164 from customer_phones where customer_id = ${zoe.id} order by id`);
        const hijack = createArgs({ customerId: zoe.id, phone: '+15550104477', phoneRaw: '+1 555 010 4477' });
        expect(statusOf(await push(carl, entry('customer.create', hijack)))).toEqual(['rejected:conflict']);
        expect(await rows(sql`select id, e164 from customer_phones where customer_id = ${zoe.id} order by id`)).toEqual(phonesBefore);
        expect(await count(sql`select count(*) as n from customer_phones where id = ${hijack.phoneId}`)).toBe(0);
        // Even with the customer's own creation time: the new phone still makes it another write.
        const sameTime = { ...entry('customer.create', hijack), createdAt: T0 - 1000 };
        expect(statusOf(await push(carl, sameTime))).toEqual(['rejected:conflict']);
        expect(await rows(sql`select id, e164 from customer_phones where customer_id = ${zoe.id} order by id`)).toEqual(phonesBefore);
      });

      it('customer.create naming another customer’s phone id is refused: the phone stays theirs', async () => {
        const taken = createArgs({ phoneId: zoe.phoneId });
        expect(statusOf(await push(carl, entry('customer.create', taken)))).toEqual(['rejected:conflict']);
        expect(await count(sql`select count(*) as n from customers where id = ${taken.customerId}`)).toBe(0);
        expect(await rows(sql`select customer_id, e164 from customer_phones where id = ${zoe.phoneId}`)).toEqual([{ customer_id: zoe.id, e164: '+442079460958' }]);
      });

      it('the same create delivered again under a new mutation id changes nothing and is not refused', async () => {
        const args = createArgs({ email: 'ines@example.com', emailId: randomUUID() });
        expect(statusOf(await push(carl, entry('customer.create', args)))).toEqual(['applied']);
        expect(statusOf(await push(carl, entry('customer.create', args)))).toEqual(['applied']);
        expect(await count(sql`select count(*) as n from customer_phones where customer_id = ${args.customerId}`)).toBe(1);
        expect(await count(sql`select count(*) as n from customer_emails where customer_id = ${args.customerId}`)).toBe(1);
        // The same customer with another email (a new email id) is another write.
        expect(statusOf(await push(carl, entry('customer.create', { ...args, emailId: randomUUID() })))).toEqual(['rejected:conflict']);
        expect(await count(sql`select count(*) as n from customer_emails where customer_id = ${args.customerId}`)).toBe(1);
      });

      it('complaint.log with an existing complaint’s id is refused and attaches no "opened" event to it', async () => {
        const first = complaintArgs();
        expect(statusOf(await push(carl, entry('complaint.log', first)))).toEqual(['applied']);
        const other = complaintArgs({ complaintId: first.complaintId, description: 'Something else entirely.' });
        expect(statusOf(await push(carl, entry('complaint.log', other)))).toEqual(['rejected:conflict']);
        // Same complaint, new event id: also another write.
        expect(statusOf(await push(carl, entry('complaint.log', { ...first, eventId: randomUUID() })))).toEqual(['rejected:conflict']);
        expect(await rows(sql`select id, kind from complaint_events where complaint_id = ${first.complaintId}`)).toEqual([{ id: first.eventId, kind: 'opened' }]);
        expect(await rows(sql`select description from complaints where id = ${first.complaintId}`)).toEqual([{ description: first.description }]);
        // Delivered again as it was: nothing new, not refused.
        expect(statusOf(await push(carl, entry('complaint.log', first)))).toEqual(['applied']);
        expect(await count(sql`select count(*) as n from complaint_events where complaint_id = ${first.complaintId}`)).toBe(1);
      });

      it('a status change or follow-up whose event id is another complaint’s event is refused and changes nothing', async () => {
        const a = complaintArgs();
        const b = complaintArgs();
        expect(statusOf(await push(carl, entry('complaint.log', a), entry('complaint.log', b)))).toEqual(['applied', 'applied']);
        const transition: MutationArgs<'complaint.transition'> = {
          complaintId: b.complaintId,
          eventId: a.eventId,
          from: 'open',
          to: 'in_progress',
          resolution: null,
          note: null,
          callId: null,
          agentId: 'carl',
          at: T0 + 1000,
        };
        const followUp: MutationArgs<'complaint.set_follow_up'> = {
          complaintId: b.complaintId,
          eventId: a.eventId,
          followUpOn: '2026-03-20',
          previous: null,
          callId: null,
          agentId: 'carl',
          at: T0 + 2000,
        };
        expect(statusOf(await push(carl, entry('complaint.transition', transition), entry('complaint.set_follow_up', followUp)))).toEqual(['rejected:conflict', 'rejected:conflict']);
        expect(await rows(sql`select status, follow_up_on from complaints where id = ${b.complaintId}`)).toEqual([{ status: 'open', follow_up_on: null }]);
        expect(await rows(sql`select complaint_id, kind from complaint_events where id = ${a.eventId}`)).toEqual([{ complaint_id: a.complaintId, kind: 'opened' }]);
      });

      it('note.add, call.start and offer.present under an existing id with other content are refused', async () => {
        const note = noteArgs();
        const call = callArgs('carl');
        const offer = offerArgs('carl');
        expect(statusOf(await push(carl, entry('note.add', note), entry('call.start', call), entry('offer.present', offer)))).toEqual(['applied', 'applied', 'applied']);
        const answers = await push(
          carl,
          entry('note.add', { ...note, body: 'Rewritten.' }),
          entry('call.start', { ...call, startedAt: T0 + 5000 }),
          entry('offer.present', { ...offer, reason: 'Another reason.' }),
        );
        expect(statusOf(answers)).toEqual(['rejected:conflict', 'rejected:conflict', 'rejected:conflict']);
        expect(await rows(sql`select body from notes where id = ${note.noteId}`)).toEqual([{ body: note.body }]);
        expect(await rows(sql`select reason from offers where id = ${offer.offerId}`)).toEqual([{ reason: offer.reason }]);
        expect(Number((await rows<{ started_at: string }>(sql`select started_at from calls where id = ${call.callId}`))[0]?.started_at)).toBe(T0);
        // The same three again, as they were: applied, nothing doubled.
        expect(statusOf(await push(carl, entry('note.add', note), entry('call.start', call), entry('offer.present', offer)))).toEqual(['applied', 'applied', 'applied']);
      });

      it('a contact change whose edit id is another edit’s is refused and changes nothing', async () => {
        const first = randomUUID();
        const change = (editId: string, lastName: string): MutationArgs<'customer.update_contact'> => ({
          customerId: zoe.id,
          callId: null,
          agentId: 'carl',
          at: T0 + 3000,
          editIds: [editId],
          edits: [{ id: editId, field: 'last_name', newValue: lastName }],
          changes: { lastName },
        });
        expect(statusOf(await push(carl, entry('customer.update_contact', change(first, 'Angstrom'))))).toEqual(['applied']);
        const reused = { ...change(first, 'Hijacked'), edits: [{ id: first, field: 'first_name' as const, newValue: 'Hijacked' }], changes: { firstName: 'Hijacked' } };
        expect(statusOf(await push(carl, entry('customer.update_contact', reused)))).toEqual(['rejected:conflict']);
        expect(await rows(sql`select first_name, last_name from customers where id = ${zoe.id}`)).toEqual([{ first_name: 'Zoë', last_name: 'Angstrom' }]);
      });

      it('a contact change listing another customer’s phone id is refused; both customers keep their phones', async () => {
        const otto = randomUUID();
        const ottoPhone = randomUUID();
        await store.db.insert(customers).values({ id: otto, firstName: 'Otto', lastName: 'Other', createdAt: T0, updatedAt: T0 });
        await store.db.insert(customerPhones).values({ id: ottoPhone, customerId: otto, e164: '+15550100001', raw: '555 0100001', kind: 'home', isPrimary: true });
        const phones = [{ id: ottoPhone, e164: '+442079460958', raw: '020 7946 0958', kind: 'mobile' as const, isPrimary: true }];
        const editId = randomUUID();
        const change: MutationArgs<'customer.update_contact'> = {
          customerId: zoe.id,
          callId: null,
          agentId: 'carl',
          at: T0 + 4000,
          editIds: [editId],
          edits: [{ id: editId, field: 'phones', newValue: '+442079460958 (mobile)' }],
          changes: { phones },
        };
        const zoePhones = await rows(sql`select id, e164 from customer_phones where customer_id = ${zoe.id} order by id`);
        expect(statusOf(await push(carl, entry('customer.update_contact', change)))).toEqual(['rejected:conflict']);
        expect(await rows(sql`select id, e164 from customer_phones where customer_id = ${zoe.id} order by id`)).toEqual(zoePhones);
        expect(await rows(sql`select customer_id, e164 from customer_phones where id = ${ottoPhone}`)).toEqual([{ customer_id: otto, e164: '+15550100001' }]);
      });
    });

    describe('times from a workstation are bounded by the store’s clock (item 6)', () => {
      const HOUR = 3_600_000;

      it('note.add created at 9000000000000000 is refused for its data and stored nowhere; the queue goes on', async () => {
        const far = noteArgs({ createdAt: 9_000_000_000_000_000 });
        const after = noteArgs();
        expect(statusOf(await push(carl, entry('note.add', far), entry('note.add', after)))).toEqual(['rejected:invalid_input', 'applied']);
        expect(await count(sql`select count(*) as n from notes where id = ${far.noteId}`)).toBe(0);
        expect(await count(sql`select count(*) as n from notes where created_at > ${T0 + 365 * 24 * HOUR}`)).toBe(0);
      });

      it('a time more than a day ahead of the store, in any time field or the entry’s own, is refused; within a day it is kept', async () => {
        now = T0;
        const call = callArgs('carl', { startedAt: T0 + 2 * HOUR });
        const answers = await push(
          carl,
          entry('note.add', noteArgs({ createdAt: T0 + 25 * HOUR })),
          entry('note.add', noteArgs(), T0 + 25 * HOUR),
          entry('complaint.log', complaintArgs({ openedAt: T0 + 48 * HOUR })),
          entry('offer.present', offerArgs('carl', { presentedAt: T0 + 30 * 24 * HOUR })),
          entry('call.start', call),
          entry('call.hold', { callId: call.callId, agentId: 'carl', at: T0 + 100 * 24 * HOUR }),
          entry('call.end', { callId: call.callId, agentId: 'carl', at: T0 + 3 * HOUR, talkMs: 9_000_000_000_000, holdMs: 0 }),
          entry('note.add', noteArgs({ createdAt: T0 + 23 * HOUR }), T0 + 23 * HOUR),
        );
        expect(statusOf(answers)).toEqual([
          'rejected:invalid_input',
          'rejected:invalid_input',
          'rejected:invalid_input',
          'rejected:invalid_input',
          'applied',
          'rejected:invalid_input',
          'rejected:invalid_input',
          'applied',
        ]);
        const refusal = answers[0]!;
        expect(refusal.status === 'rejected' && refusal.message).toMatch(/25 hours ahead of the central store's clock.*check this workstation's date and time/);
        expect(await rows(sql`select status, hold_started_at, talk_ms::int as talk_ms from calls where id = ${call.callId}`)).toEqual([{ status: 'active', hold_started_at: null, talk_ms: 0 }]);
      });
    });

    describe('a payment card number is never stored (issue 21)', () => {
      it('a note or complaint holding one is refused for its data with the PCI sentence, stored nowhere; the queue goes on', async () => {
        const note = noteArgs({ body: 'Customer read out 4111 1111 1111 1111 for the refund.' });
        const complaint = complaintArgs({ description: 'Charged twice on 5555-5555-5555-4444.' });
        const after = noteArgs({ body: 'Call back on +44 20 7946 0958 about order SB00012345.' });
        const answers = await push(carl, entry('note.add', note), entry('complaint.log', complaint), entry('note.add', after));
        expect(statusOf(answers)).toEqual(['rejected:invalid_input', 'rejected:invalid_input', 'applied']);
        const refusal = answers[0]!;
        expect(refusal.status === 'rejected' && refusal.message).toMatch(/payment card number.*PCI DSS/);
        expect(await count(sql`select count(*) as n from notes where id = ${note.noteId}`)).toBe(0);
        expect(await count(sql`select count(*) as n from complaints where id = ${complaint.complaintId}`)).toBe(0);
        expect(await count(sql`select count(*) as n from notes where id = ${after.noteId}`)).toBe(1);
      });
    });

    describe('calls and offers are stepped by their own agent (item 8)', () => {
      it('another CSR’s hold, end, wrap-up, change of caller and offer answer are refused; the call and offer are unchanged', async () => {
        const call = callArgs('carl');
        const offer = offerArgs('carl', { callId: call.callId });
        expect(statusOf(await push(carl, entry('call.start', call), entry('offer.present', offer)))).toEqual(['applied', 'applied']);
        const other = randomUUID();
        await store.db.insert(customers).values({ id: other, firstName: 'Otto', lastName: 'Other', createdAt: T0, updatedAt: T0 });
        const byDana = await push(
          dana,
          entry('call.hold', { callId: call.callId, agentId: 'dana', at: T0 + 1000 }),
          entry('call.attach_customer', { callId: call.callId, customerId: other, previousCustomerId: zoe.id, agentId: 'dana', at: T0 + 1500 }),
          entry('call.end', { callId: call.callId, agentId: 'dana', at: T0 + 2000, talkMs: 2000, holdMs: 0 }),
          entry('call.wrap_up', { callId: call.callId, agentId: 'dana', at: T0 + 3000, dispositionCode: 'resolved', notes: null, talkMs: 2000, holdMs: 0, wrapUpMs: 1000 }),
          entry('offer.decide', { offerId: offer.offerId, outcome: 'accepted', agentId: 'dana', decidedAt: T0 + 2500 }),
        );
        expect(statusOf(byDana)).toEqual(Array.from({ length: 5 }, () => 'rejected:forbidden'));
        expect(await rows(sql`select status, customer_id, hold_started_at from calls where id = ${call.callId}`)).toEqual([{ status: 'active', customer_id: zoe.id, hold_started_at: null }]);
        expect(await rows(sql`select outcome from offers where id = ${offer.offerId}`)).toEqual([{ outcome: 'presented' }]);

        // Their own agent may; so may a supervisor (call.others).
        expect(statusOf(await push(carl, entry('call.hold', { callId: call.callId, agentId: 'carl', at: T0 + 1000 })))).toEqual(['applied']);
        const bySue = await push(
          sue,
          entry('call.end', { callId: call.callId, agentId: 'sue', at: T0 + 2000, talkMs: 1000, holdMs: 1000 }),
          entry('offer.decide', { offerId: offer.offerId, outcome: 'declined', agentId: 'sue', decidedAt: T0 + 2500 }),
        );
        expect(statusOf(bySue)).toEqual(['applied', 'applied']);
        expect(await rows(sql`select status from calls where id = ${call.callId}`)).toEqual([{ status: 'wrap_up' }]);
        expect(await rows(sql`select outcome from offers where id = ${offer.offerId}`)).toEqual([{ outcome: 'declined' }]);
      });
    });

    describe('a settled id inside the push transaction (item 13)', () => {
      /** One push of exactly these entries (ids as given) from `clientId`. */
      async function pushRaw(who: Credentials, clientId: string, mutations: PushedMutation[]): Promise<PushResponse> {
        const res = await app.inject({
          method: 'POST',
          url: '/sync/push',
          headers: { authorization: `Bearer ${await tokens.for(who, clientId)}` },
          payload: { clientId, mutations },
        });
        expect(res.statusCode, res.body).toBe(200);
        return pushResponse.parse(res.json().value);
      }
      const noteEntry = (id: number, body: string): PushedMutation => ({ ...entry('note.add', noteArgs({ body })), id });
      const noteIdOf = (m: PushedMutation) => (m.args as { noteId: string }).noteId;

      it('two pushes racing with different entries under one id: one is applied, the other told id_reused, never a silent duplicate', async () => {
        const clientId = randomUUID();
        for (let id = 1; id <= 8; id++) {
          const a = noteEntry(id, `Race ${id}, first workstation copy.`);
          const b = noteEntry(id, `Race ${id}, second workstation copy.`);
          const answers = await Promise.all([pushRaw(carl, clientId, [a]), pushRaw(carl, clientId, [b])]);
          expect(answers.map((r) => r.results[0]?.status).sort(), `id ${id}`).toEqual(['applied', 'id_reused']);
          const kept = answers[0]!.results[0]?.status === 'applied' ? a : b;
          const lost = kept === a ? b : a;
          expect(await count(sql`select count(*) as n from notes where id = ${noteIdOf(kept)}`)).toBe(1);
          expect(await count(sql`select count(*) as n from notes where id = ${noteIdOf(lost)}`)).toBe(0);
        }
        // The same entry racing itself is still a duplicate.
        const same = noteEntry(9, 'Sent twice at once.');
        const twice = await Promise.all([pushRaw(carl, clientId, [same]), pushRaw(carl, clientId, [same])]);
        expect(twice.map((r) => r.results[0]?.status).sort()).toEqual(['applied', 'duplicate']);
      });

      it.runIf(backend.name === 'postgres')('PostgreSQL: a push that waited on the client lock compares the entry settled meanwhile (id_reused, then duplicate)', async () => {
        const clientId = randomUUID();
        expect((await pushRaw(carl, clientId, [noteEntry(1, 'First.')])).results[0]?.status).toBe('applied');
        const a = noteEntry(2, 'Written on the restored copy.');
        const b = noteEntry(2, 'Written on the original.');
        // Hold the clients row from another connection: both pushes pass the early check (id 2 is
        // next) and then queue on the lock inside their transactions.
        const other = await served.location.open();
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const isLocked = new Promise<void>((resolve) => (locked = resolve));
        const holder = other.db.transaction(async (tx) => {
          await tx.execute(sql`select 1 from clients where client_id = ${clientId} for update`);
          locked();
          await released;
        });
        try {
          await isLocked;
          const first = pushRaw(carl, clientId, [a]);
          const second = pushRaw(carl, clientId, [b]);
          const third = pushRaw(carl, clientId, [a]);
          // Let them all reach the lock, then let go.
          for (let i = 0; i < 50; i++) {
            const waiting = await rows<{ n: string | number }>(sql`select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`);
            if (Number(waiting[0]?.n) >= 3) break;
            await new Promise((r) => setTimeout(r, 20));
          }
          release();
          await holder;
          const statuses = (await Promise.all([first, second, third])).map((r) => r.results[0]?.status);
          // Whichever got the lock first applied; the other content is id_reused, the same content a duplicate.
          if (statuses[0] === 'applied' || statuses[2] === 'applied') {
            expect(statuses[1]).toBe('id_reused');
            expect([statuses[0], statuses[2]].sort()).toEqual(['applied', 'duplicate']);
          } else {
            expect(statuses).toEqual(['id_reused', 'applied', 'id_reused']);
          }
          expect(await count(sql`select count(*) as n from notes where id in (${noteIdOf(a)}, ${noteIdOf(b)})`)).toBe(1);
        } finally {
          release();
          await holder.catch(() => undefined);
          await other.close();
        }
      });
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
