/**
 * The window's state: one zustand store composed from the feature slices, so each feature owns
 * its part and its actions while components subscribe to exactly what they show.
 */
import { create } from 'zustand';
import { createLookupSlice, type LookupSlice } from '../features/lookup/store';
import { createCustomerSlice, type CustomerSlice } from '../features/customer/store';
import { createCallSlice, type CallSlice } from '../features/call/store';
import { createSyncSlice, type SyncSlice } from '../features/sync/store';
import { createOrderSlice, type OrderSlice } from '../features/order/store';

export type AppState = LookupSlice & CustomerSlice & CallSlice & SyncSlice & OrderSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createLookupSlice(...a),
  ...createCustomerSlice(...a),
  ...createCallSlice(...a),
  ...createSyncSlice(...a),
  ...createOrderSlice(...a),
}));
