/**
 * What a database failure means, read from its SQLSTATE (PostgreSQL and PGlite both give one; drizzle
 * wraps the driver's error as the `cause` of its own). The push uses it to tell an entry the store
 * can never save (its data) from a store that cannot save anything just now (issue 18, item 3).
 *
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The SQLSTATE of `error` or of one of its causes, or null when none carries one. */
export function sqlState(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && SQLSTATE.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * 'data': the statement is wrong for these values (class 22 data exception: a NUL in text, a value
 * out of range, a bad encoding; class 23 integrity constraint violation): sending it again fails
 * again. 'transient': anything else with or without a SQLSTATE (connection, resources, a
 * serialization failure or deadlock, an operator shutting the server down, a bug): worth a retry.
 */
export type DbFailureKind = 'data' | 'transient';

export function classifyDbError(error: unknown): DbFailureKind {
  const state = sqlState(error);
  if (state === null) return 'transient';
  const kind = state.slice(0, 2);
  return kind === '22' || kind === '23' ? 'data' : 'transient';
}

/** A sentence for a data failure, without the database's own message (which may echo the value). */
export function dataFailureMessage(state: string): string {
  const what = state.startsWith('23') ? 'breaks a rule of the central store (an integrity constraint)' : 'holds a value the central store cannot store';
  return `This change ${what} (SQLSTATE ${state}), so it was not saved there and will not be sent again.`;
}
