/** The customer's profile panels: contact, addresses and value, as the 360 shows them. */
import { channelConsent } from '../../../../../src-shared/domain/consent';
import type { ReactNode } from 'react';
import type { CustomerCard } from '../../../../../src-shared/contracts/customer';
import type { OrderChannel, OrderStatus, PhoneKind, Segment } from '../../../../../src-shared/domain/customer';
import { useAppStore } from '../../../app/store';
import { countFormat, displayPhone, formatMoney, tierLabel } from '../../lookup/format';
import { UNVERIFIED_PHONE_WARNING } from '../../../../../src-shared/domain/phone';
import { ORDER_VALUE_DEFINITIONS } from '../../../../../src-shared/domain/order-value';
import { Definition } from '../../../ui/Definition';
import { useOrderHistoryReady } from '../../sync/hooks/useOrderHistoryReady';

export const PHONE_KIND_LABELS: Record<PhoneKind, string> = { mobile: 'Mobile', home: 'Home', work: 'Work' };
export const SEGMENT_LABELS: Record<Segment, string> = {
  new: 'New',
  occasional: 'Occasional',
  regular: 'Regular',
  vip: 'VIP',
  lapsed: 'Lapsed',
  wholesale: 'Wholesale',
};
export const CHANNEL_LABELS: Record<OrderChannel, string> = { web: 'Web', phone: 'Phone', store: 'Store' };
export const STATUS_LABELS: Record<OrderStatus, string> = {
  placed: 'Placed',
  paid: 'Paid',
  shipped: 'Shipped',
  delivered: 'Delivered',
  returned: 'Returned',
  cancelled: 'Cancelled',
  submitted: 'Submitted, waiting for the store',
  awaiting_approval: 'Awaiting approval',
  needs_attention: 'Needs attention',
};

let regionNames: Intl.DisplayNames | null = null;
function countryName(code: string): string {
  try {
    regionNames ??= new Intl.DisplayNames(undefined, { type: 'region' });
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** Where the postcode goes after the town ("Portland, OR 97201"); elsewhere it comes first ("75001 Paris"). */
const POSTCODE_AFTER_TOWN = new Set(['US', 'CA', 'AU', 'GB', 'IE', 'NZ']);

function townLine(address: CustomerCard['addresses'][number]): string[] {
  if (POSTCODE_AFTER_TOWN.has(address.country)) {
    const town = address.region ? `${address.city}, ${address.region}` : address.city;
    return [[town, address.postalCode].filter(Boolean).join(' ')];
  }
  return [[address.postalCode, address.city].filter(Boolean).join(' '), ...(address.region ? [address.region] : [])];
}

export function BackButton() {
  return (
    <button type="button" className="button button--quiet" onClick={() => useAppStore.getState().backToResults()}>
      <span aria-hidden="true">←</span> Back to results <kbd aria-hidden="true">Esc</kbd>
    </button>
  );
}

/** Said where phones, emails or addresses would be while the first copy is still bringing them in. */
export const CONTACTS_ARRIVING = 'Still arriving from the central store';

export function Contact({ card, action }: { card: CustomerCard; action?: ReactNode }) {
  // While the first copy is still bringing contacts in, the card has none yet: "—" would say there
  // are none, and there is nothing to edit.
  const arriving = card.contactsArriving;
  const none = arriving ? CONTACTS_ARRIVING : '—';
  return (
    <section className="panel" aria-labelledby="card-contact">
      <div className="panel__bar">
        <h3 id="card-contact" className="panel__title">
          Contact
        </h3>
        {!arriving && action}
      </div>
      <dl className="facts">
        {card.phones.length === 0 && (
          <div className="facts__row">
            <dt>Phone</dt>
            <dd>{none}</dd>
          </div>
        )}
        {card.phones.map((phone) => (
          <div className="facts__row" key={phone.e164}>
            <dt>{PHONE_KIND_LABELS[phone.kind]}</dt>
            <dd>
              <span className="tabular">{phone.display || displayPhone(phone.e164)}</span>
              {phone.isPrimary && card.phones.length > 1 && <span className="tag">primary</span>}
              {!phone.verified && <span className="tag tag--warn">unverified</span>}
              {!phone.verified && <p className="phone-warning">{UNVERIFIED_PHONE_WARNING}</p>}
            </dd>
          </div>
        ))}
        {card.emails.length === 0 && (
          <div className="facts__row">
            <dt>Email</dt>
            <dd>{none}</dd>
          </div>
        )}
        {card.emails.map((email) => (
          <div className="facts__row" key={email.email}>
            <dt>Email</dt>
            <dd>
              {email.email}
              {email.isPrimary && card.emails.length > 1 && <span className="tag">primary</span>}
            </dd>
          </div>
        ))}
      </dl>
      {arriving && (
        <p className="muted" role="status">
          This customer’s phone numbers and emails are still arriving from the central store; they show, and can be edited, once they are in.
        </p>
      )}
    </section>
  );
}

export function Addresses({ card }: { card: CustomerCard }) {
  const addresses = [...card.addresses].sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary));
  return (
    <section className="panel" aria-labelledby="card-address">
      <h3 id="card-address" className="panel__title">
        {addresses.length > 1 ? 'Addresses' : 'Address'}
      </h3>
      {card.contactsArriving ? (
        <p className="muted">{CONTACTS_ARRIVING}.</p>
      ) : (
        addresses.length === 0 && <p className="muted">No address on file.</p>
      )}
      {addresses.map((address, index) => (
        <address className="address" key={index}>
          <span>{address.line1}</span>
          {address.line2 && <span>{address.line2}</span>}
          {townLine(address).map((line) => (
            <span key={line}>{line}</span>
          ))}
          <span>{countryName(address.country)}</span>
          {address.isPrimary && addresses.length > 1 && <span className="tag">primary</span>}
        </address>
      ))}
    </section>
  );
}

export function Value({ card }: { card: CustomerCard }) {
  // While order history is arriving the card counts no orders: "0" would be wrong, so say why.
  const historyReady = useOrderHistoryReady();
  return (
    <section className="panel" aria-labelledby="card-value">
      <h3 id="card-value" className="panel__title">
        Customer
      </h3>
      <dl className="facts">
        <div className="facts__row">
          <dt>Loyalty</dt>
          <dd>
            <span className={`tier tier--${card.loyaltyTier}`}>{tierLabel(card.loyaltyTier)}</span>{' '}
            {countFormat.format(card.loyaltyPoints)} points
          </dd>
        </div>
        <div className="facts__row">
          <dt>Segment</dt>
          <dd>{SEGMENT_LABELS[card.segment]}</dd>
        </div>
        <div className="facts__row">
          <dt>
            Lifetime value
            <Definition term="lifetime value" text={ORDER_VALUE_DEFINITIONS.lifetimeValue} />
          </dt>
          <dd className="tabular">{formatMoney(card.lifetimeValueCents, card.currency)}</dd>
        </div>
        <div className="facts__row">
          <dt>Orders</dt>
          <dd className="tabular">{historyReady ? countFormat.format(card.orderCount) : 'Still arriving'}</dd>
        </div>
        <div className="facts__row">
          <dt>Marketing</dt>
          <dd>{card.marketingConsent ? `Consented — ${consentedChannels(card)}` : 'No consent — do not market'}</dd>
        </div>
      </dl>
    </section>
  );
}

/** The channels a customer agreed to be marketed on (issue 23), e.g. "e-mail, SMS"; "by phone" reads "phone". */
function consentedChannels(card: CustomerCard): string {
  const names = { email: 'e-mail', phone: 'phone', sms: 'SMS' } as const;
  return (['email', 'phone', 'sms'] as const).filter((c) => channelConsent(card, c)).map((c) => names[c]).join(', ');
}
