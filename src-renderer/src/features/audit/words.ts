import type { AuditAction } from '../../../../src-shared/contracts/admin';

/** Each audit action in words, as the filter and the table say it. */
export const AUDIT_ACTION_LABELS: Readonly<Record<AuditAction, string>> = {
  sign_in: 'Signed in',
  sign_in_offline: 'Signed in offline',
  sign_in_failed: 'Sign-in failed',
  lockout: 'Sign-in locked after failures',
  sign_out: 'Signed out',
  user_created: 'User created',
  user_updated: 'User changed',
  role_changed: 'Role changed',
  user_disabled: 'User disabled',
  user_enabled: 'User enabled',
  password_reset: 'Password reset',
  team_created: 'Team created',
  export: 'Data exported',
  discount_over_authority: 'Discount over authority',
  discount_approved: 'Discount approved',
  discount_refused: 'Discount refused',
  contact_changed: 'Contact details changed',
  erasure_requested: 'Erasure requested',
  write_by_disabled_user: 'Write by a disabled user',
  offline_claim_refused: 'Offline sign-in not credited (never signed in there online)',
  workstation_registered: 'Workstation registered',
  workstation_revoked: 'Workstation revoked',
  data_imported: 'Data imported',
};
