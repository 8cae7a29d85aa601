import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../../src-shared/contracts';
import type { CustomerPurchasesInput, PurchaseOrder } from '../../../../src-shared/contracts/customer360';
import { switchboard } from '../../api/client';

type Totals = ChannelOutput<'customer:purchases'>['totals'];
export type PurchasesFilter = Omit<CustomerPurchasesInput, 'customerId' | 'cursor' | 'limit'>;

export interface PurchasesState {
  status: 'loading' | 'loaded' | 'failed';
  orders: PurchaseOrder[];
  totals: Totals;
  nextCursor: string | null;
  error: string | null;
  loadingMore: boolean;
}

/** One customer's orders for a filter; the first page brings the totals, "more" pages with the cursor. */
export function usePurchases(customerId: string, filter: PurchasesFilter, key: string): PurchasesState & { loadMore(): void } {
  const [state, setState] = useState<PurchasesState & { key: string }>({
    key: '',
    status: 'loading',
    orders: [],
    totals: null,
    nextCursor: null,
    error: null,
    loadingMore: false,
  });
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, key, status: 'loading', error: null }));
    void switchboard()
      .customerPurchases({ customerId, ...filter, limit: 25 })
      .then((r) => {
        if (!current) return;
        if (r.ok) setState({ key, status: 'loaded', orders: r.value.orders, totals: r.value.totals, nextCursor: r.value.nextCursor, error: null, loadingMore: false });
        else setState((s) => ({ ...s, key, status: 'failed', error: r.error.message }));
      });
    return () => {
      current = false;
    };
    // `key` stands for the filter's content, so the filter object itself is not a dependency.
  }, [customerId, key]);

  const loadMore = () => {
    const cursor = state.nextCursor;
    if (cursor === null || state.loadingMore) return;
    setState((s) => ({ ...s, loadingMore: true }));
    void switchboard()
      .customerPurchases({ customerId, ...filter, cursor, limit: 25 })
      .then((r) => {
        setState((s) => {
          if (s.key !== key) return s;
          if (!r.ok) return { ...s, loadingMore: false, error: r.error.message };
          return { ...s, loadingMore: false, orders: [...s.orders, ...r.value.orders], nextCursor: r.value.nextCursor };
        });
      });
  };
  return { ...state, loadMore };
}
