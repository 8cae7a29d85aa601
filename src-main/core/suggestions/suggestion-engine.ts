/**
 * SuggestionEngine: what to offer a caller, ranked, each with a reason the CSR can say — from the
 * local cache alone, so it works offline. Three sources:
 *   (a) complements and accessories (product_relations) of products the customer bought;
 *   (b) co-purchase rules mined from all orders (co_purchases, written by CoPurchaseMiner);
 *   (c) consumables they buy regularly whose next purchase is due.
 * A product the customer already has is never suggested, unless it is a consumable that is due; nor
 * is another variant of it, a product answered within the offer cool-down, or (without marketing
 * consent) anything but a due consumable (src-shared/domain/offer-rules.ts, issue 19 item 10).
 *
 * The work per call is bounded whatever the customer's history: their `MAX_ORDERS` most recent
 * orders (one index range), the curated relations (covering primary-key ranges) and mined rules
 * (held in memory per connection, see SuggestionRepository) of at most `MAX_BASE_PRODUCTS` of the
 * products in them, the products shown (primary key), and — only for a customer with more orders
 * than that — one read of every product they ever bought (their orders' lines: bounded by their
 * own history, not by the cache).
 * Months in reasons are UTC months. While a first copy is still bringing in orders (their indexes
 * are built at its end) there are no suggestions: every source starts from what the customer bought.
 */
import { AppError } from '../../../src-shared/result';
import type { Suggestion, SuggestionKind, SuggestionsListOutput } from '../../../src-shared/contracts/suggestions';
import { SUGGESTION_LIMITS } from '../../../src-shared/contracts/suggestions';
import type { ReadableDb } from '../db/open';
import {
  DEFAULT_OFFER_COOLDOWN_DAYS,
  cooldownStart,
  isVariantOfOwned,
  mayOffer,
  productsInCooldown,
  suggestionPurpose,
} from '../../../src-shared/domain/offer-rules';
import { SuggestionRepository, type ProductFacts, type PurchaseLine } from './suggestion-repository';
import { isoTime } from '../../../src-shared/domain/time';

const DAY = 86_400_000;
/** Orders read per call: the most recent ones. */
export const MAX_ORDERS = 500;
/** Products whose relations and rules are read per call: the most recently bought ones. */
export const MAX_BASE_PRODUCTS = 200;

/**
 * Scoring. Each signal's score estimates, on a 0–1 scale, how likely the customer is to take the
 * product for that reason:
 *   co-purchase:   (P(B|A) − P(B)) × freshness(A)  — confidence minus what chance alone gives
 *                  (confidence × (1 − 1/lift)): a popular product everyone buys earns little, a
 *                  product bought far more often with A earns a lot;
 *   accessory:     ACCESSORY × freshness(A), complement: COMPLEMENT × freshness(A) — merchandisers'
 *                  curated links have no measured rate, so they get a fixed prior, about a typical
 *                  attach rate: a strong mined rule can outrank them, a weak one cannot;
 *   replenishment: HABIT (bought ≥ 2 times at a measured interval) or TYPICAL (bought once, using the
 *                  product's usual interval) × overdue(ratio) — a proven habit is the strongest signal
 *                  we have; a purchase long overdue (past LAPSED_AFTER intervals) fades as
 *                  LAPSED_AFTER ÷ ratio, since they probably buy it elsewhere now.
 *   freshness(A) = ½ + ½ · 2^(−age of the purchase of A ÷ FRESH_HALF_LIFE): matching a purchase of
 *                  this month counts fully, one of years ago about half.
 * A product reached by several signals (an accessory that the data also shows is bought together)
 * scores 1 − Π(1 − sᵢ) ("at least one of the reasons works"): several reasons rank it above any one of
 * them, and the score stays within 0–1. Its kind, reason and basis are those of its strongest signal.
 */
export const SCORING = {
  ACCESSORY: 0.3,
  COMPLEMENT: 0.2,
  HABIT: 0.6,
  TYPICAL: 0.35,
  FRESH_HALF_LIFE_DAYS: 180,
  /** Due from 90 % of the interval on: offer the refill a little before they run out. */
  DUE_AT: 0.9,
  LAPSED_AFTER: 2,
} as const;

interface Signal {
  kind: SuggestionKind;
  score: number;
  /** Words and basis are built only for the products shown (a heavy buyer has thousands of signals). */
  explain: (product: ProductFacts) => { reason: string; basedOn: Suggestion['basedOn'] };
}

interface Basis {
  productId: string;
  soldSku: string;
  soldName: string;
  lastAt: number;
}

const monthYear = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

export function freshness(ageMs: number): number {
  return 0.5 + 0.5 * 2 ** (-Math.max(0, ageMs) / (SCORING.FRESH_HALF_LIFE_DAYS * DAY));
}

function percent(share: number): string {
  const p = Math.round(share * 100);
  return p < 1 ? 'under 1%' : `${p}%`;
}

function times(lift: number): string {
  return `${lift >= 10 ? Math.round(lift) : lift.toFixed(1)}×`;
}

function days(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Replenishment {
  /** Interval in days the estimate uses, and where it came from. */
  intervalDays: number;
  fromHistory: boolean;
  lastAt: number;
  due: boolean;
  /** Elapsed ÷ interval: 1 means exactly due. */
  ratio: number;
}

/**
 * When a consumable is due again. With ≥ 2 purchases on different days: the median of the
 * intervals between them (robust to one odd gap); with one: the product's usual interval. Due once
 * `DUE_AT` of the interval has passed since the last purchase.
 */
export function replenishmentOf(purchaseTimes: readonly number[], replenishDays: number | null, now: number): Replenishment | null {
  if (purchaseTimes.length === 0) return null;
  const sorted = [...purchaseTimes].sort((a, b) => a - b);
  // Purchases less than a day apart are one shopping trip, not an interval.
  const trips: number[] = [];
  for (const t of sorted) if (trips.length === 0 || t - trips[trips.length - 1]! >= DAY) trips.push(t);
  const lastAt = sorted[sorted.length - 1]!;
  let intervalDays: number;
  let fromHistory: boolean;
  if (trips.length >= 2) {
    const gaps: number[] = [];
    for (let i = 1; i < trips.length; i++) gaps.push(trips[i]! - trips[i - 1]!);
    intervalDays = median(gaps) / DAY;
    fromHistory = true;
  } else if (replenishDays !== null && replenishDays > 0) {
    intervalDays = replenishDays;
    fromHistory = false;
  } else {
    return null;
  }
  const ratio = (now - lastAt) / (intervalDays * DAY);
  return { intervalDays, fromHistory, lastAt, due: ratio >= SCORING.DUE_AT, ratio };
}

export class SuggestionEngine {
  private readonly repo: SuggestionRepository;
  private readonly cooldownDays: number;

  /** `offerCooldownDays`: how long a product the customer accepted or declined is not suggested again (offer-rules.ts). */
  constructor(db: ReadableDb, options: { maxRulesInMemory?: number; offerCooldownDays?: number | undefined } = {}) {
    this.repo = new SuggestionRepository(db, options.maxRulesInMemory);
    this.cooldownDays = options.offerCooldownDays ?? DEFAULT_OFFER_COOLDOWN_DAYS;
  }

  list(customerId: string, options: { limit?: number | undefined; now: number }): SuggestionsListOutput {
    const computedAt = this.repo.rulesComputedAt();
    return {
      customerId,
      suggestions: this.suggest(customerId, options),
      marketingConsent: this.repo.marketingConsent(customerId),
      rulesComputedAt: computedAt === null ? null : isoTime(computedAt),
    };
  }

  suggest(customerId: string, { limit = SUGGESTION_LIMITS.defaultCount, now }: { limit?: number | undefined; now: number }): Suggestion[] {
    if (!this.repo.customerExistsById(customerId)) {
      throw new AppError('not_found', 'This customer is not in the local cache.', 'customerId');
    }
    if (this.repo.orderHistoryArriving()) return [];
    const lines = this.repo.recentLines(customerId, MAX_ORDERS);
    if (lines.length === 0) return [];
    const ordersRead = new Set(lines.map((l) => l.orderId)).size;
    // Fewer orders than the cap came back: we saw all of them, and the owned set is complete.
    const sawAllOrders = ordersRead < MAX_ORDERS;

    // Has it (any order not cancelled) — never offered again, except a consumable that is due.
    const owned = new Set<string>();
    // Kept it (not cancelled, not returned) — what suggestions are based on.
    const basis = new Map<string, Basis>();
    const keptConsumables = new Map<string, { last: PurchaseLine; times: number[] }>();
    for (const l of lines) {
      if (l.status === 'cancelled') continue;
      owned.add(l.productId);
      if (l.status === 'returned') continue;
      const b = basis.get(l.productId);
      if (!b || l.placedAt > b.lastAt) basis.set(l.productId, { productId: l.productId, soldSku: l.soldSku, soldName: l.soldName, lastAt: l.placedAt });
      if (l.isConsumable) {
        const k = keptConsumables.get(l.productId);
        if (!k) keptConsumables.set(l.productId, { last: l, times: [l.placedAt] });
        else {
          k.times.push(l.placedAt);
          if (l.placedAt >= k.last.placedAt) k.last = l;
        }
      }
    }
    // The rules of offer-rules.ts: no upsell without marketing consent, nothing answered within the
    // cool-down, no variant of a product they own.
    const consent = this.repo.marketingConsent(customerId);
    const coolingDown = productsInCooldown(this.repo.answeredOffersSince(customerId, cooldownStart(now, this.cooldownDays)), now, this.cooldownDays);
    const ownedSkus = new Set<string>();
    for (const l of lines) if (l.status !== 'cancelled') ownedSkus.add(l.soldSku);

    const bases = [...basis.values()].sort((a, b) => b.lastAt - a.lastAt).slice(0, MAX_BASE_PRODUCTS);
    const baseById = new Map(bases.map((b) => [b.productId, b]));
    const baseIds = bases.map((b) => b.productId);

    const candidates = new Map<string, Signal[]>();
    const add = (productId: string, signal: Signal): void => {
      if (coolingDown.has(productId) || !mayOffer(suggestionPurpose(signal.kind), consent)) return;
      const list = candidates.get(productId);
      if (list) list.push(signal);
      else candidates.set(productId, [signal]);
    };
    const basedOn = (b: Basis): NonNullable<Suggestion['basedOn']> => ({
      productId: b.productId,
      sku: b.soldSku,
      name: b.soldName,
      purchasedAt: isoTime(b.lastAt),
    });

    // (a) Curated complements and accessories of what they bought.
    for (const [baseId, relatedId, kind] of this.repo.relatedOf(baseIds)) {
      if (owned.has(relatedId)) continue;
      const b = baseById.get(baseId)!;
      const link = kind === 'accessory' ? 'matching' : 'pairs well with';
      add(relatedId, {
        kind,
        score: (kind === 'accessory' ? SCORING.ACCESSORY : SCORING.COMPLEMENT) * freshness(now - b.lastAt),
        explain: (p) => ({ reason: `Bought ${b.soldName} in ${monthYear.format(b.lastAt)} → ${link} ${p.name}`, basedOn: basedOn(b) }),
      });
    }

    // (b) Mined co-purchase rules of what they bought.
    for (const [baseId, relatedId, confidence, lift] of this.repo.rulesOf(baseIds)) {
      if (owned.has(relatedId)) continue;
      const gain = confidence * (1 - 1 / lift);
      if (!(gain > 0)) continue;
      const b = baseById.get(baseId)!;
      add(relatedId, {
        kind: 'co_purchase',
        score: gain * freshness(now - b.lastAt),
        explain: (p) => ({
          reason: `Customers who bought ${b.soldName} also bought ${p.name} (${percent(confidence)} of them, ${times(lift)} more than usual)`,
          basedOn: basedOn(b),
        }),
      });
    }

    // (c) Consumables they buy that are due again.
    for (const [productId, k] of keptConsumables) {
      const due = replenishmentOf(k.times, k.last.replenishDays, now);
      if (!due?.due) continue;
      const sinceDays = Math.floor((now - due.lastAt) / DAY);
      const every = Math.round(due.intervalDays);
      const name = k.last.soldName;
      add(productId, {
        kind: 'replenishment',
        score: (due.fromHistory ? SCORING.HABIT : SCORING.TYPICAL) * Math.min(1, SCORING.LAPSED_AFTER / due.ratio),
        explain: () => ({
          // Long overdue reads as a lapsed habit to win back, not as "running out now".
          reason:
            due.ratio > SCORING.LAPSED_AFTER
              ? `Used to buy ${name} about every ${days(every)}; none for ${days(sinceDays)}, probably buys it elsewhere now`
              : due.fromHistory
                ? `Buys ${name} about every ${days(every)}; last bought ${days(sinceDays)} ago`
                : `Bought ${name} ${days(sinceDays)} ago; it usually lasts about ${days(every)}`,
          basedOn: { productId, sku: k.last.soldSku, name, purchasedAt: isoTime(due.lastAt) },
        }),
      });
    }

    const scored: { productId: string; best: Signal; score: number }[] = [];
    for (const [productId, signals] of candidates) {
      let miss = 1;
      let best = signals[0]!;
      for (const s of signals) {
        miss *= 1 - s.score;
        if (s.score > best.score) best = s;
      }
      scored.push({ productId, best, score: Math.min(1, Math.max(0, 1 - miss)) });
    }
    // Ties (rare: equal scores) go to the lower product id, so the order is stable.
    scored.sort((a, b) => b.score - a.score || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));

    const shown: Suggestion[] = [];
    /** Beyond the orders read: everything the customer ever bought, read once, only if something would be shown. */
    let everBought: Set<string> | null = null;
    for (const { productId, best, score } of scored) {
      if (shown.length >= limit) break;
      if (!sawAllOrders && best.kind !== 'replenishment') {
        everBought ??= this.repo.productsEverBought(customerId);
        if (everBought.has(productId)) continue;
      }
      const product = this.repo.productById(productId);
      if (!product) continue; // left the catalogue (or was discontinued) since the rules were mined
      // Another colour or size of something they have is not something to go with it.
      if (best.kind !== 'replenishment' && isVariantOfOwned(product.sku, ownedSkus)) continue;
      const { reason, basedOn: from } = best.explain(product);
      shown.push({
        productId,
        sku: product.sku,
        name: product.name,
        priceCents: product.priceCents,
        currency: product.currency,
        kind: best.kind,
        purpose: suggestionPurpose(best.kind),
        reason,
        score,
        basedOn: from,
      });
    }
    return shown;
  }
}
