/**
 * CustomerIntake: a new customer created during a call (the caller was not in the cache). The
 * customer, their phone and email, and the outbox entry commit in one transaction.
 *
 * "Not in the cache" is what caller lookup said, and it cannot say it while a first copy is still
 * bringing in the customer directory (db/deferred-indexes: `directoryArriving`): the caller may be
 * a customer not copied yet. A new customer is refused then (code `unavailable`, try again in a
 * moment), and nothing is written: a duplicate made now would reach the central store as a second
 * customer for the same person.
 */
import { randomUUID } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js/max';
import type { WritableDb } from '../db/open';
import { directoryArriving } from '../db/deferred-indexes';
import { Outbox } from '../outbox/outbox';
import { AppError } from '../../../src-shared/result';
import { KEEP_UNVERIFIED_HINT, keepableUnverified, normalizePhone } from '../../../src-shared/domain/phone';
import { CREATE_WHILE_DIRECTORY_ARRIVING, type NewCustomerInput } from '../../../src-shared/contracts/customer';

export class CustomerIntake {
  private readonly outbox: Outbox;
  private readonly insertCustomer;
  private readonly insertPhone;
  private readonly insertEmail;
  private readonly insertAddress;

  constructor(
    private readonly db: WritableDb,
    private readonly defaultRegion: CountryCode,
  ) {
    const c = db.$client;
    this.outbox = new Outbox(db);
    this.insertCustomer = c.prepare(
      `INSERT INTO customers (id, first_name, last_name, segment, created_at, updated_at) VALUES (?, ?, ?, 'new', ?, ?)`,
    );
    this.insertPhone = c.prepare(
      `INSERT INTO customer_phones (id, customer_id, e164, raw, kind, is_primary, verified) VALUES (?, ?, ?, ?, 'mobile', 1, ?)`,
    );
    this.insertEmail = c.prepare(`INSERT INTO customer_emails (id, customer_id, email, is_primary) VALUES (?, ?, ?, 1)`);
    this.insertAddress = c.prepare(
      `INSERT INTO customer_addresses (id, customer_id, line1, line2, city, region, postal_code, country, is_primary) VALUES (?, ?, ?, NULL, ?, NULL, ?, ?, 1)`,
    );
  }

  create(input: NewCustomerInput, now: number = Date.now()): { customerId: string; e164: string; phoneVerified: boolean } {
    // Read in the country the CSR chose: a German number typed nationally on a US workstation is a
    // German number, never "+1 0300074321" (issue 19, item 4).
    const country = input.country ? (input.country as CountryCode) : this.defaultRegion;
    const parsed = normalizePhone(input.phone, country);
    // A number the library refuses only for its length may be kept as typed, unverified, once the
    // CSR has confirmed it (issue 18): real customer files hold many such numbers.
    const unverified = keepableUnverified(input.phone, parsed);
    if (!parsed.ok && unverified === null) throw new AppError('invalid_input', `Phone: ${parsed.message}`, 'phone');
    if (!parsed.ok && !input.keepUnverifiedPhone) {
      throw new AppError('unparseable_phone', `Phone: ${parsed.message} ${KEEP_UNVERIFIED_HINT}`, 'phone');
    }
    const phone = parsed.ok ? { e164: parsed.e164, verified: true } : { e164: unverified as string, verified: false };
    const customerId = randomUUID();
    const email = input.email ? input.email.toLowerCase() : null;
    // The phone and email ids travel in the outbox entry (schema v2), so the central store's rows
    // have the same ids as these and a later edit of either refers to the same row on both sides.
    const phoneId = randomUUID();
    const emailId = email ? randomUUID() : null;
    const a = input.address;
    const address =
      a && a.line1 !== '' ? { id: randomUUID(), line1: a.line1, line2: null, city: a.city, region: null, postalCode: a.postalCode === '' ? null : a.postalCode, country } : null;
    const write = this.db.$client.transaction(() => {
      // Asked inside the write transaction: the copy defers and builds indexes in its own, so the
      // answer holds until this one commits.
      if (directoryArriving(this.db.$client)) throw new AppError('directory_arriving', CREATE_WHILE_DIRECTORY_ARRIVING);
      this.insertCustomer.run(customerId, input.firstName, input.lastName, now, now);
      this.insertPhone.run(phoneId, customerId, phone.e164, input.phone, phone.verified ? 1 : 0);
      if (email && emailId) this.insertEmail.run(emailId, customerId, email);
      if (address) this.insertAddress.run(address.id, customerId, address.line1, address.city, address.postalCode, address.country);
      this.outbox.append(
        'customer.create',
        {
          customerId,
          firstName: input.firstName,
          lastName: input.lastName,
          phone: phone.e164,
          email,
          phoneId,
          emailId,
          phoneRaw: input.phone,
          phoneVerified: phone.verified,
          ...(address ? { address } : {}),
        },
        now,
      );
    });
    write.immediate();
    return { customerId, e164: phone.e164, phoneVerified: phone.verified };
  }
}
