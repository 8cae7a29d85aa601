/**
 * Result envelopes: errors are values at every process boundary (IPC, HTTP, worker).
 * Inside a process code throws; the boundary turns what it catches into one of these.
 */
export const ERROR_CODES = [
  'invalid_input',
  'empty_query',
  'query_too_long',
  'unparseable_phone',
  'not_found',
  'conflict',
  'forbidden_sender',
  'unknown_channel',
  'unavailable',
  'internal',
  /** No valid session: sign in (again). */
  'unauthenticated',
  /** Signed in, but the role does not allow this. */
  'forbidden',
  /** The screen is locked: unlock with the same user's password, or sign in as someone else. */
  'locked',
  /** Too many failed attempts: slowed down or locked for a time (the message says until when). */
  'rate_limited',
  /**
   * The first copy from the central store is still bringing in the customer directory: a write
   * that must check it (a new customer, a contact edit) waits until the directory is in.
   */
  'directory_arriving',
  /** The same idempotency key was used before for a different request body (the ingest API, issue 23). */
  'idempotency_conflict',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorShape {
  code: ErrorCode;
  /** A sentence a person can act on. */
  message: string;
  /** Optional machine-readable detail (e.g. the field that failed). */
  field?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, field?: string): { ok: false; error: AppErrorShape } =>
  field === undefined ? { ok: false, error: { code, message } } : { ok: false, error: { code, message, field } };

/** Thrown inside a process; translated to `{ ok: false, error }` at the boundary. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.field = field;
  }
  toShape(): AppErrorShape {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

/** For exhaustive switches: the compiler proves this is unreachable. */
export function missingCaseError(value: never): Error {
  return new Error(`Unhandled case: ${String(value)}`);
}
