/** POST /auth/login, POST /auth/logout, GET /auth/me. Handlers only translate; the rules are in users/sessions. */
import type { FastifyInstance } from 'fastify';
import { loginRequest, type LoginResponse, type MeResponse } from '../../../src-shared/contracts/server-auth';
import { HttpError, parseBody } from '../http/errors';
import { requireUser } from './guard';
import { hashForUnknownUser, verifyPassword } from './password';
import { createSession, revokeSession } from './sessions';
import { findUserByUsername } from './users';

/** One message for an unknown user, an inactive one and a wrong password: no user enumeration. */
export const WRONG_CREDENTIALS = 'Wrong user name or password.';

export function registerAuthRoutes(app: FastifyInstance, options: { sessionTtlMs: number }): void {
  app.post('/auth/login', async (request) => {
    const { username, password } = parseBody(loginRequest, request.body);
    const user = await findUserByUsername(app.store.db, username);
    // Always run scrypt, even for an unknown name, so the answer takes the same time either way.
    const matches = await verifyPassword(password, user?.passwordHash ?? (await hashForUnknownUser()));
    if (!user || !user.active || !matches) throw new HttpError('unauthenticated', WRONG_CREDENTIALS);
    const session = await createSession(app.store.db, user.id, app.clock(), options.sessionTtlMs);
    const value: LoginResponse = {
      token: session.token,
      expiresAt: session.expiresAt,
      user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role },
      teams: [],
    };
    return { ok: true, value };
  });

  app.post('/auth/logout', { preHandler: requireUser() }, async (request) => {
    if (!request.auth) throw new HttpError('unauthenticated', 'Sign in first.');
    await revokeSession(app.store.db, request.auth.sessionId, app.clock());
    return { ok: true, value: {} };
  });

  app.get('/auth/me', { preHandler: requireUser() }, async (request) => {
    if (!request.auth) throw new HttpError('unauthenticated', 'Sign in first.');
    const value: MeResponse = { user: request.auth.user, expiresAt: request.auth.expiresAt };
    return { ok: true, value };
  });
}
