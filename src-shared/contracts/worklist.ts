/**
 * The CSR's worklist for the empty lookup screen (issue 19, item 8): the customers they spoke to
 * most recently and the complaint follow-ups they owe, due today or overdue — a queue worked by
 * keyboard before the next call comes in.
 */
import { z } from 'zod';
import { text } from './text';
import { channelGroup, defineChannel } from './define';
import { calendarDate, COMPLAINT_SEVERITIES, COMPLAINT_STATUSES } from './complaints';

/** Limits stated once: main reads no more, the screen shows no more. */
export const WORKLIST_LIMITS = { recentCallers: 10, followUps: 20 } as const;

const isoInstant = text();

export const worklistInput = z.object({
  /** The workstation's calendar day (its own time zone): follow-ups due on or before it are listed. */
  today: calendarDate,
});
export type WorklistInput = z.infer<typeof worklistInput>;

export const recentCaller = z.object({
  customerId: text(),
  displayName: text(),
  /** Their primary phone as shown, or null. */
  phone: text().nullable(),
  /** The start of the CSR's latest call with them. */
  lastCallAt: isoInstant,
});
export type RecentCaller = z.infer<typeof recentCaller>;

export const dueFollowUp = z.object({
  complaintId: text(),
  customerId: text(),
  displayName: text(),
  category: text(),
  severity: z.enum(COMPLAINT_SEVERITIES),
  status: z.enum(COMPLAINT_STATUSES),
  followUpOn: calendarDate,
  /** Due before today (not only today). */
  overdue: z.boolean(),
});
export type DueFollowUp = z.infer<typeof dueFollowUp>;

export const worklistOutput = z.object({
  /** Distinct customers of the CSR's latest calls, most recent first. */
  recentCallers: z.array(recentCaller),
  /** Unresolved complaints the CSR logged with a follow-up due today or earlier, the oldest date first. */
  followUps: z.array(dueFollowUp),
});
export type WorklistOutput = z.infer<typeof worklistOutput>;

export const worklistToday = defineChannel({
  channel: 'worklist:today',
  /** The CSR's own recent callers and follow-ups: their calls, so whoever handles calls. */
  permission: 'call.handle',
  access: 'read',
  input: worklistInput,
  output: worklistOutput,
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const worklistChannels = channelGroup(worklistToday);
