/**
 * The workstation's users table (local_users) and the queue of sign-in events waiting for the
 * store's audit log (pending_audit). Runs in the writer worker: the main process asks it through
 * the worker's `users` messages (see worker/protocol.ts).
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { USER_ROLES, type UserRole } from '../../../src-shared/contracts/server-auth';
import type { WorkstationUser } from '../../../src-shared/contracts/auth';
import type { ThrottleRecord } from './throttle';

export interface LocalUser extends WorkstationUser {
  verifier: string;
  lastOnlineAt: number | null;
}

export interface QueuedAuditEvent {
  id: string;
  action: 'sign_in_offline' | 'sign_in_failed' | 'sign_out' | 'lockout';
  username: string;
  at: number;
  detail: string;
}

export type UsersOp =
  | { op: 'find'; username: string }
  | { op: 'count' }
  | { op: 'save'; user: LocalUser }
  | { op: 'forget'; username: string }
  /** The store changed the user's name or role: an offline sign-in later gets the new one. */
  | { op: 'update-profile'; id: string; username: string; displayName: string; role: UserRole }
  | { op: 'queue-audit'; event: Omit<QueuedAuditEvent, 'id'> }
  /** This cache's client id: the workstation's id on the store. */
  | { op: 'client-id' }
  /** The sign-in throttle as an earlier run left it. */
  | { op: 'throttle-load' }
  | { op: 'throttle-save'; key: string; record: ThrottleRecord | null };

function parseTimes(text: string): number[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((t): t is number => Number.isSafeInteger(t)) : [];
  } catch {
    return [];
  }
}

interface Row {
  id: string;
  username: string;
  displayName: string;
  role: string;
  teams: string;
  verifier: string;
  lastOnlineAt: number | null;
}

function toUser(row: Row): LocalUser | null {
  if (!(USER_ROLES as readonly string[]).includes(row.role)) return null;
  let teams: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.teams);
    if (Array.isArray(parsed)) teams = parsed.filter((t): t is string => typeof t === 'string');
  } catch {
    // A damaged list reads as no teams; the next online sign-in rewrites it.
  }
  return { id: row.id, username: row.username, displayName: row.displayName, role: row.role as UserRole, teams, verifier: row.verifier, lastOnlineAt: row.lastOnlineAt };
}

export class LocalUsers {
  private readonly findStmt: Database.Statement;
  private readonly countStmt: Database.Statement;
  private readonly saveStmt: Database.Statement;
  private readonly forgetStmt: Database.Statement;
  private readonly queueStmt: Database.Statement;

  constructor(private readonly client: Database.Database) {
    this.findStmt = client.prepare(
      `SELECT id, username, display_name AS displayName, role, teams, verifier, last_online_at AS lastOnlineAt FROM local_users WHERE username = ?`,
    );
    this.countStmt = client.prepare(`SELECT count(*) FROM local_users`).pluck();
    this.saveStmt = client.prepare(
      `INSERT INTO local_users (id, username, display_name, role, teams, verifier, last_online_at)
       VALUES (@id, @username, @displayName, @role, @teams, @verifier, @lastOnlineAt)
       ON CONFLICT (id) DO UPDATE SET username = excluded.username, display_name = excluded.display_name, role = excluded.role,
         teams = excluded.teams, verifier = excluded.verifier, last_online_at = excluded.last_online_at`,
    );
    this.forgetStmt = client.prepare(`DELETE FROM local_users WHERE username = ?`);
    this.queueStmt = client.prepare(`INSERT INTO pending_audit (id, action, username, at, detail) VALUES (?, ?, ?, ?, ?)`);
  }

  find(username: string): LocalUser | null {
    const row = this.findStmt.get(username) as Row | undefined;
    return row ? toUser(row) : null;
  }

  count(): number {
    return this.countStmt.get() as number;
  }

  /** Saves the user as the store described them; another local row with the same name (a renamed user) goes. */
  save(user: LocalUser): void {
    this.client.transaction(() => {
      this.client.prepare(`DELETE FROM local_users WHERE username = ? AND id <> ?`).run(user.username, user.id);
      this.saveStmt.run({ ...user, teams: JSON.stringify(user.teams) });
    })();
  }

  forget(username: string): number {
    return this.forgetStmt.run(username).changes;
  }

  queueAudit(event: Omit<QueuedAuditEvent, 'id'>): string {
    const id = randomUUID();
    this.queueStmt.run(id, event.action, event.username, event.at, event.detail);
    return id;
  }

  run(op: UsersOp): unknown {
    switch (op.op) {
      case 'find':
        return this.find(op.username);
      case 'count':
        return this.count();
      case 'save':
        this.save(op.user);
        return null;
      case 'forget':
        return this.forget(op.username);
      case 'update-profile':
        return this.client
          .prepare(`UPDATE local_users SET username = ?, display_name = ?, role = ? WHERE id = ?`)
          .run(op.username, op.displayName, op.role, op.id).changes;
      case 'queue-audit':
        return this.queueAudit(op.event);
      case 'throttle-load':
        return (this.client.prepare(`SELECT key, failures, locked_until AS lockedUntil FROM sign_in_throttle`).all() as { key: string; failures: string; lockedUntil: number }[]).map(
          (row): [string, ThrottleRecord] => [row.key, { failures: parseTimes(row.failures), lockedUntil: row.lockedUntil }],
        );
      case 'throttle-save':
        if (op.record === null) return this.client.prepare(`DELETE FROM sign_in_throttle WHERE key = ?`).run(op.key).changes;
        return this.client
          .prepare(
            `INSERT INTO sign_in_throttle (key, failures, locked_until) VALUES (?, ?, ?)
             ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
          )
          .run(op.key, JSON.stringify(op.record.failures), op.record.lockedUntil).changes;
      case 'client-id': {
        const row = this.client.prepare(`SELECT value FROM cache_meta WHERE key = 'client_id'`).get() as { value: string } | undefined;
        if (row) return row.value;
        const id = randomUUID();
        this.client.prepare(`INSERT INTO cache_meta(key, value) VALUES ('client_id', ?)`).run(id);
        return id;
      }
    }
  }
}
