/**
 * The ingest API (issue 23): what a web shop or an order-management system sends the central
 * store, and what admins send to manage integrations. Every body is checked here before anything
 * is queued (a typed 400 for the sender), and again by the ingest worker before it is applied.
 *
 * Signing (server/src/ingest/signature.ts): `X-Switchboard-Key` = the integration's id,
 * `X-Switchboard-Timestamp` = Unix seconds, `X-Switchboard-Signature` = hex HMAC-SHA256 of
 * `${timestamp}.${rawBody}` with the integration's secret.
 */
import { z } from 'zod';
import type { OrderStatus } from '../domain/customer';
import { isPhoneCountry, UNVERIFIED_DIGITS } from '../domain/phone';
import { contactAddress, contactForm, contactPhone } from './customer360';
import { customerLanguage } from './email';
import { ORDER_LIMITS } from './orders';
import { freeText, text } from './text';
import { channelGroup, defineChannel } from './define';

export const INGEST_HEADERS = {
  key: 'x-switchboard-key',
  timestamp: 'x-switchboard-timestamp',
  signature: 'x-switchboard-signature',
  idempotencyKey: 'idempotency-key',
} as const;

/** How far a delivery's timestamp may be from the store's clock, either way (replays are refused outside it). */
export const INGEST_TIMESTAMP_WINDOW_S = 300;

export const INGEST_LIMITS = {
  id: 200,
  name: 200,
  stockItems: 1000,
  reconcileIds: 50_000,
} as const;

/** An id in the sender's own system: an order id, a delivery id. */
const sourceId = (what: string) =>
  text()
    .trim()
    .min(1, { message: `${what}: required.` })
    .max(INGEST_LIMITS.id, { message: `${what}: at most ${INGEST_LIMITS.id} characters.` });

const cents = (what: string) => z.number({ message: `${what}: a whole number of minor units.` }).int({ message: `${what}: a whole number of minor units.` }).min(0).max(ORDER_LIMITS.maxAmountCents);
const isoTime = (what: string) => text().datetime({ offset: true, message: `${what}: an ISO 8601 time, e.g. 2026-12-06T10:15:00Z.` });

/** Every delivery may name itself; else the `Idempotency-Key` header must. */
const delivery = { deliveryId: sourceId('deliveryId').optional() };

/**
 * The customer an order is for: the store's id, the id the source gave it (at import, or with an
 * earlier order), or an email address the store holds; optionally their language. A new shopper
 * (a `sourceId` the store does not know for this integration's source) is created with the order
 * when `firstName` and `lastName` are given, with the email, phone and language given, checked by
 * the contracts the contact form and the customer import use (server/src/import/customer-row.ts):
 * a phone the phone library cannot read (in `country`, else US) is kept as written, unverified.
 * An email alone never creates anyone.
 */
export const ingestCustomerRef = z
  .object({
    id: text().uuid({ message: 'customer.id: not a customer id.' }).optional(),
    sourceId: sourceId('customer.sourceId').optional(),
    email: contactForm.shape.emails.element.optional(),
    /** The language the shopper used at the source ("de", "de-DE", "pt_BR"): the store writes to the customer in it from then on. */
    language: customerLanguage.optional(),
    /** A new shopper's name (both, with sourceId): what creates the customer. */
    firstName: contactForm.shape.firstName.optional(),
    lastName: contactForm.shape.lastName.optional(),
    /** A new shopper's phone, any format (4–20 digits). */
    phone: contactPhone.shape.number
      .refine((p) => {
        const digits = p.replace(/\D/g, '').length;
        return digits >= UNVERIFIED_DIGITS.min && digits <= UNVERIFIED_DIGITS.max;
      }, { message: `Phone: ${UNVERIFIED_DIGITS.min} to ${UNVERIFIED_DIGITS.max} digits.` })
      .optional(),
    /** Where a new shopper's phone is read when it is national (two letters, e.g. GB); default US. */
    country: contactAddress.shape.country.refine(isPhoneCountry, { message: 'Country: not a country code we know (two letters, e.g. GB or US).' }).optional(),
  })
  .strict()
  .refine((c) => c.id !== undefined || c.sourceId !== undefined || c.email !== undefined, { message: 'customer: give id, sourceId or email.' })
  .refine((c) => (c.firstName === undefined) === (c.lastName === undefined), { message: 'customer: give firstName and lastName together.' })
  .refine((c) => c.firstName === undefined || c.sourceId !== undefined, { message: 'customer: a new shopper (firstName, lastName) needs their sourceId.', path: ['sourceId'] });

/** The statuses a source may give an order (the store's own workflow states are not among them). */
export const INGEST_ORDER_STATUSES = ['placed', 'paid', 'shipped', 'delivered', 'returned', 'cancelled'] as const satisfies readonly OrderStatus[];

export const ingestOrderLine = z
  .object({
    sku: text().trim().min(1, { message: 'sku: required.' }).max(100).transform((s) => s.toUpperCase()),
    quantity: z.number().int({ message: 'quantity: a whole number.' }).min(1, { message: 'quantity: at least 1.' }).max(ORDER_LIMITS.quantity),
    unitPriceCents: cents('unitPriceCents'),
    discountCents: cents('discountCents').default(0),
    taxCents: cents('taxCents').default(0),
  })
  .strict();

/** POST /ingest/orders: one order as the source has it. */
export const ingestOrder = z
  .object({
    ...delivery,
    /** The source's id of the order: unique per integration; the same id again is the same order. */
    orderId: sourceId('orderId'),
    /** The number the customer knows; the store keeps it as `<SOURCE>-<number>` (default: the order id). */
    number: sourceId('number').optional(),
    customer: ingestCustomerRef,
    currency: text().regex(/^[A-Z]{3}$/, { message: 'currency: a three-letter ISO 4217 code, e.g. EUR.' }),
    status: z.enum(INGEST_ORDER_STATUSES).default('placed'),
    placedAt: isoTime('placedAt'),
    lines: z.array(ingestOrderLine).min(1, { message: 'lines: at least one line.' }).max(ORDER_LIMITS.lines, { message: `lines: at most ${ORDER_LIMITS.lines}.` }),
    discountCents: cents('discountCents').default(0),
    taxCents: cents('taxCents').default(0),
    shippingCents: cents('shippingCents').default(0),
    totalCents: cents('totalCents'),
    campaignCode: text().trim().max(ORDER_LIMITS.code).nullable().optional(),
    note: freeText().max(1000).nullable().optional(),
  })
  .strict();
export type IngestOrder = z.infer<typeof ingestOrder>;

/** POST /ingest/order-status: an order the source sent before moved on. */
export const ingestOrderStatus = z
  .object({
    ...delivery,
    orderId: sourceId('orderId'),
    status: ingestOrder.shape.status.removeDefault(),
  })
  .strict();
export type IngestOrderStatus = z.infer<typeof ingestOrderStatus>;

/** POST /ingest/stock: units on hand per SKU, as counted by the warehouse. */
export const ingestStock = z
  .object({
    ...delivery,
    items: z
      .array(z.object({ sku: ingestOrderLine.shape.sku, stock: z.number().int({ message: 'stock: a whole number.' }).min(0, { message: 'stock: not negative.' }).max(10_000_000) }).strict())
      .min(1, { message: 'items: at least one.' })
      .max(INGEST_LIMITS.stockItems, { message: `items: at most ${INGEST_LIMITS.stockItems}.` }),
  })
  .strict();
export type IngestStock = z.infer<typeof ingestStock>;

/** POST /ingest/satisfaction: the caller's answer to the survey after a call (issue 22); kept only when the call has none yet. */
export const ingestSatisfaction = z
  .object({
    ...delivery,
    callId: text().uuid({ message: 'callId: not a call id.' }),
    satisfaction: z.number().int({ message: 'satisfaction: a whole number from 1 to 5.' }).min(1, { message: 'satisfaction: 1 to 5.' }).max(5, { message: 'satisfaction: 1 to 5.' }),
  })
  .strict();
export type IngestSatisfaction = z.infer<typeof ingestSatisfaction>;

/** The queued kinds and the contract of each. */
export const INGEST_CONTRACTS = {
  order: ingestOrder,
  order_status: ingestOrderStatus,
  stock: ingestStock,
  satisfaction: ingestSatisfaction,
} as const;
export type IngestKind = keyof typeof INGEST_CONTRACTS;

export const ingestAccepted = z.object({
  deliveryId: text(),
  /** True when this delivery was accepted before (nothing new queued). */
  duplicate: z.boolean(),
});
export type IngestAccepted = z.infer<typeof ingestAccepted>;

/** POST /ingest/reconcile: the source's order ids placed in [from, to). */
export const ingestReconcile = z
  .object({
    from: isoTime('from'),
    to: isoTime('to'),
    orderIds: z.array(sourceId('orderIds[]')).max(INGEST_LIMITS.reconcileIds, { message: `orderIds: at most ${INGEST_LIMITS.reconcileIds}; reconcile a shorter period.` }),
  })
  .strict()
  .refine((r) => Date.parse(r.from) < Date.parse(r.to), { message: 'to: after from.', path: ['to'] });

export const reconcileAnswer = z.object({
  /** Ids the source sent that the store has not applied (never received, refused, or still queued). */
  missingInStore: z.array(text()),
  /** Orders the store holds from this source in the period that the source did not list. */
  missingInSource: z.array(text()),
});
export type ReconcileAnswer = z.infer<typeof reconcileAnswer>;

// ——— Admins: integrations ———

export const SOURCE_NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;

export const newIntegration = z
  .object({
    name: text().trim().min(1, { message: 'name: required.' }).max(INGEST_LIMITS.name, { message: `name: at most ${INGEST_LIMITS.name} characters.` }),
    source: text().trim().regex(SOURCE_NAME, { message: 'source: a short name of lower-case letters, digits, ".", "_" or "-", e.g. shop.' }),
  })
  .strict();

export const integrationView = z.object({
  id: text(),
  name: text(),
  source: text(),
  active: z.boolean(),
  createdAt: z.number().int(),
  disabledAt: z.number().int().nullable(),
});
export type IntegrationView = z.infer<typeof integrationView>;

/** The answer to creating one: the only time the secret is shown. */
export const createdIntegration = integrationView.extend({ secret: text() });
export type CreatedIntegration = z.infer<typeof createdIntegration>;

export const ingestDeliveriesQuery = z
  .object({
    state: z.enum(['pending', 'applied', 'dead']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const ingestDeliveryView = z.object({
  seq: z.number().int(),
  integrationId: text(),
  kind: text(),
  idempotencyKey: text(),
  state: text(),
  attempts: z.number().int(),
  receivedAt: z.number().int(),
  settledAt: z.number().int().nullable(),
  lastError: text().nullable(),
});
export type IngestDeliveryView = z.infer<typeof ingestDeliveryView>;

// ——— IPC channels (answered by main through the store): the admin screen's integrations panel ———

export const integrationPath = z.object({ integrationId: text().uuid({ message: 'Not an integration id.' }) }).strict();

export const integrationList = defineChannel({
  channel: 'integration:list',
  permission: 'integrations.manage',
  input: z.object({}).strict(),
  output: z.array(integrationView),
  access: 'store',
});

export const integrationCreate = defineChannel({
  channel: 'integration:create',
  permission: 'integrations.manage',
  input: newIntegration,
  output: createdIntegration,
  access: 'store',
});

export const integrationDisable = defineChannel({
  channel: 'integration:disable',
  permission: 'integrations.manage',
  input: integrationPath,
  output: integrationView,
  access: 'store',
});

/** The ingest queue's latest deliveries (the admin screen shows the dead ones: the reason, never the body). */
export const integrationDeliveries = defineChannel({
  channel: 'integration:deliveries',
  permission: 'integrations.manage',
  input: ingestDeliveriesQuery,
  output: z.array(ingestDeliveryView),
  access: 'store',
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const ingestChannels = channelGroup(integrationList, integrationCreate, integrationDisable, integrationDeliveries);
