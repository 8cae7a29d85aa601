/** Handlers for the complaint channels (contracts/complaints.ts): the log writes, the query reads. */
import type { complaintChannels } from '../../../src-shared/contracts/complaints';
import type { ReadContext, ReadHandlersOf, WriteContext, WriteHandlersOf } from '../rpc/handler-context';
import { ComplaintLog } from './complaint-log';
import { ComplaintQuery } from './complaint-query';

export function complaintReadHandlers(ctx: ReadContext): ReadHandlersOf<typeof complaintChannels> {
  let query: ComplaintQuery | undefined;
  const complaints = () => (query ??= new ComplaintQuery(ctx.db));
  return {
    'complaint:list': (input) => complaints().list(input.customerId, input.statuses, input.limit),
    'complaint:get': (input) => complaints().get(input.complaintId),
  };
}

export function complaintWriteHandlers(ctx: WriteContext): WriteHandlersOf<typeof complaintChannels> {
  let log: ComplaintLog | undefined;
  const complaints = () => (log ??= new ComplaintLog(ctx.db));
  return {
    'complaint:log': (input) => complaints().log(input, ctx.agentId, ctx.now()),
    'complaint:transition': (input) => complaints().transition(input, ctx.agentId, ctx.now()),
    'complaint:set-follow-up': (input) => complaints().setFollowUp(input, ctx.agentId, ctx.now()),
  };
}
