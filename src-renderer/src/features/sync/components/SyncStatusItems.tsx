import type { SyncConnectionState } from '../../../../../src-shared/contracts/sync';
import { useAppStore } from '../../../app/store';
import { useNow } from '../hooks/useNow';
import { FAILURES_BEFORE_UNAVAILABLE } from '../store';
import { attentionText, BUILDING_INDEXES_TEXT, lastSyncText, pendingText, stateText } from '../words';
import { InitialSyncProgress } from './InitialSyncProgress';
import { SYNC_ATTENTION_BUTTON_ID, SYNC_DETAILS_BUTTON_ID, SYNC_PANEL_ID } from './ids';

/** A shape per state beside the words, so neither colour nor the mark alone carries the meaning. */
const MARKS: Record<SyncConnectionState, string> = {
  online: '●',
  connecting: '◐',
  offline: '○',
  store_failing: '◌',
  local_only: '◇',
  signed_out: '⊘',
};

/**
 * The status bar's sync part: the connection state in words, changes waiting, the last sync, the
 * initial sync's progress, a button when refused writes need attention and the one that opens the
 * sync panel. A polite live region says what changed (online ↔ offline, refused writes) — never
 * the countdown or the other text that moves with every poll.
 */
export function SyncStatusItems() {
  const status = useAppStore((s) => s.syncStatus);
  const error = useAppStore((s) => s.syncStatusError);
  const failures = useAppStore((s) => s.syncStatusFailures);
  const panelOpen = useAppStore((s) => s.syncPanel.open);
  const said = useAppStore((s) => s.syncAnnouncement);
  const countingDown = status !== null && (status.state === 'offline' || status.state === 'store_failing') && status.nextRetryAt !== null;
  const now = useNow(countingDown);
  const unavailable = error !== null && (status === null || failures >= FAILURES_BEFORE_UNAVAILABLE);
  const rejections = status?.rejections.length ?? 0;

  const togglePanel = () => {
    const store = useAppStore.getState();
    if (store.syncPanel.open) store.closeSyncPanel();
    else store.openSyncPanel('details');
  };

  return (
    <>
      {unavailable && (
        <span className="statusbar__item sync-state sync-state--unavailable">Sync status unavailable: {error.message}</span>
      )}
      {!unavailable && status === null && <span className="statusbar__item sync-state">Reading sync status…</span>}
      {!unavailable && status !== null && (
        <>
          <span className={`statusbar__item sync-state sync-state--${status.state}`}>
            <span className="sr-only">Sync: </span>
            <span className="sync-state__mark" aria-hidden="true">
              {MARKS[status.state]}
            </span>
            {stateText(status, now)}
          </span>
          {status.state !== 'local_only' && <span className="statusbar__item tabular">{pendingText(status.pendingWrites)}</span>}
          {/* During the first copy "Not synced yet" says nothing the progress bar does not. */}
          {status.state !== 'local_only' && !(status.initialSync !== null && status.lastSyncAt === null) && (
            <span className="statusbar__item tabular">{lastSyncText(status.lastSyncAt, now)}</span>
          )}
          {status.initialSync !== null && <InitialSyncProgress progress={status.initialSync} />}
          {status.buildingIndexes && <span className="statusbar__item sync-building">{BUILDING_INDEXES_TEXT}</span>}
        </>
      )}
      <span className="statusbar__item statusbar__actions">
        {rejections > 0 && (
          <button
            id={SYNC_ATTENTION_BUTTON_ID}
            type="button"
            className="statusbar__button statusbar__button--attention"
            onClick={() => useAppStore.getState().openSyncPanel('attention')}
          >
            <span aria-hidden="true">!</span> {attentionText(rejections)}
          </button>
        )}
        <button
          id={SYNC_DETAILS_BUTTON_ID}
          type="button"
          className="statusbar__button"
          aria-expanded={panelOpen}
          aria-controls={panelOpen ? SYNC_PANEL_ID : undefined}
          onClick={togglePanel}
        >
          Sync details
        </button>
      </span>
      <span className="sr-only" role="status">
        <span key={said.seq}>{said.text}</span>
      </span>
    </>
  );
}
