import { useEffect } from 'react';
import { onSessionRefused, switchboard } from '../../../api/client';
import { lockIfIdle, refreshSession } from '../session';
import { useSessionStore } from '../store';

/** How often the window asks who is signed in: it notices a lock done by the main process within this. */
export const SESSION_POLL_MS = 2_000;
/** The most often activity is reported: every few seconds, and well within the idle time however short. */
const ACTIVITY_REPORT_MAX_MS = 5_000;
const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const;

/**
 * Reads the session at start and every two seconds (and at once when a call is refused for want
 * of one). While signed in, the person's keys and pointer are reported to the main process (at
 * most every few seconds) and, when none came for the idle time, the window asks the main process
 * to lock. It decides: another window in use, or a call open, keeps the session awake (then this
 * window asks again a few seconds on). The main process keeps its own clock too: a window that
 * stops reporting cannot keep a session open.
 * Mount once, at the root.
 */
export function useSessionKeeper(): void {
  useEffect(() => {
    void refreshSession();
    const poll = window.setInterval(() => void refreshSession(), SESSION_POLL_MS);
    const unsubscribe = onSessionRefused(() => void refreshSession());
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refreshSession();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(poll);
      unsubscribe();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);

  const signedIn = useSessionStore((s) => s.session?.state === 'signed_in');
  const idleLockMs = useSessionStore((s) => s.session?.idleLockMs ?? null);
  useEffect(() => {
    if (!signedIn || idleLockMs === null) return;
    const reportEvery = Math.max(500, Math.min(ACTIVITY_REPORT_MAX_MS, Math.floor(idleLockMs / 3)));
    let lastActivity = Date.now();
    // Signing in or unlocking was itself activity the main process saw.
    let lastReported = lastActivity;
    let asking = false;
    let lastAsked = 0;
    const onActivity = () => {
      lastActivity = Date.now();
      if (lastActivity - lastReported >= reportEvery) {
        lastReported = lastActivity;
        void switchboard().authActivity({});
      }
    };
    const check = window.setInterval(
      () => {
        const now = Date.now();
        if (asking || now - lastActivity < idleLockMs || now - lastAsked < reportEvery) return;
        asking = true;
        lastAsked = now;
        void lockIfIdle().finally(() => {
          asking = false;
        });
      },
      Math.min(1_000, Math.max(250, Math.floor(idleLockMs / 4))),
    );
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onActivity, { capture: true, passive: true });
    return () => {
      window.clearInterval(check);
      for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, onActivity, { capture: true });
    };
  }, [signedIn, idleLockMs]);
}
