import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { CatalogueHit } from '../../../../../src-shared/contracts/catalogue';
import { CATALOGUE_ARRIVING_HINT, CATALOGUE_QUERY_MAX } from '../../../../../src-shared/contracts/catalogue';
import { switchboard } from '../../../api/client';
import { formatMoney } from '../../lookup/format';
import { useShortcut } from '../../../app/useShortcut';
import { ShortcutHint, shortcutProps } from '../../../ui/ShortcutHint';

type Found = { query: string; hits: CatalogueHit[]; hint: string | null } | { query: string; error: string };

/**
 * The product search of the order panel, as the WAI-ARIA combobox pattern describes it: type a name,
 * brand, category, SKU or part number; ↑/↓ move through the products found (best first), Enter
 * adds the one marked (the first by default) and leaves the caret here for the next product; Esc
 * closes the list. Alt+I comes here from anywhere in the customer's view.
 */
export function ProductSearch({ currency, onPick }: { currency: string | undefined; onPick(hit: CatalogueHit): void }) {
  const id = useId();
  const listId = `${id}-list`;
  const inputRef = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  // Enter pressed before the products for what was typed arrived: the best of them is added when they do.
  const pendingEnter = useRef<string | null>(null);
  useShortcut('orderProduct', () => {
    inputRef.current?.focus();
    inputRef.current?.select();
  });

  useEffect(() => {
    const q = query.trim();
    if (q.length === 0) {
      setFound(null);
      return;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      void switchboard()
        .catalogueSearch({ query: q, ...(currency ? { currency } : {}), limit: 8 })
        .then((r) => {
          if (!current) return;
          if (!r.ok) {
            setFound({ query: q, error: r.error.message });
            return;
          }
          if (r.value.catalogueArriving) {
            setFound({ query: q, error: CATALOGUE_ARRIVING_HINT });
            return;
          }
          setFound({ query: q, hits: r.value.hits, hint: r.value.hint });
          setActive(0);
          setOpen(true);
          if (pendingEnter.current === q) {
            pendingEnter.current = null;
            const best = r.value.hits[0];
            if (best) pickRef.current(best);
          }
        });
    }, 120);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [query, currency]);

  const hits = found && 'hits' in found ? found.hits : [];
  const pickRef = useRef<(hit: CatalogueHit) => void>(() => undefined);
  const pick = (hit: CatalogueHit) => {
    pendingEnter.current = null;
    onPick(hit);
    setQuery('');
    setFound(null);
    setOpen(false);
    inputRef.current?.focus();
  };
  pickRef.current = pick;
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' && hits.length > 0) {
      event.preventDefault();
      setOpen(true);
      setActive((a) => (a + 1) % hits.length);
    } else if (event.key === 'ArrowUp' && hits.length > 0) {
      event.preventDefault();
      setOpen(true);
      setActive((a) => (a - 1 + hits.length) % hits.length);
    } else if (event.key === 'Enter') {
      const hit = hits[active];
      event.preventDefault();
      if (query.trim() === '') return;
      if (open && hit && found && 'hits' in found && found.query === query.trim()) pick(hit);
      else pendingEnter.current = query.trim();
    } else if (event.key === 'Escape' && (open || query !== '')) {
      // Closes the list (and then empties the box) before Esc means "back to the results".
      event.preventDefault();
      if (open) setOpen(false);
      else setQuery('');
    }
  };
  const expanded = open && hits.length > 0;
  const activeHit = expanded ? hits[active] : undefined;
  return (
    <div className="product-search">
      <label htmlFor={id} className="field__label">
        Add a product <ShortcutHint id="orderProduct" />
      </label>
      <input
        ref={inputRef}
        id={id}
        className="field__input"
        role="combobox"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeHit ? `${id}-opt-${activeHit.productId}` : undefined}
        aria-describedby={`${id}-help`}
        autoComplete="off"
        maxLength={CATALOGUE_QUERY_MAX}
        value={query}
        onChange={(e) => {
          pendingEnter.current = null;
          setQuery(e.target.value);
        }}
        onKeyDown={onKeyDown}
        {...shortcutProps('orderProduct')}
      />
      <p id={`${id}-help`} className="field__hint">
        Name, SKU, part number or category; ↑ ↓ to choose, Enter to add.
      </p>
      <ul id={listId} role="listbox" aria-label="Products found" className="product-search__list" hidden={!expanded}>
        {hits.map((hit, index) => (
          <li
            key={hit.productId}
            id={`${id}-opt-${hit.productId}`}
            role="option"
            aria-selected={index === active}
            className={index === active ? 'product-search__hit product-search__hit--active' : 'product-search__hit'}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(hit)}
          >
            <span className="product-search__name">{hit.name}</span>
            <span className="mono muted">{hit.sku}</span>
            <span className="tabular">{formatMoney(hit.priceCents, hit.currency)}</span>
            <span className={`availability availability--${hit.availability.level}`}>{hit.availability.text}</span>
          </li>
        ))}
      </ul>
      <p role="status" className="muted product-search__status">
        {found && 'error' in found && found.error}
        {found && 'hits' in found && found.hits.length === 0 && `No product matches “${found.query}”.`}
        {found && 'hits' in found && found.hits.length > 0 && expanded && `${found.hits.length} products found${found.hint ? `. ${found.hint}` : ''}`}
      </p>
    </div>
  );
}
