/**
 * Admins manage outbound webhooks (issue 23; `integrations.manage`, admins only):
 *
 * - `POST /admin/webhooks` `{ url, events }` → the endpoint with its signing secret, shown this once.
 * - `GET /admin/webhooks` → every endpoint, never a secret.
 * - `POST /admin/webhooks/:endpointId/disable` → nothing more is sent to it.
 * - `GET /admin/webhooks/deliveries?state=&endpointId=&limit=` → the delivery log, newest first.
 * - `POST /admin/webhooks/deliveries/:deliveryId/replay` → sent again (same event id), with a fresh
 *   day of retries.
 *
 * Registering, disabling and replaying are audited.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { and, asc, desc, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  newWebhookEndpoint,
  webhookDeliveriesQuery,
  type WebhookDeliveryView,
  type WebhookEndpointView,
  type WebhookEventKind,
} from '../../../src-shared/contracts/webhooks';
import { webhookDeliveries, webhookEndpoints, webhookEvents } from '../db/schema';
import { HttpError, parseBody } from '../http/errors';
import { newSecret } from '../ingest/signature';
import { auditAdminAction } from '../integrations/routes';
import type { WebhookWorker } from './delivery';

const endpointPath = z.object({ endpointId: z.string().uuid('endpointId: not an endpoint id.') }).strict();
const deliveryPath = z.object({ deliveryId: z.string().uuid('deliveryId: not a delivery id.') }).strict();
const noQuery = z.object({}).strict();

type EndpointRow = typeof webhookEndpoints.$inferSelect;
const view = (r: EndpointRow): WebhookEndpointView => ({
  id: r.id,
  url: r.url,
  events: JSON.parse(r.events) as WebhookEventKind[],
  active: r.active,
  createdAt: r.createdAt,
  disabledAt: r.disabledAt,
});

export function registerWebhookRoutes(app: FastifyInstance, worker: WebhookWorker | undefined): void {
  app.post('/admin/webhooks', async (request, reply) => {
    const input = parseBody(newWebhookEndpoint, request.body);
    const caller = request.auth!.user;
    const created = await app.store.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(webhookEndpoints)
        .values({ id: randomUUID(), url: input.url, events: JSON.stringify([...new Set(input.events)]), secret: newSecret(), createdAt: app.clock(), createdBy: caller.id })
        .returning();
      await auditAdminAction(tx, request, 'webhook_created', `webhook:${row!.id}`, `${caller.username} registered a webhook endpoint at ${new URL(row!.url).host} for ${input.events.join(', ')}.`);
      return { ...view(row!), secret: row!.secret };
    });
    return reply.status(201).send({ ok: true, value: created });
  });

  app.get('/admin/webhooks', async (request) => {
    parseBody(noQuery, request.query);
    const rows = await app.store.db.select().from(webhookEndpoints).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
    return { ok: true, value: rows.map(view) };
  });

  app.post('/admin/webhooks/:endpointId/disable', async (request) => {
    const { endpointId } = parseBody(endpointPath, request.params);
    const caller = request.auth!.user;
    const value = await app.store.db.transaction(async (tx) => {
      const [row] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)).for('update');
      if (!row) throw new HttpError('not_found', 'No such webhook endpoint.');
      if (!row.active) return view(row);
      const [updated] = await tx.update(webhookEndpoints).set({ active: false, disabledAt: app.clock() }).where(eq(webhookEndpoints.id, endpointId)).returning();
      await auditAdminAction(tx, request, 'webhook_disabled', `webhook:${endpointId}`, `${caller.username} disabled the webhook endpoint at ${new URL(row.url).host}.`);
      return view(updated!);
    });
    return { ok: true, value };
  });

  app.get('/admin/webhooks/deliveries', async (request) => {
    const query = parseBody(webhookDeliveriesQuery, request.query);
    const where: SQL[] = [];
    if (query.state !== undefined) where.push(eq(webhookDeliveries.state, query.state));
    if (query.endpointId !== undefined) where.push(eq(webhookDeliveries.endpointId, query.endpointId));
    const rows = await app.store.db
      .select({
        id: webhookDeliveries.id,
        eventId: webhookDeliveries.eventId,
        event: webhookEvents.kind,
        endpointId: webhookDeliveries.endpointId,
        state: webhookDeliveries.state,
        attempts: webhookDeliveries.attempts,
        createdAt: webhookDeliveries.createdAt,
        nextAttemptAt: webhookDeliveries.nextAttemptAt,
        lastAttemptAt: webhookDeliveries.lastAttemptAt,
        lastStatus: webhookDeliveries.lastStatus,
        lastError: webhookDeliveries.lastError,
        deliveredAt: webhookDeliveries.deliveredAt,
      })
      .from(webhookDeliveries)
      .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
      .where(and(...where))
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(query.limit);
    const value: WebhookDeliveryView[] = rows;
    return { ok: true, value };
  });

  app.post('/admin/webhooks/deliveries/:deliveryId/replay', async (request) => {
    const { deliveryId } = parseBody(deliveryPath, request.params);
    const caller = request.auth!.user;
    const now = app.clock();
    await app.store.db.transaction(async (tx) => {
      const [row] = await tx.select({ state: webhookDeliveries.state, eventId: webhookDeliveries.eventId }).from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId)).for('update');
      if (!row) throw new HttpError('not_found', 'No such webhook delivery.');
      await tx.update(webhookDeliveries).set({ state: 'pending', nextAttemptAt: now, createdAt: now }).where(eq(webhookDeliveries.id, deliveryId));
      await auditAdminAction(tx, request, 'webhook_replayed', `webhook-delivery:${deliveryId}`, `${caller.username} replayed webhook event ${row.eventId} (was ${row.state}).`);
    });
    worker?.kick();
    return { ok: true, value: { deliveryId, state: 'pending' } };
  });
}
