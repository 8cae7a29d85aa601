// Main → renderer events. Kept free of zod so the sandboxed preload stays a few kilobytes.

export interface ScreenPop {
  from: string;
}

/** Event channel main → renderer (not a request channel). */
export const SCREEN_POP_EVENT = 'call:screen-pop';
