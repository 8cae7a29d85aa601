/**
 * CycleFailure: a failure that ends a sync cycle. The engine's loop turns it into a state
 * (offline, store failing, signed out) and a retry time; the pieces of a cycle (token keeper, push
 * loop, puller, consistency check) throw it.
 */
import type { StoreFailure, StoreResult } from './store-client';

export class CycleFailure extends Error {
  constructor(
    readonly failure: StoreFailure,
    readonly signedOut = false,
  ) {
    super(failure.message);
    this.name = 'CycleFailure';
  }
}

/** The store's answer, or a CycleFailure that ends the cycle. */
export function expectAnswer<T>(r: StoreResult<T>): { value: T; serverTime: number | null } {
  if (r.ok) return r;
  throw new CycleFailure(r.failure);
}
