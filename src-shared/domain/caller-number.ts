/**
 * Reading a caller's number as phone systems send it (issue 19, item 3). Many send the country
 * code with no "+" (`49300074321`); read in the workstation's region that is "too many digits".
 * Such digits are tried as international when the national reading fails: a number that reads in
 * the region keeps that reading (`5550104477` stays American on a US workstation).
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { normalizePhone, type PhoneParse } from './phone';

/**
 * Digits only, as phone systems send them (no punctuation: a number written with spaces or dots
 * was written by a person, nationally), not starting with 0, 10 to 15 digits: a country code and a
 * national number. Shorter digit runs are left to the region (and to numbers kept unverified).
 */
const COUNTRY_CODE_DIGITS = /^[1-9]\d{9,14}$/;

export function readCallerNumber(input: string, defaultRegion: CountryCode): PhoneParse {
  const national = normalizePhone(input, defaultRegion);
  if (national.ok) return national;
  const digits = input.trim();
  if (!COUNTRY_CODE_DIGITS.test(digits)) return national;
  const international = normalizePhone(`+${digits}`, defaultRegion);
  return international.ok ? international : national;
}
