import type { ReadableDb } from '../db/open';
import { arriving as arrivingGroups } from '../db/deferred-indexes';
import { onFirstUse } from '../db/statements';
import { AppError } from '../../../src-shared/result';
import { formatPhone } from '../../../src-shared/domain/phone';
import type { CustomerCard } from '../../../src-shared/contracts/customer';
import { isoTime } from '../../../src-shared/domain/time';
import { SPENDING_SQL } from './purchases-repository';

const RECENT_ORDERS = 10;

type RecentOrderRow = Omit<CustomerCard['recentOrders'][number], 'placedAt'> & { placedAt: number };

/**
 * The customer's card: profile, contact data and the latest orders, from the local cache. While a
 * first copy is still running, some of it is not readable yet (see deferred-indexes):
 * - while the customer directory arrives (early in the copy) the card has the profile and no
 *   phones, emails or addresses, with `contactsArriving` set: read by customer without their
 *   indexes, each list would scan its whole table, and may not have arrived anyway. Those
 *   statements are prepared on first use, after the directory is in;
 * - while orders arrive (their indexes are built at its end) the card has no orders: counting them
 *   would scan every order in the cache.
 */
export function createCustomerCardQuery(db: ReadableDb) {
  const c = db.$client;
  const profile = c.prepare(
    `SELECT id, first_name AS firstName, last_name AS lastName, loyalty_tier AS loyaltyTier,
            loyalty_points AS loyaltyPoints, marketing_consent AS marketingConsent, segment,
            consent_email AS consentEmail, consent_phone AS consentPhone, consent_sms AS consentSms, erased_at IS NOT NULL AS erased,
            lifetime_value_cents AS lifetimeValueCents, currency
       FROM customers WHERE id = ?`,
  );
  const phones = onFirstUse(() =>
    c.prepare(`SELECT e164, raw, kind, is_primary AS isPrimary, verified FROM customer_phones WHERE customer_id = ? ORDER BY is_primary DESC, e164`),
  );
  const emails = onFirstUse(() =>
    c.prepare(`SELECT email, is_primary AS isPrimary FROM customer_emails WHERE customer_id = ? ORDER BY is_primary DESC, email`),
  );
  const addresses = onFirstUse(() =>
    c.prepare(
      `SELECT id, line1, line2, city, region, postal_code AS postalCode, country, is_primary AS isPrimary
         FROM customer_addresses WHERE customer_id = ? ORDER BY is_primary DESC`,
    ),
  );
  const orderCount = c.prepare(`SELECT count(*) AS n FROM orders WHERE customer_id = ?`).pluck();
  // Lifetime value from the orders themselves, by the one definition (src-shared/domain/order-value.ts,
  // issue 19 item 11), so it ties with the past-purchases total over all time; orders_customer_placed_idx.
  const lifetimeValue = c.prepare(`SELECT coalesce(sum(o.total_cents), 0) FROM orders o WHERE o.customer_id = ? AND o.currency = ? AND ${SPENDING_SQL}`).pluck();
  const recent = c.prepare(
    `SELECT o.id, o.number, o.channel, o.status, o.total_cents AS totalCents, o.currency, o.placed_at AS placedAt,
            (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) AS lineCount
       FROM orders o WHERE o.customer_id = ? ORDER BY o.placed_at DESC LIMIT ${RECENT_ORDERS}`,
  );

  // Served by complaints_customer_opened_idx (customer_id, opened_at).
  const openComplaints = c.prepare(
    `SELECT count(*) AS count, min(opened_at) AS oldestOpenedAt,
            json_group_array(follow_up_on) FILTER (WHERE follow_up_on IS NOT NULL) AS followUps
       FROM complaints WHERE customer_id = ? AND status <> 'resolved'`,
  );

  const contacts = (customerId: string): Pick<CustomerCard, 'phones' | 'emails' | 'addresses'> => ({
    phones: (
      phones().all(customerId) as { e164: string; raw: string; kind: CustomerCard['phones'][number]['kind']; isPrimary: number; verified: number }[]
    ).map((r) => ({
      e164: r.e164,
      // An unverified number is shown exactly as it was typed (its key is only its digits).
      display: r.verified === 1 ? formatPhone(r.e164) : r.raw,
      kind: r.kind,
      isPrimary: r.isPrimary === 1,
      verified: r.verified === 1,
    })),
    emails: (emails().all(customerId) as { email: string; isPrimary: number }[]).map((r) => ({ email: r.email, isPrimary: r.isPrimary === 1 })),
    addresses: (addresses().all(customerId) as (Omit<CustomerCard['addresses'][number], 'isPrimary'> & { isPrimary: number })[]).map((r) => ({
      ...r,
      isPrimary: r.isPrimary === 1,
    })),
  });

  return (customerId: string): CustomerCard => {
    const p = profile.get(customerId) as
      | (Omit<
          CustomerCard,
          'phones' | 'emails' | 'addresses' | 'contactsArriving' | 'orderCount' | 'openComplaints' | 'recentOrders' | 'displayName' | 'marketingConsent' | 'consentEmail' | 'consentPhone' | 'consentSms' | 'erased'
        > & {
          marketingConsent: number;
          consentEmail: number;
          consentPhone: number;
          consentSms: number;
          erased: number;
        })
      | undefined;
    if (!p) throw new AppError('not_found', 'This customer is not in the local cache.', 'customerId');
    // One cache_meta point read; while a group is "arriving", the card leaves that part out rather than scan for it.
    const groups = arrivingGroups(c);
    const contactsArriving = groups.directory;
    const arriving = groups.orderHistory;
    const complaints = openComplaints.get(customerId) as { count: number; oldestOpenedAt: number | null; followUps: string | null };
    return {
      ...p,
      displayName: `${p.firstName} ${p.lastName}`.trim(),
      marketingConsent: p.marketingConsent === 1,
      consentEmail: p.consentEmail === 1,
      consentPhone: p.consentPhone === 1,
      consentSms: p.consentSms === 1,
      erased: p.erased === 1,
      contactsArriving,
      ...(contactsArriving ? { phones: [], emails: [], addresses: [] } : contacts(customerId)),
      // While orders arrive, the store's figure (computed by the same definition) stands in.
      lifetimeValueCents: arriving ? p.lifetimeValueCents : (lifetimeValue.get(customerId, p.currency) as number),
      orderCount: arriving ? 0 : (orderCount.get(customerId) as number),
      openComplaints: {
        count: complaints.count,
        oldestOpenedAt: complaints.oldestOpenedAt === null ? null : new Date(complaints.oldestOpenedAt).toISOString(),
        followUpsOn: ((JSON.parse(complaints.followUps ?? '[]') as string[]) ?? []).sort(),
      },
      recentOrders: (arriving ? [] : (recent.all(customerId) as RecentOrderRow[])).map((r) => ({
        ...r,
        placedAt: isoTime(r.placedAt),
      })),
    };
  };
}
