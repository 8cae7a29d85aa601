/** Handlers for the customer card and intake channels (contracts/customer.ts). */
import type { customerChannels } from '../../../src-shared/contracts/customer';
import type { ReadContext, ReadHandlersOf, WriteContext, WriteHandlersOf } from '../rpc/handler-context';
import { createCustomerCardQuery } from './customer-card';
import { CustomerIntake } from './customer-intake';

export function customerReadHandlers(ctx: ReadContext): ReadHandlersOf<typeof customerChannels> {
  let card: ReturnType<typeof createCustomerCardQuery> | undefined;
  return {
    'customer:get': (input) => (card ??= createCustomerCardQuery(ctx.db))(input.customerId),
  };
}

export function customerWriteHandlers(ctx: WriteContext): WriteHandlersOf<typeof customerChannels> {
  let intake: CustomerIntake | undefined;
  return {
    'customer:create': (input) => (intake ??= new CustomerIntake(ctx.db, ctx.defaultRegion)).create(input, ctx.now()),
  };
}
