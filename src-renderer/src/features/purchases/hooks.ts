import { useEffect, useRef, useState } from 'react';
import type { ChannelOutput } from '../../../../src-shared/contracts';
import { PURCHASES_PAGE_MAX, type CustomerPurchasesInput, type PurchaseOrder } from '../../../../src-shared/contracts/customer360';
import { switchboard } from '../../api/client';
import { useDataVersion } from '../sync/hooks/useDataVersion';
import { useAppStore } from '../../app/store';

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

const PAGE = 25;

/**
 * One customer's orders for a filter; the first page brings the totals, "more" pages with the
 * cursor. Orders arriving with a sync reload the list quietly: no "Loading…" (the totals line is a
 * live region, and a sync must not make it speak), as many orders as were shown, same filter.
 */
export function usePurchases(customerId: string, filter: PurchasesFilter, key: string): PurchasesState & { loadMore(): void } {
  const [state, setState] = useState<PurchasesState & { key: string; generation: number }>({
    key: '',
    generation: 0,
    status: 'loading',
    orders: [],
    totals: null,
    nextCursor: null,
    error: null,
    loadingMore: false,
  });
  const dataVersion = useDataVersion();
  const ordersVersion = useAppStore((s) => s.ordersVersion);
  const shown = useRef({ key: '', count: 0 });
  shown.current = { key: state.key, count: state.orders.length };
  const generation = useRef(0);
  useEffect(() => {
    let current = true;
    const mine = ++generation.current;
    const refresh = shown.current.key === key && key !== '';
    const limit = refresh ? Math.min(PURCHASES_PAGE_MAX, Math.max(PAGE, shown.current.count)) : PAGE;
    if (!refresh) setState((s) => ({ ...s, key, generation: mine, status: 'loading', error: null }));
    void switchboard()
      .customerPurchases({ customerId, ...filter, limit })
      .then((r) => {
        if (!current) return;
        if (r.ok) {
          setState({ key, generation: mine, status: 'loaded', orders: r.value.orders, totals: r.value.totals, nextCursor: r.value.nextCursor, error: null, loadingMore: false });
        } else setState((s) => ({ ...s, key, generation: mine, status: 'failed', error: r.error.message, loadingMore: false }));
      });
    return () => {
      current = false;
    };
    // `key` stands for the filter's content, so the filter object itself is not a dependency.
  }, [customerId, key, dataVersion, ordersVersion]);

  const loadMore = () => {
    const cursor = state.nextCursor;
    if (cursor === null || state.loadingMore) return;
    const from = state.generation;
    setState((s) => ({ ...s, loadingMore: true }));
    void switchboard()
      .customerPurchases({ customerId, ...filter, cursor, limit: PAGE })
      .then((r) => {
        setState((s) => {
          // A page for a list that has since been reloaded (new filter or a sync) would duplicate or mix rows.
          if (s.key !== key || s.generation !== from) return s;
          if (!r.ok) return { ...s, loadingMore: false, error: r.error.message };
          return { ...s, loadingMore: false, orders: [...s.orders, ...r.value.orders], nextCursor: r.value.nextCursor };
        });
      });
  };
  return { ...state, loadMore };
}
