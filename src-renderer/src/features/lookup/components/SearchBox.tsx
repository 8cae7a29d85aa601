import { useCallback, type ChangeEvent, type KeyboardEvent } from 'react';
import { LIMITS } from '../../../../../src-shared/domain/customer';
import { useAppStore } from '../../../app/store';
import { registerSearchBox } from '../searchBoxFocus';
import { focusWorklist } from '../../worklist/components/Worklist';
import { openFromSearch } from '../hooks/useCallerSearch';

export const SEARCH_BOX_ID = 'caller-search';
export const SEARCH_MESSAGE_ID = 'caller-search-message';
export const RESULTS_ID = 'caller-results';
export const optionId = (index: number): string => `caller-result-${index}`;

/**
 * The search box. It keeps focus while the CSR moves through the results: Up/Down move the
 * highlighted row (announced through aria-activedescendant), Enter opens it.
 */
export function SearchBox() {
  const query = useAppStore((s) => s.query);
  const status = useAppStore((s) => s.status);
  const searchError = useAppStore((s) => s.searchError);
  // The "directory still arriving" answer is explained by the notice in the results, not twice.
  const hint = useAppStore((s) => (s.result?.directoryArriving ? null : (s.result?.hint ?? null)));
  const hitCount = useAppStore((s) => s.result?.hits.length ?? 0);
  const selectedIndex = useAppStore((s) => s.selectedIndex);
  const showingResults = useAppStore((s) => s.view.kind === 'results');

  const ref = useCallback((element: HTMLInputElement | null) => {
    registerSearchBox(element);
    element?.focus();
  }, []);

  function onChange(event: ChangeEvent<HTMLInputElement>) {
    const store = useAppStore.getState();
    store.setQuery(event.target.value);
    // Typing is a new question: whatever was open gives way to its answers.
    if (store.view.kind !== 'results') store.backToResults();
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    const store = useAppStore.getState();
    if (store.view.kind !== 'results') {
      // Esc while a card is open is handled globally (back to the list); arrows stay in the text.
      return;
    }
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        // Nothing typed: down goes to the worklist's first entry (issue 19, item 8).
        if (store.query.trim() === '' && focusWorklist()) break;
        store.moveSelection(1);
        break;
      case 'ArrowUp':
        event.preventDefault();
        store.moveSelection(-1);
        break;
      case 'PageDown':
        event.preventDefault();
        store.moveSelection(10);
        break;
      case 'PageUp':
        event.preventDefault();
        store.moveSelection(-10);
        break;
      case 'Enter':
        event.preventDefault();
        void openFromSearch();
        break;
      case 'Escape':
        if (store.query !== '') {
          event.preventDefault();
          store.setQuery('');
        }
        break;
      default:
        break;
    }
  }

  const message = searchError?.message ?? hint;
  const activeDescendant = showingResults && hitCount > 0 ? optionId(Math.min(selectedIndex, hitCount - 1)) : undefined;

  return (
    <div className="search">
      <label htmlFor={SEARCH_BOX_ID} className="search__label">
        Search customers
      </label>
      <div className="search__field">
        <input
          ref={ref}
          id={SEARCH_BOX_ID}
          className="search__input"
          type="search"
          value={query}
          onChange={onChange}
          onKeyDown={onKeyDown}
          placeholder="Name, phone, email, order number or SKU"
          autoComplete="off"
          autoCorrect="off"
          autoCapitalize="off"
          spellCheck={false}
          // Above the core's limit, so its "too long" message shows instead of the text silently
          // stopping; still bounded, so a stray paste of a whole document is not sent.
          maxLength={LIMITS.searchQuery * 4}
          aria-describedby={SEARCH_MESSAGE_ID}
          aria-invalid={searchError ? true : undefined}
          aria-controls={activeDescendant ? RESULTS_ID : undefined}
          aria-activedescendant={activeDescendant}
        />
        <span className="search__busy" aria-hidden="true" data-active={status === 'searching' ? 'true' : 'false'} />
      </div>
      <p id={SEARCH_MESSAGE_ID} role="status" className={searchError ? 'search__message search__message--error' : 'search__message'}>
        {message}
      </p>
    </div>
  );
}
