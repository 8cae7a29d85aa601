import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { WorklistOutput } from '../../../../../src-shared/contracts/worklist';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { useDataVersion } from '../../sync/hooks/useDataVersion';
import { focusSearchBox } from '../../lookup/searchBoxFocus';
import { formatDateTime, todayIso } from '../../../ui/format';
import { formatDate } from '../../lookup/format';

const ITEM = '[data-worklist-item]';

/** Moves focus to the worklist's first entry; false when there is none (nothing to work). */
export function focusWorklist(): boolean {
  const first = document.querySelector<HTMLButtonElement>(ITEM);
  first?.focus();
  return first !== null;
}

const SEVERITY_LABELS = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' } as const;

/**
 * The empty lookup screen's queue (issue 19, item 8): the CSR's recent callers and the complaint
 * follow-ups they owe today (or overdue), one button each. ↓ from the empty search box reaches the
 * first; ↑/↓ (Home/End) move between them; Enter opens the customer; ↑ from the first goes back to
 * the search box.
 */
export function Worklist() {
  const [list, setList] = useState<WorklistOutput | { error: string } | null>(null);
  const dataVersion = useDataVersion();
  const root = useRef<HTMLElement>(null);

  useEffect(() => {
    let current = true;
    void switchboard()
      .worklistToday({ today: todayIso() })
      .then((r) => {
        if (current) setList(r.ok ? r.value : { error: r.error.message });
      });
    return () => {
      current = false;
    };
  }, [dataVersion]);

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    const items = [...(root.current?.querySelectorAll<HTMLButtonElement>(ITEM) ?? [])];
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    const go = (i: number) => {
      event.preventDefault();
      if (i < 0) focusSearchBox();
      else items[Math.min(i, items.length - 1)]?.focus();
    };
    if (event.key === 'ArrowDown') go(at + 1);
    else if (event.key === 'ArrowUp') go(at - 1);
    else if (event.key === 'Home') go(0);
    else if (event.key === 'End') go(items.length - 1);
  }

  const open = (customerId: string) => useAppStore.getState().openCustomer(customerId);

  if (list === null) return <p className="muted">Loading your worklist…</p>;
  if ('error' in list) {
    return (
      <p className="notice notice--error" role="alert">
        {list.error}
      </p>
    );
  }
  return (
    <section ref={root} className="worklist" aria-labelledby="worklist-heading" onKeyDown={onKeyDown}>
      <h3 id="worklist-heading" className="worklist__heading">
        Your worklist
      </h3>
      <div className="worklist__columns">
        <WorklistColumn
          id="worklist-follow-ups"
          title="Follow-ups due today"
          empty="No follow-ups due."
          items={list.followUps}
          keyOf={(f) => f.complaintId}
          onOpen={(f) => open(f.customerId)}
          render={(f) => (
            <>
              {/* The visible text is the button's name (the spaces keep the parts apart when read). */}
              <span className="worklist__name">{f.displayName}</span> <span>{f.category}</span>{' '}
              <span className={`status status--${f.status}`}>{SEVERITY_LABELS[f.severity]}</span>{' '}
              <span className={f.overdue ? 'worklist__due worklist__due--overdue' : 'worklist__due'}>
                {f.overdue ? `Overdue since ${formatDate(f.followUpOn)}` : 'Due today'}
              </span>
            </>
          )}
        />
        <WorklistColumn
          id="worklist-recent"
          title="Recent callers"
          empty="No calls taken yet."
          items={list.recentCallers}
          keyOf={(c) => c.customerId}
          onOpen={(c) => open(c.customerId)}
          render={(c) => (
            <>
              <span className="worklist__name">{c.displayName}</span> <span className="mono">{c.phone ?? 'no phone'}</span>{' '}
              <span className="worklist__due">last call {formatDateTime(c.lastCallAt)}</span>
            </>
          )}
        />
      </div>
      <p className="muted worklist__hint">
        <kbd>↓</kbd> from the search box, <kbd>↑</kbd>/<kbd>↓</kbd> to move, <kbd>Enter</kbd> to open.
      </p>
    </section>
  );
}

interface WorklistColumnProps<T> {
  id: string;
  title: string;
  /** Said instead of the list when it is empty. */
  empty: string;
  items: readonly T[];
  keyOf: (item: T) => string;
  onOpen: (item: T) => void;
  /** The button's text, which is also its accessible name. */
  render: (item: T) => ReactNode;
}

/** One column of the worklist: a heading and one button per entry (the keys are handled by Worklist). */
function WorklistColumn<T>({ id, title, empty, items, keyOf, onOpen, render }: WorklistColumnProps<T>) {
  return (
    <div className="worklist__column">
      <h4 id={id} className="panel__title">
        {title}
      </h4>
      {items.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="worklist__list" aria-labelledby={id}>
          {items.map((item) => (
            <li key={keyOf(item)}>
              <button type="button" data-worklist-item className="worklist__item" onClick={() => onOpen(item)}>
                {render(item)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
