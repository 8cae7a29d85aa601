/**
 * Who has signed in online on which workstation (issue 18, items 1 and 10). A workstation token
 * speaks for the machine, not for a person: the store can only tell that one of the people who
 * signed in on it saved an entry. So whatever a workstation sends in someone's name — a pushed
 * entry's author, an offline sign-in it reports — is credited to that person only when the store
 * has seen them sign in online there. An offline sign-in needs the verifier an online sign-in on
 * the same workstation cached, so a genuine workstation never names anyone else.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { UserRole } from '../../../src-shared/contracts/server-auth';
import type { StoreDb } from '../db/connect';
import { users, workstationUsers } from '../db/schema';
import type { StoreTx } from '../sync/mutations/refusal';

/** Records an online sign-in of `userId` on the workstation (which is registered already). */
export async function recordWorkstationSignIn(db: StoreDb | StoreTx, workstationId: string, userId: string, now: number): Promise<void> {
  await db
    .insert(workstationUsers)
    .values({ workstationId, userId, firstSignedInAt: now, lastSignedInAt: now })
    .onConflictDoUpdate({
      target: [workstationUsers.workstationId, workstationUsers.userId],
      set: { lastSignedInAt: sql`greatest(${workstationUsers.lastSignedInAt}, excluded.last_signed_in_at)` },
    });
}

export interface StoreUser {
  id: string;
  username: string;
  role: UserRole;
  active: boolean;
  /** Whether the user has ever signed in online on the workstation asked about. */
  signedInThere: boolean;
}

/** The users with these ids the store knows, each with whether they have signed in on the workstation. */
export async function usersByIdOn(db: StoreDb, workstationId: string, ids: readonly string[]): Promise<Map<string, StoreUser>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, username: users.username, role: users.role, active: users.active, seen: workstationUsers.userId })
    .from(users)
    .leftJoin(workstationUsers, and(eq(workstationUsers.userId, users.id), eq(workstationUsers.workstationId, workstationId)))
    .where(inArray(users.id, unique));
  return new Map(rows.map(({ seen, ...user }) => [user.id, { ...user, signedInThere: seen !== null }]));
}

/** Of these user names, the users who have signed in online on the workstation: name → id. */
export async function usersSignedInOn(db: StoreDb, workstationId: string, usernames: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(usernames)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, username: users.username })
    .from(users)
    .innerJoin(workstationUsers, and(eq(workstationUsers.userId, users.id), eq(workstationUsers.workstationId, workstationId)))
    .where(inArray(users.username, unique));
  return new Map(rows.map((u) => [u.username, u.id]));
}
