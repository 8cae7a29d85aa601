/**
 * Customer 360: contact edits (with their history), one timeline of orders, calls, complaints and
 * notes across channels, and past purchases with line items, filters and totals.
 */
import { z } from 'zod';
import { freeText, text } from './text';
import { channelGroup, defineChannel } from './define';
import { LIMITS, ORDER_CHANNELS, ORDER_STATUSES, PHONE_KINDS } from '../domain/customer';
import { CONSENT_SOURCES } from '../domain/consent';
import { CALL_SOURCES, CALL_STATUSES } from './calls';
import { COMPLAINT_SEVERITIES, COMPLAINT_STATUSES, calendarDate } from './complaints';

const customerId = text().uuid({ message: 'Not a customer id.' });
const isoInstant = text();

// ——— Contact data ———

/** Limits stated once: the contact form and main validate with the same numbers. */
export const CONTACT_LIMITS = {
  name: LIMITS.name,
  phoneRaw: LIMITS.phoneRaw,
  email: LIMITS.email,
  addressLine: LIMITS.addressLine,
  city: LIMITS.city,
  region: 100,
  postalCode: 20,
  phones: 5,
  emails: 5,
} as const;

const required = (max: number, label: string, typed: typeof text = text) =>
  typed()
    .trim()
    .min(1, { message: `${label} is required.` })
    .max(max, { message: `${label}: at most ${max} characters.` });

/** Optional text: an empty field means "none". */
const optional = (max: number, label: string, typed: typeof text = text) =>
  typed()
    .trim()
    .max(max, { message: `${label}: at most ${max} characters.` })
    .optional();

export const contactPhone = z.object({
  /** Any format; stored as E.164 (read with the workstation's default region). */
  number: required(CONTACT_LIMITS.phoneRaw, 'Phone'),
  kind: z.enum(PHONE_KINDS),
});

export const contactAddress = z.object({
  // Address lines are typed freely: a card number there is refused like in a note (issue 21).
  line1: required(CONTACT_LIMITS.addressLine, 'Address', freeText),
  line2: optional(CONTACT_LIMITS.addressLine, 'Address line 2', freeText),
  city: required(CONTACT_LIMITS.city, 'City'),
  region: optional(CONTACT_LIMITS.region, 'Region'),
  postalCode: optional(CONTACT_LIMITS.postalCode, 'Postal code'),
  /** ISO 3166-1 alpha-2, e.g. GB. */
  country: text()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, { message: 'Country: the two-letter code, e.g. GB or US.' }),
});

/**
 * An email address, internationalised ones included (`josé@exämple.de`, issue 19, item 12): any
 * characters but spaces, "@" and quotes before the "@", and a domain of letters or digits in any
 * script, with at least one dot. zod's own email check takes ASCII only.
 */
export const EMAIL_ADDRESS = /^[^\s@"]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;

/**
 * The contact form, shared by the renderer's react-hook-form and main. Lists are in priority
 * order: the first phone and the first email are the primary ones. The whole contact record is
 * sent; only fields that differ from what is stored are written and recorded.
 */
export const contactForm = z.object({
  firstName: required(CONTACT_LIMITS.name, 'First name'),
  lastName: required(CONTACT_LIMITS.name, 'Last name'),
  phones: z.array(contactPhone).max(CONTACT_LIMITS.phones, { message: `At most ${CONTACT_LIMITS.phones} phone numbers.` }),
  emails: z
    .array(
      text()
        .trim()
        .toLowerCase()
        .max(CONTACT_LIMITS.email, { message: `Email: at most ${CONTACT_LIMITS.email} characters.` })
        .regex(EMAIL_ADDRESS, { message: 'Not an email address.' }),
    )
    .max(CONTACT_LIMITS.emails, { message: `At most ${CONTACT_LIMITS.emails} email addresses.` }),
  /** The primary address; null removes it. */
  primaryAddress: contactAddress.nullable(),
  /** Whether the customer agrees to marketing: their choice, recorded as a change like any other. */
  marketingConsent: z.boolean(),
  /**
   * Consent per channel (issue 23). Given (all three), they decide and `marketingConsent` is
   * derived from them (consent on any channel); absent (an older form), `marketingConsent` sets
   * every channel when it changes.
   */
  consentEmail: z.boolean().optional(),
  consentPhone: z.boolean().optional(),
  consentSms: z.boolean().optional(),
  /** On whose word the consent changed; recorded with each consent change. */
  consentSource: z.enum(CONSENT_SOURCES).optional(),
});
export type ContactForm = z.infer<typeof contactForm>;
export type ContactFormInput = z.input<typeof contactForm>;

/** The consent per channel (issue 23, src-shared/domain/consent.ts) come last: `marketing_consent` is derived from them. */
export const CONTACT_FIELDS = ['first_name', 'last_name', 'phones', 'emails', 'primary_address', 'marketing_consent', 'consent_email', 'consent_phone', 'consent_sms'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

export const customerUpdateContactInput = contactForm.extend({
  customerId,
  /** The call the change was made on, if any. */
  callId: text().uuid({ message: 'Not a call id.' }).optional(),
  /**
   * The CSR confirmed keeping the numbers the phone library cannot read ("Save anyway as
   * unverified"): new ones are saved as typed, marked unverified (issue 18). Without it a new such
   * number is refused with code `unparseable_phone` on its field; numbers the customer already has
   * unverified stay as they are either way.
   */
  keepUnverifiedPhones: z.boolean().optional(),
});
export type CustomerUpdateContactInput = z.infer<typeof customerUpdateContactInput>;

const contactChange = z.object({ field: z.enum(CONTACT_FIELDS), oldValue: text().nullable(), newValue: text().nullable() });

export const customerUpdateContact = defineChannel({
  channel: 'customer:update-contact',
  permission: 'customer.edit_contact',
  access: 'write',
  input: customerUpdateContactInput,
  /** What changed; empty when the form matched what was stored (then nothing was written). */
  output: z.object({ customerId: text(), changes: z.array(contactChange) }),
});

/**
 * The fields an edit history row can name: the contact fields, and `delivery_address`, an address
 * added to the profile while taking a phone order (issue 21; orders/order-desk.ts).
 */
export const EDIT_HISTORY_FIELDS = [...CONTACT_FIELDS, 'delivery_address'] as const;

export const contactEdit = contactChange.extend({
  field: z.enum(EDIT_HISTORY_FIELDS),
  /** On whose word a consent changed (issue 23); null for other fields and older edits. */
  source: z.enum(CONSENT_SOURCES).nullable().optional(),
  id: text(),
  agentId: text(),
  callId: text().nullable(),
  at: isoInstant,
});
export type ContactEdit = z.infer<typeof contactEdit>;

export const EDIT_HISTORY_MAX = 500;

export const customerEditHistory = defineChannel({
  channel: 'customer:edit-history',
  permission: 'customer.read',
  access: 'read',
  input: z.object({ customerId, limit: z.number().int().min(1).max(EDIT_HISTORY_MAX).optional() }),
  /** Newest first. */
  output: z.object({ edits: z.array(contactEdit), total: z.number().int().nonnegative() }),
});

// ——— Timeline ———

export const TIMELINE_KINDS = ['order', 'call', 'complaint', 'note'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];
export const TIMELINE_PAGE_MAX = 200;
export const TIMELINE_PAGE_DEFAULT = 50;

const orderEntry = z.object({
  kind: z.literal('order'),
  id: text(),
  at: isoInstant,
  number: text(),
  channel: z.enum(ORDER_CHANNELS),
  status: z.enum(ORDER_STATUSES),
  campaignCode: text().nullable(),
  totalCents: z.number().int(),
  currency: text(),
  lineCount: z.number().int(),
});

const callEntry = z.object({
  kind: z.literal('call'),
  id: text(),
  at: isoInstant,
  status: z.enum(CALL_STATUSES),
  source: z.enum(CALL_SOURCES),
  fromE164: text().nullable(),
  agentId: text(),
  dispositionCode: text().nullable(),
  dispositionLabel: text().nullable(),
  /** Handle time once completed; null while the call is still running. */
  handleMs: z.number().int().nullable(),
  wrapUpNotes: text().nullable(),
  /** The caller's satisfaction answer at wrap-up (1–5), or null (issue 22). */
  satisfaction: z.number().int().min(1).max(5).nullable(),
});

const complaintEntry = z.object({
  kind: z.literal('complaint'),
  id: text(),
  at: isoInstant,
  status: z.enum(COMPLAINT_STATUSES),
  severity: z.enum(COMPLAINT_SEVERITIES),
  categoryCode: text(),
  categoryLabel: text(),
  description: text(),
  orderNumber: text().nullable(),
  callId: text().nullable(),
  resolvedAt: isoInstant.nullable(),
});

const noteEntry = z.object({
  kind: z.literal('note'),
  id: text(),
  at: isoInstant,
  body: text(),
  agentId: text(),
  callId: text().nullable(),
});

export const timelineEntry = z.discriminatedUnion('kind', [orderEntry, callEntry, complaintEntry, noteEntry]);
export type TimelineEntry = z.infer<typeof timelineEntry>;

export const customerTimelineInput = z.object({
  customerId,
  /** From the previous page's `nextCursor`; absent for the newest page. */
  cursor: text().max(400, { message: 'Not a timeline cursor.' }).optional(),
  limit: z.number().int().min(1).max(TIMELINE_PAGE_MAX).optional(),
  /** Only these kinds; all when absent. */
  kinds: z.array(z.enum(TIMELINE_KINDS)).min(1).max(TIMELINE_KINDS.length).optional(),
});
export type CustomerTimelineInput = z.infer<typeof customerTimelineInput>;

export const customerTimeline = defineChannel({
  channel: 'customer:timeline',
  permission: 'customer.read',
  access: 'read',
  input: customerTimelineInput,
  /** Newest first; `nextCursor` is null on the last page. */
  output: z.object({ entries: z.array(timelineEntry), nextCursor: text().nullable() }),
});

// ——— Past purchases ———

export const PURCHASES_PAGE_MAX = 100;
export const PURCHASES_PAGE_DEFAULT = 25;
export const PURCHASE_TEXT_MAX = 100;

export const purchasePeriod = z.discriminatedUnion('kind', [
  /** The 12 months before now. */
  z.object({ kind: z.literal('last_12_months') }),
  /** One calendar year in the workstation's time zone. */
  z.object({ kind: z.literal('year'), year: z.number().int().min(1970).max(9999) }),
  /** From one day to another, both included (workstation's time zone). */
  z.object({ kind: z.literal('range'), from: calendarDate, to: calendarDate }).refine((r) => r.from <= r.to, {
    message: 'The period ends before it starts.',
    path: ['to'],
  }),
]);
export type PurchasePeriod = z.infer<typeof purchasePeriod>;

export const customerPurchasesInput = z
  .object({
    customerId,
    period: purchasePeriod.optional(),
    /** Orders with this product (by id or SKU) … */
    productId: text().uuid({ message: 'Not a product id.' }).optional(),
    sku: text().trim().min(1).max(64, { message: 'SKU: at most 64 characters.' }).optional(),
    /** … or with a product of this category. */
    category: text().trim().min(1).max(100, { message: 'Category: at most 100 characters.' }).optional(),
    /** Order number, SKU or product name; case and accents ignored. */
    text: text().trim().max(PURCHASE_TEXT_MAX, { message: `Search text: at most ${PURCHASE_TEXT_MAX} characters.` }).optional(),
    cursor: text().max(400, { message: 'Not a purchases cursor.' }).optional(),
    limit: z.number().int().min(1).max(PURCHASES_PAGE_MAX).optional(),
  })
  .refine((i) => i.productId === undefined || i.sku === undefined, {
    message: 'Filter by product id or by SKU, not both.',
    path: ['sku'],
  });
export type CustomerPurchasesInput = z.infer<typeof customerPurchasesInput>;

export const purchaseLine = z.object({
  id: text(),
  lineNo: z.number().int(),
  productId: text(),
  sku: text(),
  name: text(),
  /** The product's category today (null if the product left the catalogue). */
  category: text().nullable(),
  quantity: z.number().int(),
  unitPriceCents: z.number().int(),
  totalCents: z.number().int(),
  /** True for the lines a product, category or text filter picked out (for highlighting). */
  matchesFilter: z.boolean(),
});
export type PurchaseLine = z.infer<typeof purchaseLine>;

export const purchaseOrder = z.object({
  id: text(),
  customerId: text(),
  number: text(),
  channel: z.enum(ORDER_CHANNELS),
  status: z.enum(ORDER_STATUSES),
  campaignCode: text().nullable(),
  /** Why the store could not confirm a phone order as it was taken (status needs_attention), else null. */
  attentionReason: text().nullable(),
  currency: text(),
  subtotalCents: z.number().int(),
  discountCents: z.number().int(),
  taxCents: z.number().int(),
  shippingCents: z.number().int(),
  totalCents: z.number().int(),
  placedAt: isoInstant,
  lines: z.array(purchaseLine),
});
export type PurchaseOrder = z.infer<typeof purchaseOrder>;

export const customerPurchases = defineChannel({
  channel: 'customer:purchases',
  permission: 'customer.read',
  access: 'read',
  input: customerPurchasesInput,
  output: z.object({
    /** Newest first. */
    orders: z.array(purchaseOrder),
    nextCursor: text().nullable(),
    /**
     * Over every order the filter matches, not just this page. `orderCount` counts every order
     * listed; money is summed per currency over the orders that count as spending only
     * (`countedOrderCount`: cancelled and returned ones are listed, not counted — the definition of
     * src-shared/domain/order-value.ts, the same as lifetime value's). Counted on the first page
     * only (no cursor) — later pages answer null and the list keeps the first page's totals.
     */
    totals: z
      .object({
        orderCount: z.number().int().nonnegative(),
        countedOrderCount: z.number().int().nonnegative(),
        byCurrency: z.array(
          z.object({ currency: text(), orderCount: z.number().int(), countedOrderCount: z.number().int(), totalCents: z.number().int() }),
        ),
      })
      .nullable(),
  }),
});

export const orderGet = defineChannel({
  channel: 'order:get',
  permission: 'customer.read',
  access: 'read',
  input: z.object({ orderId: text().uuid({ message: 'Not an order id.' }) }),
  output: purchaseOrder,
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const customer360Channels = channelGroup(customerUpdateContact, customerEditHistory, customerTimeline, customerPurchases, orderGet);
