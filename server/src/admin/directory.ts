/**
 * The users, teams and memberships administrators see and change (issue 5): reads build the
 * AdminUser shape; writes take the transaction they run in, so a change and its audit entries
 * commit together.
 */
import { and, asc, eq, inArray, max, sql } from 'drizzle-orm';
import type { AdminUser, Team } from '../../../src-shared/contracts/admin';
import type { UserRole } from '../../../src-shared/contracts/server-auth';
import type { SignInThrottle } from '../auth/throttle';
import type { StoreDb } from '../db/connect';
import { sessions, teams, users, userTeams } from '../db/schema';
import type { StoreTx } from '../sync/mutations/refusal';

export async function listTeams(db: StoreDb | StoreTx): Promise<Team[]> {
  return db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(asc(teams.name));
}

/** The users (all, or those with the given ids) as administrators see them, by user name. */
export async function readAdminUsers(db: StoreDb, throttle: SignInThrottle, now: number, ids?: readonly string[]): Promise<AdminUser[]> {
  if (ids && ids.length === 0) return [];
  const rows = await db
    .select({ id: users.id, username: users.username, displayName: users.displayName, role: users.role, active: users.active })
    .from(users)
    .where(ids ? inArray(users.id, [...ids]) : undefined)
    .orderBy(asc(users.username));
  const userIds = rows.map((r) => r.id);
  if (userIds.length === 0) return [];
  const memberships = await db
    .select({ userId: userTeams.userId, id: teams.id, name: teams.name })
    .from(userTeams)
    .innerJoin(teams, eq(teams.id, userTeams.teamId))
    .where(inArray(userTeams.userId, userIds))
    .orderBy(asc(teams.name));
  // A session is made only by an online sign-in: the newest one is the last sign-in.
  const signIns = await db
    .select({ userId: sessions.userId, at: max(sessions.createdAt) })
    .from(sessions)
    .where(inArray(sessions.userId, userIds))
    .groupBy(sessions.userId);
  const lastSignIn = new Map(signIns.map((s) => [s.userId, s.at === null ? null : Number(s.at)]));
  const locked = await throttle.lockedUsers(
    rows.map((r) => r.username),
    now,
  );
  return rows.map((row) => ({
    ...row,
    teams: memberships.filter((m) => m.userId === row.id).map(({ id, name }) => ({ id, name })),
    lastSignInAt: lastSignIn.get(row.id) ?? null,
    lockedUntil: locked.get(row.username) ?? null,
  }));
}

export async function readAdminUser(db: StoreDb, throttle: SignInThrottle, now: number, id: string): Promise<AdminUser> {
  const [user] = await readAdminUsers(db, throttle, now, [id]);
  if (!user) throw new Error(`user ${id} vanished`);
  return user;
}

/** The team ids among `ids` that do not exist. */
export async function missingTeams(db: StoreDb | StoreTx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = new Set((await db.select({ id: teams.id }).from(teams).where(inArray(teams.id, [...ids]))).map((t) => t.id));
  return ids.filter((id) => !found.has(id));
}

/** Replaces the user's teams; returns the team names before and after. */
export async function setUserTeams(tx: StoreTx, userId: string, teamIds: readonly string[]): Promise<{ before: string[]; after: string[] }> {
  const names = async () =>
    (
      await tx
        .select({ name: teams.name })
        .from(userTeams)
        .innerJoin(teams, eq(teams.id, userTeams.teamId))
        .where(eq(userTeams.userId, userId))
        .orderBy(asc(teams.name))
    ).map((t) => t.name);
  const before = await names();
  await tx.delete(userTeams).where(eq(userTeams.userId, userId));
  if (teamIds.length > 0) await tx.insert(userTeams).values([...new Set(teamIds)].map((teamId) => ({ userId, teamId })));
  return { before, after: await names() };
}

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  role: UserRole;
  active: boolean;
}

/** The user row, locked for the change that follows. */
export async function lockUser(tx: StoreTx, userId: string): Promise<UserRow | undefined> {
  const [row] = await tx
    .select({ id: users.id, username: users.username, displayName: users.displayName, role: users.role, active: users.active })
    .from(users)
    .where(eq(users.id, userId))
    .for('update');
  return row;
}

export async function usernameTaken(db: StoreDb | StoreTx, username: string): Promise<boolean> {
  const rows = await db.select({ id: users.id }).from(users).where(eq(users.username, username)).limit(1);
  return rows.length > 0;
}

export async function teamNameTaken(db: StoreDb | StoreTx, name: string): Promise<boolean> {
  const rows = await db
    .select({ id: teams.id })
    .from(teams)
    .where(and(sql`lower(${teams.name}) = lower(${name})`))
    .limit(1);
  return rows.length > 0;
}

/** True for PostgreSQL's unique-violation (23505), however the driver wraps it. */
export function isUniqueViolation(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++) {
    if ((cur as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
