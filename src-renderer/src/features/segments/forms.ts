/**
 * The segment screen's form (issue 22): what the fields hold as typed, and how that becomes a
 * segment definition — checked with the shared schema (src-shared/domain/segment.ts), the same
 * one the store checks again.
 */
import { z } from 'zod';
import { LOYALTY_TIERS, ORDER_CHANNELS } from '../../../../src-shared/domain/customer';
import { BUYER_KINDS, COMPLAINT_HISTORIES, CONSENT_FILTERS, segmentDefinition, type SegmentDefinition, type SegmentDefinitionInput, type SegmentSize } from '../../../../src-shared/domain/segment';

export const segmentFilterForm = z.object({
  skus: z.string(),
  categories: z.string(),
  from: z.string(),
  to: z.string(),
  tiers: z.array(z.enum(LOYALTY_TIERS)),
  valueAtLeast: z.string(),
  valueAtMost: z.string(),
  buyer: z.enum(['', ...BUYER_KINDS]),
  complaints: z.enum(['', ...COMPLAINT_HISTORIES]),
  channels: z.array(z.enum(ORDER_CHANNELS)),
  campaign: z.string(),
  consent: z.enum(['', ...CONSENT_FILTERS]),
});
export type SegmentFilterForm = z.infer<typeof segmentFilterForm>;

export const EMPTY_FILTERS: SegmentFilterForm = {
  skus: '',
  categories: '',
  from: '',
  to: '',
  tiers: [],
  valueAtLeast: '',
  valueAtMost: '',
  buyer: '',
  complaints: '',
  channels: [],
  campaign: '',
  consent: '',
};

/** The form's field a definition's path refers to, for its error. */
const FIELD_OF: Record<string, keyof SegmentFilterForm> = {
  bought: 'skus',
  tiers: 'tiers',
  valueAtLeastCents: 'valueAtLeast',
  valueAtMostCents: 'valueAtMost',
  buyer: 'buyer',
  complaints: 'complaints',
  acquisitionChannels: 'channels',
  campaign: 'campaign',
  consent: 'consent',
};

const words = (s: string) =>
  s
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');

/** "12.50" → 1250; null for anything that is not an amount with at most two decimals. */
export function centsOf(amount: string): number | null {
  const m = /^\s*(\d{1,10})(?:[.,](\d{1,2}))?\s*$/.exec(amount);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

export type DefinitionResult = { ok: true; definition: SegmentDefinition } | { ok: false; field: keyof SegmentFilterForm; message: string };

export function definitionFrom(values: SegmentFilterForm): DefinitionResult {
  const draft: SegmentDefinitionInput = {};
  const skus = words(values.skus);
  const categories = words(values.categories);
  if (skus.length + categories.length > 0) {
    draft.bought = { skus, categories, ...(values.from ? { from: values.from } : {}), ...(values.to ? { to: values.to } : {}) };
  } else if (values.from || values.to) {
    return { ok: false, field: 'skus', message: 'A period applies to what was bought: name a SKU or a category too.' };
  }
  if (values.tiers.length > 0) draft.tiers = values.tiers;
  for (const [field, key] of [
    ['valueAtLeast', 'valueAtLeastCents'],
    ['valueAtMost', 'valueAtMostCents'],
  ] as const) {
    if (values[field].trim() === '') continue;
    const cents = centsOf(values[field]);
    if (cents === null) return { ok: false, field, message: 'An amount such as 250 or 250.00.' };
    draft[key] = cents;
  }
  if (values.buyer) draft.buyer = values.buyer;
  if (values.complaints) draft.complaints = values.complaints;
  if (values.channels.length > 0) draft.acquisitionChannels = values.channels;
  if (values.campaign.trim()) draft.campaign = values.campaign;
  if (values.consent) draft.consent = values.consent;
  const parsed = segmentDefinition.safeParse(draft);
  if (parsed.success) return { ok: true, definition: parsed.data };
  const issue = parsed.error.issues[0]!;
  const head = String(issue.path[0] ?? 'skus');
  const field = head === 'bought' && issue.path[1] === 'to' ? 'to' : (FIELD_OF[head] ?? 'skus');
  return { ok: false, field, message: issue.message };
}

const counted = new Intl.NumberFormat();
function money(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

/** "1,234 customers; lifetime value US$12,345.00" — per currency (with its customers) when there are several, never added up. */
export function sizeSentence(size: SegmentSize): string {
  const people = (n: number) => `${counted.format(n)} customer${n === 1 ? '' : 's'}`;
  if (size.size === 0) return 'No customer matches these filters.';
  const value = size.value.map((v) => (size.value.length === 1 ? money(v.valueCents, v.currency) : `${money(v.valueCents, v.currency)} (${people(v.customers)})`)).join(', ');
  return `${people(size.size)}; lifetime value ${value}.`;
}
