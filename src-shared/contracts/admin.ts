/**
 * Administration and the audit log: the central store's HTTP shapes and the IPC channels the
 * window uses for them (access 'store': the main process asks the store with the signed-in user's
 * token; they need the store online and answer `unavailable` otherwise).
 *
 * The store checks every request's user and role again (src-shared/auth/route-permissions.ts).
 */
import { z } from 'zod';
import { text } from './text';
import { channelGroup, defineChannel } from './define';
import { LOGIN_LIMITS, USER_ROLES } from './server-auth';
import { passwordRefusal } from '../auth/password-policy';

const uuid = text().uuid();

export const PASSWORD_MIN = 8;
const newPassword = text()
  .min(PASSWORD_MIN, `A password needs at least ${PASSWORD_MIN} characters.`)
  .max(LOGIN_LIMITS.passwordMax, 'That password is too long.')
  // Common, leaked and easily guessed passwords are refused (NIST SP 800-63B; src-shared/auth/password-policy.ts).
  .superRefine((password, ctx) => {
    if (password.length < PASSWORD_MIN) return;
    const refusal = passwordRefusal(password);
    if (refusal) ctx.addIssue({ code: 'custom', message: refusal });
  });
const username = text()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'A user name is 2–64 letters, digits, dots, dashes or underscores.');
const displayName = text().trim().min(1, 'Enter the person’s name.').max(120);

// ——— Users and teams ———

export const team = z.object({ id: uuid, name: text() });
export type Team = z.infer<typeof team>;

export const adminUser = z.object({
  id: uuid,
  username: text(),
  displayName: text(),
  role: z.enum(USER_ROLES),
  active: z.boolean(),
  teams: z.array(team),
  /** Epoch ms (store clock) of the last online sign-in, or null. */
  lastSignInAt: z.number().int().nullable(),
  /** Sign-in locked after repeated failures until this time (epoch ms), or null. */
  lockedUntil: z.number().int().nullable(),
});
export type AdminUser = z.infer<typeof adminUser>;

/** A new user's password may not be built on their own user name or display name (NIST SP 800-63B: context-specific words). */
export function notBuiltOnOwnName(user: { username: string; displayName: string; password: string }, ctx: z.RefinementCtx): void {
  // Too short or weak on its own is already said by the password field: say it once.
  if (user.password.length < PASSWORD_MIN || passwordRefusal(user.password) !== null) return;
  const refusal = passwordRefusal(user.password, [user.username, user.displayName]);
  if (refusal) ctx.addIssue({ code: 'custom', message: refusal, path: ['password'] });
}

export const createUserRequest = z
  .object({
    username,
    displayName,
    role: z.enum(USER_ROLES),
    password: newPassword,
    teamIds: z.array(uuid).max(50).default([]),
  })
  .strict()
  .superRefine(notBuiltOnOwnName);
export type CreateUserRequest = z.infer<typeof createUserRequest>;

/** Change what is given; at least one field. Disabling ends the user's sessions at once. */
export const updateUserRequest = z
  .object({
    userId: uuid,
    displayName: displayName.optional(),
    role: z.enum(USER_ROLES).optional(),
    active: z.boolean().optional(),
    teamIds: z.array(uuid).max(50).optional(),
  })
  .strict()
  .refine((r) => r.displayName !== undefined || r.role !== undefined || r.active !== undefined || r.teamIds !== undefined, {
    message: 'Nothing to change.',
  });
export type UpdateUserRequest = z.infer<typeof updateUserRequest>;

/** Sets a new password and ends the user's sessions; clears a sign-in lockout. */
export const resetPasswordRequest = z.object({ userId: uuid, password: newPassword }).strict();
export type ResetPasswordRequest = z.infer<typeof resetPasswordRequest>;

export const createTeamRequest = z.object({ name: text().trim().min(1, 'Name the team.').max(80) }).strict();
export type CreateTeamRequest = z.infer<typeof createTeamRequest>;

// ——— Workstations ———

export const workstationInfo = z.object({
  id: uuid,
  name: text(),
  /** Epoch ms (store clock) it first registered. */
  registeredAt: z.number().int(),
  /** The last request it made with its token, or null. */
  lastSeenAt: z.number().int().nullable(),
  /** The last pull that reached the end (caught up), or null. */
  lastSyncAt: z.number().int().nullable(),
  /** Who last signed in online on it. */
  lastUsername: text().nullable(),
  /** Everyone the store has seen sign in online on it, by user name, and whether they are still active. */
  usersSeen: z.array(z.object({ username: text(), active: z.boolean() })),
  /** Every user seen on it is disabled: its token is refused until an active user signs in on it. */
  allUsersDisabled: z.boolean(),
  /** When its current token expires (it rotates it before). */
  tokenExpiresAt: z.number().int(),
  /** An admin revoked it (epoch ms), or null. */
  revokedAt: z.number().int().nullable(),
});
export type WorkstationInfo = z.infer<typeof workstationInfo>;

/** Revoking a workstation: none of its tokens works until an admin signs in on it again. */
export const revokeWorkstationRequest = z.object({ workstationId: uuid }).strict();
export type RevokeWorkstationRequest = z.infer<typeof revokeWorkstationRequest>;

// ——— Audit log ———

export const AUDIT_ACTIONS = [
  'sign_in',
  /** Signed in against the verifier cached on a workstation (reported when it was next online). */
  'sign_in_offline',
  'sign_in_failed',
  /** Too many failures: sign-in locked for a time (per user or per workstation). */
  'lockout',
  'sign_out',
  'user_created',
  'user_updated',
  'role_changed',
  'user_disabled',
  'user_enabled',
  'password_reset',
  'team_created',
  'export',
  'discount_over_authority',
  /** A supervisor approved a discount beyond its author's authority (at the workstation or on the store). */
  'discount_approved',
  /** A supervisor refused a discount beyond its author's authority: the order is cancelled. */
  'discount_refused',
  'contact_changed',
  'erasure_requested',
  /** A write saved while its user was active, delivered after they were disabled. */
  'write_by_disabled_user',
  /**
   * A workstation reported an offline sign-in or sign-out of someone who never signed in online on
   * it: not credited to them (no user), the name kept as the subject (issue 18, item 10).
   */
  'offline_claim_refused',
  /** A new workstation id registered, or an existing one registered again by an admin. */
  'workstation_registered',
  /** An admin revoked a workstation's tokens. */
  'workstation_revoked',
  /** An admin imported a file into the store (issue 23): counts only, never the rows. */
  'data_imported',
  /** An admin saved a customer mail template (issue 23). */
  'email_template_changed',
  /** An admin asked for a mail of the outbox to be sent again (issue 23). */
  'email_retried',
  /** An admin created or disabled an ingest integration (issue 23); never its secret. */
  'integration_created',
  'integration_disabled',
  /** An admin registered or disabled a webhook endpoint, or replayed a delivery (issue 23). */
  'webhook_created',
  'webhook_disabled',
  'webhook_replayed',
  /** Everything held about one customer was exported on their request (issue 23): the customer id only. */
  'customer_data_exported',
  /** An admin confirmed a customer's erasure; the store anonymised them (issue 23): ids and counts only. */
  'erasure_confirmed',
  'erasure_declined',
  /** A saved audience segment was deleted by its owner or an admin (issue 22): its name and id only. */
  'segment_deleted',
  /** A supervisor or admin claimed or closed the follow-up of a low satisfaction score (issue 22): the call id only. */
  'satisfaction_follow_up_claimed',
  'satisfaction_follow_up_closed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditEntry = z.object({
  /** Server order: higher is later. */
  seq: z.number().int(),
  /** Epoch ms, the store's clock. */
  at: z.number().int(),
  action: z.enum(AUDIT_ACTIONS),
  /** Who did it (null for a failed sign-in under a name that is not a user). */
  userId: uuid.nullable(),
  /** The name given or the user's name at the time. */
  username: text().nullable(),
  workstationId: uuid.nullable(),
  workstationName: text().nullable(),
  /** Whom or what it was about: a user name, a customer id, … */
  subject: text().nullable(),
  /** A short sentence with the particulars (e.g. "role csr → supervisor"). */
  detail: text(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

/** The last instant a JavaScript Date can hold (year 275760): a later "time" is refused, not a 500. */
export const LAST_DATE_MS = 8_640_000_000_000_000;

export const auditQuery = z
  .object({
    action: z.enum(AUDIT_ACTIONS).optional(),
    /** Exact user name (actor). */
    username: text().trim().toLowerCase().max(LOGIN_LIMITS.usernameMax).optional(),
    workstationId: uuid.optional(),
    /** Epoch ms, inclusive. */
    from: z.coerce.number().int().nonnegative().max(LAST_DATE_MS, 'Not a time a date can hold.').optional(),
    /** Epoch ms, exclusive. */
    to: z.coerce.number().int().nonnegative().max(LAST_DATE_MS, 'Not a time a date can hold.').optional(),
    /** Entries with seq below this (paging back in time). */
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuery>;

export const auditPage = z.object({
  entries: z.array(auditEntry),
  /** Pass as `before` for the next (older) page; null at the start of the log. */
  nextBefore: z.number().int().nullable(),
});
export type AuditPage = z.infer<typeof auditPage>;

// ——— Events a workstation recorded while offline (POST /workstation/audit, its own token) ———

/**
 * `discount_over_authority`: a supervisor approved a phone order's discount beyond the CSR's
 * authority by signing in over the CSR's session at the workstation (issue 21).
 */
export const OFFLINE_AUDIT_ACTIONS = ['sign_in_offline', 'sign_in_failed', 'sign_out', 'lockout', 'discount_over_authority'] as const satisfies readonly AuditAction[];
export const WORKSTATION_AUDIT_MAX = 100;

export const offlineAuditEvent = z
  .object({
    /** Made by the workstation when it recorded the event: sending it again records nothing. */
    id: uuid,
    action: z.enum(OFFLINE_AUDIT_ACTIONS),
    username: text().trim().toLowerCase().min(1).max(LOGIN_LIMITS.usernameMax),
    /** The workstation's clock (epoch ms): kept in the entry's detail; the store orders by its own. */
    at: z.number().int().nonnegative().max(LAST_DATE_MS, 'Not a time a date can hold.'),
    detail: text().max(500).default(''),
  })
  .strict();
export type OfflineAuditEvent = z.infer<typeof offlineAuditEvent>;

export const workstationAuditRequest = z.object({ events: z.array(offlineAuditEvent).min(1).max(WORKSTATION_AUDIT_MAX) }).strict();
export type WorkstationAuditRequest = z.infer<typeof workstationAuditRequest>;

export const workstationAuditResponse = z.object({
  /** Events recorded now. */
  recorded: z.number().int(),
  /** Events the store had already (a resend). */
  duplicates: z.number().int(),
});
export type WorkstationAuditResponse = z.infer<typeof workstationAuditResponse>;

// ——— IPC channels (answered by main through the store) ———

export const adminUsers = defineChannel({
  channel: 'admin:users',
  permission: 'users.manage',
  input: z.object({}).strict(),
  output: z.object({ users: z.array(adminUser), teams: z.array(team) }),
  access: 'store',
});

export const adminCreateUser = defineChannel({
  channel: 'admin:create-user',
  permission: 'users.manage',
  input: createUserRequest,
  output: adminUser,
  access: 'store',
});

export const adminUpdateUser = defineChannel({
  channel: 'admin:update-user',
  permission: 'users.manage',
  input: updateUserRequest,
  output: adminUser,
  access: 'store',
});

export const adminResetPassword = defineChannel({
  channel: 'admin:reset-password',
  permission: 'users.manage',
  input: resetPasswordRequest,
  output: adminUser,
  access: 'store',
});

export const adminCreateTeam = defineChannel({
  channel: 'admin:create-team',
  permission: 'users.manage',
  input: createTeamRequest,
  output: team,
  access: 'store',
});

export const adminWorkstations = defineChannel({
  channel: 'admin:workstations',
  permission: 'workstations.read',
  input: z.object({}).strict(),
  output: z.object({ workstations: z.array(workstationInfo) }),
  access: 'store',
});

export const adminRevokeWorkstation = defineChannel({
  channel: 'admin:revoke-workstation',
  permission: 'workstations.manage',
  input: revokeWorkstationRequest,
  output: workstationInfo,
  access: 'store',
});

export const auditList = defineChannel({
  channel: 'audit:list',
  permission: 'audit.read',
  input: auditQuery,
  output: auditPage,
  access: 'store',
});

/** The full export (issue 23): the store's POST /admin/export takes nothing but an empty object. */
export const fullExportRequest = z.object({}).strict();

export const fullExportResult = z.object({
  /** Where the archive was saved (the user's Downloads folder). */
  path: text(),
  fileName: text(),
  /** Bytes written. */
  bytes: z.number().int().nonnegative(),
});
export type FullExportResult = z.infer<typeof fullExportResult>;

/**
 * Saves every table of the central store (secrets left out) as CSV files in one ZIP archive in the
 * user's Downloads folder (issue 23). Admins only (`data.export_all`); the store streams it and
 * records it in the audit log (who, when, tables, row counts).
 */
export const adminExportAll = defineChannel({
  channel: 'admin:export-all',
  permission: 'data.export_all',
  input: fullExportRequest,
  output: fullExportResult,
  access: 'store',
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const adminChannels = channelGroup(adminUsers, adminCreateUser, adminUpdateUser, adminResetPassword, adminCreateTeam, adminWorkstations, adminRevokeWorkstation, auditList, adminExportAll);
