/**
 * `requireUser(roles?)`: the preHandler every protected route uses. It reads
 * `Authorization: Bearer <token>`, finds the active session (unknown, expired or revoked → 401)
 * and checks the role (wrong role → 403), then leaves the session on `request.auth`.
 */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { UserRole } from '../../../src-shared/contracts/server-auth';
import { HttpError } from '../http/errors';
import { findActiveSession, type ActiveSession } from './sessions';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by requireUser; null on routes that do not require a user. */
    auth: ActiveSession | null;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{16,128})$/;

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header ? BEARER.exec(header)?.[1] : undefined;
}

export function requireUser(roles?: readonly UserRole[]): preHandlerAsyncHookHandler {
  return async function checkUser(request: FastifyRequest, reply: FastifyReply) {
    const token = bearerToken(request);
    const session = token === undefined ? undefined : await findActiveSession(request.server.store.db, token, request.server.clock());
    if (!session) {
      void reply.header('www-authenticate', 'Bearer');
      throw new HttpError('unauthenticated', 'Sign in again: the session is missing, expired or signed out.');
    }
    if (roles && !roles.includes(session.user.role)) {
      throw new HttpError('forbidden', `This needs one of these roles: ${roles.join(', ')}.`);
    }
    request.auth = session;
  };
}
