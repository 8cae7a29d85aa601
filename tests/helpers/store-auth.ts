/**
 * Signing in to the central store in tests (issue 5): a user session, and a workstation's token
 * for its sync routes (issued by an online sign-in that names the workstation).
 */
import type { FastifyInstance } from 'fastify';
import { loginResponse, type LoginResponse } from '../../src-shared/contracts/server-auth';

/**
 * For stores in tests that register many workstations as one user at one moment (a fresh id per
 * test): the per-user limit on new workstation ids (issue 18) has its own test.
 */
export const MANY_NEW_WORKSTATIONS = { count: 100_000, windowMs: 60_000 } as const;

export interface Credentials {
  username: string;
  password: string;
}

/**
 * The last workstation token each store gave each workstation id, sent as the workstation's proof
 * when someone signs in on it again (issue 18: an existing id needs it), as the app does.
 */
const heldTokens = new WeakMap<FastifyInstance, Map<string, string>>();

/** Signs in (on `workstationId` when given) and returns the parsed answer; throws on anything but 200. */
export async function signIn(app: FastifyInstance, who: Credentials, workstationId?: string, workstationName = 'Test desk'): Promise<LoginResponse> {
  const held = heldTokens.get(app) ?? new Map<string, string>();
  heldTokens.set(app, held);
  const proof = workstationId === undefined ? undefined : held.get(workstationId);
  const payload = workstationId === undefined ? who : { ...who, workstation: { id: workstationId, name: workstationName }, ...(proof ? { workstationToken: proof } : {}) };
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload });
  if (res.statusCode !== 200) throw new Error(`signing in as ${who.username} answered ${res.statusCode}: ${res.body}`);
  const answer = loginResponse.parse(res.json().value);
  if (workstationId !== undefined && answer.workstationToken) held.set(workstationId, answer.workstationToken);
  return answer;
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
