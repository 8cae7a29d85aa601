/**
 * Who may do what — declared once, here, and enforced twice: by the workstation's main process
 * before any handler runs (src-main/core/auth) and by the central store before any route runs
 * (server/src/auth/route-permissions.ts). The UI only hides what these deny; it never decides.
 *
 * Deny by default: a role has exactly the permissions listed for it below; an IPC channel or a
 * server route without an entry in CHANNEL_PERMISSIONS / ROUTE_PERMISSIONS is refused (and the
 * permission-matrix tests fail). What each outbox mutation needs is declared with the mutation
 * (src-shared/sync/mutations), and the store checks it again on push.
 *
 * Some permissions name features later issues add (metrics, exports, discounts over authority) so
 * that they plug in; each is enforced where its feature exists and nowhere is it faked.
 */
import { USER_ROLES, type UserRole } from '../contracts/server-auth';

export { USER_ROLES, type UserRole };

export const PERMISSIONS = [
  /** Caller lookup, the customer card, purchases, timeline, orders, suggestions. */
  'customer.read',
  /** Create a customer from a call or at the counter. */
  'customer.create',
  /** Change a customer's contact fields (audited). */
  'customer.edit_contact',
  /** Take calls: start, hold, resume, end, wrap up, attach a customer. */
  'call.handle',
  /**
   * Step a call another agent took (hold, resume, end, wrap up, attach a customer) or record the
   * answer to their offer (issue 18, item 8). Without it only the call's or offer's own agent may.
   */
  'call.others',
  /** Log a complaint and add notes. */
  'complaint.log',
  /** Move a complaint through its states and set follow-ups. */
  'complaint.manage',
  /** Present upsell offers and record the answer. */
  'offer.present',
  /** Take a phone order for a customer: cart, campaign code, a discount within the user's authority (issue 21). */
  'order.take',
  /** See sync status, ask for a sync or a data check, dismiss a refused write once read. */
  'sync.use',
  /** Re-pull the whole cache from the store. */
  'sync.manage',
  /** The user's own metrics (calls, handle time, conversion…). Metrics feature: a later issue. */
  'metrics.own',
  /** The metrics of the teams the user belongs to. */
  'metrics.team',
  /** Every team's metrics. */
  'metrics.all',
  /** Export data (CSV and the like). Export feature: a later issue. */
  'data.export',
  /** Import customers (and later products, orders) from a file into the central store (issue 23). Admins only. */
  'data.import',
  /** Export every table of the central store (secrets left out) as one ZIP archive (issue 23). Admins only. */
  'data.export_all',
  /** Approve a discount beyond the asking user's own authority (recorded). */
  'discount.approve',
  /** Ask for a customer's data to be erased (audited). */
  'erasure.request',
  /** Confirm or decline an erasure request: the store anonymises the customer (issue 23). Admins only. */
  'erasure.confirm',
  /** Create and disable users, reset passwords, assign roles and teams. */
  'users.manage',
  /** Read and filter the audit log. */
  'audit.read',
  /** See the workstations and when each last synced. */
  'workstations.read',
  /** Revoke a workstation, and register again one whose id is taken (by signing in on it). */
  'workstations.manage',
  /** Edit the customer mail templates, see the mail outbox and send a mail again (issue 23). Admins only. */
  'email.manage',
  /** Create and disable ingest integrations and webhook endpoints, read their delivery logs, replay deliveries (issue 23). Admins only. */
  'integrations.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const COUNTER: readonly Permission[] = [
  'customer.read',
  'customer.create',
  'customer.edit_contact',
  'call.handle',
  'complaint.log',
  'offer.present',
  'sync.use',
];

/** What each role may do. Anything not listed is denied. */
export const ROLE_PERMISSIONS: Readonly<Record<UserRole, readonly Permission[]>> = {
  /** At the counter: the same lookup and complaint logging, nothing else (no metrics, no exports). */
  store_associate: COUNTER,
  /** On the phones: the counter's rights, running complaints to the end, their own metrics. */
  csr: [...COUNTER, 'complaint.manage', 'order.take', 'metrics.own'],
  /** Everything a CSR does, their teams' metrics, exports, approving discounts, erasure requests. */
  supervisor: [...COUNTER, 'complaint.manage', 'order.take', 'call.others', 'metrics.own', 'metrics.team', 'data.export', 'discount.approve', 'erasure.request', 'sync.manage'],
  /** Everything. */
  admin: PERMISSIONS,
};

/**
 * The largest discount a role may give on its own, in percent. Beyond it a supervisor's approval
 * is needed (and recorded). The discount feature itself comes with a later issue.
 */
export const DISCOUNT_AUTHORITY_PERCENT: Readonly<Record<UserRole, number>> = {
  store_associate: 0,
  csr: 10,
  supervisor: 25,
  admin: 25,
};

export function can(role: UserRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Who steps a call or answers an offer: their agent id (user name) and role, when signed in. */
export interface StepAgent {
  agentId: string;
  role: UserRole | null;
}

/**
 * A call is stepped, and an offer answered, by the agent who took it — or by someone whose role
 * has `call.others` (issue 18, item 8). The workstation and the store both ask this.
 */
export function mayStep(ownerAgentId: string, agent: StepAgent): boolean {
  return ownerAgentId === agent.agentId || (agent.role !== null && can(agent.role, 'call.others'));
}

export function permissionsOf(role: UserRole): Permission[] {
  return [...ROLE_PERMISSIONS[role]];
}

/**
 * What a call needs:
 * - `public`: nobody needs to be signed in (signing in, asking whether anyone is).
 * - `session`: any signed-in user whose screen is not locked (signing out, locking).
 * - a Permission: a signed-in, unlocked user whose role has it.
 */
export type Requirement = 'public' | 'session' | Permission;

/**
 * A central-store route may also need `workstation`: the workstation's own token (issued when a
 * user signs in online on it), which carries sync traffic — push, pull, live pokes, checksums —
 * whoever is signed in, also while the screen is locked or nobody is. `integration`: a delivery
 * from a web shop or OMS, signed with its integration's secret (server/src/ingest/signature.ts).
 */
export type RouteRequirement = Requirement | 'workstation' | 'integration';

export const ROLE_LABELS: Readonly<Record<UserRole, string>> = {
  csr: 'CSR',
  supervisor: 'Supervisor',
  store_associate: 'Store associate',
  admin: 'Admin',
};
