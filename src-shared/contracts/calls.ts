/**
 * The call lifecycle: start (screen-pop or manual) → talk, with holds → end → wrap-up with a
 * disposition code and notes → completed. Every write returns the call's state, so the desk
 * never has to ask twice.
 */
import { z } from 'zod';
import { freeText, text } from './text';
import { channelGroup, defineChannel } from './define';
import { LIMITS } from '../domain/customer';
import { CALL_SOURCES, CALL_STATUSES } from '../domain/call';

export { CALL_SOURCES, CALL_STATUSES };
export type { CallSource, CallStatus } from '../domain/call';

/** Limits stated once: the wrap-up form and main validate with the same numbers. */
export const CALL_LIMITS = {
  wrapUpNotes: 2000,
  dispositionCode: 40,
} as const;

/**
 * The caller's satisfaction answer at wrap-up (issue 22), when they give one: a whole number from
 * 1 (very unsatisfied) to 5 (very satisfied). The wrap-up channel and the `call.wrap_up` mutation
 * both validate with this schema; CSAT (metrics.ts) counts 4 and 5 as satisfied, and 1 or 2 is a
 * low score the team's supervisors follow up (LOW_SATISFACTION_MAX).
 *
 * Note for issue 23 (not built here): an answer arriving later from a survey tool comes through
 * the ingest API of "Data in and out"; it should validate with this same schema and write
 * calls.satisfaction on the store (the change log carries it to the workstations), and then counts
 * in CSAT and in the supervisors' low-score list like an answer given at wrap-up.
 */
export const SATISFACTION_MIN = 1;
export const SATISFACTION_MAX = 5;
/** Scores up to this one are low: the call is listed for the supervisors of the CSR's teams. */
export const LOW_SATISFACTION_MAX = 2;
export const satisfactionScore = z
  .number({ message: 'Satisfaction: a whole number from 1 to 5.' })
  .int({ message: 'Satisfaction: a whole number from 1 to 5.' })
  .min(SATISFACTION_MIN, { message: 'Satisfaction: a whole number from 1 to 5.' })
  .max(SATISFACTION_MAX, { message: 'Satisfaction: a whole number from 1 to 5.' });

const callId = text().uuid({ message: 'Not a call id.' });
const customerId = text().uuid({ message: 'Not a customer id.' });
const isoInstant = text();

export const callState = z.object({
  id: text(),
  customerId: text().nullable(),
  /** The caller's number in E.164, when known. */
  fromE164: text().nullable(),
  /** The caller id exactly as received (a screen-pop's, or typed), also when it could not be read; null without one. */
  fromRaw: text().nullable(),
  source: z.enum(CALL_SOURCES),
  status: z.enum(CALL_STATUSES),
  agentId: text(),
  startedAt: isoInstant,
  /** Set while the caller is on hold. */
  holdStartedAt: isoInstant.nullable(),
  talkEndedAt: isoInstant.nullable(),
  completedAt: isoInstant.nullable(),
  dispositionCode: text().nullable(),
  wrapUpNotes: text().nullable(),
  /** The caller's satisfaction answer at wrap-up (1–5), or null when none was given. */
  satisfaction: satisfactionScore.nullable(),
  /**
   * Talk (hold excluded), hold and wrap-up so far, and handle time = their sum. For a call still
   * running they are computed at `asOf`; a timer adds the time since `asOf` to the part that is
   * running (talk when active, hold when on hold, wrap-up in wrap-up). Completed calls: as stored.
   */
  timings: z.object({
    talkMs: z.number().int().nonnegative(),
    holdMs: z.number().int().nonnegative(),
    wrapUpMs: z.number().int().nonnegative(),
    handleMs: z.number().int().nonnegative(),
  }),
  asOf: isoInstant,
});
export type CallState = z.infer<typeof callState>;

export const callStartInput = z.object({
  source: z.enum(CALL_SOURCES),
  /**
   * The caller's number in any format (a screen-pop's caller ID, or typed): kept as received, and
   * stored as E.164 too when it can be read (digits with a country code but no "+" are tried as
   * international). A number that cannot be read never stops the call from being recorded.
   */
  fromNumber: text()
    .trim()
    .max(LIMITS.phoneRaw, { message: `Caller number: at most ${LIMITS.phoneRaw} characters.` })
    .optional(),
  /** The caller, when already identified (a screen-pop hit or a search result). */
  customerId: customerId.optional(),
});
export type CallStartInput = z.infer<typeof callStartInput>;

export const callStart = defineChannel({
  channel: 'call:start',
  permission: 'call.handle',
  access: 'write',
  input: callStartInput,
  output: callState,
});

export const callAttachCustomerInput = z.object({ callId, customerId });
export type CallAttachCustomerInput = z.infer<typeof callAttachCustomerInput>;

/** Sets (or corrects) who is calling, e.g. a customer created during the call. */
export const callAttachCustomer = defineChannel({
  channel: 'call:attach-customer',
  permission: 'call.handle',
  access: 'write',
  input: callAttachCustomerInput,
  output: callState,
});

const callRef = z.object({ callId });

export const callHold = defineChannel({ channel: 'call:hold', permission: 'call.handle', access: 'write', input: callRef, output: callState });
export const callResume = defineChannel({ channel: 'call:resume', permission: 'call.handle', access: 'write', input: callRef, output: callState });
/** The conversation ends (from talking or from hold); wrap-up time starts. */
export const callEnd = defineChannel({ channel: 'call:end', permission: 'call.handle', access: 'write', input: callRef, output: callState });

export const callWrapUpInput = z.object({
  callId,
  /** A code from the configurable disposition list (`config:lists`). */
  dispositionCode: text()
    .trim()
    .min(1, { message: 'Choose a wrap-up code.' })
    .max(CALL_LIMITS.dispositionCode, { message: 'Not a wrap-up code.' }),
  notes: freeText()
    .trim()
    .max(CALL_LIMITS.wrapUpNotes, { message: `Wrap-up notes: at most ${CALL_LIMITS.wrapUpNotes} characters.` })
    .optional(),
  /** The caller's satisfaction answer, when they gave one (optional: most callers are not asked or do not answer). */
  satisfaction: satisfactionScore.optional(),
});
export type CallWrapUpInput = z.infer<typeof callWrapUpInput>;

export const callWrapUp = defineChannel({
  channel: 'call:wrap-up',
  permission: 'call.handle',
  access: 'write',
  input: callWrapUpInput,
  output: callState,
});

export const callGet = defineChannel({ channel: 'call:get', permission: 'call.handle', access: 'read', input: callRef, output: callState });

/**
 * This agent's current call (after a restart the desk picks it up again), or null, and the other
 * calls not completed yet: callers who screen-popped during a call and wait on hold, or a call the
 * CSR held to take one of those. Current is the one talking or in wrap-up; when all are on hold,
 * the one waiting longest. `call:start` from a screen-pop during a call records the new call on hold.
 */
export const callCurrent = defineChannel({
  channel: 'call:current',
  permission: 'call.handle',
  access: 'read',
  input: z.object({}).strict(),
  output: z.object({ call: callState.nullable(), waiting: z.array(callState) }),
});

const listEntry = z.object({ code: text(), label: text() });
export type ListEntry = z.infer<typeof listEntry>;

/** The configurable lists, active entries only, in their configured order. */
export const configLists = defineChannel({
  channel: 'config:lists',
  permission: 'session',
  access: 'read',
  input: z.object({}).strict(),
  output: z.object({ dispositions: z.array(listEntry), complaintCategories: z.array(listEntry) }),
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
/** How far back the supervisors' list of low satisfaction scores reaches (issue 22). */
export const LOW_SATISFACTION_DAYS = 14;

/** The follow-up a low score opened (issue 22): open until a supervisor marks it followed up, with a note. */
export const followUpState = z.object({
  /** When the score reached the store. */
  openedAt: isoInstant,
  /** The supervisor (user name) who took it, or null. */
  claimedBy: text().nullable(),
  claimedAt: isoInstant.nullable(),
  note: text().nullable(),
  /** Who marked it followed up, and when; null while open. */
  closedBy: text().nullable(),
  closedAt: isoInstant.nullable(),
});
export type FollowUpState = z.infer<typeof followUpState>;

/** A call whose caller answered 1 or 2, as the store lists it to the supervisors of the CSR's teams, with its follow-up. */
export const lowSatisfactionCall = z.object({
  callId: text(),
  /** The caller, when identified (the supervisor opens them to follow up); null otherwise. */
  customerId: text().nullable(),
  customerName: text().nullable(),
  /** The CSR who took the call (user name). */
  agentName: text(),
  satisfaction: satisfactionScore,
  dispositionCode: text().nullable(),
  wrapUpNotes: text().nullable(),
  /** Null when the survey answer came before the call was completed on the store. */
  completedAt: isoInstant.nullable(),
  followUp: followUpState,
});
export type LowSatisfactionCall = z.infer<typeof lowSatisfactionCall>;

/** The longest note a follow-up keeps. */
export const FOLLOW_UP_NOTE_MAX = 2000;

/**
 * The follow-ups low satisfaction scores open (issue 22), of calls taken by a CSR of one of the
 * signed-in supervisor's teams (an admin sees every one): every open one first (newest first),
 * then — with `show: 'all'` — those closed in the last LOW_SATISFACTION_DAYS days, newest first;
 * asked of the central store, which knows every team; shown on the supervisor's Approvals screen.
 */
export const callLowSatisfaction = defineChannel({
  channel: 'call:low-satisfaction',
  permission: 'metrics.team',
  access: 'store',
  input: z.object({ show: z.enum(['open', 'all'], { message: 'Show “open” or “all”.' }).optional() }).strict(),
  output: z.object({ calls: z.array(lowSatisfactionCall) }),
});

/** A supervisor of the CSR's team (or an admin) takes a low score's follow-up: audited. */
export const callFollowUpClaim = defineChannel({
  channel: 'call:follow-up-claim',
  permission: 'metrics.team',
  access: 'store',
  input: z.object({ callId }).strict(),
  output: lowSatisfactionCall,
});

/** …and marks it followed up, saying what was done: audited (the call id only, never the note). */
export const callFollowUpClose = defineChannel({
  channel: 'call:follow-up-close',
  permission: 'metrics.team',
  access: 'store',
  input: z
    .object({
      callId,
      note: freeText()
        .trim()
        .min(1, { message: 'Say what was done to follow up.' })
        .max(FOLLOW_UP_NOTE_MAX, { message: `At most ${FOLLOW_UP_NOTE_MAX} characters.` }),
    })
    .strict(),
  output: lowSatisfactionCall,
});

export const callChannels = channelGroup(callStart, callAttachCustomer, callHold, callResume, callEnd, callWrapUp, callGet, callCurrent, configLists, callLowSatisfaction, callFollowUpClaim, callFollowUpClose);
