/** How lookup values read on screen. Formats follow the workstation's locale. */
import { formatPhone } from '../../../../src-shared/domain/phone';
import type { LoyaltyTier } from '../../../../src-shared/domain/customer';
import type { MatchKind } from '../../../../src-shared/contracts/lookup';

const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/** A date from the core (ISO 8601 or epoch ms as text) as "12 Mar 2025"; unreadable text is shown as is. */
export function formatDate(value: string | null): string {
  if (value === null || value === '') return '—';
  const asNumber = Number(value);
  const date = Number.isFinite(asNumber) && /^\d+$/.test(value) ? new Date(asNumber) : new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateFormat.format(date);
}

/** Stored numbers are E.164; shown grouped the way the country writes them ("+44 20 7946 0958"). */
export function displayPhone(value: string | null): string {
  if (value === null || value === '') return '—';
  return value.startsWith('+') ? formatPhone(value) : value;
}

export function formatMoney(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

export const countFormat = new Intl.NumberFormat();

const TIER_LABELS: Record<LoyaltyTier, string> = {
  none: 'No tier',
  bronze: 'Bronze',
  silver: 'Silver',
  gold: 'Gold',
  platinum: 'Platinum',
};

export function tierLabel(tier: LoyaltyTier): string {
  return TIER_LABELS[tier];
}

const MATCH_LABELS: Record<MatchKind, string> = {
  phone: 'Phone',
  email: 'Email',
  name: 'Name',
  order: 'Order',
  sku: 'Product',
};

export function matchLabel(kind: MatchKind): string {
  return MATCH_LABELS[kind];
}
