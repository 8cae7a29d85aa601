/**
 * Text folding for searching past purchases: case and accents ignored, so "cafe" finds "Café
 * Crème" and "MULLER" finds "Müller". The same function folds the query (in JS) and the stored
 * names (as the SQL function sb_fold), so both sides are read the same way.
 */
import type Database from 'better-sqlite3';

const LIGATURES: [RegExp, string][] = [
  [/ß/g, 'ss'],
  [/[Ææ]/g, 'ae'],
  [/[Øø]/g, 'o'],
  [/[Łł]/g, 'l'],
  [/[Œœ]/g, 'oe'],
  [/[Đđ]/g, 'd'],
  [/[Þþ]/g, 'th'],
];

/** Anything outside printable ASCII: only such text needs the full fold. */
const BEYOND_ASCII = /[^ -~]/;

function foldUncached(text: string): string {
  if (!BEYOND_ASCII.test(text)) return text.toLowerCase();
  let s = text;
  for (const [pattern, replacement] of LIGATURES) s = s.replace(pattern, replacement);
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

// A customer's lines repeat the same few product names: searching 1,000 orders folds each
// distinct name once. Bounded, so a long session cannot grow it without limit.
const MEMO_MAX = 10_000;
const memo = new Map<string, string>();

export function foldText(text: string): string {
  let folded = memo.get(text);
  if (folded === undefined) {
    folded = foldUncached(text);
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(text, folded);
  }
  return folded;
}

export const FOLD_FUNCTION = 'sb_fold';

/** Registers sb_fold(text) on a connection (per connection; deterministic, so SQLite may cache it). */
export function registerFoldFunction(client: Database.Database): void {
  client.function(FOLD_FUNCTION, { deterministic: true }, (value: unknown) => (typeof value === 'string' ? foldText(value) : null));
}
