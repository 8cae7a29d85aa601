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
  /** Take, then close with a note, the follow-up of one such call (the route checks the team; audited). */
  'POST /calls/:callId/follow-up/claim': 'metrics.team',
  'POST /calls/:callId/follow-up/close': 'metrics.team',
  /** Import a customer file (CSV or JSON, streamed body; `?dryRun=1` checks it and writes nothing) (issue 23). */
  'POST /import/customers': 'data.import',
  /** Customer email (issue 23): the templates (edits audited), the outbox with its states, sending a mail again (audited). */
  'GET /admin/email/templates': 'email.manage',
  'PUT /admin/email/templates/:kind/:language': 'email.manage',
  'GET /admin/email/outbox': 'email.manage',
  'POST /admin/email/outbox/:id/retry': 'email.manage',
  /** One mail as the customer gets it (subject, from, to, date, text), rendered now: customer data, admins only. */
  'GET /admin/email/outbox/:id/message': 'email.manage',
  /** Every table of the store as CSV in one ZIP archive, streamed, audited (issue 23). */
  'POST /admin/export': 'data.export_all',
  /** Ingest integrations (issue 23): create (its secret shown once), list, disable; the ingest queue's log with dead deliveries' reasons. */
  'POST /admin/integrations': 'integrations.manage',
  'GET /admin/integrations': 'integrations.manage',
  'POST /admin/integrations/:integrationId/disable': 'integrations.manage',
  'GET /admin/ingest/deliveries': 'integrations.manage',
  /** Deliveries from a web shop or OMS, signed with the integration's secret (server/src/ingest/routes.ts). */
  'POST /ingest/orders': 'integration',
  'POST /ingest/order-status': 'integration',
  'POST /ingest/stock': 'integration',
  'POST /ingest/satisfaction': 'integration',
  'POST /ingest/reconcile': 'integration',
  /** Outbound webhooks (issue 23): endpoints, the delivery log, replaying a delivery. */
  'POST /admin/webhooks': 'integrations.manage',
  'GET /admin/webhooks': 'integrations.manage',
  'POST /admin/webhooks/:endpointId/disable': 'integrations.manage',
  'GET /admin/webhooks/deliveries': 'integrations.manage',
  'POST /admin/webhooks/deliveries/:deliveryId/replay': 'integrations.manage',
  /** Consent, data requests and erasure (issue 23; src-shared/contracts/privacy.ts). */
  'POST /privacy/customers/:customerId/export': 'data.export',
  'POST /privacy/erasure-requests': 'erasure.request',
  'GET /privacy/erasure-requests': 'erasure.confirm',
  'POST /privacy/erasure-requests/:requestId/decision': 'erasure.confirm',
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
