/**
 * GET /audit (audit.read): the log, newest first, filtered. POST /workstation/audit (the
 * workstation's token): sign-ins, failures, sign-outs and lockouts a workstation recorded while it
 * could not reach the store, idempotent by each event's id.
 *
 * A workstation reports these in people's names, and its token speaks for the machine only
 * (issue 18, item 10). So an event is credited to a user only when the store has seen that user
 * sign in online on this workstation — an offline sign-in needs the verifier such a sign-in
 * cached, so a genuine workstation never reports anyone else as signed in. A reported sign-in or
 * sign-out of anyone else is not credited to them: it is recorded, unattributed, as
 * `offline_claim_refused` (a sign that the workstation or its cache was tampered with), so an
 * admin sees it and the genuine events in the same report are still kept. A failed sign-in or a
 * lockout under such a name is recorded as what it is, a failure under a name given, with no user.
 */
import type { FastifyInstance } from 'fastify';
import { auditQuery, workstationAuditRequest, type AuditPage, type OfflineAuditEvent, type WorkstationAuditResponse } from '../../../src-shared/contracts/admin';
import { missingCaseError } from '../../../src-shared/result';
import { usersSignedInOn } from '../auth/workstation-users';
import type { KnownWorkstation } from '../auth/workstations';
import { HttpError, parseBody } from '../http/errors';
import { readAuditPage, recordAudit, type NewAuditEntry } from './audit';

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
    const signedInHere = await usersSignedInOn(app.store.db, workstation.id, events.map((e) => e.username));
    const now = app.clock();
    const value: WorkstationAuditResponse = await app.store.db.transaction(async (tx) => {
      let recorded = 0;
      for (const event of events) {
        const fresh = await recordAudit(tx, offlineEntry(event, signedInHere.get(event.username), workstation, now));
        if (fresh) recorded++;
      }
      return { recorded, duplicates: events.length - recorded };
    });
    return { ok: true, value };
  });
}

/** The audit entry for an event a workstation reports: `userId` is set only for a user seen signing in there. */
function offlineEntry(event: OfflineAuditEvent, userId: string | undefined, workstation: KnownWorkstation, now: number): NewAuditEntry {
  const when = `at workstation time ${new Date(event.at).toISOString()}`;
  const where = { at: now, workstationId: workstation.id, workstationName: workstation.name, eventId: event.id };
  const reported = event.detail ? `${event.detail} (${when})` : `Recorded offline, ${when}.`;
  if (userId !== undefined) {
    return { ...where, action: event.action, userId, username: event.username, subject: event.username, detail: reported };
  }
  const never = `“${event.username}” has never signed in on ${workstation.name} while it was connected to the central store`;
  switch (event.action) {
    case 'sign_in_offline':
    case 'sign_out':
      return {
        ...where,
        action: 'offline_claim_refused',
        userId: null,
        username: null,
        subject: event.username,
        detail: `The workstation reported a ${event.action === 'sign_in_offline' ? 'sign-in' : 'sign-out'} of “${event.username}” ${when}, but ${never} (which an offline sign-in needs), so it is not credited to them.`,
      };
    case 'sign_in_failed':
    case 'lockout':
    case 'discount_over_authority':
      return { ...where, action: event.action, userId: null, username: event.username, subject: event.username, detail: `${reported} ${never}.` };
    default:
      throw missingCaseError(event.action);
  }
}
