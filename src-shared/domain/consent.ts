/**
 * Marketing consent per channel (issue 23): the customer's yes or no for marketing by e-mail, by
 * phone and by SMS, each change recorded in the contact history (contact_edits, fields
 * `consent_email`, `consent_phone`, `consent_sms`) with who changed it, when, and on whose word
 * (`source`). The single `marketing_consent` flag older workstations and the offer rules read
 * stays, derived: it means "consents to marketing on at least one channel". A write that sets
 * only the old flag (an older workstation, an import, the seed) sets every channel to it; the
 * store keeps the two in step with a trigger (server/drizzle, customers_consent), the workstation
 * cache in its profile editor.
 *
 * `mayContact` is the one question everything that sends asks: transactional messages (an order
 * confirmation, a complaint acknowledgement) need no marketing consent, only an address for the
 * channel; marketing needs the channel's consent. An erased customer is contacted for nothing.
 */
export const CONSENT_CHANNELS = ['email', 'phone', 'sms'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

/** The contact-history field of each channel's consent. */
export const CONSENT_FIELD = {
  email: 'consent_email',
  phone: 'consent_phone',
  sms: 'consent_sms',
} as const satisfies Record<ConsentChannel, string>;
export type ConsentField = (typeof CONSENT_FIELD)[ConsentChannel];
export const CONSENT_FIELDS: readonly ConsentField[] = CONSENT_CHANNELS.map((c) => CONSENT_FIELD[c]);

/** On whose word a consent changed (contact_edits.source). */
export const CONSENT_SOURCES = ['customer_phone', 'customer_in_person', 'web_form', 'in_writing', 'import'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];
export const CONSENT_SOURCE_LABELS: Readonly<Record<ConsentSource, string>> = {
  customer_phone: 'Customer on the phone',
  customer_in_person: 'Customer in person',
  web_form: 'Web form',
  in_writing: 'In writing',
  import: 'Import',
};

export const CONSENT_CHANNEL_LABELS: Readonly<Record<ConsentChannel, string>> = {
  email: 'Marketing by e-mail',
  phone: 'Marketing by phone',
  sms: 'Marketing by SMS',
};

export interface ChannelConsent {
  consentEmail: boolean;
  consentPhone: boolean;
  consentSms: boolean;
}

/** The old single flag, derived: consent on at least one channel. */
export const anyMarketingConsent = (c: ChannelConsent): boolean => c.consentEmail || c.consentPhone || c.consentSms;

/** Every channel set to the old single flag (what a write of only that flag means). */
export const everyChannel = (consent: boolean): ChannelConsent => ({ consentEmail: consent, consentPhone: consent, consentSms: consent });

export const channelConsent = (c: ChannelConsent, channel: ConsentChannel): boolean =>
  channel === 'email' ? c.consentEmail : channel === 'phone' ? c.consentPhone : c.consentSms;

/** Transactional: about something the customer asked for (an order, a complaint). Marketing: anything else. */
export type ContactKind = 'transactional' | 'marketing';

/** What `mayContact` needs to know about a customer. */
export interface ContactableCustomer extends ChannelConsent {
  /** Set once the customer's personal data has been erased: never contacted again. */
  erasedAt?: number | null;
  /** Whether the customer has an address for the channel (an e-mail; a phone number for phone and SMS). Unknown: assumed yes. */
  hasEmail?: boolean;
  hasPhone?: boolean;
}

/**
 * May Switchboard contact this customer on this channel for this kind of message? Transactional
 * messages need only an address for the channel; marketing also needs the channel's consent.
 * Nobody erased is contacted.
 */
export function mayContact(customer: ContactableCustomer, channel: ConsentChannel, kind: ContactKind): boolean {
  if (customer.erasedAt !== undefined && customer.erasedAt !== null) return false;
  const reachable = channel === 'email' ? customer.hasEmail !== false : customer.hasPhone !== false;
  if (!reachable) return false;
  return kind === 'transactional' || channelConsent(customer, channel);
}
