/**
 * PLACEHOLDER on branch is21-orders-base only (never merged to main as is): the store's applier
 * for phone orders is written on branch is21-order-store. Until then an order entry is refused.
 */
import type { NamesOf } from '../../../../src-shared/sync/mutations/define';
import type { ORDER_MUTATIONS } from '../../../../src-shared/sync/mutations/orders';
import { MutationRefused, type Appliers } from './refusal';

export const ORDER_APPLIERS: Appliers<NamesOf<typeof ORDER_MUTATIONS>> = {
  'order.submit': () => Promise.reject(new MutationRefused('invalid_input', 'The central store cannot take orders yet.')),
};
