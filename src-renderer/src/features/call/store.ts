import type { StateCreator } from 'zustand';
import type { CallState } from '../../../../src-shared/contracts/calls';
import type { AppState } from '../../app/store';

/** The agent's current call, as the core last answered it, and when that answer arrived. */
export interface CallSlice {
  call: CallState | null;
  /** The agent's other open calls: callers who screen-popped during a call, waiting on hold (issue 19). */
  waitingCalls: CallState[];
  /** `Date.now()` when `call` arrived: the timer adds the time since to the running part. */
  callReceivedAt: number;
  /** The last call action the core refused, in words; cleared by the next success. */
  callError: string | null;
  setCall(call: CallState | null): void;
  /** The core's whole answer (`call:current`): the current call and those waiting. */
  setCalls(call: CallState | null, waiting: CallState[]): void;
  setCallError(message: string | null): void;
}

export const createCallSlice: StateCreator<AppState, [], [], CallSlice> = (set) => ({
  call: null,
  waitingCalls: [],
  callReceivedAt: 0,
  callError: null,
  setCall: (call) => set({ call: call && call.status !== 'completed' ? call : null, callReceivedAt: Date.now(), callError: null }),
  setCalls: (call, waiting) =>
    set({ call: call && call.status !== 'completed' ? call : null, waitingCalls: waiting, callReceivedAt: Date.now(), callError: null }),
  setCallError: (message) => set({ callError: message }),
});

/** The id of the call in progress (talk, hold or wrap-up), for everything recorded during it. */
export function currentCallId(state: Pick<CallSlice, 'call'>): string | undefined {
  return state.call?.id;
}
