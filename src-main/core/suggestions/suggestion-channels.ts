/** Handlers for the upsell channels (contracts/suggestions.ts): suggestions and the miner's status (reader), the offer log (writer). */
import type { suggestionChannels } from '../../../src-shared/contracts/suggestions';
import { stepAgent, type ReadContext, type ReadHandlersOf, type WriteContext, type WriteHandlersOf } from '../rpc/handler-context';
import { SuggestionEngine } from './suggestion-engine';
import { createCoPurchaseStatusQuery } from './co-purchase-miner';
import { OfferLog, OfferStats } from '../offers/offer-log';

export function suggestionReadHandlers(ctx: ReadContext): ReadHandlersOf<typeof suggestionChannels> {
  let suggestions: SuggestionEngine | undefined;
  let minerStatus: ReturnType<typeof createCoPurchaseStatusQuery> | undefined;
  let offerStats: OfferStats | undefined;
  return {
    'suggestions:list': (input) =>
      (suggestions ??= new SuggestionEngine(ctx.db, { offerCooldownDays: ctx.offerCooldownDays })).list(input.customerId, { limit: input.limit, now: ctx.now() }),
    'suggestions:status': () => (minerStatus ??= createCoPurchaseStatusQuery(ctx.db))(),
    'offers:stats': (input) => (offerStats ??= new OfferStats(ctx.db)).stats(input),
  };
}

export function suggestionWriteHandlers(ctx: WriteContext): WriteHandlersOf<typeof suggestionChannels> {
  let offerLog: OfferLog | undefined;
  return {
    'offer:present': (input) => (offerLog ??= new OfferLog(ctx.db)).present(input, ctx.agentId, ctx.now()),
    'offer:decide': (input) => (offerLog ??= new OfferLog(ctx.db)).decide(input.offerId, input.outcome, stepAgent(ctx), ctx.now()),
  };
}
