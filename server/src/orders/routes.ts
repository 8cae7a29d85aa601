/**
 * Supervisors deciding on discounts beyond a CSR's authority (issue 21), on the central store:
 *
 * - `GET /orders/approvals` (discount.approve): the orders awaiting approval whose author is in
 *   one of the caller's teams (an admin sees every one), oldest first.
 * - `POST /orders/:orderId/decision` (discount.approve) `{ decision, reason }`: approve → the order
 *   is priced again with the store's prices, its stock reserved and its number given (`placed`),
 *   or it needs attention with the reason; refuse → `cancelled` with "Discount refused by <name>:
 *   <reason>". The approver's own authority must cover the discount. A supervisor of another team
 *   is refused (403); an order not awaiting approval any more (decided twice) is a conflict (409).
 *
 * Both answer the `orderSummary` shape (src-shared/contracts/orders.ts). Every change goes through
 * the change-log triggers like any write, so the CSR's workstation pulls it; the change feed is
 * poked after the commit so its live stream tells it at once.
 */
import { and, asc, eq, exists, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { orderDecideChannel, type OrderSummary, type pendingApproval } from '../../../src-shared/contracts/orders';
import type { SessionUser } from '../../../src-shared/contracts/server-auth';
import type { DeliveryMethod } from '../../../src-shared/domain/order';
import type { SellingCurrency } from '../../../src-shared/domain/product';
import { recordAudit } from '../audit/audit';
import { workstationName } from '../auth/workstations';
import { customers, orderLines, orders, products, userTeams } from '../db/schema';
import { HttpError, parseBody } from '../http/errors';
import { MutationRefused, type StoreTx } from '../sync/mutations/refusal';
import { emitOrderConfirmed } from '../webhooks/events';
import { checkAuthority, confirmPriced, priceAtStore, type Confirmation } from './confirm';
import { enqueueMail } from '../email/outbox';

type PendingApproval = z.infer<typeof pendingApproval>;

const noQuery = z.object({}).strict();
const decisionInput = orderDecideChannel.input;

type OrderRow = typeof orders.$inferSelect;

const iso = (ms: number) => new Date(ms).toISOString();

export function summaryOf(order: Pick<OrderRow, 'id' | 'number' | 'status' | 'currency' | 'totalCents' | 'quotedTotalCents' | 'attentionReason' | 'approverName' | 'placedAt'>): OrderSummary {
  return {
    orderId: order.id,
    number: order.number,
    status: order.status,
    currency: order.currency,
    totalCents: order.totalCents,
    quotedTotalCents: order.quotedTotalCents,
    attentionReason: order.attentionReason,
    approverName: order.approverName,
    placedAt: iso(Number(order.placedAt)),
  };
}

/** Whether `author` (a store user id) is in one of `caller`'s teams; admins decide for every team. */
async function sharesTeam(tx: StoreTx, caller: SessionUser, author: string | null): Promise<boolean> {
  if (caller.role === 'admin') return true;
  if (author === null) return false;
  const mine = alias(userTeams, 'mine');
  const rows = await tx
    .select({ teamId: userTeams.teamId })
    .from(userTeams)
    .innerJoin(mine, and(eq(mine.teamId, userTeams.teamId), eq(mine.userId, caller.id)))
    .where(eq(userTeams.userId, author))
    .limit(1);
  return rows.length > 0;
}

/**
 * Approves an order awaiting approval, in `tx`: priced again at the store (a product discontinued
 * since, or without a price in the order's currency, leaves it needing attention), then placed
 * or left needing attention as on arrival. The manual discount is the amount the store computed
 * when the order arrived: on the same prices it is the same discount the CSR gave.
 */
async function approve(tx: StoreTx, order: OrderRow, caller: SessionUser, reason: string, now: number): Promise<Confirmation> {
  const lines = await tx
    .select({ lineId: orderLines.id, productId: orderLines.productId, quantity: orderLines.quantity })
    .from(orderLines)
    .where(eq(orderLines.orderId, order.id))
    .orderBy(asc(orderLines.lineNo));
  const manualDiscount = order.manualDiscountCents > 0 ? { kind: 'amount' as const, value: order.manualDiscountCents } : null;
  const stopped = await tx
    .select({ sku: products.sku })
    .from(products)
    .where(and(inArray(products.id, lines.map((l) => l.productId)), sql`${products.status} <> 'active'`));
  if (stopped.length > 0) return { status: 'needs_attention', reason: `Discontinued since the order was taken: ${stopped.map((p) => p.sku).join(', ')}` };
  let confirmation: Confirmation;
  try {
    const pricing = await priceAtStore(
      tx,
      {
        currency: order.currency as SellingCurrency,
        lines,
        campaignCode: order.campaignCode,
        manualDiscount,
        deliveryMethod: (order.deliveryMethod ?? 'standard') as DeliveryMethod,
        takenAt: Number(order.placedAt),
      },
      'order',
    );
    const covers = await checkAuthority(tx, caller, { currency: order.currency, manualDiscount }, pricing.priced);
    if (covers.needsApproval) {
      throw new HttpError('forbidden', `This discount is beyond your own authority too (${covers.reason}); ask someone whose authority covers it.`);
    }
    const quoted = order.quotedTotalCents ?? order.totalCents;
    confirmation = await confirmPriced(tx, pricing, lines, { totalCents: quoted, currency: order.currency, matches: (p) => p.totalCents === quoted });
    await tx
      .update(orders)
      .set({
        subtotalCents: pricing.priced.subtotalCents,
        discountCents: pricing.priced.discountCents,
        manualDiscountCents: pricing.priced.manualDiscountCents,
        taxCents: pricing.priced.taxCents,
        shippingCents: pricing.priced.shippingCents,
        totalCents: pricing.priced.totalCents,
      })
      .where(eq(orders.id, order.id));
  } catch (e) {
    if (!(e instanceof MutationRefused)) throw e;
    confirmation = { status: 'needs_attention', reason: e.message };
  }
  await tx
    .update(orders)
    .set({
      status: confirmation.status,
      ...(confirmation.status === 'placed' ? { number: confirmation.number, attentionReason: null } : { attentionReason: confirmation.reason }),
      approvedBy: caller.id,
      approverName: caller.username,
      approvalReason: reason,
      approvedAt: now,
    })
    .where(eq(orders.id, order.id));
  // Placed now: the customer's confirmation is owed, in this same transaction (issue 23).
  if (confirmation.status === 'placed') await enqueueMail(tx, { kind: 'order_confirmation', recordId: order.id, customerId: order.customerId, now });
  return confirmation;
}

export function registerOrderRoutes(app: FastifyInstance): void {
  app.get('/orders/approvals', async (request) => {
    parseBody(noQuery, request.query);
    const caller = request.auth?.user;
    if (!caller) throw new HttpError('unauthenticated', 'Sign in first.');
    const mine = alias(userTeams, 'mine');
    const theirs = alias(userTeams, 'theirs');
    const inMyTeams = exists(
      app.store.db
        .select({ one: sql`1` })
        .from(theirs)
        .innerJoin(mine, and(eq(mine.teamId, theirs.teamId), eq(mine.userId, caller.id)))
        .where(eq(theirs.userId, orders.createdBy)),
    );
    const rows = await app.store.db
      .select({
        orderId: orders.id,
        number: orders.number,
        firstName: customers.firstName,
        lastName: customers.lastName,
        agentName: orders.agentId,
        currency: orders.currency,
        totalCents: orders.totalCents,
        manualDiscountCents: orders.manualDiscountCents,
        discountReason: orders.discountReason,
        placedAt: orders.placedAt,
      })
      .from(orders)
      .innerJoin(customers, eq(customers.id, orders.customerId))
      .where(and(eq(orders.status, 'awaiting_approval'), caller.role === 'admin' ? undefined : inMyTeams))
      .orderBy(asc(orders.placedAt), asc(orders.id));
    const value: { orders: PendingApproval[] } = {
      orders: rows.map((r) => ({
        orderId: r.orderId,
        number: r.number,
        customerName: `${r.firstName} ${r.lastName}`,
        agentName: r.agentName ?? '',
        currency: r.currency,
        totalCents: r.totalCents,
        manualDiscountCents: r.manualDiscountCents,
        discountReason: r.discountReason,
        submittedAt: iso(Number(r.placedAt)),
      })),
    };
    return { ok: true, value };
  });

  app.post('/orders/:orderId/decision', async (request) => {
    const params = request.params as { orderId?: unknown };
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError('invalid_input', 'The request body must be a JSON object.');
    const given = (body as { orderId?: unknown }).orderId;
    if (given !== undefined && given !== params.orderId) throw new HttpError('invalid_input', 'orderId: the body names another order than the address.', 'orderId');
    const { orderId, decision, reason } = parseBody(decisionInput, { ...body, orderId: params.orderId });
    const caller = request.auth?.user;
    if (!caller) throw new HttpError('unauthenticated', 'Sign in first.');
    const now = app.clock();
    const where = { workstationId: request.auth?.workstationId ?? null, workstationName: request.auth?.workstationId ? await workstationName(app.store.db, request.auth.workstationId) : null };
    const summary = await app.store.db.transaction(async (tx) => {
      const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
      if (!order) throw new HttpError('not_found', 'No order has this id.', 'orderId');
      if (!(await sharesTeam(tx, caller, order.createdBy))) {
        throw new HttpError('forbidden', 'This order was taken by someone outside your teams: a supervisor of their team decides on it.');
      }
      if (order.status !== 'awaiting_approval') {
        throw new HttpError('conflict', `This order is not awaiting approval any more (it is ${order.status.replace('_', ' ')}): it has been decided already.`);
      }
      const who = { userId: caller.id, username: caller.username, ...where, subject: order.id };
      if (decision === 'approve') {
        const outcome = await approve(tx, order, caller, reason, now);
        await recordAudit(tx, {
          at: now,
          ...who,
          action: 'discount_approved',
          detail: `${caller.username} approved the discount ${order.agentId ?? 'a CSR'} gave on order ${order.id} (${outcome.status === 'placed' ? `placed as ${outcome.number}` : `needs attention: ${outcome.reason}`}): ${reason}`,
        });
      } else {
        await tx
          .update(orders)
          .set({ status: 'cancelled', attentionReason: `Discount refused by ${caller.username}: ${reason}` })
          .where(eq(orders.id, order.id));
        await recordAudit(tx, { at: now, ...who, action: 'discount_refused', detail: `${caller.username} refused the discount ${order.agentId ?? 'a CSR'} gave on order ${order.id}: ${reason}` });
      }
      const [after] = await tx.select().from(orders).where(eq(orders.id, orderId));
      if (after!.status === 'placed') await emitOrderConfirmed(tx, after!, now);
      return summaryOf(after!);
    });
    // Committed: the CSR's workstation hears it on its live stream and pulls the order.
    app.changeFeed.poke();
    const value: OrderSummary = summary;
    return { ok: true, value };
  });
}
