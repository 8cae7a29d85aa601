import type { StateCreator } from 'zustand';
import type { SyncConnectionState, SyncStatus } from '../../../../src-shared/contracts/sync';
import type { AppErrorShape } from '../../../../src-shared/result';
import type { AppState } from '../../app/store';
import { announcement } from './words';

/** Which control opened the sync panel: focus goes back to it when the panel closes. */
export type SyncPanelOpener = 'details' | 'attention';

/** `request` goes up on every open, so asking again while open (the attention button) moves focus again. */
export type SyncPanelState = { open: false; request: number } | { open: true; opener: SyncPanelOpener; request: number };

/** Polls that must fail in a row before a status already shown gives way to the error (one slow answer is no news). */
export const FAILURES_BEFORE_UNAVAILABLE = 2;

/** The sync engine's status as this window last heard it, and the sync panel. */
export interface SyncSlice {
  /** The last good status; kept while polls fail, so a passing hiccup does not blank the status bar. */
  syncStatus: SyncStatus | null;
  /** Why the latest poll failed, while polls keep failing; null after a good answer. */
  syncStatusError: AppErrorShape | null;
  /** Failed polls in a row. */
  syncStatusFailures: number;
  /** The last state other than "connecting" seen, for announcing real changes only. */
  syncLastSettled: SyncConnectionState | null;
  /**
   * What the polite live region says; only changes worth announcing land here, never every poll.
   * `seq` lets the same sentence be said twice (the region re-renders its text when it changes).
   */
  syncAnnouncement: { text: string; seq: number };
  /**
   * Goes up by one each time the engine's dataVersion changes after the first status, and when
   * the customer directory or order history becomes ready (their indexes are built during the
   * first copy, and the screens that showed them as still arriving must ask again): screens showing
   * store data use it as a reload trigger (the first status is not a change, so opening the window
   * does not load everything twice).
   */
  syncDataGeneration: number;
  syncPanel: SyncPanelState;
  syncStatusReceived(status: SyncStatus): void;
  syncStatusFailed(error: AppErrorShape): void;
  openSyncPanel(opener: SyncPanelOpener): void;
  closeSyncPanel(): void;
}

/** Statuses arrive twice a second and are mostly the same: an equal one keeps the old object, so nothing re-renders. */
function sameStatus(a: SyncStatus, b: SyncStatus): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Rows pulled, or the customer directory or order history that was arriving is now readable. */
function dataChanged(previous: SyncStatus, next: SyncStatus): boolean {
  return (
    previous.dataVersion !== next.dataVersion ||
    (!previous.orderHistoryReady && next.orderHistoryReady) ||
    (!previous.directoryReady && next.directoryReady)
  );
}

export const createSyncSlice: StateCreator<AppState, [], [], SyncSlice> = (set, get) => ({
  syncStatus: null,
  syncStatusError: null,
  syncStatusFailures: 0,
  syncLastSettled: null,
  syncAnnouncement: { text: '', seq: 0 },
  syncDataGeneration: 0,
  syncPanel: { open: false, request: 0 },
  syncStatusReceived: (status) => {
    const { syncStatus: previous, syncStatusError, syncLastSettled, syncDataGeneration, syncAnnouncement } = get();
    if (previous !== null && sameStatus(previous, status)) {
      if (syncStatusError !== null) set({ syncStatusError: null, syncStatusFailures: 0 });
      return;
    }
    // The first status is compared with itself minus an initial sync, so only a problem state is said.
    const said = announcement(previous ?? { ...status, initialSync: null }, status, syncLastSettled);
    set({
      syncStatus: status,
      syncStatusError: null,
      syncStatusFailures: 0,
      syncLastSettled: status.state === 'connecting' ? syncLastSettled : status.state,
      syncAnnouncement: said === null ? syncAnnouncement : { text: said, seq: syncAnnouncement.seq + 1 },
      syncDataGeneration: previous !== null && dataChanged(previous, status) ? syncDataGeneration + 1 : syncDataGeneration,
    });
  },
  syncStatusFailed: (error) => set((s) => ({ syncStatusError: error, syncStatusFailures: s.syncStatusFailures + 1 })),
  openSyncPanel: (opener) => set((s) => ({ syncPanel: { open: true, opener, request: s.syncPanel.request + 1 } })),
  closeSyncPanel: () => set((s) => ({ syncPanel: { open: false, request: s.syncPanel.request } })),
});
