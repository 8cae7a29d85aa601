import {
  getCountries,
  getCountryCallingCode,
  isSupportedCountry,
  Metadata,
  parsePhoneNumberWithError,
  ParseError,
  validatePhoneNumberLength,
  type CountryCode,
} from 'libphonenumber-js/max';

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

let regionNames: Intl.DisplayNames | null = null;
/** "Germany" for "DE" (English, as the rest of the app's words); the code itself where the runtime has no names. */
export function countryName(country: string): string {
  try {
    regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
    return regionNames.of(country) ?? country;
  } catch {
    return country;
  }
}

/** The countries a number can be read in, by name, for a country picker. */
export function phoneCountries(): { code: CountryCode; name: string }[] {
  return getCountries()
    .map((code) => ({ code, name: countryName(code) }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

/** True for a two-letter code the phone library has a numbering plan for. */
export function isPhoneCountry(value: string): value is CountryCode {
  return isCountryCode(value) && isSupportedCountry(value);
}

function notInCountryMessage(region: CountryCode): string {
  return `Not a phone number in ${countryName(region)}: choose the country it is from, or type it with + and its country code.`;
}

/**
 * True when the national number has the shape of the country's numbering plan (its general
 * pattern: in North America ten digits whose area code starts with 2–9). Looser than "valid" (an
 * allocated range), so fictional 555 numbers pass; but "0300074321" is no North American number,
 * whatever its length, and must never become "+1 0300074321" (issue 19, item 4).
 */
/** Each plan's general pattern, compiled once (an import reads a million numbers: issue 23). */
const planPatterns = new Map<string, RegExp | null>();

function fitsNumberingPlan(parsed: { countryCallingCode: string; country?: CountryCode | undefined; nationalNumber: string }): boolean {
  const plan = parsed.country ?? parsed.countryCallingCode;
  let compiled = planPatterns.get(plan);
  if (compiled === undefined) {
    // The typings leave out what the metadata holds: a plan chosen by country or by calling code, and its general pattern.
    const metadata = new Metadata() as unknown as {
      selectNumberingPlan(countryOrCallingCode: string): void;
      numberingPlan?: { nationalNumberPattern(): string };
    };
    metadata.selectNumberingPlan(plan);
    const pattern = metadata.numberingPlan?.nationalNumberPattern();
    compiled = pattern === undefined ? null : new RegExp(`^(?:${pattern})$`);
    planPatterns.set(plan, compiled);
  }
  return compiled === null || compiled.test(parsed.nationalNumber);
}

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
  const read = attemptRead(text, region);
  if (!read.ok) return read;
  const { parsed } = read;
  return {
    ok: true,
    e164: parsed.number,
    country: parsed.country,
    international: parsed.formatInternational(),
    valid: parsed.isValid(),
  };
}

/** attempt() without the display form and the allocated-range check (the two costliest steps). */
function attemptRead(text: string, region: CountryCode): { ok: true; parsed: ReturnType<typeof parsePhoneNumberWithError> } | { ok: false; problem: PhoneProblem; message: string } {
  try {
    const parsed = parsePhoneNumberWithError(text, { defaultCountry: region });
    // "Possible" (right length for the country) rather than "valid" (an allocated range):
    // numbering plans change faster than metadata, and fictional 555 numbers are used in training.
    if (!parsed.isPossible()) {
      const length = validatePhoneNumberLength(text, { defaultCountry: region });
      const problem: PhoneProblem = length === 'TOO_SHORT' ? 'too_short' : length === 'TOO_LONG' ? 'too_long' : 'impossible';
      return { ok: false, problem, message: PROBLEM_MESSAGES[problem] };
    }
    if (!fitsNumberingPlan(parsed)) {
      // Typed nationally, it is not a number of the region it was read in; typed with a country code, not one of that country.
      const international = /^\s*(\+|00)/.test(text);
      const message = international || parsed.country === undefined ? PROBLEM_MESSAGES.impossible : notInCountryMessage(parsed.country);
      return { ok: false, problem: 'impossible', message };
    }
    return { ok: true, parsed };
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
 *
 * Digits alone, with a country code but no "+" ("49300074321", as many phone systems send a caller
 * id), are tried as international too; that guess is taken only when it lands in an allocated range
 * and the national reading does not (issue 19, item 4). A national reading that does not fit the
 * region's numbering plan is refused ('impossible'), never turned into a made-up number.
 */
export function normalizePhone(input: string, defaultRegion: CountryCode): PhoneParse {
  const text = input.trim();
  if (text.length === 0) return { ok: false, problem: 'empty', message: PROBLEM_MESSAGES.empty };
  const national = attempt(text, defaultRegion);
  const readings = [national];
  const compact = text.replace(/[\s().\-/]/g, '');
  if (compact.startsWith('00') && compact.length > 4) readings.push(attempt(`+${compact.slice(2)}`, defaultRegion));
  const valid = readings.find((r) => r.ok && r.valid);
  if (valid) return valid;
  if (/^[1-9]\d{7,14}$/.test(compact)) {
    const withPlus = attempt(`+${compact}`, defaultRegion);
    if (withPlus.ok && withPlus.valid) return withPlus;
  }
  return readings.find((r) => r.ok) ?? national;
}

/**
 * normalizePhone's E.164 (or its refusal) only, for bulk use (the import checks a million numbers):
 * the same answer, but when the text has a single reading (no "00" prefix, not bare digits with a
 * country code) it is taken without the display form and the allocated-range check, which only
 * choose between readings.
 */
export function normalizePhoneE164(input: string, defaultRegion: CountryCode): { ok: true; e164: string } | { ok: false; problem: PhoneProblem; message: string } {
  const text = input.trim();
  const compact = text.replace(/[\s().\-/]/g, '');
  const single = text.length > 0 && !(compact.startsWith('00') && compact.length > 4) && !/^[1-9]\d{7,14}$/.test(compact);
  if (single) {
    const read = attemptRead(text, defaultRegion);
    return read.ok ? { ok: true, e164: read.parsed.number } : read;
  }
  const full = normalizePhone(input, defaultRegion);
  return full.ok ? { ok: true, e164: full.e164 } : full;
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

// ——— Numbers kept unverified (issue 18, "Real phone data") ———
//
// Real customer files hold numbers the phone library cannot read in the region they are typed in:
// old 8-digit French numbers ("88.60.15.31"), a Mexican "(5) 555-4729", Argentine, Venezuelan and
// Portuguese ones written the way their owners give them. A CSR may keep such a number as typed,
// marked unverified, after confirming it. It is stored under its digits ("88601531"), with no "+",
// so it can never be taken for an E.164 number, and found again by typing those digits.

/** The problems a CSR may override: the library knows the country but not a number of this length. */
const KEEPABLE_PROBLEMS: readonly PhoneProblem[] = ['too_short', 'too_long', 'impossible'];
/** Fewer digits than this is no phone number anywhere; more than E.164's 15 plus a prefix and an extension is not one either. */
export const UNVERIFIED_DIGITS = { min: 4, max: 20 } as const;

/** Said after the reason a number the CSR may keep unverified was refused. */
export const KEEP_UNVERIFIED_HINT = 'It can be saved as typed, marked unverified, if the customer confirms it.';

export const UNVERIFIED_PHONE_WARNING =
  'This number could not be verified: it is kept exactly as typed, and calls from it may not find this customer by themselves. Check it with the customer.';

let knownCallingCodes: Set<string> | undefined;
function callingCodes(): Set<string> {
  knownCallingCodes ??= new Set(getCountries().map((country) => getCountryCallingCode(country)));
  return knownCallingCodes;
}

/** The key an unverified number is stored and found under: its digits as typed, or null when it has too few or too many. */
export function unverifiedPhoneKey(text: string): string | null {
  if (!looksLikePhone(text)) return null;
  const digits = text.replace(/\D/g, '');
  return digits.length >= UNVERIFIED_DIGITS.min && digits.length <= UNVERIFIED_DIGITS.max ? digits : null;
}

/**
 * The key to keep `text` under, unverified, or null: only when the library refused it for its
 * length (not an unknown country code, not text that is no number at all).
 */
export function keepableUnverified(text: string, parse: PhoneParse): string | null {
  if (parse.ok || !KEEPABLE_PROBLEMS.includes(parse.problem)) return null;
  return unverifiedPhoneKey(text);
}

/**
 * The keys an unverified number typed as `text` may be stored under: its digits; written
 * internationally ("+52 5 555 4729", "0052…"), also what follows its country calling code, with
 * and without a trunk 0; written nationally, also with the region's country code in front. At most
 * a handful, each an exact index read.
 */
export function unverifiedLookupKeys(text: string, region: CountryCode): string[] {
  const key = unverifiedPhoneKey(text);
  if (key === null) return [];
  const keys = new Set([key]);
  const compact = text.trim().replace(/[\s().\-/]/g, '');
  const international = compact.startsWith('+') ? key : compact.startsWith('00') ? key.slice(2) : null;
  if (international !== null) {
    // Country calling codes are prefix-free: at most one of the first 1–3 digits is one.
    const cc = [1, 2, 3].map((n) => international.slice(0, n)).find((prefix) => callingCodes().has(prefix));
    const rest = cc === undefined ? null : international.slice(cc.length);
    if (rest !== null && rest.length >= UNVERIFIED_DIGITS.min) {
      keys.add(rest);
      keys.add(`0${rest}`);
    }
  } else {
    const cc = getCountryCallingCode(region);
    keys.add(`${cc}${key.replace(/^0/, '')}`);
  }
  return [...keys].filter((k) => k.length >= UNVERIFIED_DIGITS.min && k.length <= UNVERIFIED_DIGITS.max);
}
