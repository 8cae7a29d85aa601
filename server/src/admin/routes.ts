/**
 * The administration routes (issue 5); ROUTE_PERMISSIONS says who may call each. Handlers only
 * translate: validate path, query and body with the shared zod contracts, call user-admin, answer.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  createTeamRequest,
  createUserRequest,
  resetPasswordRequest,
  revokeWorkstationRequest,
  updateUserRequest,
  type AdminUser,
  type Team,
  type WorkstationInfo,
} from '../../../src-shared/contracts/admin';
import type { ScryptParams } from '../auth/password';
import type { SignInThrottle } from '../auth/throttle';
import { listWorkstations, workstationName } from '../auth/workstations';
import { HttpError, parseBody } from '../http/errors';
import { listTeams, readAdminUser, readAdminUsers } from './directory';
import { revokeWorkstationAsAdmin } from './workstation-admin';
import { createTeamAsAdmin, createUserAsAdmin, resetPasswordAsAdmin, updateUserAsAdmin, type AdminContext } from './user-admin';

export interface AdminRoutesOptions {
  throttle: SignInThrottle;
  /** Password hashing cost for passwords set here (tests make it cheap). */
  scrypt?: ScryptParams | undefined;
}

const userPath = z.object({ userId: z.string().uuid('userId: not a user id.') }).strict();
const noQuery = z.object({}).strict();

/** The body with the path's userId: a body may repeat it, but must not name another user. */
function withPathUser(params: unknown, body: unknown): Record<string, unknown> {
  const { userId } = parseBody(userPath, params);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError('invalid_input', 'The request body must be a JSON object.');
  const given = (body as { userId?: unknown }).userId;
  if (given !== undefined && given !== userId) throw new HttpError('invalid_input', 'userId: the body names another user than the address.', 'userId');
  return { ...body, userId };
}

export function registerAdminRoutes(app: FastifyInstance, options: AdminRoutesOptions): void {
  const { throttle } = options;

  async function context(request: FastifyRequest): Promise<AdminContext> {
    const auth = request.auth;
    if (!auth) throw new HttpError('unauthenticated', 'Sign in first.');
    return {
      db: app.store.db,
      now: app.clock(),
      actor: auth.user,
      workstationId: auth.workstationId,
      workstationName: await workstationName(app.store.db, auth.workstationId),
      throttle,
      scrypt: options.scrypt,
    };
  }

  const adminUser = (id: string): Promise<AdminUser> => readAdminUser(app.store.db, throttle, app.clock(), id);

  app.get('/admin/users', async (request) => {
    parseBody(noQuery, request.query);
    const value: { users: AdminUser[]; teams: Team[] } = {
      users: await readAdminUsers(app.store.db, throttle, app.clock()),
      teams: await listTeams(app.store.db),
    };
    return { ok: true, value };
  });

  app.post('/admin/users', async (request) => {
    const body = parseBody(createUserRequest, request.body);
    const id = await createUserAsAdmin(await context(request), body);
    return { ok: true, value: await adminUser(id) };
  });

  app.patch('/admin/users/:userId', async (request) => {
    const body = parseBody(updateUserRequest, withPathUser(request.params, request.body));
    await updateUserAsAdmin(await context(request), body);
    return { ok: true, value: await adminUser(body.userId) };
  });

  app.post('/admin/users/:userId/password', async (request) => {
    const body = parseBody(resetPasswordRequest, withPathUser(request.params, request.body));
    await resetPasswordAsAdmin(await context(request), body);
    return { ok: true, value: await adminUser(body.userId) };
  });

  app.post('/admin/teams', async (request) => {
    const body = parseBody(createTeamRequest, request.body);
    const value: Team = await createTeamAsAdmin(await context(request), body);
    return { ok: true, value };
  });

  app.get('/admin/workstations', async (request) => {
    parseBody(noQuery, request.query);
    const value: { workstations: WorkstationInfo[] } = { workstations: await listWorkstations(app.store.db) };
    return { ok: true, value };
  });

  app.post('/admin/workstations/:workstationId/revoke', async (request) => {
    const { workstationId } = parseBody(revokeWorkstationRequest, request.params);
    parseBody(noQuery, request.body ?? {});
    await revokeWorkstationAsAdmin(await context(request), workstationId);
    const [value] = await listWorkstations(app.store.db, [workstationId]);
    if (!value) throw new HttpError('not_found', 'No workstation has this id.', 'workstationId');
    const answer: WorkstationInfo = value;
    return { ok: true, value: answer };
  });
}
