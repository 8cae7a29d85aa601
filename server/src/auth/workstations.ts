/**
 * Workstations (issues 5 and 18): a shared workstation is known by its cache's client id. Signing
 * in online on it registers it (or recognises it) and issues a new workstation token, which carries
 * its sync traffic — push, pull, pokes, checksums — whoever is signed in, also while nobody is.
 * The store keeps only the token's SHA-256, as for sessions.
 *
 * A workstation token (issue 18)
 * - expires (WORKSTATION_TOKEN_TTL_MS): the workstation's sync engine swaps it well before for
 *   one the workstation made and kept beforehand (POST /workstation/token with the new one's hash),
 *   so a renewal is idempotent: asked again after a lost answer or a crash, it names the same new
 *   token, and the workstation holds whichever of the two the store ended up with. The one it
 *   replaces keeps working for a short grace (TOKEN_ROTATION_GRACE_MS: requests in flight);
 * - is bound to the workstation that registered the id: signing in on an existing id needs that
 *   workstation's token as proof (its current one, even expired, the one it just replaced, or the
 *   one it made for its renewal), or an admin signing in (a reinstalled or revoked workstation is
 *   registered again that way);
 * - is revocable by admins: no token of a revoked workstation works until an admin signs in on it;
 * - works only while one of the users seen signing in on the workstation is active: checked on
 *   every request, so disabling them all stops it at once.
 *
 * A new workstation id may be registered by any user's online sign-in (a new counter PC must not
 * wait for an admin), but at most NEW_WORKSTATION_LIMIT.count per user in NEW_WORKSTATION_LIMIT.windowMs
 * (admins exempt), and it is audited: an account cannot mint tokens without bound, and an
 * invented id is bound from then on like any other.
 */
import { randomBytes } from 'node:crypto';
import { and, count, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { can } from '../../../src-shared/auth/permissions';
import type { WorkstationInfo } from '../../../src-shared/contracts/admin';
import type { UserRole, WorkstationRef } from '../../../src-shared/contracts/server-auth';
import type { StoreDb } from '../db/connect';
import { users, workstations, workstationUsers } from '../db/schema';
import { HttpError } from '../http/errors';
import type { StoreTx } from '../sync/mutations/refusal';
import { hashToken } from './sessions';
import { recordWorkstationSignIn } from './workstation-users';

export const WORKSTATION_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a token stays good after it was rotated (a lost answer, a request still in flight). */
export const TOKEN_ROTATION_GRACE_MS = 5 * 60 * 1000;
/** New workstation ids one (non-admin) user may register in a window. */
export const NEW_WORKSTATION_LIMIT = { count: 5, windowMs: 24 * 60 * 60 * 1000 } as const;

export interface KnownWorkstation {
  id: string;
  name: string;
  /** Who last signed in online on it (the author of pushed entries that name nobody). */
  lastUserId: string | null;
  registeredBy: string;
}

export interface IssuedWorkstationToken {
  token: string;
  expiresAt: number;
  /** 'registered': a new id; 'renewed': the workstation proved itself; 'reclaimed': an admin registered it again. */
  how: 'registered' | 'renewed' | 'reclaimed';
}

export interface WorkstationSignIn {
  workstation: WorkstationRef;
  /**
   * The tokens the workstation holds (its current one and the one it made for its next renewal),
   * as proof that it is the one that registered this id.
   */
  proofs: readonly (string | undefined)[];
  user: { id: string; role: UserRole };
  now: number;
  limit?: { count: number; windowMs: number };
}

const newToken = () => randomBytes(32).toString('base64url');

/**
 * Registers the workstation, or renews the token of one that proves it holds its token, or (an
 * admin) registers an existing one again; records the user as seen on it (workstation-users.ts). Refuses (403) an
 * existing id without proof, and (429) a user's new id over the limit.
 */
export async function issueWorkstationToken(db: StoreDb, signIn: WorkstationSignIn): Promise<IssuedWorkstationToken> {
  const { workstation, proofs, user, now } = signIn;
  const limit = signIn.limit ?? NEW_WORKSTATION_LIMIT;
  return db.transaction(async (tx) => {
    const token = newToken();
    const tokenHash = hashToken(token);
    const expiresAt = now + WORKSTATION_TOKEN_TTL_MS;
    const [existing] = await tx
      .select({ tokenHash: workstations.tokenHash, previousTokenHash: workstations.previousTokenHash, previousTokenExpiresAt: workstations.previousTokenExpiresAt, revokedAt: workstations.revokedAt })
      .from(workstations)
      .where(eq(workstations.id, workstation.id))
      .for('update');
    let how: IssuedWorkstationToken['how'];
    if (!existing) {
      if (!can(user.role, 'workstations.manage')) {
        const [made] = await tx
          .select({ n: count() })
          .from(workstations)
          .where(and(eq(workstations.registeredBy, user.id), gt(workstations.registeredAt, now - limit.windowMs)));
        if ((made?.n ?? 0) >= limit.count) {
          throw new HttpError('rate_limited', `This account has registered ${limit.count} new workstations in the last ${Math.round(limit.windowMs / 3_600_000)} hours: ask an administrator to sign in on this one.`);
        }
      }
      await tx.insert(workstations).values({ id: workstation.id, name: workstation.name, tokenHash, tokenExpiresAt: expiresAt, registeredAt: now, registeredBy: user.id, lastSeenAt: now, lastUserId: user.id });
      how = 'registered';
    } else {
      const proofHashes = proofs.filter((p) => p !== undefined).map(hashToken);
      const provenByCurrent = existing.revokedAt === null && proofHashes.includes(existing.tokenHash);
      const provenByPrevious =
        !provenByCurrent && existing.revokedAt === null && existing.previousTokenHash !== null && proofHashes.includes(existing.previousTokenHash) && (existing.previousTokenExpiresAt ?? 0) > now;
      const proven = provenByCurrent || provenByPrevious;
      if (!proven && !can(user.role, 'workstations.manage')) {
        throw new HttpError(
          'forbidden',
          existing.revokedAt === null
            ? 'The central store knows this workstation’s id from another sign-in, and this workstation could not prove it is that one: an administrator must sign in on it once to register it again.'
            : 'An administrator revoked this workstation: an administrator must sign in on it once to register it again.',
        );
      }
      how = proven ? 'renewed' : 'reclaimed';
      await tx
        .update(workstations)
        .set({
          name: workstation.name,
          tokenHash,
          tokenExpiresAt: expiresAt,
          // Renewed with the current token: that one keeps a grace (a lost answer, requests in flight).
          // Renewed with the one before (the workstation never got the current one: a lost answer,
          // a process killed before it kept it): that one stays the one with the grace, unextended.
          // Reclaimed by an admin: whoever held a token is cut off at once.
          ...(provenByPrevious ? {} : { previousTokenHash: provenByCurrent ? existing.tokenHash : null, previousTokenExpiresAt: provenByCurrent ? now + TOKEN_ROTATION_GRACE_MS : null }),
          revokedAt: null,
          revokedBy: null,
          lastSeenAt: now,
          lastUserId: user.id,
        })
        .where(eq(workstations.id, workstation.id));
    }
    // In the same transaction: a token is never out without its user seen on the workstation (a
    // workstation none of whose users is active gets no sync), and only users seen signing in here
    // may author its pushes or be named in its offline reports.
    await recordWorkstationSignIn(tx, workstation.id, user.id, now);
    return { token, expiresAt, how };
  });
}

export type Renewal = { expiresAt: number } | 'refused' | 'replaced';

/**
 * Renews the token a workstation presents with the one it made, known here by `nextTokenHash`
 * (issue 18). Idempotent: when that one is current already (the same renewal asked again after a
 * lost answer, with the replaced token in its grace or with the new one itself) the answer is the
 * same and nothing changes. Otherwise the presented token must be the current one: it keeps a
 * short grace, and the new one works for WORKSTATION_TOKEN_TTL_MS. 'refused': the presented token
 * no longer works (401). 'replaced': it is the previous one and a sign-in has put another current
 * since (409; the workstation has that one).
 */
export async function renewWorkstationToken(db: StoreDb, workstationId: string, presented: string, nextTokenHash: string, now: number): Promise<Renewal> {
  const presentedHash = hashToken(presented);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ tokenHash: workstations.tokenHash, tokenExpiresAt: workstations.tokenExpiresAt })
      .from(workstations)
      .where(and(eq(workstations.id, workstationId), usableBy(presentedHash, now)))
      .for('update');
    if (!row) return 'refused';
    if (row.tokenHash === nextTokenHash) return { expiresAt: row.tokenExpiresAt };
    if (row.tokenHash !== presentedHash) return 'replaced';
    const expiresAt = now + WORKSTATION_TOKEN_TTL_MS;
    await tx
      .update(workstations)
      .set({ tokenHash: nextTokenHash, tokenExpiresAt: expiresAt, previousTokenHash: presentedHash, previousTokenExpiresAt: now + TOKEN_ROTATION_GRACE_MS })
      .where(eq(workstations.id, workstationId));
    return { expiresAt };
  });
}

/** The token hash opens the workstation now: not revoked, the token current and unexpired or in its grace, and a user of it still active. */
function usableBy(tokenHash: string, now: number) {
  return and(
    isNull(workstations.revokedAt),
    or(
      and(eq(workstations.tokenHash, tokenHash), gt(workstations.tokenExpiresAt, now)),
      and(eq(workstations.previousTokenHash, tokenHash), gt(workstations.previousTokenExpiresAt, now)),
    ),
    sql`exists (select 1 from ${workstationUsers} inner join ${users} on ${users.id} = ${workstationUsers.userId} where ${workstationUsers.workstationId} = ${workstations.id} and ${users.active})`,
  );
}

/** The workstation this token opens now (see usableBy), if any: checked on every request. */
export async function findWorkstationByToken(db: StoreDb, token: string, now: number): Promise<KnownWorkstation | undefined> {
  const [row] = await db
    .select({ id: workstations.id, name: workstations.name, lastUserId: workstations.lastUserId, registeredBy: workstations.registeredBy })
    .from(workstations)
    .where(usableBy(hashToken(token), now))
    .limit(1);
  return row;
}

/** An admin revokes the workstation: none of its tokens works from now on. False when there is no such workstation. */
export async function revokeWorkstation(tx: StoreTx, workstationId: string, adminId: string, now: number): Promise<{ name: string; alreadyRevoked: boolean } | undefined> {
  const [row] = await tx.select({ name: workstations.name, revokedAt: workstations.revokedAt }).from(workstations).where(eq(workstations.id, workstationId)).for('update');
  if (!row) return undefined;
  if (row.revokedAt === null) {
    await tx.update(workstations).set({ revokedAt: now, revokedBy: adminId, previousTokenHash: null, previousTokenExpiresAt: null }).where(eq(workstations.id, workstationId));
  }
  return { name: row.name, alreadyRevoked: row.revokedAt !== null };
}

/**
 * `last_seen_at`, written at most once per SEEN_EVERY_MS per workstation by this process: a pull
 * every few hundred milliseconds during a first sync must not become a write each time.
 */
export class WorkstationSightings {
  static readonly SEEN_EVERY_MS = 5_000;
  private readonly written = new Map<string, number>();

  constructor(private readonly db: StoreDb) {}

  async seen(workstationId: string, now: number): Promise<void> {
    const last = this.written.get(workstationId);
    if (last !== undefined && now - last < WorkstationSightings.SEEN_EVERY_MS && now >= last) return;
    this.written.set(workstationId, now);
    await this.db
      .update(workstations)
      .set({ lastSeenAt: sql`greatest(coalesce(${workstations.lastSeenAt}, 0), ${now})` })
      .where(eq(workstations.id, workstationId));
  }
}

/** The workstation's name, for audit entries about what a session on it did. */
export async function workstationName(db: StoreDb, id: string | null): Promise<string | null> {
  if (id === null) return null;
  const [row] = await db.select({ name: workstations.name }).from(workstations).where(eq(workstations.id, id)).limit(1);
  return row?.name ?? null;
}

/** A pull answer reached the end: the workstation is caught up as of `now`. */
export async function markWorkstationSynced(db: StoreDb, workstationId: string, now: number): Promise<void> {
  await db.update(workstations).set({ lastSyncAt: now, lastSeenAt: now }).where(eq(workstations.id, workstationId));
}

export async function listWorkstations(db: StoreDb, ids?: readonly string[]): Promise<WorkstationInfo[]> {
  const rows = await db
    .select({
      id: workstations.id,
      name: workstations.name,
      registeredAt: workstations.registeredAt,
      lastSeenAt: workstations.lastSeenAt,
      lastSyncAt: workstations.lastSyncAt,
      lastUsername: users.username,
      tokenExpiresAt: workstations.tokenExpiresAt,
      revokedAt: workstations.revokedAt,
    })
    .from(workstations)
    .leftJoin(users, eq(users.id, workstations.lastUserId))
    .where(ids ? inArray(workstations.id, [...ids]) : undefined)
    .orderBy(workstations.name, workstations.id);
  const seen = await db
    .select({ workstationId: workstationUsers.workstationId, username: users.username, active: users.active })
    .from(workstationUsers)
    .innerJoin(users, eq(users.id, workstationUsers.userId))
    .where(ids ? inArray(workstationUsers.workstationId, [...ids]) : undefined)
    .orderBy(users.username);
  return rows.map((row) => {
    const usersSeen = seen.filter((u) => u.workstationId === row.id);
    return {
      ...row,
      usersSeen: usersSeen.map((u) => ({ username: u.username, active: u.active })),
      // Not revoked, but every user seen on it is disabled: its token is refused.
      allUsersDisabled: usersSeen.every((u) => !u.active),
    };
  });
}
