import { useEffect, useRef } from 'react';
import type { LookupSearchOutput } from '../../../../../src-shared/contracts/lookup';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { newCustomerPhone } from '../newCustomerOffer';

/** Short enough to feel instant, long enough not to send a request per keystroke of a fast typist. */
export const SEARCH_DEBOUNCE_MS = 80;
export const SEARCH_LIMIT = 50;

// Every search gets a ticket; only the answer carrying the newest ticket is shown. A slow answer to
// "zo" must not overwrite the answer to "zoe" that came back first.
let latestTicket = 0;
let latestQuery: string | null = null;

/** For the next user: answers still on their way are dropped, and the empty box is not "already searched". */
export function forgetCallerSearches(): void {
  latestTicket += 1;
  latestQuery = null;
}

/**
 * Runs a search for `query` now and shows its answer unless a newer search started meanwhile.
 * Resolves to the answer that was shown, or null when it failed, was empty or went stale.
 */
export async function searchNow(query: string): Promise<LookupSearchOutput | null> {
  const ticket = ++latestTicket;
  latestQuery = query;
  const store = useAppStore.getState();
  if (query.trim().length === 0) {
    store.searchCleared();
    return null;
  }
  store.searchStarted();
  const result = await switchboard().lookupSearch({ query, limit: SEARCH_LIMIT });
  if (ticket !== latestTicket) return null;
  if (!result.ok) {
    useAppStore.getState().searchFailed(query, result.error);
    return null;
  }
  useAppStore.getState().searchSucceeded(query, result.value);
  return result.value;
}

/**
 * Searches as the CSR types: debounced, and skipped when that text was just searched (screen-pop).
 * While the first copy brings in the customer directory a search answers "still arriving"; when the
 * sync status says the directory is in, the text in the box is searched again, so the caller the
 * CSR was looking for shows up without typing anything (and, the other way, rows found before a
 * re-pull emptied the directory give way to "still arriving").
 */
export function useCallerSearch(): void {
  const query = useAppStore((s) => s.query);
  const directoryReady = useAppStore((s) => s.syncStatus?.directoryReady ?? null);
  const readyBefore = useRef(directoryReady);
  useEffect(() => {
    const before = readyBefore.current;
    readyBefore.current = directoryReady;
    if (directoryReady === null || before === directoryReady) return;
    const { query: current, result } = useAppStore.getState();
    if (current.trim() === '') return;
    // A change seen; or the first status, when it contradicts the answer on screen.
    if (before !== null || result?.directoryArriving === directoryReady) void searchNow(current);
  }, [directoryReady]);
  useEffect(() => {
    if (query === latestQuery) return;
    const timer = window.setTimeout(
      () => {
        // Enter or a screen-pop may have searched this text already while the timer ran.
        if (query !== latestQuery) void searchNow(query);
      },
      query.trim().length === 0 ? 0 : SEARCH_DEBOUNCE_MS,
    );
    return () => window.clearTimeout(timer);
  }, [query]);
}

/**
 * Enter in the search box: opens the highlighted customer, or — when nothing matched a readable
 * number, and the whole directory was searched — the new-customer form. A CSR who types a number
 * and presses Enter at once does not wait for the debounce: the text is searched now and the answer
 * acted on, unless they typed on meanwhile.
 */
export async function openFromSearch(): Promise<void> {
  const { query, answeredQuery } = useAppStore.getState();
  if (query.trim() === '') return;
  if (answeredQuery !== query) {
    await searchNow(query);
    if (useAppStore.getState().query !== query) return;
  }
  const store = useAppStore.getState();
  if (store.answeredQuery !== query || store.view.kind !== 'results') return;
  const hit = store.result?.hits[store.selectedIndex];
  if (hit) {
    store.openCustomer(hit.customerId);
    return;
  }
  const phone = newCustomerPhone(store.result, store.syncStatus?.directoryReady ?? true);
  if (phone !== null) store.openNewCustomer(phone);
}
