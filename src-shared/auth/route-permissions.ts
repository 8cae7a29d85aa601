/**
 * What every central-store route needs, keyed "METHOD /path" exactly as Fastify registers it.
 * The store attaches the guard from this table to each route as it is registered and refuses to
 * start when a route has no entry (deny by default); the permission-matrix test walks every
 * registered route for every role. Fastify's automatic HEAD twin of a GET needs what the GET needs.
 */
import type { RouteRequirement } from './permissions';

export const ROUTE_PERMISSIONS = {
  'GET /health': 'public',
  'POST /auth/login': 'public',
  'POST /auth/logout': 'session',
  'GET /auth/me': 'session',
  'POST /sync/push': 'workstation',
  'POST /sync/pull': 'workstation',
  'GET /sync/checksums': 'workstation',
  'GET /sync/events': 'workstation',
  /** Sign-ins, sign-outs and failures that happened while the workstation was offline. */
  'POST /workstation/audit': 'workstation',
  /** A fresh workstation token for the one presented, before it expires (issue 18). */
  'POST /workstation/token': 'workstation',
  'GET /lookup/phone': 'customer.read',
  'GET /admin/users': 'users.manage',
  'POST /admin/users': 'users.manage',
  'PATCH /admin/users/:userId': 'users.manage',
  'POST /admin/users/:userId/password': 'users.manage',
  'POST /admin/teams': 'users.manage',
  'GET /admin/workstations': 'workstations.read',
  'POST /admin/workstations/:workstationId/revoke': 'workstations.manage',
  'GET /audit': 'audit.read',
  /** Orders awaiting a supervisor's approval of a discount beyond their author's authority (issue 21). */
  'GET /orders/approvals': 'discount.approve',
  /** Approve or refuse such a discount (the order is then placed, needs attention, or is cancelled). */
  'POST /orders/:orderId/decision': 'discount.approve',
  /** Audience segments (issue 22): size and value of a definition; saved segments; export for a campaign (audited). */
  'POST /segments/preview': 'metrics.team',
  'GET /segments': 'metrics.team',
  'POST /segments': 'metrics.team',
  'DELETE /segments/:id': 'metrics.team',
  'POST /segments/:id/export': 'data.export',
  /** The supervisors' live board (issue 22): their teams' agents, calls, approvals and complaints; an admin's every team. */
  'GET /board': 'metrics.team',
  /** Supervisor metrics (issue 22): the scope (own figures, own teams, every team) is checked by the route itself. */
  'POST /reports/dashboard': 'metrics.own',
  'POST /reports/drilldown': 'metrics.own',
  /** Every row behind a number as CSV, audited. */
  'POST /reports/export': 'data.export',
  /** Calls of the caller's teams whose caller gave a low satisfaction score, to follow up (issue 22). */
  'GET /calls/low-satisfaction': 'metrics.team',
  /** Import a customer file (CSV or JSON, streamed body; `?dryRun=1` checks it and writes nothing) (issue 23). */
  'POST /import/customers': 'data.import',
  'POST /import/products': 'data.import',
  'POST /import/campaigns': 'data.import',
  'POST /import/orders': 'data.import',
} as const satisfies Record<string, RouteRequirement>;

export type RouteKey = keyof typeof ROUTE_PERMISSIONS;

/** The requirement for a registered route, or undefined when it has none (refused). */
export function routeRequirement(method: string, url: string): RouteRequirement | undefined {
  const key = `${method === 'HEAD' ? 'GET' : method} ${url}`;
  return Object.prototype.hasOwnProperty.call(ROUTE_PERMISSIONS, key) ? ROUTE_PERMISSIONS[key as RouteKey] : undefined;
}
