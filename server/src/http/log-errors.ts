/**
 * How an error is written to the store's log (pino's `err` serializer, set on every logger the app
 * makes). Logs never carry query parameters, secrets or customer data (issue 18, item 12): a failed
 * insert used to log drizzle's "Failed query: … params: …" message, and with it a password hash.
 *
 * So an error is logged by its kind, not by its text wherever the text may echo values:
 * - a database error (one with a SQLSTATE) keeps its code and where it happened (table, column,
 *   constraint, routine), never its message or detail ("Key (username)=(…) already exists",
 *   "invalid input syntax for type uuid: …");
 * - drizzle's query error keeps the SQL text (placeholders only), never `params`;
 * - the stack keeps its frames, never a first line built from such a message;
 * - causes are serialized the same way.
 * Requests are logged by method and path: a query string carries what was asked (serializeRequest).
 */
import { sqlState } from '../db/db-errors';

export type LoggedError = {
  type: string;
  message: string;
  code?: string;
  table?: string;
  column?: string;
  constraint?: string;
  routine?: string;
  query?: string;
  stack: string;
  cause?: LoggedError;
};

const DB_WHERE = ['table', 'column', 'constraint', 'routine'] as const;

export function serializeError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: 'A non-Error value was thrown.', stack: '' };
  const type = error.name || error.constructor?.name || 'Error';
  const ownState = ownSqlState(error);
  const query = (error as { query?: unknown }).query;
  const isQueryError = typeof query === 'string' && 'params' in error;
  let message = error.message;
  if (ownState !== null) message = `Database error ${ownState}.`;
  else if (isQueryError) message = `A query failed${sqlState(error) ? ` (SQLSTATE ${sqlState(error)})` : ''}.`;
  const frames = typeof error.stack === 'string' ? framesOf(error.stack) : '';
  const logged: LoggedError = { type, message, stack: frames ? `${type}: ${message}\n${frames}` : `${type}: ${message}` };
  if (ownState !== null) {
    logged.code = ownState;
    for (const key of DB_WHERE) {
      const value = (error as unknown as Record<string, unknown>)[key];
      if (typeof value === 'string') logged[key] = value;
    }
  }
  if (isQueryError) logged.query = query.slice(0, 2000);
  if (error.cause !== undefined && depth < 5) logged.cause = serializeError(error.cause, depth + 1);
  return logged;
}

function ownSqlState(error: Error): string | null {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/** The "    at …" lines of a stack, without the message lines above them. */
function framesOf(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}

/** A request as the log shows it: method and path, never the query string (it carries what was asked). */
export function serializeRequest(request: { method?: string; url?: string; id?: unknown }): { method: string; path: string; query?: string; reqId?: unknown } {
  const url = request.url ?? '';
  const at = url.indexOf('?');
  const logged: { method: string; path: string; query?: string; reqId?: unknown } = { method: request.method ?? '', path: at < 0 ? url : url.slice(0, at) };
  if (at >= 0) logged.query = '(not logged)';
  if (request.id !== undefined) logged.reqId = request.id;
  return logged;
}
