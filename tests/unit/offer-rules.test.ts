import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OFFER_COOLDOWN_DAYS,
  cooldownStart,
  isVariantOfOwned,
  offerCooldownDaysFrom,
  mayOffer,
  productsInCooldown,
  skuFamily,
  suggestionPurpose,
} from '../../src-shared/domain/offer-rules';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 5, 8);

describe('offer rules (issue 19, item 10)', () => {
  it('reads a SKU family without its variant code', () => {
    expect(skuFamily('TR-2041-BLK')).toBe('TR-2041');
    expect(skuFamily('tr-2041-red')).toBe('TR-2041');
    expect(skuFamily('DS-0100')).toBe('DS-0100');
    expect(skuFamily('MISC')).toBe('MISC');
  });

  it('calls another colour or size of an owned product a variant, but not the product itself or another model', () => {
    const owned = ['TR-2041-BLK', 'IN-0077-BLK'];
    expect(isVariantOfOwned('TR-2041-RED', owned)).toBe(true);
    expect(isVariantOfOwned('IN-0077-XLB', owned)).toBe(true);
    expect(isVariantOfOwned('TR-2041-BLK', owned)).toBe(false);
    expect(isVariantOfOwned('TR-2078-RED', owned)).toBe(false);
    expect(isVariantOfOwned('GT-1100-BLK', owned)).toBe(false);
    expect(isVariantOfOwned('DS-0100', ['DS-0100'])).toBe(false);
  });

  it('lets only service suggestions through without marketing consent', () => {
    expect(suggestionPurpose('replenishment')).toBe('service');
    for (const kind of ['complement', 'accessory', 'co_purchase']) expect(suggestionPurpose(kind)).toBe('upsell');
    expect(mayOffer('service', false)).toBe(true);
    expect(mayOffer('upsell', false)).toBe(false);
    expect(mayOffer('upsell', true)).toBe(true);
  });

  it('keeps accepted and declined products out for the cool-down, not undecided ones or older answers', () => {
    expect(DEFAULT_OFFER_COOLDOWN_DAYS).toBe(30);
    expect(cooldownStart(NOW)).toBe(NOW - 30 * DAY);
    const answers = [
      { productId: 'accepted-yesterday', outcome: 'accepted' as const, decidedAt: NOW - DAY },
      { productId: 'declined-at-edge', outcome: 'declined' as const, decidedAt: NOW - 30 * DAY },
      { productId: 'declined-long-ago', outcome: 'declined' as const, decidedAt: NOW - 30 * DAY - 1 },
      { productId: 'undecided', outcome: 'presented' as const, decidedAt: null },
    ];
    expect([...productsInCooldown(answers, NOW)].sort()).toEqual(['accepted-yesterday', 'declined-at-edge']);
    expect([...productsInCooldown(answers, NOW, 0)]).toEqual([]);
    expect([...productsInCooldown(answers, NOW, 365)].sort()).toEqual(['accepted-yesterday', 'declined-at-edge', 'declined-long-ago']);
  });

  it('reads the cool-down setting, refusing what is not a whole number of days', () => {
    expect(offerCooldownDaysFrom(undefined)).toEqual({ ok: true, days: 30 });
    expect(offerCooldownDaysFrom(' ')).toEqual({ ok: true, days: 30 });
    expect(offerCooldownDaysFrom('7')).toEqual({ ok: true, days: 7 });
    expect(offerCooldownDaysFrom('0')).toEqual({ ok: true, days: 0 });
    for (const bad of ['-1', '2.5', 'soon', '99999']) expect(offerCooldownDaysFrom(bad)).toMatchObject({ ok: false });
  });
});
