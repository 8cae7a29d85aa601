/**
 * The central store's HTTP contracts for signing in (issue 4). The server validates every request
 * body with these schemas; the app's sync client parses the responses with them.
 *
 * Every response body is a result envelope, the same shape as src-shared/result.ts:
 * `{ ok: true, value }` or `{ ok: false, error: { code, message } }`, with a matching HTTP status.
 */
import { z } from 'zod';
import { text } from './text';
import { ERROR_CODES } from '../result';

export const USER_ROLES = ['csr', 'supervisor', 'store_associate', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** HTTP adds two codes to the process-boundary ones: 401 and 403. */
/** The central store answers with the same codes as every other boundary (src-shared/result.ts). */
export const SERVER_ERROR_CODES = ERROR_CODES;
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

export const serverError = z.object({
  ok: z.literal(false),
  error: z.object({ code: z.enum(SERVER_ERROR_CODES), message: text(), field: text().optional() }),
});
export type ServerError = z.infer<typeof serverError>;

export const serverOk = <T extends z.ZodType>(value: T) => z.object({ ok: z.literal(true), value });

export const LOGIN_LIMITS = { usernameMax: 64, passwordMax: 256 } as const;

/** The workstation a user signs in on: its cache's client id and a name people recognise. */
export const workstationRef = z.object({
  id: text().uuid(),
  name: text().trim().min(1).max(120),
});
export type WorkstationRef = z.infer<typeof workstationRef>;

export const loginRequest = z.object({
  username: text().trim().min(1, 'Enter your user name.').max(LOGIN_LIMITS.usernameMax),
  password: text().min(1, 'Enter your password.').max(LOGIN_LIMITS.passwordMax),
  /**
   * Given by the app: the store registers the workstation (or recognises it), records it in the
   * audit log, counts failures per workstation as well as per user, and answers with a
   * workstation token for its sync traffic.
   */
  workstation: workstationRef.optional(),
  /**
   * The token this workstation holds (its current one, even expired, or the one it just replaced),
   * as proof that it is the workstation that registered `workstation.id` (issue 18). An existing id
   * without it is refused unless an admin signs in (registering it again).
   */
  workstationToken: text().min(16).max(128).optional(),
  /**
   * The token the workstation made for its next renewal (POST /workstation/token), also proof: a
   * renewal the store made but whose answer never reached the workstation left that one current.
   */
  workstationNextToken: text().min(16).max(128).optional(),
});
export type LoginRequest = z.infer<typeof loginRequest>;

export const sessionUser = z.object({
  id: text().uuid(),
  username: text(),
  displayName: text(),
  role: z.enum(USER_ROLES),
});
export type SessionUser = z.infer<typeof sessionUser>;

export const loginResponse = z.object({
  /** The bearer token: send it as `Authorization: Bearer <token>`. The server keeps only its hash. */
  token: text(),
  /** Epoch milliseconds (server clock). */
  expiresAt: z.number().int(),
  user: sessionUser,
  /** Names of the teams the user belongs to. */
  teams: z.array(text()).default([]),
  /**
   * With `workstation` in the request: the workstation's token for sync (push, pull, pokes,
   * checksums), replacing any earlier one. It does not end with the user's session, but it expires
   * (`workstationTokenExpiresInMs`): the workstation swaps it for a fresh one before
   * (POST /workstation/token).
   */
  workstationToken: text().optional(),
  /** How long the workstation token works from now (ms): relative, so the workstation's clock does not matter. */
  workstationTokenExpiresInMs: z.number().int().positive().optional(),
});
export type LoginResponse = z.infer<typeof loginResponse>;

/**
 * POST /workstation/token (issue 18): the workstation renews its token with one it made itself.
 * It keeps the new token before it asks and sends only its SHA-256 (hex), so asking again after a
 * lost answer or a crash sends the same one: the store's answer is the same, and whichever token
 * the store ended up with, the workstation holds it.
 */
export const workstationTokenRequest = z
  .object({
    /** SHA-256 (lowercase hex) of the token that replaces the presented one. */
    nextTokenHash: text().regex(/^[0-9a-f]{64}$/, 'The SHA-256 of the new token, in lowercase hex.'),
  })
  .strict();
export type WorkstationTokenRequest = z.infer<typeof workstationTokenRequest>;

/** The answer: the token whose hash was sent is the current one; the presented one keeps a short grace. */
export const workstationTokenResponse = z.object({
  /** Epoch ms (store clock). */
  expiresAt: z.number().int(),
  /** How long it works from now (ms). */
  expiresInMs: z.number().int().positive(),
});
export type WorkstationTokenResponse = z.infer<typeof workstationTokenResponse>;

export const meResponse = z.object({ user: sessionUser, expiresAt: z.number().int() });
export type MeResponse = z.infer<typeof meResponse>;

/** GET /health's value: the store answered a query. */
export const healthResponse = z.object({ store: z.enum(['postgres', 'pglite']) });
export type HealthResponse = z.infer<typeof healthResponse>;
