import { useId } from 'react';
import type { SyncStatus } from '../../../../../src-shared/contracts/sync';
import { progressCountText, timeLeftText } from '../words';

/**
 * The copy from the central store while it runs: a real <progress> named "Initial sync" (the CSP
 * allows no inline styles, and a native bar needs none), the rows in words and the time left.
 * Before the store has counted the rows the bar is indeterminate.
 */
export function InitialSyncProgress({ progress }: { progress: NonNullable<SyncStatus['initialSync']> }) {
  const id = useId();
  const counted = progress.total > 0;
  return (
    <span className="statusbar__item sync-progress">
      <span id={`${id}-label`} className="sync-progress__label">
        Initial sync
      </span>
      <progress
        className="sync-progress__bar"
        aria-labelledby={`${id}-label`}
        aria-describedby={`${id}-detail`}
        max={counted ? progress.total : undefined}
        value={counted ? Math.min(progress.done, progress.total) : undefined}
      />
      <span id={`${id}-detail`} className="tabular">
        {progressCountText(progress.done, progress.total)} · {timeLeftText(progress.etaMs)}
      </span>
    </span>
  );
}
