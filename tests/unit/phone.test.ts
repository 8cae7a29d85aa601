import { describe, expect, it } from 'vitest';
import type { CountryCode } from 'libphonenumber-js/max';
import { cachedPhone } from '../../server/src/import/customer-row';
import { countryName, isPhoneCountry, keepableUnverified, looksLikePhone, normalizePhone, normalizePhoneE164, phoneCountries, unverifiedLookupKeys, unverifiedPhoneKey } from '../../src-shared/domain/phone';

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

describe('numbers from abroad (issue 19, item 4)', () => {
  it('never turns a number impossible in the region into a made-up +1 number', () => {
    for (const typed of ['030-0074321', '0921-12 34 65', '03 88 60 15 31']) {
      const r = normalizePhone(typed, 'US');
      expect(r.ok, typed).toBe(false);
      if (!r.ok) {
        expect(r.problem).toBe('impossible');
        expect(r.message).toMatch(/Not a phone number in United States/);
      }
    }
    // North American numbers, fictional 555 ones included, still read as before.
    expect(normalizePhone('(212) 555-0143', 'US')).toMatchObject({ ok: true, e164: '+12125550143' });
    expect(normalizePhone('1-201-555-0123', 'US')).toMatchObject({ ok: true, e164: '+12015550123' });
  });

  it('reads a national number in the country it is from', () => {
    expect(normalizePhone('030-0074321', 'DE')).toMatchObject({ ok: true, e164: '+49300074321', country: 'DE' });
    expect(normalizePhone('0921-12 34 65', 'SE')).toMatchObject({ ok: true, e164: '+46921123465', country: 'SE' });
    expect(normalizePhone('03 88 60 15 31', 'FR')).toMatchObject({ ok: true, e164: '+33388601531', country: 'FR' });
  });

  it('tries digits with a country code but no + as international too', () => {
    expect(normalizePhone('49300074321', 'US')).toMatchObject({ ok: true, e164: '+49300074321', country: 'DE' });
    expect(normalizePhone('33388601531', 'US')).toMatchObject({ ok: true, e164: '+33388601531' });
    // A national number that reads in the region keeps its national reading.
    expect(normalizePhone('2125550143', 'US')).toMatchObject({ ok: true, e164: '+12125550143' });
    expect(normalizePhone('030 0074321', 'DE')).toMatchObject({ ok: true, e164: '+49300074321' });
  });

  it('offers an impossible national number as unverified, never as +1', () => {
    expect(keepableUnverified('030-0074321', normalizePhone('030-0074321', 'US'))).toBe('0300074321');
  });

  it('lists countries by name for the picker', () => {
    const countries = phoneCountries();
    expect(countries.find((c) => c.code === 'DE')?.name).toBe('Germany');
    expect(countryName('SE')).toBe('Sweden');
    expect(isPhoneCountry('DE')).toBe(true);
    expect(isPhoneCountry('ZZ')).toBe(false);
  });
});

describe('normalizePhoneE164 (the import\'s bulk reading)', () => {
  it('answers what normalizePhone answers, for every kind of text', () => {
    const samples: [string, CountryCode][] = [
      ['020 7946 0958', 'GB'],
      ['+44 20 7946 0958', 'US'],
      ['0044 20 7946 0958', 'US'],
      ['(212) 555-0123', 'US'],
      ['212-555-0199', 'US'],
      ['49300074321', 'US'],
      ['88.60.15.31', 'FR'],
      ['(5) 555-4729', 'MX'],
      ['12', 'GB'],
      ['', 'GB'],
      ['abc', 'GB'],
      ['07700 900123', 'GB'],
      ['+1 212 555 0100 ext. 12', 'US'],
      ['0161 496 0123', 'GB'],
      ['999999999999999999', 'DE'],
    ];
    for (const [text, region] of samples) {
      const full = normalizePhone(text, region);
      const bulk = normalizePhoneE164(text, region);
      expect(bulk, `${text} in ${region}`).toEqual(full.ok ? { ok: true, e164: full.e164 } : full);
      // The import's cache by raw text and region: the same answer, the first time and again, and per region.
      expect(cachedPhone(text, region), `${text} in ${region}, cached`).toEqual(bulk);
      expect(cachedPhone(text, region), `${text} in ${region}, cached again`).toEqual(bulk);
    }
    expect(cachedPhone('020 7946 0958', 'GB')).toEqual({ ok: true, e164: '+442079460958' });
    expect(cachedPhone('020 7946 0958', 'US')).toEqual(normalizePhoneE164('020 7946 0958', 'US'));
  });
});
