import { useAppStore } from '../../../app/store';

/**
 * False while the first copy from the central store is still bringing in the customer directory
 * (customers, their phones, emails and addresses): caller lookup answers "still arriving" until
 * then and new customers cannot be created. True until a status says otherwise (local only, or no
 * status yet).
 */
export function useDirectoryReady(): boolean {
  return useAppStore((s) => s.syncStatus?.directoryReady ?? true);
}
