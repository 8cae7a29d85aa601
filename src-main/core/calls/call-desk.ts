/**
 * CallDesk: the call lifecycle on this workstation.
 *
 *   start → active ⇄ on_hold → (end) → wrap_up → (wrap-up code + notes) → completed
 *
 * Talk time runs while active, hold time while on hold, wrap-up time from the end of the
 * conversation until the wrap-up is saved; handle time is their sum (src-shared/domain/metrics).
 * An agent takes one call at a time: a call started by hand while another is not completed is
 * refused. A screen-pop during a call is recorded all the same (issue 19, item 2): the new caller
 * waits on hold from the first instant, and the CSR either finishes the current call first or puts
 * it on hold and resumes the waiting one; only one call of an agent is talking or in wrap-up at a
 * time. A screen-pop always records the call, even when its caller id cannot be read: the number
 * is kept as received (`from_raw`), and digits sent with the country code but no "+" are read as
 * international. Each step updates the call row and appends its outbox entry in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js/max';
import type { WritableDb } from '../db/open';
import { Outbox } from '../outbox/outbox';
import { AppError } from '../../../src-shared/result';
import { mayStep, type StepAgent } from '../../../src-shared/auth/permissions';
import { readCallerNumber } from '../../../src-shared/domain/caller-number';
import { wrapUpTimeMs } from '../../../src-shared/domain/metrics';
import type { CallAttachCustomerInput, CallStartInput, CallState, CallStatus, CallWrapUpInput } from '../../../src-shared/contracts/calls';
import { createCallReadRepository, createCallWriteRepository, type CallRow } from './call-repository';
import { holdSoFarMs, talkSoFarMs } from './call-timing';
import { toCallState } from './call-query';

type Step = 'hold' | 'resume' | 'end' | 'wrap_up' | 'attach';

/** Which states each step may start from, and what to tell the CSR when it cannot. */
const ALLOWED: Record<Step, readonly CallStatus[]> = {
  hold: ['active'],
  resume: ['on_hold'],
  end: ['active', 'on_hold'],
  wrap_up: ['wrap_up'],
  attach: ['active', 'on_hold', 'wrap_up'],
};

function refusal(step: Step, status: CallStatus): string {
  if (status === 'completed') {
    return step === 'attach' ? 'This call is already wrapped up; its customer can no longer be changed.' : 'This call is already wrapped up.';
  }
  switch (step) {
    case 'hold':
      return status === 'on_hold' ? 'The caller is already on hold.' : 'This call has ended; it cannot be put on hold.';
    case 'resume':
      return status === 'active' ? 'The caller is not on hold.' : 'This call has ended; there is no hold to resume.';
    case 'end':
      return 'This call has already ended; finish its wrap-up.';
    case 'wrap_up':
      return 'End the call before wrapping it up.';
    case 'attach':
      return 'This call cannot take a customer now.';
  }
}

function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

export class CallDesk {
  private readonly reads;
  private readonly writes;
  private readonly outbox: Outbox;

  constructor(
    private readonly db: WritableDb,
    private readonly defaultRegion: CountryCode,
  ) {
    this.reads = createCallReadRepository(db);
    this.writes = createCallWriteRepository(db);
    this.outbox = new Outbox(db);
  }

  start(input: CallStartInput, agentId: string, now: number): CallState {
    // Kept as received whatever it is; read as E.164 when it can be (else the CSR searches by hand).
    const fromRaw = input.fromNumber ? input.fromNumber : null;
    const phone = fromRaw === null ? null : readCallerNumber(fromRaw, this.defaultRegion);
    const fromE164 = phone?.ok ? phone.e164 : null;
    const customerId = input.customerId ?? null;
    const callId = randomUUID();
    this.inTransaction(() => {
      if (customerId !== null && !this.reads.customerExists(customerId)) {
        throw new AppError('not_found', 'This customer is not in the local cache.', 'customerId');
      }
      const open = this.reads.unfinishedForAgent(agentId);
      if (open && input.source !== 'screen_pop') {
        throw new AppError(
          'conflict',
          `You are still on the call that started at ${clockTime(open.startedAt)}; end it and save its wrap-up before starting another.`,
        );
      }
      this.writes.insert({ id: callId, customerId, fromE164, fromRaw, source: input.source, agentId, startedAt: now });
      this.outbox.append('call.start', { callId, customerId, fromE164, fromRaw, source: input.source, agentId, startedAt: now }, now);
      if (open) {
        // Another call is open: this caller waits on hold until the CSR takes them.
        this.writes.startHold(callId, now);
        this.outbox.append('call.hold', { callId, agentId, at: now }, now);
      }
    });
    return this.state(callId, now);
  }

  attachCustomer(input: CallAttachCustomerInput, agent: StepAgent, now: number): CallState {
    const { agentId } = agent;
    this.inTransaction(() => {
      const call = this.load(input.callId, 'attach', agent);
      if (!this.reads.customerExists(input.customerId)) {
        throw new AppError('not_found', 'This customer is not in the local cache.', 'customerId');
      }
      if (call.customerId === input.customerId) return; // already theirs: nothing to record
      this.writes.setCustomer(call.id, input.customerId);
      this.outbox.append(
        'call.attach_customer',
        { callId: call.id, customerId: input.customerId, previousCustomerId: call.customerId, agentId, at: now },
        now,
      );
    });
    return this.state(input.callId, now);
  }

  hold(callId: string, agent: StepAgent, now: number): CallState {
    const { agentId } = agent;
    this.inTransaction(() => {
      const call = this.load(callId, 'hold', agent);
      this.writes.startHold(call.id, now);
      this.outbox.append('call.hold', { callId: call.id, agentId, at: now }, now);
    });
    return this.state(callId, now);
  }

  resume(callId: string, agent: StepAgent, now: number): CallState {
    const { agentId } = agent;
    this.inTransaction(() => {
      const call = this.load(callId, 'resume', agent);
      const engaged = this.reads.allUnfinishedForAgent(call.agentId).find((c) => c.id !== call.id && (c.status === 'active' || c.status === 'wrap_up'));
      if (engaged) {
        throw new AppError(
          'conflict',
          engaged.status === 'active'
            ? `You are talking on the call that started at ${clockTime(engaged.startedAt)}; put it on hold (or end it) before taking this one.`
            : `Finish the wrap-up of the call that started at ${clockTime(engaged.startedAt)} before taking this one.`,
        );
      }
      const holdMs = holdSoFarMs(call, now);
      this.writes.endHold(call.id, holdMs);
      this.outbox.append('call.resume', { callId: call.id, agentId, at: now, holdMs }, now);
    });
    return this.state(callId, now);
  }

  /** The conversation ends; a caller who hangs up while on hold ends the hold too. */
  end(callId: string, agent: StepAgent, now: number): CallState {
    const { agentId } = agent;
    this.inTransaction(() => {
      const call = this.load(callId, 'end', agent);
      const holdMs = holdSoFarMs(call, now);
      const talkMs = talkSoFarMs(call, now);
      this.writes.endTalk(call.id, now, talkMs, holdMs);
      this.outbox.append('call.end', { callId: call.id, agentId, at: now, talkMs, holdMs }, now);
    });
    return this.state(callId, now);
  }

  wrapUp(input: CallWrapUpInput, agent: StepAgent, now: number): CallState {
    const { agentId } = agent;
    this.inTransaction(() => {
      const call = this.load(input.callId, 'wrap_up', agent);
      if (!this.reads.isActiveDisposition(input.dispositionCode)) {
        throw new AppError('invalid_input', `"${input.dispositionCode}" is not a wrap-up code in the current list; choose one from the list.`, 'dispositionCode');
      }
      const notes = input.notes ? input.notes : null;
      const satisfaction = input.satisfaction ?? null;
      const wrapUpMs = wrapUpTimeMs(call.talkEndedAt ?? now, now);
      this.writes.complete(call.id, now, wrapUpMs, input.dispositionCode, notes, satisfaction);
      this.outbox.append(
        'call.wrap_up',
        {
          callId: call.id,
          agentId,
          at: now,
          dispositionCode: input.dispositionCode,
          notes,
          talkMs: call.talkMs,
          holdMs: call.holdMs,
          wrapUpMs,
          satisfaction,
        },
        now,
      );
    });
    return this.state(input.callId, now);
  }

  private inTransaction(fn: () => void): void {
    // IMMEDIATE: take the write lock before reading the state the step depends on.
    this.db.$client.transaction(fn).immediate();
  }

  private load(callId: string, step: Step, agent: StepAgent): CallRow {
    const call = this.reads.byId(callId);
    if (!call) throw new AppError('not_found', 'This call is not in the local cache.', 'callId');
    // Only the agent who took the call steps it, unless their role may (issue 18, item 8).
    if (!mayStep(call.agentId, agent)) {
      throw new AppError('forbidden', `This call was taken by ${call.agentId}; only they (or a supervisor) can change it.`, 'callId');
    }
    if (!ALLOWED[step].includes(call.status)) throw new AppError('conflict', refusal(step, call.status));
    return call;
  }

  private state(callId: string, now: number): CallState {
    const row = this.reads.byId(callId);
    if (!row) throw new Error(`call ${callId} vanished after its write`);
    return toCallState(row, now);
  }
}
