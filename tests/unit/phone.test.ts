import { describe, expect, it } from 'vitest';
import { keepableUnverified, looksLikePhone, normalizePhone, unverifiedLookupKeys, unverifiedPhoneKey } from '../../src-shared/domain/phone';

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

describe('numbers kept unverified (issue 18)', () => {
  it('may be kept only when the library refused them for their length, under their digits', () => {
    const keep = (text: string, region: 'FR' | 'US') => keepableUnverified(text, normalizePhone(text, region));
    expect(keep('88.60.15.31', 'FR')).toBe('88601531');
    expect(keep('(071) 23 67 22 20', 'FR')).toBe('07123672220');
    expect(keep('+33 1 42 68 53 00', 'FR')).toBeNull(); // readable: verified, never kept this way
    expect(keep('+999 1234 5678', 'US')).toBeNull(); // an unknown country code
    expect(keep('12', 'US')).toBeNull(); // too few digits to be anyone's number
    expect(keep('1'.repeat(21), 'US')).toBeNull();
    expect(unverifiedPhoneKey('call me')).toBeNull();
  });

  it('are looked up under the digits typed, and with or without a country code and trunk 0', () => {
    // Typed nationally: also with the workstation's country code in front.
    expect(unverifiedLookupKeys('88 60 15 31', 'FR')).toEqual(['88601531', '3388601531']);
    expect(unverifiedLookupKeys('071 23 67 22 20', 'BE')).toEqual(['07123672220', '327123672220']);
    // Typed internationally: also what follows its country calling code, with and without a trunk 0.
    expect(unverifiedLookupKeys('+52 5 555 4729', 'US')).toEqual(['5255554729', '55554729', '055554729']);
    expect(unverifiedLookupKeys('0033 88 60 15 31', 'US')).toContain('88601531');
    expect(unverifiedLookupKeys('+32 71 23 67 22 20', 'US')).toContain('07123672220');
    // Every key is digits only: never equal to a stored E.164 number.
    for (const key of unverifiedLookupKeys('+44 20 7946 0958', 'GB')) expect(key).toMatch(/^\d+$/);
    expect(unverifiedLookupKeys('12', 'US')).toEqual([]);
  });
});
