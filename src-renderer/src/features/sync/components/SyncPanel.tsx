import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { SyncCheckResult, SyncStatus } from '../../../../../src-shared/contracts/sync';
import type { AppErrorShape, Result } from '../../../../../src-shared/result';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { refreshSyncStatus } from '../hooks/useSyncStatusPolling';
import { useNow } from '../hooks/useNow';
import { FAILURES_BEFORE_UNAVAILABLE, type SyncPanelOpener } from '../store';
import {
  clockTimeWithSeconds,
  pendingText,
  progressCountText,
  secondsUntil,
  stateMeaning,
  stateText,
  timeLeftText,
} from '../words';
import { DataCheck } from './DataCheck';
import { useCan } from '../../auth/store';
import { Rejections } from './Rejections';
import { SYNC_ATTENTION_BUTTON_ID, SYNC_DETAILS_BUTTON_ID, SYNC_PANEL_ID } from './ids';

type Outcome = { kind: 'idle' } | { kind: 'busy'; text: string } | { kind: 'done'; text: string } | { kind: 'error'; text: string };

/** Why the engine did not start what was asked, from the state it is in. */
function notStartedReason(status: SyncStatus | null): string {
  if (status === null) return 'the sync engine did not say why';
  switch (status.state) {
    case 'local_only':
      return 'no central store is set up';
    case 'signed_out':
      return 'this workstation is signed out of the central store';
    default:
      return 'a sync is already under way';
  }
}

/** Focus goes back to the control that opened the panel, or to "Sync details" if that one is gone. */
function focusOpener(opener: SyncPanelOpener): void {
  const id = opener === 'attention' ? SYNC_ATTENTION_BUTTON_ID : SYNC_DETAILS_BUTTON_ID;
  (document.getElementById(id) ?? document.getElementById(SYNC_DETAILS_BUTTON_ID))?.focus();
}

function Facts({ status }: { status: SyncStatus }) {
  const countingDown = (status.state === 'offline' || status.state === 'store_failing') && status.nextRetryAt !== null;
  const now = useNow(countingDown);
  return (
    <dl className="facts sync-panel__facts">
      <div className="facts__row">
        <dt>Central store</dt>
        <dd className={status.serverUrl === null ? undefined : 'mono'}>{status.serverUrl ?? 'None set up'}</dd>
      </div>
      <div className="facts__row">
        <dt>State</dt>
        <dd>
          <strong>{stateText(status, now)}</strong>. {stateMeaning(status.state)}
        </dd>
      </div>
      <div className="facts__row">
        <dt>Waiting to sync</dt>
        <dd>
          {status.state === 'local_only'
            ? `${status.pendingWrites === 1 ? '1 change' : `${status.pendingWrites} changes`} kept on this workstation`
            : pendingText(status.pendingWrites)}
        </dd>
      </div>
      <div className="facts__row">
        <dt>Last sync</dt>
        <dd>{status.lastSyncAt === null ? 'Not synced yet' : clockTimeWithSeconds(status.lastSyncAt, now)}</dd>
      </div>
      <div className="facts__row">
        <dt>Last error</dt>
        <dd>{status.lastError ?? 'None'}</dd>
      </div>
      {status.nextRetryAt !== null && (status.state === 'offline' || status.state === 'store_failing') && (
        <div className="facts__row">
          <dt>Next try</dt>
          <dd className="tabular">
            in {secondsUntil(status.nextRetryAt, now)} s ({clockTimeWithSeconds(status.nextRetryAt, now)})
          </dd>
        </div>
      )}
      {status.initialSync !== null && (
        <div className="facts__row">
          <dt>Initial sync</dt>
          <dd className="tabular">
            {progressCountText(status.initialSync.done, status.initialSync.total)}, {timeLeftText(status.initialSync.etaMs)}. Lookups keep working
            meanwhile.
          </dd>
        </div>
      )}
    </dl>
  );
}

/**
 * The sync panel: where the store is, how the connection stands and why, and what a person can
 * do — sync now, check the data, re-pull everything, deal with refused writes. A disclosure region
 * above the status bar, not a modal: a call can come in while it is open, and lookups stay in
 * reach. Esc closes it and focus returns to the button that opened it.
 */
export function SyncPanel() {
  const panel = useAppStore((s) => s.syncPanel);
  if (!panel.open) return null;
  return <OpenSyncPanel opener={panel.opener} request={panel.request} />;
}

function OpenSyncPanel({ opener, request }: { opener: SyncPanelOpener; request: number }) {
  const status = useAppStore((s) => s.syncStatus);
  const error = useAppStore((s) => s.syncStatusError);
  const failures = useAppStore((s) => s.syncStatusFailures);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const [checked, setChecked] = useState<SyncCheckResult | null>(null);
  const [confirmingReset, setConfirmingReset] = useState(false);
  // Re-pulling everything needs sync.manage (supervisors, admins); dismissing a refused write, sync.use.
  const canManage = useCan('sync.manage');
  const canDismiss = useCan('sync.use');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const rejectionsHeadingRef = useRef<HTMLHeadingElement>(null);
  const resetButtonRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLParagraphElement>(null);
  const unavailable = error !== null && (status === null || failures >= FAILURES_BEFORE_UNAVAILABLE);
  const busy = outcome.kind === 'busy';

  useEffect(() => {
    // Each open (also "needs attention" pressed while open) puts focus where that opener points.
    const target = opener === 'attention' ? (rejectionsHeadingRef.current ?? headingRef.current) : headingRef.current;
    target?.focus();
  }, [opener, request]);

  useEffect(() => {
    if (confirmingReset) confirmRef.current?.focus();
  }, [confirmingReset]);

  const close = () => {
    focusOpener(opener);
    useAppStore.getState().closeSyncPanel();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    // Handled here, so the window's Esc (back to results) does not also fire.
    event.preventDefault();
    if (confirmingReset) {
      setConfirmingReset(false);
      resetButtonRef.current?.focus();
    } else {
      close();
    }
  };

  async function run<T>(busyText: string, request: () => Promise<Result<T>>, done: (value: T) => string, failed: (error: AppErrorShape) => string) {
    if (busy) return;
    setOutcome({ kind: 'busy', text: busyText });
    const result = await request();
    setOutcome(result.ok ? { kind: 'done', text: done(result.value) } : { kind: 'error', text: failed(result.error) });
    refreshSyncStatus();
  }

  const syncNow = () =>
    void run(
      'Asking for a sync…',
      () => switchboard().syncNow({}),
      (v) => (v.started ? 'Sync started: sending changes waiting here and fetching new ones.' : `Sync not started: ${notStartedReason(useAppStore.getState().syncStatus)}.`),
      (e) => `Sync now failed: ${e.message}`,
    );

  const check = () =>
    void run(
      'Checking the data against the central store…',
      async () => {
        const result = await switchboard().syncCheck({});
        if (result.ok) setChecked(result.value);
        return result;
      },
      (v) => (v.skipped === null ? 'Data check finished; the result is below.' : 'The data check was not made; the reason is below.'),
      (e) => `Data check failed: ${e.message}`,
    );

  const reset = () => {
    setConfirmingReset(false);
    resetButtonRef.current?.focus();
    void run(
      'Asking for a re-pull…',
      () => switchboard().syncReset({}),
      (v) =>
        v.started
          ? 'Re-pull started: every table is copied again from the central store. Changes waiting here are kept and still sent.'
          : `Re-pull not started: ${notStartedReason(useAppStore.getState().syncStatus)}.`,
      (e) => `Re-pull failed: ${e.message}`,
    );
  };

  // The newer of the check asked for here and the engine's last one (it may have run one itself).
  const lastCheck = [checked, status?.lastCheck ?? null].reduce<SyncCheckResult | null>(
    (newest, c) => (c !== null && (newest === null || c.at > newest.at) ? c : newest),
    null,
  );
  const pending = status?.pendingWrites ?? 0;

  return (
    <section id={SYNC_PANEL_ID} className="sync-panel" aria-labelledby="sync-panel-title" onKeyDown={onKeyDown}>
      <div className="sync-panel__head">
        <h2 id="sync-panel-title" className="sync-panel__title" ref={headingRef} tabIndex={-1}>
          Sync with the central store
        </h2>
        <button type="button" className="button button--quiet" onClick={close}>
          Close sync details <kbd aria-hidden="true">Esc</kbd>
        </button>
      </div>

      {unavailable && (
        <p className="notice sync-panel__notice">
          Sync status unavailable: {error.message}
          {status !== null && ' What follows is the last status received.'}
        </p>
      )}
      {status === null && !unavailable && <p className="muted">Reading sync status…</p>}
      {status !== null && <Facts status={status} />}

      <div className="sync-panel__actions">
        {/* aria-disabled, not disabled, while one runs: a disabled button drops the focus it holds. */}
        <button type="button" className="button" aria-disabled={busy} onClick={syncNow}>
          Sync now
        </button>
        <button type="button" className="button" aria-disabled={busy} onClick={check}>
          Check data
        </button>
        {canManage && (
          <button
            ref={resetButtonRef}
            type="button"
            className="button"
            aria-disabled={busy}
            aria-expanded={confirmingReset}
            onClick={() => {
              if (!busy) setConfirmingReset((v) => !v);
            }}
          >
            Re-pull everything…
          </button>
        )}
        <span role="status" className={outcome.kind === 'error' ? 'sync-panel__outcome sync-panel__outcome--error' : 'sync-panel__outcome'}>
          {outcome.kind === 'idle' ? '' : outcome.text}
        </span>
      </div>

      {canManage && confirmingReset && (
        <div className="sync-panel__confirm" role="group" aria-labelledby="sync-reset-question">
          <p id="sync-reset-question" ref={confirmRef} tabIndex={-1}>
            Re-pull everything from the central store? Every table is copied again; on a large store this takes several minutes, and lookups keep
            working meanwhile.{' '}
            {pending > 0
              ? `The ${pending === 1 ? 'change' : `${pending} changes`} waiting to sync ${pending === 1 ? 'is' : 'are'} kept and still sent.`
              : 'Changes waiting to sync are kept and still sent.'}
          </p>
          <div className="form__actions">
            <button type="button" className="button button--primary" onClick={reset}>
              Yes, re-pull everything
            </button>
            <button
              type="button"
              className="button"
              onClick={() => {
                setConfirmingReset(false);
                resetButtonRef.current?.focus();
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      )}

      {lastCheck !== null && <DataCheck check={lastCheck} />}
      {status !== null && status.rejections.length > 0 && (
        <Rejections rejections={status.rejections} headingRef={rejectionsHeadingRef} afterLastRef={headingRef} canDismiss={canDismiss} />
      )}
    </section>
  );
}
