import { useEffect } from 'react';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';

/** The engine answers `sync:status` from memory, so twice a second is cheap and feels live. */
export const STATUS_POLL_MS = 500;
/** After a failed poll (no engine yet, host restarting) ask less often; the next good answer restores the pace. */
const FAILED_POLL_MS = 2_000;
/**
 * An answer this late counts as a failed poll (and two as "unavailable"), so a status the engine
 * has stopped giving is not shown as if current. The request is still awaited: polls never overlap.
 */
const STALLED_POLL_MS = 2_500;

/** Set while a poller runs: lets an action (Sync now, Dismiss) ask for a fresh status at once. */
let pollNow: (() => void) | null = null;

/** Asks the running poller for a status now instead of at its next tick (after a sync action). */
export function refreshSyncStatus(): void {
  pollNow?.();
}

/**
 * Polls `sync:status` into the sync slice every 500 ms while the page is visible, and at once when
 * the page becomes visible again or the window regains focus. One request at a time: the next tick
 * is scheduled when an answer has arrived, and a poll asked for meanwhile runs right after it.
 * Mount once (the status bar does).
 */
export function useSyncStatusPolling(): void {
  useEffect(() => {
    let stopped = false;
    let inFlight = false;
    let wanted = false;
    let timer: number | undefined;

    const schedule = (ms: number) => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void poll(), ms);
    };

    async function poll(): Promise<void> {
      window.clearTimeout(timer);
      timer = undefined;
      if (stopped || document.visibilityState !== 'visible') return; // visibilitychange starts it again
      if (inFlight) {
        wanted = true;
        return;
      }
      inFlight = true;
      let ok = false;
      const startedAt = Date.now();
      const stalled = window.setInterval(() => {
        if (stopped) return;
        const seconds = Math.round((Date.now() - startedAt) / 1000);
        useAppStore.getState().syncStatusFailed({ code: 'unavailable', message: `the sync engine has not answered for ${seconds} s.` });
      }, STALLED_POLL_MS);
      try {
        const result = await switchboard().syncStatus({});
        if (stopped) return;
        const store = useAppStore.getState();
        if (result.ok) store.syncStatusReceived(result.value);
        else store.syncStatusFailed(result.error);
        ok = result.ok;
      } catch (error) {
        // The bridges answer failures as values; a throw here is a bug in a bridge, shown rather than lost.
        if (!stopped) useAppStore.getState().syncStatusFailed({ code: 'internal', message: error instanceof Error ? error.message : String(error) });
      } finally {
        window.clearInterval(stalled);
        inFlight = false;
      }
      if (stopped) return;
      if (wanted) {
        wanted = false;
        void poll();
      } else {
        schedule(ok ? STATUS_POLL_MS : FAILED_POLL_MS);
      }
    }

    const now = () => void poll();
    const onVisibility = () => {
      if (document.visibilityState === 'visible') void poll();
      else window.clearTimeout(timer);
    };
    pollNow = now;
    window.addEventListener('focus', now);
    document.addEventListener('visibilitychange', onVisibility);
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      window.removeEventListener('focus', now);
      document.removeEventListener('visibilitychange', onVisibility);
      if (pollNow === now) pollNow = null;
    };
  }, []);
}
