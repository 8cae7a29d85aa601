/** Handlers for the customer 360 channels (contracts/customer360.ts): contact edits, history, timeline, purchases. */
import type { customer360Channels } from '../../../src-shared/contracts/customer360';
import type { ReadContext, ReadHandlersOf, WriteContext, WriteHandlersOf } from '../rpc/handler-context';
import { ProfileEditor } from './profile-editor';
import { ProfileHistory } from './profile-history';
import { CustomerTimeline } from './timeline';
import { PurchaseHistory } from './purchases';

export function customer360ReadHandlers(ctx: ReadContext): ReadHandlersOf<typeof customer360Channels> {
  let profileHistory: ProfileHistory | undefined;
  let timeline: CustomerTimeline | undefined;
  let purchases: PurchaseHistory | undefined;
  return {
    'customer:edit-history': (input) => (profileHistory ??= new ProfileHistory(ctx.db)).list(input.customerId, input.limit),
    'customer:timeline': (input) => (timeline ??= new CustomerTimeline(ctx.db)).page(input),
    'customer:purchases': (input) => (purchases ??= new PurchaseHistory(ctx.db)).search(input, ctx.now()),
    'order:get': (input) => (purchases ??= new PurchaseHistory(ctx.db)).order(input.orderId),
  };
}

export function customer360WriteHandlers(ctx: WriteContext): WriteHandlersOf<typeof customer360Channels> {
  let profileEditor: ProfileEditor | undefined;
  return {
    'customer:update-contact': (input) => (profileEditor ??= new ProfileEditor(ctx.db, ctx.defaultRegion)).updateContact(input, ctx.agentId, ctx.now()),
  };
}
