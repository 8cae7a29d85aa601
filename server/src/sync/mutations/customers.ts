/**
 * `customer.create` and `customer.update_contact` on the central store.
 *
 * Contact edits are field-level last-writer-wins in server order: an edit writes only the fields
 * it changed, so two workstations editing different fields of one customer both keep their
 * change, and on the same field the one applied later wins. Every edit is recorded in
 * contact_edits with old_value = the store's value just before it was applied (not the value the
 * workstation saw), so the value that lost stays readable in the history. Phones, emails and the
 * primary address are each one field: the edit carries the whole list and the store makes the
 * customer's rows match it (rows keep their ids, rows not in it are removed).
 */
import { and, asc, desc, eq, ne, notInArray } from 'drizzle-orm';
import type { ContactField } from '../../../../src-shared/contracts/customer360';
import { contactFieldText, type ContactForText } from '../../../../src-shared/domain/contact-text';
import { anyMarketingConsent, CONSENT_FIELDS, everyChannel, type ChannelConsent } from '../../../../src-shared/domain/consent';
import { changedContactFields, MUTATION_WORDS, type ContactChanges, type ParsedMutations } from '../../../../src-shared/sync/mutations';
import type { CUSTOMER_MUTATIONS } from '../../../../src-shared/sync/mutations/customers';
import type { NamesOf } from '../../../../src-shared/sync/mutations/define';
import { contactEdits, customerAddresses, customerEmails, customerPhones, customers } from '../../db/schema';
import { v1CustomerContactIds } from './derived-ids';
import { insertOnce, requireAllExisting } from './insert-once';
import { requireLinkedCall } from './references';
import { MutationRefused, type Appliers, type ApplyContext, type StoreTx } from './refusal';

type CustomerCreate = ParsedMutations['customer.create'];
type UpdateContact = ParsedMutations['customer.update_contact'];

async function applyCustomerCreate({ tx, savedAt }: ApplyContext, m: CustomerCreate): Promise<void> {
  const a = m.args;
  const ids = m.schemaVersion === 2 ? { phoneId: m.args.phoneId, emailId: m.args.emailId } : v1CustomerContactIds(a.customerId);
  // v1 did not carry the number as typed; its E.164 form is the best "raw" there is.
  const raw = m.schemaVersion === 2 ? m.args.phoneRaw : a.phone;
  const verified = m.schemaVersion === 2 ? m.args.phoneVerified !== false : true;
  // The customer's times are the workstation's (the entry carries no other); nothing orders by them.
  // Inserts only (issue 18, item 7): an id already taken by other content refuses the whole create.
  const taken = `This ${MUTATION_WORDS[m.name]} was given an id that the central store already has for another record, so it was not saved there; enter the customer again if they are still needed.`;
  const outcomes = [
    await insertOnce(
      tx,
      customers,
      { id: a.customerId, firstName: a.firstName, lastName: a.lastName, segment: 'new', createdAt: savedAt, updatedAt: savedAt },
      ['createdAt'],
      taken,
    ),
    await insertOnce(tx, customerPhones, { id: ids.phoneId, customerId: a.customerId, e164: a.phone, raw, kind: 'mobile', isPrimary: true, verified }, ['customerId'], taken),
  ];
  if (a.email !== null && ids.emailId !== null) {
    outcomes.push(await insertOnce(tx, customerEmails, { id: ids.emailId, customerId: a.customerId, email: a.email, isPrimary: true }, ['customerId'], taken));
  }
  const address = m.schemaVersion === 2 ? m.args.address : undefined;
  if (address) {
    outcomes.push(await insertOnce(tx, customerAddresses, { ...address, customerId: a.customerId, isPrimary: true }, ['customerId'], taken));
  }
  requireAllExisting(outcomes, taken);
}

async function applyUpdateContact({ tx, now }: ApplyContext, m: UpdateContact): Promise<void> {
  const a = m.args;
  const words = MUTATION_WORDS[m.name];
  // Serializes contact edits of one customer (NO KEY UPDATE does not block rows that merely refer to it).
  const [customer] = await tx
    .select({
      firstName: customers.firstName,
      lastName: customers.lastName,
      marketingConsent: customers.marketingConsent,
      consentEmail: customers.consentEmail,
      consentPhone: customers.consentPhone,
      consentSms: customers.consentSms,
      erasedAt: customers.erasedAt,
    })
    .from(customers)
    .where(eq(customers.id, a.customerId))
    .for('no key update');
  if (!customer) {
    throw new MutationRefused(
      'not_found',
      `The customer this ${words} is for is no longer in the central store (the record may have been deleted or merged), so the ${words} was not saved there; find the customer again and re-enter it if it is still needed.`,
    );
  }
  if (customer.erasedAt !== null) {
    // Issue 23: an erased customer's details are never written again (a workstation offline at the time may still send them).
    throw new MutationRefused(
      'conflict',
      `This customer's personal data was erased on request, so this ${words} was not saved on the central store and must not be entered again.`,
    );
  }
  await requireLinkedCall(tx, a.callId, words);

  const { erasedAt: _erasedAt, ...stored } = customer;
  const before = await readContact(tx, a.customerId, stored);
  const c = a.changes;
  const after = applyChanges(before, c);
  const fields = changedContactFields(c);
  const newValue = (field: ContactField, i: number): string | null =>
    m.schemaVersion === 2 ? (m.args.edits[i]?.newValue ?? null) : contactFieldText(field, after);

  // Each edit row is new (issue 18, item 7): an edit id the store has for another edit refuses the change.
  const taken = `This ${words} was given an id that the central store already has for another change, so it was not saved there; make the change again if it is still needed.`;
  for (const [i, field] of fields.entries()) {
    await insertOnce(
      tx,
      contactEdits,
      {
        id: a.editIds[i]!,
        customerId: a.customerId,
        callId: a.callId,
        agentId: a.agentId,
        field,
        oldValue: contactFieldText(field, before),
        newValue: newValue(field, i),
        at: a.at,
        source: CONSENT_HISTORY_FIELDS.has(field) ? (a.consentSource ?? null) : null,
      },
      ['customerId', 'field', 'at'],
      taken,
    );
  }

  await tx
    .update(customers)
    .set({
      ...(c.firstName !== undefined ? { firstName: c.firstName } : {}),
      ...(c.lastName !== undefined ? { lastName: c.lastName } : {}),
      // Consent per channel decides; the store's trigger derives marketing_consent (any channel),
      // and a change of only the old flag (an older workstation) sets every channel to it.
      ...(c.marketingConsent !== undefined ? { marketingConsent: c.marketingConsent } : {}),
      ...(c.consentEmail !== undefined ? { consentEmail: c.consentEmail } : {}),
      ...(c.consentPhone !== undefined ? { consentPhone: c.consentPhone } : {}),
      ...(c.consentSms !== undefined ? { consentSms: c.consentSms } : {}),
      updatedAt: now,
    })
    .where(eq(customers.id, a.customerId));
  if (c.phones !== undefined) await replacePhones(tx, a.customerId, c.phones);
  if (c.emails !== undefined) await replaceEmails(tx, a.customerId, c.emails);
  if (c.primaryAddress !== undefined) await replacePrimaryAddress(tx, a.customerId, c.primaryAddress);
}

export const CUSTOMER_APPLIERS: Appliers<NamesOf<typeof CUSTOMER_MUTATIONS>> = {
  'customer.create': applyCustomerCreate,
  'customer.update_contact': applyUpdateContact,
};

/**
 * A list naming a row id that another customer's row has: the change would neither take that row
 * nor hold the CSR's entry, so it is refused whole (issue 18, item 7).
 */
const othersRow = (what: string) =>
  new MutationRefused(
    'conflict',
    `This contact change names a ${what} that the central store has on another customer's record, so it was not saved there; make the change again if it is still needed.`,
  );

type StoredPhones = NonNullable<ContactChanges['phones']>;
type StoredEmails = NonNullable<ContactChanges['emails']>;
type StoredAddress = NonNullable<ContactChanges['primaryAddress']>;

/** The store's current contact record of a customer, lists in priority order (primary first). */
async function readContact(
  tx: StoreTx,
  customerId: string,
  customer: { firstName: string; lastName: string; marketingConsent: boolean; consentEmail: boolean; consentPhone: boolean; consentSms: boolean },
): Promise<ContactForText> {
  // The store keeps no insertion order: after the primary, lists are in a stable order of their own.
  const phones = await tx
    .select({ e164: customerPhones.e164, kind: customerPhones.kind })
    .from(customerPhones)
    .where(eq(customerPhones.customerId, customerId))
    .orderBy(desc(customerPhones.isPrimary), asc(customerPhones.e164), asc(customerPhones.id));
  const emails = await tx
    .select({ email: customerEmails.email })
    .from(customerEmails)
    .where(eq(customerEmails.customerId, customerId))
    .orderBy(desc(customerEmails.isPrimary), asc(customerEmails.email), asc(customerEmails.id));
  const [primaryAddress] = await tx
    .select({
      line1: customerAddresses.line1,
      line2: customerAddresses.line2,
      city: customerAddresses.city,
      region: customerAddresses.region,
      postalCode: customerAddresses.postalCode,
      country: customerAddresses.country,
    })
    .from(customerAddresses)
    .where(and(eq(customerAddresses.customerId, customerId), eq(customerAddresses.isPrimary, true)))
    .orderBy(asc(customerAddresses.id))
    .limit(1);
  return { ...customer, phones, emails, primaryAddress: primaryAddress ?? null };
}

function applyChanges(before: ContactForText, c: ContactChanges): ContactForText {
  const channelsGiven = c.consentEmail !== undefined || c.consentPhone !== undefined || c.consentSms !== undefined;
  const channels: ChannelConsent = channelsGiven
    ? {
        consentEmail: c.consentEmail ?? before.consentEmail ?? before.marketingConsent,
        consentPhone: c.consentPhone ?? before.consentPhone ?? before.marketingConsent,
        consentSms: c.consentSms ?? before.consentSms ?? before.marketingConsent,
      }
    : c.marketingConsent !== undefined
      ? everyChannel(c.marketingConsent)
      : { consentEmail: before.consentEmail ?? before.marketingConsent, consentPhone: before.consentPhone ?? before.marketingConsent, consentSms: before.consentSms ?? before.marketingConsent };
  return {
    ...channels,
    firstName: c.firstName ?? before.firstName,
    lastName: c.lastName ?? before.lastName,
    phones: c.phones ?? before.phones,
    emails: c.emails ?? before.emails,
    primaryAddress: c.primaryAddress !== undefined ? c.primaryAddress : before.primaryAddress,
    marketingConsent: channelsGiven ? anyMarketingConsent(channels) : (c.marketingConsent ?? before.marketingConsent),
  };
}

/** The history fields whose edits say on whose word they were made (contact_edits.source). */
const CONSENT_HISTORY_FIELDS = new Set<string>(['marketing_consent', ...CONSENT_FIELDS]);

async function replacePhones(tx: StoreTx, customerId: string, phones: StoredPhones): Promise<void> {
  const keep = phones.map((p) => p.id);
  await tx
    .delete(customerPhones)
    .where(and(eq(customerPhones.customerId, customerId), keep.length ? notInArray(customerPhones.id, keep) : undefined));
  for (const p of phones) {
    const values = { e164: p.e164, raw: p.raw, kind: p.kind, isPrimary: p.isPrimary, verified: p.verified !== false };
    const written = await tx
      .insert(customerPhones)
      .values({ id: p.id, customerId, ...values })
      // An id of another customer's row is left alone: a list only ever speaks for its own customer.
      .onConflictDoUpdate({ target: customerPhones.id, set: values, setWhere: eq(customerPhones.customerId, customerId) })
      .returning({ id: customerPhones.id });
    if (written.length === 0) throw othersRow('phone');
  }
}

async function replaceEmails(tx: StoreTx, customerId: string, emails: StoredEmails): Promise<void> {
  const keep = emails.map((e) => e.id);
  await tx
    .delete(customerEmails)
    .where(and(eq(customerEmails.customerId, customerId), keep.length ? notInArray(customerEmails.id, keep) : undefined));
  for (const e of emails) {
    const values = { email: e.email, isPrimary: e.isPrimary };
    const written = await tx
      .insert(customerEmails)
      .values({ id: e.id, customerId, ...values })
      .onConflictDoUpdate({ target: customerEmails.id, set: values, setWhere: eq(customerEmails.customerId, customerId) })
      .returning({ id: customerEmails.id });
    if (written.length === 0) throw othersRow('email');
  }
}

/** The customer's primary address becomes `address` (or there is none); other addresses stay. */
async function replacePrimaryAddress(tx: StoreTx, customerId: string, address: StoredAddress | null): Promise<void> {
  const primaries = and(eq(customerAddresses.customerId, customerId), eq(customerAddresses.isPrimary, true));
  if (address === null) {
    await tx.delete(customerAddresses).where(primaries);
    return;
  }
  const { id, ...fields } = address;
  await tx.delete(customerAddresses).where(and(primaries, ne(customerAddresses.id, id)));
  const values = { ...fields, isPrimary: true };
  const written = await tx
    .insert(customerAddresses)
    .values({ id, customerId, ...values })
    .onConflictDoUpdate({ target: customerAddresses.id, set: values, setWhere: eq(customerAddresses.customerId, customerId) })
    .returning({ id: customerAddresses.id });
  if (written.length === 0) throw othersRow('address');
}

