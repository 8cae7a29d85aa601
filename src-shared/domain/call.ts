/**
 * The values a call's columns take, declared once: the cache's and the store's `calls` tables, the
 * contracts and the mutations all read them from here.
 */

/** How a call began: a screen-pop from the telephony system, or started by hand. */
export const CALL_SOURCES = ['screen_pop', 'manual'] as const;
export type CallSource = (typeof CALL_SOURCES)[number];

export const CALL_STATUSES = ['active', 'on_hold', 'wrap_up', 'completed'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
