/**
 * May the store email this customer, for this purpose? The one place every sender asks (issue 23).
 *
 * Transactional mail (an order confirmation, a complaint acknowledgement) is allowed without
 * marketing consent, as the law distinguishes them; marketing mail only with marketing consent to
 * email. Never to a customer without an email address, nor to one whose consent forbids email
 * altogether. Marketing mail reads the customer's consent to email in particular (per-channel
 * consent, customers.consent_email; src-shared/domain/consent.ts), and an erased customer is never
 * written to. Every caller asks here (the outbox asks when a mail is owed and again when it is sent).
 */
import { asc, desc, eq } from 'drizzle-orm';
import type { MailSkipReason } from '../../../src-shared/contracts/email';
import type { StoreDb } from '../db/connect';
import { customerEmails, customers } from '../db/schema';
import type { StoreTx } from '../sync/mutations/refusal';

export type EmailPurpose = 'transactional' | 'marketing';

/** What the decision needs to know of the customer. */
export interface EmailConsentFacts {
  /** The address mail goes to (their primary email), or null when they have none. */
  email: string | null;
  /** Marketing consent as the customers table holds it (every channel, until per-channel consent lands). */
  marketingConsent: boolean;
  /** Marketing consent to email in particular, where known (per-channel consent); else `marketingConsent` speaks for it. */
  emailMarketingConsent?: boolean | null;
  /** True when the customer asked for no email at all (not even transactional), where such a choice is recorded. */
  emailForbidden?: boolean | null;
}

export type EmailDecision = { allowed: true; to: string } | { allowed: false; reason: MailSkipReason };

export function mayEmail(customer: EmailConsentFacts, kind: EmailPurpose): EmailDecision {
  const to = customer.email?.trim() ?? '';
  if (to === '') return { allowed: false, reason: 'no_email_address' };
  if (customer.emailForbidden === true) return { allowed: false, reason: 'consent_forbids_email' };
  if (kind === 'marketing') {
    const consent = customer.emailMarketingConsent ?? customer.marketingConsent;
    if (!consent) return { allowed: false, reason: 'no_marketing_consent' };
  }
  return { allowed: true, to };
}

/**
 * What mayEmail needs to know of a customer, as the store holds it now (undefined: no such
 * customer, erased). Per-channel consent extends this read with its own columns.
 */
export async function readEmailConsentFacts(db: StoreDb | StoreTx, customerId: string): Promise<EmailConsentFacts | undefined> {
  const [c] = await db
    .select({ marketingConsent: customers.marketingConsent, consentEmail: customers.consentEmail, erasedAt: customers.erasedAt })
    .from(customers)
    .where(eq(customers.id, customerId));
  // An erased customer (server/src/privacy) is never written to: as if there were no such customer.
  if (!c || c.erasedAt !== null) return undefined;
  const [e] = await db
    .select({ email: customerEmails.email })
    .from(customerEmails)
    .where(eq(customerEmails.customerId, customerId))
    .orderBy(desc(customerEmails.isPrimary), asc(customerEmails.id))
    .limit(1);
  return { marketingConsent: c.marketingConsent, emailMarketingConsent: c.consentEmail, email: e?.email ?? null };
}
