/**
 * The webhook events pushed writes give rise to (issue 23), emitted in the push's transaction
 * right after the mutation applied (server/src/sync/mutations/apply.ts): a complaint logged, a
 * complaint resolved, a phone order the store placed. Each is keyed by the record (or, for a
 * resolution, the complaint event), so the same entry applied again emits nothing new.
 */
import { eq } from 'drizzle-orm';
import type { ParsedMutation } from '../../../src-shared/sync/mutations';
import { complaints, orders } from '../db/schema';
import type { ApplyContext } from '../sync/mutations/refusal';
import { emitOrderConfirmed, emitWebhookEvent } from './events';

export async function emitMutationEvents(ctx: ApplyContext, m: ParsedMutation): Promise<void> {
  switch (m.name) {
    case 'complaint.log': {
      const a = m.args;
      await emitWebhookEvent(ctx.tx, {
        kind: 'complaint.logged',
        key: `complaint.logged:${a.complaintId}`,
        data: { complaintId: a.complaintId, customerId: a.customerId, orderId: a.orderId, categoryCode: a.categoryCode, severity: a.severity, openedAt: new Date(a.openedAt).toISOString() },
        at: ctx.now,
      });
      return;
    }
    case 'complaint.transition': {
      const a = m.args;
      if (a.to !== 'resolved') return;
      const [c] = await ctx.tx.select({ customerId: complaints.customerId }).from(complaints).where(eq(complaints.id, a.complaintId));
      await emitWebhookEvent(ctx.tx, {
        kind: 'complaint.resolved',
        key: `complaint.resolved:${a.eventId}`,
        data: { complaintId: a.complaintId, customerId: c?.customerId ?? null, resolvedAt: new Date(a.at).toISOString() },
        at: ctx.now,
      });
      return;
    }
    case 'order.submit': {
      const [o] = await ctx.tx
        .select({ id: orders.id, number: orders.number, customerId: orders.customerId, currency: orders.currency, totalCents: orders.totalCents, status: orders.status })
        .from(orders)
        .where(eq(orders.id, m.args.orderId));
      if (o?.status === 'placed') await emitOrderConfirmed(ctx.tx, o, ctx.now);
      return;
    }
    default:
      return;
  }
}
