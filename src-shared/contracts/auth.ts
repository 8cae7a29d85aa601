/**
 * Signing in on this workstation (IPC). These are answered by the main process's session keeper
 * (src-main/core/auth), not by a database worker: access 'auth'.
 *
 * One workstation holds at most one session. While it is locked, every channel but these refuses
 * with `locked`, and the window shows no customer data at all. Unlocking takes the same user's
 * password; anyone else signs in afresh ("switch user"), which ends the locked session.
 */
import { z } from 'zod';
import { text } from './text';
import { channelGroup, defineChannel } from './define';
import { LOGIN_LIMITS, USER_ROLES } from './server-auth';
import { PERMISSIONS } from '../auth/permissions';

export const SESSION_STATES = ['signed_out', 'locked', 'signed_in'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export const SECRET_STORAGE_KINDS = [
  /** Electron's safeStorage backed by the operating system's keychain. */
  'os',
  /** Electron's safeStorage fell back to a hard-coded key (Linux without a keyring): warn. */
  'plaintext',
  /** The browser host keeps tokens in memory only: nothing survives a restart. */
  'memory',
] as const;
export type SecretStorageKind = (typeof SECRET_STORAGE_KINDS)[number];

export const workstationUser = z.object({
  id: text().uuid(),
  username: text(),
  displayName: text(),
  role: z.enum(USER_ROLES),
  teams: z.array(text()),
});
export type WorkstationUser = z.infer<typeof workstationUser>;

export const sessionView = z.object({
  state: z.enum(SESSION_STATES),
  /** The signed-in (or locked) user; null when signed out. */
  user: workstationUser.nullable(),
  /** What the user's role allows (empty when signed out or locked). The UI hides the rest. */
  permissions: z.array(z.enum(PERMISSIONS)),
  /** Signed in against the verifier cached on this workstation because the store was unreachable. */
  offline: z.boolean(),
  /** Idle time before the screen locks itself, in milliseconds. */
  idleLockMs: z.number().int().positive(),
  secretStorage: z.enum(SECRET_STORAGE_KINDS),
  /** A sentence to show (e.g. the OS keychain is unavailable), or null. */
  warning: text().nullable(),
  /** Whether a central store is configured (false: this workstation works alone). */
  storeConfigured: z.boolean(),
});
export type SessionView = z.infer<typeof sessionView>;

const username = text({ error: 'Enter your user name.' }).trim().min(1, 'Enter your user name.').max(LOGIN_LIMITS.usernameMax, 'That user name is too long.');
const password = text({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(LOGIN_LIMITS.passwordMax, 'That password is too long.');

export const authSession = defineChannel({
  channel: 'auth:session',
  permission: 'public',
  input: z.object({}).strict(),
  output: sessionView,
  access: 'auth',
});

/**
 * Signs in (online when the store answers, else against the cached verifier). While another user's
 * session is open or locked, that session ends first: this is "switch user".
 * Errors: `unauthenticated` (one message whether or not the name exists), `rate_limited` (slowed
 * or locked for a time, with when to try again).
 */
export const authSignIn = defineChannel({
  channel: 'auth:sign-in',
  permission: 'public',
  input: z.object({ username, password }).strict(),
  output: sessionView,
  access: 'auth',
});

export const authSignOut = defineChannel({
  channel: 'auth:sign-out',
  permission: 'session',
  input: z.object({}).strict(),
  output: sessionView,
  access: 'auth',
});

export const authLock = defineChannel({
  channel: 'auth:lock',
  permission: 'session',
  /**
   * `idle`: the window saw no activity for the idle time and asks; the main process locks only if
   * it judges the session idle too (no window active, no call open). Without it the lock is at once.
   */
  input: z.object({ idle: z.boolean().optional() }).strict(),
  output: sessionView,
  access: 'auth',
});

/** Unlocks with the locked user's own password (same throttling as signing in). */
export const authUnlock = defineChannel({
  channel: 'auth:unlock',
  /** Needs a locked session of the same user; checked by the session keeper. */
  permission: 'public',
  input: z.object({ password }).strict(),
  output: sessionView,
  access: 'auth',
});

/**
 * The window saw the person at work (a key or the pointer), at most every few seconds. The main
 * process locks the session itself when none arrives for `idleLockMs`: a window that stops
 * reporting cannot keep a session open.
 */
export const authActivity = defineChannel({
  channel: 'auth:activity',
  permission: 'session',
  input: z.object({}).strict(),
  output: z.object({ lockAt: z.number().int() }),
  access: 'auth',
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const authChannels = channelGroup(authSession, authSignIn, authSignOut, authLock, authUnlock, authActivity);
