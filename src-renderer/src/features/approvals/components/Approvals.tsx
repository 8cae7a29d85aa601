import { useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import type { pendingApproval } from '../../../../../src-shared/contracts/orders';
import { ORDER_LIMITS } from '../../../../../src-shared/contracts/orders';
import { findCardNumber } from '../../../../../src-shared/domain/card-number';
import { switchboard } from '../../../api/client';
import { formatDate, formatMoney } from '../../lookup/format';
import { orderStatusSentence } from '../../order/components/OrderPanel';
import { useCan } from '../../auth/store';
import { LowScores } from './LowScores';

type Pending = z.infer<typeof pendingApproval>;

/** How often the list is read again from the store while the screen is open. */
const REFRESH_MS = 2000;

/** Orders waiting for the supervisors of the signed-in user's teams, read from the store while this is open. */
export function usePendingApprovals(refreshMs = REFRESH_MS): { orders: Pending[] | null; error: string | null; reload(): void } {
  const [orders, setOrders] = useState<Pending[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((t) => t + 1), refreshMs);
    return () => window.clearInterval(timer);
  }, [refreshMs]);
  useEffect(() => {
    let current = true;
    void switchboard()
      .orderApprovals({})
      .then((r) => {
        if (!current) return;
        if (r.ok) {
          setOrders(r.value.orders);
          setError(null);
        } else setError(r.error.message);
      });
    return () => {
      current = false;
    };
  }, [tick]);
  return { orders, error, reload: () => setTick((t) => t + 1) };
}

function ApprovalRow({ order, onDecided }: { order: Pending; onDecided(sentence: string): void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reasonRef = useRef<HTMLInputElement>(null);
  const decide = async (decision: 'approve' | 'refuse') => {
    const why = reason.trim();
    if (why === '') {
      setError(decision === 'approve' ? 'Say why the discount is approved.' : 'Say why the discount is refused.');
      reasonRef.current?.focus();
      return;
    }
    if (findCardNumber(why)) {
      setError('This looks like a card number. Switchboard never stores card numbers (PCI DSS): remove the digits.');
      reasonRef.current?.focus();
      return;
    }
    setBusy(true);
    const r = await switchboard().orderDecide({ orderId: order.orderId, decision, reason: why });
    setBusy(false);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    onDecided(`${decision === 'approve' ? 'Approved' : 'Refused'}: ${orderStatusSentence(r.value)}`);
  };
  const money = (c: number) => formatMoney(c, order.currency);
  const reasonId = `approval-reason-${order.orderId}`;
  return (
    <li className="approval">
      <p className="approval__what">
        <strong>{order.customerName}</strong>, taken by {order.agentName}, {formatDate(order.submittedAt)}: total {money(order.totalCents)} after a manual discount of{' '}
        {money(order.manualDiscountCents)}
        {order.discountReason ? ` (“${order.discountReason}”)` : ''}. <span className="mono muted">{order.number}</span>
      </p>
      <div className="approval__decide">
        <label htmlFor={reasonId} className="field__label">
          Reason for {order.customerName}’s order
        </label>
        <input
          ref={reasonRef}
          id={reasonId}
          className="field__input"
          value={reason}
          maxLength={ORDER_LIMITS.reason}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${reasonId}-error` : undefined}
          onChange={(e) => {
            setError(null);
            setReason(e.target.value);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void decide('approve');
            }
          }}
        />
        <button type="button" className="button button--primary" disabled={busy} onClick={() => void decide('approve')} aria-label={`Approve ${order.customerName}’s order`}>
          Approve
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => void decide('refuse')} aria-label={`Refuse ${order.customerName}’s order`}>
          Refuse
        </button>
      </div>
      {error && (
        <p id={`${reasonId}-error`} className="field__error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

/**
 * The supervisor's approvals (issue 21): phone orders of their teams' CSRs with a manual discount
 * beyond the CSR's authority, waiting on the store. Approve or refuse with a reason; the CSR's
 * order panel shows the decision as soon as the store's change reaches their workstation. Below
 * them, the calls of their teams with a low satisfaction score to follow up (issue 22, LowScores).
 */
export function Approvals() {
  const { orders, error, reload } = usePendingApprovals();
  const canFollowUp = useCan('metrics.team');
  const [decided, setDecided] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  return (
    <section className="card" aria-labelledby="approvals-heading">
      <header className="card__title">
        <h2 id="approvals-heading" ref={headingRef} tabIndex={-1}>
          Discount approvals
        </h2>
      </header>
      <p role="status" className="save-status save-status--ok">
        {decided}
      </p>
      {error !== null && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {orders === null && error === null && <p className="muted">Loading orders waiting for approval…</p>}
      {orders !== null && orders.length === 0 && <p className="muted">No order is waiting for your approval.</p>}
      {orders !== null && orders.length > 0 && (
        <ol className="approvals" aria-label="Orders waiting for approval">
          {orders.map((o) => (
            <ApprovalRow
              key={o.orderId}
              order={o}
              onDecided={(sentence) => {
                setDecided(sentence);
                reload();
                queueMicrotask(() => headingRef.current?.focus());
              }}
            />
          ))}
        </ol>
      )}
      {canFollowUp && <LowScores />}
    </section>
  );
}
