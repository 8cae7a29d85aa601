/**
 * ComplaintLog: logging a complaint and every change to it afterwards. Each change updates the
 * complaint, adds its history event (who, when, from → to, what) and appends the outbox entry in
 * one transaction: a complaint is saved instantly, offline too, and reaches the central store once.
 */
import { followUpDetail } from '../../../src-shared/domain/complaint-history';
import { randomUUID } from 'node:crypto';
import type { WritableDb } from '../db/open';
import { Outbox } from '../outbox/outbox';
import { AppError } from '../../../src-shared/result';
import {
  COMPLAINT_TRANSITIONS,
  type ComplaintDetail,
  type ComplaintLogInput,
  type ComplaintSetFollowUpInput,
  type ComplaintStatus,
  type ComplaintTransitionInput,
} from '../../../src-shared/contracts/complaints';
import { createCallLinkCheck } from '../calls/call-link';
import { createComplaintReadRepository, createComplaintWriteRepository } from './complaint-repository';
import { ComplaintQuery } from './complaint-query';

const STATUS_WORDS: Record<ComplaintStatus, string> = {
  open: 'open',
  in_progress: 'in progress',
  resolved: 'resolved',
  reopened: 'reopened',
};

/** Why a status cannot follow another, in words a CSR can act on. */
function refusal(from: ComplaintStatus, to: ComplaintStatus): string {
  if (from === to) return `This complaint is already ${STATUS_WORDS[from]}.`;
  if (to === 'open') return 'A complaint cannot go back to open; it stays in its history. Reopen it only after it was resolved.';
  if (to === 'reopened') return `Only a resolved complaint can be reopened; this one is ${STATUS_WORDS[from]}.`;
  if (from === 'resolved') return 'This complaint is resolved; reopen it before working on it again.';
  return `A complaint that is ${STATUS_WORDS[from]} cannot be set to ${STATUS_WORDS[to]}.`;
}

export class ComplaintLog {
  private readonly reads;
  private readonly writes;
  private readonly outbox: Outbox;
  private readonly query: ComplaintQuery;
  private readonly checkCallLink;

  constructor(private readonly db: WritableDb) {
    this.reads = createComplaintReadRepository(db);
    this.writes = createComplaintWriteRepository(db);
    this.outbox = new Outbox(db);
    this.query = new ComplaintQuery(db);
    this.checkCallLink = createCallLinkCheck(db);
  }

  log(input: ComplaintLogInput, agentId: string, now: number): ComplaintDetail {
    const complaintId = randomUUID();
    const eventId = randomUUID();
    this.db.$client
      .transaction(() => {
        this.checkCallLink(input.customerId, input.callId);
        if (!this.reads.isActiveCategory(input.category)) {
          throw new AppError('invalid_input', `"${input.category}" is not a complaint category in the current list; choose one from the list.`, 'category');
        }
        const { orderId, orderLineId } = this.orderLink(input);
        const row = {
          id: complaintId,
          customerId: input.customerId,
          callId: input.callId ?? null,
          orderId,
          orderLineId,
          categoryCode: input.category,
          severity: input.severity,
          description: input.description,
          desiredResolution: input.desiredResolution ? input.desiredResolution : null,
          followUpOn: input.followUpOn ?? null,
          openedAt: now,
          agentId,
        };
        this.writes.insert(row);
        this.writes.insertEvent({
          id: eventId,
          complaintId,
          callId: row.callId,
          agentId,
          at: now,
          kind: 'opened',
          fromStatus: null,
          toStatus: 'open',
          detail: row.followUpOn ? followUpDetail(null, row.followUpOn) : null,
        });
        const { id: _id, ...fields } = row;
        this.outbox.append('complaint.log', { complaintId, eventId, ...fields, status: 'open' }, now);
      })
      .immediate();
    return this.query.get(complaintId);
  }

  transition(input: ComplaintTransitionInput, agentId: string, now: number): ComplaintDetail {
    this.db.$client
      .transaction(() => {
        const complaint = this.reads.byId(input.complaintId);
        if (!complaint) throw new AppError('not_found', 'This complaint is not in the local cache.', 'complaintId');
        this.checkCallLink(complaint.customerId, input.callId);
        const from = complaint.status;
        if (!COMPLAINT_TRANSITIONS[from].includes(input.to)) throw new AppError('conflict', refusal(from, input.to));
        const resolution = input.resolution ? input.resolution : null;
        if (input.to === 'resolved' && resolution === null) {
          throw new AppError('invalid_input', 'Say how the complaint was resolved.', 'resolution');
        }
        const note = input.note ? input.note : null;
        // A reopened complaint says why in its history: the person who picks it up needs the reason (issue 19, item 12).
        if (input.to === 'reopened' && note === null) {
          throw new AppError('invalid_input', 'Say why the complaint is reopened.', 'note');
        }
        // Reopening clears the resolution: it no longer holds. The old one stays in the history.
        const resolved = input.to === 'resolved';
        this.writes.setStatus({
          id: complaint.id,
          from,
          to: input.to,
          resolution: resolved ? resolution : null,
          resolvedAt: resolved ? now : null,
          at: now,
        });
        const eventId = randomUUID();
        const detail = [resolved ? resolution : null, note].filter((s): s is string => s !== null).join('\n') || null;
        this.writes.insertEvent({
          id: eventId,
          complaintId: complaint.id,
          callId: input.callId ?? null,
          agentId,
          at: now,
          kind: 'status',
          fromStatus: from,
          toStatus: input.to,
          detail,
        });
        this.outbox.append(
          'complaint.transition',
          {
            complaintId: complaint.id,
            eventId,
            from,
            to: input.to,
            resolution: resolved ? resolution : null,
            note,
            callId: input.callId ?? null,
            agentId,
            at: now,
          },
          now,
        );
      })
      .immediate();
    return this.query.get(input.complaintId);
  }

  setFollowUp(input: ComplaintSetFollowUpInput, agentId: string, now: number): ComplaintDetail {
    this.db.$client
      .transaction(() => {
        const complaint = this.reads.byId(input.complaintId);
        if (!complaint) throw new AppError('not_found', 'This complaint is not in the local cache.', 'complaintId');
        this.checkCallLink(complaint.customerId, input.callId);
        if (complaint.followUpOn === input.followUpOn) return; // unchanged: nothing to record
        this.writes.setFollowUp(complaint.id, input.followUpOn, now);
        const eventId = randomUUID();
        this.writes.insertEvent({
          id: eventId,
          complaintId: complaint.id,
          callId: input.callId ?? null,
          agentId,
          at: now,
          kind: 'follow_up',
          fromStatus: null,
          toStatus: null,
          detail: followUpDetail(complaint.followUpOn, input.followUpOn),
        });
        this.outbox.append(
          'complaint.set_follow_up',
          { complaintId: complaint.id, eventId, followUpOn: input.followUpOn, previous: complaint.followUpOn, callId: input.callId ?? null, agentId, at: now },
          now,
        );
      })
      .immediate();
    return this.query.get(input.complaintId);
  }

  /** The order and line must be this customer's; a line alone links its order too. */
  private orderLink(input: ComplaintLogInput): { orderId: string | null; orderLineId: string | null } {
    let orderId: string | null = null;
    if (input.orderId !== undefined) {
      const order = this.reads.order(input.orderId);
      if (!order) throw new AppError('not_found', 'This order is not in the local cache.', 'orderId');
      if (order.customerId !== input.customerId) {
        throw new AppError('invalid_input', 'This order belongs to another customer; choose one of this customer’s orders.', 'orderId');
      }
      orderId = order.id;
    }
    if (input.orderLineId === undefined) return { orderId, orderLineId: null };
    const line = this.reads.orderLine(input.orderLineId);
    if (!line) throw new AppError('not_found', 'This order line is not in the local cache.', 'orderLineId');
    if (line.customerId !== input.customerId) {
      throw new AppError('invalid_input', 'This item is on another customer’s order; choose an item from this customer’s orders.', 'orderLineId');
    }
    if (orderId !== null && line.orderId !== orderId) {
      throw new AppError('invalid_input', 'This item is not on the chosen order.', 'orderLineId');
    }
    return { orderId: line.orderId, orderLineId: line.id };
  }
}
