/**
 * SQL for a customer's contact data as the contact form sees it (names, phones, emails, the
 * primary address, marketing consent) and for its edit history. Lists come in priority order:
 * primary first, then the order they were added in.
 */
import type { ChannelConsent, ConsentSource } from '../../../src-shared/domain/consent';
import type { ReadableDb, WritableDb } from '../db/open';
import type { PhoneKind } from '../../../src-shared/domain/customer';
import type { ContactField } from '../../../src-shared/contracts/customer360';
import { onFirstUse } from '../db/statements';

export interface StoredPhone {
  id: string;
  e164: string;
  raw: string;
  kind: PhoneKind;
  isPrimary: boolean;
  /** False: kept as typed, unverified; `e164` is then its digits (issue 18). */
  verified: boolean;
}

export interface StoredEmail {
  id: string;
  email: string;
  isPrimary: boolean;
}

export interface StoredAddress {
  id: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
}

export interface StoredContact {
  firstName: string;
  lastName: string;
  marketingConsent: boolean;
  /** Consent per channel (issue 23); `marketingConsent` is consent on any of them. */
  consentEmail: boolean;
  consentPhone: boolean;
  consentSms: boolean;
  phones: StoredPhone[];
  emails: StoredEmail[];
  primaryAddress: StoredAddress | null;
}

export interface ContactEditRow {
  id: string;
  field: ContactField;
  oldValue: string | null;
  newValue: string | null;
  agentId: string;
  callId: string | null;
  at: number;
  /** On whose word a consent changed (issue 23, CONSENT_SOURCES); null for other fields. */
  source?: ConsentSource | null;
}

/** "Is this customer in the local cache?" — every customer-scoped read and write asks it first. */
export function createCustomerExistsQuery(db: ReadableDb): (customerId: string) => boolean {
  const exists = db.$client.prepare(`SELECT 1 FROM customers WHERE id = ?`).pluck();
  return (customerId) => exists.get(customerId) !== undefined;
}

export function createProfileReadRepository(db: ReadableDb) {
  const c = db.$client;
  const customer = c.prepare(
    `SELECT first_name AS firstName, last_name AS lastName, marketing_consent AS marketingConsent,
            consent_email AS consentEmail, consent_phone AS consentPhone, consent_sms AS consentSms FROM customers WHERE id = ?`,
  );
  // By customer: each needs an index a first copy builds once the directory is in (prepared on first use, see statements.ts).
  const phones = onFirstUse(() =>
    c.prepare(`SELECT id, e164, raw, kind, is_primary AS isPrimary, verified FROM customer_phones WHERE customer_id = ? ORDER BY is_primary DESC, rowid`),
  );
  const emails = onFirstUse(() =>
    c.prepare(`SELECT id, email, is_primary AS isPrimary FROM customer_emails WHERE customer_id = ? ORDER BY is_primary DESC, rowid`),
  );
  const address = onFirstUse(() =>
    c.prepare(
      `SELECT id, line1, line2, city, region, postal_code AS postalCode, country
         FROM customer_addresses WHERE customer_id = ? AND is_primary = 1 ORDER BY rowid LIMIT 1`,
    ),
  );
  const edits = c.prepare(
    `SELECT id, field, old_value AS oldValue, new_value AS newValue, agent_id AS agentId, call_id AS callId, at, source
       FROM contact_edits WHERE customer_id = ? ORDER BY at DESC, rowid DESC LIMIT ?`,
  );
  const editCount = c.prepare(`SELECT count(*) FROM contact_edits WHERE customer_id = ?`).pluck();

  return {
    /** Not while the directory is arriving (`directoryArriving`): each list would scan its table. */
    contact(customerId: string): StoredContact | undefined {
      const row = customer.get(customerId) as
        | { firstName: string; lastName: string; marketingConsent: number; consentEmail: number; consentPhone: number; consentSms: number }
        | undefined;
      if (!row) return undefined;
      const primary = address().get(customerId) as StoredAddress | undefined;
      return {
        firstName: row.firstName,
        lastName: row.lastName,
        marketingConsent: row.marketingConsent === 1,
        consentEmail: row.consentEmail === 1,
        consentPhone: row.consentPhone === 1,
        consentSms: row.consentSms === 1,
        phones: (phones().all(customerId) as (Omit<StoredPhone, 'isPrimary' | 'verified'> & { isPrimary: number; verified: number })[]).map((p) => ({
          ...p,
          isPrimary: p.isPrimary === 1,
          verified: p.verified === 1,
        })),
        emails: (emails().all(customerId) as (Omit<StoredEmail, 'isPrimary'> & { isPrimary: number })[]).map((e) => ({ ...e, isPrimary: e.isPrimary === 1 })),
        primaryAddress: primary ?? null,
      };
    },
    edits: (customerId: string, limit: number) => edits.all(customerId, limit) as ContactEditRow[],
    editCount: (customerId: string) => editCount.get(customerId) as number,
  };
}

export function createProfileWriteRepository(db: WritableDb) {
  const c = db.$client;
  const updateCustomer = c.prepare(
    `UPDATE customers SET first_name = ?, last_name = ?, marketing_consent = ?, consent_email = ?, consent_phone = ?, consent_sms = ?, updated_at = ? WHERE id = ?`,
  );
  const insertPhone = c.prepare(
    `INSERT INTO customer_phones (id, customer_id, e164, raw, kind, is_primary, verified) VALUES (@id, @customerId, @e164, @raw, @kind, @isPrimary, @verified)`,
  );
  const updatePhone = c.prepare(`UPDATE customer_phones SET kind = ?, is_primary = ? WHERE id = ?`);
  const deletePhone = c.prepare(`DELETE FROM customer_phones WHERE id = ?`);
  const insertEmail = c.prepare(`INSERT INTO customer_emails (id, customer_id, email, is_primary) VALUES (?, ?, ?, ?)`);
  const updateEmail = c.prepare(`UPDATE customer_emails SET is_primary = ? WHERE id = ?`);
  const deleteEmail = c.prepare(`DELETE FROM customer_emails WHERE id = ?`);
  const insertAddress = c.prepare(
    `INSERT INTO customer_addresses (id, customer_id, line1, line2, city, region, postal_code, country, is_primary)
     VALUES (@id, @customerId, @line1, @line2, @city, @region, @postalCode, @country, 1)`,
  );
  const updateAddress = c.prepare(
    `UPDATE customer_addresses SET line1 = @line1, line2 = @line2, city = @city, region = @region, postal_code = @postalCode, country = @country
      WHERE id = @id`,
  );
  const deleteAddress = c.prepare(`DELETE FROM customer_addresses WHERE id = ?`);
  const insertEdit = c.prepare(
    `INSERT INTO contact_edits (id, customer_id, call_id, agent_id, field, old_value, new_value, at, source)
     VALUES (@id, @customerId, @callId, @agentId, @field, @oldValue, @newValue, @at, @source)`,
  );

  return {
    updateCustomer(customerId: string, firstName: string, lastName: string, consent: ChannelConsent & { marketingConsent: boolean }, at: number) {
      const bit = (b: boolean) => (b ? 1 : 0);
      updateCustomer.run(firstName, lastName, bit(consent.marketingConsent), bit(consent.consentEmail), bit(consent.consentPhone), bit(consent.consentSms), at, customerId);
    },
    insertPhone(customerId: string, p: StoredPhone) {
      insertPhone.run({ ...p, customerId, isPrimary: p.isPrimary ? 1 : 0, verified: p.verified ? 1 : 0 });
    },
    updatePhone(p: StoredPhone) {
      updatePhone.run(p.kind, p.isPrimary ? 1 : 0, p.id);
    },
    deletePhone(id: string) {
      deletePhone.run(id);
    },
    insertEmail(customerId: string, e: StoredEmail) {
      insertEmail.run(e.id, customerId, e.email, e.isPrimary ? 1 : 0);
    },
    updateEmail(e: StoredEmail) {
      updateEmail.run(e.isPrimary ? 1 : 0, e.id);
    },
    deleteEmail(id: string) {
      deleteEmail.run(id);
    },
    insertPrimaryAddress(customerId: string, a: StoredAddress) {
      insertAddress.run({ ...a, customerId });
    },
    updateAddress(a: StoredAddress) {
      updateAddress.run(a);
    },
    deleteAddress(id: string) {
      deleteAddress.run(id);
    },
    insertEdit(row: ContactEditRow & { customerId: string }) {
      insertEdit.run({ ...row, source: row.source ?? null });
    },
  };
}
