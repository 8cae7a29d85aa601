/**
 * The offline sign-in verifier: scrypt of the password with a per-user salt made on this
 * workstation, in the same self-describing format the store uses (`scrypt$N$r$p$salt$key`,
 * base64url) so the cost can be raised later. It is made here from the password the person just
 * typed and the store accepted; the store's own hash never leaves the store.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** About 50–100 ms and 32 MiB per check on a desktop core. */
export const VERIFIER_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => {
    scryptCb(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function makeVerifier(password: string, cost: ScryptCost = VERIFIER_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `password` matches; false for a wrong one or a malformed verifier. */
export async function checkVerifier(password: string, verifier: string): Promise<boolean> {
  const parts = verifier.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) || N > 2 ** 20) return false;
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await derive(password, Buffer.from(parts[4] ?? '', 'base64url'), { N, r, p });
  return timingSafeEqual(actual, expected);
}

let decoy: Promise<string> | undefined;
/** A verifier of nothing, checked when a name is unknown so the answer takes the same time. */
export function decoyVerifier(): Promise<string> {
  decoy ??= makeVerifier(randomBytes(16).toString('hex'));
  return decoy;
}
