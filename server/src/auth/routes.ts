/**
 * POST /auth/login, POST /auth/logout, GET /auth/me, POST /workstation/token. Handlers only
 * translate; the rules are in sign-in.ts (and users, sessions, throttle, workstations).
 */
import type { FastifyInstance } from 'fastify';
import { loginRequest, workstationTokenRequest, type LoginResponse, type MeResponse, type WorkstationTokenResponse } from '../../../src-shared/contracts/server-auth';
import { HttpError, parseBody } from '../http/errors';
import { signIn, signOut } from './sign-in';
import { bearerToken } from './guard';
import type { SignInThrottle } from './throttle';
import { renewWorkstationToken } from './workstations';

export interface AuthRoutesOptions {
  sessionTtlMs: number;
  throttle: SignInThrottle;
  newWorkstationLimit?: { count: number; windowMs: number } | undefined;
}

export function registerAuthRoutes(app: FastifyInstance, options: AuthRoutesOptions): void {
  const deps = { db: app.store.db, clock: app.clock, throttle: options.throttle, sessionTtlMs: options.sessionTtlMs, newWorkstationLimit: options.newWorkstationLimit };

  app.post('/auth/login', async (request) => {
    const value: LoginResponse = await signIn(deps, parseBody(loginRequest, request.body));
    return { ok: true, value };
  });

  app.post('/auth/logout', async (request) => {
    if (!request.auth) throw new HttpError('unauthenticated', 'Sign in first.');
    await signOut(deps, request.auth);
    return { ok: true, value: {} };
  });

  app.get('/auth/me', async (request) => {
    if (!request.auth) throw new HttpError('unauthenticated', 'Sign in first.');
    const value: MeResponse = { user: request.auth.user, expiresAt: request.auth.expiresAt };
    return { ok: true, value };
  });

  // The workstation guard has checked the token (not revoked, unexpired or in its grace, a user of
  // it active); the renewal checks it again under the row lock.
  app.post('/workstation/token', async (request, reply) => {
    const workstation = request.workstation;
    const token = bearerToken(request);
    if (!workstation || token === undefined) throw new HttpError('unauthenticated', 'This workstation is not signed in to the central store.');
    const { nextTokenHash } = parseBody(workstationTokenRequest, request.body);
    const now = app.clock();
    const renewal = await renewWorkstationToken(app.store.db, workstation.id, token, nextTokenHash, now);
    if (renewal === 'refused') {
      void reply.header('www-authenticate', 'Bearer');
      throw new HttpError('unauthenticated', 'This workstation token no longer works: sign in on the workstation online to sync again.');
    }
    if (renewal === 'replaced') {
      throw new HttpError('conflict', 'An online sign-in on this workstation has replaced this token meanwhile: sync goes on with the one it gave.');
    }
    const value: WorkstationTokenResponse = { expiresAt: renewal.expiresAt, expiresInMs: Math.max(1, renewal.expiresAt - now) };
    return { ok: true, value };
  });
}
