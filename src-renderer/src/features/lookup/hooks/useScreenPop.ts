import { useEffect } from 'react';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { focusSearchBox } from '../searchBoxFocus';
import { searchNow } from './useCallerSearch';
import { newCustomerPhone } from '../newCustomerOffer';
import { startCallFromScreenPop } from '../../call/actions';

/**
 * An incoming call: the number goes into the search box and is looked up at once. One customer
 * with that phone opens their card; an unknown number opens the new-customer form with it filled;
 * anything else (several people share the number, or the directory is still arriving from the
 * central store and nothing could be searched) leaves the list for the CSR to see.
 * Each pop starts a call (unless one is still running), so what is done next is recorded on it.
 */
export async function handleScreenPop(from: string): Promise<void> {
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

export function useScreenPop(): void {
  useEffect(() => switchboard().onScreenPop((pop) => void handleScreenPop(pop.from)), []);
}
