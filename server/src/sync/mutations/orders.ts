/**
 * `order.submit` on the central store (issue 21): a phone order taken on a workstation.
 *
 * Refused (permanently, nothing written): an unknown customer; an unknown or discontinued product;
 * a delivery address that is not this customer's; a linked call that is not this customer's or
 * not the author's (unless their role may act on others' calls); an offer that is not this
 * customer's accepted offer of that product; an approval by someone who may not give it here; an
 * order id the store has with other content (issue 18, item 7). The same order again — the same
 * entry resent, or a second entry with the same content — changes nothing: one order ever.
 *
 * Otherwise the store prices it again with its own prices, campaigns and discount limits
 * (server/src/orders/confirm.ts) and records what it found, never silently:
 * - a manual discount beyond the author's authority without an approval, sent to the supervisors
 *   (`requestApproval`) → `awaiting_approval` (nothing reserved, no number yet; the supervisors of
 *   the author's teams decide on the store); neither approved nor sent → refused `forbidden`;
 * - a campaign code that does not hold, totals other than quoted, units not there →
 *   `needs_attention` with the reason and both totals;
 * - else `placed`, its units reserved and the store's own order number given.
 * Every discount beyond authority, and its approval, is written to the audit log.
 */
import { and, eq } from 'drizzle-orm';
import { mayStep } from '../../../../src-shared/auth/permissions';
import { addressText } from '../../../../src-shared/domain/contact-text';
import { sameTotals, type PricedOrder } from '../../../../src-shared/domain/pricing';
import { formatCents } from '../../../../src-shared/domain/money';
import { MAX_CLOCK_AHEAD_MS } from '../../../../src-shared/domain/time';
import { MUTATION_WORDS, type ParsedMutations } from '../../../../src-shared/sync/mutations';
import type { NamesOf } from '../../../../src-shared/sync/mutations/define';
import type { ORDER_MUTATIONS } from '../../../../src-shared/sync/mutations/orders';
import { recordAudit } from '../../audit/audit';
import { isErased } from '../../privacy/erase';
import { calls, contactEdits, customerAddresses, offers, orderLines, orders, users, workstationUsers } from '../../db/schema';
import { checkAuthority, confirmPriced, mayApprove, priceAtStore, provisionalNumber, type Confirmation } from '../../orders/confirm';
import { enqueueMail } from '../../email/outbox';
import { insertOnce } from './insert-once';
import { requireCustomer } from './references';
import { MutationRefused, takenId, type Appliers, type ApplyContext, type StoreTx } from './refusal';

type Submit = ParsedMutations['order.submit'];
type SubmitArgs = Submit['args'];

/** The order columns a submit sets and nothing later changes: the same order again has the same. */
const SAME_ORDER = [
  'customerId',
  'channel',
  'currency',
  'placedAt',
  'callId',
  'agentId',
  'campaignCode',
  'heardFrom',
  'deliveryAddressId',
  'deliveryMethod',
  'paymentMethod',
  'discountReason',
  'quotedTotalCents',
  'note',
] as const;

const deliveryAddressIdOf = (a: SubmitArgs) => ('addressId' in a.delivery ? a.delivery.addressId : a.delivery.address.id);

async function applyOrderSubmit(ctx: ApplyContext, m: Submit): Promise<void> {
  const { tx } = ctx;
  const a = m.args;
  const words = MUTATION_WORDS[m.name];
  const taken = takenId(words, 'order');
  await requireCustomer(tx, a.customerId, words);

  // The order row first: a second entry with the same order id (another push racing this one)
  // waits on it here, then finds it and is compared with it, so the units are reserved once.
  const inserted = await insertOnce(
    tx,
    orders,
    {
      id: a.orderId,
      number: provisionalNumber(a.orderId),
      customerId: a.customerId,
      channel: 'phone',
      campaignCode: a.campaignCode,
      status: 'submitted',
      currency: a.currency,
      subtotalCents: a.quoted.subtotalCents,
      discountCents: a.quoted.discountCents,
      taxCents: a.quoted.taxCents,
      shippingCents: a.quoted.shippingCents,
      totalCents: a.quoted.totalCents,
      placedAt: a.createdAt,
      callId: a.callId,
      createdBy: ctx.author.id,
      agentId: a.agentId,
      heardFrom: a.heardFrom,
      deliveryAddressId: deliveryAddressIdOf(a),
      deliveryMethod: a.deliveryMethod,
      paymentMethod: a.paymentMethod,
      discountReason: a.manualDiscount?.reason ?? null,
      quotedTotalCents: a.quoted.totalCents,
      note: a.note,
    },
    SAME_ORDER,
    taken,
  );
  if (inserted === 'existing') {
    await requireSameLines(tx, a, taken);
    return;
  }

  await requireOrderCall(ctx, a, words);
  await requireOffers(tx, a, words);
  const pricing = await priceAtStore(
    tx,
    {
      currency: a.currency,
      lines: a.lines,
      campaignCode: a.campaignCode,
      manualDiscount: a.manualDiscount === null ? null : { kind: a.manualDiscount.kind, value: a.manualDiscount.value },
      deliveryMethod: a.deliveryMethod,
      takenAt: a.createdAt,
    },
    words,
  );
  await writeDelivery(ctx, a, words, taken);

  const { priced } = pricing;
  const manualDiscount = a.manualDiscount === null ? null : { kind: a.manualDiscount.kind, value: a.manualDiscount.value };
  const authority = await checkAuthority(tx, ctx.author, { currency: a.currency, manualDiscount }, priced);
  const approver = a.approval === null ? null : await checkApproval(ctx, a, priced, words);
  if (authority.needsApproval && approver === null && a.requestApproval !== true) {
    // A forced submit: beyond authority, neither approved nor sent to the supervisors.
    throw new MutationRefused(
      'forbidden',
      `${authority.reason.replace(/: a supervisor must approve it\.$/, '')} (as the central store reckons it for ${ctx.author.username}), and the ${words} was neither approved nor sent to the supervisors, so it was not saved there; take it again within the authority, or send it for approval.`,
    );
  }
  const who = { userId: ctx.author.id, username: ctx.author.username, workstationId: ctx.workstation.id, workstationName: ctx.workstation.name };

  let outcome: Confirmation | { status: 'awaiting_approval' };
  if (authority.needsApproval) {
    await recordAudit(tx, {
      at: ctx.now,
      ...who,
      action: 'discount_over_authority',
      subject: a.orderId,
      detail: `${ctx.author.username} gave a discount of ${formatCents(priced.manualDiscountCents, a.currency)} on order ${a.orderId} beyond their authority (${approver ? `approved at the workstation by ${approver.username}` : 'awaiting a supervisor'}).`,
    });
  }
  if (approver !== null && a.approval !== null) {
    await recordAudit(tx, {
      at: ctx.now,
      ...who,
      action: 'discount_approved',
      subject: a.orderId,
      detail: `${approver.username} approved a discount of ${formatCents(priced.manualDiscountCents, a.currency)} on order ${a.orderId} at ${ctx.workstation.name}: ${a.approval.reason}`,
    });
  }
  if (authority.needsApproval && approver === null) outcome = { status: 'awaiting_approval' };
  else {
    outcome = await confirmPriced(tx, pricing, a.lines, {
      totalCents: a.quoted.totalCents,
      currency: a.currency,
      matches: (p) => sameTotals(p, a.quoted),
    });
  }

  await tx
    .update(orders)
    .set({
      status: outcome.status,
      number: outcome.status === 'placed' ? outcome.number : provisionalNumber(a.orderId),
      attentionReason: outcome.status === 'needs_attention' ? outcome.reason : null,
      subtotalCents: priced.subtotalCents,
      discountCents: priced.discountCents,
      manualDiscountCents: priced.manualDiscountCents,
      taxCents: priced.taxCents,
      shippingCents: priced.shippingCents,
      totalCents: priced.totalCents,
      ...(approver !== null && a.approval !== null
        ? { approvedBy: approver.id, approverName: approver.username, approvalReason: a.approval.reason, approvedAt: a.approval.approvedAt }
        : {}),
    })
    .where(eq(orders.id, a.orderId));
  // Placed: the customer's order confirmation is owed, committed with the order (issue 23).
  if (outcome.status === 'placed') await enqueueMail(tx, { kind: 'order_confirmation', recordId: a.orderId, customerId: a.customerId, now: ctx.now });

  const pricedLines = new Map(priced.lines.map((l) => [l.key, l]));
  for (const [i, line] of a.lines.entries()) {
    const product = pricing.products.get(line.productId)!;
    const figures = pricedLines.get(line.lineId)!;
    await insertOnce(
      tx,
      orderLines,
      {
        id: line.lineId,
        orderId: a.orderId,
        lineNo: i + 1,
        productId: line.productId,
        customerId: a.customerId,
        placedAt: a.createdAt,
        sku: product.sku,
        name: product.name,
        quantity: line.quantity,
        unitPriceCents: product.unitPriceCents,
        totalCents: figures.totalCents,
        offerId: line.offerId,
        lineSource: line.source,
        discountCents: figures.discountCents,
        taxCents: figures.taxCents,
        taxClass: product.taxClass,
      },
      ['orderId'],
      taken,
    );
  }
}

/** The same order again: its lines must be the ones stored (ids, products, quantities, offers), else it is another order under a reused id. */
async function requireSameLines(tx: StoreTx, a: SubmitArgs, taken: string): Promise<void> {
  const stored = await tx
    .select({ id: orderLines.id, productId: orderLines.productId, quantity: orderLines.quantity, offerId: orderLines.offerId })
    .from(orderLines)
    .where(eq(orderLines.orderId, a.orderId));
  const byId = new Map(stored.map((l) => [l.id.toLowerCase(), l]));
  const same =
    stored.length === a.lines.length &&
    a.lines.every((l) => {
      const s = byId.get(l.lineId.toLowerCase());
      return s !== undefined && s.productId.toLowerCase() === l.productId.toLowerCase() && s.quantity === l.quantity && (s.offerId?.toLowerCase() ?? null) === (l.offerId?.toLowerCase() ?? null);
    });
  if (!same) throw new MutationRefused('conflict', taken);
  if ('address' in a.delivery) {
    const [address] = await tx.select({ customerId: customerAddresses.customerId }).from(customerAddresses).where(eq(customerAddresses.id, a.delivery.address.id));
    if (address?.customerId !== a.customerId) throw new MutationRefused('conflict', taken);
  }
}

/** The call the order was taken in: this customer's, and the author's (or their role may act on others' calls). */
async function requireOrderCall(ctx: ApplyContext, a: SubmitArgs, words: string): Promise<void> {
  if (a.callId === null) return;
  const [call] = await ctx.tx.select({ customerId: calls.customerId, agentId: calls.agentId }).from(calls).where(eq(calls.id, a.callId)).for('key share');
  if (!call) {
    throw new MutationRefused(
      'not_found',
      `The call this ${words} was taken in is not in the central store (its start was refused or removed), so the ${words} was not saved there; take it again without the call if it is still needed.`,
    );
  }
  if (call.customerId !== a.customerId) {
    throw new MutationRefused('invalid_input', `The call this ${words} names is with another customer in the central store, so the ${words} was not saved there; take it again from the right customer's record.`);
  }
  if (!mayStep(call.agentId, { agentId: a.agentId, role: ctx.authorRole })) {
    throw new MutationRefused('forbidden', `The call this ${words} names was taken by ${call.agentId}, not by ${a.agentId}, so the ${words} was not saved on the central store.`);
  }
}

/** Each line's offer: this customer's, accepted, and for the line's product. */
async function requireOffers(tx: StoreTx, a: SubmitArgs, words: string): Promise<void> {
  for (const line of a.lines) {
    if (line.offerId === null) continue;
    const [offer] = await tx
      .select({ customerId: offers.customerId, outcome: offers.outcome, productId: offers.productId })
      .from(offers)
      .where(eq(offers.id, line.offerId))
      .for('key share');
    if (!offer || offer.customerId !== a.customerId || offer.outcome !== 'accepted' || offer.productId !== line.productId) {
      throw new MutationRefused(
        'invalid_input',
        `A line of this ${words} names a suggestion that is not one this customer accepted for that product in the central store, so the ${words} was not saved there; add the product again from the search.`,
      );
    }
  }
}

/**
 * The delivery address: one of this customer's, or a new one saved to their profile as the
 * primary address (the one before stays on the profile, no longer primary), with a contact-history
 * row whose old value is the store's primary address just before.
 */
async function writeDelivery(ctx: ApplyContext, a: SubmitArgs, words: string, taken: string): Promise<void> {
  const { tx } = ctx;
  if ('addressId' in a.delivery) {
    const [address] = await tx.select({ customerId: customerAddresses.customerId }).from(customerAddresses).where(eq(customerAddresses.id, a.delivery.addressId)).for('key share');
    if (!address || address.customerId !== a.customerId) {
      throw new MutationRefused('invalid_input', `The delivery address of this ${words} is not one of this customer's addresses in the central store, so the ${words} was not saved there; choose one of theirs or enter it again.`);
    }
    return;
  }
  const { address, contactEditId } = a.delivery;
  // Issue 23: an erased customer gets no address back on their profile; the order itself is kept
  // without its delivery address (the store's trigger keeps an erased customer's orders anonymous).
  if (await isErased(tx, a.customerId)) return;
  const primaries = and(eq(customerAddresses.customerId, a.customerId), eq(customerAddresses.isPrimary, true));
  const [before] = await tx.select().from(customerAddresses).where(primaries).for('no key update').limit(1);
  // New rows of a new order: an id the store already has is another record's (issue 18, item 7).
  if ((await insertOnce(tx, customerAddresses, { ...address, customerId: a.customerId, kind: 'shipping', isPrimary: false }, ['customerId'], taken)) === 'existing') {
    throw new MutationRefused('conflict', taken);
  }
  await tx.update(customerAddresses).set({ isPrimary: false }).where(primaries);
  await tx.update(customerAddresses).set({ isPrimary: true }).where(eq(customerAddresses.id, address.id));
  const edit = await insertOnce(
    tx,
    contactEdits,
    {
      id: contactEditId,
      customerId: a.customerId,
      callId: a.callId,
      agentId: a.agentId,
      field: 'primary_address',
      oldValue: addressText(before ?? null),
      newValue: addressText(address),
      at: a.createdAt,
    },
    ['customerId', 'field', 'at'],
    taken,
  );
  if (edit === 'existing') throw new MutationRefused('conflict', taken);
}

/**
 * A supervisor's approval given at the workstation: by a user the store knows, active, whose role
 * approves discounts, whom the store has seen sign in on this very workstation (a workstation
 * speaks only for the people who signed in on it, issue 18), and whose own authority covers the
 * discount. Anything else refuses the order (`forbidden`): it is never placed on an approval that
 * does not hold.
 */
async function checkApproval(ctx: ApplyContext, a: SubmitArgs, priced: PricedOrder, words: string): Promise<{ id: string; username: string }> {
  const approval = a.approval!;
  const refuse = (why: string) => new MutationRefused('forbidden', `The discount on this ${words} was approved by ${approval.approverName}, ${why}, so the ${words} was not saved on the central store; ask for the approval again.`);
  if (approval.approvedAt > ctx.now + MAX_CLOCK_AHEAD_MS) throw refuse('at a time ahead of the central store’s clock');
  const [approver] = await ctx.tx
    .select({ id: users.id, username: users.username, role: users.role, active: users.active, seen: workstationUsers.userId })
    .from(users)
    .leftJoin(workstationUsers, and(eq(workstationUsers.userId, users.id), eq(workstationUsers.workstationId, ctx.workstation.id)))
    .where(eq(users.id, approval.approverId));
  if (!approver || !approver.active) throw refuse('who is not an active user of the central store');
  if (!mayApprove(approver.role)) throw refuse('whose role does not approve discounts');
  if (approver.seen === null) throw refuse(`who has never signed in on this workstation (${ctx.workstation.name}) while it was connected`);
  const manualDiscount = a.manualDiscount === null ? null : { kind: a.manualDiscount.kind, value: a.manualDiscount.value };
  const covers = await checkAuthority(ctx.tx, approver, { currency: a.currency, manualDiscount }, priced);
  if (covers.needsApproval) throw refuse('whose own discount authority does not cover it');
  return { id: approver.id, username: approver.username };
}

export const ORDER_APPLIERS: Appliers<NamesOf<typeof ORDER_MUTATIONS>> = {
  'order.submit': applyOrderSubmit,
};
