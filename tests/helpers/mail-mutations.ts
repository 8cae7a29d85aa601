/**
 * The workstation writes that owe a customer a mail (issue 23), as a CSR's desk pushes them:
 * a phone order (order.submit) and a logged complaint (complaint.log). For the email tests.
 */
import { randomUUID } from 'node:crypto';
import { priceOrder } from '../../src-shared/domain/pricing';
import type { MutationArgs } from '../../src-shared/sync/mutations';

export interface OrderedProduct {
  id: string;
  price: number;
}

/** A phone order of two of `product` in USD by CSR carl; with `percentOff` beyond a CSR's 10 %, sent to the supervisors. */
export function phoneOrder(product: OrderedProduct, customerId: string, addressId: string, at: number, percentOff?: number): MutationArgs<'order.submit'> {
  const lines = [{ lineId: randomUUID(), productId: product.id, quantity: 2, unitPriceCents: product.price, offerId: null, source: 'search' as const }];
  const manualDiscount = percentOff === undefined ? null : { kind: 'percent' as const, value: percentOff, reason: 'Late delivery last time.' };
  const priced = priceOrder({
    currency: 'USD',
    lines: [{ key: lines[0]!.lineId, unitPriceCents: product.price, quantity: 2, taxClass: 'standard' }],
    campaign: null,
    manualDiscount: manualDiscount && { kind: manualDiscount.kind, value: manualDiscount.value },
    deliveryMethod: 'standard',
  });
  return {
    orderId: randomUUID(),
    customerId,
    callId: null,
    agentId: 'carl',
    currency: 'USD',
    lines,
    campaignCode: null,
    heardFrom: null,
    delivery: { addressId },
    deliveryMethod: 'standard',
    paymentMethod: 'pay_link',
    manualDiscount,
    ...(manualDiscount ? { requestApproval: true } : {}),
    approval: null,
    quoted: { subtotalCents: priced.subtotalCents, discountCents: priced.discountCents, taxCents: priced.taxCents, shippingCents: priced.shippingCents, totalCents: priced.totalCents },
    note: null,
    createdAt: at,
  };
}

/** A damaged-goods complaint logged by CSR carl. */
export const loggedComplaint = (customerId: string, at: number, description = 'The sole came off <after> a week & more.'): MutationArgs<'complaint.log'> => ({
  complaintId: randomUUID(),
  eventId: randomUUID(),
  customerId,
  callId: null,
  orderId: null,
  orderLineId: null,
  categoryCode: 'damaged',
  severity: 'medium',
  description,
  desiredResolution: null,
  followUpOn: null,
  openedAt: at,
  agentId: 'carl',
  status: 'open',
});
