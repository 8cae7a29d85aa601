/**
 * Audience segments (issue 22, "Segments and customer feedback"): which customers a supervisor
 * means, declared once here. The store compiles a definition to one parameterised PostgreSQL query
 * (server/src/segments/segment-sql.ts); `segmentMembers` below is the plain TypeScript reference
 * the property test holds that query to.
 *
 * Every filter given must hold (AND); a filter left out does not narrow. The words each filter
 * means, as the screen says them:
 * - `bought`: bought one of the SKUs, or anything in one of the categories, in the period (UTC days,
 *   both included; either end may be open) — on an order that counts as spending (order-value.ts).
 * - `tiers`: the customer's loyalty tier is one of these.
 * - `valueAtLeastCents` / `valueAtMostCents`: lifetime value, in the customer's own currency: the
 *   totals of their spending orders in that currency (the same rule as the customer card's). The
 *   store's `customers.lifetime_value_cents` is written by the seed only and not kept up to date as
 *   orders arrive, so the store keeps its own rollup of it (customer_order_stats, kept by triggers).
 * - `buyer`: `repeat` = at least two spending orders; `one_time` = exactly one.
 * - `complaints`: `any` = at least one complaint ever; `none` = never; `open` = one not resolved.
 * - `acquisitionChannels`: the channel of the customer's first spending order (earliest placed,
 *   ties by order id); the schema stores no acquisition channel of its own. A customer who never
 *   bought has none and is in no channel.
 * - `campaign`: placed a spending order with this campaign code.
 * - `consent`: the marketing consent flag (`given` / `not_given`).
 */
import { CONSENT_FIELD, type ConsentField } from './consent';
import { z } from 'zod';
import { text } from '../contracts/text';
import { COMPLAINT_STATUSES, type ComplaintStatus } from './complaint';
import { LOYALTY_TIERS, ORDER_CHANNELS, type LoyaltyTier, type OrderChannel, type OrderStatus } from './customer';
import { countsAsSpending } from './order-value';
import { normaliseCode, CAMPAIGN_CODE_MAX } from './campaign';

export const SEGMENT_LIMITS = { name: 80, list: 20, sku: 40, category: 80, maxCents: 1_000_000_000_00 } as const;

export const BUYER_KINDS = ['repeat', 'one_time'] as const;
export type BuyerKind = (typeof BUYER_KINDS)[number];
export const COMPLAINT_HISTORIES = ['any', 'none', 'open'] as const;
export type ComplaintHistory = (typeof COMPLAINT_HISTORIES)[number];
export const CONSENT_FILTERS = ['given', 'not_given'] as const;

/** A complaint not yet resolved (the `open` complaint history). */
export const OPEN_COMPLAINT_STATUSES = COMPLAINT_STATUSES.filter((s) => s !== 'resolved') as readonly ComplaintStatus[];

/**
 * The channels a segment is exported for. Consent is asked per channel through `CONSENT_BY_CHANNEL`:
 * each channel's own marketing consent (issue 23, src-shared/domain/consent.ts).
 */
export const EXPORT_CHANNELS = ['email', 'phone', 'sms'] as const;
export type ExportChannel = (typeof EXPORT_CHANNELS)[number];
export const CONSENT_BY_CHANNEL: Readonly<Record<ExportChannel, ConsentField>> = CONSENT_FIELD;

const day = text().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'A day as YYYY-MM-DD.' });
const cents = z.number().int().min(0).max(SEGMENT_LIMITS.maxCents);
const sku = text()
  .trim()
  .min(1)
  .max(SEGMENT_LIMITS.sku)
  .transform((s) => s.toUpperCase());
const category = text().trim().min(1).max(SEGMENT_LIMITS.category);

export const segmentDefinition = z
  .object({
    bought: z
      .object({
        skus: z.array(sku).max(SEGMENT_LIMITS.list).default([]),
        categories: z.array(category).max(SEGMENT_LIMITS.list).default([]),
        from: day.optional(),
        to: day.optional(),
      })
      .strict()
      .refine((b) => b.skus.length + b.categories.length > 0, { message: 'Name at least one SKU or category.', path: ['skus'] })
      .refine((b) => b.from === undefined || b.to === undefined || b.from <= b.to, { message: 'The period ends before it starts.', path: ['to'] })
      .optional(),
    tiers: z.array(z.enum(LOYALTY_TIERS)).min(1).max(LOYALTY_TIERS.length).optional(),
    valueAtLeastCents: cents.optional(),
    valueAtMostCents: cents.optional(),
    buyer: z.enum(BUYER_KINDS).optional(),
    complaints: z.enum(COMPLAINT_HISTORIES).optional(),
    acquisitionChannels: z.array(z.enum(ORDER_CHANNELS)).min(1).max(ORDER_CHANNELS.length).optional(),
    campaign: text()
      .max(CAMPAIGN_CODE_MAX)
      .transform(normaliseCode)
      .pipe(z.string().min(1, { message: 'Enter a campaign code.' }))
      .optional(),
    consent: z.enum(CONSENT_FILTERS).optional(),
  })
  .strict()
  .refine((d) => d.valueAtLeastCents === undefined || d.valueAtMostCents === undefined || d.valueAtLeastCents <= d.valueAtMostCents, {
    message: 'The lowest value is above the highest.',
    path: ['valueAtMostCents'],
  });
export type SegmentDefinition = z.output<typeof segmentDefinition>;
export type SegmentDefinitionInput = z.input<typeof segmentDefinition>;

/** The period's bounds in epoch ms: from the start of `from` to the end of `to` (exclusive), UTC. */
export function periodBounds(from: string | undefined, to: string | undefined): { fromMs: number | null; toMs: number | null } {
  return {
    fromMs: from === undefined ? null : Date.parse(`${from}T00:00:00Z`),
    toMs: to === undefined ? null : Date.parse(`${to}T00:00:00Z`) + 86_400_000,
  };
}

/** What the size line shows: how many customers, and their lifetime value per currency (never added across currencies). */
export interface SegmentSize {
  size: number;
  value: { currency: string; customers: number; valueCents: number }[];
}

// ——— The reference: what the store's query must answer ———

export interface RefCustomer {
  id: string;
  tier: LoyaltyTier;
  consent: boolean;
  currency: string;
}
export interface RefOrder {
  id: string;
  customerId: string;
  status: OrderStatus;
  channel: OrderChannel;
  currency: string;
  totalCents: number;
  placedAt: number;
  campaignCode: string | null;
}
export interface RefLine {
  orderId: string;
  sku: string;
  category: string;
}
export interface RefComplaint {
  customerId: string;
  status: ComplaintStatus;
}
export interface SegmentData {
  customers: readonly RefCustomer[];
  orders: readonly RefOrder[];
  lines: readonly RefLine[];
  complaints: readonly RefComplaint[];
}

/** Lifetime value, spending orders and acquisition channel of each customer, by the rules above. */
export function customerFigures(data: SegmentData): Map<string, { valueCents: number; spendingOrders: number; firstChannel: OrderChannel | null }> {
  const currency = new Map(data.customers.map((c) => [c.id, c.currency]));
  const out = new Map(data.customers.map((c) => [c.id, { valueCents: 0, spendingOrders: 0, firstChannel: null as OrderChannel | null, first: null as RefOrder | null }]));
  for (const o of data.orders) {
    const f = out.get(o.customerId);
    if (!f || !countsAsSpending(o.status)) continue;
    f.spendingOrders++;
    if (o.currency === currency.get(o.customerId)) f.valueCents += o.totalCents;
    if (f.first === null || o.placedAt < f.first.placedAt || (o.placedAt === f.first.placedAt && o.id < f.first.id)) f.first = o;
  }
  return new Map([...out].map(([id, f]) => [id, { valueCents: f.valueCents, spendingOrders: f.spendingOrders, firstChannel: f.first?.channel ?? null }]));
}

/** The ids of the customers in the segment, in id order. */
export function segmentMembers(def: SegmentDefinition, data: SegmentData): string[] {
  const figures = customerFigures(data);
  const ordersById = new Map(data.orders.map((o) => [o.id, o]));
  const { fromMs, toMs } = periodBounds(def.bought?.from, def.bought?.to);
  const bought = new Set<string>();
  if (def.bought) {
    const skus = new Set(def.bought.skus);
    const categories = new Set(def.bought.categories);
    for (const l of data.lines) {
      const o = ordersById.get(l.orderId);
      if (!o || !countsAsSpending(o.status)) continue;
      if (fromMs !== null && o.placedAt < fromMs) continue;
      if (toMs !== null && o.placedAt >= toMs) continue;
      if (skus.has(l.sku) || categories.has(l.category)) bought.add(o.customerId);
    }
  }
  const withComplaint = new Set(data.complaints.map((k) => k.customerId));
  const withOpen = new Set(data.complaints.filter((k) => OPEN_COMPLAINT_STATUSES.includes(k.status)).map((k) => k.customerId));
  const usedCampaign = new Set(data.orders.filter((o) => def.campaign !== undefined && o.campaignCode === def.campaign && countsAsSpending(o.status)).map((o) => o.customerId));
  return data.customers
    .filter((c) => {
      const f = figures.get(c.id)!;
      if (def.bought && !bought.has(c.id)) return false;
      if (def.tiers && !def.tiers.includes(c.tier)) return false;
      if (def.valueAtLeastCents !== undefined && f.valueCents < def.valueAtLeastCents) return false;
      if (def.valueAtMostCents !== undefined && f.valueCents > def.valueAtMostCents) return false;
      if (def.buyer === 'repeat' && f.spendingOrders < 2) return false;
      if (def.buyer === 'one_time' && f.spendingOrders !== 1) return false;
      if (def.complaints === 'any' && !withComplaint.has(c.id)) return false;
      if (def.complaints === 'none' && withComplaint.has(c.id)) return false;
      if (def.complaints === 'open' && !withOpen.has(c.id)) return false;
      if (def.acquisitionChannels && (f.firstChannel === null || !def.acquisitionChannels.includes(f.firstChannel))) return false;
      if (def.campaign !== undefined && !usedCampaign.has(c.id)) return false;
      if (def.consent === 'given' && !c.consent) return false;
      if (def.consent === 'not_given' && c.consent) return false;
      return true;
    })
    .map((c) => c.id)
    .sort();
}

/** The reference's size and value per currency. */
export function segmentSizeOf(def: SegmentDefinition, data: SegmentData): SegmentSize {
  const figures = customerFigures(data);
  const byId = new Map(data.customers.map((c) => [c.id, c]));
  const value = new Map<string, { customers: number; valueCents: number }>();
  const members = segmentMembers(def, data);
  for (const id of members) {
    const c = byId.get(id)!;
    const v = value.get(c.currency) ?? { customers: 0, valueCents: 0 };
    v.customers++;
    v.valueCents += figures.get(id)!.valueCents;
    value.set(c.currency, v);
  }
  return {
    size: members.length,
    value: [...value]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([currency, v]) => ({ currency, ...v })),
  };
}
