/**
 * Admitting a call (src-main/core/rpc/admit.ts), the one function behind Electron's IPC and the
 * browser host: the channel, then who asks, then what was asked (issue 18, item 14).
 */
import { describe, expect, it, vi } from 'vitest';
import { admit, type CallGate } from '../../src-main/core/rpc/admit';
import { fail, ok } from '../../src-shared/result';

const signedIn = (): CallGate => ({ authorize: vi.fn(() => ok({ userId: 'u-1', username: 'ana', role: 'csr' as const })) });
const signedOut = (): CallGate => ({ authorize: vi.fn((requirement) => (requirement === 'public' ? ok(null) : fail('unauthenticated', 'Sign in first.'))) });
const locked = (): CallGate => ({ authorize: vi.fn(() => fail('locked', 'The screen is locked.')) });

describe('admit', () => {
  it('refuses a signed-out or locked caller before reading the input', () => {
    expect(admit(signedOut(), 'customer:get', { customerId: 42 })).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    expect(admit(locked(), 'lookup:search', { query: 'x'.repeat(5000) })).toMatchObject({ ok: false, error: { code: 'locked' } });
  });

  it('then checks the input of a caller who may ask', () => {
    expect(admit(signedIn(), 'customer:get', { customerId: 42 })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'customerId' } });
    const good = admit(signedIn(), 'customer:get', { customerId: '3f1c2b7e-8d4a-4c1e-9b2a-1d2e3f4a5b6c' });
    expect(good).toEqual({ ok: true, value: { channel: 'customer:get', input: { customerId: '3f1c2b7e-8d4a-4c1e-9b2a-1d2e3f4a5b6c' }, actor: { userId: 'u-1', username: 'ana' } } });
  });

  it('answers an unknown channel as unknown whoever asks, without asking the session', () => {
    const gate = signedOut();
    expect(admit(gate, 'db:exec', {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(gate.authorize).not.toHaveBeenCalled();
  });
});
