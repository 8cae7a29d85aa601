/** Password hashing for the central store: scrypt with per-user salt and its parameters in the hash string. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword } from '../../server/src/auth/password';

const FAST = { N: 1024, r: 8, p: 1 };

describe('central store password hashes', () => {
  it('store the scrypt parameters and a per-user salt with the hash', async () => {
    const a = await hashPassword('csr-demo', FAST);
    const b = await hashPassword('csr-demo', FAST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('csr-demo');
  });

  it('verify the right password and refuse a wrong one', async () => {
    const stored = await hashPassword('correct horse', FAST);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct horsE', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('verify with the parameters in the string, so the default cost can change later', async () => {
    const stored = await hashPassword('pw', DEFAULT_SCRYPT);
    expect(stored.startsWith(`scrypt$${DEFAULT_SCRYPT.N}$${DEFAULT_SCRYPT.r}$${DEFAULT_SCRYPT.p}$`)).toBe(true);
    expect(await verifyPassword('pw', stored)).toBe(true);
    expect(await verifyPassword('pw', await hashPassword('pw', FAST))).toBe(true);
  });

  it('refuse a malformed hash string instead of throwing', async () => {
    const stored = await hashPassword('pw', FAST);
    for (const bad of ['', 'plain', stored.replace('scrypt', 'bcrypt'), stored.split('$').slice(0, 5).join('$'), stored.replace('$1024$', '$zero$')]) {
      expect(await verifyPassword('pw', bad)).toBe(false);
    }
  });
});
