/**
 * Erasing a customer's personal data (issue 23), once an admin has confirmed a supervisor's request.
 *
 * What is erased (overwritten in place, so every synced row is an update the normal pull carries
 * to every workstation, and the cache's name index and phone lookup no longer find the person):
 * - the customer's first and last name (become "Erased" "customer"), their marketing consent (off
 *   on every channel);
 * - their phones, e-mail addresses and postal addresses (deleted: tombstones through sync);
 * - the caller's number on their calls (`from_e164`, `from_raw`) and the calls' wrap-up notes;
 * - the free text of their complaints (description, desired resolution, resolution) and of the
 *   complaints' history (`detail`), which may name them;
 * - the text of notes about them;
 * - their orders' delivery address and note;
 * - the old and new values of their contact history (names, numbers, addresses as they were).
 *
 * What is kept, anonymous: the customer row and its id (so orders, calls, complaints and offers
 * still point at something), loyalty tier and points, segment, lifetime value and currency; orders
 * with their lines, totals, dates and statuses; calls with their times, durations, disposition and
 * satisfaction; complaints with their category, severity, statuses and dates; offers; the fields
 * the contact history changed and when. So every metric counts what it counted before.
 *
 * The store's triggers (server/drizzle/0023_privacy.sql, sb_keep_erased_anonymous) keep rows
 * written later for an erased customer — a call or complaint pushed by a workstation that was
 * offline at the time — anonymous the same way, and a contact change for them is refused.
 */
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { ERASED_FIRST_NAME, ERASED_LAST_NAME, ERASED_TEXT } from '../../../src-shared/contracts/privacy';
import {
  calls,
  complaintEvents,
  complaints,
  contactEdits,
  customerAddresses,
  customerEmails,
  customerPhones,
  customers,
  notes,
  orders,
} from '../db/schema';
import type { StoreTx } from '../sync/mutations/refusal';

/** How many rows of each kind the erasure touched: what the audit log records (never their content). */
export interface ErasureCounts {
  phones: number;
  emails: number;
  addresses: number;
  calls: number;
  complaints: number;
  notes: number;
  orders: number;
  contactEdits: number;
}

const erasedOr = <T>(column: T) => sql`case when ${column} is null then null else ${ERASED_TEXT} end`;

/** Anonymises the customer in `tx`. Already erased: does it again (nothing new to erase) and answers the counts. */
export async function eraseCustomer(tx: StoreTx, customerId: string, now: number): Promise<ErasureCounts> {
  await tx
    .update(customers)
    .set({
      firstName: ERASED_FIRST_NAME,
      lastName: ERASED_LAST_NAME,
      consentEmail: false,
      consentPhone: false,
      consentSms: false,
      marketingConsent: false,
      erasedAt: sql`coalesce(${customers.erasedAt}, ${now}::bigint)`,
      updatedAt: now,
    })
    .where(eq(customers.id, customerId));
  const phones = await tx.delete(customerPhones).where(eq(customerPhones.customerId, customerId)).returning({ id: customerPhones.id });
  const emails = await tx.delete(customerEmails).where(eq(customerEmails.customerId, customerId)).returning({ id: customerEmails.id });
  const addresses = await tx.delete(customerAddresses).where(eq(customerAddresses.customerId, customerId)).returning({ id: customerAddresses.id });
  const callRows = await tx
    .update(calls)
    .set({ fromE164: null, fromRaw: null, wrapUpNotes: erasedOr(calls.wrapUpNotes) })
    .where(eq(calls.customerId, customerId))
    .returning({ id: calls.id });
  const complaintRows = await tx
    .update(complaints)
    .set({ description: ERASED_TEXT, desiredResolution: erasedOr(complaints.desiredResolution), resolution: erasedOr(complaints.resolution) })
    .where(eq(complaints.customerId, customerId))
    .returning({ id: complaints.id });
  if (complaintRows.length > 0) {
    await tx
      .update(complaintEvents)
      .set({ detail: ERASED_TEXT })
      .where(and(inArray(complaintEvents.complaintId, complaintRows.map((c) => c.id)), isNotNull(complaintEvents.detail)));
  }
  const noteRows = await tx.update(notes).set({ body: ERASED_TEXT }).where(eq(notes.customerId, customerId)).returning({ id: notes.id });
  const orderRows = await tx
    .update(orders)
    .set({ deliveryAddressId: null, deliveryAddress: null, note: null })
    .where(eq(orders.customerId, customerId))
    .returning({ id: orders.id });
  const edits = await tx
    .update(contactEdits)
    .set({ oldValue: null, newValue: null })
    .where(eq(contactEdits.customerId, customerId))
    .returning({ id: contactEdits.id });
  return {
    phones: phones.length,
    emails: emails.length,
    addresses: addresses.length,
    calls: callRows.length,
    complaints: complaintRows.length,
    notes: noteRows.length,
    orders: orderRows.length,
    contactEdits: edits.length,
  };
}

/** Is this customer erased? (Asked before a contact change is applied: it is refused.) */
export async function isErased(tx: StoreTx, customerId: string): Promise<boolean> {
  const [row] = await tx.select({ erasedAt: customers.erasedAt }).from(customers).where(eq(customers.id, customerId));
  return row?.erasedAt !== null && row?.erasedAt !== undefined;
}
