/**
 * Call mutations: a call's start and each later step, as the workstation's CallDesk takes them.
 * Each writes the call's row only. They have had the same arguments in every version.
 */
import { z } from 'zod';
import { freeText, text } from '../../contracts/text';
import { LIMITS } from '../../domain/customer';
import { CALL_LIMITS, CALL_SOURCES, satisfactionScore } from '../../contracts/calls';
import { agentId, defineMutation, durationMs, e164, instant, row, uuid } from './define';

const callRow = (m: { args: { callId: string } }) => [row('calls', m.args.callId)];

const start = z.object({
  callId: uuid,
  customerId: uuid.nullable(),
  fromE164: e164.nullable(),
  /** The caller id as received (issue 19); absent from workstations that predate it. */
  fromRaw: text().max(LIMITS.phoneRaw).nullable().optional(),
  source: z.enum(CALL_SOURCES),
  agentId,
  startedAt: instant,
});
const attachCustomer = z.object({ callId: uuid, customerId: uuid, previousCustomerId: uuid.nullable(), agentId, at: instant });
const hold = z.object({ callId: uuid, agentId, at: instant });
const resume = z.object({ callId: uuid, agentId, at: instant, holdMs: durationMs });
const end = z.object({ callId: uuid, agentId, at: instant, talkMs: durationMs, holdMs: durationMs });
const wrapUp = z.object({
  callId: uuid,
  agentId,
  at: instant,
  dispositionCode: text().min(1).max(CALL_LIMITS.dispositionCode),
  notes: freeText().max(CALL_LIMITS.wrapUpNotes).nullable(),
  talkMs: durationMs,
  holdMs: durationMs,
  wrapUpMs: durationMs,
  /** The caller's satisfaction answer, 1–5 (issue 22); absent from workstations that predate it, null when none was given. */
  satisfaction: satisfactionScore.nullable().optional(),
});

export const CALL_MUTATIONS = [
  defineMutation({ name: 'call.start', versions: { 1: start, 2: start }, permission: 'call.handle', words: 'call', label: 'Call started', writes: callRow }),
  defineMutation({
    name: 'call.attach_customer',
    versions: { 1: attachCustomer, 2: attachCustomer },
    permission: 'call.handle',
    words: 'change of caller',
    label: 'Caller linked to a customer',
    writes: callRow,
  }),
  defineMutation({ name: 'call.hold', versions: { 1: hold, 2: hold }, permission: 'call.handle', words: 'hold', label: 'Call put on hold', writes: callRow }),
  defineMutation({ name: 'call.resume', versions: { 1: resume, 2: resume }, permission: 'call.handle', words: 'end of hold', label: 'Call resumed', writes: callRow }),
  defineMutation({ name: 'call.end', versions: { 1: end, 2: end }, permission: 'call.handle', words: 'end of call', label: 'Call ended', writes: callRow }),
  defineMutation({ name: 'call.wrap_up', versions: { 1: wrapUp, 2: wrapUp }, permission: 'call.handle', words: 'wrap-up', label: 'Call wrapped up', writes: callRow }),
] as const;
