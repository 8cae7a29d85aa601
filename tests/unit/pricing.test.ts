/**
 * The pricing module (issue 21) that the workstation and the store both run: hand-computed
 * examples of each rule, refused input, and properties over seeded random carts, codes, tax
 * classes and discounts.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src-shared/result';
import {
  FREE_SHIPPING_FROM_CENTS,
  PRICING_LIMITS,
  SHIPPING_CENTS,
  TAX_RATE_BP,
  priceOrder,
  sameTotals,
  spreadByLargestRemainder,
  totalsOf,
  type PricingCampaign,
  type PricingInput,
  type PricingLine,
} from '../../src-shared/domain/pricing';
import { DELIVERY_METHODS } from '../../src-shared/domain/order';
import { SELLING_CURRENCIES, TAX_CLASSES } from '../../src-shared/domain/product';
import { seededRandom, type Rng } from '../helpers/seeded-random';

const line = (key: string, unitPriceCents: number, quantity = 1, taxClass: PricingLine['taxClass'] = 'standard'): PricingLine => ({ key, unitPriceCents, quantity, taxClass });
const order = (over: Partial<PricingInput>): PricingInput => ({
  currency: 'USD',
  lines: [],
  campaign: null,
  manualDiscount: null,
  deliveryMethod: 'standard',
  ...over,
});
const percent = (value: number, minOrderCents = 0): PricingCampaign => ({ rule: 'percent', value, currency: null, minOrderCents });
const amount = (value: number, currency: string | null, minOrderCents = 0): PricingCampaign => ({ rule: 'amount', value, currency, minOrderCents });
const freeShipping: PricingCampaign = { rule: 'free_shipping', value: 0, currency: null, minOrderCents: 0 };

describe('priceOrder: hand-computed examples', () => {
  it('prices are tax-exclusive; tax is rounded half up per line; standard shipping below the threshold', () => {
    // 2 × 19.99 = 39.98; tax 20 % = 7.996 → 8.00; shipping 7.99.
    const p = priceOrder(order({ lines: [line('a', 1999, 2)] }));
    expect(p).toEqual({
      lines: [{ key: 'a', grossCents: 3998, discountCents: 0, taxCents: 800, totalCents: 4798 }],
      subtotalCents: 3998,
      campaignDiscountCents: 0,
      manualDiscountCents: 0,
      discountCents: 0,
      taxCents: 800,
      shippingCents: 799,
      totalCents: 5597,
    });
  });

  it('rounds tax half up: 5 % of 0.30 is 0.015 → 0.02, of 0.25 is 0.0125 → 0.01', () => {
    const p = priceOrder(order({ lines: [line('a', 30, 1, 'reduced'), line('b', 25, 1, 'reduced'), line('c', 999, 3, 'zero')] }));
    expect(p.lines.map((l) => l.taxCents)).toEqual([2, 1, 0]);
    expect(p.taxCents).toBe(3);
  });

  it('makes standard delivery free from the threshold (after discounts), charges express, pickup is free', () => {
    const cart = [line('a', 1999, 4)]; // 79.96 ≥ 75.00
    expect(priceOrder(order({ lines: cart })).shippingCents).toBe(0);
    expect(priceOrder(order({ lines: cart, deliveryMethod: 'express' })).shippingCents).toBe(SHIPPING_CENTS.express.USD);
    expect(priceOrder(order({ lines: cart, deliveryMethod: 'pickup' })).shippingCents).toBe(0);
    // A 10 % code takes it to 71.97 of merchandise: below 75.00, so standard shipping is charged.
    expect(priceOrder(order({ lines: cart, campaign: percent(10) })).shippingCents).toBe(SHIPPING_CENTS.standard.USD);
    // Exactly at the threshold it is free, in every currency.
    for (const currency of SELLING_CURRENCIES) {
      expect(priceOrder(order({ currency, lines: [line('a', FREE_SHIPPING_FROM_CENTS[currency])] })).shippingCents).toBe(0);
      expect(priceOrder(order({ currency, lines: [line('a', FREE_SHIPPING_FROM_CENTS[currency] - 1)] })).shippingCents).toBe(SHIPPING_CENTS.standard[currency]);
    }
  });

  it('an empty cart costs nothing, shipping included', () => {
    const p = priceOrder(order({ lines: [], campaign: percent(10), manualDiscount: { kind: 'amount', value: 500 } }));
    expect(totalsOf(p)).toEqual({ subtotalCents: 0, campaignDiscountCents: 0, manualDiscountCents: 0, discountCents: 0, taxCents: 0, shippingCents: 0, totalCents: 0 });
  });

  it('spreads a percent campaign over the lines by largest remainder, then taxes each line by its class', () => {
    // EUR: 10.00 standard, 10.00 reduced, 10.00 zero; 10 % = 3.00 → 1.00 each.
    const p = priceOrder(order({ currency: 'EUR', lines: [line('s', 1000), line('r', 1000, 1, 'reduced'), line('z', 500, 2, 'zero')], campaign: percent(10) }));
    expect(p.campaignDiscountCents).toBe(300);
    expect(p.lines.map((l) => [l.discountCents, l.taxCents])).toEqual([
      [100, 180], // 9.00 × 20 %
      [100, 45], // 9.00 × 5 %
      [100, 0],
    ]);
    // 30.00 − 3.00 + 2.25 + 4.95 shipping (27.00 is below 50.00).
    expect(p.totalCents).toBe(3000 - 300 + 225 + 495);
  });

  it('gives the cent left over to the line with the largest remainder, ties to the earlier line', () => {
    expect(spreadByLargestRemainder(100, [100, 100, 100])).toEqual([34, 33, 33]);
    expect(spreadByLargestRemainder(10, [1, 2, 7])).toEqual([1, 2, 7]);
    // 7 × 3/10 = 2.1, 7 × 7/10 = 4.9: shares 2 and 4, the cent left goes to the 0.9 remainder.
    expect(spreadByLargestRemainder(7, [3, 7])).toEqual([2, 5]);
    expect(spreadByLargestRemainder(5, [0, 0])).toEqual([0, 0]);
  });

  it('takes a percent campaign rounded down, an amount up to the subtotal, nothing below the minimum order', () => {
    const cart = [line('a', 1999, 2)]; // 39.98
    expect(priceOrder(order({ lines: cart, campaign: percent(15) })).campaignDiscountCents).toBe(599); // 5.997 → 5.99
    expect(priceOrder(order({ lines: cart, campaign: amount(500, 'USD') })).campaignDiscountCents).toBe(500);
    expect(priceOrder(order({ lines: cart, campaign: amount(5000, null) })).campaignDiscountCents).toBe(3998);
    expect(priceOrder(order({ lines: cart, campaign: percent(15, 3999) })).campaignDiscountCents).toBe(0);
    expect(priceOrder(order({ lines: cart, campaign: percent(15, 3998) })).campaignDiscountCents).toBe(599);
  });

  it('makes shipping free with a free-shipping code, whatever the method, once its minimum is reached', () => {
    const cart = [line('a', 1000)];
    expect(priceOrder(order({ lines: cart, campaign: freeShipping, deliveryMethod: 'express' })).shippingCents).toBe(0);
    expect(priceOrder(order({ lines: cart, campaign: { ...freeShipping, minOrderCents: 2000 }, deliveryMethod: 'express' })).shippingCents).toBe(SHIPPING_CENTS.express.USD);
    const p = priceOrder(order({ lines: cart, campaign: freeShipping }));
    expect(p.campaignDiscountCents).toBe(0);
    expect(p.totalCents).toBe(1000 + 200);
  });

  it('applies the manual discount after the campaign, on what is left', () => {
    // 100.00; campaign 10 % → 10.00; manual 5 % of 90.00 → 4.50.
    const p = priceOrder(order({ lines: [line('a', 10000)], campaign: percent(10), manualDiscount: { kind: 'percent', value: 5 } }));
    expect([p.campaignDiscountCents, p.manualDiscountCents, p.discountCents]).toEqual([1000, 450, 1450]);
    expect(p.lines[0]).toMatchObject({ discountCents: 1450, taxCents: 1710 }); // 85.50 × 20 %
    expect(p.shippingCents).toBe(0); // 85.50 ≥ 75.00
    expect(p.totalCents).toBe(10000 - 1450 + 1710);
    const byAmount = priceOrder(order({ lines: [line('a', 10000)], campaign: amount(2500, 'USD'), manualDiscount: { kind: 'amount', value: 1200 } }));
    expect([byAmount.campaignDiscountCents, byAmount.manualDiscountCents]).toEqual([2500, 1200]);
  });

  it('never goes below zero: an amount beyond what is left takes only what is left', () => {
    const p = priceOrder(order({ lines: [line('a', 1500), line('b', 1500)], campaign: amount(2000, 'USD'), manualDiscount: { kind: 'amount', value: 5000 } }));
    expect([p.campaignDiscountCents, p.manualDiscountCents, p.taxCents]).toEqual([2000, 1000, 0]);
    expect(p.lines.map((l) => l.totalCents)).toEqual([0, 0]);
    expect(p.totalCents).toBe(SHIPPING_CENTS.standard.USD);
    const all = priceOrder(order({ lines: [line('a', 1500)], manualDiscount: { kind: 'percent', value: 100 } }));
    expect(all.totalCents).toBe(SHIPPING_CENTS.standard.USD);
  });
});

describe('priceOrder: input that cannot be an order', () => {
  const refused = (input: PricingInput, field: string) => {
    let caught: unknown;
    try {
      priceOrder(input);
    } catch (e) {
      caught = e;
    }
    expect(caught, field).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('invalid_input');
    expect((caught as AppError).field).toBe(field);
    expect((caught as AppError).message.length).toBeGreaterThan(10);
  };
  it.each([
    ['a quantity of 0', order({ lines: [line('a', 100, 0)] }), 'lines.0.quantity'],
    ['a quantity of 1,000', order({ lines: [line('a', 100, 1000)] }), 'lines.0.quantity'],
    ['half a unit', order({ lines: [line('a', 100, 1.5)] }), 'lines.0.quantity'],
    ['a negative price', order({ lines: [line('a', -1)] }), 'lines.0.unitPriceCents'],
    ['a price in fractions of a cent', order({ lines: [line('a', 10.5)] }), 'lines.0.unitPriceCents'],
    ['a huge price', order({ lines: [line('a', PRICING_LIMITS.unitPriceCentsMax + 1)] }), 'lines.0.unitPriceCents'],
    ['NaN', order({ lines: [line('a', Number.NaN)] }), 'lines.0.unitPriceCents'],
    ['an unknown tax class', order({ lines: [line('a', 100, 1, 'luxury' as PricingLine['taxClass'])] }), 'lines.0.taxClass'],
    ['the same key twice', order({ lines: [line('a', 100), line('a', 200)] }), 'lines.1.key'],
    ['too many lines', order({ lines: Array.from({ length: PRICING_LIMITS.lines + 1 }, (_, i) => line(`k${i}`, 100)) }), 'lines'],
    ['a currency the store does not sell in', order({ currency: 'JPY' as PricingInput['currency'] }), 'currency'],
    ['an unknown delivery method', order({ deliveryMethod: 'drone' as PricingInput['deliveryMethod'] }), 'deliveryMethod'],
    ['a campaign for another currency', order({ lines: [line('a', 100)], campaign: amount(100, 'EUR') }), 'campaign.currency'],
    ['a 101 % campaign', order({ campaign: percent(101) }), 'campaign.value'],
    ['a 0 % campaign', order({ campaign: percent(0) }), 'campaign.value'],
    ['a negative manual amount', order({ manualDiscount: { kind: 'amount', value: -1 } }), 'manualDiscount.value'],
    ['a 120 % manual discount', order({ manualDiscount: { kind: 'percent', value: 120 } }), 'manualDiscount.value'],
  ])('refuses %s', (_what, input, field) => refused(input, field));
});

// ——— Properties over seeded random orders ———

const SEEDS = [1, 7, 21, 2026, 99991];
const CASES_PER_SEED = 300;

function randomCampaign(rng: Rng, currency: string): PricingCampaign | null {
  const min = rng.chance(0.3) ? rng.int(0, 20000) : 0;
  const cur = rng.chance(0.5) ? currency : null;
  switch (rng.int(0, 3)) {
    case 0:
      return null;
    case 1:
      return { rule: 'percent', value: rng.int(1, 100), currency: cur, minOrderCents: min };
    case 2:
      return { rule: 'amount', value: rng.int(1, 30000), currency: cur, minOrderCents: min };
    default:
      return { rule: 'free_shipping', value: 0, currency: cur, minOrderCents: min };
  }
}

function randomOrder(rng: Rng): PricingInput {
  const currency = rng.pick(SELLING_CURRENCIES);
  const count = rng.int(0, 12);
  const lines = Array.from({ length: count }, (_, i) =>
    line(`line-${i}`, rng.chance(0.05) ? 0 : rng.chance(0.05) ? rng.int(1, PRICING_LIMITS.unitPriceCentsMax) : rng.int(1, 50000), rng.chance(0.05) ? 999 : rng.int(1, 5), rng.pick(TAX_CLASSES)),
  );
  const manualDiscount = rng.chance(0.4) ? null : rng.chance(0.5) ? { kind: 'percent' as const, value: rng.int(0, 100) } : { kind: 'amount' as const, value: rng.int(0, 40000) };
  return { currency, lines, campaign: randomCampaign(rng, currency), manualDiscount, deliveryMethod: rng.pick(DELIVERY_METHODS) };
}

function forEachRandomOrder(check: (input: PricingInput, where: string) => void) {
  for (const seed of SEEDS) {
    const rng = seededRandom(seed);
    for (let n = 0; n < CASES_PER_SEED; n++) check(randomOrder(rng), `seed ${seed}, case ${n}`);
  }
}

describe('priceOrder: properties over random carts, codes, tax classes and discounts', () => {
  it('line discounts add up to the order discount, each within its line', () => {
    forEachRandomOrder((input, where) => {
      const p = priceOrder(input);
      expect(p.lines.reduce((a, l) => a + l.discountCents, 0), where).toBe(p.discountCents);
      expect(p.discountCents, where).toBe(p.campaignDiscountCents + p.manualDiscountCents);
      for (const l of p.lines) {
        expect(l.discountCents, where).toBeGreaterThanOrEqual(0);
        expect(l.discountCents, where).toBeLessThanOrEqual(l.grossCents);
      }
    });
  });

  it('total = subtotal − discount + tax + shipping, and the lines add up to the order', () => {
    forEachRandomOrder((input, where) => {
      const p = priceOrder(input);
      expect(p.totalCents, where).toBe(p.subtotalCents - p.discountCents + p.taxCents + p.shippingCents);
      expect(p.lines.reduce((a, l) => a + l.grossCents, 0), where).toBe(p.subtotalCents);
      expect(p.lines.reduce((a, l) => a + l.taxCents, 0), where).toBe(p.taxCents);
      expect(p.lines.reduce((a, l) => a + l.totalCents, 0) + p.shippingCents, where).toBe(p.totalCents);
      for (const l of p.lines) {
        const taxClass = input.lines.find((x) => x.key === l.key)?.taxClass ?? 'standard';
        // Half up: |tax − exact| ≤ 0.5 cent.
        const exact = ((l.grossCents - l.discountCents) * TAX_RATE_BP[taxClass]) / 10000;
        expect(Math.abs(l.taxCents - exact), where).toBeLessThanOrEqual(0.5);
      }
    });
  });

  it('never gives a negative figure, and every figure is whole cents', () => {
    forEachRandomOrder((input, where) => {
      const p = priceOrder(input);
      const figures = [...Object.values(totalsOf(p)), ...p.lines.flatMap((l) => [l.grossCents, l.discountCents, l.taxCents, l.totalCents])];
      for (const f of figures) {
        expect(Number.isSafeInteger(f), where).toBe(true);
        expect(f, where).toBeGreaterThanOrEqual(0);
      }
    });
  });

  it('gives the same figures for the same input: the workstation and the store (after JSON) agree', () => {
    forEachRandomOrder((input, where) => {
      const onWorkstation = priceOrder(input);
      const onStore = priceOrder(JSON.parse(JSON.stringify(input)) as PricingInput);
      expect(onStore, where).toEqual(onWorkstation);
      expect(sameTotals(totalsOf(onStore), totalsOf(onWorkstation)), where).toBe(true);
      // A price changed on the store by a cent is a difference.
      if (input.lines.length > 0 && input.lines[0]!.unitPriceCents < PRICING_LIMITS.unitPriceCentsMax) {
        const changed = priceOrder({ ...input, lines: input.lines.map((l, i) => (i === 0 ? { ...l, unitPriceCents: l.unitPriceCents + 1 } : l)) });
        expect(sameTotals(changed, onWorkstation), where).toBe(false);
      }
    });
  });

  it('a larger percent never gives a smaller campaign discount, nor more merchandise to pay', () => {
    const rng = seededRandom(4242);
    for (let n = 0; n < 200; n++) {
      const input = randomOrder(rng);
      let previous = -1;
      let previousMerchandise = Number.POSITIVE_INFINITY;
      for (let pct = 1; pct <= 100; pct += rng.int(1, 9)) {
        const p = priceOrder({ ...input, campaign: percent(pct) });
        expect(p.campaignDiscountCents, `case ${n}, ${pct} %`).toBeGreaterThanOrEqual(previous);
        expect(p.subtotalCents - p.discountCents, `case ${n}, ${pct} %`).toBeLessThanOrEqual(previousMerchandise);
        previous = p.campaignDiscountCents;
        previousMerchandise = p.subtotalCents - p.discountCents;
      }
    }
  });

  it('the spread is exact and bounded for any weights', () => {
    const rng = seededRandom(77);
    for (let n = 0; n < 2000; n++) {
      const weights = Array.from({ length: rng.int(1, 20) }, () => (rng.chance(0.2) ? 0 : rng.int(1, 1_000_000)));
      const sum = weights.reduce((a, b) => a + b, 0);
      const total = rng.int(0, sum);
      const shares = spreadByLargestRemainder(total, weights);
      expect(shares.reduce((a, b) => a + b, 0), `case ${n}`).toBe(sum === 0 ? 0 : total);
      shares.forEach((s, i) => {
        const w = weights[i] ?? 0;
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(w);
        // Within one cent of the exact proportional share.
        if (sum > 0) expect(Math.abs(s - (total * w) / sum)).toBeLessThan(1);
      });
    }
  });
});
