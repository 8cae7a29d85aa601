import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useAppStore } from '../../../app/store';
import { tierLabel } from '../../lookup/format';
import { startCall } from '../../call/actions';
import { useCustomerCard } from '../hooks/useCustomerCard';
import { Addresses, BackButton, Contact, SEGMENT_LABELS, Value } from './ProfilePanels';
import { ContactEditForm } from './ContactEditForm';
import { EditHistory } from './EditHistory';
import { PrivacyPanel } from './PrivacyPanel';
import { Timeline } from '../../timeline/components/Timeline';
import { PastPurchases } from '../../purchases/components/PastPurchases';
import { Suggestions } from '../../suggestions/components/Suggestions';
import { Complaints } from '../../complaints/components/Complaints';
import { Notes } from '../../notes/components/Notes';
import { CustomerGlance } from './CustomerGlance';
import { OrderPanel } from '../../order/components/OrderPanel';
import { useCan } from '../../auth/store';
import { useShortcut } from '../../../app/useShortcut';
import type { ShortcutId } from '../../../app/shortcuts';
import { ShortcutHint, shortcutProps } from '../../../ui/ShortcutHint';

const TABS = [
  { id: 'purchases', label: 'Past purchases', shortcut: 'tabPurchases' },
  { id: 'timeline', label: 'Timeline', shortcut: 'tabTimeline' },
  { id: 'complaints', label: 'Complaints', shortcut: 'tabComplaints' },
  { id: 'notes', label: 'Notes', shortcut: 'tabNotes' },
  { id: 'history', label: 'Contact history', shortcut: 'tabHistory' },
] as const satisfies readonly { id: string; label: string; shortcut: ShortcutId }[];
type TabId = (typeof TABS)[number]['id'];

function TabShortcut({ tab, onSelect }: { tab: (typeof TABS)[number]; onSelect(tab: TabId): void }) {
  useShortcut(tab.shortcut, () => onSelect(tab.id));
  return null;
}

/**
 * Tabs as WAI-ARIA describes them: arrows move between tabs, Tab moves into the panel. Each tab also
 * has its Alt shortcut (shortcuts.ts), which selects it and puts focus on it.
 */
function Tabs({ selected, onSelect }: { selected: TabId; onSelect(tab: TabId): void }) {
  const refs = useRef<Partial<Record<TabId, HTMLButtonElement | null>>>({});
  const selectAndFocus = (id: TabId) => {
    onSelect(id);
    queueMicrotask(() => refs.current[id]?.focus());
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = TABS.findIndex((t) => t.id === selected);
    let next: number | null = null;
    if (event.key === 'ArrowRight') next = (index + 1) % TABS.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + TABS.length) % TABS.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = TABS.length - 1;
    if (next === null) return;
    event.preventDefault();
    const tab = TABS[next];
    if (!tab) return;
    onSelect(tab.id);
    refs.current[tab.id]?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label="Customer details" onKeyDown={onKeyDown}>
      {TABS.map((t) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[t.id] = el;
          }}
          type="button"
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={t.id === selected}
          aria-controls={`tabpanel-${t.id}`}
          tabIndex={t.id === selected ? 0 : -1}
          className="tabs__tab"
          onClick={() => onSelect(t.id)}
          {...shortcutProps(t.shortcut)}
        >
          {t.label} <ShortcutHint id={t.shortcut} />
        </button>
      ))}
      {TABS.map((t) => (
        <TabShortcut key={t.id} tab={t} onSelect={selectAndFocus} />
      ))}
    </div>
  );
}

function CallAction({ customerId }: { customerId: string }) {
  const call = useAppStore((s) => s.call);
  const [busy, setBusy] = useState(false);
  if (call !== null) return call.customerId === customerId ? <span className="chip chip--live">On this call</span> : null;
  return (
    <button
      type="button"
      className="button"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void startCall({ source: 'manual', customerId }).finally(() => setBusy(false));
      }}
    >
      Start call
    </button>
  );
}

/** The caller's 360: who they are, what to offer, and everything they bought, said and complained about. */
export function Customer360({ customerId }: { customerId: string }) {
  const [cardVersion, setCardVersion] = useState(0);
  const [activity, setActivity] = useState(0);
  // Complaints and notes logged here change the header's figures: the card is read again after them.
  const state = useCustomerCard(customerId, cardVersion + activity);
  const [tab, setTab] = useState<TabId>('purchases');
  const [complaintRequest, setComplaintRequest] = useState(0);
  const [noteRequest, setNoteRequest] = useState(0);
  useShortcut('logComplaint', () => {
    setTab('complaints');
    setComplaintRequest((n) => n + 1);
  });
  useShortcut('addNote', () => {
    setTab('notes');
    setNoteRequest((n) => n + 1);
  });
  const canOrder = useCan('order.take');
  const cart = useAppStore((s) => s.carts[customerId] ?? null);
  const [editing, setEditing] = useState(false);
  const [contactSaved, setContactSaved] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const editButtonRef = useRef<HTMLButtonElement>(null);
  const loaded = state.status === 'loaded';
  useEffect(() => {
    // Focus moves to the card once it is there, so a screen reader reads whose card it is and Tab
    // starts inside it. Esc (handled globally) returns to the search box.
    if (loaded) headingRef.current?.focus();
  }, [loaded, customerId]);

  if (state.status === 'loading') {
    return (
      <section className="card" aria-busy="true" aria-label="Customer">
        <div className="card__head">
          <BackButton />
        </div>
        <p className="muted">Loading customer…</p>
      </section>
    );
  }
  if (state.status === 'failed') {
    return (
      <section className="card" aria-label="Customer">
        <div className="card__head">
          <BackButton />
        </div>
        <p className="notice notice--error" role="alert">
          {state.error.message}
        </p>
      </section>
    );
  }
  const { card } = state;
  const changed = () => setActivity((v) => v + 1);
  return (
    <article className="card" aria-labelledby="card-name" data-focus-scope='[role="tab"][aria-selected="true"]'>
      <header className="card__title">
        <BackButton />
        <h2 id="card-name" ref={headingRef} tabIndex={-1}>
          {card.displayName}
        </h2>
        <span className={`tier tier--${card.loyaltyTier}`}>{tierLabel(card.loyaltyTier)}</span>
        <span className="chip">{SEGMENT_LABELS[card.segment]}</span>
        <span className="card__title-actions">
          <CallAction customerId={customerId} />
        </span>
      </header>
      <CustomerGlance card={card} />
      {/* Profile on the left with the tabs below it; suggestions beside them on the right (issue 19, item 9). */}
      <div className="card__body">
        <div className="card__profile">
        {editing ? (
          <ContactEditForm
            card={card}
            onDone={(saved) => {
              setEditing(false);
              setContactSaved(saved);
              if (saved !== null) {
                setCardVersion((v) => v + 1);
                changed();
              }
              queueMicrotask(() => editButtonRef.current?.focus());
            }}
          />
        ) : (
          <>
            <Contact
              card={card}
              action={
                <span className="panel__actions">
                  <span role="status" className="save-status save-status--ok">
                    {contactSaved}
                  </span>
                  <button
                    ref={editButtonRef}
                    type="button"
                    className="button button--quiet"
                    onClick={() => {
                      setContactSaved(null);
                      setEditing(true);
                    }}
                  >
                    Edit contact
                  </button>
                </span>
              }
            />
            <Addresses card={card} />
            <Value card={card} />
            <PrivacyPanel card={card} />
          </>
        )}
        </div>
        <div className="card__suggestions">
          <Suggestions customerId={customerId} />
          {canOrder && <OrderPanel customerId={customerId} card={card} cart={cart} />}
        </div>
      <div className="card__tabs">
        <Tabs
          selected={tab}
          onSelect={(id) => {
            // A tab chosen by hand shows its panel as it is: no pending "log a complaint" / "add a note".
            setComplaintRequest(0);
            setNoteRequest(0);
            setTab(id);
          }}
        />
        <div className="tabs__panel" role="tabpanel" tabIndex={0} id={`tabpanel-${tab}`} aria-labelledby={`tab-${tab}`}>
          {tab === 'purchases' && <PastPurchases customerId={customerId} />}
          {tab === 'timeline' && <Timeline customerId={customerId} version={activity} />}
          {tab === 'complaints' && <Complaints customerId={customerId} onChanged={changed} newRequest={complaintRequest} />}
          {tab === 'notes' && <Notes customerId={customerId} onChanged={changed} focusRequest={noteRequest} />}
          {tab === 'history' && <EditHistory customerId={customerId} version={cardVersion} />}
        </div>
      </div>
      </div>
    </article>
  );
}
