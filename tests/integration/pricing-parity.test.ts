/**
 * Issue 21, property test: the total the CSR quotes is the total the store records. The same
 * catalogue (products, prices per currency, tax classes, campaigns, discount limits) is seeded
 * into a workstation cache (SQLite) and a central store (PGlite); a few hundred seeded random
 * carts — products, quantities, currencies, codes (valid, expired, future, inactive, web-only,
 * below their minimum, another currency's, unknown, typed in lower case with spaces), delivery
 * methods and manual discounts — are priced by the workstation's own path (order-pricing.ts
 * priceDraft, what order:quote and order:submit run) and by the store's (confirm.ts priceAtStore
 * and checkAuthority, what the order.submit applier runs), and every figure must agree: totals,
 * each line's shares, whether the code holds (with the same sentence when not) and whether the
 * discount needs a supervisor. A failure names the seed and the cart, to replay it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceDraft } from '../../src-main/core/orders/order-pricing';
import { createOrderReadRepository } from '../../src-main/core/orders/order-repository';
import { checkAuthority, priceAtStore } from '../../server/src/orders/confirm';
import { campaigns, discountLimits, productPrices, products } from '../../server/src/db/schema';
import type { Store } from '../../server/src/db/connect';
import type { OrderDraftInput } from '../../src-shared/contracts/orders';
import { DELIVERY_METHODS } from '../../src-shared/domain/order';
import { TAX_CLASSES, type SellingCurrency, type TaxClass } from '../../src-shared/domain/product';
import type { CampaignChannel, CampaignRule } from '../../src-shared/domain/order';
import { plantCustomer, tempCache, type TempCache } from '../helpers/cache';
import { pgliteBackend, type StoreLocation } from '../helpers/server-db';
import { seededRandom } from '../helpers/seeded-random';

const SEED = 21_2026;
const CARTS = 300;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 3, 14, 10, 0, 0);
const CURRENCIES: readonly SellingCurrency[] = ['USD', 'EUR'];

interface Product {
  id: string;
  sku: string;
  taxClass: TaxClass;
  prices: Record<SellingCurrency, number | null>;
}

interface CampaignRow {
  id: string;
  code: string;
  family: string;
  name: string;
  channel: CampaignChannel;
  rule: CampaignRule;
  value: number;
  currency: string | null;
  minOrderCents: number;
  startsAt: number;
  endsAt: number | null;
  active: boolean;
}

const campaign = (code: string, over: Partial<CampaignRow>): CampaignRow => ({
  id: randomUUID(),
  code,
  family: `${code}-FAMILY`,
  name: `Campaign ${code}`,
  channel: 'offline',
  rule: 'percent',
  value: 10,
  currency: null,
  minOrderCents: 0,
  startsAt: NOW - 10 * DAY,
  endsAt: null,
  active: true,
  ...over,
});

const CAMPAIGNS: CampaignRow[] = [
  campaign('PCT10', {}),
  campaign('PCT35', { channel: 'both', value: 35, minOrderCents: 50_00 }),
  campaign('PCT100', { value: 100 }),
  campaign('AMT5USD', { rule: 'amount', value: 5_00, currency: 'USD' }),
  campaign('AMT20', { rule: 'amount', value: 20_00, minOrderCents: 30_00 }),
  campaign('AMTHUGE', { rule: 'amount', value: 5_000_00 }),
  campaign('SHIPFREE', { rule: 'free_shipping', value: 0, minOrderCents: 30_00 }),
  campaign('WEBONLY', { channel: 'online', value: 20 }),
  campaign('EXPIRED', { value: 15, startsAt: NOW - 100 * DAY, endsAt: NOW - DAY }),
  campaign('FUTURE', { value: 5, startsAt: NOW + DAY }),
  campaign('PAUSED', { value: 25, active: false }),
];
/** What a CSR may type: every code, some as read out, unknown ones, and none. */
const TYPED_CODES: readonly (string | null)[] = [...CAMPAIGNS.map((c) => c.code), 'pct 10', ' shipfree ', 'amt-20', 'NOSUCH', 'SPRING', null, null, null];

let cache: TempCache;
let location: StoreLocation;
let store: Store;
let customerId: string;
const csr = { id: randomUUID(), role: 'csr' as const };
const catalogue: Product[] = [];

beforeAll(async () => {
  const rng = seededRandom(SEED);
  for (let i = 0; i < 40; i++) {
    const id = randomUUID();
    // Prices from 0.01 to 2,000.00, some with awkward cents; now and then no EUR price (the line cannot be ordered in EUR).
    const usd = rng.pick([rng.int(1, 99), rng.int(100, 9_999), rng.int(10_000, 200_000), 1_999, 5]);
    const eur = rng.chance(0.1) ? null : Math.max(1, Math.round(usd * 0.92) + rng.int(-3, 3));
    catalogue.push({ id, sku: `PAR-${String(i).padStart(3, '0')}`, taxClass: rng.pick(TAX_CLASSES), prices: { USD: usd, EUR: eur, GBP: null, SEK: null } });
  }

  cache = tempCache('switchboard-pricing-parity-');
  const c = cache.db.$client;
  customerId = plantCustomer(cache.db, { firstName: 'Paula', lastName: 'Parity', city: 'Leeds', country: 'GB' });
  const insertProduct = c.prepare(
    `INSERT INTO products (id, sku, name, brand, category, price_cents, currency, tax_class, status, stock, reserved) VALUES (?, ?, ?, 'Acme', 'misc', ?, 'USD', ?, 'active', 1000, 0)`,
  );
  const insertPrice = c.prepare(`INSERT INTO product_prices (product_id, currency, price_cents) VALUES (?, ?, ?)`);
  const insertCampaign = c.prepare(
    `INSERT INTO campaigns (id, code, family, name, channel, rule, value, currency, min_order_cents, starts_at, ends_at, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  c.transaction(() => {
    for (const p of catalogue) {
      insertProduct.run(p.id, p.sku, `Product ${p.sku}`, p.prices.USD, p.taxClass);
      for (const currency of CURRENCIES) if (p.prices[currency] !== null) insertPrice.run(p.id, currency, p.prices[currency]);
    }
    for (const k of CAMPAIGNS) insertCampaign.run(k.id, k.code, k.family, k.name, k.channel, k.rule, k.value, k.currency, k.minOrderCents, k.startsAt, k.endsAt, k.active ? 1 : 0);
    c.prepare(`INSERT INTO discount_limits (id, role, user_id, max_percent, max_amount_cents, currency) VALUES (?, 'csr', NULL, 10, 2000, 'USD')`).run(randomUUID());
  })();

  location = await pgliteBackend.freshLocation();
  store = await location.open();
  await store.db.insert(products).values(
    catalogue.map((p) => ({ id: p.id, sku: p.sku, name: `Product ${p.sku}`, brand: 'Acme', category: 'misc', priceCents: p.prices.USD ?? 0, taxClass: p.taxClass, status: 'active' as const, stock: 1000 })),
  );
  await store.db.insert(productPrices).values(
    catalogue.flatMap((p) => CURRENCIES.flatMap((currency) => (p.prices[currency] === null ? [] : [{ productId: p.id, currency, priceCents: p.prices[currency]! }]))),
  );
  await store.db.insert(campaigns).values(CAMPAIGNS);
  await store.db.insert(discountLimits).values({ id: randomUUID(), role: 'csr', userId: null, maxPercent: 10, maxAmountCents: 2000, currency: 'USD' });
}, 60_000);

afterAll(async () => {
  await store?.close();
  await location?.dispose();
  cache?.cleanup();
});

type Draft = Pick<OrderDraftInput, 'customerId' | 'lines' | 'campaignCode' | 'deliveryMethod' | 'manualDiscount'> & { currency: SellingCurrency };

function randomCart(rng: ReturnType<typeof seededRandom>): Draft {
  const currency = rng.pick(CURRENCIES);
  // Only products priced in the currency: one without a price is refused by both (checked below).
  const priced = catalogue.filter((p) => p.prices[currency] !== null);
  const count = rng.chance(0.05) ? rng.int(13, 50) : rng.int(1, 6);
  const chosen = new Map<string, number>();
  while (chosen.size < Math.min(count, priced.length)) chosen.set(rng.pick(priced).id, rng.chance(0.1) ? rng.int(100, 999) : rng.int(1, 12));
  const discount = rng.int(0, 9);
  return {
    customerId,
    currency,
    lines: [...chosen].map(([productId, quantity]) => ({ productId, quantity, source: 'search' as const })),
    campaignCode: rng.pick(TYPED_CODES),
    deliveryMethod: rng.pick(DELIVERY_METHODS),
    manualDiscount:
      discount <= 3
        ? null
        : discount <= 6
          ? { kind: 'percent', value: rng.pick([1, 5, 10, 11, rng.int(1, 100), 100]), reason: 'Goodwill' }
          : { kind: 'amount', value: rng.pick([1, 99, 20_00, 20_01, rng.int(1, 500_00), 10_000_000]), reason: 'Goodwill' },
  };
}

describe('the workstation’s and the store’s pricing agree', () => {
  it(`on ${CARTS} random carts, codes, tax classes, delivery methods and discounts (seed ${SEED})`, async () => {
    const rng = seededRandom(SEED + 1);
    const reads = createOrderReadRepository(cache.db);
    const carts = Array.from({ length: CARTS }, () => randomCart(rng));
    const seen = { codeHeld: 0, codeRefused: 0, needsApproval: 0, freeShipping: 0 };
    await store.db.transaction(async (tx) => {
      for (const [n, cart] of carts.entries()) {
        const skus = cart.lines.map((l) => `${l.quantity} × ${catalogue.find((p) => p.id === l.productId)?.sku}`).join(', ');
        const label = `seed ${SEED + 1}, cart ${n}: ${cart.currency} [${skus}] code ${cart.campaignCode} ${cart.deliveryMethod} discount ${JSON.stringify(cart.manualDiscount)}`;
        const ws = priceDraft(reads, cart, { userId: csr.id, role: csr.role }, 'USD', NOW);
        expect(
          ws.lines.filter((l) => l.problem !== null && l.blocking),
          label,
        ).toEqual([]);
        const manualDiscount = cart.manualDiscount ? { kind: cart.manualDiscount.kind, value: cart.manualDiscount.value } : null;
        const atStore = await priceAtStore(
          tx,
          {
            currency: cart.currency,
            lines: cart.lines.map((l, i) => ({ lineId: String(i), productId: l.productId, quantity: l.quantity })),
            campaignCode: cart.campaignCode ?? null,
            manualDiscount,
            deliveryMethod: cart.deliveryMethod,
            takenAt: NOW,
          },
          'order',
        );
        // Every figure, the order's and each line's (both key lines by their place in the cart).
        expect(atStore.priced, label).toEqual(ws.priced);
        // The code: held by both, or refused by both with the same sentence.
        const wsCode = ws.codeCheck === null ? null : ws.codeCheck.ok ? 'held' : ws.codeCheck.reason;
        const storeCode = cart.campaignCode == null ? null : atStore.campaignProblem === null ? 'held' : atStore.campaignProblem;
        expect(storeCode, label).toBe(wsCode);
        // The discount authority: the same limit gives the same answer.
        const authority = await checkAuthority(tx, csr, { currency: cart.currency, manualDiscount }, atStore.priced);
        expect(authority.needsApproval, label).toBe(ws.authorityCheck.needsApproval);

        if (wsCode === 'held') seen.codeHeld++;
        else if (wsCode !== null) seen.codeRefused++;
        if (ws.authorityCheck.needsApproval) seen.needsApproval++;
        if (ws.priced.shippingCents === 0 && cart.deliveryMethod !== 'pickup') seen.freeShipping++;
      }
    });
    // The carts reached every branch that matters, so agreeing means something.
    expect(seen.codeHeld).toBeGreaterThan(20);
    expect(seen.codeRefused).toBeGreaterThan(20);
    expect(seen.needsApproval).toBeGreaterThan(20);
    expect(seen.freeShipping).toBeGreaterThan(5);
  }, 60_000);

  it('refuses alike a product with no price in the order’s currency', async () => {
    const unpriced = catalogue.find((p) => p.prices.EUR === null);
    expect(unpriced, 'the seeded catalogue has a product without a EUR price').toBeDefined();
    const cart: Draft = { customerId, currency: 'EUR', lines: [{ productId: unpriced!.id, quantity: 1, source: 'search' }], campaignCode: null, deliveryMethod: 'standard', manualDiscount: null };
    const ws = priceDraft(createOrderReadRepository(cache.db), cart, { userId: csr.id, role: csr.role }, 'USD', NOW);
    expect(ws.lines[0]).toMatchObject({ blocking: true, problem: expect.stringMatching(/no price in EUR/) });
    await expect(
      store.db.transaction((tx) =>
        priceAtStore(tx, { currency: 'EUR', lines: [{ lineId: '0', productId: unpriced!.id, quantity: 1 }], campaignCode: null, manualDiscount: null, deliveryMethod: 'standard', takenAt: NOW }, 'order'),
      ),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/no EUR price/) });
  });
});
