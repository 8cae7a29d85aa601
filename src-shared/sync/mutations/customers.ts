/**
 * Customer mutations: creating a customer and changing their contact details.
 *
 * Both have two versions, and differ between them:
 * - `customer.create` v2 adds `phoneId`, `emailId` (null without an email) and `phoneRaw`, so the
 *   store's phone and email rows get the workstation's ids (for v1 the store derives them).
 * - `customer.update_contact` v2 adds `edits: [{ id, field, newValue }]`; v1 has only `editIds`,
 *   in the canonical field order restricted to the fields present in `changes`.
 * Numbers kept unverified (issue 18) added optional flags to v2 instead of a v3: `phoneVerified`
 * on `customer.create` and `verified` on each phone of `customer.update_contact`; absent means
 * verified, as every earlier entry is. A store older than that refuses an entry with an
 * unverified number (its key is not E.164), shown under "needs attention" on the workstation; it
 * never stores it as a verified one. `customer.create` v2 also took an optional `address` (issue
 * 19, item 4): a store older than that ignores it (zod drops unknown keys) and the new customer
 * reaches it without the address.
 */
import { z } from 'zod';
import { freeText, text } from '../../contracts/text';
import { LIMITS, PHONE_KINDS } from '../../domain/customer';
import { CONSENT_SOURCES } from '../../domain/consent';
import { unverifiedPhoneKey } from '../../domain/phone';
import { CONTACT_FIELD_ORDER, CONTACT_CHANGE_KEY } from '../../domain/contact-text';
import { CONTACT_FIELDS, CONTACT_LIMITS, type ContactField } from '../../contracts/customer360';
import { agentId, defineMutation, e164, instant, personName, row, unique, uuid, type ReplacedContactSet } from './define';

/** A contact edit's history text: the longest is an address (six fields, at most ~650 characters). */
export const CONTACT_TEXT_MAX = 2000;

/** Stored lower-cased; only the shape is checked here (the forms check the address itself). */
const emailAddress = text()
  .max(LIMITS.email)
  .regex(/^[^\s@]+@[^\s@]+$/, { message: 'Not an email address.' });
const phoneRaw = text().min(1).max(LIMITS.phoneRaw);
const country = text().regex(/^[A-Z]{2}$/, { message: 'Not a two-letter country code.' });

/** The digits a number kept unverified is stored under (never E.164: no "+"; src-shared/domain/phone.ts). */
const unverifiedKey = text().regex(/^\d{4,20}$/, { message: 'Not the digits of a phone number.' });
/**
 * A verified number is E.164; an unverified one (`verified` false, issue 18) is the digits of its
 * raw text, exactly. Entries written before there were unverified numbers have no flag: verified.
 */
const phoneKeyMatches = (p: { e164: string; raw: string; verified?: boolean | undefined }) =>
  p.verified !== false ? /^\+[1-9]\d{1,14}$/.test(p.e164) : p.e164 === unverifiedPhoneKey(p.raw);
const PHONE_KEY_MISMATCH = 'A verified number is in E.164 form; an unverified one is stored under the digits of the number as typed.';

const storedPhone = z
  .object({ id: uuid, e164: z.union([e164, unverifiedKey]), raw: phoneRaw, kind: z.enum(PHONE_KINDS), isPrimary: z.boolean(), verified: z.boolean().optional() })
  .refine(phoneKeyMatches, { message: PHONE_KEY_MISMATCH, path: ['e164'] });
const storedEmail = z.object({ id: uuid, email: emailAddress, isPrimary: z.boolean() });
export const storedAddress = z.object({
  id: uuid,
  line1: freeText().min(1).max(CONTACT_LIMITS.addressLine),
  line2: freeText().max(CONTACT_LIMITS.addressLine).nullable(),
  city: text().min(1).max(CONTACT_LIMITS.city),
  region: text().max(CONTACT_LIMITS.region).nullable(),
  postalCode: text().max(CONTACT_LIMITS.postalCode).nullable(),
  country,
});

// ——— customer.create ———

const customerCreateV1 = z.object({
  customerId: uuid,
  firstName: personName,
  lastName: personName,
  /** E.164. */
  phone: e164,
  /** Lower-cased, or null. */
  email: emailAddress.nullable(),
});

const customerCreateV2 = customerCreateV1
  .extend({
    phoneId: uuid,
    /** Null exactly when `email` is. */
    emailId: uuid.nullable(),
    /** The number as the CSR typed it. */
    phoneRaw,
    /** E.164 when verified; false: the CSR kept a number the phone library could not read, `phone` is its digits (issue 18). */
    phone: z.union([e164, unverifiedKey]),
    phoneVerified: z.boolean().optional(),
    /** The primary address given with the new customer (issue 19, item 4); absent: none. An optional field of v2, like `phoneVerified`. */
    address: storedAddress.optional(),
  })
  .refine((a) => phoneKeyMatches({ e164: a.phone, raw: a.phoneRaw, verified: a.phoneVerified }), { message: PHONE_KEY_MISMATCH, path: ['phone'] })
  .refine((a) => (a.emailId === null) === (a.email === null), { message: 'An email needs an email id, and only an email has one.', path: ['emailId'] })
  .refine((a) => a.emailId === null || a.emailId !== a.phoneId, { message: 'The phone and the email need different ids.', path: ['emailId'] });

const customerCreate = defineMutation({
  name: 'customer.create',
  versions: { 1: customerCreateV1, 2: customerCreateV2 },
  permission: 'customer.create',
  words: 'new customer',
  label: 'New customer created',
  // For a v1 entry the store derives the phone and email ids itself, so only the customer is
  // listed; `replaces` covers the rest.
  writes: (m) => {
    const rows = [row('customers', m.args.customerId)];
    if (m.schemaVersion === 2) {
      rows.push(row('customer_phones', m.args.phoneId));
      if (m.args.emailId !== null) rows.push(row('customer_emails', m.args.emailId));
      if (m.args.address) rows.push(row('customer_addresses', m.args.address.id));
    }
    return rows;
  },
  replaces: (m) => [
    { table: 'customer_phones', customerId: m.args.customerId },
    { table: 'customer_emails', customerId: m.args.customerId },
    ...(m.schemaVersion === 2 && m.args.address ? [{ table: 'customer_addresses' as const, customerId: m.args.customerId }] : []),
  ],
});

// ——— customer.update_contact ———

/** Only the fields that changed are present; `primaryAddress: null` removes the primary address. */
const contactChanges = z
  .object({
    firstName: personName.optional(),
    lastName: personName.optional(),
    /** The whole list, priority order; rows not in it are removed. */
    phones: z.array(storedPhone).max(CONTACT_LIMITS.phones).optional(),
    emails: z.array(storedEmail).max(CONTACT_LIMITS.emails).optional(),
    primaryAddress: storedAddress.nullable().optional(),
    marketingConsent: z.boolean().optional(),
    /** Consent per channel (issue 23): the store derives `marketing_consent` from them. A store older than that drops them. */
    consentEmail: z.boolean().optional(),
    consentPhone: z.boolean().optional(),
    consentSms: z.boolean().optional(),
  })
  .refine((c) => changedContactFields(c).length > 0, { message: 'A contact change changes at least one field.' })
  .refine((c) => unique((c.phones ?? []).map((p) => p.id)) && unique((c.phones ?? []).map((p) => p.e164)), {
    message: 'Each phone appears once.',
    path: ['phones'],
  })
  .refine((c) => unique((c.emails ?? []).map((e) => e.id)) && unique((c.emails ?? []).map((e) => e.email)), {
    message: 'Each email appears once.',
    path: ['emails'],
  });
export type ContactChanges = z.infer<typeof contactChanges>;

/** The fields present in `changes`, in the canonical order. */
export function changedContactFields(changes: Partial<Record<(typeof CONTACT_CHANGE_KEY)[ContactField], unknown>>): ContactField[] {
  return CONTACT_FIELD_ORDER.filter((field) => changes[CONTACT_CHANGE_KEY[field]] !== undefined);
}

const updateContactV1Shape = z.object({
  customerId: uuid,
  callId: uuid.nullable(),
  agentId,
  at: instant,
  /** One per changed field, in the canonical field order. */
  editIds: z.array(uuid).min(1).max(CONTACT_FIELDS.length),
  changes: contactChanges,
  /** On whose word the consent changed (issue 23), recorded with each consent edit; absent: not said. */
  consentSource: z.enum(CONSENT_SOURCES).optional(),
});

const customerUpdateContactV1 = updateContactV1Shape.refine(
  (a) => a.editIds.length === changedContactFields(a.changes).length && unique(a.editIds),
  { message: 'There must be one distinct edit id per changed field.', path: ['editIds'] },
);

const contactEditV2 = z.object({ id: uuid, field: z.enum(CONTACT_FIELDS), newValue: text().max(CONTACT_TEXT_MAX).nullable() });

const customerUpdateContactV2 = updateContactV1Shape
  .extend({
    /** One per changed field, in the canonical field order: its id and its new value as history text. */
    edits: z.array(contactEditV2).min(1).max(CONTACT_FIELDS.length),
  })
  .refine(
    (a) => {
      const fields = changedContactFields(a.changes);
      return (
        a.edits.length === fields.length &&
        a.edits.every((e, i) => e.field === fields[i] && e.id === a.editIds[i]) &&
        unique(a.editIds)
      );
    },
    { message: 'The edits must name each changed field once, in order, with the ids in editIds.', path: ['edits'] },
  );

const customerUpdateContact = defineMutation({
  name: 'customer.update_contact',
  versions: { 1: customerUpdateContactV1, 2: customerUpdateContactV2 },
  permission: 'customer.edit_contact',
  words: 'contact change',
  label: 'Contact details changed',
  // The customer's phones, emails or primary address not in its lists are deleted too: `replaces`.
  writes: (m) => {
    const c = m.args.changes;
    return [
      row('customers', m.args.customerId),
      ...(c.phones ?? []).map((p) => row('customer_phones', p.id)),
      ...(c.emails ?? []).map((e) => row('customer_emails', e.id)),
      ...(c.primaryAddress ? [row('customer_addresses', c.primaryAddress.id)] : []),
      ...m.args.editIds.map((id) => row('contact_edits', id)),
    ];
  },
  replaces: (m) => {
    const c = m.args.changes;
    const sets: ReplacedContactSet[] = [];
    if (c.phones !== undefined) sets.push({ table: 'customer_phones', customerId: m.args.customerId });
    if (c.emails !== undefined) sets.push({ table: 'customer_emails', customerId: m.args.customerId });
    if (c.primaryAddress !== undefined) sets.push({ table: 'customer_addresses', customerId: m.args.customerId });
    return sets;
  },
});

export const CUSTOMER_MUTATIONS = [customerCreate, customerUpdateContact] as const;
