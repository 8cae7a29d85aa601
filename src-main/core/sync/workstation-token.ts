/**
 * Workstation tokens made on the workstation (issue 18): a renewal names a token the workstation
 * made and kept before asking, by its SHA-256, so the same renewal asked again (after a lost
 * answer, or a process killed before it kept the answer) names the same token.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A fresh token: 32 random bytes, base64url (as the store makes them). */
export function makeWorkstationToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the store keeps of a token: its SHA-256 in lowercase hex. */
export function workstationTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
