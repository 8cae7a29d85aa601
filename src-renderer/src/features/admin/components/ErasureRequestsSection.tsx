import { useEffect, useRef, useState } from 'react';
import type { ErasureRequest } from '../../../../../src-shared/contracts/privacy';
import { switchboard } from '../../../api/client';
import { formatEpoch } from '../../../ui/format';
import { AdminSection } from './AdminSection';

const STATUS_LABELS: Record<ErasureRequest['status'], string> = { pending: 'Waiting for an admin', confirmed: 'Erased', declined: 'Declined' };

/**
 * Erasure requests (issue 23): a supervisor asked for a customer's personal data to be erased; an
 * admin confirms (the store anonymises the customer and every workstation drops them at its next
 * pull) or declines. Confirming asks once more: it cannot be undone.
 */
export function ErasureRequestsSection({ requests, reload }: { requests: ErasureRequest[]; reload(): void }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const pending = requests.filter((r) => r.status === 'pending');
  // Each step replaces the focused button: "Confirm erasure" gives way to "Erase … now" (focused as
  // it appears), "Keep" gives focus back to "Confirm erasure", and a decision to the row's customer.
  const table = useRef<HTMLTableElement>(null);
  const [focusNext, setFocusNext] = useState<string | null>(null);
  useEffect(() => {
    if (focusNext === null) return;
    const target = table.current?.querySelector<HTMLElement>(`[data-focus="${focusNext}"]`);
    if (!target) return;
    target.focus();
    setFocusNext(null);
  }, [focusNext, requests, confirming]);

  const decide = async (r: ErasureRequest, decision: 'confirm' | 'decline') => {
    setBusy(r.id);
    setFailure(null);
    setSaid('');
    const result = await switchboard().privacyDecideErasure({ requestId: r.id, decision });
    setBusy(null);
    setConfirming(null);
    setFocusNext(`customer-${r.id}`);
    if (!result.ok) {
      setFailure(result.error.message);
      return;
    }
    setSaid(decision === 'confirm' ? `Saved: customer ${r.customerId} erased; workstations drop them at their next sync.` : `Saved: the erasure of ${r.customerName} was declined.`);
    reload();
  };

  return (
    <AdminSection titleId="admin-erasure-title" title="Erasure requests waiting" count={pending.length} said={said} failure={failure}>
      {requests.length === 0 ? (
        <p className="muted">No customer’s erasure has been requested.</p>
      ) : (
        <table ref={table} className="orders admin__table" aria-labelledby="admin-erasure-title">
          <thead>
            <tr>
              <th scope="col">Customer</th>
              <th scope="col">Reason</th>
              <th scope="col">Requested by</th>
              <th scope="col">Requested</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.id}>
                <th scope="row" className="admin__name" tabIndex={-1} data-focus={`customer-${r.id}`}>
                  {r.customerName}
                </th>
                <td>{r.reason}</td>
                <td>{r.requestedBy}</td>
                <td className="nowrap">{formatEpoch(r.requestedAt)}</td>
                <td>{r.status === 'pending' ? STATUS_LABELS.pending : `${STATUS_LABELS[r.status]} by ${r.decidedBy ?? '?'}`}</td>
                <td className="admin__actions">
                  {r.status === 'pending' &&
                    (confirming === r.id ? (
                      <>
                        {/* autoFocus: it replaces the focused "Confirm erasure" button */}
                        <button type="button" className="button button--danger" disabled={busy === r.id} onClick={() => void decide(r, 'confirm')} autoFocus>
                          Erase {r.customerName} now
                        </button>
                        <button
                          type="button"
                          className="button button--quiet"
                          onClick={() => {
                            setConfirming(null);
                            setFocusNext(`confirm-${r.id}`);
                          }}
                        >
                          Keep
                        </button>
                      </>
                    ) : (
                      <>
                        <button type="button" className="button" disabled={busy === r.id} onClick={() => setConfirming(r.id)} aria-label={`Confirm erasure of ${r.customerName}`} data-focus={`confirm-${r.id}`}>
                          Confirm erasure
                        </button>
                        <button type="button" className="button button--quiet" disabled={busy === r.id} onClick={() => void decide(r, 'decline')} aria-label={`Decline erasure of ${r.customerName}`}>
                          Decline
                        </button>
                      </>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminSection>
  );
}
