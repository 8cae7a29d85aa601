/**
 * Consent, data requests and erasure on the central store (issue 23; routes and who may call them
 * in src-shared/contracts/privacy.ts and src-shared/auth/route-permissions.ts).
 *
 * The audit log names the customer by id only and records counts, never the customer's data; the
 * requester's reason stays with the request (admins read it in the list), not in the log.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  customerIdParams,
  erasureDecisionInput,
  erasureListQuery,
  erasureRequestInput,
  erasureRequestParams,
  type ErasureRequest,
} from '../../../src-shared/contracts/privacy';
import { recordAudit } from '../audit/audit';
import { workstationName } from '../auth/workstations';
import { customers, erasureRequests } from '../db/schema';
import { HttpError, parseBody } from '../http/errors';
import { customerDataArchive, dataRequestFileName } from './data-request';
import { eraseCustomer } from './erase';
import { emitCustomerErased } from '../webhooks/events';

function caller(request: FastifyRequest) {
  const user = request.auth?.user;
  if (!user) throw new HttpError('unauthenticated', 'Sign in first.');
  return user;
}

export function registerPrivacyRoutes(app: FastifyInstance): void {
  const where = async (request: FastifyRequest) => {
    const workstationId = request.auth?.workstationId ?? null;
    return { workstationId, workstationName: workstationId ? await workstationName(app.store.db, workstationId) : null };
  };

  app.post('/privacy/customers/:customerId/export', async (request, reply) => {
    const { customerId } = parseBody(customerIdParams, request.params);
    const user = caller(request);
    const at = app.clock();
    const archive = await customerDataArchive(app.store.db, customerId, at);
    if (!archive) throw new HttpError('not_found', 'The central store has no customer with this id.', 'customerId');
    const total = Object.values(archive.counts).reduce((a, b) => a + b, 0);
    await recordAudit(app.store.db, {
      at,
      action: 'customer_data_exported',
      userId: user.id,
      username: user.username,
      ...(await where(request)),
      subject: customerId,
      detail: `${user.username} exported everything held about customer ${customerId} on their request: ${total} records.`,
    });
    return reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="${dataRequestFileName(customerId, at)}"`)
      .header('cache-control', 'no-store')
      .send(archive.zip);
  });

  app.post('/privacy/erasure-requests', async (request) => {
    const { customerId, reason } = parseBody(erasureRequestInput, request.body);
    const user = caller(request);
    const now = app.clock();
    const id = randomUUID();
    // Read before the transaction: on PGlite (one connection) a read outside it would wait for it.
    const place = await where(request);
    await app.store.db.transaction(async (tx) => {
      const [customer] = await tx.select({ erasedAt: customers.erasedAt }).from(customers).where(eq(customers.id, customerId)).for('key share');
      if (!customer) throw new HttpError('not_found', 'The central store has no customer with this id.', 'customerId');
      if (customer.erasedAt !== null) throw new HttpError('conflict', 'This customer has been erased already.', 'customerId');
      const inserted = await tx
        .insert(erasureRequests)
        .values({ id, customerId, reason, requestedBy: user.username, requestedAt: now })
        .onConflictDoNothing()
        .returning({ id: erasureRequests.id });
      if (inserted.length === 0) throw new HttpError('conflict', 'An erasure of this customer is already waiting for an admin.', 'customerId');
      await recordAudit(tx, {
        at: now,
        action: 'erasure_requested',
        userId: user.id,
        username: user.username,
        ...place,
        subject: customerId,
        detail: `${user.username} asked for the erasure of customer ${customerId} (request ${id}).`,
      });
    });
    return { ok: true, value: { id } };
  });

  app.get('/privacy/erasure-requests', async (request) => {
    const { status } = parseBody(erasureListQuery, request.query ?? {});
    const rows = await app.store.db
      .select({
        id: erasureRequests.id,
        customerId: erasureRequests.customerId,
        customerName: sql<string>`${customers.firstName} || ' ' || ${customers.lastName}`,
        reason: erasureRequests.reason,
        status: erasureRequests.status,
        requestedBy: erasureRequests.requestedBy,
        requestedAt: erasureRequests.requestedAt,
        decidedBy: erasureRequests.decidedBy,
        decidedAt: erasureRequests.decidedAt,
      })
      .from(erasureRequests)
      .innerJoin(customers, eq(customers.id, erasureRequests.customerId))
      .where(status ? eq(erasureRequests.status, status) : undefined)
      .orderBy(sql`${erasureRequests.status} = 'pending' desc`, desc(erasureRequests.requestedAt))
      .limit(500);
    const requests: ErasureRequest[] = rows.map((r) => ({ ...r, requestedAt: Number(r.requestedAt), decidedAt: r.decidedAt === null ? null : Number(r.decidedAt) }));
    return { ok: true, value: { requests } };
  });

  app.post('/privacy/erasure-requests/:requestId/decision', async (request) => {
    const { requestId } = parseBody(erasureRequestParams, request.params);
    const { decision } = parseBody(erasureDecisionInput, request.body);
    const user = caller(request);
    const now = app.clock();
    const place = await where(request);
    const outcome = await app.store.db.transaction(async (tx) => {
      const [pending] = await tx.select().from(erasureRequests).where(eq(erasureRequests.id, requestId)).for('update');
      if (!pending) throw new HttpError('not_found', 'No erasure request has this id.', 'requestId');
      if (pending.status !== 'pending') throw new HttpError('conflict', `This request was ${pending.status} already.`, 'requestId');
      const status = decision === 'confirm' ? 'confirmed' : 'declined';
      await tx
        .update(erasureRequests)
        .set({ status, decidedBy: user.username, decidedAt: now })
        .where(and(eq(erasureRequests.id, requestId), eq(erasureRequests.status, 'pending')));
      if (decision === 'decline') {
        await recordAudit(tx, {
          at: now,
          action: 'erasure_declined',
          userId: user.id,
          username: user.username,
          ...place,
          subject: pending.customerId,
          detail: `${user.username} declined the erasure of customer ${pending.customerId} asked by ${pending.requestedBy} (request ${requestId}).`,
        });
        return { status, customerId: pending.customerId };
      }
      const counts = await eraseCustomer(tx, pending.customerId, now);
      // Other tools hear of it (webhook customer.erased: the id only), in the same transaction.
      await emitCustomerErased(tx, pending.customerId, now);
      await recordAudit(tx, {
        at: now,
        action: 'erasure_confirmed',
        userId: user.id,
        username: user.username,
        ...place,
        subject: pending.customerId,
        detail:
          `${user.username} confirmed the erasure of customer ${pending.customerId} asked by ${pending.requestedBy} (request ${requestId}): ` +
          `name and consent erased; ${counts.phones} phones, ${counts.emails} e-mails, ${counts.addresses} addresses removed; ` +
          `free text of ${counts.calls} calls, ${counts.complaints} complaints, ${counts.notes} notes, ${counts.orders} orders, ${counts.contactEdits} contact changes and ${counts.followUps} follow-ups erased; ` +
          `${counts.ingestDeliveries} ingest deliveries emptied or anonymised; ${counts.mails} mails cancelled; amounts, times and counts kept.`,
      });
      return { status, customerId: pending.customerId };
    });
    // Workstations online pull the anonymised rows at once.
    if (outcome.status === 'confirmed') app.changeFeed.poke();
    return { ok: true, value: outcome };
  });
}
