/**
 * Workstations (issue 5): a shared workstation is known by its cache's client id. Signing in
 * online on it registers it (or recognises it) and issues a new workstation token, which carries
 * its sync traffic — push, pull, pokes, checksums — whoever is signed in, also while nobody is.
 * The store keeps only the token's SHA-256, as for sessions; a new sign-in rotates it.
 */
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { WorkstationInfo } from '../../../src-shared/contracts/admin';
import type { WorkstationRef } from '../../../src-shared/contracts/server-auth';
import type { StoreDb } from '../db/connect';
import { users, workstations } from '../db/schema';
import { hashToken } from './sessions';

export interface KnownWorkstation {
  id: string;
  name: string;
  /** Who last signed in online on it (the author of pushed entries that name nobody). */
  lastUserId: string | null;
  registeredBy: string;
}

/** Registers the workstation or renames it, records who signed in, and returns its new token. */
export async function issueWorkstationToken(db: StoreDb, workstation: WorkstationRef, userId: string, now: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const tokenHash = hashToken(token);
  await db
    .insert(workstations)
    .values({ id: workstation.id, name: workstation.name, tokenHash, registeredAt: now, registeredBy: userId, lastSeenAt: now, lastUserId: userId })
    .onConflictDoUpdate({ target: workstations.id, set: { name: workstation.name, tokenHash, lastSeenAt: now, lastUserId: userId } });
  return token;
}

/** The workstation this token is the current token of, if any. */
export async function findWorkstationByToken(db: StoreDb, token: string): Promise<KnownWorkstation | undefined> {
  const [row] = await db
    .select({ id: workstations.id, name: workstations.name, lastUserId: workstations.lastUserId, registeredBy: workstations.registeredBy })
    .from(workstations)
    .where(eq(workstations.tokenHash, hashToken(token)))
    .limit(1);
  return row;
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

export async function listWorkstations(db: StoreDb): Promise<WorkstationInfo[]> {
  return db
    .select({
      id: workstations.id,
      name: workstations.name,
      registeredAt: workstations.registeredAt,
      lastSeenAt: workstations.lastSeenAt,
      lastSyncAt: workstations.lastSyncAt,
      lastUsername: users.username,
    })
    .from(workstations)
    .leftJoin(users, eq(users.id, workstations.lastUserId))
    .orderBy(workstations.name, workstations.id);
}
