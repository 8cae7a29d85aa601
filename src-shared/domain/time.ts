/**
 * Times as epoch milliseconds: the bounds a workstation's times are held to, and turning any
 * stored value into text without failing (issue 18, item 6).
 *
 * A workstation's clock stamps what CSRs write. Those times reach every other workstation through
 * the central store, so a single absurd one (a wrong clock, a crafted entry: 9000000000000000 is
 * past what a JavaScript Date can hold) must neither be accepted nor, if one is in a cache
 * already, make a read fail for everyone.
 */

/** The last millisecond of the year 9999: every time an entry carries is at most this. */
export const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The longest talk, hold or wrap-up time an entry may carry: 31 days. */
export const MAX_DURATION_MS = 31 * 24 * 60 * 60 * 1000;

/**
 * How far ahead of the central store's clock a workstation's time may be: a day covers clocks
 * set carelessly; beyond it the entry is refused (and shown to the CSR) rather than stored with a
 * time that would sit on top of every list for years.
 */
export const MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;

/** The largest and smallest times a Date can hold (ECMA-262 §21.4.1.1). */
const DATE_LIMIT_MS = 8.64e15;

/**
 * ISO 8601 text for any stored number, never a throw: a time a Date cannot hold reads as the
 * nearest one it can, and a value that is not a number at all as the epoch.
 */
export function isoTime(ms: number): string {
  const clamped = Number.isFinite(ms) ? Math.min(DATE_LIMIT_MS, Math.max(-DATE_LIMIT_MS, ms)) : 0;
  return new Date(clamped).toISOString();
}
