/**
 * One customer row of an import file, checked with the contracts the app itself uses for customers
 * (src-shared/contracts/customer360.ts: names, emails, the address with its card-number guard;
 * src-shared/domain/phone.ts for numbers), and turned into what the store holds.
 *
 * Columns (header names, any case): source_id (required), first_name, last_name (required),
 * email, phone (several separated by ";"), address_line1, address_line2, city, region,
 * postal_code, country, marketing_consent, language (the language the store writes to the customer
 * in: "de", "de-DE", "pt_BR", any case). Other columns are ignored (and named in the report).
 * An empty email, phone or address leaves what the store has alone.
 *
 * Phones: read in the row's country (else the import's default region). A number the phone library
 * cannot read but that has 4–20 digits is kept as written, unverified, under its digits, which is
 * what a CSR's lookup finds it by (issue 18); text with too few or too many digits is refused.
 */
import { createHash } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import { contactAddress, contactForm, CONTACT_LIMITS } from '../../../src-shared/contracts/customer360';
import { text } from '../../../src-shared/contracts/text';
import { customerLanguage } from '../../../src-shared/contracts/email';
import { isPhoneCountry, normalizePhoneE164, UNVERIFIED_DIGITS, countryName } from '../../../src-shared/domain/phone';
import type { PhoneKind } from '../../../src-shared/domain/customer';

export const CUSTOMER_COLUMNS = [
  'source_id',
  'first_name',
  'last_name',
  'email',
  'phone',
  'address_line1',
  'address_line2',
  'city',
  'region',
  'postal_code',
  'country',
  'marketing_consent',
  'language',
] as const;
export type CustomerColumn = (typeof CUSTOMER_COLUMNS)[number];
export const REQUIRED_CUSTOMER_COLUMNS: readonly CustomerColumn[] = ['source_id', 'first_name', 'last_name'];

export const SOURCE_ID_MAX = 100;

export interface ImportedPhone {
  /** E.164, or the digits an unverified number is kept under. */
  e164: string;
  raw: string;
  kind: PhoneKind;
  verified: boolean;
}

export interface ImportedAddress {
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
}

/** A valid row, as the store will hold it. Lists undefined: the column was empty (the store's value stays). */
export interface ImportedCustomer {
  sourceId: string;
  firstName: string;
  lastName: string;
  phones: ImportedPhone[] | undefined;
  emails: string[] | undefined;
  address: ImportedAddress | undefined;
  marketingConsent: boolean | undefined;
  /** The language the store writes to the customer in ("de", "pt-BR"); undefined: the column was empty (the store's stays). */
  language: string | undefined;
  /** A hash of everything above but the source id: the same hash, the same row. */
  hash: string;
}

export interface RowProblem {
  column: string;
  value: string;
  reason: string;
}

const rowSchema = z.object({
  source_id: text()
    .trim()
    .min(1, { message: 'The source id is required: the id the customer has in the system the file comes from.' })
    .max(SOURCE_ID_MAX, { message: `Source id: at most ${SOURCE_ID_MAX} characters.` }),
  first_name: contactForm.shape.firstName,
  last_name: contactForm.shape.lastName,
  email: contactForm.shape.emails.element,
});

const addressSchema = contactAddress.superRefine((a, ctx) => {
  if (!isPhoneCountry(a.country)) ctx.addIssue({ code: 'custom', path: ['country'], message: `Country: "${a.country}" is not a country code we know (two letters, e.g. GB or US).` });
});

const ADDRESS_COLUMN: Record<string, CustomerColumn> = {
  line1: 'address_line1',
  line2: 'address_line2',
  city: 'city',
  region: 'region',
  postalCode: 'postal_code',
  country: 'country',
};

const CONSENT: Record<string, boolean> = { true: true, yes: true, y: true, '1': true, false: false, no: false, n: false, '0': false };

type PhoneReading = ReturnType<typeof normalizePhoneE164>;
/** Readings of raw phone texts by region, bounded (emptied when full): a file repeats switchboard and office numbers. */
const phoneReadings = new Map<string, PhoneReading>();
const PHONE_CACHE_LIMIT = 50_000;

/** normalizePhoneE164 with a cache keyed by the raw text and region: the same answer, read once. */
export function cachedPhone(raw: string, region: CountryCode): PhoneReading {
  const key = `${region}\u0000${raw}`;
  let reading = phoneReadings.get(key);
  if (reading === undefined) {
    reading = normalizePhoneE164(raw, region);
    if (phoneReadings.size >= PHONE_CACHE_LIMIT) phoneReadings.clear();
    phoneReadings.set(key, reading);
  }
  return reading;
}

/** Splits a field that holds several values: ";" (also "," for emails, and " or " / "|" for phones). */
const splitList = (value: string, separators: RegExp) =>
  value
    .split(separators)
    .map((v) => v.trim())
    .filter((v) => v !== '');

function issueProblems(column: string, value: string, issues: readonly { message: string }[]): RowProblem[] {
  return issues.slice(0, 1).map((i) => ({ column, value, reason: i.message }));
}

/** The row checked and converted, or every problem it has (each with its column and value). */
export function checkCustomerRow(
  fields: Readonly<Record<string, string>>,
  defaultRegion: CountryCode,
): { ok: true; customer: ImportedCustomer } | { ok: false; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const get = (c: CustomerColumn) => fields[c] ?? '';

  const base: Record<string, string> = {};
  for (const column of ['source_id', 'first_name', 'last_name'] as const) {
    const parsed = rowSchema.shape[column].safeParse(get(column));
    if (parsed.success) base[column] = parsed.data;
    else problems.push(...issueProblems(column, get(column), parsed.error.issues));
  }

  // Emails: the contact form's rule for each, lower-cased; at most the form's number.
  let emails: string[] | undefined;
  const emailText = get('email');
  if (emailText.trim() !== '') {
    const list = splitList(emailText, /[;,]/);
    emails = [];
    for (const e of list) {
      const parsed = rowSchema.shape.email.safeParse(e);
      if (parsed.success) {
        if (!emails.includes(parsed.data)) emails.push(parsed.data);
      } else problems.push(...issueProblems('email', e, parsed.error.issues));
    }
    if (emails.length > CONTACT_LIMITS.emails) problems.push({ column: 'email', value: emailText, reason: `At most ${CONTACT_LIMITS.emails} email addresses.` });
  }

  // The address: all or nothing, as on the contact form; its country is also where phones are read.
  let address: ImportedAddress | undefined;
  const addressGiven = (['address_line1', 'address_line2', 'city', 'region', 'postal_code'] as const).some((c) => get(c).trim() !== '');
  const countryText = get('country').trim();
  let region: CountryCode = defaultRegion;
  if (addressGiven) {
    const parsed = addressSchema.safeParse({
      line1: get('address_line1'),
      line2: get('address_line2'),
      city: get('city'),
      region: get('region'),
      postalCode: get('postal_code'),
      country: countryText,
    });
    if (parsed.success) {
      const a = parsed.data;
      address = { line1: a.line1, line2: a.line2 || null, city: a.city, region: a.region || null, postalCode: a.postalCode || null, country: a.country };
      region = a.country as CountryCode;
    } else {
      const seen = new Set<string>();
      for (const issue of parsed.error.issues) {
        const column = ADDRESS_COLUMN[String(issue.path[0])] ?? 'address_line1';
        if (seen.has(column)) continue;
        seen.add(column);
        problems.push({ column, value: get(column), reason: issue.message });
      }
    }
  } else if (countryText !== '') {
    const upper = countryText.toUpperCase();
    if (isPhoneCountry(upper)) region = upper;
    else problems.push({ column: 'country', value: countryText, reason: `Country: "${countryText}" is not a country code we know (two letters, e.g. GB or US).` });
  }

  // Phones: E.164 when the library reads them in the row's country, else kept as written, unverified.
  let phones: ImportedPhone[] | undefined;
  const phoneText = get('phone');
  if (phoneText.trim() !== '') {
    phones = [];
    for (const raw of splitList(phoneText, /;|\||\s+or\s+/i)) {
      if (raw.length > CONTACT_LIMITS.phoneRaw) {
        problems.push({ column: 'phone', value: raw, reason: `Phone: at most ${CONTACT_LIMITS.phoneRaw} characters.` });
        continue;
      }
      const parsed = cachedPhone(raw, region);
      if (parsed.ok) {
        if (!phones.some((p) => p.e164 === parsed.e164)) phones.push({ e164: parsed.e164, raw, kind: 'mobile', verified: true });
        continue;
      }
      const digits = raw.replace(/\D/g, '');
      if (digits.length < UNVERIFIED_DIGITS.min || digits.length > UNVERIFIED_DIGITS.max) {
        problems.push({
          column: 'phone',
          value: raw,
          reason: `${parsed.message} It cannot be kept unverified either: it has ${digits.length} digits (${UNVERIFIED_DIGITS.min}–${UNVERIFIED_DIGITS.max} are kept as written, read in ${countryName(region)}).`,
        });
        continue;
      }
      if (!phones.some((p) => p.e164 === digits)) phones.push({ e164: digits, raw, kind: 'mobile', verified: false });
    }
    if (phones.length > CONTACT_LIMITS.phones) problems.push({ column: 'phone', value: phoneText, reason: `At most ${CONTACT_LIMITS.phones} phone numbers.` });
  }

  let marketingConsent: boolean | undefined;
  const consentText = get('marketing_consent').trim().toLowerCase();
  if (consentText !== '') {
    marketingConsent = CONSENT[consentText];
    if (marketingConsent === undefined) problems.push({ column: 'marketing_consent', value: get('marketing_consent'), reason: 'Marketing consent: yes or no (true/false, 1/0).' });
  }

  let language: string | undefined;
  const languageText = get('language');
  if (languageText.trim() !== '') {
    const parsed = customerLanguage.safeParse(languageText);
    if (parsed.success) language = parsed.data;
    else problems.push(...issueProblems('language', languageText, parsed.error.issues));
  }

  if (problems.length > 0) return { ok: false, problems };
  // Lists as the store reads them back: the primary (first given) first, then in a stable order.
  if (phones) phones = [phones[0]!, ...phones.slice(1).sort((a, b) => (a.e164 < b.e164 ? -1 : a.e164 > b.e164 ? 1 : 0))].filter(Boolean);
  if (emails) emails = [emails[0]!, ...emails.slice(1).sort()].filter(Boolean);
  if (phones?.length === 0) phones = undefined;
  if (emails?.length === 0) emails = undefined;
  const customer = {
    sourceId: base.source_id!,
    firstName: base.first_name!,
    lastName: base.last_name!,
    phones,
    emails,
    address,
    marketingConsent,
    language,
  };
  // The language only when given: a file without the column hashes as it did before it existed (a re-import stays unchanged).
  const hashed = [customer.firstName, customer.lastName, phones, emails, address, marketingConsent, ...(language === undefined ? [] : [language])];
  const hash = createHash('sha1').update(JSON.stringify(hashed)).digest('base64url');
  return { ok: true, customer: { ...customer, hash } };
}
