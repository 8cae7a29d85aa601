import { useAppStore } from '../../../app/store';

/**
 * A number that changes whenever rows pulled from the central store changed the cache. Screens
 * that show store data put it in their loading effect's dependencies, so they reload on a change
 * (keeping what they show until the new answer arrives, and never resetting a form being typed in).
 */
export function useDataVersion(): number {
  return useAppStore((s) => s.syncDataGeneration);
}
