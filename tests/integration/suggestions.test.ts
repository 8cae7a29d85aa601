import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WritableDb } from '../../src-main/core/db/open';
import { seedCache } from '../../src-main/core/seed/cache-seeder';
import { WELL_KNOWN_SKUS } from '../../src-shared/seed/catalogue';
import { CoPurchaseMiner } from '../../src-main/core/suggestions/co-purchase-miner';
import { MAX_ORDERS, SuggestionEngine, replenishmentOf } from '../../src-main/core/suggestions/suggestion-engine';
import { OfferLog } from '../../src-main/core/offers/offer-log';
import { createHandlers } from '../../src-main/core/rpc/handlers';
import { dispatch } from '../../src-main/core/rpc/dispatch';
import { suggestionsListOutput, type Suggestion } from '../../src-shared/contracts/suggestions';
import { AppError } from '../../src-shared/result';
import { plantCustomer, plantOrder, plantProduct, tempCache, type TempCache } from '../helpers/cache';

const DAY = 86_400_000;
/** "Today" for the seed and for every suggestion asked. */
const NOW = Date.UTC(2026, 3, 1, 12);

let cache: TempCache;
let db: WritableDb;
let engine: SuggestionEngine;
let orderNo = 60_000_000;
const order = (customerId: string, productIds: string[], placedAt: number) =>
  plantOrder(db, { customerId, number: `SB${orderNo++}`, placedAt, productIds });
const productBySku = (sku: string) => db.$client.prepare('SELECT id FROM products WHERE sku = ?').pluck().get(sku) as string;
const makeConsumable = (id: string, replenishDays: number) =>
  db.$client.prepare('UPDATE products SET is_consumable = 1, replenish_days = ? WHERE id = ?').run(replenishDays, id);
const relate = (from: string, to: string, kind: 'accessory' | 'complement') =>
  db.$client.prepare('INSERT INTO product_relations (product_id, related_product_id, kind) VALUES (?, ?, ?)').run(from, to, kind);

const planted: Record<string, string> = {};

beforeAll(() => {
  cache = tempCache('switchboard-suggest-');
  db = cache.db;
  seedCache(db, { customers: 400, seed: 11, now: NOW });

  // A co-purchase pattern against the seeded background: 200 orders of the machine with the
  // descaler, 60 of the machine alone, 40 of the descaler alone.
  planted.machine = plantProduct(db, { sku: 'EM-9000-X', name: 'Espresso Machine X', category: 'coffee-machines' });
  planted.descaler = plantProduct(db, { sku: 'DS-0100', name: 'Descaler', category: 'coffee-care' });
  for (let i = 0; i < 300; i++) {
    const buyer = plantCustomer(db, { marketingConsent: true, firstName: 'Buyer', lastName: `No${i}` });
    const basket = i < 200 ? [planted.machine, planted.descaler] : i < 260 ? [planted.machine] : [planted.descaler];
    order(buyer, basket, NOW - (30 + (i % 300)) * DAY);
  }
  // Who owns the machine (bought last week) and a pair of Trail Runners (a year ago, with curated accessories).
  planted.machineOwner = plantCustomer(db, { marketingConsent: true, firstName: 'Machine', lastName: 'Owner' });
  order(planted.machineOwner, [planted.machine], NOW - 7 * DAY);
  order(planted.machineOwner, [productBySku(WELL_KNOWN_SKUS.trailRunner2)], NOW - 365 * DAY);

  // Consumables: beans bought every ~30 days (due), filters once 20 days ago (not due), socks once 200 days ago (due by the usual 180).
  planted.brewer = plantProduct(db, { sku: 'BR-0001', name: 'Pour-Over Brewer' });
  planted.beans = plantProduct(db, { sku: 'CB-0001-1KG', name: 'Coffee Beans 1 kg' });
  planted.filters = plantProduct(db, { sku: 'CF-0001', name: 'Paper Filters' });
  planted.socks = plantProduct(db, { sku: 'SK-0001', name: 'Wool Socks' });
  planted.mug = plantProduct(db, { sku: 'MG-0001', name: 'Enamel Mug' });
  makeConsumable(planted.beans, 30);
  makeConsumable(planted.filters, 60);
  makeConsumable(planted.socks, 180);
  relate(planted.brewer, planted.beans, 'complement');
  relate(planted.brewer, planted.filters, 'accessory');
  relate(planted.brewer, planted.mug, 'complement');
  planted.regular = plantCustomer(db, { marketingConsent: true, firstName: 'Regular', lastName: 'Buyer' });
  order(planted.regular, [planted.brewer, planted.beans], NOW - 124 * DAY);
  order(planted.regular, [planted.beans], NOW - 94 * DAY);
  order(planted.regular, [planted.beans], NOW - 64 * DAY);
  order(planted.regular, [planted.beans], NOW - 34 * DAY);
  order(planted.regular, [planted.filters], NOW - 20 * DAY);
  order(planted.regular, [planted.socks], NOW - 200 * DAY);

  // Bought beans once and sent them back: not theirs, nothing to replenish.
  planted.returner = plantCustomer(db, { marketingConsent: true, firstName: 'Sent', lastName: 'Back' });
  const returned = order(planted.returner, [planted.beans], NOW - 90 * DAY);
  db.$client.prepare(`UPDATE orders SET status = 'returned' WHERE id = ?`).run(returned);

  // More orders than the engine reads: the mug was bought in the oldest, before 500 newer ones.
  planted.collector = plantCustomer(db, { marketingConsent: true, firstName: 'Many', lastName: 'Orders' });
  order(planted.collector, [planted.mug], NOW - 2000 * DAY);
  for (let i = 0; i < MAX_ORDERS; i++) order(planted.collector, [planted.filters], NOW - (1900 - i) * DAY);
  order(planted.collector, [planted.brewer], NOW - 5 * DAY);

  new CoPurchaseMiner(db, { minSupport: 5, now: () => NOW }).runSync();
  // Upsell needs marketing consent (offer-rules.ts): the tests below are about ranking, so every
  // seeded customer agrees; the consent rule has its own tests.
  db.$client.prepare('UPDATE customers SET marketing_consent = 1').run();
  engine = new SuggestionEngine(db);
});

afterAll(() => cache.cleanup());

const suggest = (customerId: string, limit = 20) => engine.suggest(customerId, { now: NOW, limit });

describe('suggestions', () => {
  it('ranks a strong co-purchase pattern first for a customer who owns the product, with its reason in words', () => {
    const list = suggest(planted.machineOwner!);
    expect(list[0]).toMatchObject({ productId: planted.descaler, kind: 'co_purchase', basedOn: { productId: planted.machine, sku: 'EM-9000-X' } });
    // 200 of the 260 machine orders held the descaler (77%); the descaler is in 240 of all orders.
    expect(list[0]!.reason).toMatch(/^Customers who bought Espresso Machine X also bought Descaler \(77% of them, [\d.]+× more than usual\)$/);
    // The older Trail Runner still brings its curated accessories, ranked below.
    const gaiter = list.find((s) => s.sku === WELL_KNOWN_SKUS.trailGaiter);
    expect(gaiter).toMatchObject({ kind: 'accessory' });
    expect(gaiter!.reason).toBe(`Bought Trail Runner 2 (Black) in April 2025 → matching Trail Gaiter (Black)`);
    expect(gaiter!.score).toBeLessThan(list[0]!.score);
  });

  it('suggests a consumable again only when it is due, by the customer’s own interval or the product’s usual one', () => {
    const list = suggest(planted.regular!);
    const beans = list.find((s) => s.productId === planted.beans);
    expect(beans).toMatchObject({ kind: 'replenishment', reason: 'Buys Coffee Beans 1 kg about every 30 days; last bought 34 days ago' });
    expect(beans!.basedOn).toMatchObject({ productId: planted.beans, purchasedAt: new Date(NOW - 34 * DAY).toISOString() });
    const socks = list.find((s) => s.productId === planted.socks);
    expect(socks).toMatchObject({ kind: 'replenishment', reason: 'Bought Wool Socks 200 days ago; it usually lasts about 180 days' });
    // Filters: bought 20 days ago, they last about 60: not due — and, being owned, not offered as the brewer's accessory either.
    expect(list.some((s) => s.productId === planted.filters)).toBe(false);
    // The mug is the brewer's complement and not owned: offered, with the brewer as its reason.
    expect(list.find((s) => s.productId === planted.mug)).toMatchObject({ kind: 'complement', basedOn: { productId: planted.brewer } });
    // A habit (4 purchases) outranks a single purchase's usual interval.
    expect(beans!.score).toBeGreaterThan(socks!.score);
  });

  it('does not offer to replenish what was returned', () => {
    expect(suggest(planted.returner!).some((s) => s.productId === planted.beans)).toBe(false);
  });

  it('never offers what a customer owns beyond the orders it reads', () => {
    const list = suggest(planted.collector!);
    // The brewer (bought 5 days ago) relates to the mug, bought in the customer's oldest order.
    expect(list.some((s) => s.productId === planted.mug)).toBe(false);
    expect(list.find((s) => s.productId === planted.beans)).toMatchObject({ kind: 'complement' });
  });

  it('never offers an owned product unless it is a consumable that is due, over every seeded customer', () => {
    const customers = db.$client.prepare(`SELECT DISTINCT customer_id FROM orders`).pluck().all() as string[];
    const ownedOf = db.$client
      .prepare(`SELECT DISTINCT l.product_id FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.customer_id = ? AND o.status <> 'cancelled'`)
      .pluck();
    const keptTimes = db.$client
      .prepare(
        `SELECT o.placed_at FROM order_lines l JOIN orders o ON o.id = l.order_id
          WHERE o.customer_id = ? AND l.product_id = ? AND o.status NOT IN ('cancelled', 'returned')`,
      )
      .pluck();
    const product = db.$client.prepare(`SELECT is_consumable AS consumable, replenish_days AS days FROM products WHERE id = ?`);
    let checked = 0;
    let replenishments = 0;
    let withSuggestions = 0;
    for (const customerId of customers) {
      const owned = new Set(ownedOf.all(customerId) as string[]);
      const list: Suggestion[] = suggest(customerId);
      if (list.length > 0) withSuggestions++;
      expect(new Set(list.map((s) => s.productId)).size).toBe(list.length); // one row per product
      for (let i = 1; i < list.length; i++) expect(list[i]!.score).toBeLessThanOrEqual(list[i - 1]!.score);
      for (const s of list) {
        checked++;
        expect(s.score).toBeGreaterThan(0);
        expect(s.score).toBeLessThanOrEqual(1);
        if (s.kind !== 'replenishment') {
          expect(owned.has(s.productId), `${customerId} owns ${s.sku} (${s.kind})`).toBe(false);
          expect(owned.has(s.basedOn!.productId)).toBe(true);
          continue;
        }
        replenishments++;
        const p = product.get(s.productId) as { consumable: number; days: number | null };
        expect(p.consumable).toBe(1);
        const due = replenishmentOf(keptTimes.all(customerId, s.productId) as number[], p.days, NOW);
        expect(due?.due, `${s.sku} for ${customerId}`).toBe(true);
      }
    }
    expect(customers.length).toBeGreaterThan(500);
    // Not vacuous: most buyers get suggestions (the rest bought only products with no relations or rules, or nothing due).
    expect(withSuggestions).toBeGreaterThan(customers.length * 0.5);
    expect(checked).toBeGreaterThan(2000);
    expect(replenishments).toBeGreaterThan(20);
  });

  it('answers a customer with no orders with no suggestions, and an unknown one with not_found', () => {
    const quiet = plantCustomer(db, { marketingConsent: true, firstName: 'No', lastName: 'Orders' });
    expect(suggest(quiet)).toEqual([]);
    expect(() => suggest('00000000-0000-4000-8000-000000000000')).toThrow(AppError);
    try {
      suggest('00000000-0000-4000-8000-000000000000');
    } catch (e) {
      expect((e as AppError).code).toBe('not_found');
    }
  });

  it('serves suggestions:list through the handler table with the contract’s output, and rejects bad input', () => {
    const handlers = createHandlers({ db, defaultRegion: 'US', host: 'browser-host', version: 'test', agentId: 'csr-1', now: () => NOW });
    const result = dispatch(handlers, 'suggestions:list', { customerId: planted.machineOwner, limit: 3 });
    expect(result.ok).toBe(true);
    const value = suggestionsListOutput.parse(result.ok ? result.value : null);
    expect(value.suggestions).toHaveLength(3);
    expect(value.suggestions[0]!.productId).toBe(planted.descaler);
    expect(value.rulesComputedAt).toBe(new Date(NOW).toISOString());
    expect(dispatch(handlers, 'suggestions:list', { customerId: 'nobody' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'customerId' } });
    expect(dispatch(handlers, 'suggestions:list', { customerId: planted.machineOwner, limit: 0 })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'limit' } });
    expect(dispatch(handlers, 'suggestions:list', { customerId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(dispatch(handlers, 'suggestions:status', {})).toMatchObject({ ok: true, value: { state: 'ready', ordersPending: 0 } });
  });

  it('gives the same answers with the rules held in memory or read from the index', () => {
    const fromIndex = new SuggestionEngine(db, { maxRulesInMemory: 0 });
    const sample = db.$client.prepare(`SELECT DISTINCT customer_id FROM orders ORDER BY customer_id LIMIT 200`).pluck().all() as string[];
    let compared = 0;
    for (const id of sample) {
      const expected = fromIndex.suggest(id, { now: NOW, limit: 20 });
      expect(suggest(id)).toEqual(expected);
      compared += expected.filter((s) => s.kind === 'co_purchase').length;
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('follows the miner: rules from orders that arrived after the engine first read them show up on the next call', () => {
    const pump = plantProduct(db, { sku: 'PM-0001', name: 'Milk Frother' });
    const jug = plantProduct(db, { sku: 'JG-0001', name: 'Steel Milk Jug' });
    const owner = plantCustomer(db, { marketingConsent: true, firstName: 'Frother', lastName: 'Owner' });
    order(owner, [pump], NOW - 3 * DAY);
    expect(suggest(owner)).toEqual([]); // no rules for the frother yet (and the engine holds the current ones)
    for (let i = 0; i < 40; i++) order(plantCustomer(db, { marketingConsent: true, firstName: 'Jug', lastName: `Buyer${i}` }), [pump, jug], NOW - (10 + i) * DAY);
    expect(new CoPurchaseMiner(db, { minSupport: 5, now: () => NOW + 1 }).runSync().mode).toBe('incremental');
    expect(suggest(owner)[0]).toMatchObject({ productId: jug, kind: 'co_purchase' });
  });

  it('reads only indexes: the customer’s orders, their lines, and the relations and rules of their products', () => {
    const plan = (sql: string, ...params: unknown[]) =>
      (db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    const lines = plan(
      `SELECT o.id, l.product_id, p.sku FROM (SELECT id, status, placed_at FROM orders WHERE customer_id = ? ORDER BY placed_at DESC LIMIT ?) o
         JOIN order_lines l ON l.order_id = o.id LEFT JOIN products p ON p.id = l.product_id`,
      'x',
      500,
    );
    expect(lines).toContain('orders_customer_placed_idx');
    expect(lines).toContain('order_lines_order_idx');
    expect(lines).not.toMatch(/SCAN (orders|order_lines|l\b)/);
    const rules = plan(`SELECT r.lift, p.sku FROM co_purchases r JOIN products p ON p.id = r.related_product_id WHERE r.product_id IN (SELECT value FROM json_each(?))`, '[]');
    expect(rules).toMatch(/SEARCH r USING (COVERING )?INDEX \S+ \(product_id=\?\)/);
    const related = plan(`SELECT r.kind, p.sku FROM product_relations r JOIN products p ON p.id = r.related_product_id WHERE r.product_id IN (SELECT value FROM json_each(?))`, '[]');
    expect(related).toMatch(/SEARCH r USING (COVERING )?INDEX \S+ \(product_id=\?\)/);
  });

  it('words a long-lapsed habit as one to win back, ranked below a due one', () => {
    const lapsed = plantCustomer(db, { marketingConsent: true, firstName: 'Lapsed', lastName: 'Buyer' });
    for (const ago of [900, 870, 840]) order(lapsed, [planted.beans!], NOW - ago * DAY);
    const beans = suggest(lapsed).find((s) => s.productId === planted.beans);
    expect(beans).toMatchObject({
      kind: 'replenishment',
      reason: 'Used to buy Coffee Beans 1 kg about every 30 days; none for 840 days, probably buys it elsewhere now',
    });
    const due = suggest(planted.regular!).find((s) => s.productId === planted.beans);
    expect(beans!.score).toBeLessThan(due!.score);
  });
});

describe('what may be offered (issue 19, item 10)', () => {
  it('offers a customer without marketing consent no upsell, only a due consumable marked as service', () => {
    const noMarketing = plantCustomer(db, { firstName: 'Do Not', lastName: 'Market' });
    order(noMarketing, [planted.brewer!, planted.beans!], NOW - 124 * DAY);
    for (const ago of [94, 64, 34]) order(noMarketing, [planted.beans!], NOW - ago * DAY);
    order(noMarketing, [planted.machine!], NOW - 7 * DAY);
    const list = suggest(noMarketing);
    expect(list.map((s) => s.productId)).toEqual([planted.beans]);
    expect(list[0]).toMatchObject({ kind: 'replenishment', purpose: 'service' });
    expect(engine.list(noMarketing, { now: NOW }).marketingConsent).toBe(false);
    // The same history with consent gets the upsells too, marked as such.
    db.$client.prepare('UPDATE customers SET marketing_consent = 1 WHERE id = ?').run(noMarketing);
    const withConsent = suggest(noMarketing);
    expect(withConsent.find((s) => s.productId === planted.descaler)).toMatchObject({ kind: 'co_purchase', purpose: 'upsell' });
    expect(withConsent.find((s) => s.productId === planted.mug)).toMatchObject({ purpose: 'upsell' });
  });

  it('does not suggest again, for the cool-down, what the customer accepted or declined', () => {
    const log = new OfferLog(db);
    const buyer = plantCustomer(db, { marketingConsent: true, firstName: 'Cool', lastName: 'Down' });
    order(buyer, [planted.brewer!], NOW - 10 * DAY);
    const before = suggest(buyer).map((s) => s.productId);
    expect(before).toEqual(expect.arrayContaining([planted.mug, planted.filters, planted.beans]));
    const answer = (productId: string, outcome: 'accepted' | 'declined', at: number) => {
      const { offer } = log.present({ customerId: buyer, productId, kind: 'complement', reason: 'test' }, 'csr-1', at);
      log.decide(offer.offerId, outcome, { agentId: 'csr-1', role: 'csr' }, at);
    };
    answer(planted.mug!, 'accepted', NOW - 2 * DAY);
    answer(planted.filters!, 'declined', NOW - 29 * DAY);
    answer(planted.beans!, 'declined', NOW - 31 * DAY); // answered before the 30-day cool-down: offered again
    const after = suggest(buyer).map((s) => s.productId);
    expect(after).not.toContain(planted.mug);
    expect(after).not.toContain(planted.filters);
    expect(after).toContain(planted.beans);
    // The period is the engine's setting.
    const shortCooldown = new SuggestionEngine(db, { offerCooldownDays: 1 });
    expect(shortCooldown.suggest(buyer, { now: NOW, limit: 20 }).map((s) => s.productId)).toEqual(expect.arrayContaining([planted.mug, planted.filters]));
  });

  it('does not suggest another colour of a product the customer owns', () => {
    const shoeBlack = plantProduct(db, { sku: 'XS-5000-BLK', name: 'Cross Shoe (Black)' });
    const shoeRed = plantProduct(db, { sku: 'XS-5000-RED', name: 'Cross Shoe (Red)' });
    const lace = plantProduct(db, { sku: 'LC-0100-RED', name: 'Red Laces' });
    relate(shoeBlack, shoeRed, 'accessory');
    relate(shoeBlack, lace, 'accessory');
    const owner = plantCustomer(db, { marketingConsent: true, firstName: 'Shoe', lastName: 'Owner' });
    order(owner, [shoeBlack], NOW - 5 * DAY);
    const list = suggest(owner).map((s) => s.productId);
    expect(list).toContain(lace);
    expect(list).not.toContain(shoeRed);
  });

  it('does not suggest a discontinued product: it cannot be ordered (issue 21)', () => {
    const stove = plantProduct(db, { sku: 'ST-7000', name: 'Camp Stove' });
    const gas = plantProduct(db, { sku: 'GC-0230', name: 'Gas Canister' });
    const pot = plantProduct(db, { sku: 'PT-0900', name: 'Camp Pot' });
    relate(stove, gas, 'complement');
    relate(stove, pot, 'accessory');
    const owner = plantCustomer(db, { marketingConsent: true, firstName: 'Stove', lastName: 'Owner' });
    order(owner, [stove], NOW - 5 * DAY);
    expect(suggest(owner).map((s) => s.productId)).toEqual(expect.arrayContaining([gas, pot]));
    db.$client.prepare(`UPDATE products SET status = 'discontinued' WHERE id = ?`).run(pot);
    const after = suggest(owner).map((s) => s.productId);
    expect(after).toContain(gas);
    expect(after).not.toContain(pot);
  });
});
