/**
 * Admins manage ingest integrations (issue 23; `integrations.manage`, admins only):
 *
 * - `POST /admin/integrations` `{ name, source }` → the integration with its secret, shown this once.
 * - `GET /admin/integrations` → every integration, never a secret.
 * - `POST /admin/integrations/:integrationId/disable` → its deliveries are refused from now on
 *   (those already queued are still applied).
 * - `GET /admin/ingest/deliveries?state=dead` → the queue's latest deliveries, with the reason a
 *   dead one was not applied (never its body: that is customer data).
 *
 * Creating and disabling are audited (never the secret).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { and, desc, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { ingestDeliveriesQuery, newIntegration, type IngestDeliveryView } from '../../../src-shared/contracts/ingest';
import type { AuditAction } from '../../../src-shared/contracts/admin';
import { recordAudit } from '../audit/audit';
import { workstationName } from '../auth/workstations';
import type { StoreDb } from '../db/connect';
import { ingestDeliveries } from '../db/schema';
import { HttpError, parseBody } from '../http/errors';
import type { StoreTx } from '../sync/mutations/refusal';
import { createIntegration, disableIntegration, forgetIntegration, listIntegrations } from './integrations';

const integrationPath = z.object({ integrationId: z.string().uuid('integrationId: not an integration id.') }).strict();
const noQuery = z.object({}).strict();

/** An audit entry for an admin's action on `subject`, in `tx`. */
export async function auditAdminAction(tx: StoreDb | StoreTx, request: FastifyRequest, action: AuditAction, subject: string, detail: string): Promise<void> {
  const caller = request.auth!.user;
  const workstationId = request.auth?.workstationId ?? null;
  await recordAudit(tx, {
    at: request.server.clock(),
    action,
    userId: caller.id,
    username: caller.username,
    workstationId,
    workstationName: workstationId ? await workstationName(tx as StoreDb, workstationId) : null,
    subject,
    detail,
  });
}

export function registerIntegrationRoutes(app: FastifyInstance): void {
  app.post('/admin/integrations', async (request, reply) => {
    const input = parseBody(newIntegration, request.body);
    const caller = request.auth!.user;
    const created = await app.store.db.transaction(async (tx) => {
      const integration = await createIntegration(tx, { ...input, createdBy: caller.id, now: app.clock() });
      await auditAdminAction(tx, request, 'integration_created', `integration:${integration.id}`, `${caller.username} created the integration "${integration.name}" (source ${integration.source}).`);
      return integration;
    });
    return reply.status(201).send({ ok: true, value: created });
  });

  app.get('/admin/integrations', async (request) => {
    parseBody(noQuery, request.query);
    return { ok: true, value: await listIntegrations(app.store.db) };
  });

  app.post('/admin/integrations/:integrationId/disable', async (request) => {
    const { integrationId } = parseBody(integrationPath, request.params);
    const caller = request.auth!.user;
    const disabled = await app.store.db.transaction(async (tx) => {
      const before = await disableIntegration(tx, integrationId, app.clock());
      if (!before) throw new HttpError('not_found', 'No such integration.');
      await auditAdminAction(tx, request, 'integration_disabled', `integration:${integrationId}`, `${caller.username} disabled the integration "${before.name}".`);
      return before;
    });
    // Again after the commit: a delivery read between the update and the commit saw it active.
    forgetIntegration(integrationId);
    return { ok: true, value: disabled };
  });

  app.get('/admin/ingest/deliveries', async (request) => {
    const query = parseBody(ingestDeliveriesQuery, request.query);
    const where: SQL[] = [];
    if (query.state !== undefined) where.push(eq(ingestDeliveries.state, query.state));
    const rows = await app.store.db
      .select({
        seq: ingestDeliveries.seq,
        integrationId: ingestDeliveries.integrationId,
        kind: ingestDeliveries.kind,
        idempotencyKey: ingestDeliveries.idempotencyKey,
        state: ingestDeliveries.state,
        attempts: ingestDeliveries.attempts,
        receivedAt: ingestDeliveries.receivedAt,
        settledAt: ingestDeliveries.settledAt,
        lastError: ingestDeliveries.lastError,
      })
      .from(ingestDeliveries)
      .where(and(...where))
      .orderBy(desc(ingestDeliveries.seq))
      .limit(query.limit);
    const value: IngestDeliveryView[] = rows;
    return { ok: true, value };
  });
}
