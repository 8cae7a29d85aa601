/**
 * GET /audit (audit.read): the log, newest first, filtered. POST /workstation/audit (the
 * workstation's token): sign-ins, failures, sign-outs and lockouts a workstation recorded while it
 * could not reach the store, idempotent by each event's id.
 */
import { inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { auditQuery, workstationAuditRequest, type AuditPage, type WorkstationAuditResponse } from '../../../src-shared/contracts/admin';
import { users } from '../db/schema';
import { HttpError, parseBody } from '../http/errors';
import { readAuditPage, recordAudit } from './audit';

export function registerAuditRoutes(app: FastifyInstance): void {
  app.get('/audit', async (request) => {
    const query = parseBody(auditQuery, request.query);
    const value: AuditPage = await readAuditPage(app.store.db, query);
    return { ok: true, value };
  });

  app.post('/workstation/audit', async (request) => {
    const workstation = request.workstation;
    if (!workstation) throw new HttpError('unauthenticated', 'Sign in on this workstation first.');
    const { events } = parseBody(workstationAuditRequest, request.body);
    const names = [...new Set(events.map((e) => e.username))];
    const known = await app.store.db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.username, names));
    const idOf = new Map(known.map((u) => [u.username, u.id]));
    const now = app.clock();
    const value: WorkstationAuditResponse = await app.store.db.transaction(async (tx) => {
      let recorded = 0;
      for (const event of events) {
        const when = `at workstation time ${new Date(event.at).toISOString()}`;
        const fresh = await recordAudit(tx, {
          at: now,
          action: event.action,
          userId: idOf.get(event.username) ?? null,
          username: event.username,
          workstationId: workstation.id,
          workstationName: workstation.name,
          subject: event.username,
          detail: event.detail ? `${event.detail} (${when})` : `Recorded offline, ${when}.`,
          eventId: event.id,
        });
        if (fresh) recorded++;
      }
      return { recorded, duplicates: events.length - recorded };
    });
    return { ok: true, value };
  });
}
