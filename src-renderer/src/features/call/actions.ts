/**
 * Call actions: each asks the core, then keeps the state it answered. A refusal (e.g. a call is
 * already running) is shown in the call bar in the core's words.
 */
import type { CallStartInput, CallWrapUpInput, CallState } from '../../../../src-shared/contracts/calls';
import type { Result } from '../../../../src-shared/result';
import { switchboard } from '../../api/client';
import { useAppStore } from '../../app/store';
import { focusSearchBox } from '../lookup/searchBoxFocus';

function keep(result: Result<CallState>): Result<CallState> {
  const store = useAppStore.getState();
  if (result.ok) store.setCall(result.value);
  else store.setCallError(result.error.message);
  return result;
}

export async function startCall(input: CallStartInput): Promise<Result<CallState>> {
  return keep(await switchboard().callStart(input));
}

/** A screen-pop starts a call unless one is already running (then the CSR finishes that first). */
export async function startCallFromScreenPop(fromNumber: string, customerId: string | undefined): Promise<void> {
  if (useAppStore.getState().call !== null) return;
  await startCall({ source: 'screen_pop', fromNumber, ...(customerId ? { customerId } : {}) });
}

export async function attachCustomerToCall(customerId: string): Promise<void> {
  const call = useAppStore.getState().call;
  if (call === null || call.customerId === customerId) return;
  keep(await switchboard().callAttachCustomer({ callId: call.id, customerId }));
}

export async function holdCall(callId: string): Promise<void> {
  keep(await switchboard().callHold({ callId }));
}

export async function resumeCall(callId: string): Promise<void> {
  keep(await switchboard().callResume({ callId }));
}

export async function endCall(callId: string): Promise<void> {
  keep(await switchboard().callEnd({ callId }));
}

export async function wrapUpCall(input: CallWrapUpInput): Promise<Result<CallState>> {
  const result = await switchboard().callWrapUp(input);
  if (result.ok) {
    useAppStore.getState().setCall(result.value);
    // The call is done: the caret goes home, ready for the next caller (issue 19, item 5).
    focusSearchBox({ selectAll: true });
  }
  return result;
}

/** After a reload the desk picks the unfinished call up again. */
export async function restoreCurrentCall(): Promise<void> {
  const result = await switchboard().callCurrent({});
  // A screen-pop may have started a call meanwhile; a late "no call" must not hide it.
  if (result.ok) {
    if (result.value.call !== null || useAppStore.getState().call === null) useAppStore.getState().setCall(result.value.call);
  } else useAppStore.getState().setCallError(result.error.message);
}
