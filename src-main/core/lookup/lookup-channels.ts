/** Handlers for the lookup channels (contracts/lookup.ts). */
import type { lookupChannels } from '../../../src-shared/contracts/lookup';
import type { ReadContext, ReadHandlersOf } from '../rpc/handler-context';
import { CallerLookup } from './caller-lookup';

export function lookupReadHandlers(ctx: ReadContext): ReadHandlersOf<typeof lookupChannels> {
  // Statements are prepared on first use.
  let lookup: CallerLookup | undefined;
  return {
    'lookup:search': (input) => (lookup ??= new CallerLookup(ctx.db, { defaultRegion: ctx.defaultRegion })).search(input),
  };
}
