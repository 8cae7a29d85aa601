/**
 * ProfileEditor: the CSR validates and updates a customer's contact data during a call. The form
 * sends the whole contact record; each field that differs from what is stored is written, gets a
 * contact_edits row (who, when, on which call, old → new), and the changes go into one outbox
 * entry — all in one transaction. A form that matches what is stored writes nothing.
 *
 * Phone and email rows keep their ids when they survive an edit (the central store knows them by
 * id); a phone's raw text stays as first written when the same number is typed another way.
 *
 * While a first copy is still bringing in the customer directory (db/deferred-indexes:
 * `directoryArriving`) an edit is refused (code `unavailable`, try again in a moment) and nothing
 * is written: the stored phones, emails and address it compares with cannot be read by customer
 * without a scan of each table, and may not have arrived yet (an edit then would delete them).
 */
import { randomUUID } from 'node:crypto';
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import type { WritableDb } from '../db/open';
import { directoryArriving } from '../db/deferred-indexes';
import { Outbox } from '../outbox/outbox';
import { AppError } from '../../../src-shared/result';
import { KEEP_UNVERIFIED_HINT, keepableUnverified, normalizePhone } from '../../../src-shared/domain/phone';
import type { ContactField, CustomerUpdateContactInput } from '../../../src-shared/contracts/customer360';
import { EDIT_WHILE_DIRECTORY_ARRIVING } from '../../../src-shared/contracts/customer';
import { addressText, consentText, emailsText, phonesText } from '../../../src-shared/domain/contact-text';
import { anyMarketingConsent, CONSENT_FIELDS, everyChannel, type ChannelConsent } from '../../../src-shared/domain/consent';
import { createCallLinkCheck } from '../calls/call-link';
import {
  createProfileReadRepository,
  createProfileWriteRepository,
  type StoredAddress,
  type StoredContact,
  type StoredEmail,
  type StoredPhone,
} from './profile-repository';

type Change = { field: ContactField; oldValue: string | null; newValue: string | null };
/** `problem` and `field`: why an unverified number would be refused unless the customer has it already. */
type DesiredPhone = Omit<StoredPhone, 'id'> & { problem: string | null; field: string };
type DesiredEmail = Omit<StoredEmail, 'id'>;
type DesiredAddress = Omit<StoredAddress, 'id'>;

const sameAddress = (a: DesiredAddress | null, b: DesiredAddress | null) =>
  a === null || b === null
    ? a === b
    : a.line1 === b.line1 && a.line2 === b.line2 && a.city === b.city && a.region === b.region && a.postalCode === b.postalCode && a.country === b.country;

export class ProfileEditor {
  private readonly reads;
  private readonly writes;
  private readonly outbox: Outbox;
  private readonly checkCallLink;

  constructor(
    private readonly db: WritableDb,
    private readonly defaultRegion: CountryCode,
  ) {
    this.reads = createProfileReadRepository(db);
    this.writes = createProfileWriteRepository(db);
    this.outbox = new Outbox(db);
    this.checkCallLink = createCallLinkCheck(db);
  }

  updateContact(input: CustomerUpdateContactInput, agentId: string, now: number): { customerId: string; changes: Change[] } {
    const phones = this.readPhones(input);
    const emails = this.readEmails(input);
    const address = this.readAddress(input);
    let changes: Change[] = [];

    this.db.$client
      .transaction(() => {
        // Inside the write transaction: the copy builds the directory's indexes in its own.
        if (directoryArriving(this.db.$client)) throw new AppError('directory_arriving', EDIT_WHILE_DIRECTORY_ARRIVING);
        this.checkCallLink(input.customerId, input.callId);
        const stored = this.reads.contact(input.customerId);
        if (!stored) throw new AppError('not_found', 'This customer is not in the local cache.', 'customerId');
        for (const p of phones) {
          if (p.verified || input.keepUnverifiedPhones || stored.phones.some((s) => !s.verified && s.e164 === p.e164)) continue;
          throw new AppError('unparseable_phone', `${p.problem ?? 'Phone: not a number.'} ${KEEP_UNVERIFIED_HINT}`, p.field);
        }
        changes = diff(stored, input, phones, emails, address);
        if (changes.length === 0) return;

        const changed = new Set(changes.map((c) => c.field));
        const replay: Record<string, unknown> = {};
        const consent = desiredConsent(stored, input);
        this.writes.updateCustomer(input.customerId, input.firstName, input.lastName, consent, now);
        if (changed.has('first_name')) replay.firstName = input.firstName;
        if (changed.has('last_name')) replay.lastName = input.lastName;
        if (changed.has('marketing_consent')) replay.marketingConsent = consent.marketingConsent;
        if (changed.has('consent_email')) replay.consentEmail = consent.consentEmail;
        if (changed.has('consent_phone')) replay.consentPhone = consent.consentPhone;
        if (changed.has('consent_sms')) replay.consentSms = consent.consentSms;
        const source = input.consentSource ?? null;
        const consentChanged = changes.some((c) => CONSENT_HISTORY_FIELDS.has(c.field));
        if (changed.has('phones')) replay.phones = this.replacePhones(input.customerId, stored.phones, phones);
        if (changed.has('emails')) replay.emails = this.replaceEmails(input.customerId, stored.emails, emails);
        if (changed.has('primary_address')) replay.primaryAddress = this.replaceAddress(input.customerId, stored.primaryAddress, address);

        // `changes` is in the canonical field order (see diff); the edits keep it.
        const edits = changes.map((change) => ({ id: randomUUID(), ...change, source: CONSENT_HISTORY_FIELDS.has(change.field) ? source : null }));
        for (const edit of edits) {
          this.writes.insertEdit({ customerId: input.customerId, callId: input.callId ?? null, agentId, at: now, ...edit });
        }
        // Schema v2 (src-shared/sync/mutations): `edits` carries each edit's id, field and new
        // text, so the central store records the same rows with its own current value as old_value.
        this.outbox.append(
          'customer.update_contact',
          {
            customerId: input.customerId,
            callId: input.callId ?? null,
            agentId,
            at: now,
            editIds: edits.map((e) => e.id),
            edits: edits.map(({ id, field, newValue }) => ({ id, field, newValue })),
            changes: replay,
            ...(consentChanged && source !== null ? { consentSource: source } : {}),
          },
          now,
        );
      })
      .immediate();
    return { customerId: input.customerId, changes };
  }

  private readPhones(input: CustomerUpdateContactInput): DesiredPhone[] {
    const seen = new Set<string>();
    return input.phones.map((p, i) => {
      const parsed = normalizePhone(p.number, this.defaultRegion);
      // A number kept unverified (issue 18) stays in the list under its digits; a new one only once
      // the CSR has confirmed it (checked against the stored list in the transaction).
      const unverified = keepableUnverified(p.number, parsed);
      if (!parsed.ok && unverified === null) throw new AppError('invalid_input', `Phone: ${parsed.message}`, `phones.${i}.number`);
      const e164 = parsed.ok ? parsed.e164 : (unverified as string);
      if (seen.has(e164)) throw new AppError('invalid_input', 'This number is already in the list.', `phones.${i}.number`);
      seen.add(e164);
      return { e164, raw: p.number, kind: p.kind, isPrimary: i === 0, verified: parsed.ok, problem: parsed.ok ? null : `Phone: ${parsed.message}`, field: `phones.${i}.number` };
    });
  }

  private readEmails(input: CustomerUpdateContactInput): DesiredEmail[] {
    const seen = new Set<string>();
    return input.emails.map((raw, i) => {
      const email = raw.trim().toLowerCase();
      if (seen.has(email)) throw new AppError('invalid_input', 'This address is already in the list.', `emails.${i}`);
      seen.add(email);
      return { email, isPrimary: i === 0 };
    });
  }

  private readAddress(input: CustomerUpdateContactInput): DesiredAddress | null {
    const a = input.primaryAddress;
    if (a === null) return null;
    if (!isSupportedCountry(a.country)) {
      throw new AppError('invalid_input', `Country: "${a.country}" is not a country code we know; use the two-letter code, e.g. GB.`, 'primaryAddress.country');
    }
    const orNull = (s: string | undefined) => (s ? s : null);
    return { line1: a.line1, line2: orNull(a.line2), city: a.city, region: orNull(a.region), postalCode: orNull(a.postalCode), country: a.country };
  }

  private replacePhones(customerId: string, stored: StoredPhone[], desired: DesiredPhone[]): StoredPhone[] {
    const byNumber = new Map(stored.map((p) => [p.e164, p]));
    const result = desired.map((d) => {
      const existing = byNumber.get(d.e164);
      if (!existing) {
        const created: StoredPhone = { id: randomUUID(), e164: d.e164, raw: d.raw, kind: d.kind, isPrimary: d.isPrimary, verified: d.verified };
        this.writes.insertPhone(customerId, created);
        return created;
      }
      byNumber.delete(d.e164);
      const kept = { ...existing, kind: d.kind, isPrimary: d.isPrimary };
      if (kept.kind !== existing.kind || kept.isPrimary !== existing.isPrimary) this.writes.updatePhone(kept);
      return kept;
    });
    for (const p of stored) if (!result.some((r) => r.id === p.id)) this.writes.deletePhone(p.id);
    return result;
  }

  private replaceEmails(customerId: string, stored: StoredEmail[], desired: DesiredEmail[]): StoredEmail[] {
    const byAddress = new Map(stored.map((e) => [e.email, e]));
    const result = desired.map((d) => {
      const existing = byAddress.get(d.email);
      if (!existing) {
        const created = { id: randomUUID(), ...d };
        this.writes.insertEmail(customerId, created);
        return created;
      }
      byAddress.delete(d.email);
      if (existing.isPrimary !== d.isPrimary) this.writes.updateEmail({ ...existing, isPrimary: d.isPrimary });
      return { ...existing, isPrimary: d.isPrimary };
    });
    for (const e of stored) if (!result.some((r) => r.id === e.id)) this.writes.deleteEmail(e.id);
    return result;
  }

  private replaceAddress(customerId: string, stored: StoredAddress | null, desired: DesiredAddress | null): StoredAddress | null {
    if (desired === null) {
      if (stored) this.writes.deleteAddress(stored.id);
      return null;
    }
    if (stored) {
      const updated = { id: stored.id, ...desired };
      this.writes.updateAddress(updated);
      return updated;
    }
    const created = { id: randomUUID(), ...desired };
    this.writes.insertPrimaryAddress(customerId, created);
    return created;
  }
}

function diff(stored: StoredContact, input: CustomerUpdateContactInput, phones: DesiredPhone[], emails: DesiredEmail[], address: DesiredAddress | null): Change[] {
  const changes: Change[] = [];
  const compare = (field: ContactField, oldValue: string | null, newValue: string | null) => {
    if (oldValue !== newValue) changes.push({ field, oldValue, newValue });
  };
  compare('first_name', stored.firstName, input.firstName);
  compare('last_name', stored.lastName, input.lastName);
  compare('phones', phonesText(stored.phones), phonesText(phones));
  compare('emails', emailsText(stored.emails), emailsText(emails));
  if (!sameAddress(stored.primaryAddress && stripId(stored.primaryAddress), address)) {
    changes.push({ field: 'primary_address', oldValue: addressText(stored.primaryAddress), newValue: addressText(address) });
  }
  const consent = desiredConsent(stored, input);
  compare('marketing_consent', consentText(stored.marketingConsent), consentText(consent.marketingConsent));
  // Per channel only when the form sent the channels (an older form changes the single flag, and
  // every channel follows it without edits of its own, as on the store).
  if (channelsGiven(input)) {
    compare('consent_email', consentText(stored.consentEmail), consentText(consent.consentEmail));
    compare('consent_phone', consentText(stored.consentPhone), consentText(consent.consentPhone));
    compare('consent_sms', consentText(stored.consentSms), consentText(consent.consentSms));
  }
  return changes;
}

const channelsGiven = (input: CustomerUpdateContactInput) =>
  input.consentEmail !== undefined && input.consentPhone !== undefined && input.consentSms !== undefined;

/** The history fields whose edits say on whose word they were made (contact_edits.source). */
const CONSENT_HISTORY_FIELDS = new Set<string>(['marketing_consent', ...CONSENT_FIELDS]);

/**
 * The consent the form asks for (issue 23): the channels when it sent them (the single flag is
 * consent on any); else the single flag, every channel following it when it changed.
 */
function desiredConsent(stored: StoredContact, input: CustomerUpdateContactInput): ChannelConsent & { marketingConsent: boolean } {
  if (channelsGiven(input)) {
    const channels = { consentEmail: input.consentEmail === true, consentPhone: input.consentPhone === true, consentSms: input.consentSms === true };
    return { ...channels, marketingConsent: anyMarketingConsent(channels) };
  }
  if (input.marketingConsent !== stored.marketingConsent) return { ...everyChannel(input.marketingConsent), marketingConsent: input.marketingConsent };
  return { consentEmail: stored.consentEmail, consentPhone: stored.consentPhone, consentSms: stored.consentSms, marketingConsent: stored.marketingConsent };
}

function stripId(a: StoredAddress): DesiredAddress {
  const { id: _id, ...rest } = a;
  return rest;
}
