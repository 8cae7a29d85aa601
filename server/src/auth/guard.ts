/**
 * Route permissions, deny by default (issue 5). Every route gets its guard from ROUTE_PERMISSIONS
 * (src-shared/auth/route-permissions.ts) as it is registered, in an `onRoute` hook; a route
 * without an entry makes the app refuse to start. The guard runs first (`onRequest`, before the
 * body is even read):
 * - 'public': nobody needs to be signed in;
 * - 'session': `Authorization: Bearer <session token>` of an active session (unknown, expired or
 *   revoked, or a disabled user → 401) — left on `request.auth`;
 * - a Permission: such a session whose role has it (else 403);
 * - 'workstation': the bearer is a workstation's token that works now — current and unexpired (or
 *   just rotated out, within its grace), the workstation not revoked, one of its users active
 *   (else 401) — left on `request.workstation`;
 * - 'integration': `X-Switchboard-Key` names an active integration and `X-Switchboard-Timestamp`
 *   is within the window (else 401) — left on `request.integration`; the signature over the raw
 *   body is checked next, before the body is parsed (server/src/ingest/routes.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler, RouteOptions } from 'fastify';
import { can, ROLE_LABELS, type Permission, type RouteRequirement } from '../../../src-shared/auth/permissions';
import { routeRequirement } from '../../../src-shared/auth/route-permissions';
import { HttpError } from '../http/errors';
import { findActiveSession, type ActiveSession } from './sessions';
import { findWorkstationByToken, WorkstationSightings, type KnownWorkstation } from './workstations';
import { INGEST_HEADERS, INGEST_TIMESTAMP_WINDOW_S } from '../../../src-shared/contracts/ingest';
import { findActiveIntegration, type ActiveIntegration } from '../integrations/integrations';
import { timestampFresh } from '../ingest/signature';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route ("METHOD /url", HEAD twins included) and what it needs. */
    readonly routeRequirements: ReadonlyMap<string, RouteRequirement>;
  }
  interface FastifyRequest {
    /** The user session on 'session' and permission routes; null elsewhere. */
    auth: ActiveSession | null;
    /** The workstation on 'workstation' routes; null elsewhere. */
    workstation: KnownWorkstation | null;
    /** The sending integration on 'integration' routes; null elsewhere. */
    integration: ActiveIntegration | null;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{16,128})$/;

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header ? BEARER.exec(header)?.[1] : undefined;
}

function unauthenticated(reply: FastifyReply, message: string): HttpError {
  void reply.header('www-authenticate', 'Bearer');
  return new HttpError('unauthenticated', message);
}

async function userSession(request: FastifyRequest, reply: FastifyReply): Promise<ActiveSession> {
  const token = bearerToken(request);
  const session = token === undefined ? undefined : await findActiveSession(request.server.store.db, token, request.server.clock());
  if (!session) throw unauthenticated(reply, 'Sign in again: the session is missing, expired or signed out.');
  request.auth = session;
  return session;
}

function permissionGuard(permission: Permission): onRequestAsyncHookHandler {
  return async function checkPermission(request, reply) {
    const session = await userSession(request, reply);
    if (!can(session.user.role, permission)) {
      throw new HttpError('forbidden', `Your role (${ROLE_LABELS[session.user.role]}) does not allow this: it needs the “${permission}” permission.`);
    }
  };
}

function workstationGuard(sightings: WorkstationSightings): onRequestAsyncHookHandler {
  return async function checkWorkstation(request, reply) {
    const token = bearerToken(request);
    // Checked on every request (issue 18): expired, rotated out, revoked, or every user of it disabled → 401.
    const workstation = token === undefined ? undefined : await findWorkstationByToken(request.server.store.db, token, request.server.clock());
    if (!workstation) throw unauthenticated(reply, 'This workstation is not signed in to the central store (its token expired or was revoked, or its users are disabled): sign in on it online to sync again.');
    request.workstation = workstation;
    try {
      await sightings.seen(workstation.id, request.server.clock());
    } catch (e) {
      // Bookkeeping only: a failed write of last_seen_at must not refuse the sync.
      request.log.warn({ err: e, workstation: workstation.id }, 'could not record that the workstation was seen');
    }
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The same 401 for an unknown key and a disabled one: a sender learns nothing about which ids exist. */
async function checkIntegration(request: FastifyRequest): Promise<void> {
  const key = request.headers[INGEST_HEADERS.key];
  const timestamp = request.headers[INGEST_HEADERS.timestamp];
  if (typeof key !== 'string' || !UUID.test(key)) throw new HttpError('unauthenticated', 'Sign the delivery: X-Switchboard-Key must be the integration id an admin gave you.');
  if (typeof timestamp !== 'string' || !timestampFresh(timestamp, request.server.clock(), INGEST_TIMESTAMP_WINDOW_S)) {
    throw new HttpError('unauthenticated', `X-Switchboard-Timestamp must be the current time in Unix seconds (within ${INGEST_TIMESTAMP_WINDOW_S / 60} minutes of the store's clock).`);
  }
  const integration = await findActiveIntegration(request.server.store.db, key.toLowerCase());
  if (!integration) throw new HttpError('unauthenticated', 'This integration key is unknown or disabled.');
  request.integration = integration;
}

function guardFor(requirement: RouteRequirement, sightings: WorkstationSightings): onRequestAsyncHookHandler | undefined {
  switch (requirement) {
    case 'public':
      return undefined;
    case 'session':
      return async (request, reply) => {
        await userSession(request, reply);
      };
    case 'workstation':
      return workstationGuard(sightings);
    case 'integration':
      return checkIntegration;
    default:
      return permissionGuard(requirement);
  }
}

/**
 * Attaches each route's guard as it is registered; call before registering any route. Throws
 * (the app does not start) for a route that ROUTE_PERMISSIONS does not name.
 */
export function guardRoutes(app: FastifyInstance): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('workstation', null);
  app.decorateRequest('integration', null);
  const sightings = new WorkstationSightings(app.store.db);
  const registered = new Map<string, RouteRequirement>();
  app.decorate('routeRequirements', registered);
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const requirements = new Set(
      methods.map((method) => {
        const requirement = routeRequirement(method, route.url);
        if (requirement === undefined) {
          throw new Error(`Route "${method} ${route.url}" has no entry in ROUTE_PERMISSIONS (src-shared/auth/route-permissions.ts): every route must say who may call it.`);
        }
        registered.set(`${method} ${route.url}`, requirement);
        return requirement;
      }),
    );
    if (requirements.size !== 1) throw new Error(`Route "${methods.join('|')} ${route.url}" needs different permissions per method: register one route per method.`);
    const guard = guardFor([...requirements][0]!, sightings);
    if (!guard) return;
    const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [guard, ...existing];
  });
}
