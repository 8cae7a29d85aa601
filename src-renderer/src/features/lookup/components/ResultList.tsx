import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { CustomerHit } from '../../../../../src-shared/contracts/lookup';
import { useAppStore } from '../../../app/store';
import { useDirectoryReady } from '../../sync/hooks/useDirectoryReady';
import { DirectoryArriving } from '../../sync/components/DirectoryArriving';
import { newCustomerPhone } from '../newCustomerOffer';
import { countFormat, displayPhone, formatDate, matchLabel, tierLabel } from '../format';
import { optionId, RESULTS_ID } from './SearchBox';
import { Worklist } from '../../worklist/components/Worklist';

/** "order SB…", "bought …" already say how they matched; a bare number or address does not. */
function spellsOutKind(detail: string): boolean {
  return /^(name|order|bought)\b/i.test(detail);
}

/** How the row matched, without repeating the name the row starts with. */
function matchText(hit: CustomerHit): string {
  return hit.matchedBy === 'name' && hit.matchDetail === `name ${hit.displayName}` ? '' : hit.matchDetail;
}

function ResultRow({ hit, index, selected }: { hit: CustomerHit; index: number; selected: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  return (
    <div
      ref={ref}
      id={optionId(index)}
      role="option"
      aria-selected={selected}
      className="results__row"
      onMouseDown={(event) => event.preventDefault() /* keep the caret in the search box */}
      onClick={() => {
        const store = useAppStore.getState();
        store.selectIndex(index);
        store.openCustomer(hit.customerId);
      }}
    >
      {/* The row's text is its accessible name: the spaces keep the cells apart when it is read. */}
      <span className="results__cell results__name">{hit.displayName}</span>{' '}
      <span className="results__cell results__phone">{displayPhone(hit.phone)}</span>{' '}
      <span className="results__cell results__email" title={hit.email ?? undefined}>
        {hit.email ?? '—'}
      </span>{' '}
      <span className="results__cell" title={hit.city ?? undefined}>
        {hit.city ?? '—'}
      </span>{' '}
      <span className="results__cell">
        <span className={`tier tier--${hit.loyaltyTier}`}>{tierLabel(hit.loyaltyTier)}</span>
      </span>{' '}
      <span className="results__cell results__date">{formatDate(hit.lastOrderAt)}</span>{' '}
      <span className="results__cell results__match" title={hit.matchDetail}>
        {(!spellsOutKind(hit.matchDetail) || matchText(hit) === '') && <span className="match-kind">{matchLabel(hit.matchedBy)}</span>}{' '}
        {matchText(hit)}
      </span>
    </div>
  );
}

/**
 * The answer to the current search: a count, the rows, or the way forward when nothing matched.
 * While the customer directory is still arriving from the central store (the sync status or the
 * answer says so) a notice says why nothing is found, and no new customer is offered.
 */
export function ResultList() {
  const query = useAppStore((s) => s.query);
  const status = useAppStore((s) => s.status);
  const result = useAppStore((s) => s.result);
  const selectedIndex = useAppStore((s) => s.selectedIndex);
  const directoryReady = useDirectoryReady();
  const hits = result?.hits ?? [];
  const arriving = !directoryReady || result?.directoryArriving === true;

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const store = useAppStore.getState();
    const keys: Record<string, () => void> = {
      ArrowDown: () => store.moveSelection(1),
      ArrowUp: () => store.moveSelection(-1),
      PageDown: () => store.moveSelection(10),
      PageUp: () => store.moveSelection(-10),
      Home: () => store.selectIndex(0),
      End: () => store.selectIndex(hits.length - 1),
      Enter: () => {
        const hit = hits[store.selectedIndex];
        if (hit) store.openCustomer(hit.customerId);
      },
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  }

  let summary: string;
  if (query.trim() === '') summary = 'Type a name, phone number, email, order number or SKU.';
  else if (status === 'searching' && !result) summary = 'Searching…';
  else if (!result) summary = status === 'failed' ? 'No search run: see the message under the search box.' : '';
  else if (result.directoryArriving) summary = 'Not searched: the customer directory is still arriving.';
  else if (hits.length === 0) summary = 'No customers match.';
  // The list stops at its limit: then more matched than it shows, and the count says so (issue 19, item 12).
  else if (result.capped) summary = `${countFormat.format(hits.length)}+ customers: showing the first ${countFormat.format(hits.length)}`;
  else summary = hits.length === 1 ? '1 customer' : `${countFormat.format(hits.length)} customers`;

  const offerPhone = newCustomerPhone(result, directoryReady);

  return (
    <section className="results" aria-labelledby="results-heading">
      <div className="results__bar">
        <h2 id="results-heading" className="results__heading">
          Results
        </h2>
        <p className="results__count" aria-live="polite">
          {summary}
        </p>
      </div>
      {arriving && <DirectoryArriving />}
      {query.trim() === '' && !arriving && <Worklist />}
      {offerPhone !== null && (
        <div className="results__empty">
          <p>No customer has the number {offerPhone}.</p>
          <button type="button" className="button button--primary" onClick={() => useAppStore.getState().openNewCustomer(offerPhone)}>
            New customer with {offerPhone}
          </button>
          <span className="results__keyhint">
            or press <kbd>Enter</kbd>
          </span>
        </div>
      )}
      {hits.length > 0 && (
        <div className="results__table">
          <div className="results__row results__row--head" aria-hidden="true">
            <span>Name</span>
            <span>Phone</span>
            <span>Email</span>
            <span>City</span>
            <span>Tier</span>
            <span>Last order</span>
            <span>Matched</span>
          </div>
          <div
            id={RESULTS_ID}
            role="listbox"
            aria-label="Matching customers"
            tabIndex={0}
            aria-activedescendant={optionId(Math.min(selectedIndex, hits.length - 1))}
            className="results__list"
            onKeyDown={onKeyDown}
          >
            {hits.map((hit, index) => (
              <ResultRow key={hit.customerId} hit={hit} index={index} selected={index === selectedIndex} />
            ))}
          </div>
        </div>
      )}
    </section>
  );
}
