import { useAppStore } from '../../../app/store';

/**
 * False while the first copy from the central store is still bringing in orders: the cache answers
 * order lists, purchases and suggestions empty until then, and screens say so instead of "none".
 * True until a status says otherwise (local only, or no status yet).
 */
export function useOrderHistoryReady(): boolean {
  return useAppStore((s) => s.syncStatus?.orderHistoryReady ?? true);
}
