import { useCallback, useEffect, useRef, useState } from 'react';
import { FOLLOW_UP_NOTE_MAX, LOW_SATISFACTION_DAYS, type LowSatisfactionCall } from '../../../../../src-shared/contracts/calls';
import { findCardNumber } from '../../../../../src-shared/domain/card-number';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { formatDateTime } from '../../../ui/format';

const SCORE_WORDS: Record<number, string> = { 1: 'very unsatisfied', 2: 'unsatisfied' };

const who = (c: LowSatisfactionCall) => c.customerName ?? 'the unidentified caller';

function FollowUpRow({ call, onClosed }: { call: LowSatisfactionCall; onClosed(call: LowSatisfactionCall, sentence: string): void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [claimedBy, setClaimedBy] = useState(call.followUp.claimedBy);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const noteId = `follow-up-note-${call.callId}`;
  const closed = call.followUp.closedAt !== null;

  const claim = async () => {
    setBusy(true);
    const r = await switchboard().callFollowUpClaim({ callId: call.callId });
    setBusy(false);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    setClaimedBy(r.value.followUp.claimedBy);
    noteRef.current?.focus();
  };

  const close = async () => {
    const what = note.trim();
    if (what === '') {
      setError('Say what was done to follow up.');
      noteRef.current?.focus();
      return;
    }
    if (findCardNumber(what)) {
      setError('This looks like a card number. Switchboard never stores card numbers (PCI DSS): remove the digits.');
      noteRef.current?.focus();
      return;
    }
    setBusy(true);
    const r = await switchboard().callFollowUpClose({ callId: call.callId, note: what });
    setBusy(false);
    if (!r.ok) {
      setError(r.error.message);
      noteRef.current?.focus();
      return;
    }
    onClosed(r.value, `Followed up: ${who(call)}’s call (taken by ${call.agentName}).`);
  };

  return (
    <li className="approval" data-call-id={call.callId}>
      <p className="approval__what">
        <strong>{call.customerName ?? 'Caller not identified'}</strong>: scored {call.satisfaction} ({SCORE_WORDS[call.satisfaction] ?? 'low'}), taken by {call.agentName}
        {call.completedAt ? `, ${formatDateTime(call.completedAt)}` : ''}
        {call.dispositionCode ? ` · ${call.dispositionCode}` : ''}
        {call.wrapUpNotes ? ` · “${call.wrapUpNotes}”` : ''}
      </p>
      {closed ? (
        <p className="muted">
          Followed up by {call.followUp.closedBy}, {formatDateTime(call.followUp.closedAt!)}: “{call.followUp.note}”
        </p>
      ) : (
        <>
          <p className="muted">{claimedBy ? `Taken by ${claimedBy}.` : 'Nobody has taken this yet.'}</p>
          <div className="approval__decide">
            {call.customerId !== null && (
              <button type="button" className="button" onClick={() => useAppStore.getState().openCustomer(call.customerId!)} aria-label={`Open customer ${call.customerName ?? '(the caller)'} to follow up`}>
                Open customer
              </button>
            )}
            {claimedBy === null && (
              <button type="button" className="button" disabled={busy} onClick={() => void claim()} aria-label={`Take it: the follow-up of ${who(call)}’s call`}>
                Take it
              </button>
            )}
            <label htmlFor={noteId} className="field__label">
              What was done for {who(call)}
            </label>
            <textarea
              ref={noteRef}
              id={noteId}
              className="field__input"
              rows={2}
              value={note}
              maxLength={FOLLOW_UP_NOTE_MAX}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${noteId}-error` : undefined}
              onChange={(e) => {
                setError(null);
                setNote(e.target.value);
              }}
              onKeyDown={(e) => {
                // Ctrl+Enter (or ⌘+Enter) marks it followed up; Enter alone makes a new line.
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                  e.preventDefault();
                  void close();
                }
              }}
            />
            <button type="button" className="button button--primary" disabled={busy} onClick={() => void close()} aria-label={`Mark followed up: ${who(call)}’s call`}>
              Mark followed up
            </button>
          </div>
          {error && (
            <p id={`${noteId}-error`} className="field__error" role="alert">
              {error}
            </p>
          )}
        </>
      )}
    </li>
  );
}

/**
 * The follow-ups low satisfaction scores open (issue 22): calls of the supervisor's teams whose
 * caller answered 1 or 2 (at wrap-up or later through a survey tool), read from the store when the
 * screen opens. The open ones first, newest first, each with the CSR and the score, the customer to
 * call back, "Take it" and "Mark followed up" with a note; "Show followed up" adds those closed in
 * the last LOW_SATISFACTION_DAYS days. After one is closed, focus moves to the next open one's note
 * (or, when none is left, to the "Show followed up" check box).
 */
export function LowScores() {
  const [list, setList] = useState<LowSatisfactionCall[] | { error: string } | null>(null);
  const [showClosed, setShowClosed] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const focusNext = useRef<string | null | undefined>(undefined);
  const showClosedRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let current = true;
    void switchboard()
      .callLowSatisfaction({ show: showClosed ? 'all' : 'open' })
      .then((r) => {
        if (current) setList(r.ok ? r.value.calls : { error: r.error.message });
      });
    return () => {
      current = false;
    };
  }, [showClosed, tick]);

  // After a close, once the list is read again: the next open follow-up's note, else the check box.
  useEffect(() => {
    if (focusNext.current === undefined || !Array.isArray(list)) return;
    const next = focusNext.current;
    focusNext.current = undefined;
    const field = next === null ? null : document.getElementById(`follow-up-note-${next}`);
    if (field) field.focus();
    else showClosedRef.current?.focus();
  }, [list]);

  const onClosed = useCallback(
    (closed: LowSatisfactionCall, sentence: string) => {
      if (Array.isArray(list)) {
        const open = list.filter((c) => c.followUp.closedAt === null);
        const at = open.findIndex((c) => c.callId === closed.callId);
        const next = open[at + 1] ?? open[at - 1] ?? null;
        focusNext.current = next ? next.callId : null;
      }
      setDone(sentence);
      setTick((t) => t + 1);
    },
    [list],
  );

  const open = Array.isArray(list) ? list.filter((c) => c.followUp.closedAt === null) : [];
  const closed = Array.isArray(list) ? list.filter((c) => c.followUp.closedAt !== null) : [];
  return (
    <section aria-labelledby="low-scores-heading">
      <h3 id="low-scores-heading">Low satisfaction scores to follow up</h3>
      <p role="status" className="save-status save-status--ok">
        {done}
      </p>
      <label className="check">
        <input ref={showClosedRef} type="checkbox" checked={showClosed} onChange={(e) => setShowClosed(e.target.checked)} /> Show followed up (last {LOW_SATISFACTION_DAYS} days)
      </label>
      {list === null && <p className="muted">Loading low satisfaction scores…</p>}
      {list !== null && 'error' in list && (
        <p className="notice notice--error" role="alert">
          {list.error}
        </p>
      )}
      {Array.isArray(list) && open.length === 0 && <p className="muted">No low score of your teams is waiting to be followed up.</p>}
      {open.length > 0 && (
        <ol className="approvals" aria-label="Low satisfaction scores to follow up">
          {open.map((c) => (
            <FollowUpRow key={c.callId} call={c} onClosed={onClosed} />
          ))}
        </ol>
      )}
      {showClosed && Array.isArray(list) && (
        <>
          <h4 id="followed-up-heading">Followed up</h4>
          {closed.length === 0 ? (
            <p className="muted">None followed up in the last {LOW_SATISFACTION_DAYS} days.</p>
          ) : (
            <ol className="approvals" aria-labelledby="followed-up-heading">
              {closed.map((c) => (
                <FollowUpRow key={c.callId} call={c} onClosed={onClosed} />
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
