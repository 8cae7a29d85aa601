import { parsePhoneNumberWithError, ParseError, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js/max';

export type PhoneProblem = 'empty' | 'not_a_number' | 'invalid_country' | 'too_short' | 'too_long' | 'impossible';

export type PhoneParse =
  | { ok: true; e164: string; country: CountryCode | undefined; international: string; valid: boolean }
  | { ok: false; problem: PhoneProblem; message: string };

const PHONE_CHARS = /^[+\d\s().\-/]+$/;

/** True when the text could only be meant as a phone number (digits and phone punctuation). */
export function looksLikePhone(text: string): boolean {
  const t = text.trim();
  return t.length > 0 && PHONE_CHARS.test(t) && /\d/.test(t);
}

const PROBLEM_MESSAGES: Record<PhoneProblem, string> = {
  empty: 'Type a phone number.',
  not_a_number: 'This is not a phone number.',
  invalid_country: 'The country code is not one we know; start with + and the country code.',
  too_short: 'Too few digits for a phone number.',
  too_long: 'Too many digits for a phone number.',
  impossible: 'No phone number has this length in its country.',
};

function problemFromParseError(e: ParseError): PhoneProblem {
  switch (e.message) {
    case 'INVALID_COUNTRY':
      return 'invalid_country';
    case 'TOO_SHORT':
      return 'too_short';
    case 'TOO_LONG':
      return 'too_long';
    default:
      return 'not_a_number';
  }
}

function attempt(text: string, region: CountryCode): PhoneParse {
  try {
    const parsed = parsePhoneNumberWithError(text, { defaultCountry: region });
    // "Possible" (right length for the country) rather than "valid" (an allocated range):
    // numbering plans change faster than metadata, and fictional 555 numbers are used in training.
    if (!parsed.isPossible()) {
      const length = validatePhoneNumberLength(text, { defaultCountry: region });
      const problem: PhoneProblem = length === 'TOO_SHORT' ? 'too_short' : length === 'TOO_LONG' ? 'too_long' : 'impossible';
      return { ok: false, problem, message: PROBLEM_MESSAGES[problem] };
    }
    return {
      ok: true,
      e164: parsed.number,
      country: parsed.country,
      international: parsed.formatInternational(),
      valid: parsed.isValid(),
    };
  } catch (e) {
    if (e instanceof ParseError) {
      const problem = problemFromParseError(e);
      return { ok: false, problem, message: PROBLEM_MESSAGES[problem] };
    }
    throw e;
  }
}

/**
 * Normalizes a phone number written in any format to E.164, using `defaultRegion` for national
 * formats. "00" is the international prefix in most of the world, so "0044 20 7946 0958" is read as
 * +44 even where the default region dials out with another prefix (011 in North America, 010 in
 * Japan). Where both readings are possible, the one in an allocated range wins, the national
 * reading first.
 */
export function normalizePhone(input: string, defaultRegion: CountryCode): PhoneParse {
  const text = input.trim();
  if (text.length === 0) return { ok: false, problem: 'empty', message: PROBLEM_MESSAGES.empty };
  const readings = [attempt(text, defaultRegion)];
  const compact = text.replace(/[\s().\-/]/g, '');
  if (compact.startsWith('00') && compact.length > 4) readings.push(attempt(`+${compact.slice(2)}`, defaultRegion));
  return readings.find((r) => r.ok && r.valid) ?? readings.find((r) => r.ok) ?? (readings[0] as PhoneParse);
}

/** Display form of a stored E.164 number ("+44 20 7946 0958"). */
export function formatPhone(e164: string): string {
  try {
    return parsePhoneNumberWithError(e164).formatInternational();
  } catch {
    return e164;
  }
}

export function isCountryCode(value: string): value is CountryCode {
  return /^[A-Z]{2}$/.test(value);
}
