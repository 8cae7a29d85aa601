import { useEffect, useState } from 'react';
import type { CallState, CallStatus } from '../../../../../src-shared/contracts/calls';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { displayPhone } from '../../lookup/format';
import { lookUpCaller } from '../../lookup/hooks/useScreenPop';
import { endCall, holdCall, resumeCall, takeWaitingCall } from '../actions';
import { formatDuration, useCallTimer } from '../hooks/useCallTimer';
import { WrapUpPanel } from './WrapUpPanel';
import { useShortcut } from '../../../app/useShortcut';
import { ShortcutHint, shortcutProps } from '../../../ui/ShortcutHint';

const STATUS_LABELS: Record<CallStatus, string> = {
  active: 'On call',
  on_hold: 'On hold',
  wrap_up: 'Wrap-up',
  completed: 'Completed',
};

/** The caller's name for the bar, once the call is tied to a customer. */
function useCallerName(customerId: string | null): string | null {
  const [name, setName] = useState<{ id: string; name: string } | null>(null);
  useEffect(() => {
    if (customerId === null) return;
    let current = true;
    void switchboard()
      .customerGet({ customerId })
      .then((r) => {
        if (current && r.ok) setName({ id: customerId, name: r.value.displayName });
      });
    return () => {
      current = false;
    };
  }, [customerId]);
  return name !== null && name.id === customerId ? name.name : null;
}

function Caller({ call }: { call: CallState }) {
  const name = useCallerName(call.customerId);
  const number = call.fromE164 ? displayPhone(call.fromE164) : null;
  // A caller id that could not be read is shown exactly as it came (issue 19, item 3).
  const asReceived = number === null ? call.fromRaw : null;
  const customerId = call.customerId;
  return (
    <span className="callbar__caller">
      {customerId !== null ? (
        <button
          type="button"
          className="button button--quiet callbar__name"
          onClick={() => useAppStore.getState().openCustomer(customerId)}
          aria-label={`Open caller ${name ?? ''}`.trim()}
        >
          {name ?? 'Caller'}
        </button>
      ) : (
        <span className="callbar__name">Caller not identified yet</span>
      )}
      {number && <span className="tabular muted">{number}</span>}
      {asReceived && (
        <span className="tabular muted" title="The number as the phone system sent it; it could not be read as a phone number">
          {asReceived} (as received)
        </span>
      )}
      {customerId === null && (
        <button type="button" className="button button--quiet" onClick={() => void lookUpCaller(call)}>
          Search for the caller
        </button>
      )}
    </span>
  );
}

function waitingLabel(call: CallState): string {
  if (call.fromE164) return displayPhone(call.fromE164);
  return call.fromRaw ? `${call.fromRaw} (as received)` : 'a caller with no number';
}

/**
 * Another caller screen-popped during this call and waits on hold (issue 19, item 2). The CSR
 * chooses: finish this call first (the notice then stays as one line), or hold this call and take
 * the new one. During wrap-up the wrap-up comes first.
 */
function WaitingCalls({ current }: { current: CallState }) {
  const waiting = useAppStore((s) => s.waitingCalls);
  const [deferred, setDeferred] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = waiting[0];
  if (next === undefined) return null;
  const more = waiting.length - 1;
  const canTake = current.status === 'active' || current.status === 'on_hold';
  const take = async () => {
    setBusy(true);
    try {
      const taken = await takeWaitingCall(next.id);
      if (taken.ok) await lookUpCaller(taken.value);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="callbar__waiting" role="group" aria-label="Waiting calls">
      <p role="alert" className="callbar__waiting-text">
        <strong>Another call is waiting:</strong> <span className="tabular">{waitingLabel(next)}</span>
        {more > 0 && ` and ${more} more`}
        {!canTake && ' — finish this wrap-up, then take it.'}
      </p>
      <span className="callbar__actions">
        {canTake && deferred !== next.id && (
          <button type="button" className="button button--quiet" onClick={() => setDeferred(next.id)}>
            Finish this call first
          </button>
        )}
        {canTake && (
          <button type="button" className="button" disabled={busy} onClick={() => void take()}>
            Hold this call and take the new one
          </button>
        )}
      </span>
    </div>
  );
}

/** The call in progress, always in view: who, how long, hold/resume, end, then wrap-up. */
export function CallBar() {
  const call = useAppStore((s) => s.call);
  const receivedAt = useAppStore((s) => s.callReceivedAt);
  const callError = useAppStore((s) => s.callError);
  const timer = useCallTimer(call, receivedAt);
  const [busy, setBusy] = useState(false);
  const talking = call !== null && (call.status === 'active' || call.status === 'on_hold') && !busy;
  const runShortcut = (action: (callId: string) => Promise<void>) => {
    if (call === null) return;
    setBusy(true);
    void action(call.id).finally(() => setBusy(false));
  };
  useShortcut('holdResume', () => runShortcut(call?.status === 'on_hold' ? resumeCall : holdCall), talking);
  useShortcut('endCall', () => runShortcut(endCall), talking);

  if (call === null) {
    return callError ? (
      <div className="callbar callbar--idle" role="region" aria-label="Call">
        <p className="notice notice--error" role="alert">
          {callError}
        </p>
      </div>
    ) : null;
  }

  const run = (action: (callId: string) => Promise<void>) => async () => {
    setBusy(true);
    try {
      await action(call.id);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={`callbar callbar--${call.status}`} role="region" aria-label="Call">
      <div className="callbar__row">
        <span className="callbar__status">{STATUS_LABELS[call.status]}</span>
        <Caller call={call} />
        <span className="callbar__timer">
          <span className="muted">Talk</span>{' '}
          <time className="tabular" aria-label="Talk time">
            {formatDuration(timer.talkMs)}
          </time>
          {timer.holdMs > 0 && (
            <>
              {' '}
              <span className="muted">Hold</span>{' '}
              <time className="tabular" aria-label="Hold time">
                {formatDuration(timer.holdMs)}
              </time>
            </>
          )}
          {call.status === 'wrap_up' && (
            <>
              {' '}
              <span className="muted">Wrap-up</span>{' '}
              <time className="tabular" aria-label="Wrap-up time">
                {formatDuration(timer.wrapUpMs)}
              </time>
            </>
          )}
        </span>
        <span className="callbar__actions" data-focus-scope="">
          {call.status === 'active' && (
            <button type="button" className="button" disabled={busy} onClick={() => void run(holdCall)()} {...shortcutProps('holdResume')}>
              Hold <ShortcutHint id="holdResume" />
            </button>
          )}
          {call.status === 'on_hold' && (
            <button type="button" className="button" disabled={busy} onClick={() => void run(resumeCall)()} {...shortcutProps('holdResume')}>
              Resume <ShortcutHint id="holdResume" />
            </button>
          )}
          {(call.status === 'active' || call.status === 'on_hold') && (
            <button type="button" className="button button--danger" disabled={busy} onClick={() => void run(endCall)()} {...shortcutProps('endCall')}>
              End call <ShortcutHint id="endCall" />
            </button>
          )}
        </span>
      </div>
      <WaitingCalls current={call} />
      {callError && (
        <p className="notice notice--error" role="alert">
          {callError}
        </p>
      )}
      {call.status === 'wrap_up' && <WrapUpPanel key={call.id} call={call} />}
    </div>
  );
}
