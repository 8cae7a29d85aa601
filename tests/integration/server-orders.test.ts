/**
 * Phone orders on the central store (issue 21), on both backends (PGlite and the PostgreSQL at
 * 127.0.0.1:5432, each in its own fresh database; tests/helpers/server-db.ts): the `order.submit`
 * applier's outcomes (refused, placed with an SB number and stock reserved, needs attention with
 * both totals, awaiting approval), one order per id however often it is delivered, stock never
 * below zero when two orders race for the last unit, and the supervisors' approval routes.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { campaigns, customerAddresses, customers, discountLimits, offers, productPrices, products, teams, userTeams } from '../../server/src/db/schema';
import { orderSummary, pendingApproval } from '../../src-shared/contracts/orders';
import { pushResponse, type PushOutcome } from '../../src-shared/contracts/sync-protocol';
import { priceOrder } from '../../src-shared/domain/pricing';
import type { TaxClass } from '../../src-shared/domain/product';
import type { MutationArgs } from '../../src-shared/sync/mutations';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend } from '../helpers/server-db';
import { serveStoreForSuite } from '../helpers/store-suite';
import { signIn, workstationToken, type Credentials } from '../helpers/store-auth';

const postgresSkip = await postgresSkipReason();

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const T0 = Date.UTC(2026, 3, 14, 10, 0, 0);

type SubmitArgs = MutationArgs<'order.submit'>;

interface TestProduct {
  id: string;
  sku: string;
  price: number;
  taxClass: TaxClass;
}

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`phone orders on ${backend.name}`, () => {
    let store: Store;
    let app: FastifyInstance;
    const now = T0 + 60_000;
    /** Change-feed pokes: each tells every open live stream (GET /sync/events) to have its workstation pull. */
    let pokes = 0;
    const served = serveStoreForSuite(backend, skipReason, { clock: () => now }, (a) => {
      a.changeFeed.subscribe(() => pokes++);
    });
    const carl: Credentials = { username: 'carl', password: 'battery staple' };
    const dana: Credentials = { username: 'dana', password: 'correct horse' };
    const sue: Credentials = { username: 'sue', password: 'supervises calls' };
    const otto: Credentials = { username: 'otto', password: 'other team lead' };
    const ids: Record<string, string> = {};
    const desks = { carl: randomUUID(), dana: randomUUID() };
    const deskTokens: Record<string, string> = {};
    const nextIds = new Map<string, number>();
    const sessions: Record<string, string> = {};
    const zoe = { id: randomUUID(), addressId: randomUUID() };
    const ben = { id: randomUUID(), addressId: randomUUID() };
    const shoe: TestProduct = { id: randomUUID(), sku: 'TR-2041-BLK', price: 8999, taxClass: 'standard' };
    const socks: TestProduct = { id: randomUUID(), sku: 'SK-0100-GRY', price: 1299, taxClass: 'reduced' };
    const last: TestProduct = { id: randomUUID(), sku: 'LAST-ONE', price: 5000, taxClass: 'standard' };
    const old: TestProduct = { id: randomUUID(), sku: 'OLD-1', price: 1000, taxClass: 'standard' };

    beforeAll(async () => {
      if (skipReason) return;
      ({ store, app } = served);
      for (const [who, role] of [
        [carl, 'csr'],
        [dana, 'csr'],
        [sue, 'supervisor'],
        [otto, 'supervisor'],
      ] as const) {
        ids[who.username] = (await createUser(store.db, { username: who.username, displayName: who.username.toUpperCase(), role, password: who.password }, FAST_SCRYPT)).id;
      }
      const [phones] = await store.db.insert(teams).values({ name: 'Phones' }).returning({ id: teams.id });
      const [web] = await store.db.insert(teams).values({ name: 'Web' }).returning({ id: teams.id });
      await store.db.insert(userTeams).values([
        { userId: ids.carl!, teamId: phones!.id },
        { userId: ids.dana!, teamId: phones!.id },
        { userId: ids.sue!, teamId: phones!.id },
        { userId: ids.otto!, teamId: web!.id },
      ]);
      for (const p of [shoe, socks, last, old]) {
        await store.db.insert(products).values({
          id: p.id,
          sku: p.sku,
          name: `Product ${p.sku}`,
          brand: 'Acme',
          category: 'shoes',
          priceCents: p.price,
          taxClass: p.taxClass,
          status: p === old ? 'discontinued' : 'active',
          // The seed on this branch makes no stock: the tests set it.
          stock: p === last ? 1 : 100,
        });
        await store.db.insert(productPrices).values({ productId: p.id, currency: 'USD', priceCents: p.price });
      }
      await store.db.insert(campaigns).values({
        id: randomUUID(),
        code: 'SPRING10',
        family: 'SPRING-2026',
        name: 'Spring',
        channel: 'offline',
        rule: 'percent',
        value: 10,
        currency: null,
        minOrderCents: 0,
        startsAt: T0 - 86_400_000,
        endsAt: T0 + 86_400_000,
      });
      for (const c of [zoe, ben]) {
        await store.db.insert(customers).values({ id: c.id, firstName: 'Zoë', lastName: c === zoe ? 'Ångström' : 'Other', createdAt: T0 - 1000, updatedAt: T0 - 1000 });
        await store.db
          .insert(customerAddresses)
          .values({ id: c.addressId, customerId: c.id, line1: '1 Main St', city: 'Leeds', country: 'GB', isPrimary: true });
      }
      deskTokens.carl = await workstationToken(app, carl, desks.carl);
      deskTokens.dana = await workstationToken(app, dana, desks.dana);
      for (const who of [sue, otto, carl]) sessions[who.username] = (await signIn(app, who)).token;
    });

    beforeEach(async () => {
      if (skipReason) return;
      await store.db.update(products).set({ stock: 100, reserved: 0 }).where(sql`${products.sku} <> 'LAST-ONE'`);
    });

    const rows = <T,>(query: SQL) => queryRows<T>(store, query);
    const count = async (query: SQL) => Number((await rows<{ n: string | number }>(query))[0]?.n);

    async function push(desk: 'carl' | 'dana', ...argsList: SubmitArgs[]): Promise<string[]> {
      const clientId = desks[desk];
      const first = nextIds.get(clientId) ?? 1;
      nextIds.set(clientId, first + argsList.length);
      const mutations = argsList.map((args, i) => ({ id: first + i, name: 'order.submit', schemaVersion: 2, createdAt: args.createdAt, args }));
      const res = await app.inject({ method: 'POST', url: '/sync/push', headers: { authorization: `Bearer ${deskTokens[desk]}` }, payload: { clientId, mutations } });
      expect(res.statusCode, res.body).toBe(200);
      return (pushResponse.parse(res.json().value).results as PushOutcome[]).map((r) => (r.status === 'rejected' ? `rejected:${r.code}` : r.status));
    }

    /** An order as the workstation would submit it, quoted with the shared pricing module. */
    function order(over: Partial<SubmitArgs> & { items?: [TestProduct, number][]; quotePrices?: Map<string, number> } = {}): SubmitArgs {
      const { items = [[shoe, 1]], quotePrices, ...rest } = over;
      const lines = items.map(([p, quantity]) => ({ lineId: randomUUID(), productId: p.id, quantity, unitPriceCents: quotePrices?.get(p.id) ?? p.price, offerId: null, source: 'search' as const }));
      const manualDiscount = rest.manualDiscount ?? null;
      const campaign = rest.campaignCode === 'SPRING10' ? { rule: 'percent' as const, value: 10, currency: null, minOrderCents: 0 } : null;
      const priced = priceOrder({
        currency: 'USD',
        lines: lines.map((l, i) => ({ key: l.lineId, unitPriceCents: l.unitPriceCents, quantity: l.quantity, taxClass: items[i]![0].taxClass })),
        campaign,
        manualDiscount: manualDiscount && { kind: manualDiscount.kind, value: manualDiscount.value },
        deliveryMethod: rest.deliveryMethod ?? 'standard',
      });
      return {
        orderId: randomUUID(),
        customerId: zoe.id,
        callId: null,
        agentId: 'carl',
        currency: 'USD',
        lines,
        campaignCode: null,
        heardFrom: null,
        delivery: { addressId: zoe.addressId },
        deliveryMethod: 'standard',
        paymentMethod: 'pay_link',
        manualDiscount: null,
        approval: null,
        quoted: { subtotalCents: priced.subtotalCents, discountCents: priced.discountCents, taxCents: priced.taxCents, shippingCents: priced.shippingCents, totalCents: priced.totalCents },
        note: null,
        createdAt: T0,
        ...rest,
      };
    }

    const orderRow = async (id: string) =>
      (
        await rows<{ status: string; number: string; total_cents: number; quoted_total_cents: number | null; attention_reason: string | null; created_by: string; approved_by: string | null }>(
          sql`select status, number, total_cents, quoted_total_cents, attention_reason, created_by, approved_by from orders where id = ${id}`,
        )
      )[0];
    const reservedOf = async (p: TestProduct) => Number((await rows<{ reserved: number }>(sql`select reserved from products where id = ${p.id}`))[0]?.reserved);

    it('places an order whose quote matches: SB number, units reserved, lines with tax, author as store user', async () => {
      const args = order({ items: [[shoe, 2], [socks, 3]], campaignCode: 'SPRING10' });
      expect(await push('carl', args)).toEqual(['applied']);
      const row = await orderRow(args.orderId);
      expect(row).toMatchObject({ status: 'placed', total_cents: args.quoted.totalCents, quoted_total_cents: args.quoted.totalCents, attention_reason: null, created_by: ids.carl });
      expect(row!.number).toMatch(/^SB\d{8}$/);
      expect(await reservedOf(shoe)).toBe(2);
      expect(await reservedOf(socks)).toBe(3);
      const lines = await rows<{ tax_cents: number; discount_cents: number }>(sql`select tax_cents, discount_cents from order_lines where order_id = ${args.orderId} order by line_no`);
      expect(lines.reduce((s, l) => s + Number(l.tax_cents), 0)).toBe(args.quoted.taxCents);
      expect(lines.reduce((s, l) => s + Number(l.discount_cents), 0)).toBe(args.quoted.discountCents);
      // Every change goes through the change log, so workstations pull it.
      expect(await count(sql`select count(*) as n from change_log where table_name = 'orders' and row_id = ${args.orderId}`)).toBeGreaterThan(0);
      // The outbound webhook event (issue 23), written with the order: once, with the store's number.
      const confirmed = await rows<{ payload: string }>(sql`select payload from webhook_events where key = ${`order.confirmed:${args.orderId}`}`);
      expect(confirmed).toHaveLength(1);
      expect(JSON.parse(confirmed[0]!.payload)).toMatchObject({ type: 'order.confirmed', data: { orderId: args.orderId, number: row!.number, totalCents: args.quoted.totalCents } });
      // A second order gets another number.
      const second = order();
      expect(await push('carl', second)).toEqual(['applied']);
      expect((await orderRow(second.orderId))!.number).not.toBe(row!.number);
    });

    it('never gives a number an order already has (orders loaded after the sequence was set, as a seed does)', async () => {
      const first = order();
      expect(await push('carl', first)).toEqual(['applied']);
      const n = Number((await orderRow(first.orderId))!.number.slice(2));
      // A seeded order takes the very next number behind the sequence's back.
      await store.db.execute(
        sql`insert into orders (id, number, customer_id, channel, status, currency, subtotal_cents, total_cents, placed_at) values (${randomUUID()}, ${`SB${n + 1}`}, ${zoe.id}, 'web', 'delivered', 'USD', 100, 100, ${T0})`,
      );
      const second = order();
      expect(await push('carl', second)).toEqual(['applied']);
      const row = await orderRow(second.orderId);
      expect(row!.status).toBe('placed');
      expect(Number(row!.number.slice(2))).toBeGreaterThan(n + 1);
    });

    it('is one order however often it is delivered: the same entry again, or the same order from a second entry', async () => {
      const args = order({ items: [[shoe, 1]] });
      expect(await push('carl', args, args)).toEqual(['applied', 'applied']);
      expect(await push('carl', args)).toEqual(['applied']);
      expect(await count(sql`select count(*) as n from orders where id = ${args.orderId}`)).toBe(1);
      expect(await count(sql`select count(*) as n from order_lines where order_id = ${args.orderId}`)).toBe(1);
      expect(await reservedOf(shoe)).toBe(1);
      // Another order under that id (another quantity) is refused and changes nothing.
      const other = { ...args, lines: [{ ...args.lines[0]!, quantity: 5 }] };
      expect(await push('carl', other)).toEqual(['rejected:conflict']);
      expect(await reservedOf(shoe)).toBe(1);
    });

    it('refuses, writing nothing: unknown customer, unknown or discontinued product, another customer’s address, offer or call', async () => {
      const before = await count(sql`select count(*) as n from orders`);
      const unknownProduct = order();
      unknownProduct.lines[0]!.productId = randomUUID();
      const acceptedOfBen = randomUUID();
      await store.db.insert(offers).values({ id: acceptedOfBen, customerId: ben.id, agentId: 'carl', productId: shoe.id, kind: 'accessory', reason: 'x', outcome: 'accepted', presentedAt: T0 });
      const withOffer = order();
      withOffer.lines[0]!.offerId = acceptedOfBen;
      const callId = randomUUID();
      await store.db.execute(sql`insert into calls (id, customer_id, from_e164, source, agent_id, status, started_at) values (${callId}, ${ben.id}, '+442079460958', 'screen_pop', 'carl', 'active', ${T0})`);
      expect(
        await push(
          'carl',
          order({ customerId: randomUUID() }),
          unknownProduct,
          order({ items: [[old, 1]] }),
          order({ delivery: { addressId: ben.addressId } }),
          withOffer,
          order({ callId }),
        ),
      ).toEqual(['rejected:not_found', 'rejected:not_found', 'rejected:invalid_input', 'rejected:invalid_input', 'rejected:invalid_input', 'rejected:invalid_input']);
      expect(await count(sql`select count(*) as n from orders`)).toBe(before);
      expect(await reservedOf(shoe)).toBe(0);
    });

    it('refuses pushed bad input with a typed code, writing nothing: quantities, too many lines, unknown offer, card number in the note, impossible discount', async () => {
      const counts = async () => [
        await count(sql`select count(*) as n from orders`),
        await count(sql`select count(*) as n from order_lines`),
        await count(sql`select count(*) as n from audit_log`),
        await count(sql`select count(*) as n from customer_addresses`),
        await reservedOf(shoe),
      ];
      const before = await counts();
      const withLines = (edit: (l: SubmitArgs['lines'][number]) => object) => {
        const o = order();
        return { ...o, lines: o.lines.map((l) => ({ ...l, ...edit(l) })) } as SubmitArgs;
      };
      const many = order();
      many.lines = Array.from({ length: 51 }, () => ({ ...many.lines[0]!, lineId: randomUUID(), productId: randomUUID() }));
      const cases: [string, SubmitArgs][] = [
        ['negative', withLines(() => ({ quantity: -1 }))],
        ['zero', withLines(() => ({ quantity: 0 }))],
        ['fractional', withLines(() => ({ quantity: 1.5 }))],
        ['huge', withLines(() => ({ quantity: 1_000_000 }))],
        ['too many lines', many],
        ['no lines', { ...order(), lines: [] }],
        ['unknown offer', withLines(() => ({ offerId: randomUUID(), source: 'suggestion' }))],
        ['card number in the note', order({ note: 'Card 4111 1111 1111 1111, exp 12/29' })],
        ['card number in the reason', order({ manualDiscount: { kind: 'amount', value: 100, reason: 'card 4111-1111-1111-1111' }, requestApproval: true })],
        ['percent above 100', { ...order({ requestApproval: true }), manualDiscount: { kind: 'percent', value: 150, reason: 'Typing slip.' } }],
        ['another customer’s new address id', order({ delivery: { address: { id: ben.addressId, line1: '2 Side St', line2: null, city: 'York', region: null, postalCode: null, country: 'GB' }, contactEditId: randomUUID() } })],
      ];
      const results = await push('carl', ...cases.map(([, a]) => a));
      expect(Object.fromEntries(cases.map(([name], i) => [name, results[i]]))).toEqual({
        negative: 'rejected:invalid_input',
        zero: 'rejected:invalid_input',
        fractional: 'rejected:invalid_input',
        huge: 'rejected:invalid_input',
        'too many lines': 'rejected:invalid_input',
        'no lines': 'rejected:invalid_input',
        'unknown offer': 'rejected:invalid_input',
        'card number in the note': 'rejected:invalid_input',
        'card number in the reason': 'rejected:invalid_input',
        'percent above 100': 'rejected:invalid_input',
        'another customer’s new address id': 'rejected:conflict',
      });
      expect(await counts()).toEqual(before);
    });

    it('needs attention with both totals when the store’s price differs, and with the reason for a code that does not hold', async () => {
      const args = order({ items: [[shoe, 1]], quotePrices: new Map([[shoe.id, 7999]]) });
      expect(await push('carl', args)).toEqual(['applied']);
      const row = await orderRow(args.orderId);
      expect(row!.status).toBe('needs_attention');
      expect(row!.quoted_total_cents).toBe(args.quoted.totalCents);
      expect(row!.total_cents).not.toBe(args.quoted.totalCents);
      expect(row!.attention_reason).toBe(`Price changed: quoted ${(args.quoted.totalCents / 100).toFixed(2)} USD, the store's total is ${(row!.total_cents / 100).toFixed(2)} USD`);
      expect(row!.number).toMatch(/^P-[0-9A-F]{32}$/);
      expect(await reservedOf(shoe)).toBe(0);
      const expired = order({ campaignCode: 'SPRING10', createdAt: T0 - 2 * 86_400_000 });
      expect(await push('carl', expired)).toEqual(['applied']);
      expect((await orderRow(expired.orderId))!.attention_reason).toMatch(/^The code SPRING10 is not valid yet/);
    });

    it('never takes stock below zero: two orders racing for the last unit give one placed and one needing attention', async () => {
      const a = order({ items: [[last, 1]] });
      const b = order({ items: [[last, 1]], agentId: 'dana' });
      const results = await Promise.all([push('carl', a), push('dana', b)]);
      expect(results).toEqual([['applied'], ['applied']]);
      const statuses = [(await orderRow(a.orderId))!, (await orderRow(b.orderId))!];
      expect(statuses.map((s) => s.status).sort()).toEqual(['needs_attention', 'placed']);
      expect(statuses.find((s) => s.status === 'needs_attention')!.attention_reason).toBe('Out of stock: LAST-ONE (0 available)');
      const [p] = await rows<{ stock: number; reserved: number }>(sql`select stock, reserved from products where id = ${last.id}`);
      expect(Number(p!.reserved)).toBe(1);
      expect(Number(p!.stock) - Number(p!.reserved)).toBe(0);
    });

    it('a new delivery address joins the customer’s profile with its contact history', async () => {
      const address = { id: randomUUID(), line1: '9 New Rd', line2: null, city: 'York', region: null, postalCode: 'YO1 7HH', country: 'GB' };
      const args = order({ delivery: { address, contactEditId: randomUUID() } });
      expect(await push('carl', args)).toEqual(['applied']);
      expect(await rows(sql`select customer_id, is_primary from customer_addresses where id = ${address.id}`)).toEqual([{ customer_id: zoe.id, is_primary: true }]);
      expect(await rows(sql`select field, old_value, new_value from contact_edits where customer_id = ${zoe.id}`)).toEqual([
        { field: 'primary_address', old_value: '1 Main St, Leeds, GB', new_value: '9 New Rd, York, YO1 7HH, GB' },
      ]);
    });

    describe('discounts beyond authority', () => {
      const decide = (who: string, orderId: string, body: unknown) =>
        app.inject({ method: 'POST', url: `/orders/${orderId}/decision`, headers: { authorization: `Bearer ${sessions[who]}` }, payload: body as object });
      const approvals = (who: string) => app.inject({ method: 'GET', url: '/orders/approvals', headers: { authorization: `Bearer ${sessions[who]}` } });
      /** Beyond a CSR's 10 %; sent to the supervisors unless told otherwise (null: the field left out, as an older entry). */
      const overLimit = (requestApproval: boolean | null = true) =>
        order({ items: [[shoe, 2]], manualDiscount: { kind: 'percent', value: 20, reason: 'Loyal customer, late delivery last time.' }, ...(requestApproval === null ? {} : { requestApproval }) });

      it('a forced order beyond the author’s authority, neither approved nor sent to the supervisors, is refused forbidden and writes nothing', async () => {
        const counts = async () => [
          await count(sql`select count(*) as n from orders`),
          await count(sql`select count(*) as n from order_lines`),
          await count(sql`select count(*) as n from audit_log`),
          await reservedOf(shoe),
        ];
        const before = await counts();
        const forced = [overLimit(null), overLimit(false)];
        expect(await push('carl', ...forced)).toEqual(['rejected:forbidden', 'rejected:forbidden']);
        expect(await counts()).toEqual(before);
        for (const f of forced) expect(await count(sql`select count(*) as n from orders where id = ${f.orderId}`)).toBe(0);
        // Within authority the flag is not needed, and asked for it changes nothing: placed.
        const within = order({ items: [[shoe, 1]], manualDiscount: { kind: 'percent', value: 5, reason: 'Loyal customer.' }, requestApproval: true });
        expect(await push('carl', within)).toEqual(['applied']);
        expect((await orderRow(within.orderId))!.status).toBe('placed');
      });

      it('waits for approval, shows to the team’s supervisor only, and is placed with a number when approved', async () => {
        const args = overLimit();
        expect(await push('carl', args)).toEqual(['applied']);
        expect(await orderRow(args.orderId)).toMatchObject({ status: 'awaiting_approval', approved_by: null });
        expect(await reservedOf(shoe)).toBe(0);
        expect(await count(sql`select count(*) as n from audit_log where action = 'discount_over_authority' and subject = ${args.orderId}`)).toBe(1);

        const listed = await approvals('sue');
        expect(listed.statusCode).toBe(200);
        const pending = pendingApproval.array().parse(listed.json().value.orders);
        expect(pending.map((p) => p.orderId)).toContain(args.orderId);
        const others = await approvals('otto');
        expect(pendingApproval.array().parse(others.json().value.orders).map((p) => p.orderId)).not.toContain(args.orderId);
        expect((await approvals('carl')).statusCode).toBe(403);

        expect((await decide('carl', args.orderId, { decision: 'approve', reason: 'ok' })).statusCode).toBe(403);
        const foreign = await decide('otto', args.orderId, { decision: 'approve', reason: 'ok' });
        expect(foreign.statusCode).toBe(403);
        expect(foreign.json().error.code).toBe('forbidden');

        const logged = () => count(sql`select count(*) as n from change_log where table_name = 'orders' and row_id = ${args.orderId}`);
        const loggedBefore = await logged();
        const pokesBefore = pokes;
        expect(await count(sql`select count(*) as n from webhook_events where key = ${`order.confirmed:${args.orderId}`}`)).toBe(0);
        const res = await decide('sue', args.orderId, { decision: 'approve', reason: 'Late delivery goodwill.' });
        expect(res.statusCode, res.body).toBe(200);
        // The decision pokes the live streams as it answers, so the CSR's workstation pulls it at once.
        expect(pokes).toBeGreaterThan(pokesBefore);
        expect(await logged()).toBeGreaterThan(loggedBefore);
        const summary = orderSummary.parse(res.json().value);
        expect(summary).toMatchObject({ orderId: args.orderId, status: 'placed', approverName: 'sue', totalCents: args.quoted.totalCents });
        expect(summary.number).toMatch(/^SB\d{8}$/);
        expect(await orderRow(args.orderId)).toMatchObject({ approved_by: ids.sue });
        expect(await reservedOf(shoe)).toBe(2);
        expect(await count(sql`select count(*) as n from audit_log where action = 'discount_approved' and subject = ${args.orderId}`)).toBe(1);
        // Placed on approval: confirmed to the webhooks (issue 23); waiting, it was not.
        expect(await count(sql`select count(*) as n from webhook_events where key = ${`order.confirmed:${args.orderId}`}`)).toBe(1);

        const again = await decide('sue', args.orderId, { decision: 'refuse', reason: 'Changed my mind.' });
        expect(again.statusCode).toBe(409);
        expect(again.json().error.code).toBe('conflict');
      });

      it('an approver whose own authority (a per-user limit overriding the role) does not cover it is refused and nothing changes', async () => {
        const args = overLimit();
        expect(await push('carl', args)).toEqual(['applied']);
        const limitId = randomUUID();
        await store.db.insert(discountLimits).values({ id: limitId, role: null, userId: ids.sue!, maxPercent: 15, maxAmountCents: 100_000, currency: 'USD' });
        try {
          const res = await decide('sue', args.orderId, { decision: 'approve', reason: 'ok' });
          expect(res.statusCode).toBe(403);
          expect(res.json().error.code).toBe('forbidden');
          expect(await orderRow(args.orderId)).toMatchObject({ status: 'awaiting_approval', approved_by: null });
          expect(await reservedOf(shoe)).toBe(0);
        } finally {
          await store.db.delete(discountLimits).where(sql`${discountLimits.id} = ${limitId}`);
        }
      });

      it('refused: cancelled with the supervisor’s reason, audited, nothing reserved', async () => {
        const args = overLimit();
        expect(await push('carl', args)).toEqual(['applied']);
        const res = await decide('sue', args.orderId, { decision: 'refuse', reason: 'Too generous.' });
        expect(res.statusCode, res.body).toBe(200);
        expect(orderSummary.parse(res.json().value)).toMatchObject({ status: 'cancelled', attentionReason: 'Discount refused by sue: Too generous.' });
        expect(await reservedOf(shoe)).toBe(0);
        expect(await count(sql`select count(*) as n from audit_log where action = 'discount_refused' and subject = ${args.orderId}`)).toBe(1);
      });

      it('an approval at the workstation counts only from a supervisor seen signing in there', async () => {
        const approval = { approverId: ids.sue!, approverName: 'sue', reason: 'Approved at the desk.', approvedAt: T0 };
        const refused = { ...overLimit(), approval };
        expect(await push('carl', refused)).toEqual(['rejected:forbidden']);
        expect(await count(sql`select count(*) as n from orders where id = ${refused.orderId}`)).toBe(0);
        // Sue signs in over Carl's session on his workstation: now her approval holds.
        deskTokens.carl = (await signIn(app, sue, desks.carl)).workstationToken!;
        const byCsr = { ...overLimit(), approval: { ...approval, approverId: ids.dana! } };
        const held = { ...overLimit(), approval };
        expect(await push('carl', byCsr, held)).toEqual(['rejected:forbidden', 'applied']);
        expect(await orderRow(held.orderId)).toMatchObject({ status: 'placed', approved_by: ids.sue });
        expect(await count(sql`select count(*) as n from audit_log where action = 'discount_approved' and subject = ${held.orderId}`)).toBe(1);
      });

      it('bad input on the routes is a typed 4xx and writes nothing', async () => {
        const waiting = overLimit();
        expect(await push('carl', waiting)).toEqual(['applied']);
        const state = async () => [
          await orderRow(waiting.orderId),
          await count(sql`select count(*) as n from audit_log`),
          await count(sql`select count(*) as n from orders where status <> 'awaiting_approval'`),
          await reservedOf(shoe),
        ];
        const before = await state();
        const onWaiting = [
          await decide('sue', waiting.orderId, { decision: 'approve' }),
          await decide('sue', waiting.orderId, { decision: 'approve', reason: '   ' }),
          await decide('sue', waiting.orderId, { decision: 'refuse', reason: 'Card 4111 1111 1111 1111' }),
          await decide('sue', waiting.orderId, { decision: 'approve', reason: 'x'.repeat(501) }),
          await decide('sue', waiting.orderId, {}),
          await decide('otto', waiting.orderId, { decision: 'approve', reason: 'Another team.' }),
          await decide('carl', waiting.orderId, { decision: 'approve', reason: 'My own order.' }),
        ];
        expect(onWaiting.map((r) => [r.statusCode, r.json().error.code])).toEqual([
          [400, 'invalid_input'],
          [400, 'invalid_input'],
          [400, 'invalid_input'],
          [400, 'invalid_input'],
          [400, 'invalid_input'],
          [403, 'forbidden'],
          [403, 'forbidden'],
        ]);
        expect(await state()).toEqual(before);
        const cases = [
          await decide('sue', 'not-a-uuid', { decision: 'approve', reason: 'x' }),
          await decide('sue', randomUUID(), { decision: 'approve', reason: 'bad \u0000 reason' }),
          await decide('sue', randomUUID(), { decision: 'maybe', reason: 'x' }),
          await decide('sue', randomUUID(), { decision: 'approve', reason: 'x' }),
        ];
        expect(cases.map((r) => [r.statusCode, r.json().error.code])).toEqual([
          [400, 'invalid_input'],
          [400, 'invalid_input'],
          [400, 'invalid_input'],
          [404, 'not_found'],
        ]);
        const q = await app.inject({ method: 'GET', url: '/orders/approvals?x=1', headers: { authorization: `Bearer ${sessions.sue}` } });
        expect(q.statusCode).toBe(400);
        const anonymous = await app.inject({ method: 'POST', url: `/orders/${waiting.orderId}/decision`, payload: { decision: 'approve', reason: 'x' } });
        expect(anonymous.statusCode).toBe(401);
        expect(await state()).toEqual(before);
      });
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
