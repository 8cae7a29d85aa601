/**
 * Discount authority (issue 21): each role's limit, a user's own limit over it, the default from
 * DISCOUNT_AUTHORITY_PERCENT, and whether a priced order's manual discount needs a supervisor.
 */
import { describe, expect, it } from 'vitest';
import { DISCOUNT_AUTHORITY_PERCENT } from '../../src-shared/auth/permissions';
import { authorityOf, exceedsAuthority, needsApproval, type DiscountAuthority, type DiscountLimit } from '../../src-shared/domain/discount-authority';
import { priceOrder, type ManualDiscount, type PricingCampaign } from '../../src-shared/domain/pricing';

const CSR = { id: 'user-csr-1', role: 'csr' as const };
let rows = 0;
const limit = (over: Partial<DiscountLimit>): DiscountLimit => ({ id: `limit-${++rows}`, role: null, userId: null, maxPercent: 10, maxAmountCents: 5000, currency: 'EUR', ...over });

describe('authorityOf', () => {
  const limits = [
    limit({ role: 'csr', maxPercent: 12, maxAmountCents: 3000, currency: 'EUR' }),
    limit({ role: 'csr', maxPercent: 8, maxAmountCents: 30000, currency: 'SEK' }),
    limit({ role: 'supervisor', maxPercent: 30, maxAmountCents: 20000, currency: 'EUR' }),
    limit({ userId: 'user-csr-1', maxPercent: 20, maxAmountCents: 4000, currency: 'EUR' }),
  ];

  it("takes the user's own limit over their role's, in the order's currency", () => {
    expect(authorityOf(CSR, limits, 'EUR')).toEqual({ maxPercent: 20, maxAmountCents: 4000, currency: 'EUR', source: 'user' });
  });

  it("falls back to the role's limit when the user has none in that currency", () => {
    expect(authorityOf(CSR, limits, 'SEK')).toEqual({ maxPercent: 8, maxAmountCents: 30000, currency: 'SEK', source: 'role' });
    expect(authorityOf({ id: 'user-csr-2', role: 'csr' }, limits, 'EUR')).toEqual({ maxPercent: 12, maxAmountCents: 3000, currency: 'EUR', source: 'role' });
  });

  it('uses the role default percent, with no amount cap, when no row applies', () => {
    expect(authorityOf(CSR, limits, 'GBP')).toEqual({ maxPercent: DISCOUNT_AUTHORITY_PERCENT.csr, maxAmountCents: null, currency: 'GBP', source: 'default' });
    expect(authorityOf({ id: 'a', role: 'store_associate' }, [], 'USD').maxPercent).toBe(DISCOUNT_AUTHORITY_PERCENT.store_associate);
  });
});

describe('exceedsAuthority', () => {
  const authority: DiscountAuthority = { maxPercent: 10, maxAmountCents: 1500, currency: 'EUR', source: 'role' };
  const priced = (manual: ManualDiscount | null, campaign: PricingCampaign | null = null, unitPriceCents = 10_000) =>
    priceOrder({ currency: 'EUR', lines: [{ key: 'a', unitPriceCents, quantity: 1, taxClass: 'standard' }], campaign, manualDiscount: manual, deliveryMethod: 'standard' });
  const check = (manual: ManualDiscount | null, campaign: PricingCampaign | null = null, unitPriceCents = 10_000) =>
    exceedsAuthority(manual, priced(manual, campaign, unitPriceCents), authority);

  it('lets a discount within the limit through, and no discount at all', () => {
    expect(check(null)).toEqual({ needsApproval: false });
    expect(check({ kind: 'percent', value: 10 })).toEqual({ needsApproval: false });
    expect(check({ kind: 'amount', value: 1000 })).toEqual({ needsApproval: false }); // exactly 10 % of 100.00
  });

  it('asks for a supervisor for a percent beyond the limit, saying both figures', () => {
    expect(check({ kind: 'percent', value: 11 })).toEqual({ needsApproval: true, reason: 'A discount of 11% is beyond your authority of 10% per order: a supervisor must approve it.' });
  });

  it('measures an amount by its share of the order after the campaign', () => {
    expect(check({ kind: 'amount', value: 1001 })).toEqual({
      needsApproval: true,
      reason: 'A discount of 10.01 EUR is 11% of the order, beyond your authority of 10% per order: a supervisor must approve it.',
    });
    // After a 20 % campaign the base is 80.00: 8.00 is within 10 %, 8.01 is not.
    const campaign: PricingCampaign = { rule: 'percent', value: 20, currency: null, minOrderCents: 0 };
    expect(check({ kind: 'amount', value: 800 }, campaign).needsApproval).toBe(false);
    expect(check({ kind: 'amount', value: 801 }, campaign).needsApproval).toBe(true);
  });

  it('caps the amount per order whatever the percent', () => {
    // 9 % of 200.00 = 18.00: within 10 %, beyond 15.00.
    expect(check({ kind: 'percent', value: 9 }, null, 20_000)).toEqual({
      needsApproval: true,
      reason: 'A discount of 18.00 EUR is beyond your authority of 15.00 EUR per order: a supervisor must approve it.',
    });
    const uncapped: DiscountAuthority = { ...authority, maxAmountCents: null };
    const order = priced({ kind: 'percent', value: 9 }, null, 20_000);
    expect(exceedsAuthority({ kind: 'percent', value: 9 }, order, uncapped).needsApproval).toBe(false);
    expect(needsApproval(order, authority)).toBe(true);
    expect(needsApproval(order, uncapped)).toBe(false);
  });

  it("does not count the campaign's discount against the CSR", () => {
    const campaign: PricingCampaign = { rule: 'percent', value: 50, currency: null, minOrderCents: 0 };
    expect(check(null, campaign)).toEqual({ needsApproval: false });
    expect(check({ kind: 'percent', value: 5 }, campaign)).toEqual({ needsApproval: false });
  });

  it('with no authority at all, any discount needs a supervisor', () => {
    const none: DiscountAuthority = { maxPercent: 0, maxAmountCents: 0, currency: 'EUR', source: 'default' };
    expect(exceedsAuthority({ kind: 'amount', value: 1 }, priced({ kind: 'amount', value: 1 }), none).needsApproval).toBe(true);
    expect(exceedsAuthority(null, priced(null), none).needsApproval).toBe(false);
  });
});
