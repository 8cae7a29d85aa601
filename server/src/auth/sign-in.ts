/**
 * Signing in and out of the central store (issues 4 and 5): the password check, throttling and
 * lockout, the workstation's registration and token, the session, and the audit entries each
 * step writes. The routes (routes.ts) only translate.
 */
import type { LoginRequest, LoginResponse } from '../../../src-shared/contracts/server-auth';
import { recordAudit } from '../audit/audit';
import type { StoreDb } from '../db/connect';
import { HttpError } from '../http/errors';
import { hashForUnknownUser, verifyPassword } from './password';
import { createSession, revokeSession, type ActiveSession } from './sessions';
import { userKey, workstationKey, type SignInThrottle } from './throttle';
import { findUserByUsername, normalizeUsername, teamNamesOf } from './users';
import { issueWorkstationToken, workstationName, type IssuedWorkstationToken } from './workstations';

/** One message for an unknown user, an inactive one and a wrong password: no user enumeration. */
export const WRONG_CREDENTIALS = 'Wrong user name or password.';

export interface SignInDeps {
  db: StoreDb;
  clock: () => number;
  throttle: SignInThrottle;
  sessionTtlMs: number;
  /** New workstation ids one user may register in a window (default NEW_WORKSTATION_LIMIT). */
  newWorkstationLimit?: { count: number; windowMs: number } | undefined;
}

export async function signIn(deps: SignInDeps, request: LoginRequest): Promise<LoginResponse> {
  const { db, throttle } = deps;
  const username = normalizeUsername(request.username);
  const workstation = request.workstation;
  const keys = [userKey(username), ...(workstation ? [workstationKey(workstation.id)] : [])];
  const where = { workstationId: workstation?.id ?? null, workstationName: workstation?.name ?? null };
  // Before any password work: the same answer whether or not the name exists. The check and the
  // count are one step (issue 18, item 5): this attempt counts as a failure until it succeeds.
  const admission = await throttle.admit(keys, deps.clock());

  const user = await findUserByUsername(db, username);
  // Always run scrypt, even for an unknown name, so the answer takes the same time either way.
  const matches = await verifyPassword(request.password, user?.passwordHash ?? (await hashForUnknownUser()));
  const now = deps.clock();
  if (!user || !user.active || !matches) {
    const locks = admission.locksStarted;
    const why = !user ? 'no user has this name' : !user.active ? 'the user is disabled' : 'wrong password';
    await recordAudit(db, { at: now, action: 'sign_in_failed', userId: user?.id ?? null, username, ...where, subject: username, detail: `Sign-in failed: ${why}.` });
    const minutes = Math.round(throttle.limits.lockMs / 60_000);
    for (const lock of locks) {
      const ofUser = lock.key === userKey(username);
      await recordAudit(db, {
        at: now,
        action: 'lockout',
        userId: user?.id ?? null,
        username,
        ...where,
        subject: ofUser ? username : (workstation?.id ?? null),
        detail: `Sign-in locked for ${ofUser ? `the user name “${username}”` : `the workstation ${workstation?.name ?? ''}`.trimEnd()} for ${minutes} minutes after ${throttle.limits.lockAfter} failures, until ${new Date(lock.lockedUntil).toISOString()}.`,
      });
    }
    throw new HttpError('unauthenticated', WRONG_CREDENTIALS);
  }

  await throttle.succeed(username, workstation?.id, admission);
  // Registered first: the session refers to the workstation it was opened on. After the password
  // check, so nobody learns without one whether an id is taken.
  let issued: IssuedWorkstationToken | undefined;
  if (workstation) {
    try {
      issued = await issueWorkstationToken(db, { workstation, proofs: [request.workstationToken, request.workstationNextToken], user, now, ...(deps.newWorkstationLimit ? { limit: deps.newWorkstationLimit } : {}) });
    } catch (e) {
      if (e instanceof HttpError) {
        await recordAudit(db, { at: now, action: 'sign_in_failed', userId: user.id, username, ...where, subject: username, detail: `Sign-in refused on this workstation: ${e.message}` });
      }
      throw e;
    }
    if (issued.how !== 'renewed') {
      await recordAudit(db, {
        at: now,
        action: 'workstation_registered',
        userId: user.id,
        username: user.username,
        ...where,
        subject: workstation.id,
        detail: issued.how === 'registered' ? `Registered the new workstation ${workstation.name}.` : `Registered the workstation ${workstation.name} again (an administrator's sign-in; its earlier token no longer works).`,
      });
    }
  }
  const session = await createSession(db, user.id, now, deps.sessionTtlMs, workstation?.id);
  await recordAudit(db, {
    at: now,
    action: 'sign_in',
    userId: user.id,
    username: user.username,
    ...where,
    subject: user.username,
    detail: workstation ? `Signed in on ${workstation.name}.` : 'Signed in.',
  });
  return {
    token: session.token,
    expiresAt: session.expiresAt,
    user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role },
    teams: await teamNamesOf(db, user.id),
    ...(issued === undefined ? {} : { workstationToken: issued.token, workstationTokenExpiresInMs: issued.expiresAt - now }),
  };
}

export async function signOut(deps: Pick<SignInDeps, 'db' | 'clock'>, session: ActiveSession): Promise<void> {
  const now = deps.clock();
  await revokeSession(deps.db, session.sessionId, now);
  await recordAudit(deps.db, {
    at: now,
    action: 'sign_out',
    userId: session.user.id,
    username: session.user.username,
    workstationId: session.workstationId,
    workstationName: await workstationName(deps.db, session.workstationId),
    subject: session.user.username,
    detail: 'Signed out.',
  });
}
