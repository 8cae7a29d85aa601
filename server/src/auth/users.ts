/** The users repository: who may sign in to the central store, with which role. */
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { SessionUser, UserRole } from '../../../src-shared/contracts/server-auth';
import type { StoreDb } from '../db/connect';
import { teams, users, userTeams } from '../db/schema';
import { hashPassword, type ScryptParams } from './password';

export interface NewUser {
  username: string;
  displayName: string;
  role: UserRole;
  password: string;
  active?: boolean;
  /** Names of the teams the user belongs to (made when missing). */
  teams?: readonly string[];
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
  if (user.teams && user.teams.length > 0) {
    const ids = await ensureTeams(db, user.teams);
    await db.insert(userTeams).values(ids.map((teamId) => ({ userId: row.id, teamId }))).onConflictDoNothing();
  }
  return row;
}

/** The ids of the named teams, making the ones that do not exist yet. */
export async function ensureTeams(db: StoreDb, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  // Team names are unique whatever their case (the index is on lower(name)): "phones" finds "Phones".
  await db
    .insert(teams)
    .values(names.map((name) => ({ name })))
    .onConflictDoNothing();
  const rows = await db
    .select({ id: teams.id })
    .from(teams)
    .where(inArray(sql`lower(${teams.name})`, names.map((n) => n.toLowerCase())));
  return rows.map((r) => r.id);
}

/** Names of the teams the user belongs to, alphabetically. */
export async function teamNamesOf(db: StoreDb, userId: string): Promise<string[]> {
  const rows = await db
    .select({ name: teams.name })
    .from(userTeams)
    .innerJoin(teams, eq(teams.id, userTeams.teamId))
    .where(eq(userTeams.userId, userId))
    .orderBy(asc(teams.name));
  return rows.map((r) => r.name);
}

export async function findUserById(db: StoreDb, userId: string): Promise<UserRecord | undefined> {
  const [row] = await db
    .select(USER_RECORD)
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row;
}

/** The columns a UserRecord is read from. */
const USER_RECORD = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  passwordHash: users.passwordHash,
  active: users.active,
};

export async function findUserByUsername(db: StoreDb, username: string): Promise<UserRecord | undefined> {
  const [row] = await db
    .select(USER_RECORD)
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
  { username: 'csr', displayName: 'Demo CSR', role: 'csr', password: 'csr-demo', teams: ['Phones'] },
  { username: 'supervisor', displayName: 'Demo Supervisor', role: 'supervisor', password: 'supervisor-demo', teams: ['Phones'] },
  { username: 'associate', displayName: 'Demo Store Associate', role: 'store_associate', password: 'associate-demo', teams: ['Counter'] },
];

/** Creates the demo users when the store has no user at all; returns the ones it created. */
export async function seedDemoUsers(db: StoreDb): Promise<SessionUser[]> {
  if ((await countUsers(db)) > 0) return [];
  const created: SessionUser[] = [];
  for (const user of DEMO_USERS) created.push(await createUser(db, user));
  return created;
}
