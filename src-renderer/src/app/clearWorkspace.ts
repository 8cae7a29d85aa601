/**
 * The one place that forgets a user's work: every renderer store back to its initial state and
 * every module-level cache emptied. Called when a session ends (sign-out), when a new one starts
 * (sign-in, switch user) and when the main process reports a different user; never on unlocking
 * by the same user. Screens and their pending forms go with the workspace's React tree, which is
 * keyed by the session store's `workspaceGeneration` (bumped together with this call).
 *
 * A new store or cache holding anything of a user's session must be cleared here.
 */
import { useAppStore } from './store';
import { forgetCallerSearches } from '../features/lookup/hooks/useCallerSearch';
import { forgetConfigLists } from '../features/call/hooks/useConfigLists';
import { forgetDashboardFilter } from '../features/dashboard/components/Dashboard';

export function clearWorkspace(): void {
  // Replace, not merge: every field (lookup, view, call, sync) and its actions as first created.
  useAppStore.setState(useAppStore.getInitialState(), true);
  forgetCallerSearches();
  forgetConfigLists();
  forgetDashboardFilter();
}
