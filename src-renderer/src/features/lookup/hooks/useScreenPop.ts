import { useEffect } from 'react';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { focusSearchBox } from '../searchBoxFocus';
import { searchNow } from './useCallerSearch';
import { newCustomerPhone } from '../newCustomerOffer';
import type { CallState } from '../../../../../src-shared/contracts/calls';
import { attachCustomerToCall, screenPopDuringCall, startCallFromScreenPop } from '../../call/actions';

/**
 * An incoming call: the number goes into the search box and is looked up at once. One customer
 * with that phone opens their card; an unknown number opens the new-customer form with it filled;
 * anything else (several people share the number, or the directory is still arriving from the
 * central store and nothing could be searched) leaves the list for the CSR to see.
 * Each pop starts a call, so what is done next is recorded on it. A pop while a call is open
 * records the new call waiting on hold and leaves the screen on the current call: the call bar
 * says another caller is waiting and the CSR chooses (issue 19, item 2). A number that cannot be
 * read is recorded as received too; the call bar then shows it and offers a search.
 */
export async function handleScreenPop(from: string): Promise<void> {
  if (await screenPopDuringCall(from)) return;
  const store = useAppStore.getState();
  store.setQuery(from);
  store.backToResults();
  focusSearchBox();
  const answer = await searchNow(from);
  if (!answer) {
    await startCallFromScreenPop(from, undefined);
    return;
  }
  const [only, ...others] = answer.hits;
  const identified = only && others.length === 0 && only.matchedBy === 'phone' ? only.customerId : undefined;
  // The call starts with the pop (tied to the caller when the number names one customer).
  void startCallFromScreenPop(from, identified);
  const newPhone = newCustomerPhone(answer, useAppStore.getState().syncStatus?.directoryReady ?? true);
  if (identified !== undefined) {
    useAppStore.getState().openCustomer(identified);
  } else if (newPhone !== null) {
    useAppStore.getState().openNewCustomer(newPhone);
  }
}

/**
 * Brings up the current call's caller, as a pop would: their card when the call names them, else
 * their number looked up (one customer: tied to the call and opened; nobody: the new-customer
 * form). A number that could not be read is not searched: the search box is emptied and focused
 * for the CSR to search by name, email or order. Used when a waiting call is taken and by the call
 * bar's "Search for the caller".
 */
export async function lookUpCaller(call: CallState): Promise<void> {
  const store = useAppStore.getState();
  if (call.customerId !== null) {
    store.openCustomer(call.customerId);
    return;
  }
  const number = call.fromE164 === null ? null : (call.fromRaw ?? call.fromE164);
  store.setQuery(number ?? '');
  store.backToResults();
  focusSearchBox();
  if (number === null) return;
  const answer = await searchNow(number);
  if (!answer) return;
  const [only, ...others] = answer.hits;
  if (only && others.length === 0 && only.matchedBy === 'phone') {
    await attachCustomerToCall(only.customerId);
    useAppStore.getState().openCustomer(only.customerId);
    return;
  }
  const newPhone = newCustomerPhone(answer, useAppStore.getState().syncStatus?.directoryReady ?? true);
  if (newPhone !== null) useAppStore.getState().openNewCustomer(newPhone);
}

export function useScreenPop(): void {
  useEffect(() => switchboard().onScreenPop((pop) => void handleScreenPop(pop.from)), []);
}
