/**
 * Generated campaigns and discount limits.
 *
 * Campaigns come in families, each with an online code (the web shop) and an offline code (phone
 * and store: catalogues, mailers, radio), so reports can tell them apart: seasonal families for
 * every season from the three years of order history up to a few months after "now" (so some have
 * ended, one or two are running and at least one has not started), and a few standing ones, one of
 * them paused. Dates follow `now`; values and ids follow the seed.
 *
 * Discount limits: one row per role and selling currency from DISCOUNT_AUTHORITY_PERCENT (the
 * amount cap is a role's percent of a typical large order), plus any per-user overrides asked for.
 */
import { DISCOUNT_AUTHORITY_PERCENT, USER_ROLES } from '../auth/permissions';
import type { OrderChannel } from '../domain/customer';
import type { CampaignChannel, CampaignRule } from '../domain/order';
import { SELLING_CURRENCIES, type SellingCurrency } from '../domain/product';
import { SELLING_RATES } from './catalogue';
import { SeedRandom } from './random';
import type { CampaignRow, DiscountLimitRow } from './rows';

const DAY = 86_400_000;
/** Campaigns reach back over the order history and this far ahead of "now". */
const HISTORY_MS = 3 * 365 * DAY;
const AHEAD_MS = 150 * DAY;

interface Season {
  stem: string;
  name: string;
  /** Start: month (0-based) and day; length in days. */
  month: number;
  day: number;
  days: number;
  rule: CampaignRule;
  /** Percent choices, or the amount in USD cents. */
  values: readonly number[];
  /** Minimum order in USD cents (0: none); with a minimum or an amount the campaign has a currency. */
  minOrderCents: number;
}

const SEASONS: readonly Season[] = [
  { stem: 'SPRING', name: 'Spring Trail', month: 2, day: 15, days: 47, rule: 'percent', values: [10, 15], minOrderCents: 0 },
  { stem: 'SUMMER', name: 'Summer Run', month: 6, day: 1, days: 46, rule: 'free_shipping', values: [0], minOrderCents: 0 },
  { stem: 'BF', name: 'Black Friday', month: 10, day: 24, days: 8, rule: 'amount', values: [2000, 2500], minOrderCents: 10_000 },
];

interface Standing {
  stem: string;
  name: string;
  rule: CampaignRule;
  value: number;
  currency: SellingCurrency | null;
  minOrderCents: number;
  active: boolean;
}

const STANDING: readonly Standing[] = [
  { stem: 'WELCOME15', name: 'Welcome', rule: 'percent', value: 15, currency: null, minOrderCents: 0, active: true },
  { stem: 'COFFEECLUB', name: 'Coffee Club', rule: 'percent', value: 10, currency: 'EUR', minOrderCents: 3000, active: true },
  { stem: 'INKSAVER', name: 'Ink Saver', rule: 'amount', value: 500, currency: 'USD', minOrderCents: 4000, active: true },
  { stem: 'PODCAST', name: 'Podcast listeners', rule: 'free_shipping', value: 0, currency: null, minOrderCents: 0, active: false },
];

/** The suffix of a family's offline code: "SPRING25" online, "SPRING25-CALL" by phone or in store. */
export const OFFLINE_SUFFIX = '-CALL';

/** The channel a campaign's code is used in for an order taken there. */
export function campaignChannelOf(channel: OrderChannel): Exclude<CampaignChannel, 'both'> {
  return channel === 'web' ? 'online' : 'offline';
}

/** The generated campaigns for `seed` and `now` (ms): two codes per family, in family order. */
export function buildCampaigns(seed: number, now: number): CampaignRow[] {
  const random = new SeedRandom(seed, 'campaigns');
  const rows: CampaignRow[] = [];
  const family = (code: string, name: string, f: Omit<CampaignRow, 'id' | 'code' | 'family' | 'name' | 'channel'>): void => {
    for (const channel of ['online', 'offline'] as const) {
      rows.push({
        id: random.uuid(),
        code: channel === 'online' ? code : `${code}${OFFLINE_SUFFIX}`,
        family: code,
        name: `${name} (${channel === 'online' ? 'web shop' : 'phone and store'})`,
        channel,
        ...f,
      });
    }
  };

  const from = now - HISTORY_MS;
  const until = now + AHEAD_MS;
  const firstYear = new Date(from).getUTCFullYear();
  const lastYear = new Date(until).getUTCFullYear();
  for (const s of STANDING) {
    family(s.stem, s.name, {
      rule: s.rule,
      value: s.value,
      currency: s.currency,
      min_order_cents: s.minOrderCents,
      starts_at: Date.UTC(firstYear, 0, 1),
      ends_at: null,
      active: s.active,
    });
  }
  for (let year = firstYear; year <= lastYear; year++) {
    for (const s of SEASONS) {
      const startsAt = Date.UTC(year, s.month, s.day);
      const endsAt = startsAt + s.days * DAY;
      if (endsAt < from || startsAt > until) continue;
      const amountLike = s.rule === 'amount' || s.minOrderCents > 0;
      family(`${s.stem}${String(year % 100).padStart(2, '0')}`, `${s.name} ${year}`, {
        rule: s.rule,
        value: random.pick(s.values),
        currency: amountLike ? 'USD' : null,
        min_order_cents: s.minOrderCents,
        starts_at: startsAt,
        ends_at: endsAt,
        active: true,
      });
    }
  }
  return rows;
}

/** Whether an order placed at `at` in `currency` over `channel` may use the campaign (before its minimum order). */
export function campaignUsable(c: CampaignRow, at: number, channel: OrderChannel, currency: string): boolean {
  const wanted = campaignChannelOf(channel);
  return (
    c.active &&
    (c.channel === wanted || c.channel === 'both') &&
    c.starts_at <= at &&
    (c.ends_at === null || at < c.ends_at) &&
    (c.currency === null || c.currency === currency)
  );
}

/** The amount cap of each role, in USD cents (its percent of a 500-dollar order). */
const LARGE_ORDER_USD_CENTS = 50_000;

/** Amounts in a selling currency, rounded down to whole units. */
function convert(usdCents: number, currency: SellingCurrency): number {
  return Math.floor((usdCents * SELLING_RATES[currency]) / 100) * 100;
}

/** A per-user override of the role's discount limit (the store user's id). */
export interface DiscountOverride {
  userId: string;
  maxPercent: number;
  /** In USD cents; converted for the other selling currencies. */
  maxAmountUsdCents: number;
}

/** The demo store's override: its demo CSR ("csr") may give up to 15 % / 75 dollars, more than a CSR's default. */
export const DEMO_DISCOUNT_OVERRIDE = { username: 'csr', maxPercent: 15, maxAmountUsdCents: 7500 } as const;

/** Role defaults (one row per role and selling currency) and the overrides, ids from `seed`. */
export function buildDiscountLimits(seed: number, overrides: readonly DiscountOverride[] = []): DiscountLimitRow[] {
  const random = new SeedRandom(seed, 'discount-limits');
  const rows: DiscountLimitRow[] = [];
  for (const role of USER_ROLES) {
    const percent = DISCOUNT_AUTHORITY_PERCENT[role];
    const usd = (LARGE_ORDER_USD_CENTS * percent) / 100;
    for (const currency of SELLING_CURRENCIES) {
      rows.push({ id: random.uuid(), role, user_id: null, max_percent: percent, max_amount_cents: convert(usd, currency), currency });
    }
  }
  for (const o of overrides) {
    if (!Number.isInteger(o.maxPercent) || o.maxPercent < 0 || o.maxPercent > 100) throw new RangeError(`maxPercent must be 0–100, not ${o.maxPercent}`);
    if (!Number.isSafeInteger(o.maxAmountUsdCents) || o.maxAmountUsdCents < 0) throw new RangeError(`maxAmountUsdCents must be ≥ 0, not ${o.maxAmountUsdCents}`);
    for (const currency of SELLING_CURRENCIES) {
      rows.push({ id: random.uuid(), role: null, user_id: o.userId, max_percent: o.maxPercent, max_amount_cents: convert(o.maxAmountUsdCents, currency), currency });
    }
  }
  return rows;
}
