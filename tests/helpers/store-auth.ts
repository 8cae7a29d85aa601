/**
 * Signing in to the central store in tests (issue 5): a user session, and a workstation's token
 * for its sync routes (issued by an online sign-in that names the workstation).
 */
import type { FastifyInstance } from 'fastify';
import { loginResponse, type LoginResponse } from '../../src-shared/contracts/server-auth';

export interface Credentials {
  username: string;
  password: string;
}

/** Signs in (on `workstationId` when given) and returns the parsed answer; throws on anything but 200. */
export async function signIn(app: FastifyInstance, who: Credentials, workstationId?: string, workstationName = 'Test desk'): Promise<LoginResponse> {
  const payload = workstationId === undefined ? who : { ...who, workstation: { id: workstationId, name: workstationName } };
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload });
  if (res.statusCode !== 200) throw new Error(`signing in as ${who.username} answered ${res.statusCode}: ${res.body}`);
  return loginResponse.parse(res.json().value);
}

/** The workstation token `who` gets by signing in on `workstationId` (which registers it). */
export async function workstationToken(app: FastifyInstance, who: Credentials, workstationId: string, workstationName?: string): Promise<string> {
  const answer = await signIn(app, who, workstationId, workstationName);
  if (answer.workstationToken === undefined) throw new Error('the sign-in named a workstation but got no workstation token');
  return answer.workstationToken;
}

/**
 * One workstation token per workstation id, made on first use by signing in as `who` there (later
 * sign-ins on the same workstation would rotate it). Concurrent first uses share one sign-in.
 */
export class WorkstationTokens {
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(private readonly app: () => FastifyInstance) {}

  for(who: Credentials, workstationId: string): Promise<string> {
    let token = this.tokens.get(workstationId);
    if (!token) {
      token = workstationToken(this.app(), who, workstationId);
      this.tokens.set(workstationId, token);
    }
    return token;
  }

  /** Forget the cached token (after a test rotated it). */
  forget(workstationId: string): void {
    this.tokens.delete(workstationId);
  }
}
