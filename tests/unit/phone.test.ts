import { describe, expect, it } from 'vitest';
import { looksLikePhone, normalizePhone } from '../../src-shared/domain/phone';

describe('normalizePhone', () => {
  it('reads 00 as the international prefix even where the region dials 011', () => {
    const r = normalizePhone('0044 20 7946 0958', 'US');
    expect(r).toMatchObject({ ok: true, e164: '+442079460958' });
  });

  it('gives a typed problem for text that cannot be a number', () => {
    expect(normalizePhone('12', 'US')).toMatchObject({ ok: false, problem: 'too_short' });
    expect(normalizePhone('+999 1234 5678', 'US')).toMatchObject({ ok: false, problem: 'invalid_country' });
    expect(normalizePhone('   ', 'US')).toMatchObject({ ok: false, problem: 'empty' });
  });

  it('tells phone-shaped text from names and codes', () => {
    expect(looksLikePhone('(555) 010-4477')).toBe(true);
    expect(looksLikePhone('+44 20 7946 0958')).toBe(true);
    expect(looksLikePhone('TR-2041')).toBe(false);
    expect(looksLikePhone('zoe')).toBe(false);
    expect(looksLikePhone('---')).toBe(false);
  });
});
