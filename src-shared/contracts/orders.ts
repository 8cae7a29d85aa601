/**
 * Phone orders (issue 21): the channels the order panel uses. Quoting and submitting run the shared
 * pricing module (src-shared/domain/pricing.ts) on the workstation; the store runs it again.
 * `order:approvals` and `order:decide` reach the central store (supervisors approving discounts
 * beyond a CSR's authority from their own desk).
 */
import { z } from 'zod';
import { freeText, text } from './text';
import { channelGroup, defineChannel } from './define';
import { DELIVERY_METHODS, LINE_SOURCES, PAYMENT_METHODS } from '../domain/order';
import { ORDER_STATUSES } from '../domain/customer';
import { SELLING_CURRENCIES, TAX_CLASSES } from '../domain/product';
import { CONTACT_LIMITS } from './customer360';
import { ORDER_LIMITS } from '../sync/mutations/orders';

export { ORDER_LIMITS };

const uuidOf = (what: string) => text().uuid({ message: `Not ${what} id.` });

/** A line as the cart holds it: the price is never sent, the workstation reads it from its catalogue. */
export const cartLine = z.object({
  productId: uuidOf('a product'),
  quantity: z
    .number({ message: 'Quantity: a whole number.' })
    .int({ message: 'Quantity: a whole number.' })
    .min(1, { message: 'Quantity: at least 1.' })
    .max(ORDER_LIMITS.quantity, { message: `Quantity: at most ${ORDER_LIMITS.quantity}.` }),
  /** The accepted offer the line came from. */
  offerId: uuidOf('an offer').nullable().optional(),
  source: z.enum(LINE_SOURCES),
});
export type CartLine = z.infer<typeof cartLine>;

export const manualDiscountInput = z.object({
  kind: z.enum(['percent', 'amount']),
  /** Percent 1–100, or minor units of the order's currency. */
  value: z.number().int({ message: 'Discount: a whole number.' }).min(1, { message: 'Discount: at least 1.' }).max(ORDER_LIMITS.maxAmountCents),
  reason: freeText()
    .trim()
    .min(1, { message: 'Say why the discount is given.' })
    .max(ORDER_LIMITS.reason, { message: `Reason: at most ${ORDER_LIMITS.reason} characters.` }),
});
export type ManualDiscountInput = z.infer<typeof manualDiscountInput>;

const addressPart = (max: number, label: string) =>
  freeText()
    .trim()
    .max(max, { message: `${label}: at most ${max} characters.` });
const requiredPart = (max: number, label: string) => addressPart(max, label).min(1, { message: `${label} is required.` });
const optionalPart = (max: number, label: string) => addressPart(max, label).optional();

/** A delivery address typed during the call: checked, then saved to the customer's profile with its history. */
export const newDeliveryAddress = z.object({
  line1: requiredPart(CONTACT_LIMITS.addressLine, 'Address'),
  line2: optionalPart(CONTACT_LIMITS.addressLine, 'Address line 2'),
  city: requiredPart(CONTACT_LIMITS.city, 'City'),
  region: optionalPart(CONTACT_LIMITS.region, 'Region'),
  postalCode: optionalPart(CONTACT_LIMITS.postalCode, 'Postal code'),
  country: text().regex(/^[A-Z]{2}$/, { message: 'Choose a country from the list.' }),
});
export type NewDeliveryAddress = z.infer<typeof newDeliveryAddress>;

export const orderDeliveryInput = z.union([z.object({ addressId: uuidOf('an address') }), z.object({ address: newDeliveryAddress })]);

/** What the cart holds: quoted and submitted alike. */
export const orderDraftInput = z.object({
  customerId: uuidOf('a customer'),
  currency: z.enum(SELLING_CURRENCIES).optional(),
  lines: z.array(cartLine).max(ORDER_LIMITS.lines, { message: `At most ${ORDER_LIMITS.lines} lines in one order.` }),
  campaignCode: text().trim().max(ORDER_LIMITS.code).nullable().optional(),
  deliveryMethod: z.enum(DELIVERY_METHODS),
  manualDiscount: manualDiscountInput.nullable().optional(),
});
export type OrderDraftInput = z.infer<typeof orderDraftInput>;

const cents = z.number().int();

export const pricedLine = z.object({
  productId: text(),
  sku: text(),
  name: text(),
  taxClass: z.enum(TAX_CLASSES),
  quantity: z.number().int(),
  unitPriceCents: cents,
  grossCents: cents,
  discountCents: cents,
  taxCents: cents,
  totalCents: cents,
  /** Units free to sell as of the last sync (stock − reserved); null when unknown. */
  available: z.number().int().nullable(),
  /** A sentence when the product cannot be ordered as asked (discontinued, not enough stock), else null. */
  problem: text().nullable(),
});

export const orderQuote = z.object({
  currency: z.enum(SELLING_CURRENCIES),
  lines: z.array(pricedLine),
  subtotalCents: cents,
  campaignDiscountCents: cents,
  manualDiscountCents: cents,
  discountCents: cents,
  taxCents: cents,
  shippingCents: cents,
  totalCents: cents,
  /** The campaign code's check: applied with its name, or the sentence why not. Null without a code. */
  campaign: z.union([z.object({ ok: z.literal(true), code: text(), name: text(), rule: text() }), z.object({ ok: z.literal(false), reason: text() })]).nullable(),
  /** Whether the manual discount needs a supervisor, with the sentence why. */
  authority: z.object({
    needsApproval: z.boolean(),
    reason: text().nullable(),
    maxPercent: z.number(),
    /** Null: no amount cap beyond the percent (the role's built-in default). */
    maxAmountCents: z.number().nullable(),
  }),
});
export type OrderQuote = z.infer<typeof orderQuote>;

export const orderQuoteChannel = defineChannel({
  channel: 'order:quote',
  permission: 'order.take',
  access: 'read',
  input: orderDraftInput,
  output: orderQuote,
});

export const orderSubmitInput = orderDraftInput.extend({
  /** Made by the order panel when the cart opens: submitting the same order again never makes a second one. */
  orderId: uuidOf('an order'),
  callId: uuidOf('a call').nullable().optional(),
  lines: orderDraftInput.shape.lines.min(1, { message: 'Add a product first.' }),
  heardFrom: text().max(40).nullable().optional(),
  delivery: orderDeliveryInput,
  paymentMethod: z.enum(PAYMENT_METHODS),
  note: freeText().trim().max(ORDER_LIMITS.note, { message: `Order note: at most ${ORDER_LIMITS.note} characters.` }).nullable().optional(),
  /** The total the CSR read out: a submit whose total differs from this is refused (prices moved under the call). */
  quotedTotalCents: z.number().int().nonnegative(),
  /**
   * A supervisor approving a discount beyond the CSR's authority at this workstation, signing in
   * over the CSR's session (which stays): checked against the supervisor's own credentials.
   */
  approval: z
    .object({
      username: text().trim().min(1, { message: 'The supervisor’s user name is needed.' }).max(64),
      password: text().min(1, { message: 'The supervisor’s password is needed.' }).max(256),
      reason: freeText()
        .trim()
        .min(1, { message: 'Say why the discount is approved.' })
        .max(ORDER_LIMITS.reason),
    })
    .nullable()
    .optional(),
  /**
   * Beyond the CSR's authority without an approval here: true sends the order to the supervisors
   * of the CSR's teams (`awaiting_approval`, approved from their desk). Without it, such a submit is
   * refused `forbidden` and nothing is written. Within authority it is ignored.
   */
  requestApproval: z.boolean().optional(),
});
export type OrderSubmitInput = z.infer<typeof orderSubmitInput>;

export const orderSummary = z.object({
  orderId: text(),
  number: text(),
  status: z.enum(ORDER_STATUSES),
  currency: text(),
  totalCents: cents,
  quotedTotalCents: cents.nullable(),
  attentionReason: text().nullable(),
  approverName: text().nullable(),
  placedAt: text(),
});
export type OrderSummary = z.infer<typeof orderSummary>;

export const orderSubmitChannel = defineChannel({
  channel: 'order:submit',
  permission: 'order.take',
  access: 'write',
  input: orderSubmitInput,
  output: orderSummary,
});

/**
 * An order's summary as the order panel follows it (submitted → confirmed with the store's number,
 * or needs attention with the reason). Named `order:status`: `order:get` is the past-purchases
 * detail (contracts/customer360.ts).
 */
export const orderStatusChannel = defineChannel({
  channel: 'order:status',
  permission: 'customer.read',
  access: 'read',
  input: z.object({ orderId: uuidOf('an order') }),
  output: orderSummary,
});

/** "How did you hear of us?" and the other lists the order form offers. */
export const orderOptionsChannel = defineChannel({
  channel: 'order:options',
  permission: 'order.take',
  access: 'read',
  input: z.object({}).strict(),
  output: z.object({
    sources: z.array(z.object({ code: text(), label: text() })),
    currencies: z.array(z.enum(SELLING_CURRENCIES)),
    defaultCurrency: z.enum(SELLING_CURRENCIES),
  }),
});

/** An order waiting for a supervisor, as the store lists it to the supervisors of the CSR's teams. */
export const pendingApproval = z.object({
  orderId: text(),
  number: text(),
  customerName: text(),
  agentName: text(),
  currency: text(),
  totalCents: cents,
  manualDiscountCents: cents,
  discountReason: text().nullable(),
  submittedAt: text(),
});

export const orderApprovalsChannel = defineChannel({
  channel: 'order:approvals',
  permission: 'discount.approve',
  access: 'store',
  input: z.object({}).strict(),
  output: z.object({ orders: z.array(pendingApproval) }),
});

export const orderDecideChannel = defineChannel({
  channel: 'order:decide',
  permission: 'discount.approve',
  access: 'store',
  input: z.object({
    orderId: uuidOf('an order'),
    decision: z.enum(['approve', 'refuse']),
    reason: freeText()
      .trim()
      .min(1, { message: 'Say why.' })
      .max(ORDER_LIMITS.reason),
  }),
  output: orderSummary,
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const orderChannels = channelGroup(orderQuoteChannel, orderSubmitChannel, orderStatusChannel, orderOptionsChannel, orderApprovalsChannel, orderDecideChannel);
