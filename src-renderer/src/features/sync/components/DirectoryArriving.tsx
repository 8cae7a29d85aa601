import { useId } from 'react';
import { useAppStore } from '../../../app/store';
import { DIRECTORY_ARRIVING_SENTENCE, progressCountText } from '../words';

export const DIRECTORY_ARRIVING_TITLE = 'Customer directory still arriving';

/**
 * Shown on the lookup screen while the first copy from the central store is still bringing in the
 * customer directory: searches answer nothing until then, and a caller not found may still be a
 * customer. The sentence is a polite status (said once, when the notice appears); the copy's
 * progress beside it is a plain <progress>, not live, so twice-a-second updates are not read out.
 */
export function DirectoryArriving() {
  const id = useId();
  const initialSync = useAppStore((s) => s.syncStatus?.initialSync ?? null);
  const counted = initialSync !== null && initialSync.total > 0;
  return (
    <section className="notice notice--warn directory-arriving" aria-labelledby={`${id}-title`}>
      <div role="status">
        <p id={`${id}-title`} className="directory-arriving__title">
          {DIRECTORY_ARRIVING_TITLE}
        </p>
        <p>{DIRECTORY_ARRIVING_SENTENCE}</p>
      </div>
      {initialSync !== null && (
        <p className="directory-arriving__progress">
          <span id={`${id}-progress`}>First copy from the central store</span>{' '}
          <progress
            aria-labelledby={`${id}-progress`}
            aria-describedby={`${id}-count`}
            max={counted ? initialSync.total : undefined}
            value={counted ? Math.min(initialSync.done, initialSync.total) : undefined}
          />{' '}
          <span id={`${id}-count`} className="tabular">
            {progressCountText(initialSync.done, initialSync.total)}
          </span>
        </p>
      )}
    </section>
  );
}
