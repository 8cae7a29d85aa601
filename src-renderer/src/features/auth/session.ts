/**
 * Session actions: each asks the main process (which decides), then keeps what it answered. The
 * workspace is cleared here and only here, by `applySession`, whenever the next person could
 * otherwise see the last one's work.
 */
import type { SessionView } from '../../../../src-shared/contracts/auth';
import type { AppErrorShape, Result } from '../../../../src-shared/result';
import { switchboard } from '../../api/client';
import { clearWorkspace } from '../../app/clearWorkspace';
import { useSessionStore } from './store';

/**
 * Keeps a session the main process answered. The workspace is cleared when the session ended
 * (signed out), when a new one began (`newSession`: a sign-in, also "switch user"), and when the
 * user is not the one whose work the stores hold. Unlocking by the same user keeps it, so they
 * return to where they were (the screens were unmounted while locked; the data stayed in memory).
 */
export function applySession(view: SessionView, options: { newSession?: boolean } = {}): void {
  const { workspaceOwner } = useSessionStore.getState();
  const userId = view.state === 'signed_out' ? null : (view.user?.id ?? null);
  const clear = options.newSession === true || view.state === 'signed_out' || (workspaceOwner !== null && userId !== workspaceOwner);
  if (clear) clearWorkspace();
  useSessionStore.setState((s) => ({
    session: view,
    readError: null,
    workspaceOwner: userId,
    workspaceGeneration: clear ? s.workspaceGeneration + 1 : s.workspaceGeneration,
    switching: view.state === 'locked' ? s.switching : false,
  }));
}

let reading: Promise<void> | null = null;
/**
 * Goes up when a sign-in, unlock, lock or sign-out starts and when it is answered. A look at the
 * session that overlapped one is stale (it may say "signed in" after a lock, or "locked" after an
 * unlock) and is dropped: the next look, two seconds on, is current.
 */
let changes = 0;
let changing = 0;

async function change<T>(request: () => Promise<T>): Promise<T> {
  changes += 1;
  changing += 1;
  try {
    return await request();
  } finally {
    changes += 1;
    changing -= 1;
  }
}

/** Asks the main process who is signed in (one request at a time; callers meanwhile share it). */
export function refreshSession(): Promise<void> {
  const asked = changes;
  reading ??= switchboard()
    .authSession({})
    .then((result) => {
      if (!result.ok) useSessionStore.setState({ readError: result.error.message });
      else if (changing === 0 && asked === changes) applySession(result.value);
    })
    .finally(() => {
      reading = null;
    });
  return reading;
}

export async function signIn(username: string, password: string): Promise<Result<SessionView>> {
  const result = await change(() => switchboard().authSignIn({ username, password }));
  if (result.ok) applySession(result.value, { newSession: true });
  return result;
}

export async function unlock(password: string): Promise<Result<SessionView>> {
  const result = await change(() => switchboard().authUnlock({ password }));
  if (result.ok) applySession(result.value);
  return result;
}

/**
 * Locks the screen. The workspace leaves the page at once, before the main process answers: what
 * is on screen must not wait for a round trip (or stay if the host is gone).
 */
export async function lockNow(options: { thenSwitch?: boolean } = {}): Promise<AppErrorShape | null> {
  const { session } = useSessionStore.getState();
  if (session !== null && session.state === 'signed_in') {
    useSessionStore.setState({ session: { ...session, state: 'locked', permissions: [] }, switching: options.thenSwitch === true });
  } else if (options.thenSwitch) {
    useSessionStore.setState({ switching: true });
  }
  const result = await change(() => switchboard().authLock({}));
  if (result.ok) {
    applySession(result.value);
    return null;
  }
  // Not locked there (the session may already have ended): show what the main process says now.
  await refreshSession();
  return result.error;
}

/**
 * This window saw no one at work for the idle time: asks the main process to lock, which does so
 * only if the whole session is idle (no other window active, no call open). Nothing leaves the page
 * before it answers; true when it locked.
 */
export async function lockIfIdle(): Promise<boolean> {
  const result = await change(() => switchboard().authLock({ idle: true }));
  if (!result.ok) {
    await refreshSession();
    return false;
  }
  applySession(result.value);
  return result.value.state !== 'signed_in';
}

/** Ends the session; the workspace is cleared whether or not the main process could be told. */
export async function signOut(): Promise<AppErrorShape | null> {
  const result = await change(() => switchboard().authSignOut({}));
  if (result.ok) {
    applySession(result.value);
    return null;
  }
  clearWorkspace();
  useSessionStore.setState((s) => ({ workspaceGeneration: s.workspaceGeneration + 1 }));
  await refreshSession();
  return result.error;
}

/** The lock screen's "Switch user" and its way back to the unlock form. */
export function showSwitchUser(show: boolean): void {
  useSessionStore.setState({ switching: show });
}
