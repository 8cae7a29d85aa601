/**
 * Phone orders (issue 21): a CSR submits an order taken during a call. The workstation writes the
 * order (status `submitted`, or `awaiting_approval` when its manual discount is beyond the CSR's
 * authority, no supervisor approved it at the workstation and the CSR sent it to the supervisors), its lines and this entry in one
 * transaction. The order id and line ids are made on the workstation, so a retried or replayed
 * submit can never make a second order.
 *
 * Beyond the author's authority with neither an approval nor `requestApproval`, the store refuses it
 * (`forbidden`): a forced submit changes nothing.
 *
 * The store prices it again with the shared pricing module (src-shared/domain/pricing.ts) and its
 * own prices, campaigns and discount limits: the same total → placed under the store's own order
 * number, with its units reserved; another total, stock that is not there, or a code that does not
 * hold → `needs_attention` with the reason and both totals; never silently applied. An unknown or
 * discontinued product, or another customer's address, refuses the entry.
 *
 * Introduced at schema version 2: it has no v1.
 */
import { z } from 'zod';
import { freeText, text } from '../../contracts/text';
import { DELIVERY_METHODS, LINE_SOURCES, PAYMENT_METHODS } from '../../domain/order';
import { SELLING_CURRENCIES } from '../../domain/product';
import { storedAddress } from './customers';
import { agentId, defineMutation, instant, row, unique, uuid, type WrittenRow } from './define';

/** Bounds stated once: the contracts, the forms and the store use the same. */
export const ORDER_LIMITS = {
  lines: 50,
  quantity: 999,
  note: 1000,
  reason: 500,
  /** A code as a customer reads it out. */
  code: 40,
  /** 100,000.00 in minor units: no phone order is larger; anything larger is a typing slip. */
  maxAmountCents: 10_000_000,
} as const;

const cents = z.number().int().nonnegative().max(ORDER_LIMITS.maxAmountCents * 10);

export const orderLineArgs = z.object({
  lineId: uuid,
  productId: uuid,
  quantity: z.number().int().min(1).max(ORDER_LIMITS.quantity),
  /** The unit price the CSR quoted (tax-exclusive, minor units of the order's currency). */
  unitPriceCents: cents,
  /** The accepted offer the line came from: the offer counts as converted, with this line's revenue. */
  offerId: uuid.nullable(),
  source: z.enum(LINE_SOURCES),
});

/** A manual discount: a percent (1–100) or an amount in minor units, always with a reason. */
export const manualDiscountArgs = z
  .object({
    kind: z.enum(['percent', 'amount']),
    value: z.number().int().min(1).max(ORDER_LIMITS.maxAmountCents),
    reason: freeText().trim().min(1).max(ORDER_LIMITS.reason),
  })
  .refine((d) => d.kind !== 'percent' || d.value <= 100, { message: 'A percent discount is at most 100.', path: ['value'] });

/** A supervisor's approval given at the workstation (signed in over the CSR's session). */
export const approvalArgs = z.object({
  /** The store's user id of the supervisor, and their name as shown. */
  approverId: uuid,
  approverName: agentId,
  reason: freeText().trim().min(1).max(ORDER_LIMITS.reason),
  approvedAt: instant,
});

/** The totals the CSR quoted, as the shared pricing module computed them on the workstation. */
export const quotedTotals = z.object({
  subtotalCents: cents,
  discountCents: cents,
  taxCents: cents,
  shippingCents: cents,
  totalCents: cents,
});

export const orderDelivery = z.union([
  /** One of the customer's addresses. */
  z.object({ addressId: uuid }),
  /** A new address, added to the customer's profile (with a contact-history row) and used for this order. */
  z.object({ address: storedAddress, contactEditId: uuid }),
]);

const submit = z
  .object({
    orderId: uuid,
    customerId: uuid,
    callId: uuid.nullable(),
    agentId,
    currency: z.enum(SELLING_CURRENCIES),
    lines: z.array(orderLineArgs).min(1).max(ORDER_LIMITS.lines),
    campaignCode: text().trim().min(1).max(ORDER_LIMITS.code).nullable(),
    heardFrom: text().min(1).max(40).nullable(),
    delivery: orderDelivery,
    deliveryMethod: z.enum(DELIVERY_METHODS),
    paymentMethod: z.enum(PAYMENT_METHODS),
    manualDiscount: manualDiscountArgs.nullable(),
    approval: approvalArgs.nullable(),
    /**
     * The CSR asked for the order to go to the supervisors when its discount is beyond their
     * authority and nobody approved it at the workstation. Beyond the author's authority (as the
     * store reckons it) with neither this nor an approval, the entry is refused `forbidden`.
     * Absent in entries written before it existed: read as false.
     */
    requestApproval: z.boolean().optional(),
    quoted: quotedTotals,
    note: freeText().trim().max(ORDER_LIMITS.note).nullable(),
    createdAt: instant,
  })
  .refine((a) => unique(a.lines.map((l) => l.lineId)), { message: 'Two lines have the same id.', path: ['lines'] })
  .refine((a) => unique(a.lines.map((l) => l.productId)), { message: 'A product is on two lines: change its quantity instead.', path: ['lines'] })
  .refine((a) => a.approval === null || a.manualDiscount !== null, { message: 'An approval needs a discount to approve.', path: ['approval'] });

export type OrderSubmitArgs = z.infer<typeof submit>;

export const ORDER_MUTATIONS = [
  defineMutation({
    name: 'order.submit',
    versions: { 2: submit },
    permission: 'order.take',
    words: 'order',
    label: 'Order submitted',
    writes: (m) => {
      const rows: WrittenRow[] = [row('orders', m.args.orderId), ...m.args.lines.map((l) => row('order_lines', l.lineId))];
      if ('address' in m.args.delivery) rows.push(row('customer_addresses', m.args.delivery.address.id), row('contact_edits', m.args.delivery.contactEditId));
      return rows;
    },
  }),
] as const;
