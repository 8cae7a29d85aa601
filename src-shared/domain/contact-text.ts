/**
 * How each contact field reads in the edit history (contact_edits.old_value / new_value). The
 * workstation writes this text when a CSR edits a customer, and the central store writes it again
 * when it applies the edit against its own current values (field-level last-writer-wins keeps the
 * value that lost in the history). Both sides use these functions, so the same contact reads the
 * same everywhere and "changed?" is a string comparison.
 */
import { CONTACT_FIELDS, type ContactField } from '../contracts/customer360';
import { missingCaseError } from '../result';

export interface PhoneForText {
  e164: string;
  kind: string;
}

export interface AddressForText {
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
}

/** A customer's contact record as the history describes it; lists in priority order (primary first). */
export interface ContactForText {
  firstName: string;
  lastName: string;
  phones: readonly PhoneForText[];
  emails: readonly { email: string }[];
  primaryAddress: AddressForText | null;
  marketingConsent: boolean;
  /** Consent per channel (issue 23); absent: the single flag answers for every channel. */
  consentEmail?: boolean;
  consentPhone?: boolean;
  consentSms?: boolean;
}

/**
 * The canonical order of the contact fields: a contact edit records its changed fields in this
 * order (and a v1 `customer.update_contact` lists its edit ids in it).
 */
export const CONTACT_FIELD_ORDER: readonly ContactField[] = CONTACT_FIELDS;

/** The key each field has in a `customer.update_contact` mutation's `changes`. */
export const CONTACT_CHANGE_KEY = {
  first_name: 'firstName',
  last_name: 'lastName',
  phones: 'phones',
  emails: 'emails',
  primary_address: 'primaryAddress',
  marketing_consent: 'marketingConsent',
  consent_email: 'consentEmail',
  consent_phone: 'consentPhone',
  consent_sms: 'consentSms',
} as const satisfies Record<ContactField, string>;

export const phonesText = (phones: readonly PhoneForText[]): string | null =>
  phones.length ? phones.map((p) => `${p.e164} (${p.kind})`).join(', ') : null;

export const emailsText = (emails: readonly { email: string }[]): string | null => (emails.length ? emails.map((e) => e.email).join(', ') : null);

export const addressText = (a: AddressForText | null): string | null =>
  a ? [a.line1, a.line2, a.city, a.region, a.postalCode, a.country].filter((part) => part !== null && part !== '').join(', ') : null;

export const consentText = (consent: boolean): string => (consent ? 'true' : 'false');

/** One field of a contact record as history text. */
export function contactFieldText(field: ContactField, contact: ContactForText): string | null {
  switch (field) {
    case 'first_name':
      return contact.firstName;
    case 'last_name':
      return contact.lastName;
    case 'phones':
      return phonesText(contact.phones);
    case 'emails':
      return emailsText(contact.emails);
    case 'primary_address':
      return addressText(contact.primaryAddress);
    case 'marketing_consent':
      return consentText(contact.marketingConsent);
    case 'consent_email':
      return consentText(contact.consentEmail ?? contact.marketingConsent);
    case 'consent_phone':
      return consentText(contact.consentPhone ?? contact.marketingConsent);
    case 'consent_sms':
      return consentText(contact.consentSms ?? contact.marketingConsent);
    default:
      throw missingCaseError(field);
  }
}
