/** The users repository: who may sign in to the central store, with which role. */
import { eq } from 'drizzle-orm';
import type { SessionUser, UserRole } from '../../../src-shared/contracts/server-auth';
import type { StoreDb } from '../db/connect';
import { users } from '../db/schema';
import { hashPassword, type ScryptParams } from './password';

export interface NewUser {
  username: string;
  displayName: string;
  role: UserRole;
  password: string;
  active?: boolean;
}

export interface UserRecord extends SessionUser {
  passwordHash: string;
  active: boolean;
}

/** User names compare trimmed and lower-cased: "CSR " and "csr" are one user. */
export const normalizeUsername = (username: string): string => username.trim().toLowerCase();

export async function createUser(db: StoreDb, user: NewUser, scrypt?: ScryptParams): Promise<SessionUser> {
  const passwordHash = await hashPassword(user.password, scrypt);
  const [row] = await db
    .insert(users)
    .values({ username: normalizeUsername(user.username), displayName: user.displayName, role: user.role, passwordHash, active: user.active ?? true })
    .returning({ id: users.id, username: users.username, displayName: users.displayName, role: users.role });
  if (!row) throw new Error('Creating the user returned no row.');
  return row;
}

export async function findUserByUsername(db: StoreDb, username: string): Promise<UserRecord | undefined> {
  const [row] = await db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      passwordHash: users.passwordHash,
      active: users.active,
    })
    .from(users)
    .where(eq(users.username, normalizeUsername(username)))
    .limit(1);
  return row;
}

export async function countUsers(db: StoreDb): Promise<number> {
  const rows = await db.select({ id: users.id }).from(users).limit(1);
  return rows.length;
}

/** The demo accounts `npm run server` creates on an empty store (their passwords are in the README). */
export const DEMO_USERS: readonly NewUser[] = [
  { username: 'admin', displayName: 'Demo Admin', role: 'admin', password: 'admin-demo' },
  { username: 'csr', displayName: 'Demo CSR', role: 'csr', password: 'csr-demo' },
];

/** Creates the demo users when the store has no user at all; returns the ones it created. */
export async function seedDemoUsers(db: StoreDb): Promise<SessionUser[]> {
  if ((await countUsers(db)) > 0) return [];
  const created: SessionUser[] = [];
  for (const user of DEMO_USERS) created.push(await createUser(db, user));
  return created;
}
