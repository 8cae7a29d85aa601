/**
 * Discount authority (issue 21): the largest manual discount a person may give on an order
 * without a supervisor, as a percent and as an amount per order. Admins set it per role, and may
 * override it for one user (`discount_limits` rows, pulled like the other store-owned tables).
 * Checked the same way by the workstation (before submitting) and by the store (on arrival).
 *
 * Which limit applies, for a user and the order's currency:
 * 1. the user's own row in that currency, if there is one;
 * 2. else their role's row in that currency;
 * 3. else the role's default percent (DISCOUNT_AUTHORITY_PERCENT), with no amount cap.
 * Only the manual discount counts: a campaign's discount is the store's own offer, not the CSR's.
 */
import { DISCOUNT_AUTHORITY_PERCENT, type UserRole } from '../auth/permissions';
import { formatCents } from './money';
import type { ManualDiscount, PricedOrder } from './pricing';

/** A row of `discount_limits` (camelCase): exactly one of `role` and `userId` is set. */
export interface DiscountLimit {
  id: string;
  role: UserRole | null;
  /** The store user id of the one user the row is for. */
  userId: string | null;
  /** 0..100. */
  maxPercent: number;
  /** Per order, in `currency`. */
  maxAmountCents: number;
  currency: string;
}

export interface DiscountAuthority {
  maxPercent: number;
  /** Null: no cap on the amount beyond the percent (the role's default applies). */
  maxAmountCents: number | null;
  currency: string;
  /** Where the limit came from: the user's own row, their role's, or the built-in default. */
  source: 'user' | 'role' | 'default';
}

/** The authority of `user` for an order in `currency`. */
export function authorityOf(user: { id: string; role: UserRole }, limits: readonly DiscountLimit[], currency: string): DiscountAuthority {
  const own = limits.find((l) => l.userId === user.id && l.role === null && l.currency === currency);
  if (own) return { maxPercent: own.maxPercent, maxAmountCents: own.maxAmountCents, currency, source: 'user' };
  const role = limits.find((l) => l.role === user.role && l.userId === null && l.currency === currency);
  if (role) return { maxPercent: role.maxPercent, maxAmountCents: role.maxAmountCents, currency, source: 'role' };
  return { maxPercent: DISCOUNT_AUTHORITY_PERCENT[user.role], maxAmountCents: null, currency, source: 'default' };
}

export type AuthorityCheck = { needsApproval: false } | { needsApproval: true; reason: string };

const APPROVAL = 'a supervisor must approve it.';

/**
 * Whether the order's manual discount is beyond `authority`, and why in a sentence. The percent is
 * measured against the order after its campaign discount (what the manual discount applies to):
 * a discount given as a percent is compared as typed; one given as an amount, by the share of
 * that base it takes (exactly, in integers). The amount cap compares the discount in cents.
 */
export function exceedsAuthority(manualDiscount: ManualDiscount | null, priced: PricedOrder, authority: DiscountAuthority): AuthorityCheck {
  const cents = priced.manualDiscountCents;
  const base = priced.subtotalCents - priced.campaignDiscountCents;
  const { maxPercent, maxAmountCents, currency } = authority;
  if (manualDiscount?.kind === 'percent' && manualDiscount.value > maxPercent) {
    return { needsApproval: true, reason: `A discount of ${manualDiscount.value}% is beyond your authority of ${maxPercent}% per order: ${APPROVAL}` };
  }
  if (cents > 0 && cents * 100 > maxPercent * base) {
    // Rounded up for the sentence so it never reads as within the limit.
    const percent = Math.ceil((cents * 100) / base);
    return {
      needsApproval: true,
      reason: `A discount of ${formatCents(cents, currency)} is ${percent}% of the order, beyond your authority of ${maxPercent}% per order: ${APPROVAL}`,
    };
  }
  if (maxAmountCents !== null && cents > maxAmountCents) {
    return {
      needsApproval: true,
      reason: `A discount of ${formatCents(cents, currency)} is beyond your authority of ${formatCents(maxAmountCents, currency)} per order: ${APPROVAL}`,
    };
  }
  return { needsApproval: false };
}

/** The short form: true when the priced order's manual discount needs a supervisor's approval. */
export function needsApproval(priced: PricedOrder, authority: DiscountAuthority, manualDiscount: ManualDiscount | null = null): boolean {
  return exceedsAuthority(manualDiscount, priced, authority).needsApproval;
}
