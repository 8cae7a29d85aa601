/** Handlers for the order channels (contracts/orders.ts): quotes and reads on the reader, submits on the writer. */
import type { orderChannels } from '../../../src-shared/contracts/orders';
import type { ReadContext, ReadHandlersOf, WriteContext, WriteHandlersOf } from '../rpc/handler-context';
import { OrderDesk } from './order-desk';
import { OrderQuery } from './order-query';

export function orderReadHandlers(ctx: ReadContext): ReadHandlersOf<typeof orderChannels> {
  let query: OrderQuery | undefined;
  const orders = () => (query ??= new OrderQuery(ctx.db, ctx.defaultRegion));
  return {
    'order:quote': (input) => orders().quote(input, { userId: ctx.agentUserId ?? null, role: ctx.agentRole ?? null }, ctx.now()),
    'order:status': (input) => orders().get(input.orderId),
    'order:options': () => orders().options(),
  };
}

export function orderWriteHandlers(ctx: WriteContext): WriteHandlersOf<typeof orderChannels> {
  let desk: OrderDesk | undefined;
  return {
    'order:submit': (input) =>
      (desk ??= new OrderDesk(ctx.db, ctx.defaultRegion)).submit(
        input,
        { agentId: ctx.agentId, userId: ctx.agentUserId ?? null, role: ctx.agentRole ?? null },
        ctx.approver,
        ctx.now(),
      ),
  };
}
