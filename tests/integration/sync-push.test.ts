/**
 * PUSH (`POST /sync/push`) against both backends, PGlite and the real PostgreSQL at
 * 127.0.0.1:5432 (see tests/helpers/server-db.ts: the PostgreSQL half never passes silently).
 * Real HTTP handling through `app.inject`, real sessions, the real change-log triggers.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { customerAddresses, customerEmails, customerPhones, customers, orderLines, orders, productPrices, products } from '../../server/src/db/schema';
import { v1CustomerContactIds } from '../../server/src/sync/mutations/derived-ids';
import { NOTE_LIMITS } from '../../src-shared/contracts/notes';
import { loginResponse, serverError } from '../../src-shared/contracts/server-auth';
import { pushResponse, PUSH_BATCH_MAX, type PushedMutation, type PushResponse } from '../../src-shared/contracts/sync-protocol';
import { addressText, emailsText, phonesText } from '../../src-shared/domain/contact-text';
import { priceOrder } from '../../src-shared/domain/pricing';
import { changedContactFields, contactSetsReplacedBy, MUTATION_NAMES, parseMutationArgs, rowsWrittenBy, type MutationArgs, type MutationName } from '../../src-shared/sync/mutations';
import { SYNC_TABLES, syncTable, type SyncTableName } from '../../src-shared/sync/tables';
import { Outbox } from '../../src-main/core/outbox/outbox';
import { plantCustomer, plantOrder, plantProduct, tempCache, type TempCache } from '../helpers/cache';
import { testDesk } from '../helpers/desk';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend } from '../helpers/server-db';
import { serveStoreForSuite } from '../helpers/store-suite';
import { TOKEN_ROTATION_GRACE_MS } from '../../server/src/auth/workstations';
import { MANY_NEW_WORKSTATIONS, signIn, workstationToken, WorkstationTokens, type Credentials } from '../helpers/store-auth';

const postgresSkip = await postgresSkipReason();

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const TTL_MS = 60 * 60 * 1000;
const T0 = Date.UTC(2026, 2, 10, 9, 0, 0);

type Entry = Omit<PushedMutation, 'id'> & { id?: number };
type SqliteDb = TempCache['db']['$client'];

/** Outbox entries numbered from `first` (schema v2 unless an entry says otherwise). */
function numbered(entries: Entry[], first = 1): PushedMutation[] {
  return entries.map((e, i) => ({ ...e, id: e.id ?? first + i }));
}

const entry = (name: MutationName, args: unknown, schemaVersion = 2): Entry => ({ name, args, schemaVersion, createdAt: T0 });

const note = (customerId: string, body = 'Asked about delivery.', callId: string | null = null): MutationArgs<'note.add'> => ({
  noteId: randomUUID(),
  customerId,
  callId,
  agentId: 'agent-ana',
  body,
  createdAt: T0,
});

const noteEntry = (customerId: string, body?: string) => entry('note.add', note(customerId, body));

/** A complaint.log's arguments: a new, low-severity late delivery logged by agent-ana, unless `fields` say otherwise. */
const complaintLog = (customerId: string, fields: Partial<MutationArgs<'complaint.log'>> = {}): MutationArgs<'complaint.log'> => ({
  complaintId: randomUUID(),
  eventId: randomUUID(),
  customerId,
  callId: null,
  orderId: null,
  orderLineId: null,
  categoryCode: 'late',
  severity: 'low',
  description: 'Late.',
  desiredResolution: null,
  followUpOn: null,
  openedAt: T0,
  agentId: 'agent-ana',
  status: 'open',
  ...fields,
});

/** The contact fields an update_contact entry changes, as the audit entry names them. */
const changedContactFieldsOf = (m: PushedMutation) => changedContactFields((m.args as MutationArgs<'customer.update_contact'>).changes);

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`push on ${backend.name}`, () => {
    let store: Store;
    let app: FastifyInstance;
    let now = T0;
    /** Pokes from push carry the change-log version; the store's LISTEN also pokes, with 0. */
    const pokes: number[] = [];
    const served = serveStoreForSuite(backend, skipReason, { clock: () => now, sessionTtlMs: TTL_MS, newWorkstationLimit: MANY_NEW_WORKSTATIONS }, (built) =>
      built.changeFeed.subscribe((version) => pokes.push(version)),
    );
    const pushPokes = () => pokes.filter((version) => version > 0);
    const carl: Credentials = { username: 'carl', password: 'battery staple' };
    const dana: Credentials = { username: 'dana', password: 'correct horse' };
    /** Each test's workstation (its clientId) is signed in on by the first user that pushes from it. */
    const tokens = new WorkstationTokens(() => app);
    let carlId: string;
    /** Server-owned fixtures every test may refer to. */
    const zoe = { id: randomUUID(), phoneId: randomUUID(), phone2Id: randomUUID(), emailId: randomUUID(), addressId: randomUUID() };
    const productId = randomUUID();
    const orderId = randomUUID();
    const lineId = randomUUID();

    beforeAll(async () => {
      if (skipReason) return;
      ({ store, app } = served);
      carlId = (await createUser(store.db, { username: 'carl', displayName: 'Carl CSR', role: 'csr', password: 'battery staple' }, FAST_SCRYPT)).id;
      await createUser(store.db, { username: 'dana', displayName: 'Dana CSR', role: 'csr', password: 'correct horse' }, FAST_SCRYPT);

      const db = store.db;
      await db.insert(products).values({ id: productId, sku: 'TR-2041-BLK', name: 'Trail Runner 2', brand: 'Acme', category: 'shoes', priceCents: 8999, stock: 5 });
      await db.insert(productPrices).values({ productId, currency: 'USD', priceCents: 8999 });
      await plantStoreCustomer(zoe.id, 'Zoë', 'Ångström');
      await db.insert(customerPhones).values([
        { id: zoe.phoneId, customerId: zoe.id, e164: '+442079460958', raw: '020 7946 0958', kind: 'mobile', isPrimary: true },
        { id: zoe.phone2Id, customerId: zoe.id, e164: '+447700900123', raw: '07700 900123', kind: 'mobile', isPrimary: false },
      ]);
      await db.insert(customerEmails).values({ id: zoe.emailId, customerId: zoe.id, email: 'zoe@example.com', isPrimary: true });
      await db.insert(customerAddresses).values({ id: zoe.addressId, customerId: zoe.id, line1: '1 Main St', city: 'London', country: 'GB', isPrimary: true });
      await db.insert(orders).values({
        id: orderId,
        number: 'SB00012345',
        customerId: zoe.id,
        channel: 'web',
        status: 'delivered',
        currency: 'GBP',
        subtotalCents: 8999,
        totalCents: 8999,
        placedAt: T0 - 86_400_000,
      });
      await db.insert(orderLines).values({
        id: lineId,
        orderId,
        lineNo: 1,
        productId,
        customerId: zoe.id,
        placedAt: T0 - 86_400_000,
        sku: 'TR-2041-BLK',
        name: 'Trail Runner 2',
        quantity: 1,
        unitPriceCents: 8999,
        totalCents: 8999,
      });
    });

    beforeEach(() => {
      now = T0;
    });

    async function tokenFor(username: string, password: string): Promise<string> {
      const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });
      expect(res.statusCode).toBe(200);
      return loginResponse.parse(res.json().value).token;
    }

    async function plantStoreCustomer(id: string, firstName: string, lastName: string): Promise<string> {
      await store.db.insert(customers).values({ id, firstName, lastName, createdAt: T0 - 1000, updatedAt: T0 - 1000 });
      return id;
    }

    const postWith = (token: string, payload: unknown) =>
      app.inject({ method: 'POST', url: '/sync/push', headers: { authorization: `Bearer ${token}` }, payload: payload as object });

    /** A push from the workstation `payload.clientId`, under its token (signed in on by `who` first). */
    const post = async (who: Credentials, payload: { clientId: string; mutations: unknown }) =>
      postWith(await tokens.for(who, payload.clientId), payload);

    /** A push that must answer 200; returns its parsed value. */
    async function push(who: Credentials, clientId: string, mutations: PushedMutation[]): Promise<PushResponse> {
      const res = await post(who, { clientId, mutations });
      expect(res.statusCode, res.body).toBe(200);
      return pushResponse.parse(res.json().value);
    }

    const rows = <T,>(query: SQL) => queryRows<T>(store, query);
    const count = async (query: SQL) => Number((await rows<{ n: string | number }>(query))[0]?.n);
    const notesWith = (ids: string[]) => count(sql`select count(*) as n from notes where id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`);
    const lastMutationId = async (clientId: string) =>
      Number((await rows<{ v: string | number }>(sql`select last_mutation_id as v from clients where client_id = ${clientId}`))[0]?.v ?? -1);
    const changeLogVersion = async () => Number((await rows<{ v: string | number }>(sql`select coalesce(max(version), 0) as v from change_log`))[0]?.v);
    const statuses = (r: PushResponse) => r.results.map((o) => [o.id, o.status]);

    it('applies every mutation (schema v2) and leaves the rows the workstation wrote', async () => {
      const clientId = randomUUID();
      const ines = { customerId: randomUUID(), phoneId: randomUUID(), emailId: randomUUID() };
      const callId = randomUUID();
      const complaintId = randomUUID();
      const offerId = randomUUID();
      const newPhoneId = randomUUID();
      const addressId = randomUUID();
      const phoneOrderId = randomUUID();
      const edits = { lastName: randomUUID(), phones: randomUUID(), emails: randomUUID(), address: randomUUID(), consent: randomUUID() };
      const phones = [
        { id: ines.phoneId, e164: '+447700900456', raw: '07700 900456', kind: 'work' as const, isPrimary: true },
        { id: newPhoneId, e164: '+15550104477', raw: '+1 555 010 4477', kind: 'home' as const, isPrimary: false },
      ];
      const address = { id: addressId, line1: '221B Baker Street', line2: null, city: 'London', region: null, postalCode: 'NW1 6XE', country: 'GB' };
      const noteArgs = note(ines.customerId, 'Wants the loyalty scheme explained.', callId);
      const batch = numbered([
        entry('customer.create', {
          customerId: ines.customerId,
          firstName: 'Ines',
          lastName: 'Ibáñez',
          phone: '+447700900456',
          email: 'ines@example.com',
          phoneId: ines.phoneId,
          emailId: ines.emailId,
          phoneRaw: '07700 900456',
        } satisfies MutationArgs<'customer.create'>),
        entry('call.start', { callId, customerId: null, fromE164: '+447700900456', fromRaw: '07700 900456', source: 'screen_pop', agentId: 'agent-ana', startedAt: T0 } satisfies MutationArgs<'call.start'>),
        entry('call.attach_customer', { callId, customerId: ines.customerId, previousCustomerId: null, agentId: 'agent-ana', at: T0 + 20_000 }),
        entry('customer.update_contact', {
          customerId: ines.customerId,
          callId,
          agentId: 'agent-ana',
          at: T0 + 40_000,
          editIds: Object.values(edits),
          edits: [
            { id: edits.lastName, field: 'last_name', newValue: 'Ibáñez-Ruiz' },
            { id: edits.phones, field: 'phones', newValue: phonesText(phones) },
            { id: edits.emails, field: 'emails', newValue: null },
            { id: edits.address, field: 'primary_address', newValue: addressText(address) },
            { id: edits.consent, field: 'marketing_consent', newValue: 'true' },
          ],
          changes: { lastName: 'Ibáñez-Ruiz', phones, emails: [], primaryAddress: address, marketingConsent: true },
        } satisfies MutationArgs<'customer.update_contact'>),
        entry('call.hold', { callId, agentId: 'agent-ana', at: T0 + 60_000 }),
        entry('call.resume', { callId, agentId: 'agent-ana', at: T0 + 90_000, holdMs: 30_000 }),
        entry('note.add', noteArgs),
        entry('complaint.log', {
          complaintId,
          eventId: randomUUID(),
          customerId: zoe.id,
          callId: null,
          orderId,
          orderLineId: lineId,
          categoryCode: 'damaged',
          severity: 'high',
          description: 'The sole came off after a week.',
          desiredResolution: 'A new pair.',
          followUpOn: '2026-03-17',
          openedAt: T0,
          agentId: 'agent-ana',
          status: 'open',
        } satisfies MutationArgs<'complaint.log'>),
        entry('complaint.transition', {
          complaintId,
          eventId: randomUUID(),
          from: 'open',
          to: 'resolved',
          resolution: 'Sent a new pair.',
          note: null,
          callId: null,
          agentId: 'agent-ana',
          at: T0 + 100_000,
        } satisfies MutationArgs<'complaint.transition'>),
        entry('complaint.set_follow_up', {
          complaintId,
          eventId: randomUUID(),
          followUpOn: '2026-03-20',
          previous: '2026-03-17',
          callId: null,
          agentId: 'agent-ana',
          at: T0 + 101_000,
        }),
        entry('offer.present', {
          offerId,
          customerId: ines.customerId,
          callId,
          productId,
          kind: 'accessory',
          reason: 'Goes with the shoes she bought.',
          agentId: 'agent-ana',
          presentedAt: T0 + 105_000,
        } satisfies MutationArgs<'offer.present'>),
        entry('offer.decide', { offerId, outcome: 'accepted', agentId: 'agent-ana', decidedAt: T0 + 110_000 }),
        entry('order.submit', {
          orderId: phoneOrderId,
          customerId: ines.customerId,
          callId,
          agentId: 'agent-ana',
          currency: 'USD',
          lines: [{ lineId: randomUUID(), productId, quantity: 1, unitPriceCents: 8999, offerId, source: 'suggestion' }],
          campaignCode: null,
          heardFrom: null,
          delivery: { addressId },
          deliveryMethod: 'standard',
          paymentMethod: 'pay_link',
          manualDiscount: null,
          approval: null,
          quoted: priceOrder({ currency: 'USD', lines: [{ key: 'l', unitPriceCents: 8999, quantity: 1, taxClass: 'standard' }], campaign: null, manualDiscount: null, deliveryMethod: 'standard' }),
          note: null,
          createdAt: T0 + 115_000,
        } satisfies MutationArgs<'order.submit'>),
        entry('call.end', { callId, agentId: 'agent-ana', at: T0 + 120_000, talkMs: 90_000, holdMs: 30_000 }),
        entry('call.wrap_up', {
          callId,
          agentId: 'agent-ana',
          at: T0 + 150_000,
          dispositionCode: 'resolved',
          notes: 'Explained the scheme.',
          talkMs: 90_000,
          holdMs: 30_000,
          wrapUpMs: 30_000,
          satisfaction: 2,
        } satisfies MutationArgs<'call.wrap_up'>),
      ]);
      expect(new Set(batch.map((m) => m.name)).size).toBe(MUTATION_NAMES.length);
      const versionBefore = await changeLogVersion();
      const pokesBefore = pushPokes().length;
      now = T0 + 200_000;

      const res = await push(carl, clientId, batch);
      expect(res).toEqual({ lastMutationId: 15, results: batch.map((m) => ({ id: m.id, status: 'applied' })) });
      expect(pushPokes().length).toBe(pokesBefore + 1);
      expect(pushPokes().at(-1)).toBe(await changeLogVersion());

      const [customer] = await rows<Record<string, unknown>>(sql`select first_name, last_name, marketing_consent, segment, created_at, updated_at from customers where id = ${ines.customerId}`);
      expect(customer).toMatchObject({ first_name: 'Ines', last_name: 'Ibáñez-Ruiz', marketing_consent: true, segment: 'new' });
      expect(Number(customer?.created_at)).toBe(T0);
      expect(Number(customer?.updated_at)).toBe(now);
      expect(await rows(sql`select id, e164, raw, kind, is_primary from customer_phones where customer_id = ${ines.customerId} order by is_primary desc`)).toEqual([
        { id: ines.phoneId, e164: '+447700900456', raw: '07700 900456', kind: 'work', is_primary: true },
        { id: newPhoneId, e164: '+15550104477', raw: '+1 555 010 4477', kind: 'home', is_primary: false },
      ]);
      expect(await count(sql`select count(*) as n from customer_emails where customer_id = ${ines.customerId}`)).toBe(0);
      expect(await rows(sql`select id, line1, postal_code, country, is_primary from customer_addresses where customer_id = ${ines.customerId}`)).toEqual([
        { id: addressId, line1: '221B Baker Street', postal_code: 'NW1 6XE', country: 'GB', is_primary: true },
      ]);
      // Old values are the store's own, read just before the edit applied.
      expect(await rows(sql`select id, field, old_value, new_value, call_id, agent_id from contact_edits where customer_id = ${ines.customerId} order by field`)).toEqual(
        [
          { id: edits.emails, field: 'emails', old_value: 'ines@example.com', new_value: null },
          { id: edits.lastName, field: 'last_name', old_value: 'Ibáñez', new_value: 'Ibáñez-Ruiz' },
          { id: edits.consent, field: 'marketing_consent', old_value: 'false', new_value: 'true' },
          { id: edits.phones, field: 'phones', old_value: '+447700900456 (mobile)', new_value: '+447700900456 (work), +15550104477 (home)' },
          { id: edits.address, field: 'primary_address', old_value: null, new_value: '221B Baker Street, London, NW1 6XE, GB' },
        ].map((e) => ({ ...e, call_id: callId, agent_id: 'carl' })),
      );

      const [call] = await rows<Record<string, unknown>>(sql`select * from calls where id = ${callId}`);
      expect(call).toMatchObject({
        customer_id: ines.customerId,
        from_e164: '+447700900456',
        from_raw: '07700 900456', // the caller id as received (issue 19)
        source: 'screen_pop',
        status: 'completed',
        hold_started_at: null,
        disposition_code: 'resolved',
        wrap_up_notes: 'Explained the scheme.',
        satisfaction: 2, // the caller's answer at wrap-up (issue 22)
      });
      expect([call?.started_at, call?.talk_ended_at, call?.completed_at, call?.talk_ms, call?.hold_ms, call?.wrap_up_ms].map(Number)).toEqual([
        T0,
        T0 + 120_000,
        T0 + 150_000,
        90_000,
        30_000,
        30_000,
      ]);

      const [complaint] = await rows<Record<string, unknown>>(sql`select * from complaints where id = ${complaintId}`);
      expect(complaint).toMatchObject({ status: 'resolved', resolution: 'Sent a new pair.', follow_up_on: '2026-03-20', order_id: orderId, order_line_id: lineId });
      expect(Number(complaint?.resolved_at)).toBe(T0 + 100_000);
      expect(await rows(sql`select kind, from_status, to_status, detail from complaint_events where complaint_id = ${complaintId} order by at`)).toEqual([
        { kind: 'opened', from_status: null, to_status: 'open', detail: 'Follow up on 2026-03-17' },
        { kind: 'status', from_status: 'open', to_status: 'resolved', detail: 'Sent a new pair.' },
        { kind: 'follow_up', from_status: null, to_status: null, detail: 'Follow-up moved from 2026-03-17 to 2026-03-20' },
      ]);
      expect(await rows(sql`select body, call_id from notes where id = ${noteArgs.noteId}`)).toEqual([{ body: noteArgs.body, call_id: callId }]);
      const [offer] = await rows<Record<string, unknown>>(sql`select outcome, decided_at, product_id from offers where id = ${offerId}`);
      expect(offer).toMatchObject({ outcome: 'accepted', product_id: productId });
      // The order taken from the accepted offer in the call: placed on the store with its number.
      expect(await rows(sql`select status, call_id, agent_id from orders where id = ${phoneOrderId}`)).toEqual([{ status: 'placed', call_id: callId, agent_id: 'carl' }]);
      expect(Number(offer?.decided_at)).toBe(T0 + 110_000);

      const log = await rows<{ mutation_id: string | number; outcome: string; user_id: string; schema_version: number; settled_at: string | number }>(
        sql`select mutation_id, outcome, user_id, schema_version, settled_at from mutation_log where client_id = ${clientId} order by mutation_id`,
      );
      expect(log.map((r) => [Number(r.mutation_id), r.outcome, r.user_id, r.schema_version, Number(r.settled_at)])).toEqual(
        batch.map((m) => [m.id, 'applied', carlId, 2, now]),
      );

      expect(await rows(sql`select action, user_id, username, workstation_id, detail from audit_log where action = 'contact_changed' and subject = ${ines.customerId}`)).toEqual([
        {
          action: 'contact_changed',
          user_id: carlId,
          username: 'carl',
          workstation_id: clientId,
          detail: `Changed ${changedContactFieldsOf(batch[3]!).join(', ')}.`,
        },
      ]);

      await expectChangesCovered(batch, versionBefore);
    });

    it('accepts v1 entries: customer.create gets derived phone and email ids, update_contact v1 gets server-made history text', async () => {
      const clientId = randomUUID();
      const customerId = randomUUID();
      const [editFirst, editEmails] = [randomUUID(), randomUUID()];
      const derived = v1CustomerContactIds(customerId);
      const res = await push(
        carl,
        clientId,
        numbered([
          entry('customer.create', { customerId, firstName: 'Olu', lastName: 'Okafor', phone: '+2348031234567', email: 'olu@example.com' } satisfies MutationArgs<'customer.create', 1>, 1),
          entry(
            'customer.update_contact',
            {
              customerId,
              callId: null,
              agentId: 'agent-ana',
              at: T0 + 1000,
              editIds: [editFirst, editEmails],
              changes: {
                firstName: 'Oluwaseun',
                emails: [
                  { id: randomUUID(), email: 'seun@example.com', isPrimary: true },
                  { id: derived.emailId, email: 'olu@example.com', isPrimary: false },
                ],
              },
            } satisfies MutationArgs<'customer.update_contact', 1>,
            1,
          ),
        ]),
      );
      expect(statuses(res)).toEqual([
        [1, 'applied'],
        [2, 'applied'],
      ]);
      expect(await rows(sql`select id, e164, raw, is_primary from customer_phones where customer_id = ${customerId}`)).toEqual([
        { id: derived.phoneId, e164: '+2348031234567', raw: '+2348031234567', is_primary: true },
      ]);
      expect(await rows(sql`select email, is_primary from customer_emails where customer_id = ${customerId} order by is_primary desc`)).toEqual([
        { email: 'seun@example.com', is_primary: true },
        { email: 'olu@example.com', is_primary: false },
      ]);
      expect(await rows(sql`select id, field, old_value, new_value from contact_edits where customer_id = ${customerId} order by field`)).toEqual([
        { id: editEmails, field: 'emails', old_value: 'olu@example.com', new_value: emailsText([{ email: 'seun@example.com' }, { email: 'olu@example.com' }]) },
        { id: editFirst, field: 'first_name', old_value: 'Olu', new_value: 'Oluwaseun' },
      ]);
      expect((await rows<{ schema_version: number }>(sql`select schema_version from mutation_log where client_id = ${clientId}`)).map((r) => r.schema_version)).toEqual([1, 1]);
      // The derivation is stable: the same customer id always names the same rows.
      expect(v1CustomerContactIds(customerId)).toEqual(derived);
      expect(derived.phoneId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    it('answers a repeated batch with duplicates: the rows exist once and the change log has one upsert per row', async () => {
      const clientId = randomUUID();
      const batch = numbered([noteEntry(zoe.id, 'First.'), noteEntry(zoe.id, 'Second.')]);
      const ids = batch.map((m) => (m.args as { noteId: string }).noteId);
      expect(statuses(await push(carl, clientId, batch))).toEqual([
        [1, 'applied'],
        [2, 'applied'],
      ]);
      const pokesBefore = pushPokes().length;
      const again = await push(carl, clientId, batch);
      expect(again).toEqual({ lastMutationId: 2, results: [{ id: 1, status: 'duplicate' }, { id: 2, status: 'duplicate' }] });
      expect(pushPokes().length).toBe(pokesBefore);
      expect(await notesWith(ids)).toBe(2);
      for (const id of ids) {
        expect(await rows(sql`select op from change_log where table_name = 'notes' and row_id = ${id}`)).toEqual([{ op: 'upsert' }]);
      }
      expect(await count(sql`select count(*) as n from mutation_log where client_id = ${clientId}`)).toBe(2);
    });

    it('tells a different write under a settled id (a cache restored from an older copy) from a retry, and applies nothing for it', async () => {
      const clientId = randomUUID();
      const settled = numbered([noteEntry(zoe.id, 'Settled first.'), noteEntry(zoe.id, 'Settled second.')]);
      expect(statuses(await push(carl, clientId, settled))).toEqual([
        [1, 'applied'],
        [2, 'applied'],
      ]);
      // The restored cache hands out id 2 again, for a new note written later.
      const reused = { ...noteEntry(zoe.id, 'Written after the restore.'), id: 2, createdAt: T0 + 60_000 };
      const answer = await push(carl, clientId, [settled[0]!, reused]);
      expect(answer).toEqual({ lastMutationId: 2, results: [{ id: 1, status: 'duplicate' }, { id: 2, status: 'id_reused' }] });
      expect(await notesWith([(reused.args as { noteId: string }).noteId])).toBe(0);
      // Sent again under the next id, it is applied once.
      expect(statuses(await push(carl, clientId, [{ ...reused, id: 3 }]))).toEqual([[3, 'applied']]);
      expect(await notesWith([(reused.args as { noteId: string }).noteId])).toBe(1);
      expect(await count(sql`select count(*) as n from mutation_log where client_id = ${clientId}`)).toBe(3);
    });

    it('does not apply entries after a gap, then applies them all once the gap is filled', async () => {
      const clientId = randomUUID();
      const batch = numbered([noteEntry(zoe.id, 'one'), noteEntry(zoe.id, 'two'), noteEntry(zoe.id, 'three'), noteEntry(zoe.id, 'four')]);
      const ids = batch.map((m) => (m.args as { noteId: string }).noteId);
      const early = await push(carl, clientId, batch.slice(2));
      expect(early).toEqual({ lastMutationId: 0, results: [{ id: 3, status: 'not_applied' }, { id: 4, status: 'not_applied' }] });
      expect(await notesWith(ids)).toBe(0);
      expect(await lastMutationId(clientId)).toBe(0);

      const all = await push(carl, clientId, batch);
      expect(all.lastMutationId).toBe(4);
      expect(statuses(all)).toEqual(batch.map((m) => [m.id, 'applied']));
      expect(await notesWith(ids)).toBe(4);
    });

    it('after a lost response, the retry is answered with duplicates and nothing is applied twice', async () => {
      const clientId = randomUUID();
      const batch = numbered([noteEntry(zoe.id, 'a'), noteEntry(zoe.id, 'b'), noteEntry(zoe.id, 'c')]);
      const ids = batch.map((m) => (m.args as { noteId: string }).noteId);
      // The response to this one never reaches the workstation.
      await post(carl, { clientId, mutations: batch.slice(0, 2) });
      const retry = await push(carl, clientId, batch);
      expect(retry).toEqual({
        lastMutationId: 3,
        results: [
          { id: 1, status: 'duplicate' },
          { id: 2, status: 'duplicate' },
          { id: 3, status: 'applied' },
        ],
      });
      expect(await notesWith(ids)).toBe(3);
      expect(await count(sql`select count(*) as n from change_log where table_name = 'notes' and row_id in (${sql.join(ids, sql`, `)})`)).toBe(3);
      expect(await count(sql`select count(*) as n from mutation_log where client_id = ${clientId}`)).toBe(3);
    });

    it('rejects a poison entry with its reason, applies the later ones, and the last mutation id covers all', async () => {
      const clientId = randomUUID();
      const good = [noteEntry(zoe.id, 'before'), noteEntry(zoe.id, 'after')];
      const batch = numbered([
        good[0]!,
        entry('note.add', { ...note(zoe.id), body: '' }),
        { name: 'note.delete', args: {}, schemaVersion: 2, createdAt: T0 },
        { ...noteEntry(zoe.id, 'from the future'), schemaVersion: 3 },
        good[1]!,
      ]);
      const res = await push(carl, clientId, batch);
      expect(res.lastMutationId).toBe(5);
      expect(statuses(res)).toEqual([
        [1, 'applied'],
        [2, 'rejected'],
        [3, 'rejected'],
        [4, 'rejected'],
        [5, 'applied'],
      ]);
      const rejected = res.results.filter((r) => r.status === 'rejected');
      expect(rejected.map((r) => r.code)).toEqual(['invalid_input', 'invalid_input', 'invalid_input']);
      expect(rejected[0]?.message).toMatch(/^The central store could not read this note \(body: .*\), so it was not saved there; re-enter it if it is still needed\.$/);
      expect(rejected[1]?.message).toContain('does not know this kind of change ("note.delete")');
      expect(rejected[2]?.message).toContain('newer Switchboard (format 3)');

      const ids = batch.map((m) => (m.args as { noteId?: string }).noteId).filter((id): id is string => id !== undefined);
      expect(await notesWith(ids)).toBe(2);
      const log = await rows<{ mutation_id: string | number; outcome: string; error_code: string | null; error_message: string | null; name: string }>(
        sql`select mutation_id, outcome, error_code, error_message, name from mutation_log where client_id = ${clientId} order by mutation_id`,
      );
      expect(log.map((r) => [Number(r.mutation_id), r.name, r.outcome, r.error_code])).toEqual([
        [1, 'note.add', 'applied', null],
        [2, 'note.add', 'rejected', 'invalid_input'],
        [3, 'note.delete', 'rejected', 'invalid_input'],
        [4, 'note.add', 'rejected', 'invalid_input'],
        [5, 'note.add', 'applied', null],
      ]);
      expect(log[1]?.error_message).toBe(rejected[0]?.message);
      // The same entries again (their answer lost): applied ones are duplicates, and rejected ones are
      // refused again with the same reason, so the workstation still learns of the refusal (issue 18, item 3).
      const again = await push(carl, clientId, batch);
      expect(statuses(again).map(([, s]) => s)).toEqual(['duplicate', 'rejected', 'rejected', 'rejected', 'duplicate']);
      expect(again.results.filter((r) => r.status === 'rejected')).toEqual(rejected);
      // A version below the oldest accepted is refused too (the HTTP contract already stops 0).
      const old = parseMutationArgs('note.add', 0, note(zoe.id));
      expect(old.ok ? 'parsed' : old.error.message).toContain('no longer accepts (format 0)');
    });

    it('keeps a number the phone library could not read as typed, unverified, and refuses a key that is not its digits (issue 18)', async () => {
      const clientId = randomUUID();
      const ids = { customerId: randomUUID(), phoneId: randomUUID(), editedPhoneId: randomUUID() };
      const create = (phone: string, phoneRaw: string, phoneVerified?: boolean) =>
        entry('customer.create', {
          customerId: ids.customerId,
          firstName: 'Frédérique',
          lastName: 'Citeaux',
          phone,
          email: null,
          phoneId: ids.phoneId,
          emailId: null,
          phoneRaw,
          ...(phoneVerified === undefined ? {} : { phoneVerified }),
        } satisfies MutationArgs<'customer.create'>);
      const phones = [
        { id: ids.phoneId, e164: '88601531', raw: '88.60.15.31', kind: 'mobile' as const, isPrimary: true, verified: false },
        { id: ids.editedPhoneId, e164: '55554729', raw: '(5) 555-4729', kind: 'work' as const, isPrimary: false, verified: false },
      ];
      const editId = randomUUID();
      const batch = numbered([
        // Digits that are not the raw text's, an unverified key claimed as verified, and a "+" number claimed as unverified.
        create('88601532', '88.60.15.31', false),
        create('88601531', '88.60.15.31'),
        create('+3388601531', '88.60.15.31', false),
        create('88601531', '88.60.15.31', false),
        entry('customer.update_contact', {
          customerId: ids.customerId,
          callId: null,
          agentId: 'agent-ana',
          at: T0 + 1000,
          editIds: [editId],
          edits: [{ id: editId, field: 'phones', newValue: phonesText(phones) }],
          changes: { phones },
        } satisfies MutationArgs<'customer.update_contact'>),
      ]);
      const res = await push(carl, clientId, batch);
      expect(statuses(res)).toEqual([
        [1, 'rejected'],
        [2, 'rejected'],
        [3, 'rejected'],
        [4, 'applied'],
        [5, 'applied'],
      ]);
      const stored = await rows<{ id: string; e164: string; raw: string; verified: boolean }>(
        sql`select id, e164, raw, verified from customer_phones where customer_id = ${ids.customerId} order by is_primary desc`,
      );
      expect(stored).toEqual(phones.map((p) => ({ id: p.id, e164: p.e164, raw: p.raw, verified: false })));
      // Older entries carry no flag: their numbers are verified, as they always were.
      expect(await count(sql`select count(*) as n from customer_phones where verified and e164 not like '+%'`)).toBe(0);
    });

    it('rejects mutations that refer to a deleted customer, an unknown call or a missing order', async () => {
      const clientId = randomUUID();
      const gone = await plantStoreCustomer(randomUUID(), 'Gone', 'Away');
      await store.db.execute(sql`delete from customers where id = ${gone}`);
      const unknownCall = randomUUID();
      const goneEdit = randomUUID();
      const batch = numbered([
        noteEntry(gone),
        entry('call.start', { callId: randomUUID(), customerId: gone, fromE164: null, source: 'manual', agentId: 'agent-ana', startedAt: T0 }),
        entry('customer.update_contact', {
          customerId: gone,
          callId: null,
          agentId: 'agent-ana',
          at: T0,
          editIds: [goneEdit],
          edits: [{ id: goneEdit, field: 'first_name', newValue: 'Back' }],
          changes: { firstName: 'Back' },
        } satisfies MutationArgs<'customer.update_contact'>),
        entry('call.hold', { callId: unknownCall, agentId: 'agent-ana', at: T0 }),
        entry('note.add', note(zoe.id, 'On a call the store never saw.', unknownCall)),
        entry('complaint.log', complaintLog(zoe.id, { orderId: randomUUID() })),
        entry('offer.decide', { offerId: randomUUID(), outcome: 'declined', agentId: 'agent-ana', decidedAt: T0 }),
        noteEntry(zoe.id, 'Still fine.'),
      ]);
      const res = await push(carl, clientId, batch);
      expect(statuses(res)).toEqual([
        [1, 'rejected'],
        [2, 'rejected'],
        [3, 'rejected'],
        [4, 'rejected'],
        [5, 'rejected'],
        [6, 'rejected'],
        [7, 'rejected'],
        [8, 'applied'],
      ]);
      const messages = res.results.map((r) => (r.status === 'rejected' ? `${r.code}: ${r.message}` : r.status));
      expect(messages[0]).toBe(
        'not_found: The customer this note is for is no longer in the central store (the record may have been deleted or merged), so the note was not saved there; find the customer again and re-enter it if it is still needed.',
      );
      expect(messages[1]).toContain('The customer this call is for is no longer in the central store');
      expect(messages[2]).toContain('The customer this contact change is for is no longer in the central store');
      expect(messages[3]).toBe('not_found: This call is not in the central store (its start was refused or removed), so this hold could not be recorded there; nothing needs re-entering.');
      expect(messages[4]).toContain('The call this note was made on is not in the central store');
      expect(messages[5]).toContain('The order this complaint is about is not in the central store');
      expect(messages[6]).toContain('This offer is not in the central store');
      expect(await count(sql`select count(*) as n from customers where id = ${gone}`)).toBe(0);
      expect(await count(sql`select count(*) as n from calls where id = ${unknownCall}`)).toBe(0);
    });

    it('answers a transient failure with 503 and applies the rest exactly once on the retry', async () => {
      const clientId = randomUUID();
      // A trigger that fails the first insert of one note (a sequence is not rolled back, so it fails once).
      await store.db.execute(sql.raw(`create sequence push_test_fail_seq`));
      await store.db.execute(
        sql.raw(`create function push_test_fail_once() returns trigger language plpgsql as $$
          begin
            if new.body = 'fails once' and nextval('push_test_fail_seq') = 1 then raise exception 'simulated outage'; end if;
            return new;
          end $$`),
      );
      await store.db.execute(sql.raw(`create trigger push_test_fail_once before insert on notes for each row execute function push_test_fail_once()`));
      try {
        const batch = numbered([noteEntry(zoe.id, 'goes first'), noteEntry(zoe.id, 'fails once'), noteEntry(zoe.id, 'goes last')]);
        const ids = batch.map((m) => (m.args as { noteId: string }).noteId);
        const pokesBefore = pushPokes().length;
        const failed = await post(carl, { clientId, mutations: batch });
        expect(failed.statusCode).toBe(503);
        expect(serverError.parse(failed.json()).error.code).toBe('unavailable');
        // What was applied before the failure stays, and was announced.
        expect(await lastMutationId(clientId)).toBe(1);
        expect(await notesWith(ids)).toBe(1);
        expect(pushPokes().length).toBe(pokesBefore + 1);

        const retry = await push(carl, clientId, batch);
        expect(statuses(retry)).toEqual([
          [1, 'duplicate'],
          [2, 'applied'],
          [3, 'applied'],
        ]);
        expect(await notesWith(ids)).toBe(3);
        expect(await count(sql`select count(*) as n from mutation_log where client_id = ${clientId}`)).toBe(3);
        expect(await count(sql`select count(*) as n from mutation_log where client_id = ${clientId} and outcome = 'applied'`)).toBe(3);
      } finally {
        await store.db.execute(sql.raw(`drop trigger push_test_fail_once on notes`));
        await store.db.execute(sql.raw(`drop function push_test_fail_once()`));
        await store.db.execute(sql.raw(`drop sequence push_test_fail_seq`));
      }
    });

    it('refuses a push without a workstation token, with a user session token or with a replaced one (401), and applies nothing', async () => {
      const clientId = randomUUID();
      const batch = numbered([noteEntry(zoe.id, 'never')]);
      const ids = [(batch[0]!.args as { noteId: string }).noteId];

      expect((await app.inject({ method: 'POST', url: '/sync/push', payload: { clientId, mutations: batch } })).statusCode).toBe(401);
      const session = await tokenFor('carl', 'battery staple');
      const withSession = await postWith(session, { clientId, mutations: batch });
      expect(withSession.statusCode).toBe(401);
      expect(serverError.parse(withSession.json()).error.code).toBe('unauthenticated');

      const replaced = await workstationToken(app, carl, clientId);
      await workstationToken(app, dana, clientId);
      now += TOKEN_ROTATION_GRACE_MS; // a replaced token works for a short grace only (issue 18)
      expect((await postWith(replaced, { clientId, mutations: batch })).statusCode).toBe(401);
      expect(await notesWith(ids)).toBe(0);
      expect(await count(sql`select count(*) as n from clients where client_id = ${clientId}`)).toBe(0);
    });

    it('a workstation token outlives the user session it came with: expiry and sign-out end only the session', async () => {
      const clientId = randomUUID();
      const answer = await signIn(app, carl, clientId);
      now = T0 + TTL_MS;
      expect((await app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${answer.token}` } })).statusCode).toBe(401);
      const res = await postWith(answer.workstationToken!, { clientId, mutations: numbered([noteEntry(zoe.id, 'after the session expired')]) });
      expect(res.statusCode, res.body).toBe(200);
      expect(pushResponse.parse(res.json().value).results).toEqual([{ id: 1, status: 'applied' }]);
    });

    it('refuses a push of another workstation’s queue (403) and applies nothing', async () => {
      const clientId = randomUUID();
      expect(statuses(await push(carl, clientId, numbered([noteEntry(zoe.id, 'carl’s')])))).toEqual([[1, 'applied']]);
      const other = await workstationToken(app, dana, randomUUID());
      const batch = numbered([noteEntry(zoe.id, 'dana’s')], 2);
      const res = await postWith(other, { clientId, mutations: batch });
      expect(res.statusCode).toBe(403);
      expect(serverError.parse(res.json()).error).toMatchObject({ code: 'forbidden', field: 'clientId' });
      expect(await notesWith([(batch[0]!.args as { noteId: string }).noteId])).toBe(0);
      expect(await lastMutationId(clientId)).toBe(1);
    });

    it('a shared workstation: one queue, each entry applied as the user who saved it', async () => {
      const clientId = randomUUID();
      const danaId = (await rows<{ id: string }>(sql`select id from users where username = 'dana'`))[0]!.id;
      expect(statuses(await push(carl, clientId, numbered([noteEntry(zoe.id, 'carl’s')])))).toEqual([[1, 'applied']]);
      // Dana signs in on the same workstation: its token rotates, the queue stays the workstation's.
      tokens.forget(clientId);
      const mine = numbered([noteEntry(zoe.id, 'no user id: the last signed-in user'), { ...noteEntry(zoe.id, 'carl’s again'), userId: carlId }], 2);
      const res = await push(dana, clientId, mine);
      expect(statuses(res)).toEqual([
        [2, 'applied'],
        [3, 'applied'],
      ]);
      const log = await rows<{ mutation_id: string | number; user_id: string }>(sql`select mutation_id, user_id from mutation_log where client_id = ${clientId} order by mutation_id`);
      expect(log.map((r) => [Number(r.mutation_id), r.user_id])).toEqual([
        [1, carlId],
        [2, danaId],
        [3, carlId],
      ]);
    });

    it('rejects an entry whose author lacks the permission (forbidden) or is unknown, and applies the rest', async () => {
      const clientId = randomUUID();
      const sam = { username: 'sam', password: 'counter pass' };
      const samId = (await createUser(store.db, { username: 'sam', displayName: 'Sam Counter', role: 'store_associate', password: sam.password }, FAST_SCRYPT)).id;
      const stranger = randomUUID();
      const transition = entry('complaint.transition', {
        complaintId: randomUUID(),
        eventId: randomUUID(),
        from: 'open',
        to: 'in_progress',
        resolution: null,
        note: null,
        callId: null,
        agentId: 'agent-sam',
        at: T0,
      } satisfies MutationArgs<'complaint.transition'>);
      const batch = numbered([
        { ...transition, userId: samId },
        { ...noteEntry(zoe.id, 'a counter note'), userId: samId },
        { ...noteEntry(zoe.id, 'from nobody'), userId: stranger },
      ]);
      const res = await push(sam, clientId, batch);
      expect(res.results[0]).toMatchObject({ id: 1, status: 'rejected', code: 'forbidden' });
      expect((res.results[0] as { message: string }).message).toBe(
        'sam’s role (Store associate) does not allow this change (it needs the “complaint.manage” permission), so it was not saved on the central store.',
      );
      expect(res.results[1]).toEqual({ id: 2, status: 'applied' });
      expect(res.results[2]).toMatchObject({ id: 3, status: 'rejected', code: 'forbidden' });
      expect((res.results[2] as { message: string }).message).toContain('is not known to the central store');
      expect(res.lastMutationId).toBe(3);
      const log = await rows<{ mutation_id: string | number; outcome: string; user_id: string | null; error_code: string | null }>(
        sql`select mutation_id, outcome, user_id, error_code from mutation_log where client_id = ${clientId} order by mutation_id`,
      );
      expect(log.map((r) => [Number(r.mutation_id), r.outcome, r.user_id, r.error_code])).toEqual([
        [1, 'rejected', samId, 'forbidden'],
        [2, 'applied', samId, null],
        [3, 'rejected', null, 'forbidden'],
      ]);
    });

    it('an associate’s workstation cannot write as a supervisor or an admin who never signed in on it; the rest go on (issue 18, item 1)', async () => {
      const counter = randomUUID();
      const elsewhere = randomUUID();
      const amy = { username: 'amy', password: 'counter amy' };
      const sue = { username: 'sue', password: 'supervisor sue' };
      const ada = { username: 'ada', password: 'admin ada' };
      const amyId = (await createUser(store.db, { username: 'amy', displayName: 'Amy Associate', role: 'store_associate', password: amy.password }, FAST_SCRYPT)).id;
      const sueId = (await createUser(store.db, { username: 'sue', displayName: 'Sue Supervisor', role: 'supervisor', password: sue.password }, FAST_SCRYPT)).id;
      const adaId = (await createUser(store.db, { username: 'ada', displayName: 'Ada Admin', role: 'admin', password: ada.password }, FAST_SCRYPT)).id;
      // Sue and Ada are active and sign in online — on another workstation, not on the counter's.
      await workstationToken(app, sue, elsewhere, 'Back office');
      await workstationToken(app, ada, elsewhere, 'Back office');
      // A complaint Carl logged from his own desk.
      const complaintId = randomUUID();
      const logged = entry('complaint.log', complaintLog(zoe.id, { complaintId, categoryCode: 'damaged', description: 'Scuffed on arrival.', agentId: 'carl' }));
      expect(statuses(await push(carl, randomUUID(), numbered([{ ...logged, userId: carlId }])))).toEqual([[1, 'applied']]);

      const resolve = entry('complaint.transition', {
        complaintId,
        eventId: randomUUID(),
        from: 'open',
        to: 'resolved',
        resolution: 'Refunded in full.',
        note: null,
        callId: null,
        agentId: 'sue',
        at: T0 + 1000,
      } satisfies MutationArgs<'complaint.transition'>);
      const asAdmin = { ...noteEntry(zoe.id, 'written in the admin’s name'), userId: adaId };
      const ownButNamedAda = entry('note.add', { ...note(zoe.id, 'amy’s note, naming ada as its author'), agentId: 'ada' });
      const malformedAsSue = { ...entry('note.add', { noteId: 'not-a-uuid' }), userId: sueId };
      const batch = numbered([{ ...resolve, userId: sueId }, asAdmin, { ...ownButNamedAda, userId: amyId }, malformedAsSue]);
      const res = await push(amy, counter, batch);

      expect(res.lastMutationId).toBe(4);
      expect(res.results.map((r) => [r.id, r.status, 'code' in r ? r.code : null])).toEqual([
        [1, 'rejected', 'forbidden'],
        [2, 'rejected', 'forbidden'],
        [3, 'applied', null],
        [4, 'rejected', 'invalid_input'],
      ]);
      expect((res.results[0] as { message: string }).message).toBe(
        'sue has never signed in on this workstation (Test desk) while it was connected to the central store, so it cannot save changes as them; this change was not saved there.',
      );
      expect((res.results[1] as { message: string }).message).toContain('ada has never signed in on this workstation');
      const [complaint] = await rows<{ status: string }>(sql`select status from complaints where id = ${complaintId}`);
      expect(complaint?.status).toBe('open');
      expect(await count(sql`select count(*) as n from complaint_events where complaint_id = ${complaintId}`)).toBe(1);
      expect(await notesWith([(asAdmin.args as { noteId: string }).noteId])).toBe(0);
      // The free-text author is not stored: the note is Amy's, as the store knows her.
      expect(await rows(sql`select agent_id, body from notes where id = ${(ownButNamedAda.args as { noteId: string }).noteId}`)).toEqual([
        { agent_id: 'amy', body: 'amy’s note, naming ada as its author' },
      ]);
      // Refusals are not credited to the user the entry named.
      const log = await rows<{ mutation_id: string | number; outcome: string; user_id: string | null }>(
        sql`select mutation_id, outcome, user_id from mutation_log where client_id = ${counter} order by mutation_id`,
      );
      expect(log.map((r) => [Number(r.mutation_id), r.outcome, r.user_id])).toEqual([
        [1, 'rejected', null],
        [2, 'rejected', null],
        [3, 'applied', amyId],
        [4, 'rejected', null],
      ]);

      // Once Sue signs in online on the counter's workstation, it may save her changes.
      tokens.forget(counter);
      const again = { ...resolve, args: { ...(resolve.args as object), eventId: randomUUID() }, userId: sueId };
      expect(statuses(await push(sue, counter, numbered([again], 5)))).toEqual([[5, 'applied']]);
      expect((await rows<{ status: string; agent_id: string }>(sql`select status, agent_id from complaints where id = ${complaintId}`))[0]).toMatchObject({ status: 'resolved' });
      expect(await rows(sql`select agent_id from complaint_events where complaint_id = ${complaintId} and kind = 'status'`)).toEqual([{ agent_id: 'sue' }]);
    });

    it('stores the resolved author in every row a mutation writes, whatever agentId the entry carries (issue 18, item 1)', async () => {
      const clientId = randomUUID();
      const callId = randomUUID();
      const complaintId = randomUUID();
      const offerId = randomUUID();
      const noteArgs = { ...note(zoe.id, 'forged author'), agentId: 'admin' };
      const editId = randomUUID();
      const forged = 'somebody-else';
      const batch = numbered([
        entry('call.start', { callId, customerId: zoe.id, fromE164: null, source: 'manual', agentId: forged, startedAt: T0 }),
        entry('note.add', noteArgs),
        entry('complaint.log', complaintLog(zoe.id, { complaintId, callId, agentId: forged })),
        entry('offer.present', { offerId, customerId: zoe.id, callId, productId, kind: 'accessory', reason: 'Laces.', agentId: forged, presentedAt: T0 }),
        entry('customer.update_contact', {
          customerId: zoe.id,
          callId,
          agentId: forged,
          at: T0,
          editIds: [editId],
          edits: [{ id: editId, field: 'marketing_consent', newValue: 'true' }],
          changes: { marketingConsent: true },
        }),
      ]);
      const res = await push(carl, clientId, batch.map((m) => ({ ...m, userId: carlId })));
      expect(res.results.every((r) => r.status === 'applied'), JSON.stringify(res.results)).toBe(true);
      const agents = await rows<{ t: string; agent_id: string }>(sql`
        select 'calls' as t, agent_id from calls where id = ${callId}
        union all select 'notes', agent_id from notes where id = ${noteArgs.noteId}
        union all select 'complaints', agent_id from complaints where id = ${complaintId}
        union all select 'complaint_events', agent_id from complaint_events where complaint_id = ${complaintId}
        union all select 'offers', agent_id from offers where id = ${offerId}
        union all select 'contact_edits', agent_id from contact_edits where id = ${editId}`);
      expect(agents.map((r) => r.t).sort()).toEqual(['calls', 'complaint_events', 'complaints', 'contact_edits', 'notes', 'offers']);
      expect(agents.every((r) => r.agent_id === 'carl'), JSON.stringify(agents)).toBe(true);
    });

    it('applies a disabled user’s queued entry and flags it in the audit log (same transaction)', async () => {
      const clientId = randomUUID();
      const vic = { username: 'vic', password: 'queued pass' };
      const vicId = (await createUser(store.db, { username: 'vic', displayName: 'Vic CSR', role: 'csr', password: vic.password }, FAST_SCRYPT)).id;
      await tokens.for(vic, clientId);
      await store.db.execute(sql`update users set active = false where id = ${vicId}`);
      const batch = numbered([{ ...noteEntry(zoe.id, 'saved before vic was disabled'), userId: vicId }]);
      // Vic was the workstation's only user: with them disabled it syncs nothing (issue 18)…
      expect((await post(vic, { clientId, mutations: batch })).statusCode).toBe(401);
      expect(await notesWith([(batch[0]!.args as { noteId: string }).noteId])).toBe(0);
      // …until an active user signs in on it; then vic's queued entry is delivered, and flagged.
      tokens.forget(clientId);
      expect(statuses(await push(carl, clientId, batch))).toEqual([[1, 'applied']]);
      expect(await notesWith([(batch[0]!.args as { noteId: string }).noteId])).toBe(1);
      const audit = await rows<Record<string, unknown>>(
        sql`select action, user_id, username, workstation_id, workstation_name, subject, detail from audit_log where action = 'write_by_disabled_user' and user_id = ${vicId}`,
      );
      expect(audit).toEqual([
        {
          action: 'write_by_disabled_user',
          user_id: vicId,
          username: 'vic',
          workstation_id: clientId,
          workstation_name: 'Test desk',
          subject: 'vic',
          detail: 'A note.add saved by vic before they were disabled was delivered and applied (entry 1).',
        },
      ]);
    });

    it('applies the same batch pushed twice at once exactly once', async () => {
      const clientId = randomUUID();
      const batch = numbered(Array.from({ length: 6 }, (_, i) => noteEntry(zoe.id, `concurrent ${i}`)));
      const ids = batch.map((m) => (m.args as { noteId: string }).noteId);
      const [a, b] = await Promise.all([push(carl, clientId, batch), push(carl, clientId, batch)]);
      expect(a!.lastMutationId).toBe(6);
      expect(b!.lastMutationId).toBe(6);
      for (const m of batch) {
        const outcomes = [a!, b!].map((r) => r.results.find((o) => o.id === m.id)?.status).sort();
        expect(outcomes, `mutation ${m.id}`).toEqual(['applied', 'duplicate']);
      }
      expect(await notesWith(ids)).toBe(6);
      expect(await count(sql`select count(*) as n from mutation_log where client_id = ${clientId}`)).toBe(6);
      expect(await count(sql`select count(*) as n from change_log where table_name = 'notes' and row_id in (${sql.join(ids, sql`, `)})`)).toBe(6);
    });

    it('contact edits are field-level last-writer-wins in server order, and both edits keep the store’s old values', async () => {
      const lena = await plantStoreCustomer(randomUUID(), 'Léna', 'Moreau');
      const [ws1, ws2] = [randomUUID(), randomUUID()];
      const edit = (field: 'first_name' | 'marketing_consent', newValue: string) => ({ id: randomUUID(), field, newValue });
      // Both workstations saw "Léna"; the first also withdraws nothing and grants consent.
      const first = [edit('first_name', 'Lena'), edit('marketing_consent', 'true')];
      const second = [edit('first_name', 'Helena')];
      const contactEdit = (edits: { id: string; field: string; newValue: string }[], changes: Record<string, unknown>) =>
        entry('customer.update_contact', { customerId: lena, callId: null, agentId: 'agent-ana', at: T0, editIds: edits.map((e) => e.id), edits, changes });

      now = T0 + 1000;
      expect(statuses(await push(carl, ws1, numbered([contactEdit(first, { firstName: 'Lena', marketingConsent: true })])))).toEqual([[1, 'applied']]);
      now = T0 + 2000;
      expect(statuses(await push(dana, ws2, numbered([contactEdit(second, { firstName: 'Helena' })])))).toEqual([[1, 'applied']]);

      expect(await rows(sql`select first_name, last_name, marketing_consent from customers where id = ${lena}`)).toEqual([
        { first_name: 'Helena', last_name: 'Moreau', marketing_consent: true },
      ]);
      expect(await rows(sql`select id, field, old_value, new_value from contact_edits where customer_id = ${lena} order by field, new_value`)).toEqual([
        { id: second[0]!.id, field: 'first_name', old_value: 'Lena', new_value: 'Helena' },
        { id: first[0]!.id, field: 'first_name', old_value: 'Léna', new_value: 'Lena' },
        { id: first[1]!.id, field: 'marketing_consent', old_value: 'false', new_value: 'true' },
      ]);
    });

    it('applies complaint changes from two workstations in server order as recorded events', async () => {
      const complaintId = randomUUID();
      const transition = (to: 'in_progress' | 'resolved', resolution: string | null) =>
        entry('complaint.transition', { complaintId, eventId: randomUUID(), from: 'open', to, resolution, note: null, callId: null, agentId: 'agent-ana', at: T0 + 1000 });
      const [ws1, ws2] = [randomUUID(), randomUUID()];
      const logged = entry('complaint.log', complaintLog(zoe.id, { complaintId, orderLineId: lineId, categoryCode: 'quality', severity: 'medium', description: 'Squeaks.' }));
      expect(statuses(await push(carl, ws1, numbered([logged, transition('resolved', 'Refunded.')])))).toEqual([
        [1, 'applied'],
        [2, 'applied'],
      ]);
      // The second workstation still saw it open and started work on it: recorded, not refused.
      expect(statuses(await push(dana, ws2, numbered([transition('in_progress', null)])))).toEqual([[1, 'applied']]);
      expect(await rows(sql`select status, resolution, resolved_at from complaints where id = ${complaintId}`)).toEqual([
        { status: 'in_progress', resolution: null, resolved_at: null },
      ]);
      expect(await rows(sql`select kind, from_status, to_status from complaint_events where complaint_id = ${complaintId} order by kind, to_status`)).toEqual([
        { kind: 'opened', from_status: null, to_status: 'open' },
        { kind: 'status', from_status: 'resolved', to_status: 'in_progress' },
        { kind: 'status', from_status: 'open', to_status: 'resolved' },
      ]);
    });

    it(`refuses a push of more than ${PUSH_BATCH_MAX} entries with 400 and applies nothing`, async () => {
      const clientId = randomUUID();
      const batch = numbered(Array.from({ length: 600 }, () => noteEntry(zoe.id, 'bulk')));
      const res = await post(carl, { clientId, mutations: batch });
      expect(res.statusCode).toBe(400);
      expect(serverError.parse(res.json()).error).toMatchObject({ code: 'invalid_input', field: 'mutations' });
      expect(await notesWith(batch.map((m) => (m.args as { noteId: string }).noteId))).toBe(0);
      expect(await count(sql`select count(*) as n from clients where client_id = ${clientId}`)).toBe(0);
    });

    it('refuses a push that names one mutation id twice (400) and applies nothing', async () => {
      const clientId = randomUUID();
      const batch = numbered([noteEntry(zoe.id, 'once'), { ...noteEntry(zoe.id, 'twice'), id: 1 }]);
      const res = await post(carl, { clientId, mutations: batch });
      expect(res.statusCode).toBe(400);
      expect(serverError.parse(res.json()).error).toMatchObject({ code: 'invalid_input', message: 'Mutation id 1 appears twice in this push; send each entry once.' });
      expect(await notesWith(batch.map((m) => (m.args as { noteId: string }).noteId))).toBe(0);
    });

    it('takes a full-size push larger than the 1 MiB default body limit', async () => {
      const clientId = randomUUID();
      // Notes at their longest, in two-byte characters: about 1.15 MB of JSON.
      const batch = numbered(Array.from({ length: 140 }, () => noteEntry(zoe.id, 'é'.repeat(NOTE_LIMITS.body))));
      const res = await push(carl, clientId, batch);
      expect(res.lastMutationId).toBe(140);
      expect(await notesWith(batch.map((m) => (m.args as { noteId: string }).noteId))).toBe(140);
    });

    it('a workstation’s real outbox applies to the store and leaves the same rows as in its cache', async () => {
      const cache = tempCache();
      try {
        // The same customer, product and order on both sides, as a pull would have left them.
        const who = plantCustomer(cache.db, { firstName: 'Zoë', lastName: 'Quinn', phones: ['+442079460001', '+447700900001'], emails: ['zq@example.com'], city: 'Leeds', country: 'GB' });
        const product = plantProduct(cache.db, { sku: `SYNC-${randomUUID().slice(0, 8)}`, name: 'Laces' });
        const order = plantOrder(cache.db, { customerId: who, number: `SB${Date.now() % 1e8}`, placedAt: T0 - 1e8, productIds: [product] });
        const line = cache.db.$client.prepare(`SELECT id FROM order_lines WHERE order_id = ?`).pluck().get(order) as string;
        for (const table of ['products', 'customers', 'customer_phones', 'customer_emails', 'customer_addresses', 'orders', 'order_lines'] as const) {
          await copyTable(cache.db.$client, table);
        }

        // The desk's rows name the signed-in user, as the store names the author it resolves.
        const desk = testDesk(cache.db, { start: T0, agentId: 'carl' });
        const call = desk.ok<{ id: string }>('call:start', { source: 'manual', customerId: who });
        desk.clock.advance(30_000);
        desk.ok('customer:update-contact', {
          customerId: who,
          callId: call.id,
          firstName: 'Zoe',
          lastName: 'Quinn',
          phones: [
            { number: '07700 900001', kind: 'work' },
            { number: '+1 555 010 4477', kind: 'home' },
          ],
          emails: ['zoe.quinn@example.com'],
          primaryAddress: { line1: '2 High St', city: 'York', postalCode: 'YO1 7HH', country: 'GB' },
          marketingConsent: true,
        });
        desk.ok('call:hold', { callId: call.id });
        desk.clock.advance(20_000);
        desk.ok('call:resume', { callId: call.id });
        desk.ok('note:add', { customerId: who, callId: call.id, body: 'Moved to York.' });
        const complaint = desk.ok<{ id: string }>('complaint:log', {
          customerId: who,
          callId: call.id,
          category: 'damaged',
          severity: 'medium',
          orderLineId: line,
          description: 'Frayed.',
          followUpOn: '2026-03-12',
        });
        desk.ok('complaint:set-follow-up', { complaintId: complaint.id, followUpOn: '2026-03-14', callId: call.id });
        desk.ok('complaint:transition', { complaintId: complaint.id, to: 'resolved', resolution: 'New laces sent.', callId: call.id });
        const offer = desk.ok<{ offer: { offerId: string } }>('offer:present', { customerId: who, callId: call.id, productId: product, kind: 'accessory', reason: 'Spare laces.' });
        desk.ok('offer:decide', { offerId: offer.offer.offerId, outcome: 'declined' });
        desk.clock.advance(10_000);
        desk.ok('call:end', { callId: call.id });
        desk.clock.advance(15_000);
        desk.ok('call:wrap-up', { callId: call.id, dispositionCode: 'resolved', notes: 'Done.' });
        const created = desk.ok<{ customerId: string }>('customer:create', { firstName: 'Ana', lastName: 'Lima', phone: '+55 11 91234-5678', email: 'Ana.Lima@Example.com' });

        const pending = new Outbox(cache.db).pending();
        const versionBefore = await changeLogVersion();
        expect(pending.every((e) => e.schemaVersion === 2)).toBe(true);
        for (const e of pending) expect(parseMutationArgs(e.name, e.schemaVersion, e.args), e.name).toMatchObject({ ok: true });
        const pushed = pending.map((e) => ({ id: e.mutationId, name: e.name, args: e.args, schemaVersion: e.schemaVersion, createdAt: e.createdAt }));
        const res = await push(carl, pending[0]!.clientId, pushed);
        expect(res.results.every((r) => r.status === 'applied'), JSON.stringify(res.results)).toBe(true);
        // The removed phone and email are logged deletes that only the replaced contact sets cover.
        expect(await expectChangesCovered(pushed, versionBefore)).toBe(2);

        const people = [who, created.customerId];
        for (const table of SYNC_TABLES) {
          if (table.origin === 'server' && !['customers', 'customer_phones', 'customer_emails', 'customer_addresses'].includes(table.name)) continue;
          const inCache = cacheRows(cache.db.$client, table.name);
          const keys = inCache.map((r) => String(r.id));
          const inStore = table.name === 'customers' || table.name.startsWith('customer_') || table.name === 'complaint_events'
            ? await storeRows(table.name, table.name === 'customers' ? sql`id in (${sql.join(people, sql`, `)})` : table.name === 'complaint_events' ? sql`complaint_id = ${complaint.id}` : sql`customer_id in (${sql.join(people, sql`, `)})`)
            : await storeRows(table.name, keys.length ? sql`id in (${sql.join(keys, sql`, `)})` : sql`false`);
          // updated_at is the store's own clock for an edit it applied (never the workstation's).
          expect(inCache.length, table.name).toBeGreaterThan(0);
          const comparable = (r: Record<string, unknown>) => (table.name === 'customers' ? { ...r, updated_at: 'store clock' } : r);
          expect(inStore.map(comparable), table.name).toEqual(inCache.map(comparable));
        }
      } finally {
        cache.cleanup();
      }
    });

    /**
     * rowsWrittenBy (for the client's sync engine) names exactly what a push changed: every row it
     * lists is in the change log, and every other logged change is a row that is gone from a
     * contact set the push replaced (contactSetsReplacedBy).
     */
    async function expectChangesCovered(batch: PushedMutation[], versionBefore: number): Promise<number> {
      const changed = await rows<{ table_name: SyncTableName; row_id: string }>(
        sql`select distinct table_name, row_id from change_log where version > ${versionBefore}`,
      );
      const listed = new Set(batch.flatMap((m) => rowsWrittenBy(m.name, m.args, m.schemaVersion)).map((r) => `${r.table}/${r.key}`));
      const replaced = batch.flatMap((m) => contactSetsReplacedBy(m.name, m.args, m.schemaVersion));
      // A placed phone order reserves its units (products.reserved, store-owned, never written on a
      // workstation): the store's own change of its products, not a row the entry writes (issue 21).
      const reservedBy = new Set(
        batch.flatMap((m) => (m.name === 'order.submit' ? (m.args as MutationArgs<'order.submit'>).lines.map((l) => `products/${l.productId}`) : [])),
      );
      const changedKeys = changed.map((c) => `${c.table_name}/${c.row_id}`);
      for (const key of listed) expect(changedKeys).toContain(key);
      let unlisted = 0;
      for (const c of changed) {
        if (listed.has(`${c.table_name}/${c.row_id}`) || reservedBy.has(`${c.table_name}/${c.row_id}`)) continue;
        unlisted++;
        expect(replaced.map((r) => r.table), `${c.table_name}/${c.row_id}`).toContain(c.table_name);
        expect(await count(sql`select count(*) as n from ${sql.identifier(c.table_name)} where id = ${c.row_id}`)).toBe(0);
      }
      return unlisted;
    }

    /** Copies every row of a cache table to the store, as the snapshot of a pull would have them. */
    async function copyTable(cache: SqliteDb, name: SyncTableName): Promise<void> {
      const table = syncTable(name);
      for (const row of cacheRows(cache, name)) {
        const columns = sql.join(table.columns.map((c) => sql.identifier(c.name)), sql`, `);
        const values = sql.join(table.columns.map((c) => sql`${row[c.name] as string | number | boolean | null}`), sql`, `);
        await store.db.execute(sql`insert into ${sql.identifier(name)} (${columns}) values (${values}) on conflict do nothing`);
      }
    }

    function cacheRows(cache: SqliteDb, name: SyncTableName): Record<string, unknown>[] {
      const table = syncTable(name);
      const list = table.columns.map((c) => `"${c.name}"`).join(', ');
      const raw = cache.prepare(`SELECT ${list} FROM ${name}`).all() as Record<string, unknown>[];
      return sortById(raw.map((r) => normalise(name, r)));
    }

    async function storeRows(name: SyncTableName, where: SQL): Promise<Record<string, unknown>[]> {
      const table = syncTable(name);
      const list = sql.join(table.columns.map((c) => sql.identifier(c.name)), sql`, `);
      const raw = await rows<Record<string, unknown>>(sql`select ${list} from ${sql.identifier(name)} where ${where}`);
      return sortById(raw.map((r) => normalise(name, r)));
    }

    /** Values as they travel: ints as numbers (node-postgres gives bigint as text), bools as booleans (SQLite gives 1/0). */
    function normalise(name: SyncTableName, row: Record<string, unknown>): Record<string, unknown> {
      const out: Record<string, unknown> = {};
      for (const c of syncTable(name).columns) {
        const v = row[c.name];
        out[c.name] = v === null || v === undefined ? null : c.kind === 'int' ? Number(v) : c.kind === 'bool' ? v === true || v === 1 : v;
      }
      return out;
    }

    const sortById = (list: Record<string, unknown>[]) => list.sort((a, b) => String(a.id).localeCompare(String(b.id)));
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
