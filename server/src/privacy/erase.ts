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
 * - the old and new values of their contact history (names, numbers, addresses as they were);
 * - the note a supervisor wrote when following up a low satisfaction score of their calls;
 * - the hash of their source record (customer_sources.source_hash, a fingerprint of their name and
 *   contacts; the source's id of them stays, so an import or a web order naming them by it finds
 *   the anonymous customer again, never a new person);
 * - their place in the ingest queue (server/src/ingest/retention.ts): every applied delivery's body
 *   is dropped, a dead order naming them loses its body, a pending one is rewritten to name them by
 *   store id only, without its note (it still applies, to the anonymous customer);
 * - mail owed to them: a pending or failed mail becomes skipped (`customer_gone`), never sent; its
 *   last error (a code, never an address) is cleared. A mail being sent at that moment (`sending`)
 *   is left to the sender, which reads the customer again before it sends and skips them.
 *
 * What is kept, anonymous: the customer row and its id (so orders, calls, complaints and offers
 * still point at something), loyalty tier and points, segment, lifetime value and currency; orders
 * with their lines, totals, dates and statuses; calls with their times, durations, disposition and
 * satisfaction; complaints with their category, severity, statuses and dates; offers; the fields
 * the contact history changed and when; the ingest queue's rows (keys, states, times, reasons), so a
 * delivery sent again is still a duplicate; the outbox's rows (kind, record, state); webhook events,
 * whose payloads carry ids and figures only. So every metric counts what it counted before.
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
  customerSources,
  customerEmails,
  customerPhones,
  customers,
  mailOutbox,
  notes,
  orders,
  satisfactionFollowUps,
} from '../db/schema';
import { eraseCustomerFromIngest } from '../ingest/retention';
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
  followUps: number;
  /** Their deliveries in the ingest queue whose body was dropped or rewritten. */
  ingestDeliveries: number;
  /** Mails owed to them, cancelled. */
  mails: number;
}

/** What an erased customer's source record hash becomes: matches no row, and the import leaves erased customers alone anyway. */
export const ERASED_SOURCE_HASH = 'erased';

const erasedOr = <T>(column: T) => sql`case when ${column} is null then null else ${ERASED_TEXT} end`;

/** Anonymises the customer in `tx`. Already erased: does it again (nothing new to erase) and answers the counts. */
export async function eraseCustomer(tx: StoreTx, customerId: string, now: number): Promise<ErasureCounts> {
  // The ingest queue first, while their addresses are still known to find them by; its rows are
  // locked before the customer's (the worker's order), so the two never deadlock.
  const addressesOf = await tx.select({ email: customerEmails.email }).from(customerEmails).where(eq(customerEmails.customerId, customerId));
  const sources = await tx.select({ source: customerSources.source, sourceId: customerSources.sourceId }).from(customerSources).where(eq(customerSources.customerId, customerId));
  const ingest = await eraseCustomerFromIngest(tx, { customerId, emails: addressesOf.map((e) => e.email.trim().toLowerCase()), sources });
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
  const followUps =
    callRows.length === 0
      ? []
      : await tx
          .update(satisfactionFollowUps)
          .set({ note: ERASED_TEXT })
          .where(and(inArray(satisfactionFollowUps.callId, callRows.map((c) => c.id)), isNotNull(satisfactionFollowUps.note)))
          .returning({ id: satisfactionFollowUps.callId });
  await tx.update(customerSources).set({ sourceHash: ERASED_SOURCE_HASH }).where(eq(customerSources.customerId, customerId));
  const mails = await tx
    .update(mailOutbox)
    .set({ state: 'skipped', skipReason: 'customer_gone', nextAttemptAt: null, lastError: null })
    .where(and(eq(mailOutbox.customerId, customerId), inArray(mailOutbox.state, ['pending', 'failed'])))
    .returning({ id: mailOutbox.id });
  return {
    phones: phones.length,
    emails: emails.length,
    addresses: addresses.length,
    calls: callRows.length,
    complaints: complaintRows.length,
    notes: noteRows.length,
    orders: orderRows.length,
    contactEdits: edits.length,
    followUps: followUps.length,
    ingestDeliveries: ingest,
    mails: mails.length,
  };
}

/** Is this customer erased? (Asked before a contact change is applied: it is refused.) */
export async function isErased(tx: StoreTx, customerId: string): Promise<boolean> {
  const [row] = await tx.select({ erasedAt: customers.erasedAt }).from(customers).where(eq(customers.id, customerId));
  return row?.erasedAt !== null && row?.erasedAt !== undefined;
}
