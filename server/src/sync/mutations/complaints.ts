/**
 * Complaints on the central store: logging one, and its status and follow-up changes.
 *
 * Changes are applied in server order as recorded events, never refused for the status they came
 * from: two workstations that both moved the same complaint (one resolved it while the other,
 * offline, started work on it) each keep their event, the complaint's status is the `to` of the
 * change applied last, and the event's "from" is the store's status just before it, so the
 * history reads as what happened in the store. Refusing would poison the second workstation's
 * queue with an error nobody can fix.
 */
import { eq, sql } from 'drizzle-orm';
import type { ComplaintStatus } from '../../../../src-shared/contracts/complaints';
import { MUTATION_WORDS, type ParsedMutations } from '../../../../src-shared/sync/mutations';
import type { COMPLAINT_MUTATIONS } from '../../../../src-shared/sync/mutations/complaints';
import type { NamesOf } from '../../../../src-shared/sync/mutations/define';
import { followUpDetail } from '../../../../src-shared/domain/complaint-history';
import { complaintEvents, complaints } from '../../db/schema';
import { enqueueMail } from '../../email/outbox';
import { insertOnce, requireAllExisting, type InsertOutcome } from './insert-once';
import { requireComplaintOrder, requireCustomer, requireLinkedCall } from './references';
import { MutationRefused, type Appliers, type ApplyContext, type StoreTx } from './refusal';

type ComplaintEventRow = typeof complaintEvents.$inferInsert;

/**
 * Records one history event: new, or the same event delivered again; an event id the store has
 * for another event refuses the change (issue 18, item 7).
 */
async function recordEvent(tx: StoreTx, event: ComplaintEventRow & { id: string }, words: string): Promise<InsertOutcome> {
  return insertOnce(
    tx,
    complaintEvents,
    event,
    ['complaintId', 'kind', 'at', 'agentId'],
    `This ${words} was given an id that the central store already has for another complaint event, so it was not saved there; make the change again if it is still needed.`,
  );
}

async function logComplaint({ tx, now: storeNow }: ApplyContext, m: ParsedMutations['complaint.log']): Promise<void> {
  const words = MUTATION_WORDS[m.name];
  const a = m.args;
  await requireCustomer(tx, a.customerId, words);
  await requireLinkedCall(tx, a.callId, words);
  await requireComplaintOrder(tx, a.customerId, a.orderId, a.orderLineId);
  const taken = `This ${words} was given an id that the central store already has for another complaint, so it was not saved there; log it again if it is still needed.`;
  const complaint = await insertOnce(
    tx,
    complaints,
    {
      id: a.complaintId,
      customerId: a.customerId,
      callId: a.callId,
      orderId: a.orderId,
      orderLineId: a.orderLineId,
      categoryCode: a.categoryCode,
      severity: a.severity,
      description: a.description,
      desiredResolution: a.desiredResolution,
      status: 'open',
      followUpOn: a.followUpOn,
      openedAt: a.openedAt,
      updatedAt: a.openedAt,
      agentId: a.agentId,
    },
    ['customerId', 'callId', 'orderId', 'orderLineId', 'categoryCode', 'description', 'desiredResolution', 'openedAt', 'agentId'],
    taken,
  );
  const opened = await recordEvent(tx, {
    id: a.eventId,
    complaintId: a.complaintId,
    callId: a.callId,
    agentId: a.agentId,
    at: a.openedAt,
    kind: 'opened',
    fromStatus: null,
    toStatus: 'open',
    detail: a.followUpOn ? followUpDetail(null, a.followUpOn) : null,
  }, words);
  requireAllExisting([complaint, opened], taken);
  // Logged: the customer's acknowledgement is owed, committed with the complaint (once: the outbox's key is the complaint).
  await enqueueMail(tx, { kind: 'complaint_acknowledgement', recordId: a.complaintId, customerId: a.customerId, now: storeNow });
}

async function transitionComplaint({ tx }: ApplyContext, m: ParsedMutations['complaint.transition']): Promise<void> {
  const words = MUTATION_WORDS[m.name];
  const a = m.args;
  const current = await lockComplaint(tx, a.complaintId, words);
  await requireLinkedCall(tx, a.callId, words);
  const resolved = a.to === 'resolved';
  await tx
    .update(complaints)
    .set({
      status: a.to,
      // Reopening (or any move away from resolved) clears the resolution; the event keeps it.
      resolution: resolved ? a.resolution : null,
      resolvedAt: resolved ? a.at : null,
      updatedAt: sql`greatest(${complaints.updatedAt}, ${a.at})`,
    })
    .where(eq(complaints.id, a.complaintId));
  const detail = [resolved ? a.resolution : null, a.note].filter((s): s is string => s !== null).join('\n') || null;
  await recordEvent(tx, {
    id: a.eventId,
    complaintId: a.complaintId,
    callId: a.callId,
    agentId: a.agentId,
    at: a.at,
    kind: 'status',
    fromStatus: current.status,
    toStatus: a.to,
    detail,
  }, words);
}

async function setFollowUp({ tx }: ApplyContext, m: ParsedMutations['complaint.set_follow_up']): Promise<void> {
  const words = MUTATION_WORDS[m.name];
  const a = m.args;
  const current = await lockComplaint(tx, a.complaintId, words);
  await requireLinkedCall(tx, a.callId, words);
  await tx
    .update(complaints)
    .set({ followUpOn: a.followUpOn, updatedAt: sql`greatest(${complaints.updatedAt}, ${a.at})` })
    .where(eq(complaints.id, a.complaintId));
  await recordEvent(tx, {
    id: a.eventId,
    complaintId: a.complaintId,
    callId: a.callId,
    agentId: a.agentId,
    at: a.at,
    kind: 'follow_up',
    fromStatus: null,
    toStatus: null,
    detail: followUpDetail(current.followUpOn, a.followUpOn),
  }, words);
}

export const COMPLAINT_APPLIERS: Appliers<NamesOf<typeof COMPLAINT_MUTATIONS>> = {
  'complaint.log': logComplaint,
  'complaint.transition': transitionComplaint,
  'complaint.set_follow_up': setFollowUp,
};

async function lockComplaint(tx: StoreTx, complaintId: string, words: string): Promise<{ status: ComplaintStatus; followUpOn: string | null }> {
  const [found] = await tx
    .select({ status: complaints.status, followUpOn: complaints.followUpOn })
    .from(complaints)
    .where(eq(complaints.id, complaintId))
    .for('no key update');
  if (!found) {
    throw new MutationRefused(
      'not_found',
      `This complaint is not in the central store (it was refused earlier or removed), so this ${words} was not saved there; re-enter it on the complaint if it is still needed.`,
    );
  }
  return found;
}
