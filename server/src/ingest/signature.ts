/**
 * The HMAC both directions use (issue 23): hex HMAC-SHA256 of `${timestamp}.${body}` with the
 * shared secret, where the timestamp is Unix seconds as sent in `X-Switchboard-Timestamp`. The
 * timestamp is inside what is signed, so a captured delivery cannot be replayed later under a
 * fresh one; the window bounds how late the same one may come.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function signPayload(secret: string, timestamp: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** Whether `signature` (hex) is the HMAC of timestamp and body, compared in constant time. */
export function signatureMatches(secret: string, timestamp: string, body: Buffer, signature: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = Buffer.from(signPayload(secret, timestamp, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/** Whether a Unix-seconds timestamp is within `windowS` of `nowMs`. */
export function timestampFresh(timestamp: string, nowMs: number, windowS: number): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(Number(timestamp) * 1000 - nowMs) <= windowS * 1000;
}

/** A new shared secret: 32 random bytes, base64url (43 characters). */
export function newSecret(): string {
  return `sbk_${randomBytes(32).toString('base64url')}`;
}
