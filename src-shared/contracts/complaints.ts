/**
 * Complaint logging: category, severity, the order or order line it is about, description and
 * desired resolution; then a lifecycle open → in progress → resolved (→ reopened → …) with
 * follow-up dates. Every change is kept as an event with who and when.
 */
import { z } from 'zod';
import { freeText, text } from './text';
import { channelGroup, defineChannel } from './define';
import { COMPLAINT_EVENT_KINDS, COMPLAINT_SEVERITIES, COMPLAINT_STATUSES, type ComplaintStatus } from '../domain/complaint';

export { COMPLAINT_EVENT_KINDS, COMPLAINT_SEVERITIES, COMPLAINT_STATUSES };
export type { ComplaintSeverity, ComplaintStatus } from '../domain/complaint';

/**
 * Which status may follow which. Resolving straight from open is allowed: a complaint settled on
 * the call that raised it is a first-contact resolution. A resolved complaint must be reopened
 * before anyone works on it again, so the history shows it came back.
 */
export const COMPLAINT_TRANSITIONS: Readonly<Record<ComplaintStatus, readonly ComplaintStatus[]>> = {
  open: ['in_progress', 'resolved'],
  in_progress: ['resolved'],
  resolved: ['reopened'],
  reopened: ['in_progress', 'resolved'],
};

/** Limits stated once: the complaint form and main validate with the same numbers. */
export const COMPLAINT_LIMITS = {
  description: 2000,
  desiredResolution: 500,
  resolution: 2000,
  transitionNote: 2000,
  categoryCode: 40,
} as const;

const complaintId = text().uuid({ message: 'Not a complaint id.' });
const customerId = text().uuid({ message: 'Not a customer id.' });
const callId = text().uuid({ message: 'Not a call id.' });
/** A calendar day, YYYY-MM-DD (the workstation's own calendar). */
export const calendarDate = z.iso.date({ message: 'Not a date (YYYY-MM-DD).' });

const optionalText = (max: number, label: string) =>
  freeText()
    .trim()
    .max(max, { message: `${label}: at most ${max} characters.` })
    .optional();

export const complaintLogInput = z.object({
  customerId,
  /** The call it was raised on, if any (a store counter has none). */
  callId: callId.optional(),
  category: text()
    .trim()
    .min(1, { message: 'Choose a category.' })
    .max(COMPLAINT_LIMITS.categoryCode, { message: 'Not a complaint category.' }),
  severity: z.enum(COMPLAINT_SEVERITIES, { message: 'Choose a severity.' }),
  /** One of this customer's orders. */
  orderId: text().uuid({ message: 'Not an order id.' }).optional(),
  /** One line of one of this customer's orders; its order is linked too. */
  orderLineId: text().uuid({ message: 'Not an order line id.' }).optional(),
  // The limit is checked on the text as typed, before trimming, so it is the one the form's counter
  // shows: "2001 / 2000" never saves (issue 19, item 12).
  description: freeText()
    .max(COMPLAINT_LIMITS.description, { message: `Description: at most ${COMPLAINT_LIMITS.description} characters.` })
    .trim()
    .min(1, { message: 'Describe the complaint.' }),
  desiredResolution: optionalText(COMPLAINT_LIMITS.desiredResolution, 'Desired resolution'),
  followUpOn: calendarDate.optional(),
});
export type ComplaintLogInput = z.infer<typeof complaintLogInput>;

export const complaintEvent = z.object({
  id: text(),
  kind: z.enum(COMPLAINT_EVENT_KINDS),
  fromStatus: z.enum(COMPLAINT_STATUSES).nullable(),
  toStatus: z.enum(COMPLAINT_STATUSES).nullable(),
  /** The resolution, the reason for reopening, the follow-up date, …: what changed, in words. */
  detail: text().nullable(),
  agentId: text(),
  callId: text().nullable(),
  at: text(),
});
export type ComplaintEvent = z.infer<typeof complaintEvent>;

export const complaintSummary = z.object({
  id: text(),
  customerId: text(),
  callId: text().nullable(),
  categoryCode: text(),
  categoryLabel: text(),
  severity: z.enum(COMPLAINT_SEVERITIES),
  status: z.enum(COMPLAINT_STATUSES),
  description: text(),
  desiredResolution: text().nullable(),
  orderId: text().nullable(),
  orderNumber: text().nullable(),
  orderLineId: text().nullable(),
  /** "TR-2041-BLK Trail Runner 2" for a complaint about one line. */
  orderLineLabel: text().nullable(),
  followUpOn: text().nullable(),
  resolution: text().nullable(),
  openedAt: text(),
  resolvedAt: text().nullable(),
  updatedAt: text(),
  agentId: text(),
  /** Opened → latest resolution (reopen cycles included); null while not resolved. */
  resolutionTimeMs: z.number().int().nonnegative().nullable(),
});
export type ComplaintSummary = z.infer<typeof complaintSummary>;

export const complaintDetail = complaintSummary.extend({
  /** Every change, oldest first. */
  history: z.array(complaintEvent),
  /** The statuses it may move to next. */
  allowedTransitions: z.array(z.enum(COMPLAINT_STATUSES)),
});
export type ComplaintDetail = z.infer<typeof complaintDetail>;

export const complaintLog = defineChannel({
  channel: 'complaint:log',
  permission: 'complaint.log',
  access: 'write',
  input: complaintLogInput,
  output: complaintDetail,
});

export const complaintTransitionInput = z.object({
  complaintId,
  to: z.enum(COMPLAINT_STATUSES),
  /** Required when resolving: what was done. */
  resolution: optionalText(COMPLAINT_LIMITS.resolution, 'Resolution'),
  /** Why, in a sentence; kept in the history. Required when reopening (the core refuses a reopen without it). */
  note: optionalText(COMPLAINT_LIMITS.transitionNote, 'Note'),
  callId: callId.optional(),
});
export type ComplaintTransitionInput = z.infer<typeof complaintTransitionInput>;

export const complaintTransition = defineChannel({
  channel: 'complaint:transition',
  permission: 'complaint.manage',
  access: 'write',
  input: complaintTransitionInput,
  output: complaintDetail,
});

export const complaintSetFollowUpInput = z.object({
  complaintId,
  /** The day to follow up, or null to clear it. */
  followUpOn: calendarDate.nullable(),
  callId: callId.optional(),
});
export type ComplaintSetFollowUpInput = z.infer<typeof complaintSetFollowUpInput>;

export const complaintSetFollowUp = defineChannel({
  channel: 'complaint:set-follow-up',
  permission: 'complaint.manage',
  access: 'write',
  input: complaintSetFollowUpInput,
  output: complaintDetail,
});

export const COMPLAINT_LIST_MAX = 500;

export const complaintList = defineChannel({
  channel: 'complaint:list',
  permission: 'customer.read',
  access: 'read',
  input: z.object({
    customerId,
    /** Only these statuses; all when absent. */
    statuses: z.array(z.enum(COMPLAINT_STATUSES)).max(COMPLAINT_STATUSES.length).optional(),
    limit: z.number().int().min(1).max(COMPLAINT_LIST_MAX).optional(),
  }),
  output: z.object({
    /** Newest first. */
    complaints: z.array(complaintSummary),
    /** How many match, also beyond `limit`. */
    total: z.number().int().nonnegative(),
  }),
});

export const complaintGet = defineChannel({
  channel: 'complaint:get',
  permission: 'customer.read',
  access: 'read',
  input: z.object({ complaintId }),
  output: complaintDetail,
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const complaintChannels = channelGroup(complaintLog, complaintTransition, complaintSetFollowUp, complaintList, complaintGet);
