/**
 * What may be suggested to a customer, and what counts as an offer — the rules stated once, here
 * (issue 19, item 10). The suggestion engine filters with them, the offer log and the conversion
 * metric count by them, and the Suggestions panel words its controls after them.
 *
 * - An offer is *presented* only when the CSR presents it (a deliberate act: the Present control,
 *   or Accept/Decline, which present it if needed). A suggestion merely shown on screen is not an
 *   offer and never enters conversion (accepted ÷ presented, see metrics.ts).
 * - A product the customer accepted or declined within the cool-down period is not suggested again.
 * - A variant of a product the customer owns (same SKU family: the SKU without its variant code,
 *   `TR-2041-BLK` → `TR-2041`) is not suggested as something to go with it.
 * - A customer without marketing consent gets no upsell; service suggestions (a consumable they
 *   use that is due again) are still shown, marked as service.
 */

/** Days an accepted or declined product is not suggested again to the same customer (the default; the engine takes another). */
export const DEFAULT_OFFER_COOLDOWN_DAYS = 30;

const DAY_MS = 86_400_000;

/**
 * The cool-down as a setting (SWITCHBOARD_OFFER_COOLDOWN_DAYS): a whole number of days from 0 to
 * 3650; unset or empty gives the default. Anything else is refused with a message, not guessed.
 */
export function offerCooldownDaysFrom(raw: string | undefined): { ok: true; days: number } | { ok: false; message: string } {
  if (raw === undefined || raw.trim() === '') return { ok: true, days: DEFAULT_OFFER_COOLDOWN_DAYS };
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 0 || days > 3650) {
    return { ok: false, message: `The offer cool-down must be a whole number of days from 0 to 3650, not "${raw}".` };
  }
  return { ok: true, days };
}

/** Why a suggestion exists: selling something new (needs marketing consent) or serving what they already use. */
export type SuggestionPurpose = 'upsell' | 'service';

/**
 * Replenishment (a consumable they buy that is due again) is a service to the customer; every other
 * kind (complement, accessory, co-purchase) sells something new and is an upsell.
 */
export function suggestionPurpose(kind: string): SuggestionPurpose {
  return kind === 'replenishment' ? 'service' : 'upsell';
}

/** May a suggestion of this purpose be offered to a customer with this marketing consent? */
export function mayOffer(purpose: SuggestionPurpose, marketingConsent: boolean): boolean {
  return purpose === 'service' || marketingConsent;
}

/**
 * A SKU's family: the SKU without its trailing variant code (colour, size, pack), upper-case.
 * `TR-2041-BLK` and `TR-2041-RED` are one family, `TR-2041`. A SKU of fewer than three parts has no
 * variant code and is its own family.
 */
export function skuFamily(sku: string): string {
  const parts = sku.trim().toUpperCase().split('-');
  return parts.length >= 3 ? parts.slice(0, -1).join('-') : parts.join('-');
}

/** True when `candidateSku` is another variant of one of `ownedSkus` (the same product in another colour, size or pack). */
export function isVariantOfOwned(candidateSku: string, ownedSkus: Iterable<string>): boolean {
  const family = skuFamily(candidateSku);
  const candidate = candidateSku.trim().toUpperCase();
  for (const owned of ownedSkus) {
    if (owned.trim().toUpperCase() !== candidate && skuFamily(owned) === family) return true;
  }
  return false;
}

/** The earliest decision instant still inside the cool-down at `now`: answers at or after it block a new suggestion. */
export function cooldownStart(now: number, cooldownDays: number = DEFAULT_OFFER_COOLDOWN_DAYS): number {
  return now - Math.max(0, cooldownDays) * DAY_MS;
}

/** A past answer to an offer. */
export interface OfferAnswer {
  productId: string;
  outcome: 'presented' | 'accepted' | 'declined';
  decidedAt: number | null;
}

/** Products answered (accepted or declined) within the cool-down at `now`: not to be suggested again yet. */
export function productsInCooldown(answers: Iterable<OfferAnswer>, now: number, cooldownDays: number = DEFAULT_OFFER_COOLDOWN_DAYS): Set<string> {
  const from = cooldownStart(now, cooldownDays);
  const out = new Set<string>();
  for (const a of answers) {
    if (a.outcome === 'presented' || a.decidedAt === null) continue;
    if (a.decidedAt >= from) out.add(a.productId);
  }
  return out;
}
