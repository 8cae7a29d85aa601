import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { WritableDb } from '../../src-main/core/db/open';
import { seedCache } from '../../src-main/core/seed/cache-seeder';
import { WELL_KNOWN_SKUS } from '../../src-shared/seed/catalogue';
import { createHandlers } from '../../src-main/core/rpc/handlers';
import { dispatch } from '../../src-main/core/rpc/dispatch';
import { Outbox } from '../../src-main/core/outbox/outbox';
import { offerPresentOutput, offerRecord, offersStatsOutput } from '../../src-shared/contracts/suggestions';
import { upsellConversion } from '../../src-shared/domain/metrics';
import { snapshotCounts, tempCache, type TempCache } from '../helpers/cache';

const T0 = Date.UTC(2026, 2, 14, 9, 30);
let clock = T0;
let cache: TempCache;
let db: WritableDb;
let handlers: ReturnType<typeof createHandlers>;
const ids: Record<string, string> = {};

const call = (channel: string, input: unknown) => dispatch(handlers, channel, input);
const offers = () => db.$client.prepare('SELECT count(*) FROM offers').pluck().get() as number;
type Counts = Record<string, number> & { offers: number; outbox: number };
const counts = (): Counts => {
  const tables = snapshotCounts(db);
  return { ...tables, outbox: tables.outbox ?? 0, offers: offers() };
};
const outboxEntries = () => new Outbox(db).pending();
const startCall = (customerId: string | null) => {
  const id = randomUUID();
  db.$client
    .prepare(`INSERT INTO calls (id, customer_id, source, agent_id, status, started_at) VALUES (?, ?, 'manual', 'csr-ana', 'active', ?)`)
    .run(id, customerId, clock);
  return id;
};
const present = (input: Record<string, unknown>) =>
  call('offer:present', { customerId: ids.zoe, productId: ids.gaiter, kind: 'accessory', reason: 'Bought Trail Runner 2 in March 2026 → matching Trail Gaiter', ...input });

beforeAll(() => {
  cache = tempCache('switchboard-offers-');
  db = cache.db;
  seedCache(db, { customers: 40, seed: 3, now: T0 });
  const sku = (s: string) => db.$client.prepare('SELECT id FROM products WHERE sku = ?').pluck().get(s) as string;
  ids.zoe = db.$client.prepare(`SELECT id FROM customers WHERE first_name = 'Zoë'`).pluck().get() as string;
  ids.jose = db.$client.prepare(`SELECT id FROM customers WHERE first_name = 'José'`).pluck().get() as string;
  ids.gaiter = sku(WELL_KNOWN_SKUS.trailGaiter);
  ids.socks = sku(WELL_KNOWN_SKUS.merinoSocks);
  ids.batteries = sku(WELL_KNOWN_SKUS.aaaBatteries);
  handlers = createHandlers({ db, defaultRegion: 'GB', host: 'browser-host', version: 'test', agentId: 'csr-ana', now: () => clock });
});

afterAll(() => cache.cleanup());

beforeEach(() => {
  clock += 60_000;
});

describe('offer:present', () => {
  it('records the offer and its outbox entry, with the agent and time of the handler context', () => {
    const callId = startCall(ids.zoe!);
    const before = counts();
    const result = present({ callId });
    expect(result.ok).toBe(true);
    const value = offerPresentOutput.parse(result.ok ? result.value : null);
    expect(value).toMatchObject({
      alreadyPresented: false,
      offer: { customerId: ids.zoe, callId, productId: ids.gaiter, kind: 'accessory', outcome: 'presented', agentId: 'csr-ana', presentedAt: new Date(clock).toISOString(), decidedAt: null },
    });
    expect(counts()).toEqual({ ...before, offers: before.offers + 1, outbox: before.outbox + 1 });
    const row = db.$client.prepare('SELECT * FROM offers WHERE id = ?').get(value.offer.offerId);
    expect(row).toMatchObject({ customer_id: ids.zoe, call_id: callId, agent_id: 'csr-ana', outcome: 'presented', presented_at: clock, decided_at: null });
    expect(outboxEntries().at(-1)).toMatchObject({
      name: 'offer.present',
      createdAt: clock,
      args: { offerId: value.offer.offerId, customerId: ids.zoe, callId, productId: ids.gaiter, kind: 'accessory', agentId: 'csr-ana', presentedAt: clock },
    });
  });

  it('presenting the same product twice on one call records one offer', () => {
    const callId = startCall(ids.zoe!);
    const first = present({ callId });
    const before = counts();
    clock += 5_000;
    const again = present({ callId, reason: 'Shown again after a refresh' });
    expect(again).toMatchObject({ ok: true, value: { alreadyPresented: true } });
    expect(again.ok && first.ok && (again.value as { offer: { offerId: string } }).offer.offerId).toBe(first.ok && (first.value as { offer: { offerId: string } }).offer.offerId);
    expect(counts()).toEqual(before);
    // Another product on the same call is another offer.
    expect(present({ callId, productId: ids.socks, kind: 'complement' })).toMatchObject({ ok: true, value: { alreadyPresented: false } });
  });

  it('outside a call, reuses the undecided offer of the same product until it is answered', () => {
    const first = present({ customerId: ids.jose, callId: null });
    const again = present({ customerId: ids.jose });
    expect(again).toMatchObject({ ok: true, value: { alreadyPresented: true } });
    const offerId = first.ok ? (first.value as { offer: { offerId: string } }).offer.offerId : '';
    expect(call('offer:decide', { offerId, outcome: 'declined' }).ok).toBe(true);
    expect(present({ customerId: ids.jose })).toMatchObject({ ok: true, value: { alreadyPresented: false } });
  });

  it('rejects an unknown customer, product or call, and another customer’s call — writing nothing', () => {
    const othersCall = startCall(ids.jose!);
    const before = counts();
    const unknown = '00000000-0000-4000-8000-00000000beef';
    expect(present({ customerId: unknown })).toMatchObject({ ok: false, error: { code: 'not_found', field: 'customerId' } });
    expect(present({ productId: unknown })).toMatchObject({ ok: false, error: { code: 'not_found', field: 'productId' } });
    expect(present({ callId: unknown })).toMatchObject({ ok: false, error: { code: 'not_found', field: 'callId' } });
    expect(present({ callId: othersCall })).toMatchObject({ ok: false, error: { code: 'conflict', field: 'callId' } });
    expect(present({ kind: 'bundle' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'kind' } });
    expect(present({ reason: '   ' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'reason', message: 'The reason is required.' } });
    expect(present({ productId: 'TR-2041-BLK' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'productId' } });
    expect(counts()).toEqual(before);
  });

  it('writes the offer and its outbox entry together or not at all', () => {
    const callId = startCall(ids.zoe!);
    const before = counts();
    // The outbox refuses the entry (a full disk, say): the offer must not be saved without it.
    db.$client.exec(`CREATE TEMP TRIGGER outbox_refuses BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END;`);
    try {
      expect(present({ callId, productId: ids.batteries, kind: 'accessory' })).toMatchObject({ ok: false, error: { code: 'internal' } });
    } finally {
      db.$client.exec('DROP TRIGGER outbox_refuses');
    }
    expect(counts()).toEqual(before);
    expect(present({ callId, productId: ids.batteries, kind: 'accessory' })).toMatchObject({ ok: true, value: { alreadyPresented: false } });
  });

  it('uses the (call, product) unique index for the duplicate check', () => {
    const plan = db.$client
      .prepare(`EXPLAIN QUERY PLAN SELECT id FROM offers WHERE call_id = ? AND product_id = ?`)
      .all('c', 'p') as { detail: string }[];
    expect(plan.map((r) => r.detail).join(' ')).toContain('offers_call_product_uq');
    // And the database itself refuses a second row for the same call and product.
    const existing = db.$client.prepare(`SELECT * FROM offers WHERE call_id IS NOT NULL LIMIT 1`).get() as Record<string, unknown>;
    expect(() =>
      db.$client
        .prepare(`INSERT INTO offers (id, customer_id, call_id, agent_id, product_id, kind, reason, outcome, presented_at) VALUES (?, ?, ?, 'x', ?, 'accessory', 'r', 'presented', 0)`)
        .run(randomUUID(), existing.customer_id, existing.call_id, existing.product_id),
    ).toThrow(/UNIQUE/);
  });
});

describe('offer:decide', () => {
  const newOffer = (productId: string) => {
    const result = present({ callId: startCall(ids.zoe!), productId });
    if (!result.ok) throw new Error(result.error.message);
    return (result.value as { offer: { offerId: string } }).offer.offerId;
  };

  it('records the answer once, with its outbox entry', () => {
    const offerId = newOffer(ids.gaiter!);
    const before = counts();
    clock += 30_000;
    const result = call('offer:decide', { offerId, outcome: 'accepted' });
    expect(result.ok).toBe(true);
    expect(offerRecord.parse(result.ok ? result.value : null)).toMatchObject({ offerId, outcome: 'accepted', decidedAt: new Date(clock).toISOString() });
    expect(db.$client.prepare('SELECT outcome, decided_at FROM offers WHERE id = ?').get(offerId)).toEqual({ outcome: 'accepted', decided_at: clock });
    expect(counts()).toEqual({ ...before, outbox: before.outbox + 1 });
    expect(outboxEntries().at(-1)).toMatchObject({ name: 'offer.decide', args: { offerId, outcome: 'accepted', agentId: 'csr-ana', decidedAt: clock } });
  });

  it('refuses a second answer with a conflict that says what was recorded, and changes nothing', () => {
    const offerId = newOffer(ids.socks!);
    expect(call('offer:decide', { offerId, outcome: 'declined' }).ok).toBe(true);
    const before = counts();
    const row = db.$client.prepare('SELECT * FROM offers WHERE id = ?').get(offerId);
    clock += 10_000;
    for (const outcome of ['accepted', 'declined']) {
      const again = call('offer:decide', { offerId, outcome });
      expect(again).toMatchObject({ ok: false, error: { code: 'conflict', field: 'offerId' } });
      expect(again.ok ? '' : again.error.message).toMatch(/already marked declined on .+ UTC; a recorded answer cannot be changed/);
    }
    expect(counts()).toEqual(before);
    expect(db.$client.prepare('SELECT * FROM offers WHERE id = ?').get(offerId)).toEqual(row);
  });

  it('answers an unknown offer with not_found and bad input with invalid_input, changing nothing', () => {
    const before = counts();
    expect(call('offer:decide', { offerId: randomUUID(), outcome: 'accepted' })).toMatchObject({ ok: false, error: { code: 'not_found', field: 'offerId' } });
    expect(call('offer:decide', { offerId: randomUUID(), outcome: 'presented' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'outcome' } });
    expect(call('offer:decide', { offerId: 'offer-1', outcome: 'accepted' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'offerId' } });
    expect(counts()).toEqual(before);
  });

  it('rolls the answer back when its outbox entry cannot be written', () => {
    const offerId = newOffer(ids.batteries!);
    const before = counts();
    db.$client.exec(`CREATE TEMP TRIGGER outbox_refuses BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END;`);
    try {
      expect(call('offer:decide', { offerId, outcome: 'accepted' })).toMatchObject({ ok: false, error: { code: 'internal' } });
    } finally {
      db.$client.exec('DROP TRIGGER outbox_refuses');
    }
    expect(counts()).toEqual(before);
    expect(db.$client.prepare('SELECT outcome FROM offers WHERE id = ?').pluck().get(offerId)).toBe('presented');
  });
});

describe('upsell conversion', () => {
  it('is accepted ÷ presented, with undecided offers counted as presented', () => {
    expect(upsellConversion(0, 0)).toBeNull();
    expect(upsellConversion(1, 4)).toBe(0.25);
    expect(upsellConversion(3, 3)).toBe(1);
    expect(() => upsellConversion(5, 4)).toThrow(RangeError);
    expect(() => upsellConversion(-1, 4)).toThrow(RangeError);
  });

  it('offers:stats counts one call’s and one customer’s offers with that definition', () => {
    const customer = db.$client.prepare(`SELECT id FROM customers WHERE first_name NOT IN ('Zoë', 'José') LIMIT 1`).pluck().get() as string;
    const callId = startCall(customer);
    const products = db.$client.prepare('SELECT id FROM products ORDER BY rowid LIMIT 5 OFFSET 20').pluck().all() as string[];
    const offered = products.map((productId) => {
      const r = call('offer:present', { customerId: customer, callId, productId, kind: 'co_purchase', reason: 'Bought together' });
      if (!r.ok) throw new Error(r.error.message);
      return (r.value as { offer: { offerId: string } }).offer.offerId;
    });
    call('offer:decide', { offerId: offered[0], outcome: 'accepted' });
    call('offer:decide', { offerId: offered[1], outcome: 'accepted' });
    call('offer:decide', { offerId: offered[2], outcome: 'declined' });
    // A repeat presentation of an offered product on the call must not dilute the rate.
    call('offer:present', { customerId: customer, callId, productId: products[3], kind: 'co_purchase', reason: 'Again' });
    const byCall = call('offers:stats', { callId });
    expect(offersStatsOutput.parse(byCall.ok ? byCall.value : null)).toEqual({ presented: 5, accepted: 2, declined: 1, undecided: 2, conversion: 0.4, converted: 0, convertedRevenue: [] });
    // Two more offers to the same customer outside the call.
    call('offer:present', { customerId: customer, productId: products[4], kind: 'complement', reason: 'Outside the call' });
    const another = db.$client.prepare('SELECT id FROM products ORDER BY rowid LIMIT 1 OFFSET 40').pluck().get() as string;
    call('offer:present', { customerId: customer, productId: another, kind: 'complement', reason: 'Outside the call' });
    // 5 on the call + 2 outside it (the product already offered on the call is a new offer outside it).
    expect(call('offers:stats', { customerId: customer })).toEqual({ ok: true, value: { presented: 7, accepted: 2, declined: 1, undecided: 4, conversion: 2 / 7, converted: 0, convertedRevenue: [] } });
  });

  it('offers:stats needs exactly one of customer or call, and one that exists', () => {
    expect(call('offers:stats', {})).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(call('offers:stats', { customerId: ids.zoe, callId: randomUUID() })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(call('offers:stats', { callId: randomUUID() })).toMatchObject({ ok: false, error: { code: 'not_found', field: 'callId' } });
    const fresh = db.$client.prepare(`SELECT id FROM customers ORDER BY row_id DESC LIMIT 1`).pluck().get() as string;
    expect(call('offers:stats', { customerId: fresh })).toEqual({ ok: true, value: { presented: 0, accepted: 0, declined: 0, undecided: 0, conversion: null, converted: 0, convertedRevenue: [] } });
  });

  it('offers:stats counts an offer that ends in an ordered line as converted, with its revenue, once the order counts', () => {
    const customer = db.$client.prepare(`SELECT id FROM customers WHERE first_name NOT IN ('Zoë', 'José') ORDER BY row_id LIMIT 1 OFFSET 3`).pluck().get() as string;
    const currency = db.$client.prepare(`SELECT currency FROM customers WHERE id = ?`).pluck().get(customer) as string;
    const addressId = db.$client.prepare(`SELECT id FROM customer_addresses WHERE customer_id = ? LIMIT 1`).pluck().get(customer) as string;
    const products = db.$client
      .prepare(`SELECT p.id FROM products p JOIN product_prices pp ON pp.product_id = p.id AND pp.currency = ? WHERE p.status = 'active' ORDER BY p.rowid LIMIT 4 OFFSET 60`)
      .pluck()
      .all(currency) as string[];
    expect(products).toHaveLength(4);
    const callId = startCall(customer);
    const offerIds = products.slice(0, 3).map((productId) => {
      const r = call('offer:present', { customerId: customer, callId, productId, kind: 'co_purchase', reason: 'Bought together' });
      if (!r.ok) throw new Error(r.error.message);
      return (r.value as { offer: { offerId: string } }).offer.offerId;
    });
    call('offer:decide', { offerId: offerIds[0], outcome: 'accepted' });
    call('offer:decide', { offerId: offerIds[1], outcome: 'accepted' });
    call('offer:decide', { offerId: offerIds[2], outcome: 'declined' });
    const submit = (lines: { productId: string; quantity: number; offerId?: string }[]) => {
      const cart = {
        customerId: customer,
        lines: lines.map((l) => ({ ...l, source: l.offerId ? 'suggestion' : 'search' })),
        deliveryMethod: 'standard',
      };
      const quote = call('order:quote', cart);
      if (!quote.ok) throw new Error(quote.error.message);
      const orderId = randomUUID();
      const r = call('order:submit', { ...cart, orderId, callId, delivery: { addressId }, paymentMethod: 'invoice', quotedTotalCents: (quote.value as { totalCents: number }).totalCents });
      if (!r.ok) throw new Error(r.error.message);
      return orderId;
    };
    const setStatus = (orderId: string, status: string) => db.$client.prepare(`UPDATE orders SET status = ? WHERE id = ?`).run(status, orderId);
    const lineTotal = (orderId: string, offerId: string) =>
      db.$client.prepare(`SELECT total_cents FROM order_lines WHERE order_id = ? AND offer_id = ?`).pluck().get(orderId, offerId) as number;
    const stats = (input: object) => {
      const r = call('offers:stats', input);
      return offersStatsOutput.parse(r.ok ? r.value : null);
    };

    // The two accepted offers and a plain line: submitted, not yet confirmed by the store, so not converted yet.
    const first = submit([
      { productId: products[0]!, quantity: 2, offerId: offerIds[0]! },
      { productId: products[1]!, quantity: 1, offerId: offerIds[1]! },
      { productId: products[3]!, quantity: 1 },
    ]);
    expect(stats({ callId })).toMatchObject({ presented: 3, accepted: 2, declined: 1, conversion: 2 / 3, converted: 0, convertedRevenue: [] });
    for (const status of ['awaiting_approval', 'needs_attention', 'cancelled', 'returned']) {
      setStatus(first, status);
      expect(stats({ callId }), status).toMatchObject({ converted: 0, convertedRevenue: [] });
    }
    // Placed by the store (the pull brings the status): both offers converted, with their lines' revenue only.
    setStatus(first, 'placed');
    const revenue = lineTotal(first, offerIds[0]!) + lineTotal(first, offerIds[1]!);
    expect(revenue).toBeGreaterThan(0);
    expect(stats({ callId })).toEqual({ presented: 3, accepted: 2, declined: 1, undecided: 0, conversion: 2 / 3, converted: 2, convertedRevenue: [{ currency, totalCents: revenue }] });
    // The same offer ordered again: still one converted offer, its revenue added once the order counts.
    const second = submit([{ productId: products[0]!, quantity: 1, offerId: offerIds[0]! }]);
    expect(stats({ callId }).convertedRevenue).toEqual([{ currency, totalCents: revenue }]);
    setStatus(second, 'delivered');
    const more = lineTotal(second, offerIds[0]!);
    expect(stats({ callId })).toMatchObject({ converted: 2, convertedRevenue: [{ currency, totalCents: revenue + more }] });
    // The customer's figure has the same conversions (every offer of theirs here was made on this call).
    expect(stats({ customerId: customer })).toMatchObject({ converted: 2, convertedRevenue: [{ currency, totalCents: revenue + more }] });
  });
});
