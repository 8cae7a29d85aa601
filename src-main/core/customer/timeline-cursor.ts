/**
 * Keyset cursors for the customer's lists: the position of the last entry shown — its time, kind
 * and id — in an opaque string the renderer hands back for the next page. Deep pages cost the
 * same as the first: each source seeks to the position in its index instead of skipping rows.
 */
import { AppError } from '../../../src-shared/result';

export interface Position {
  at: number;
  kind: string;
  id: string;
}

export function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify([p.at, p.kind, p.id]), 'utf8').toString('base64url');
}

/** Reads a cursor from `encodeCursor`; anything else is a typed error on the `cursor` field. */
export function decodeCursor(cursor: string, kinds: readonly string[]): Position {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  if (
    Array.isArray(value) &&
    value.length === 3 &&
    Number.isSafeInteger(value[0]) &&
    typeof value[1] === 'string' &&
    kinds.includes(value[1]) &&
    typeof value[2] === 'string' &&
    value[2].length > 0 &&
    value[2].length <= 64
  ) {
    return { at: value[0] as number, kind: value[1], id: value[2] };
  }
  throw new AppError('invalid_input', 'This page position is not valid any more; reload the list from the top.', 'cursor');
}

/** Newest first: time, then kind, then id, all descending — the order every page is cut from. */
export function newestFirst(a: Position, b: Position): number {
  if (a.at !== b.at) return b.at - a.at;
  if (a.kind !== b.kind) return a.kind < b.kind ? 1 : -1;
  if (a.id !== b.id) return a.id < b.id ? 1 : -1;
  return 0;
}

/**
 * The bounds one source (of constant kind `kind`) binds to return only entries after `cursor` in
 * `newestFirst` order: `at <= atMax AND (at < atMax OR tieAll OR (tieById AND id < idMax))`.
 * `atMax` is also the index range bound, so the scan starts at the cursor.
 */
export function boundsAfter(cursor: Position | null, kind: string): { atMax: number; tieAll: 0 | 1; tieById: 0 | 1; idMax: string } {
  if (cursor === null) return { atMax: Number.MAX_SAFE_INTEGER, tieAll: 1, tieById: 0, idMax: '' };
  // At the cursor's instant, kinds that sort below the cursor's kind come after it entirely;
  // the cursor's own kind continues below its id; kinds above it were all shown already.
  if (kind < cursor.kind) return { atMax: cursor.at, tieAll: 1, tieById: 0, idMax: '' };
  if (kind === cursor.kind) return { atMax: cursor.at, tieAll: 0, tieById: 1, idMax: cursor.id };
  return { atMax: cursor.at, tieAll: 0, tieById: 0, idMax: '' };
}
