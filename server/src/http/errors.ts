/**
 * Errors at the HTTP boundary. Handlers throw `HttpError` (or AppError from src-shared); the app's
 * error handler turns whatever it catches into the result envelope `{ ok: false, error }` with a
 * matching status. Nothing escapes as an HTML page or a stack trace.
 */
import type { z } from 'zod';
import { AppError, missingCaseError } from '../../../src-shared/result';
import type { ServerError, ServerErrorCode } from '../../../src-shared/contracts/server-auth';
import { classifyDbError, sqlState } from '../db/db-errors';

export class HttpError extends Error {
  readonly code: ServerErrorCode;
  readonly field: string | undefined;
  constructor(code: ServerErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
    this.field = field;
  }
}

export function statusFor(code: ServerErrorCode): number {
  switch (code) {
    case 'invalid_input':
    case 'empty_query':
    case 'query_too_long':
    case 'unparseable_phone':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
    case 'forbidden_sender':
      return 403;
    case 'not_found':
    case 'unknown_channel':
      return 404;
    case 'conflict':
    case 'idempotency_conflict':
      return 409;
    case 'locked':
      return 423;
    case 'rate_limited':
      return 429;
    case 'unavailable':
    case 'directory_arriving':
      return 503;
    case 'internal':
      return 500;
    default:
      throw missingCaseError(code);
  }
}

export function envelope(code: ServerErrorCode, message: string, field?: string): ServerError {
  return field === undefined ? { ok: false, error: { code, message } } : { ok: false, error: { code, message, field } };
}

/** The body parsed by `schema`, or an `invalid_input` error naming the first field that failed. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : undefined;
  const message = issue ? (field ? `${field}: ${issue.message}` : issue.message) : 'The request body is not valid.';
  throw new HttpError('invalid_input', message, field);
}

/** What a caught error becomes on the wire. `internal` for anything not meant for the caller. */
export function toEnvelope(error: unknown): { status: number; body: ServerError } {
  if (error instanceof HttpError) return { status: statusFor(error.code), body: envelope(error.code, error.message, error.field) };
  if (error instanceof AppError) return { status: statusFor(error.code), body: envelope(error.code, error.message, error.field) };
  // The database refused the values a request carried (SQLSTATE class 22 or 23) when no contract
  // caught them first: still the caller's bad input, a typed 4xx, never a 500 (issue 18, item 15).
  if (classifyDbError(error) === 'data') {
    const state = sqlState(error) ?? '22000';
    return state.startsWith('23')
      ? { status: 409, body: envelope('conflict', `This request conflicts with what the central store holds (SQLSTATE ${state}).`) }
      : { status: 400, body: envelope('invalid_input', `This request holds a value the central store cannot store (SQLSTATE ${state}).`) };
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: envelope('invalid_input', clientErrorMessage(fastifyError.code, status)) };
  }
  return { status: 500, body: envelope('internal', 'The central store could not complete the request; it has been logged.') };
}

function clientErrorMessage(code: string | undefined, status: number): string {
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The request body is not valid JSON.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is empty; send a JSON object.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Send the request body as application/json.';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large.';
    default:
      return status === 400 ? 'The request is not valid.' : `The request was refused (HTTP ${status}).`;
  }
}
