/** Handlers for the worklist channels (contracts/worklist.ts). */
import type { worklistChannels } from '../../../src-shared/contracts/worklist';
import type { ReadContext, ReadHandlersOf } from '../rpc/handler-context';
import { WorklistQuery } from './worklist-query';

export function worklistReadHandlers(ctx: ReadContext): ReadHandlersOf<typeof worklistChannels> {
  let worklist: WorklistQuery | undefined;
  return {
    'worklist:today': (input) => (worklist ??= new WorklistQuery(ctx.db)).today(ctx.agentId, input.today),
  };
}
