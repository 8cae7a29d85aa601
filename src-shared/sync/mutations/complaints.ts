/**
 * Complaint mutations: logging a complaint, moving it through its states, setting its follow-up.
 * Each writes the complaint and one history event. They have had the same arguments in every
 * version.
 */
import { z } from 'zod';
import { freeText, text } from '../../contracts/text';
import { COMPLAINT_LIMITS, COMPLAINT_SEVERITIES, COMPLAINT_STATUSES, calendarDate } from '../../contracts/complaints';
import { agentId, defineMutation, instant, row, uuid } from './define';

const complaintAndEvent = (m: { args: { complaintId: string; eventId: string } }) => [
  row('complaints', m.args.complaintId),
  row('complaint_events', m.args.eventId),
];

const log = z.object({
  complaintId: uuid,
  /** The 'opened' history event. */
  eventId: uuid,
  customerId: uuid,
  callId: uuid.nullable(),
  orderId: uuid.nullable(),
  orderLineId: uuid.nullable(),
  categoryCode: text().min(1).max(COMPLAINT_LIMITS.categoryCode),
  severity: z.enum(COMPLAINT_SEVERITIES),
  description: freeText().min(1).max(COMPLAINT_LIMITS.description),
  desiredResolution: freeText().max(COMPLAINT_LIMITS.desiredResolution).nullable(),
  followUpOn: calendarDate.nullable(),
  openedAt: instant,
  agentId,
  status: z.literal('open'),
});

const transition = z
  .object({
    complaintId: uuid,
    eventId: uuid,
    /** The status the workstation saw; the store records its own current status as "from". */
    from: z.enum(COMPLAINT_STATUSES),
    to: z.enum(COMPLAINT_STATUSES),
    resolution: freeText().min(1).max(COMPLAINT_LIMITS.resolution).nullable(),
    note: freeText().min(1).max(COMPLAINT_LIMITS.transitionNote).nullable(),
    callId: uuid.nullable(),
    agentId,
    at: instant,
  })
  .refine((a) => (a.to === 'resolved') === (a.resolution !== null), {
    message: 'A resolution comes with resolving, and only then.',
    path: ['resolution'],
  });

const setFollowUp = z.object({
  complaintId: uuid,
  eventId: uuid,
  followUpOn: calendarDate.nullable(),
  /** What the workstation saw before; the store describes the change from its own value. */
  previous: calendarDate.nullable(),
  callId: uuid.nullable(),
  agentId,
  at: instant,
});

export const COMPLAINT_MUTATIONS = [
  defineMutation({ name: 'complaint.log', versions: { 1: log, 2: log }, permission: 'complaint.log', words: 'complaint', label: 'Complaint logged', writes: complaintAndEvent }),
  defineMutation({
    name: 'complaint.transition',
    versions: { 1: transition, 2: transition },
    permission: 'complaint.manage',
    words: 'complaint status change',
    label: 'Complaint status changed',
    writes: complaintAndEvent,
  }),
  defineMutation({
    name: 'complaint.set_follow_up',
    versions: { 1: setFollowUp, 2: setFollowUp },
    permission: 'complaint.manage',
    words: 'follow-up date',
    label: 'Complaint follow-up date set',
    writes: complaintAndEvent,
  }),
] as const;
