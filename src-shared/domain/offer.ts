/**
 * The values an offer's columns take, declared once: the cache's and the store's `offers` tables,
 * the suggestion contracts and the mutations all read them from here.
 */

/** Why a product is suggested; the offer log records the same kind. */
export const OFFER_KINDS = ['complement', 'accessory', 'co_purchase', 'replenishment'] as const;
export type OfferKind = (typeof OFFER_KINDS)[number];

/** What the customer said. `presented` means "offered, no answer yet". */
export const OFFER_OUTCOMES = ['presented', 'accepted', 'declined'] as const;
export type OfferOutcome = (typeof OFFER_OUTCOMES)[number];
