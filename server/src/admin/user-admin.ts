/**
 * What administrators do to users and teams (issue 5), each change with its audit entries in one
 * transaction. The rules: a user name is taken once; an administrator cannot disable themselves
 * or give up their own admin role (someone must be left able to undo mistakes); disabling a user
 * or resetting their password ends all their sessions at once; a reset also lifts a sign-in
 * lockout.
 */
import { eq } from 'drizzle-orm';
import type { CreateTeamRequest, CreateUserRequest, ResetPasswordRequest, Team, UpdateUserRequest } from '../../../src-shared/contracts/admin';
import type { SessionUser } from '../../../src-shared/contracts/server-auth';
import { ROLE_LABELS } from '../../../src-shared/auth/permissions';
import { recordAudit } from '../audit/audit';
import { passwordRefusal } from '../../../src-shared/auth/password-policy';
import { hashPassword, type ScryptParams } from '../auth/password';
import { revokeUserSessions } from '../auth/sessions';
import type { SignInThrottle } from '../auth/throttle';
import type { StoreDb } from '../db/connect';
import { teams, users } from '../db/schema';
import { HttpError } from '../http/errors';
import { isUniqueViolation, lockUser, missingTeams, setUserTeams, teamNameTaken, usernameTaken } from './directory';

export interface AdminContext {
  db: StoreDb;
  now: number;
  /** The administrator making the change. */
  actor: SessionUser;
  /** Where they are signed in, for the audit log. */
  workstationId: string | null;
  workstationName: string | null;
  throttle: SignInThrottle;
  scrypt?: ScryptParams | undefined;
}

const USERNAME_TAKEN = 'That user name is taken.';

function by(ctx: AdminContext) {
  return { at: ctx.now, userId: ctx.actor.id, username: ctx.actor.username, workstationId: ctx.workstationId, workstationName: ctx.workstationName };
}

async function requireTeams(db: StoreDb, ids: readonly string[]): Promise<void> {
  const missing = await missingTeams(db, ids);
  if (missing.length > 0) throw new HttpError('invalid_input', `No team has the id ${missing[0]}; pick from the teams listed.`, 'teamIds');
}

export async function createUserAsAdmin(ctx: AdminContext, request: CreateUserRequest): Promise<string> {
  if (await usernameTaken(ctx.db, request.username)) throw new HttpError('conflict', USERNAME_TAKEN, 'username');
  await requireTeams(ctx.db, request.teamIds);
  const passwordHash = await hashPassword(request.password, ctx.scrypt);
  try {
    return await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({ username: request.username, displayName: request.displayName, role: request.role, passwordHash, active: true, createdAt: ctx.now })
        .returning({ id: users.id });
      if (!row) throw new Error('Creating the user returned no row.');
      const { after } = await setUserTeams(tx, row.id, request.teamIds);
      await recordAudit(tx, {
        ...by(ctx),
        action: 'user_created',
        subject: request.username,
        detail: `Created ${request.username} (${request.displayName}) as ${ROLE_LABELS[request.role]}${after.length > 0 ? `, teams ${after.join(', ')}` : ''}.`,
      });
      return row.id;
    });
  } catch (e) {
    // Two administrators creating the same name at once: the unique index decides.
    if (isUniqueViolation(e)) throw new HttpError('conflict', USERNAME_TAKEN, 'username');
    throw e;
  }
}

export async function updateUserAsAdmin(ctx: AdminContext, request: UpdateUserRequest): Promise<void> {
  if (request.teamIds) await requireTeams(ctx.db, request.teamIds);
  const self = request.userId === ctx.actor.id;
  if (self && request.active === false) throw new HttpError('conflict', 'You cannot disable your own account; ask another administrator.', 'active');
  if (self && request.role !== undefined && request.role !== 'admin') {
    throw new HttpError('conflict', 'You cannot remove your own admin role; ask another administrator.', 'role');
  }
  await ctx.db.transaction(async (tx) => {
    const user = await lockUser(tx, request.userId);
    if (!user) throw new HttpError('not_found', 'No such user.', 'userId');
    const changes: Partial<typeof users.$inferInsert> = {};
    const audit = by(ctx);
    const subject = user.username;
    const updated: string[] = [];
    if (request.displayName !== undefined && request.displayName !== user.displayName) {
      changes.displayName = request.displayName;
      updated.push(`name “${user.displayName}” → “${request.displayName}”`);
    }
    if (request.teamIds !== undefined) {
      const { before, after } = await setUserTeams(tx, user.id, request.teamIds);
      if (before.join(',') !== after.join(',')) updated.push(`teams ${before.join(', ') || 'none'} → ${after.join(', ') || 'none'}`);
    }
    if (request.role !== undefined && request.role !== user.role) {
      changes.role = request.role;
      await recordAudit(tx, { ...audit, action: 'role_changed', subject, detail: `${user.role} → ${request.role}` });
    }
    if (request.active !== undefined && request.active !== user.active) {
      changes.active = request.active;
      if (!request.active) {
        const ended = await revokeUserSessions(tx, user.id, ctx.now);
        await recordAudit(tx, { ...audit, action: 'user_disabled', subject, detail: `Disabled ${user.username}; ended ${ended} open session${ended === 1 ? '' : 's'}.` });
      } else {
        await recordAudit(tx, { ...audit, action: 'user_enabled', subject, detail: `Enabled ${user.username}.` });
      }
    }
    if (updated.length > 0) await recordAudit(tx, { ...audit, action: 'user_updated', subject, detail: `Changed ${updated.join('; ')}.` });
    if (Object.keys(changes).length > 0) await tx.update(users).set(changes).where(eq(users.id, user.id));
  });
}

export async function resetPasswordAsAdmin(ctx: AdminContext, request: ResetPasswordRequest): Promise<void> {
  const passwordHash = await hashPassword(request.password, ctx.scrypt);
  const username = await ctx.db.transaction(async (tx) => {
    const user = await lockUser(tx, request.userId);
    if (!user) throw new HttpError('not_found', 'No such user.', 'userId');
    // The contract has refused common and leaked passwords; only here is it known whose password it is.
    const refusal = passwordRefusal(request.password, [user.username, user.displayName]);
    if (refusal) throw new HttpError('invalid_input', `password: ${refusal}`, 'password');
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    const ended = await revokeUserSessions(tx, user.id, ctx.now);
    await recordAudit(tx, {
      ...by(ctx),
      action: 'password_reset',
      subject: user.username,
      detail: `Set a new password for ${user.username}; ended ${ended} open session${ended === 1 ? '' : 's'} and lifted any sign-in lockout.`,
    });
    return user.username;
  });
  await ctx.throttle.clear(username);
}

export async function createTeamAsAdmin(ctx: AdminContext, request: CreateTeamRequest): Promise<Team> {
  const taken = 'That team name is taken.';
  if (await teamNameTaken(ctx.db, request.name)) throw new HttpError('conflict', taken, 'name');
  try {
    return await ctx.db.transaction(async (tx) => {
      const [team] = await tx.insert(teams).values({ name: request.name, createdAt: ctx.now }).returning({ id: teams.id, name: teams.name });
      if (!team) throw new Error('Creating the team returned no row.');
      await recordAudit(tx, { ...by(ctx), action: 'team_created', subject: team.name, detail: `Created the team ${team.name}.` });
      return team;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new HttpError('conflict', taken, 'name');
    throw e;
  }
}
