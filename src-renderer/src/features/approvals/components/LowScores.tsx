import { useEffect, useState } from 'react';
import { LOW_SATISFACTION_DAYS, type LowSatisfactionCall } from '../../../../../src-shared/contracts/calls';
import { switchboard } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { formatDateTime } from '../../../ui/format';

const SCORE_WORDS: Record<number, string> = { 1: 'very unsatisfied', 2: 'unsatisfied' };

/**
 * The follow-ups low satisfaction scores open (issue 22): calls of the supervisor's teams whose
 * caller answered 1 or 2 at wrap-up, in the last LOW_SATISFACTION_DAYS days, read from the store
 * when the screen opens. Each names the CSR and the score and opens the customer to call back.
 */
export function LowScores() {
  const [list, setList] = useState<LowSatisfactionCall[] | { error: string } | null>(null);
  useEffect(() => {
    let current = true;
    void switchboard()
      .callLowSatisfaction({})
      .then((r) => {
        if (current) setList(r.ok ? r.value.calls : { error: r.error.message });
      });
    return () => {
      current = false;
    };
  }, []);
  return (
    <section aria-labelledby="low-scores-heading">
      <h3 id="low-scores-heading">Low satisfaction scores to follow up</h3>
      {list === null && <p className="muted">Loading low satisfaction scores…</p>}
      {list !== null && 'error' in list && (
        <p className="notice notice--error" role="alert">
          {list.error}
        </p>
      )}
      {Array.isArray(list) && list.length === 0 && <p className="muted">No caller of your teams gave a low score in the last {LOW_SATISFACTION_DAYS} days.</p>}
      {Array.isArray(list) && list.length > 0 && (
        <ol className="approvals" aria-label="Calls with a low satisfaction score">
          {list.map((c) => (
            <li key={c.callId} className="approval">
              <p className="approval__what">
                <strong>{c.customerName ?? 'Caller not identified'}</strong>: scored {c.satisfaction} ({SCORE_WORDS[c.satisfaction] ?? 'low'}), taken by {c.agentName},{' '}
                {formatDateTime(c.completedAt)}
                {c.dispositionCode ? ` · ${c.dispositionCode}` : ''}
                {c.wrapUpNotes ? ` · “${c.wrapUpNotes}”` : ''}
              </p>
              {c.customerId !== null && (
                <button type="button" className="button" onClick={() => useAppStore.getState().openCustomer(c.customerId!)} aria-label={`Open ${c.customerName ?? 'the caller'} to follow up`}>
                  Open customer
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
