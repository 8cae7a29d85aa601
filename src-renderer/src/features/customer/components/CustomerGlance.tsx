/** What a CSR needs before saying hello, in one line under the name (issue 19, item 7). */
import type { CustomerCard } from '../../../../../src-shared/contracts/customer';
import { countFormat, formatDate, formatMoney, tierLabel } from '../../lookup/format';
import { startOfDay, todayIso } from '../../../ui/format';
import { useOrderHistoryReady } from '../../sync/hooks/useOrderHistoryReady';
import { STATUS_LABELS } from './ProfilePanels';

const DAY_MS = 86_400_000;

/** "today", "1 day", "12 days": how long ago an ISO time was, in whole calendar days. */
export function ageInDays(iso: string, now = new Date()): string {
  const opened = new Date(iso);
  const days = Math.max(
    0,
    Math.round(
      (new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime() -
        new Date(opened.getFullYear(), opened.getMonth(), opened.getDate()).getTime()) /
        DAY_MS,
    ),
  );
  return days === 0 ? 'today' : `${countFormat.format(days)} ${days === 1 ? 'day' : 'days'}`;
}

export function CustomerGlance({ card }: { card: CustomerCard }) {
  const historyReady = useOrderHistoryReady();
  const today = startOfDay(todayIso()) ?? 0;
  const due = card.openComplaints.followUpsOn.filter((d) => (startOfDay(d) ?? Infinity) <= today).length;
  const last = card.recentOrders[0] ?? null;
  const open = card.openComplaints;
  return (
    <section aria-label="At a glance">
      <dl className="glance">
        <div className={`glance__item${open.count > 0 ? ' glance__item--attention' : ''}`}>
          <dt>Open complaints</dt>
          <dd>
            {countFormat.format(open.count)}
            {open.oldestOpenedAt !== null && <span className="muted"> · oldest {ageInDays(open.oldestOpenedAt)}</span>}
          </dd>
        </div>
        <div className={`glance__item${due > 0 ? ' glance__item--attention' : ''}`}>
          <dt>Follow-ups due</dt>
          <dd>{countFormat.format(due)}</dd>
        </div>
        <div className="glance__item">
          <dt>Last order</dt>
          <dd>
            {!historyReady ? (
              'Still arriving'
            ) : last === null ? (
              'None'
            ) : (
              <>
                {formatDate(last.placedAt)} <span className="muted">· {STATUS_LABELS[last.status]}</span>
              </>
            )}
          </dd>
        </div>
        <div className="glance__item">
          <dt>Lifetime value</dt>
          <dd className="tabular">{formatMoney(card.lifetimeValueCents, card.currency)}</dd>
        </div>
        <div className="glance__item">
          <dt>Tier</dt>
          <dd>
            <span className={`tier tier--${card.loyaltyTier}`}>{tierLabel(card.loyaltyTier)}</span>
          </dd>
        </div>
        <div className={`glance__item${card.marketingConsent ? '' : ' glance__item--attention'}`}>
          <dt>Marketing</dt>
          <dd>{card.marketingConsent ? 'Consented' : 'Do not market'}</dd>
        </div>
      </dl>
    </section>
  );
}
