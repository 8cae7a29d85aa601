import { useEffect } from 'react';
import { formatPhone } from '../../../../../src-shared/domain/phone';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { focusSearchBox } from '../searchBoxFocus';
import { searchNow } from './useCallerSearch';
import { startCallFromScreenPop } from '../../call/actions';

/**
 * An incoming call: the number goes into the search box and is looked up at once. One customer
 * with that phone opens their card; an unknown number opens the new-customer form with it filled;
 * anything else (several people share the number) leaves the list for the CSR to choose from.
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
  if (identified !== undefined) {
    useAppStore.getState().openCustomer(identified);
  } else if (answer.noMatch && answer.normalizedPhone) {
    useAppStore.getState().openNewCustomer(formatPhone(answer.normalizedPhone));
  }
}

export function useScreenPop(): void {
  useEffect(() => switchboard().onScreenPop((pop) => void handleScreenPop(pop.from)), []);
}
