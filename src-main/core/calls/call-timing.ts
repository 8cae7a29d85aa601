/**
 * A call's timings at an instant. Stored values are final for what has ended (talk once the call
 * ended, hold once each hold ended, wrap-up once completed); what is still running is computed
 * from `now`, so the desk's timer and the stored numbers come from the same arithmetic.
 */
import { handleTimeMs, wrapUpTimeMs, type CallDurations } from '../../../src-shared/domain/metrics';
import type { CallRow } from './call-repository';

type TimedCall = Pick<CallRow, 'status' | 'startedAt' | 'holdStartedAt' | 'talkEndedAt' | 'talkMs' | 'holdMs' | 'wrapUpMs'>;

/** Hold time including the hold in progress, if any. */
export function holdSoFarMs(call: TimedCall, now: number): number {
  const running = call.status === 'on_hold' && call.holdStartedAt !== null ? Math.max(0, now - call.holdStartedAt) : 0;
  return call.holdMs + running;
}

/** Talk time excludes hold: start → end of conversation (or now), minus every hold. */
export function talkSoFarMs(call: TimedCall, now: number): number {
  if (call.talkEndedAt !== null) return call.talkMs;
  return Math.max(0, now - call.startedAt - holdSoFarMs(call, now));
}

export function callTimings(call: TimedCall, now: number): CallDurations & { handleMs: number } {
  const durations: CallDurations = {
    talkMs: talkSoFarMs(call, now),
    holdMs: holdSoFarMs(call, now),
    wrapUpMs:
      call.status === 'completed' ? call.wrapUpMs : call.status === 'wrap_up' && call.talkEndedAt !== null ? wrapUpTimeMs(call.talkEndedAt, now) : 0,
  };
  return { ...durations, handleMs: handleTimeMs(durations) };
}
