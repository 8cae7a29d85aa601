/**
 * Upsell suggestions and the offer log. `suggestions:list` ranks what to offer a customer, each
 * with a reason in words; `offer:present` / `offer:decide` record what the CSR deliberately offered (never what was merely
 * shown: src-shared/domain/offer-rules.ts) and what the
 * customer said, so upsell conversion (accepted ÷ presented, src-shared/domain/metrics.ts) can be
 * measured per call, per customer and per CSR.
 */
import { z } from 'zod';
import { text } from './text';
import { channelGroup, defineChannel } from './define';
import { OFFER_KINDS, OFFER_OUTCOMES, type OfferKind } from '../domain/offer';

/** Why a product is suggested; the offer log records the same kind. */
export const SUGGESTION_KINDS = OFFER_KINDS;
export type SuggestionKind = OfferKind;

export { OFFER_OUTCOMES };
export type { OfferOutcome } from '../domain/offer';
export const OFFER_DECISIONS = ['accepted', 'declined'] as const;
export type OfferDecision = (typeof OFFER_DECISIONS)[number];

/** Limits stated once: the UI and main validate with the same numbers. */
export const SUGGESTION_LIMITS = {
  defaultCount: 5,
  maxCount: 20,
  reason: 500,
} as const;

const customerId = text().uuid({ message: 'Not a customer id.' });
const productId = text().uuid({ message: 'Not a product id.' });
const callId = text().uuid({ message: 'Not a call id.' });
const offerId = text().uuid({ message: 'Not an offer id.' });
/** An instant as ISO 8601 UTC, e.g. 2026-03-14T09:30:00.000Z. */
const isoInstant = text();

export const suggestion = z.object({
  productId: text(),
  sku: text(),
  name: text(),
  /** List price in minor units of `currency`. */
  priceCents: z.number().int(),
  currency: text(),
  kind: z.enum(SUGGESTION_KINDS),
  /** upsell: sells something new (only with marketing consent); service: a consumable they use is due (src-shared/domain/offer-rules.ts). */
  purpose: z.enum(['upsell', 'service']),
  /** Why, in words the CSR can say: "Bought Trail Runner 2 in March 2026 → matching Trail Gaiter". */
  reason: text(),
  /** Ranking score in [0, 1]: higher is offered first (see SuggestionEngine for the formula). */
  score: z.number().min(0).max(1),
  /** The purchase the suggestion comes from, or null when it rests on no single purchase. */
  basedOn: z
    .object({
      productId: text(),
      sku: text(),
      name: text(),
      purchasedAt: isoInstant,
    })
    .nullable(),
});
export type Suggestion = z.infer<typeof suggestion>;

export const suggestionsListInput = z.object({
  customerId,
  limit: z
    .number()
    .int()
    .min(1, { message: 'Ask for at least one suggestion.' })
    .max(SUGGESTION_LIMITS.maxCount, { message: `At most ${SUGGESTION_LIMITS.maxCount} suggestions.` })
    .optional(),
});
export type SuggestionsListInput = z.infer<typeof suggestionsListInput>;

export const suggestionsListOutput = z.object({
  customerId: text(),
  /** Best first, one row per product. Empty when there is nothing worth offering. */
  suggestions: z.array(suggestion),
  /** False: the customer said "do not market", so only service suggestions are listed. */
  marketingConsent: z.boolean(),
  /** When the co-purchase rules these suggestions used were computed; null before the first run. */
  rulesComputedAt: isoInstant.nullable(),
});
export type SuggestionsListOutput = z.infer<typeof suggestionsListOutput>;

export const suggestionsList = defineChannel({
  channel: 'suggestions:list',
  permission: 'customer.read',
  access: 'read',
  input: suggestionsListInput,
  output: suggestionsListOutput,
});

/** The co-purchase miner's progress, for a status line and for tests. */
export const coPurchaseStatus = z.object({
  /** never: no rules yet; building: a full count is under way; ready: rules cover `ordersCovered`. */
  state: z.enum(['never', 'building', 'ready']),
  /** When the rules in use were computed; null before the first run. */
  computedAt: isoInstant.nullable(),
  /** Orders counted into the rules. */
  ordersCovered: z.number().int().nonnegative(),
  /** Orders in the cache not yet counted (they are counted on the miner's next run). */
  ordersPending: z.number().int().nonnegative(),
  /** Rules ("bought A → also bought B") in use. */
  rules: z.number().int().nonnegative(),
  /** How long the last run took, in ms; null before the first run. */
  lastRunMs: z.number().nonnegative().nullable(),
});
export type CoPurchaseStatus = z.infer<typeof coPurchaseStatus>;

export const suggestionsStatus = defineChannel({
  channel: 'suggestions:status',
  permission: 'customer.read',
  access: 'read',
  input: z.object({}).strict(),
  output: coPurchaseStatus,
});

export const offerPresentInput = z.object({
  customerId,
  /** The call it was offered on; null or absent for an offer made outside a call (e.g. at a store counter). */
  callId: callId.nullable().optional(),
  productId,
  kind: z.enum(SUGGESTION_KINDS),
  /** The reason as shown to the CSR, kept with the offer. */
  reason: text()
    .trim()
    .min(1, { message: 'The reason is required.' })
    .max(SUGGESTION_LIMITS.reason, { message: `Reason: at most ${SUGGESTION_LIMITS.reason} characters.` }),
});
export type OfferPresentInput = z.infer<typeof offerPresentInput>;

export const offerRecord = z.object({
  offerId: text(),
  customerId: text(),
  callId: text().nullable(),
  productId: text(),
  kind: z.enum(SUGGESTION_KINDS),
  reason: text(),
  outcome: z.enum(OFFER_OUTCOMES),
  agentId: text(),
  presentedAt: isoInstant,
  decidedAt: isoInstant.nullable(),
});
export type OfferRecord = z.infer<typeof offerRecord>;

export const offerPresentOutput = z.object({
  offer: offerRecord,
  /** True when this product was already presented on this call: the existing offer is returned, nothing is written. */
  alreadyPresented: z.boolean(),
});
export type OfferPresentOutput = z.infer<typeof offerPresentOutput>;

export const offerPresent = defineChannel({
  channel: 'offer:present',
  permission: 'offer.present',
  access: 'write',
  input: offerPresentInput,
  output: offerPresentOutput,
});

export const offerDecideInput = z.object({
  offerId,
  outcome: z.enum(OFFER_DECISIONS, { message: 'The outcome is "accepted" or "declined".' }),
});
export type OfferDecideInput = z.infer<typeof offerDecideInput>;

export const offerDecide = defineChannel({
  channel: 'offer:decide',
  permission: 'offer.present',
  access: 'write',
  input: offerDecideInput,
  output: offerRecord,
});

export const offersStatsInput = z
  .object({ customerId: customerId.optional(), callId: callId.optional() })
  .refine((i) => (i.customerId === undefined) !== (i.callId === undefined), {
    message: 'Give either a customer or a call, not both.',
  });
export type OffersStatsInput = z.infer<typeof offersStatsInput>;

export const offersStatsOutput = z.object({
  /** Every offer made (whatever the answer): the denominator of conversion. */
  presented: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  declined: z.number().int().nonnegative(),
  /** Offered, no answer recorded yet. */
  undecided: z.number().int().nonnegative(),
  /** Upsell conversion = accepted ÷ presented, in [0, 1]; null when nothing was presented. */
  conversion: z.number().min(0).max(1).nullable(),
  /**
   * Offers that ended in an ordered line (issue 21): the line names the offer and its order counts
   * as spending (placed, paid, shipped or delivered: src-shared/domain/order-value.ts), so a phone
   * order counts once the store confirms it, and not if it is cancelled or returned.
   */
  converted: z.number().int().nonnegative(),
  /** Those lines' revenue (their totals: after discounts, tax included), per currency, never summed across currencies; empty when none. */
  convertedRevenue: z.array(z.object({ currency: text(), totalCents: z.number().int() })),
});
export type OffersStatsOutput = z.infer<typeof offersStatsOutput>;

export const offersStats = defineChannel({
  channel: 'offers:stats',
  permission: 'offer.present',
  access: 'read',
  input: offersStatsInput,
  output: offersStatsOutput,
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const suggestionChannels = channelGroup(suggestionsList, suggestionsStatus, offerPresent, offerDecide, offersStats);
