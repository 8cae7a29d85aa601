/**
 * Emitting webhook events (issue 23). `emitWebhookEvent` writes the event and one pending delivery
 * per active endpoint that subscribed to its kind, in the transaction it is given: the event
 * commits or rolls back with the change it tells of. Call it from wherever that change is written
 * (pushed complaints and orders: mutation-events.ts; an erasure: the privacy work calls
 * `emitCustomerErased`). The same `key` twice (a write applied again) emits nothing new.
 *
 * Payloads carry ids and figures, never names, phone numbers or addresses: a receiver that needs
 * more asks the store.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { WebhookEventKind } from '../../../src-shared/contracts/webhooks';
import type { StoreDb } from '../db/connect';
import { webhookDeliveries, webhookEndpoints, webhookEvents } from '../db/schema';
import type { StoreTx } from '../sync/mutations/refusal';

export interface WebhookEventInput {
  kind: WebhookEventKind;
  /** What makes the event unique ("complaint.logged:<id>"): emitting it again is a no-op. */
  key: string;
  /** The event's data (ids and figures; no personal data). */
  data: Record<string, unknown>;
  /** The store's clock, epoch ms. */
  at: number;
}

/** Writes the event and its deliveries in `tx`; answers the event id, or null when it was emitted before. */
export async function emitWebhookEvent(tx: StoreDb | StoreTx, event: WebhookEventInput): Promise<string | null> {
  const id = randomUUID();
  const payload = JSON.stringify({ id, type: event.kind, createdAt: new Date(event.at).toISOString(), data: event.data });
  const inserted = await tx
    .insert(webhookEvents)
    .values({ id, kind: event.kind, key: event.key, payload, createdAt: event.at })
    .onConflictDoNothing({ target: webhookEvents.key })
    .returning({ id: webhookEvents.id });
  if (inserted.length === 0) return null;
  const endpoints = await tx.select({ id: webhookEndpoints.id, events: webhookEndpoints.events }).from(webhookEndpoints).where(eq(webhookEndpoints.active, true));
  const subscribed = endpoints.filter((e) => (JSON.parse(e.events) as string[]).includes(event.kind));
  if (subscribed.length > 0) {
    await tx
      .insert(webhookDeliveries)
      .values(subscribed.map((e) => ({ id: randomUUID(), eventId: id, endpointId: e.id, createdAt: event.at, nextAttemptAt: event.at })));
  }
  return id;
}

/** customer.erased, for the erasure work: call in the transaction that erases the customer. */
export function emitCustomerErased(tx: StoreDb | StoreTx, customerId: string, at: number): Promise<string | null> {
  return emitWebhookEvent(tx, { kind: 'customer.erased', key: `customer.erased:${customerId}`, data: { customerId }, at });
}

/** order.confirmed: a phone order the store placed (confirmed at push, or approved by a supervisor). */
export function emitOrderConfirmed(
  tx: StoreDb | StoreTx,
  order: { id: string; number: string; customerId: string; currency: string; totalCents: number },
  at: number,
): Promise<string | null> {
  return emitWebhookEvent(tx, {
    kind: 'order.confirmed',
    key: `order.confirmed:${order.id}`,
    data: { orderId: order.id, number: order.number, customerId: order.customerId, currency: order.currency, totalCents: order.totalCents },
    at,
  });
}
