import { useCallback, useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { TIMELINE_PAGE_MAX, type TimelineEntry } from '../../../../../src-shared/contracts/customer360';
import type { CallStatus } from '../../../../../src-shared/contracts/calls';
import type { ComplaintStatus } from '../../../../../src-shared/contracts/complaints';
import { switchboard } from '../../../api/client';
import { formatMoney } from '../../lookup/format';
import { formatDateTime } from '../../../ui/format';
import { CHANNEL_LABELS, STATUS_LABELS } from '../../customer/components/ProfilePanels';
import { formatDuration } from '../../call/hooks/useCallTimer';
import { useDataVersion } from '../../sync/hooks/useDataVersion';
import { useAppStore } from '../../../app/store';
import { useOrderHistoryReady } from '../../sync/hooks/useOrderHistoryReady';
import { OrderHistoryArriving } from '../../sync/components/OrderHistoryArriving';

/** Entries read per page: a few screens' worth, so the first answer is quick. */
const PAGE = 25;
const ROW_HEIGHT = 48;
const KIND_LABELS: Record<TimelineEntry['kind'], string> = { order: 'Order', call: 'Call', complaint: 'Complaint', note: 'Note' };
const CALL_STATUS: Record<CallStatus, string> = { active: 'in progress', on_hold: 'on hold', wrap_up: 'in wrap-up', completed: 'completed' };
export const COMPLAINT_STATUS_LABELS: Record<ComplaintStatus, string> = { open: 'Open', in_progress: 'In progress', resolved: 'Resolved', reopened: 'Reopened' };

function summary(e: TimelineEntry): { title: string; detail: string } {
  switch (e.kind) {
    case 'order':
      return {
        title: `${e.number} · ${formatMoney(e.totalCents, e.currency)}`,
        detail: `${CHANNEL_LABELS[e.channel]} · ${STATUS_LABELS[e.status]} · ${e.lineCount} ${e.lineCount === 1 ? 'line' : 'lines'}${e.campaignCode ? ` · campaign ${e.campaignCode}` : ''}`,
      };
    case 'call':
      return {
        title: `${e.source === 'screen_pop' ? 'Incoming call' : 'Call'} ${CALL_STATUS[e.status]}${e.dispositionLabel ? ` — ${e.dispositionLabel}` : ''}`,
        detail: [e.handleMs !== null ? `handled in ${formatDuration(e.handleMs)}` : null, e.satisfaction !== null ? `satisfaction ${e.satisfaction}/5` : null, e.wrapUpNotes]
          .filter(Boolean)
          .join(' · '),
      };
    case 'complaint':
      return {
        title: `${e.categoryLabel} (${e.severity}) — ${COMPLAINT_STATUS_LABELS[e.status]}`,
        detail: `${e.orderNumber ? `${e.orderNumber} · ` : ''}${e.description}`,
      };
    case 'note':
      return { title: 'Note', detail: e.body };
  }
}

/**
 * Everything that happened with the customer, across channels, newest first. Rows are
 * virtualised, and the next page is read with the cursor as the list nears its end.
 */
export function Timeline({ customerId, version }: { customerId: string; version: number }) {
  const [entries, setEntries] = useState<TimelineEntry[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(false);
  const scrollRef = useRef<HTMLDivElement>(null);
  // Entries from other workstations arrive with a sync (a complaint logged elsewhere shows here).
  const dataVersion = useDataVersion();
  const ordersVersion = useAppStore((s) => s.ordersVersion);
  const historyReady = useOrderHistoryReady();
  /** Bumped by every reload: a page that was on its way for an older list is dropped, not appended. */
  const generation = useRef(0);
  const loadedCount = useRef(0);
  loadedCount.current = entries.length;

  const loadPage = useCallback(
    async (from: string | undefined, reset: boolean) => {
      // A reload always goes ahead (it replaces the list); a next page waits for the one on its way.
      if (!reset && loading.current) return;
      const mine = reset ? ++generation.current : generation.current;
      loading.current = true;
      // A reload reads as many entries as are loaded, so a list scrolled down does not shrink under the reader.
      const limit = reset ? Math.min(TIMELINE_PAGE_MAX, Math.max(PAGE, loadedCount.current)) : PAGE;
      try {
        const r = await switchboard().customerTimeline({ customerId, limit, ...(from ? { cursor: from } : {}) });
        if (mine !== generation.current) return;
        if (!r.ok) {
          setError(r.error.message);
          return;
        }
        setError(null);
        setEntries((prev) => (reset ? r.value.entries : [...prev, ...r.value.entries]));
        setCursor(r.value.nextCursor);
      } finally {
        if (mine === generation.current) loading.current = false;
      }
    },
    [customerId],
  );

  useEffect(() => {
    void loadPage(undefined, true);
  }, [loadPage, version, dataVersion, ordersVersion]);

  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.length > 0 ? items[items.length - 1] : undefined;
  useEffect(() => {
    if (last && typeof cursor === 'string' && last.index >= entries.length - 10) void loadPage(cursor, false);
  }, [last, cursor, entries.length, loadPage]);

  if (error) {
    return (
      <p className="notice notice--error" role="alert">
        {error}
      </p>
    );
  }
  if (cursor === undefined) return <p className="muted">Loading timeline…</p>;
  if (entries.length === 0) return historyReady ? <p className="muted">Nothing recorded yet.</p> : <OrderHistoryArriving />;
  return (
    <>
      {/* Calls, complaints and notes are here; orders join them once they have arrived. */}
      {!historyReady && <OrderHistoryArriving />}
      <div ref={scrollRef} className="timeline" tabIndex={0} role="region" aria-label="Timeline, newest first">
        <ul className="timeline__list" style={{ height: virtualizer.getTotalSize() }} aria-label="Timeline entries">
          {items.map((item) => {
            const entry = entries[item.index];
            if (!entry) return null;
            const s = summary(entry);
            return (
              <li
                key={`${entry.kind}-${entry.id}`}
                className={`timeline__row timeline__row--${entry.kind}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                aria-setsize={typeof cursor === 'string' ? -1 : entries.length}
                aria-posinset={item.index + 1}
              >
                <span className={`timeline__kind timeline__kind--${entry.kind}`}>{KIND_LABELS[entry.kind]}</span>
                <span className="timeline__when">{formatDateTime(entry.at)}</span>
                <span className="timeline__title">{s.title}</span>
                <span className="timeline__detail">{s.detail}</span>
              </li>
            );
          })}
        </ul>
        {typeof cursor === 'string' && <p className="muted timeline__more">Loading older entries as you scroll…</p>}
      </div>
    </>
  );
}
