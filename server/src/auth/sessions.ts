/**
 * Sessions: a bearer token is 32 random bytes (base64url) handed to the client once; the store
 * keeps only its SHA-256, so a leaked database holds no usable token. Sessions expire and can be
 * revoked; an inactive user's sessions stop working at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNotNull, isNull, lte, or } from 'drizzle-orm';
import type { SessionUser } from '../../../src-shared/contracts/server-auth';
import type { StoreDb } from '../db/connect';
import { sessions, users } from '../db/schema';
import type { StoreTx } from '../sync/mutations/refusal';

export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export interface IssuedSession {
  token: string;
  expiresAt: number;
}

/** `workstationId`: the workstation signed in on, when the sign-in named one (registered first). */
export async function createSession(db: StoreDb, userId: string, now: number, ttlMs: number, workstationId?: string): Promise<IssuedSession> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = now + ttlMs;
  await db.insert(sessions).values({ tokenHash: hashToken(token), userId, createdAt: now, expiresAt, workstationId: workstationId ?? null });
  return { token, expiresAt };
}

export interface ActiveSession {
  sessionId: string;
  expiresAt: number;
  user: SessionUser;
  /** The workstation the session was opened on, or null. */
  workstationId: string | null;
}

/** The session this token opens, if it exists, is neither expired nor revoked, and its user is active. */
export async function findActiveSession(db: StoreDb, token: string, now: number): Promise<ActiveSession | undefined> {
  const [row] = await db
    .select({
      sessionId: sessions.id,
      expiresAt: sessions.expiresAt,
      workstationId: sessions.workstationId,
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, hashToken(token)), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), eq(users.active, true)))
    .limit(1);
  if (!row) return undefined;
  const { sessionId, expiresAt, workstationId, ...user } = row;
  return { sessionId, expiresAt, user, workstationId };
}

export async function revokeSession(db: StoreDb, sessionId: string, now: number): Promise<void> {
  await db.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Ends every open session of the user at once (disabled, or the password was reset). */
export async function revokeUserSessions(db: StoreDb | StoreTx, userId: string, now: number): Promise<number> {
  const revoked = await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .returning({ id: sessions.id });
  return revoked.length;
}

/**
 * Deletes the sessions that can never open again: expired, or revoked (signed out, the user
 * disabled or their password reset). Without this every sign-in left a row behind for good
 * (issue 18, item 20). Nothing refers to a session row; the audit log keeps its own record.
 */
export async function sweepSessions(db: StoreDb, now: number): Promise<number> {
  const swept = await db
    .delete(sessions)
    .where(or(lte(sessions.expiresAt, now), isNotNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return swept.length;
}

/** How often the store sweeps dead sessions (and once at start). */
export const SESSION_SWEEP_MS = 60 * 60 * 1000;
