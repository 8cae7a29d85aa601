/**
 * Ids the store makes for rows a v1 `customer.create` did not name. v1 entries carry no ids for
 * the new customer's phone and email, so the store derives them from the customer id (a UUID v5,
 * RFC 9562 §5.5, with the customer id as the namespace): the same entry always yields the same
 * rows, and a retried apply cannot make a second phone.
 */
import { createHash } from 'node:crypto';

export function uuidV5(name: string, namespace: string): string {
  const bytes = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The phone and email ids of the rows a v1 `customer.create` of this customer makes. */
export function v1CustomerContactIds(customerId: string): { phoneId: string; emailId: string } {
  return { phoneId: uuidV5('customer_phones', customerId), emailId: uuidV5('customer_emails', customerId) };
}
