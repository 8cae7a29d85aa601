/**
 * New passwords are checked against common, leaked and easily guessed ones (issue 18, item 18;
 * NIST SP 800-63B 5.1.1.2), in the contracts every place that sets a password goes through.
 */
import { describe, expect, it } from 'vitest';
import { createUserRequest, resetPasswordRequest } from '../../src-shared/contracts/admin';
import { passwordRefusal, WEAK_PASSWORD_MESSAGE } from '../../src-shared/auth/password-policy';

const userId = '6f1c7a52-3a0e-4a53-9d0b-2b8f0d6c1e01';
const newUser = (password: string) => ({ username: 'ana.silva', displayName: 'Ana Silva', role: 'csr', password });
const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) => (r.success ? [] : r.error!.issues.map((i) => i.message));

describe('new passwords', () => {
  it.each(['password', 'aaaaaaaa', '        ', '12345678', 'iloveyou', 'qwertyuiop', 'Password1!', 'switchboard1'])('refuses %j with the reason', (weak) => {
    expect(messages(createUserRequest.safeParse(newUser(weak)))).toEqual([WEAK_PASSWORD_MESSAGE]);
    expect(messages(resetPasswordRequest.safeParse({ userId, password: weak }))).toEqual([WEAK_PASSWORD_MESSAGE]);
  });

  it('accepts a passphrase of unrelated words', () => {
    for (const strong of ['mauve tractor sings loudly', 'copper lantern above quiet fields']) {
      expect(createUserRequest.safeParse(newUser(strong)).success).toBe(true);
      expect(resetPasswordRequest.safeParse({ userId, password: strong }).success).toBe(true);
    }
  });

  it('refuses a password built on the person’s own name, once, on the password field', () => {
    for (const own of ['AnaSilva2026', 'ana.silva!!', 'AnaSilva!']) {
      expect(passwordRefusal(own)).toBeNull();
      const contract = createUserRequest.safeParse(newUser(own));
      expect(contract.success ? [] : contract.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['password', WEAK_PASSWORD_MESSAGE]]);
    }
  });

  it('still says "too short" alone for a short password', () => {
    expect(messages(createUserRequest.safeParse(newUser('abc')))).toEqual(['A password needs at least 8 characters.']);
  });
});
