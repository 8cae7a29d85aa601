/** Handlers for the call lifecycle channels (contracts/calls.ts): the desk writes, the query reads. */
import type { callChannels } from '../../../src-shared/contracts/calls';
import { stepAgent, type ReadContext, type ReadHandlersOf, type WriteContext, type WriteHandlersOf } from '../rpc/handler-context';
import { CallDesk } from './call-desk';
import { CallQuery } from './call-query';

export function callReadHandlers(ctx: ReadContext): ReadHandlersOf<typeof callChannels> {
  let query: CallQuery | undefined;
  const calls = () => (query ??= new CallQuery(ctx.db));
  return {
    'call:get': (input) => calls().get(input.callId, ctx.now()),
    'call:current': () => calls().current(ctx.agentId, ctx.now()),
    'config:lists': () => calls().lists(),
  };
}

export function callWriteHandlers(ctx: WriteContext): WriteHandlersOf<typeof callChannels> {
  let desk: CallDesk | undefined;
  const calls = () => (desk ??= new CallDesk(ctx.db, ctx.defaultRegion));
  return {
    'call:start': (input) => calls().start(input, ctx.agentId, ctx.now()),
    'call:attach-customer': (input) => calls().attachCustomer(input, stepAgent(ctx), ctx.now()),
    'call:hold': (input) => calls().hold(input.callId, stepAgent(ctx), ctx.now()),
    'call:resume': (input) => calls().resume(input.callId, stepAgent(ctx), ctx.now()),
    'call:end': (input) => calls().end(input.callId, stepAgent(ctx), ctx.now()),
    'call:wrap-up': (input) => calls().wrapUp(input, stepAgent(ctx), ctx.now()),
  };
}
