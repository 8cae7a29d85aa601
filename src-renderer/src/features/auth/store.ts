/**
 * Who is at this workstation, as the main process last said (auth:session and the answers to
 * sign-in, unlock, lock and sign-out). Its own store, not a slice of the app store: clearing the
 * workspace for the next user must not forget who that user is.
 */
import { create } from 'zustand';
import type { SessionView } from '../../../../src-shared/contracts/auth';
import type { Permission } from '../../../../src-shared/auth/permissions';

export interface SessionStoreState {
  /** The last answer; null until the first one arrived. */
  session: SessionView | null;
  /** Why the session could not be read (the host is not reachable), while it cannot. */
  readError: string | null;
  /** The user whose work the workspace stores hold; null when they hold nobody's. */
  workspaceOwner: string | null;
  /** Goes up each time the workspace is cleared: the workspace is keyed by it, so every screen and form starts afresh. */
  workspaceGeneration: number;
  /** The lock screen shows the sign-in form (someone else takes the workstation) instead of the unlock form. */
  switching: boolean;
}

export const useSessionStore = create<SessionStoreState>()(() => ({
  session: null,
  readError: null,
  workspaceOwner: null,
  workspaceGeneration: 0,
  switching: false,
}));

/** Whether the signed-in user's role allows `permission`; false while locked or signed out. */
export function useCan(permission: Permission): boolean {
  return useSessionStore((s) => s.session?.state === 'signed_in' && s.session.permissions.includes(permission));
}

export function canNow(permission: Permission): boolean {
  const session = useSessionStore.getState().session;
  return session?.state === 'signed_in' && session.permissions.includes(permission);
}
