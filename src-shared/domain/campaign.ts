/**
 * Campaign codes (issue 21): defined on the store, pulled into every workstation's cache, and
 * checked here, the same way on both, so a code is checked offline and the store agrees. A code
 * that cannot be used gets a sentence saying why, never a silent zero.
 *
 * A campaign's `channel` says where its code may be used: `offline` is phone and store orders,
 * `online` the web shop, `both` either. The same campaign's online and offline versions share a
 * `family` and have different codes, so reports can tell them apart.
 */
import type { CampaignChannel, CampaignRule } from './order';
import { formatCents } from './money';

/** A row of `campaigns`, as the cache and the store hold it (camelCase). */
export interface Campaign {
  id: string;
  /** Upper-case, unique. */
  code: string;
  /** The campaign its online and offline versions belong to, e.g. 'SPRING-2026'. */
  family: string;
  name: string;
  channel: CampaignChannel;
  rule: CampaignRule;
  /** percent: 1..100; amount: cents (in `currency`); free_shipping: 0. */
  value: number;
  /** The currency of the amount and of the minimum order; null: any currency (the figures as they are). */
  currency: string | null;
  /** The order's subtotal (before discounts, tax excluded) must reach this for the code to apply. */
  minOrderCents: number;
  /** Epoch milliseconds; valid from this instant on. */
  startsAt: number;
  /** Epoch milliseconds; valid until just before this instant; null: no end. */
  endsAt: number | null;
  active: boolean;
}

/** Where and for what the code is checked. */
export interface CodeContext {
  /** Epoch milliseconds. */
  now: number;
  /** `offline`: a phone (or store) order; `online`: the web shop. */
  channel: Exclude<CampaignChannel, 'both'>;
  currency: string;
  /** The order's subtotal before discounts, tax excluded (PricedOrder.subtotalCents). */
  subtotalCents: number;
}

export type CodeCheck = { ok: true; campaign: Campaign } | { ok: false; reason: string };

/** Longer than any code: the length a code field takes. */
export const CAMPAIGN_CODE_MAX = 40;

/**
 * A code as read out or typed ("spring 10", " Spring-10 ") in the form it is stored: upper case,
 * no spaces (any kind) anywhere.
 */
export function normaliseCode(code: string): string {
  return code.normalize('NFKC').replace(/\s+/gu, '').toUpperCase();
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Whether `code` can be used on this order, and if not, why, in a sentence the CSR can read to
 * the caller. Checked in this order: unknown, inactive, not yet valid, expired, channel, currency,
 * minimum order — the first that fails is the one said.
 */
export function checkCode(code: string, campaigns: readonly Campaign[], ctx: CodeContext): CodeCheck {
  const wanted = normaliseCode(code);
  if (wanted === '') return { ok: false, reason: 'Enter a campaign code.' };
  const campaign = wanted.length > CAMPAIGN_CODE_MAX ? undefined : campaigns.find((c) => normaliseCode(c.code) === wanted);
  if (campaign === undefined) return { ok: false, reason: `There is no campaign with the code ${wanted.slice(0, CAMPAIGN_CODE_MAX)}: check the spelling with the caller.` };
  if (!campaign.active) return { ok: false, reason: `The code ${campaign.code} has been switched off; it gives no discount.` };
  if (ctx.now < campaign.startsAt) return { ok: false, reason: `The code ${campaign.code} is not valid yet: it starts on ${day(campaign.startsAt)}.` };
  if (campaign.endsAt !== null && ctx.now >= campaign.endsAt) {
    return { ok: false, reason: `The code ${campaign.code} has expired: it ended on ${day(campaign.endsAt - 1)}.` };
  }
  if (campaign.channel !== 'both' && campaign.channel !== ctx.channel) {
    return {
      ok: false,
      reason:
        campaign.channel === 'online'
          ? `The code ${campaign.code} is for the web shop only, not for phone orders.`
          : `The code ${campaign.code} is for phone and store orders only, not for the web shop.`,
    };
  }
  if (campaign.currency !== null && campaign.currency !== ctx.currency) {
    return { ok: false, reason: `The code ${campaign.code} is for orders in ${campaign.currency}; this order is in ${ctx.currency}.` };
  }
  if (ctx.subtotalCents < campaign.minOrderCents) {
    const currency = campaign.currency ?? ctx.currency;
    return {
      ok: false,
      reason: `The code ${campaign.code} needs an order of at least ${formatCents(campaign.minOrderCents, currency)} before discounts and tax; this one is ${formatCents(ctx.subtotalCents, currency)}.`,
    };
  }
  return { ok: true, campaign };
}
