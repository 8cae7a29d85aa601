/**
 * POST /auth/login, POST /auth/logout, GET /auth/me. Handlers only translate; the rules are in
 * sign-in.ts (and users, sessions, throttle, workstations).
 */
import type { FastifyInstance } from 'fastify';
import { loginRequest, type LoginResponse, type MeResponse } from '../../../src-shared/contracts/server-auth';
import { HttpError, parseBody } from '../http/errors';
import { signIn, signOut } from './sign-in';
import type { SignInThrottle } from './throttle';

export interface AuthRoutesOptions {
  sessionTtlMs: number;
  throttle: SignInThrottle;
}

export function registerAuthRoutes(app: FastifyInstance, options: AuthRoutesOptions): void {
  const deps = { db: app.store.db, clock: app.clock, throttle: options.throttle, sessionTtlMs: options.sessionTtlMs };

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
}
