import { useRef, useState, type RefObject } from 'react';
import type { SyncRejection } from '../../../../../src-shared/contracts/sync';
import { switchboard } from '../../../api/client';
import { refreshSyncStatus } from '../hooks/useSyncStatusPolling';
import { clockTime, mutationLabel } from '../words';

/**
 * Writes the central store refused for good. Each stays until a person has dealt with it and
 * dismisses it; the list hides a dismissed one at once and focus moves to the next one (or the
 * panel's heading), so the keyboard never falls back to the top of the page.
 */
export function Rejections({
  rejections,
  headingRef,
  afterLastRef,
  canDismiss,
}: {
  rejections: SyncRejection[];
  headingRef: RefObject<HTMLHeadingElement | null>;
  /** Where focus goes when the last one is dismissed: this whole section goes with the next status. */
  afterLastRef: RefObject<HTMLElement | null>;
  /** Dismissing needs sync.use; without it the list is for reading (and telling a supervisor). */
  canDismiss: boolean;
}) {
  const [dismissed, setDismissed] = useState<ReadonlySet<number>>(new Set());
  const [failure, setFailure] = useState<string | null>(null);
  const buttons = useRef(new Map<number, HTMLButtonElement>());
  const shown = rejections.filter((r) => !dismissed.has(r.mutationId));
  const now = Date.now();

  const dismiss = async (rejection: SyncRejection) => {
    const index = shown.findIndex((r) => r.mutationId === rejection.mutationId);
    const next = shown[index + 1] ?? shown[index - 1];
    setFailure(null);
    setDismissed((d) => new Set(d).add(rejection.mutationId));
    (next ? buttons.current.get(next.mutationId) : afterLastRef.current)?.focus();
    const result = await switchboard().syncDismissRejection({ mutationId: rejection.mutationId });
    if (!result.ok) {
      setDismissed((d) => {
        const kept = new Set(d);
        kept.delete(rejection.mutationId);
        return kept;
      });
      setFailure(`Could not dismiss “${mutationLabel(rejection.name)}”: ${result.error.message}`);
    }
    refreshSyncStatus();
  };

  return (
    <section className="sync-panel__section" aria-labelledby="sync-rejections-title">
      <h3 id="sync-rejections-title" className="panel__title" ref={headingRef} tabIndex={-1}>
        Changes the central store refused <span className="panel__count">({shown.length})</span>
      </h3>
      <p className="muted">
        These were not saved centrally and will not be tried again. Check each against the customer’s record, redo it if it is still needed, then
        {canDismiss ? ' dismiss it.' : ' ask a supervisor to dismiss it.'}
      </p>
      {failure !== null && (
        <p className="notice notice--error" role="alert">
          {failure}
        </p>
      )}
      {shown.length === 0 && <p className="muted">None left.</p>}
      {shown.length > 0 && (
        <ul className="sync-rejections">
          {shown.map((r) => {
            const what = mutationLabel(r.name);
            const when = clockTime(r.at, now);
            return (
              <li key={r.mutationId} className="sync-rejection">
                <span className="sync-rejection__what">{what}</span>
                <span className="sync-rejection__when tabular">{when}</span>
                <span className="sync-rejection__why">
                  {r.message} <span className="mono muted">({r.code})</span>
                </span>
                {canDismiss && (
                  <button
                    ref={(el) => {
                      if (el) buttons.current.set(r.mutationId, el);
                      else buttons.current.delete(r.mutationId);
                    }}
                    type="button"
                    className="button button--small"
                    aria-label={`Dismiss: ${what}, refused ${when}`}
                    onClick={() => void dismiss(r)}
                  >
                    Dismiss
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
