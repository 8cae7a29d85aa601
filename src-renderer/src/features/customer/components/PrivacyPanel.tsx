import { useEffect, useRef, useState } from 'react';
import type { CustomerCard } from '../../../../../src-shared/contracts/customer';
import { ERASURE_REASON_MAX } from '../../../../../src-shared/contracts/privacy';
import { switchboard } from '../../../api/client';
import { useCan } from '../../auth/store';

/**
 * A customer's data on request and erasure on request (issue 23), on the customer's profile for
 * supervisors and admins: "Export customer data" saves a ZIP of everything the central store
 * holds about them in the Downloads folder; "Request erasure" sends a supervisor's request, which
 * an admin confirms or declines on the admin screen.
 */
export function PrivacyPanel({ card }: { card: CustomerCard }) {
  const canExport = useCan('data.export');
  const canRequest = useCan('erasure.request');
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  // The form replaces the "Request erasure…" button: once it closes (sent, cancelled, Esc) focus goes back to that button.
  const requestButton = useRef<HTMLButtonElement>(null);
  const [refocus, setRefocus] = useState(false);
  useEffect(() => {
    if (!refocus || asking) return;
    setRefocus(false);
    requestButton.current?.focus();
  }, [refocus, asking]);
  const closeForm = () => {
    setAsking(false);
    setRefocus(true);
  };
  if (!canExport && !canRequest && !card.erased) return null;

  const exportData = async () => {
    setBusy(true);
    setFailure(null);
    setSaid('');
    const r = await switchboard().privacyExportCustomer({ customerId: card.id });
    setBusy(false);
    if (r.ok) setSaid(`Saved as ${r.value.path}.`);
    else setFailure(r.error.message);
  };
  const requestErasure = async () => {
    setBusy(true);
    setFailure(null);
    setSaid('');
    const r = await switchboard().privacyRequestErasure({ customerId: card.id, reason });
    setBusy(false);
    if (!r.ok) {
      setFailure(r.error.message);
      return;
    }
    closeForm();
    setReason('');
    setSaid('Erasure requested: an admin confirms or declines it on the admin screen.');
  };

  return (
    <section className="panel" aria-labelledby="privacy-heading">
      <h3 id="privacy-heading" className="panel__title">
        Customer’s data
      </h3>
      {card.erased && <p className="notice">This customer’s personal data was erased on request. Orders, calls and complaints stay, anonymous.</p>}
      <p role="status" className="save-status save-status--ok">
        {said}
      </p>
      {failure !== null && (
        <p role="alert" className="notice notice--error">
          {failure}
        </p>
      )}
      <div className="panel__actions">
        {canExport && (
          <button type="button" className="button button--quiet" disabled={busy} onClick={() => void exportData()}>
            Export customer data
          </button>
        )}
        {canRequest && !card.erased && !asking && (
          <button type="button" ref={requestButton} className="button button--quiet" disabled={busy} onClick={() => setAsking(true)}>
            Request erasure…
          </button>
        )}
      </div>
      {asking && (
        <form
          className="form"
          aria-label="Request erasure"
          onSubmit={(event) => {
            event.preventDefault();
            void requestErasure();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.preventDefault();
              closeForm();
            }
          }}
        >
          <div className="field">
            <label htmlFor="erasure-reason" className="field__label">
              Reason for erasure
            </label>
            <input
              id="erasure-reason"
              className="field__input"
              value={reason}
              maxLength={ERASURE_REASON_MAX}
              onChange={(event) => setReason(event.target.value)}
              autoFocus
            />
          </div>
          <div className="panel__actions">
            <button type="submit" className="button" disabled={busy || reason.trim().length < 3}>
              Send erasure request
            </button>
            <button type="button" className="button button--quiet" onClick={closeForm}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
