import { useEffect, useState } from 'react';
import type { CallState, CallStatus } from '../../../../../src-shared/contracts/calls';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { displayPhone } from '../../lookup/format';
import { endCall, holdCall, resumeCall } from '../actions';
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
    </span>
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
      {callError && (
        <p className="notice notice--error" role="alert">
          {callError}
        </p>
      )}
      {call.status === 'wrap_up' && <WrapUpPanel key={call.id} call={call} />}
    </div>
  );
}
