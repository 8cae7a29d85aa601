import type { StateCreator } from 'zustand';
import type { LookupSearchOutput } from '../../../../src-shared/contracts/lookup';
import type { AppErrorShape } from '../../../../src-shared/result';
import type { AppState } from '../../app/store';

export type SearchStatus = 'idle' | 'searching' | 'done' | 'failed';

export interface LookupSlice {
  /** The text in the search box; kept while a card is open so Esc returns to the same list. */
  query: string;
  status: SearchStatus;
  /** The answer to the latest query only; answers to older queries are dropped before they land. */
  result: LookupSearchOutput | null;
  /** The text `result` (or `searchError`) answers; differs from `query` while an answer is pending. */
  answeredQuery: string | null;
  searchError: AppErrorShape | null;
  /** Index into `result.hits` of the highlighted row. */
  selectedIndex: number;
  setQuery(query: string): void;
  searchStarted(): void;
  searchSucceeded(query: string, result: LookupSearchOutput): void;
  searchFailed(query: string, error: AppErrorShape): void;
  searchCleared(): void;
  moveSelection(delta: number): void;
  selectIndex(index: number): void;
}

export const createLookupSlice: StateCreator<AppState, [], [], LookupSlice> = (set, get) => ({
  query: '',
  status: 'idle',
  result: null,
  answeredQuery: null,
  searchError: null,
  selectedIndex: 0,
  setQuery: (query) => set({ query }),
  searchStarted: () => set({ status: 'searching' }),
  searchSucceeded: (query, result) => set({ status: 'done', result, answeredQuery: query, searchError: null, selectedIndex: 0 }),
  // A failed search clears the list: rows from an earlier text would answer a question not asked.
  searchFailed: (query, error) => set({ status: 'failed', result: null, answeredQuery: query, searchError: error, selectedIndex: 0 }),
  searchCleared: () => set({ status: 'idle', result: null, answeredQuery: '', searchError: null, selectedIndex: 0 }),
  moveSelection: (delta) => {
    const count = get().result?.hits.length ?? 0;
    if (count === 0) return;
    const next = Math.min(count - 1, Math.max(0, get().selectedIndex + delta));
    set({ selectedIndex: next });
  },
  selectIndex: (index) => {
    const count = get().result?.hits.length ?? 0;
    if (index >= 0 && index < count) set({ selectedIndex: index });
  },
});
