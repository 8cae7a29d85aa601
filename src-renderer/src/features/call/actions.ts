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

/** A screen-pop starts a call (the core records it whatever the number; see `screenPopDuringCall`). */
export async function startCallFromScreenPop(fromNumber: string, customerId: string | undefined): Promise<void> {
  if (useAppStore.getState().call !== null) return;
  await startCall({ source: 'screen_pop', fromNumber, ...(customerId ? { customerId } : {}) });
}

/**
 * A screen-pop while a call is open (the core is asked, not this window's memory: the call may be
 * another tab's, or not restored yet). The new call is recorded at once — the caller waits on hold
 * — and the CSR chooses in the call bar: finish this call first, or hold it and take the new one.
 * True when a call was open (nothing else of the pop happens then: the screen stays on this call).
 */
export async function screenPopDuringCall(fromNumber: string): Promise<boolean> {
  const open = await switchboard().callCurrent({});
  if (!open.ok || open.value.call === null) return false;
  const started = await switchboard().callStart({ source: 'screen_pop', fromNumber });
  await refreshCalls();
  if (!started.ok) useAppStore.getState().setCallError(started.error.message);
  return true;
}

/** Takes the current call and the waiting ones from the core. */
export async function refreshCalls(): Promise<void> {
  const result = await switchboard().callCurrent({});
  if (result.ok) useAppStore.getState().setCalls(result.value.call, result.value.waiting);
  else useAppStore.getState().setCallError(result.error.message);
}

/**
 * Takes a waiting caller: the current call goes on hold (if talking), the waiting one resumes and
 * becomes the current call. Nothing of either call is lost: both stay recorded and open.
 */
export async function takeWaitingCall(callId: string): Promise<Result<CallState>> {
  const current = useAppStore.getState().call;
  if (current !== null && current.status === 'active') {
    const held = await switchboard().callHold({ callId: current.id });
    if (!held.ok) {
      useAppStore.getState().setCallError(held.error.message);
      return held;
    }
  }
  const taken = await switchboard().callResume({ callId });
  await refreshCalls();
  if (!taken.ok) useAppStore.getState().setCallError(taken.error.message);
  return taken;
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
  const result = keep(await switchboard().callResume({ callId }));
  if (result.ok) await refreshCalls();
}

export async function endCall(callId: string): Promise<void> {
  keep(await switchboard().callEnd({ callId }));
}

export async function wrapUpCall(input: CallWrapUpInput): Promise<Result<CallState>> {
  const result = await switchboard().callWrapUp(input);
  if (result.ok) {
    useAppStore.getState().setCall(result.value);
    // A caller who waited on hold becomes the current call.
    if (useAppStore.getState().waitingCalls.length > 0) await refreshCalls();
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
    if (result.value.call !== null || useAppStore.getState().call === null) useAppStore.getState().setCalls(result.value.call, result.value.waiting);
  } else useAppStore.getState().setCallError(result.error.message);
}
