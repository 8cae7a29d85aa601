import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plantCustomer, tempCache, type TempCache } from '../helpers/cache';
import { dumpWritable, outboxRows, testDesk, type TestDesk } from '../helpers/desk';
import type { CacheDb } from '../../src-main/core/db/open';
import type { OrderQuote, OrderSummary } from '../../src-shared/contracts/orders';
import { priceOrder } from '../../src-shared/domain/pricing';
import { provisionalOrderNumber } from '../../src-main/core/orders/order-desk';
import { PendingWrites } from '../../src-main/core/sync/pending-writes';

let cache: TempCache;
let desk: TestDesk;
let zoe: string;
let max: string;
let boots: string;
let socks: string;
let oldHat: string;
let zoeAddress: string;
let maxAddress: string;

const DAY = 86_400_000;

function product(db: CacheDb, p: { sku: string; name: string; gbp: number; taxClass?: string; status?: string; stock?: number; reserved?: number }): string {
  const id = randomUUID();
  db.$client
    .prepare(
      `INSERT INTO products (id, sku, name, brand, category, price_cents, currency, tax_class, status, stock, reserved) VALUES (?, ?, ?, 'Acme', 'misc', ?, 'GBP', ?, ?, ?, ?)`,
    )
    .run(id, p.sku, p.name, p.gbp, p.taxClass ?? 'standard', p.status ?? 'active', p.stock ?? 50, p.reserved ?? 0);
  db.$client.prepare(`INSERT INTO product_prices (product_id, currency, price_cents) VALUES (?, 'GBP', ?), (?, 'USD', ?)`).run(id, p.gbp, id, Math.round(p.gbp * 1.25));
  return id;
}

function addressOf(db: CacheDb, customerId: string): string {
  return db.$client.prepare(`SELECT id FROM customer_addresses WHERE customer_id = ?`).pluck().get(customerId) as string;
}

beforeEach(() => {
  cache = tempCache('switchboard-orders-');
  const db = cache.db;
  zoe = plantCustomer(db, { firstName: 'Zoë', lastName: 'Ångström', city: 'Leeds', country: 'GB' });
  max = plantCustomer(db, { firstName: 'Max', lastName: 'Müller', city: 'Bonn', country: 'DE' });
  db.$client.prepare(`UPDATE customers SET currency = 'GBP' WHERE id = ?`).run(zoe);
  zoeAddress = addressOf(db, zoe);
  maxAddress = addressOf(db, max);
  boots = product(db, { sku: 'BOOT-1', name: 'Trail boots', gbp: 8999, stock: 10, reserved: 8 });
  socks = product(db, { sku: 'SOCK-1', name: 'Wool socks', gbp: 1250, taxClass: 'reduced' });
  oldHat = product(db, { sku: 'HAT-0', name: 'Old hat', gbp: 1500, status: 'discontinued' });
  const now = Date.UTC(2026, 2, 10, 9, 0, 0);
  db.$client
    .prepare(
      `INSERT INTO campaigns (id, code, family, name, channel, rule, value, currency, min_order_cents, starts_at, ends_at, active) VALUES
       (?, 'SPRING10', 'SPRING-2026', 'Spring 10%', 'offline', 'percent', 10, NULL, 0, ?, NULL, 1),
       (?, 'WINTER5', 'WINTER-2025', 'Winter 5%', 'both', 'percent', 5, NULL, 0, ?, ?, 1),
       (?, 'WEB15', 'SPRING-2026', 'Spring web', 'online', 'percent', 15, NULL, 0, ?, NULL, 1)`,
    )
    .run(randomUUID(), now - 10 * DAY, randomUUID(), now - 100 * DAY, now - DAY, randomUUID(), now - 10 * DAY);
  db.$client
    .prepare(`INSERT INTO discount_limits (id, role, user_id, max_percent, max_amount_cents, currency) VALUES (?, 'csr', NULL, 10, 2000, 'GBP')`)
    .run(randomUUID());
  desk = testDesk(db, { agentId: 'csr', agentRole: 'csr', start: now });
});
afterEach(() => cache.cleanup());

const draft = (over: Record<string, unknown> = {}) => ({
  customerId: zoe,
  lines: [
    { productId: boots, quantity: 1, source: 'search' },
    { productId: socks, quantity: 3, source: 'reorder' },
  ],
  campaignCode: 'spring 10',
  deliveryMethod: 'standard',
  manualDiscount: null,
  ...over,
});

function submitInput(over: Record<string, unknown> = {}) {
  const quote = desk.ok<OrderQuote>('order:quote', draft(over));
  return {
    ...draft(over),
    orderId: randomUUID(),
    delivery: { addressId: zoeAddress },
    paymentMethod: 'pay_link',
    heardFrom: 'radio',
    note: 'Leave at the back door.',
    quotedTotalCents: quote.totalCents,
    ...over,
  };
}

describe('order:quote', () => {
  it('prices the cart from the cache with the shared pricing module, in the customer’s currency', () => {
    const quote = desk.ok<OrderQuote>('order:quote', draft({ manualDiscount: { kind: 'percent', value: 5, reason: 'Loyal customer' } }));
    const expected = priceOrder({
      currency: 'GBP',
      lines: [
        { key: '0', unitPriceCents: 8999, quantity: 1, taxClass: 'standard' },
        { key: '1', unitPriceCents: 1250, quantity: 3, taxClass: 'reduced' },
      ],
      campaign: { rule: 'percent', value: 10, currency: null, minOrderCents: 0 },
      manualDiscount: { kind: 'percent', value: 5 },
      deliveryMethod: 'standard',
    });
    expect(quote).toMatchObject({
      currency: 'GBP',
      subtotalCents: expected.subtotalCents,
      discountCents: expected.discountCents,
      taxCents: expected.taxCents,
      shippingCents: expected.shippingCents,
      totalCents: expected.totalCents,
      campaign: { ok: true, code: 'SPRING10' },
      authority: { needsApproval: false, maxPercent: 10, maxAmountCents: 2000 },
    });
    expect(quote.lines.map((l) => l.totalCents)).toEqual(expected.lines.map((l) => l.totalCents));
    // Only 2 boots free at the last sync (10 on hand, 8 reserved): one is fine, three are warned about.
    expect(quote.lines[0]).toMatchObject({ available: 2, problem: null });
    const three = desk.ok<OrderQuote>('order:quote', draft({ lines: [{ productId: boots, quantity: 3, source: 'search' }] }));
    expect(three.lines[0]?.problem).toMatch(/Only 2 of Trail boots available/);
    expect(desk.ok<OrderQuote>('order:quote', draft({ currency: 'USD' })).currency).toBe('USD');
  });

  it('says why a line or a code cannot be used, and when a discount needs a supervisor', () => {
    const quote = desk.ok<OrderQuote>(
      'order:quote',
      draft({
        lines: [
          { productId: oldHat, quantity: 1, source: 'reorder' },
          { productId: randomUUID(), quantity: 1, source: 'search' },
          { productId: socks, quantity: 2, source: 'search' },
        ],
        campaignCode: 'WINTER5',
        manualDiscount: { kind: 'percent', value: 30, reason: 'Complaint goodwill' },
      }),
    );
    expect(quote.lines[0]?.problem).toMatch(/discontinued/);
    expect(quote.lines[1]?.problem).toMatch(/not in the catalogue/);
    expect(quote.subtotalCents).toBe(2500);
    expect(quote.campaign).toMatchObject({ ok: false, reason: expect.stringMatching(/expired/) });
    expect(quote.authority).toMatchObject({ needsApproval: true, reason: expect.stringMatching(/beyond your authority of 10%/) });
    expect(desk.ok<OrderQuote>('order:quote', draft({ campaignCode: 'WEB15' })).campaign).toMatchObject({ ok: false, reason: expect.stringMatching(/web shop only/) });
  });
});

describe('order:submit', () => {
  it('writes the order, its lines and one outbox entry together; it shows in past purchases and the timeline, not in spending', () => {
    const input = submitInput();
    const before = outboxRows(cache.db).length;
    const summary = desk.ok<OrderSummary>('order:submit', input);
    expect(summary).toMatchObject({ orderId: input.orderId, number: provisionalOrderNumber(input.orderId), status: 'submitted', currency: 'GBP', totalCents: input.quotedTotalCents });
    expect(summary.number).toMatch(/^P-[0-9A-F]{32}$/);
    const order = cache.db.$client.prepare(`SELECT * FROM orders WHERE id = ?`).get(input.orderId) as Record<string, unknown>;
    expect(order).toMatchObject({ channel: 'phone', status: 'submitted', campaign_code: 'SPRING10', heard_from: 'radio', agent_id: 'csr', delivery_address_id: zoeAddress, delivery_address: '1 Main St, Leeds, GB', placed_at: desk.clock.now });
    const lines = cache.db.$client.prepare(`SELECT product_id, quantity, line_source, tax_class, discount_cents, tax_cents, total_cents FROM order_lines WHERE order_id = ? ORDER BY line_no`).all(input.orderId) as Record<string, number>[];
    expect(lines).toHaveLength(2);
    expect(lines.reduce((s, l) => s + (l.total_cents ?? 0), 0) + (order.shipping_cents as number)).toBe(summary.totalCents);
    const entries = outboxRows(cache.db).slice(before);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ name: 'order.submit', args: { orderId: input.orderId, currency: 'GBP', campaignCode: 'SPRING10', quoted: { totalCents: summary.totalCents }, approval: null } });

    type Totals = { orderCount: number; countedOrderCount: number; byCurrency: { currency: string; totalCents: number }[] };
    const purchases = desk.ok<{ orders: { id: string; status: string }[]; totals: Totals }>('customer:purchases', { customerId: zoe });
    expect(purchases.orders.find((o) => o.id === input.orderId)).toMatchObject({ status: 'submitted' });
    // Listed, not counted: the store has not confirmed it yet.
    expect(purchases.totals).toMatchObject({ orderCount: 1, countedOrderCount: 0 });
    expect(purchases.totals.byCurrency.reduce((s, c) => s + c.totalCents, 0)).toBe(0);
    const timeline = desk.ok<{ entries: { kind: string; id: string; status?: string }[] }>('customer:timeline', { customerId: zoe });
    expect(timeline.entries.find((i) => i.id === input.orderId)).toMatchObject({ kind: 'order', status: 'submitted', number: summary.number });
    // The store confirms it (the pull replaces the row): it counts from then on.
    cache.db.$client.prepare(`UPDATE orders SET status = 'placed', number = 'SB00000042' WHERE id = ?`).run(input.orderId);
    const confirmed = desk.ok<{ totals: Totals }>('customer:purchases', { customerId: zoe });
    expect(confirmed.totals).toMatchObject({ orderCount: 1, countedOrderCount: 1 });
    expect(confirmed.totals.byCurrency.reduce((s, c) => s + c.totalCents, 0)).toBe(summary.totalCents);
    expect(desk.ok<OrderSummary>('order:status', { orderId: input.orderId })).toMatchObject({ status: 'placed', number: 'SB00000042' });
    expect(desk.ok<{ orders: { id: string; attentionReason: string | null }[] }>('customer:purchases', { customerId: zoe }).orders.find((o) => o.id === input.orderId)?.attentionReason).toBeNull();
    // Or the store could not confirm it as taken: past purchases say why.
    cache.db.$client.prepare(`UPDATE orders SET status = 'needs_attention', attention_reason = 'Out of stock: BT-1 (0 available)' WHERE id = ?`).run(input.orderId);
    expect(desk.ok<{ orders: { id: string; status: string; attentionReason: string | null }[] }>('customer:purchases', { customerId: zoe }).orders.find((o) => o.id === input.orderId)).toMatchObject({
      status: 'needs_attention',
      attentionReason: 'Out of stock: BT-1 (0 available)',
    });
    cache.db.$client.prepare(`UPDATE orders SET status = 'submitted', number = ?, attention_reason = NULL WHERE id = ?`).run(summary.number, input.orderId);
    expect(desk.ok<OrderSummary>('order:status', { orderId: input.orderId })).toEqual(summary);
  });

  it('protects the order, its lines and its new address from pulled pages until the store has the entry', () => {
    const input = { ...submitInput(), delivery: { address: { line1: '7 Canal Walk', city: 'York', country: 'GB' } } };
    desk.ok<OrderSummary>('order:submit', input);
    const pending = PendingWrites.load(cache.db.$client);
    const lineIds = cache.db.$client.prepare(`SELECT id FROM order_lines WHERE order_id = ?`).pluck().all(input.orderId) as string[];
    const addressId = cache.db.$client.prepare(`SELECT delivery_address_id FROM orders WHERE id = ?`).pluck().get(input.orderId) as string;
    expect(pending.isRowProtected('orders', input.orderId)).toBe(true);
    expect(lineIds).toHaveLength(2);
    for (const id of lineIds) expect(pending.isRowProtected('order_lines', id)).toBe(true);
    expect(pending.isRowProtected('customer_addresses', addressId)).toBe(true);
    // Once the store has it (the entry leaves the outbox), its version may replace the local row.
    cache.db.$client.prepare(`DELETE FROM outbox`).run();
    expect(PendingWrites.load(cache.db.$client).isRowProtected('orders', input.orderId)).toBe(false);
  });

  it('is idempotent: the same order again returns it, other content under its id is a conflict', () => {
    const input = submitInput();
    const first = desk.ok<OrderSummary>('order:submit', input);
    const count = () => cache.db.$client.prepare(`SELECT count(*) FROM orders WHERE id = ?`).pluck().get(input.orderId);
    desk.clock.advance(60_000);
    expect(desk.ok<OrderSummary>('order:submit', input)).toEqual(first);
    expect(count()).toBe(1);
    expect(outboxRows(cache.db).filter((e) => e.name === 'order.submit')).toHaveLength(1);
    const before = dumpWritable(cache.db);
    expect(desk.call('order:submit', { ...input, lines: [{ productId: socks, quantity: 9, source: 'search' }] })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(dumpWritable(cache.db)).toEqual(before);
  });

  it('saves a discount beyond authority sent to the supervisors as awaiting approval, never as submitted', () => {
    const input = { ...submitInput({ manualDiscount: { kind: 'percent', value: 30, reason: 'Goodwill after a late delivery' } }), requestApproval: true };
    const summary = desk.ok<OrderSummary>('order:submit', input);
    expect(summary.status).toBe('awaiting_approval');
    expect(cache.db.$client.prepare(`SELECT status, manual_discount_cents > 0 AS discounted, approved_by FROM orders WHERE id = ?`).get(input.orderId)).toEqual({
      status: 'awaiting_approval',
      discounted: 1,
      approved_by: null,
    });
    expect(outboxRows(cache.db).at(-1)).toMatchObject({ name: 'order.submit', args: { approval: null, requestApproval: true, manualDiscount: { kind: 'percent', value: 30 } } });
  });

  it('refuses a discount beyond authority neither approved nor sent to the supervisors (a forced call): forbidden, the limit named, nothing written', () => {
    const audits = () => cache.db.$client.prepare(`SELECT count(*) FROM pending_audit`).pluck().get();
    for (const manualDiscount of [
      { kind: 'percent', value: 30, reason: 'Goodwill after a late delivery' },
      // 15.00 off (89.99 + 3 × 12.50) less the campaign's 10 %: about 13 % of the order, beyond 10 % though within the 20.00 cap.
      { kind: 'amount', value: 1500, reason: 'Goodwill after a late delivery' },
    ]) {
      for (const requestApproval of [undefined, false]) {
        const input = { ...submitInput({ manualDiscount }), ...(requestApproval === undefined ? {} : { requestApproval }) };
        const before = dumpWritable(cache.db);
        const [outbox, audit] = [outboxRows(cache.db).length, audits()];
        const r = desk.call('order:submit', input);
        expect(r, JSON.stringify(manualDiscount)).toMatchObject({ ok: false, error: { code: 'forbidden', field: 'manualDiscount', message: expect.stringMatching(/beyond your authority \(10% or 20\.00 GBP per order\)/) } });
        expect(dumpWritable(cache.db)).toEqual(before);
        expect([outboxRows(cache.db).length, audits()]).toEqual([outbox, audit]);
        expect(cache.db.$client.prepare(`SELECT count(*) FROM orders WHERE id = ?`).pluck().get(input.orderId)).toBe(0);
      }
    }
    // Within authority the flag changes nothing: submitted, not sent for approval.
    const within = { ...submitInput({ manualDiscount: { kind: 'percent', value: 5, reason: 'Loyal customer' } }), requestApproval: true };
    expect(desk.ok<OrderSummary>('order:submit', within).status).toBe('submitted');
    expect(desk.ok<OrderSummary>('order:submit', { ...submitInput({ manualDiscount: { kind: 'percent', value: 5, reason: 'Loyal customer' } }), requestApproval: false }).status).toBe('submitted');
  });

  it('adds a new delivery address to the profile with its contact-edit row', () => {
    const input = submitInput();
    const withNew = { ...input, delivery: { address: { line1: '7 Canal Walk', line2: '', city: 'York', region: '', postalCode: 'YO1 7HH', country: 'GB' } } };
    desk.ok<OrderSummary>('order:submit', withNew);
    const order = cache.db.$client.prepare(`SELECT delivery_address_id AS id, delivery_address AS text FROM orders WHERE id = ?`).get(input.orderId) as { id: string; text: string };
    expect(order.text).toBe('7 Canal Walk, York, YO1 7HH, GB');
    expect(cache.db.$client.prepare(`SELECT customer_id, is_primary FROM customer_addresses WHERE id = ?`).get(order.id)).toEqual({ customer_id: zoe, is_primary: 0 });
    expect(cache.db.$client.prepare(`SELECT field, new_value FROM contact_edits WHERE customer_id = ?`).all(zoe)).toEqual([{ field: 'delivery_address', new_value: order.text }]);
    const entry = outboxRows(cache.db).at(-1);
    expect(entry?.args.delivery).toMatchObject({ address: { id: order.id, line1: '7 Canal Walk' } });
    expect(desk.ok<{ edits: { field: string }[] }>('customer:edit-history', { customerId: zoe }).edits[0]).toMatchObject({ field: 'delivery_address' });
  });

  it('refuses bad input with a typed error and writes nothing', () => {
    const good = submitInput();
    const offerOfMax = randomUUID();
    cache.db.$client
      .prepare(`INSERT INTO offers (id, customer_id, agent_id, product_id, kind, reason, outcome, presented_at) VALUES (?, ?, 'csr', ?, 'complement', 'x', 'accepted', ?)`)
      .run(offerOfMax, max, socks, desk.clock.now);
    const cases: [Record<string, unknown>, string, string | RegExp][] = [
      [{ lines: [{ productId: socks, quantity: -1, source: 'search' }] }, 'invalid_input', 'lines.0.quantity'],
      [{ lines: [{ productId: socks, quantity: 0, source: 'search' }] }, 'invalid_input', 'lines.0.quantity'],
      [{ lines: [{ productId: socks, quantity: 1_000_000, source: 'search' }] }, 'invalid_input', 'lines.0.quantity'],
      [{ lines: [{ productId: socks, quantity: 1.5, source: 'search' }] }, 'invalid_input', 'lines.0.quantity'],
      [{ lines: [] }, 'invalid_input', 'lines'],
      [{ lines: [{ productId: randomUUID(), quantity: 1, source: 'search' }] }, 'invalid_input', 'lines.0.productId'],
      [{ lines: [{ productId: oldHat, quantity: 1, source: 'reorder' }] }, 'invalid_input', 'lines.0.productId'],
      [{ lines: [{ productId: socks, quantity: 1, source: 'suggestion', offerId: offerOfMax }] }, 'invalid_input', 'lines.0.offerId'],
      [{ lines: Array.from({ length: 51 }, () => ({ productId: socks, quantity: 1, source: 'search' })) }, 'invalid_input', 'lines'],
      [{ lines: [{ productId: socks, quantity: 1, source: 'suggestion', offerId: randomUUID() }] }, 'invalid_input', 'lines.0.offerId'],
      [{ lines: [{ productId: socks, quantity: 1, source: 'mystery' }] }, 'invalid_input', 'lines.0.source'],
      [{ manualDiscount: { kind: 'percent', value: 150, reason: 'Typing slip' } }, 'invalid_input', 'manualDiscount.value'],
      [{ delivery: { addressId: randomUUID() } }, 'invalid_input', 'delivery.addressId'],
      [{ delivery: { address: { line1: '1 Card St', city: 'York', country: 'ZZ' } } }, 'invalid_input', 'delivery.address.country'],
      [{ delivery: { addressId: maxAddress } }, 'invalid_input', 'delivery.addressId'],
      [{ campaignCode: 'WINTER5' }, 'invalid_input', 'campaignCode'],
      [{ campaignCode: 'NOSUCH' }, 'invalid_input', 'campaignCode'],
      [{ heardFrom: 'carrier-pigeon' }, 'invalid_input', 'heardFrom'],
      [{ note: 'Card 4111 1111 1111 1111 exp 12/29' }, 'invalid_input', 'note'],
      [{ manualDiscount: { kind: 'amount', value: 500, reason: 'card 4111-1111-1111-1111' } }, 'invalid_input', 'manualDiscount.reason'],
      [{ quotedTotalCents: good.quotedTotalCents + 1 }, 'conflict', 'quotedTotalCents'],
      [{ customerId: randomUUID() }, 'not_found', 'customerId'],
      [{ paymentMethod: 'card_number' }, 'invalid_input', 'paymentMethod'],
    ];
    for (const [over, code, field] of cases) {
      const before = dumpWritable(cache.db);
      const r = desk.call('order:submit', { ...good, orderId: randomUUID(), ...over });
      expect(r, JSON.stringify(over)).toMatchObject({ ok: false, error: { code, field } });
      expect(dumpWritable(cache.db)).toEqual(before);
    }
    const card = desk.call('order:submit', { ...good, note: '4111 1111 1111 1111' });
    expect(card).toMatchObject({ ok: false, error: { message: expect.stringMatching(/PCI DSS/) } });
    // Quotes refuse impossible carts the same way, and a quote writes nothing, refused or not.
    const beforeQuotes = dumpWritable(cache.db);
    const quoteCases: [Record<string, unknown>, string, string][] = [
      [{ lines: [{ productId: socks, quantity: -2, source: 'search' }] }, 'invalid_input', 'lines.0.quantity'],
      [{ lines: [{ productId: socks, quantity: 0, source: 'search' }] }, 'invalid_input', 'lines.0.quantity'],
      [{ lines: [{ productId: socks, quantity: 2.5, source: 'search' }] }, 'invalid_input', 'lines.0.quantity'],
      [{ lines: [{ productId: socks, quantity: Number.MAX_SAFE_INTEGER, source: 'search' }] }, 'invalid_input', 'lines.0.quantity'],
      [{ lines: Array.from({ length: 51 }, () => ({ productId: socks, quantity: 1, source: 'search' })) }, 'invalid_input', 'lines'],
      [{ lines: [{ productId: 'not-a-product', quantity: 1, source: 'search' }] }, 'invalid_input', 'lines.0.productId'],
      [{ customerId: randomUUID() }, 'not_found', 'customerId'],
      [{ currency: 'JPY' }, 'invalid_input', 'currency'],
      [{ deliveryMethod: 'teleport' }, 'invalid_input', 'deliveryMethod'],
      [{ campaignCode: 'X'.repeat(41) }, 'invalid_input', 'campaignCode'],
      [{ manualDiscount: { kind: 'percent', value: 150, reason: 'Typing slip' } }, 'invalid_input', 'manualDiscount.value'],
      [{ manualDiscount: { kind: 'amount', value: -5, reason: 'Negative' } }, 'invalid_input', 'manualDiscount.value'],
      [{ manualDiscount: { kind: 'amount', value: 500, reason: '' } }, 'invalid_input', 'manualDiscount.reason'],
    ];
    for (const [over, code, field] of quoteCases) {
      expect(desk.call('order:quote', draft(over)), JSON.stringify(over).slice(0, 200)).toMatchObject({ ok: false, error: { code, field } });
    }
    // Unknown and discontinued products, an expired or unknown code, a discount beyond authority: a quote says why, in its lines and fields.
    const told = desk.ok<OrderQuote>(
      'order:quote',
      draft({ lines: [{ productId: randomUUID(), quantity: 1, source: 'search' }, { productId: oldHat, quantity: 1, source: 'search' }], campaignCode: 'NOSUCH', manualDiscount: { kind: 'percent', value: 30, reason: 'x' } }),
    );
    expect([told.lines.map((l) => l.problem !== null), told.campaign?.ok, told.authority.needsApproval]).toEqual([[true, true], false, true]);
    expect(dumpWritable(cache.db)).toEqual(beforeQuotes);
    expect(desk.call('order:status', { orderId: 'nope' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(desk.call('order:status', {})).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(desk.call('order:status', { orderId: randomUUID() })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(desk.call('order:options', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    // And the good one still goes through.
    expect(desk.ok<OrderSummary>('order:submit', good).status).toBe('submitted');
  });

  it('counts an accepted offer of this customer on its line', () => {
    const offer = randomUUID();
    cache.db.$client
      .prepare(`INSERT INTO offers (id, customer_id, agent_id, product_id, kind, reason, outcome, presented_at) VALUES (?, ?, 'csr', ?, 'complement', 'x', 'accepted', ?)`)
      .run(offer, zoe, socks, desk.clock.now);
    const input = submitInput({ lines: [{ productId: socks, quantity: 2, source: 'suggestion', offerId: offer }] });
    desk.ok('order:submit', input);
    expect(cache.db.$client.prepare(`SELECT offer_id FROM order_lines WHERE order_id = ?`).pluck().get(input.orderId)).toBe(offer);
  });
});

describe('order:options', () => {
  it('lists the active order sources and the selling currencies, with the workstation’s default', () => {
    cache.db.$client.prepare(`UPDATE order_sources SET active = 0 WHERE code = 'radio'`).run();
    const options = desk.ok<{ sources: { code: string }[]; currencies: string[]; defaultCurrency: string }>('order:options', {});
    expect(options.sources.map((s) => s.code)).not.toContain('radio');
    expect(options.sources.map((s) => s.code)).toContain('catalogue');
    expect(options).toMatchObject({ currencies: ['USD', 'EUR', 'GBP', 'SEK'], defaultCurrency: 'GBP' });
    expect(desk.call('order:submit', { ...submitInput(), heardFrom: 'radio' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'heardFrom' } });
  });
});
