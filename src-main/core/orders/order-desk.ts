/**
 * OrderDesk: submitting a phone order taken on a call (issue 21). Everything is checked before
 * anything is written, and then the order, its lines, a new delivery address with its contact-edit
 * row, the audit event of a supervisor's approval and the `order.submit` outbox entry are written in
 * one transaction: wholly saved and queued for the store, or not at all.
 *
 * - The order id is made by the order panel: the same order submitted again returns the saved one;
 *   the same id with other content is a `conflict`.
 * - The cart is priced again here from the cache with the shared pricing module; a total other
 *   than the one the CSR quoted is a `conflict` (prices moved under the call: quote again).
 * - A manual discount within the CSR's authority: `submitted`. Beyond it, with a supervisor's
 *   approval given at this workstation (their password checked by main, see worker/protocol.ts
 *   Actor.approver; their role must approve discounts and their own authority cover it):
 *   `submitted`, the approval recorded and audited. Beyond it without one, sent to the
 *   supervisors (`requestApproval`): `awaiting_approval`, saved and pushed, so the supervisors of
 *   the CSR's teams see it on the store. Beyond it with neither: refused `forbidden`, nothing
 *   written (a forced call through the bridge changes nothing).
 */
import { randomUUID } from 'node:crypto';
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import type { WritableDb } from '../db/open';
import { Outbox } from '../outbox/outbox';
import { createCallLinkCheck } from '../calls/call-link';
import type { Approver } from '../worker/protocol';
import type { OrderSubmitInput, OrderSummary } from '../../../src-shared/contracts/orders';
import type { EDIT_HISTORY_FIELDS } from '../../../src-shared/contracts/customer360';
import { ROLE_LABELS, can } from '../../../src-shared/auth/permissions';
import { exceedsAuthority } from '../../../src-shared/domain/discount-authority';
import { addressText, type AddressForText } from '../../../src-shared/domain/contact-text';
import { formatCents } from '../../../src-shared/domain/money';
import { normaliseCode } from '../../../src-shared/domain/campaign';
import type { OrderStatus } from '../../../src-shared/domain/customer';
import { AppError } from '../../../src-shared/result';
import { createOrderReadRepository, createOrderWriteRepository, type StoredOrder } from './order-repository';
import { authorityFor, defaultCurrencyFor, priceDraft, type PricedDraft, type PricingAgent } from './order-pricing';
import { orderSummaryOf } from './order-query';

/** The provisional number of a phone order until the store confirms it: 'P-' + the id's 32 hex digits. */
export function provisionalOrderNumber(orderId: string): string {
  return `P-${orderId.replace(/-/g, '').toUpperCase()}`;
}

/** The contact-edit field of an address added to the profile while taking an order. */
export const DELIVERY_ADDRESS_EDIT_FIELD = 'delivery_address' satisfies (typeof EDIT_HISTORY_FIELDS)[number];

/** Why a discount beyond authority, neither approved here nor sent to the supervisors, is refused: the limit named. */
function beyondAuthority(draft: PricedDraft): string {
  const { maxPercent, maxAmountCents } = draft.authority;
  const limit = maxAmountCents === null ? `${maxPercent}% per order` : `${maxPercent}% or ${formatCents(maxAmountCents, draft.currency)} per order`;
  return `This discount is beyond your authority (${limit}): have a supervisor approve it here, or send the order to your team’s supervisors.`;
}

export interface SubmitAgent extends PricingAgent {
  /** The signed-in user's name, recorded on the order. */
  agentId: string;
}

const orNull = (s: string | null | undefined) => (s ? s : null);

export class OrderDesk {
  private readonly reads;
  private readonly writes;
  private readonly outbox: Outbox;
  private readonly checkCallLink;
  private readonly defaultCurrency;

  constructor(
    private readonly db: WritableDb,
    region: CountryCode,
  ) {
    this.reads = createOrderReadRepository(db);
    this.writes = createOrderWriteRepository(db);
    this.outbox = new Outbox(db);
    this.checkCallLink = createCallLinkCheck(db);
    this.defaultCurrency = defaultCurrencyFor(region);
  }

  submit(input: OrderSubmitInput, agent: SubmitAgent, approver: Approver | undefined, now: number): OrderSummary {
    let summary: OrderSummary | undefined;
    this.db.$client
      .transaction(() => {
        const existing = this.reads.order(input.orderId);
        if (existing) {
          if (existing.customerId !== input.customerId || !this.sameOrder(existing, input)) {
            throw new AppError('conflict', 'An order with this id was already submitted with other content: start a new order.', 'orderId');
          }
          summary = orderSummaryOf(existing);
          return;
        }
        summary = this.submitNew(input, agent, approver, now);
      })
      .immediate();
    if (!summary) throw new Error('order.submit ended without an order');
    return summary;
  }

  private submitNew(input: OrderSubmitInput, agent: SubmitAgent, approver: Approver | undefined, now: number): OrderSummary {
    this.checkCallLink(input.customerId, input.callId ?? undefined);
    const draft = priceDraft(this.reads, input, agent, this.defaultCurrency, now);
    for (const line of draft.lines) if (line.blocking) throw new AppError('invalid_input', line.problem ?? 'This product cannot be ordered.', `lines.${line.index}.productId`);
    if (draft.codeCheck && !draft.codeCheck.ok) throw new AppError('invalid_input', draft.codeCheck.reason, 'campaignCode');
    this.checkOffers(input);
    const heardFrom = orNull(input.heardFrom?.trim());
    if (heardFrom !== null && !this.reads.isActiveSource(heardFrom)) {
      throw new AppError('invalid_input', 'Choose how the customer heard of us from the list.', 'heardFrom');
    }
    const delivery = this.delivery(input);
    if (draft.priced.totalCents !== input.quotedTotalCents) {
      throw new AppError(
        'conflict',
        `Prices changed since the quote: the total is now ${formatCents(draft.priced.totalCents, draft.currency)}, not ${formatCents(input.quotedTotalCents, draft.currency)}. Quote again and read the new total to the customer.`,
        'quotedTotalCents',
      );
    }
    const approval = this.approval(input, draft, approver, now);
    if (draft.authorityCheck.needsApproval && approval === null && input.requestApproval !== true) {
      throw new AppError('forbidden', beyondAuthority(draft), 'manualDiscount');
    }
    const status: OrderStatus = draft.authorityCheck.needsApproval && approval === null ? 'awaiting_approval' : 'submitted';

    const number = provisionalOrderNumber(input.orderId);
    const note = orNull(input.note?.trim());
    const manual = input.manualDiscount ?? null;
    const callId = input.callId ?? null;
    if (delivery.created) {
      this.writes.insertAddress({ ...delivery.created, customerId: input.customerId });
      this.writes.insertEdit({
        id: delivery.contactEditId,
        customerId: input.customerId,
        callId,
        agentId: agent.agentId,
        field: DELIVERY_ADDRESS_EDIT_FIELD,
        newValue: delivery.text,
        at: now,
      });
    }
    this.writes.insertOrder({
      id: input.orderId,
      number,
      customerId: input.customerId,
      campaignCode: draft.campaign?.code ?? null,
      status,
      currency: draft.currency,
      subtotalCents: draft.priced.subtotalCents,
      discountCents: draft.priced.discountCents,
      taxCents: draft.priced.taxCents,
      shippingCents: draft.priced.shippingCents,
      totalCents: draft.priced.totalCents,
      placedAt: now,
      callId,
      agentId: agent.agentId,
      heardFrom,
      deliveryAddressId: delivery.addressId,
      deliveryAddress: delivery.text,
      deliveryMethod: input.deliveryMethod,
      paymentMethod: input.paymentMethod,
      manualDiscountCents: draft.priced.manualDiscountCents,
      discountReason: manual?.reason ?? null,
      approvedBy: approval?.approverId ?? null,
      approverName: approval?.approverName ?? null,
      approvalReason: approval?.reason ?? null,
      approvedAt: approval?.approvedAt ?? null,
      quotedTotalCents: input.quotedTotalCents,
      note,
    });
    const byKey = new Map(draft.priced.lines.map((l) => [l.key, l]));
    const lineIds: string[] = [];
    draft.lines.forEach((line, i) => {
      const priced = byKey.get(String(line.index));
      const product = line.product;
      if (!priced || !product || product.priceCents === null) throw new Error('a priced line is missing');
      const lineId = randomUUID();
      lineIds.push(lineId);
      this.writes.insertLine({
        id: lineId,
        orderId: input.orderId,
        lineNo: i + 1,
        productId: product.id,
        customerId: input.customerId,
        placedAt: now,
        sku: product.sku,
        name: product.name,
        quantity: line.quantity,
        unitPriceCents: product.priceCents,
        totalCents: priced.totalCents,
        offerId: input.lines[i]?.offerId ?? null,
        lineSource: input.lines[i]?.source ?? 'search',
        discountCents: priced.discountCents,
        taxCents: priced.taxCents,
        taxClass: product.taxClass,
      });
    });
    if (approval && approver) {
      const detail =
        `Approved at the workstation over ${agent.agentId}’s session: a discount of ${formatCents(draft.priced.manualDiscountCents, draft.currency)} ` +
        `on order ${number}, beyond ${agent.agentId}’s authority. Reason: ${approval.reason}`;
      this.writes.queueAudit({ id: randomUUID(), action: 'discount_over_authority', username: approver.username, at: now, detail: detail.slice(0, 500) });
    }
    this.outbox.append(
      'order.submit',
      {
        orderId: input.orderId,
        customerId: input.customerId,
        callId,
        agentId: agent.agentId,
        currency: draft.currency,
        lines: draft.lines.map((line, i) => ({
          lineId: lineIds[i] as string,
          productId: line.productId,
          quantity: line.quantity,
          unitPriceCents: line.product?.priceCents ?? 0,
          offerId: input.lines[i]?.offerId ?? null,
          source: input.lines[i]?.source ?? 'search',
        })),
        campaignCode: draft.campaign?.code ?? null,
        heardFrom,
        delivery: delivery.created
          ? {
              address: {
                id: delivery.created.id,
                line1: delivery.created.line1,
                line2: delivery.created.line2,
                city: delivery.created.city,
                region: delivery.created.region,
                postalCode: delivery.created.postalCode,
                country: delivery.created.country,
              },
              contactEditId: delivery.contactEditId,
            }
          : { addressId: delivery.addressId },
        deliveryMethod: input.deliveryMethod,
        paymentMethod: input.paymentMethod,
        manualDiscount: manual ? { kind: manual.kind, value: manual.value, reason: manual.reason } : null,
        approval,
        // Passed on as asked: should the store's limits be lower than this cache's, it waits for a supervisor there rather than being refused.
        requestApproval: input.requestApproval === true,
        quoted: {
          subtotalCents: draft.priced.subtotalCents,
          discountCents: draft.priced.discountCents,
          taxCents: draft.priced.taxCents,
          shippingCents: draft.priced.shippingCents,
          totalCents: draft.priced.totalCents,
        },
        note,
        createdAt: now,
      },
      now,
    );
    const saved = this.reads.order(input.orderId);
    if (!saved) throw new Error('the order just written is not there');
    return orderSummaryOf(saved);
  }

  /** Each line's accepted offer is an offer this customer accepted, for that line's product. */
  private checkOffers(input: OrderSubmitInput): void {
    input.lines.forEach((line, i) => {
      if (!line.offerId) return;
      const offer = this.reads.offer(line.offerId);
      if (!offer || offer.customerId !== input.customerId || offer.outcome !== 'accepted' || offer.productId !== line.productId) {
        throw new AppError('invalid_input', 'This line’s suggestion is not one this customer accepted for this product: add the product without it.', `lines.${i}.offerId`);
      }
    });
  }

  private delivery(input: OrderSubmitInput):
    | { addressId: string; text: string; created: null; contactEditId: null }
    | { addressId: string; text: string; created: AddressForText & { id: string; isPrimary: boolean }; contactEditId: string } {
    if ('addressId' in input.delivery) {
      const address = this.reads.address(input.delivery.addressId);
      if (!address || address.customerId !== input.customerId) {
        throw new AppError('invalid_input', 'This address is not one of this customer’s: pick one of theirs or enter a new one.', 'delivery.addressId');
      }
      return { addressId: address.id, text: addressText(address) ?? '', created: null, contactEditId: null };
    }
    const a = input.delivery.address;
    if (!isSupportedCountry(a.country)) {
      throw new AppError('invalid_input', `Country: "${a.country}" is not a country code we know; use the two-letter code, e.g. GB.`, 'delivery.address.country');
    }
    const created = {
      id: randomUUID(),
      line1: a.line1,
      line2: orNull(a.line2),
      city: a.city,
      region: orNull(a.region),
      postalCode: orNull(a.postalCode),
      country: a.country,
      // The customer's first address becomes their primary one; otherwise it is added beside it.
      isPrimary: !this.reads.hasPrimaryAddress(input.customerId),
    };
    return { addressId: created.id, text: addressText(created) ?? '', created, contactEditId: randomUUID() };
  }

  /**
   * The approval recorded on an order beyond the CSR's authority, or null when none is needed or
   * none was given. Given, it must be the supervisor main checked, whose role approves discounts
   * and whose own authority covers this one.
   */
  private approval(input: OrderSubmitInput, draft: PricedDraft, approver: Approver | undefined, now: number) {
    if (!draft.authorityCheck.needsApproval || !input.approval) return null;
    const asked = input.approval.username.trim().toLowerCase();
    if (!approver || approver.username !== asked) {
      throw new AppError('unauthenticated', 'The supervisor’s sign-in could not be checked on this workstation: ask them to enter it again.', 'approval.username');
    }
    if (!can(approver.role, 'discount.approve')) {
      throw new AppError('forbidden', `${approver.displayName} (${ROLE_LABELS[approver.role]}) may not approve discounts beyond authority: ask a supervisor.`, 'approval.username');
    }
    const theirs = authorityFor(this.reads, { userId: approver.userId, role: approver.role }, draft.currency);
    const manual = input.manualDiscount ? { kind: input.manualDiscount.kind, value: input.manualDiscount.value } : null;
    const check = exceedsAuthority(manual, draft.priced, theirs);
    if (check.needsApproval) {
      throw new AppError(
        'forbidden',
        `This discount is beyond ${approver.displayName}’s own authority too (${theirs.maxPercent}% per order): lower it, or ask someone with more authority.`,
        'approval.username',
      );
    }
    return { approverId: approver.userId, approverName: approver.username, reason: input.approval.reason.trim(), approvedAt: now };
  }

  /** The same order as one already saved (a replayed submit). */
  private sameOrder(o: StoredOrder, input: OrderSubmitInput): boolean {
    const lines = this.reads.lines(o.id);
    const sameLines =
      lines.length === input.lines.length &&
      lines.every((l, i) => {
        const asked = input.lines[i];
        return asked !== undefined && l.productId === asked.productId && l.quantity === asked.quantity && l.offerId === (asked.offerId ?? null) && l.lineSource === asked.source;
      });
    const code = input.campaignCode?.trim() ? normaliseCode(input.campaignCode) : null;
    const sameDelivery =
      'addressId' in input.delivery
        ? o.deliveryAddressId === input.delivery.addressId
        : o.deliveryAddressId !== null && this.reads.address(o.deliveryAddressId) !== null && addressText(this.newAddressText(input.delivery.address)) === addressText(this.storedAddress(o.deliveryAddressId));
    return (
      sameLines &&
      sameDelivery &&
      (o.campaignCode === null ? code === null : normaliseCode(o.campaignCode) === code) &&
      o.deliveryMethod === input.deliveryMethod &&
      o.paymentMethod === input.paymentMethod &&
      o.quotedTotalCents === input.quotedTotalCents &&
      o.note === orNull(input.note?.trim()) &&
      o.heardFrom === orNull(input.heardFrom?.trim()) &&
      o.callId === (input.callId ?? null) &&
      o.discountReason === (input.manualDiscount?.reason ?? null)
    );
  }

  private newAddressText(a: Extract<OrderSubmitInput['delivery'], { address: unknown }>['address']): AddressForText {
    return { line1: a.line1, line2: orNull(a.line2), city: a.city, region: orNull(a.region), postalCode: orNull(a.postalCode), country: a.country };
  }

  private storedAddress(id: string): AddressForText | null {
    return this.reads.address(id);
  }
}
