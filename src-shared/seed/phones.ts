/**
 * Generated phone numbers that libphonenumber-js accepts, written the many ways customers and
 * source systems write them.
 *
 * The plan starts from libphonenumber's example mobile number for each country, draws random
 * numbers of the same length, and keeps the ones the full metadata calls valid — mobile and
 * fixed-line ranges both. Each kept number's leading digits become a "block"; numbers are the
 * block plus a 4-digit tail taken from a counter through a permutation, so up to 10,000 numbers per
 * block never repeat. Formatting a million numbers through libphonenumber would cost more than
 * inserting them, so each block remembers how libphonenumber formats it (a template per style)
 * and the tail is filled in.
 */
import { getCountryCallingCode, parsePhoneNumberWithError, getExampleNumber, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import type { PhoneKind } from '../domain/customer';
import { normalizePhone } from '../domain/phone';
import { SeedRandom } from './random';

/** How a raw number was written: the styles a lookup must normalize back to E.164. */
export const RAW_STYLES = ['e164', 'international', 'national', 'international_00', 'dashed', 'dotted', 'compact'] as const;
export type RawStyle = (typeof RAW_STYLES)[number];

interface NumberBlock {
  /** National significant number minus its last TAIL digits. */
  prefix: string;
  /** Start of this block's tail permutation, so blocks do not all begin at the same tail. */
  offset: number;
  /** One template per style ('#' marks a digit of the national number, in order). */
  templates: Record<RawStyle, string>;
}

/** The blocks of one kind of line in one country, and how many numbers they have handed out. */
interface NumberRange {
  blocks: NumberBlock[];
  issued: number;
}

interface CountryPlan {
  callingCode: string;
  mobile: NumberRange;
  /** The same object as `mobile` where no landline ranges were found, so counters are shared. */
  fixed: NumberRange;
}

export interface GeneratedPhone {
  e164: string;
  raw: string;
}

const TAIL = 4;
const TAIL_SPACE = 10 ** TAIL;
const BLOCKS_PER_TYPE = 40;
const ATTEMPTS = 6000;

/** Replaces the last `n` digits of `formatted` (the national number) with '#'. */
function templateOf(formatted: string, n: number): string {
  const chars = [...formatted];
  let left = n;
  for (let i = chars.length - 1; i >= 0 && left > 0; i--) {
    const ch = chars[i]!;
    if (ch >= '0' && ch <= '9') {
      chars[i] = '#';
      left--;
    }
  }
  return chars.join('');
}

function fill(template: string, digits: string): string {
  let out = '';
  let d = 0;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    out += ch === '#' ? digits[d++]! : ch;
  }
  return out;
}

/**
 * The templates for a number, each checked: written that way and read back by `normalizePhone`
 * with the country as default region, it must give the same E.164. A style that does not
 * round-trip is written internationally instead (Brazilians dial "00" plus a carrier code, so
 * "0055 79 …" reads as a call to Russia).
 */
function templatesFor(country: CountryCode, callingCode: string, digits: string, national: string, international: string): Record<RawStyle, string> {
  const nanp = callingCode === '1';
  const dashed = plainTemplate(national, '-');
  const wanted: Record<RawStyle, string> = {
    e164: `+${callingCode}${'#'.repeat(digits.length)}`,
    international,
    national,
    // North Americans dial out with 011 and write their own numbers as 1-201-555-0123.
    international_00: nanp ? `1-${dashed}` : `00${international.slice(1)}`,
    dashed,
    dotted: plainTemplate(national, '.'),
    compact: plainTemplate(national, ''),
  };
  const e164 = `+${callingCode}${digits}`;
  for (const style of RAW_STYLES) {
    const read = normalizePhone(fill(wanted[style], digits), country);
    if (!read.ok || read.e164 !== e164) wanted[style] = international;
  }
  return wanted;
}

interface CountryBlocks {
  callingCode: string;
  mobile: NumberBlock[];
  /** Empty where libphonenumber knows no landline range of the tried lengths. */
  fixed: NumberBlock[];
}

/** Blocks depend only on the country (a fixed stream per country), so a process builds them once. */
const blocksByCountry = new Map<CountryCode, CountryBlocks>();

function countryBlocks(country: CountryCode): CountryBlocks {
  let blocks = blocksByCountry.get(country);
  if (!blocks) {
    blocks = findBlocks(country, new SeedRandom(20240611, `phone-plan:${country}`));
    blocksByCountry.set(country, blocks);
  }
  return blocks;
}

function findBlocks(country: CountryCode, random: SeedRandom): CountryBlocks {
  const example = getExampleNumber(country, examples);
  if (!example) throw new Error(`libphonenumber has no example number for ${country}`);
  const callingCode = getCountryCallingCode(country);
  const sample = example.nationalNumber as string;
  const mobile = new Map<string, NumberBlock>();
  const fixed = new Map<string, NumberBlock>();
  const found: string[] = [];
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (mobile.size >= BLOCKS_PER_TYPE && fixed.size >= BLOCKS_PER_TYPE) break;
    // One attempt in three: a neighbour of a number already found (same area code, new
    // exchange), valid far more often than a blind draw. The others: keep 0–2 leading digits
    // of the example (0 finds landline ranges, 1–2 stay near mobile ones), at the example's
    // length or one shorter, where landlines are shorter than mobiles (Brazil).
    let start: string;
    let length: number;
    if (attempt % 3 === 2 && found.length > 0) {
      const near = random.pick(found);
      length = near.length;
      start = near.slice(0, 3 + random.int(2));
    } else {
      length = random.chance(0.5) ? sample.length : sample.length - 1;
      start = sample.slice(0, random.int(3));
    }
    let digits = start;
    while (digits.length < length) digits += String(random.int(10));
    const key = `${length}:${digits.slice(0, length - TAIL)}`;
    if (mobile.has(key) || fixed.has(key)) continue;
    let parsed;
    try {
      parsed = parsePhoneNumberWithError(`+${callingCode}${digits}`);
    } catch {
      continue;
    }
    // The national number must be the digits drawn: a leading trunk "0" would be stripped.
    if (parsed.country !== country || parsed.nationalNumber !== digits || !parsed.isValid() || !parsed.isPossible()) continue;
    const type = parsed.getType();
    // A block serves one kind only, so mobile and landline counters never hand out the same
    // number where ranges are shared (North America: FIXED_LINE_OR_MOBILE).
    const asMobile = type === 'MOBILE' || (type === 'FIXED_LINE_OR_MOBILE' && mobile.size <= fixed.size);
    const asFixed = type === 'FIXED_LINE' || (type === 'FIXED_LINE_OR_MOBILE' && !asMobile);
    const target = asMobile ? mobile : asFixed ? fixed : null;
    if (!target || target.size >= BLOCKS_PER_TYPE) continue;
    found.push(digits);
    target.set(key, {
      prefix: digits.slice(0, length - TAIL),
      offset: random.int(TAIL_SPACE),
      templates: templatesFor(country, callingCode, digits, templateOf(parsed.formatNational(), length), templateOf(parsed.formatInternational(), length)),
    });
  }
  if (mobile.size === 0) throw new Error(`No valid mobile numbers found for ${country}`);
  return { callingCode, mobile: [...mobile.values()], fixed: [...fixed.values()] };
}

export class PhoneNumberPlan {
  private readonly plans = new Map<CountryCode, CountryPlan>();

  /**
   * `countries`: where numbers are needed. The blocks come from fixed streams, not the data
   * seed, so a cache seeded twice (`--force`) keeps drawing numbers from the same blocks and
   * `startAt` (phones already in the cache) keeps them from repeating.
   */
  constructor(countries: readonly CountryCode[], startAt = 0) {
    for (const country of countries) {
      const blocks = countryBlocks(country);
      const mobile: NumberRange = { blocks: blocks.mobile, issued: startAt };
      const fixed: NumberRange = blocks.fixed.length > 0 ? { blocks: blocks.fixed, issued: startAt } : mobile;
      this.plans.set(country, { callingCode: blocks.callingCode, mobile, fixed });
    }
  }

  /** The next unused number of `kind` in `country`, written in `style`. */
  next(country: CountryCode, kind: PhoneKind, style: RawStyle): GeneratedPhone {
    const plan = this.plans.get(country);
    if (!plan) throw new Error(`No phone plan for ${country}`);
    const range = kind === 'mobile' ? plan.mobile : plan.fixed;
    const n = range.issued++;
    const block = range.blocks[n % range.blocks.length]!;
    // A multiplier coprime to 10 permutes 0…9999: tails look random and repeat only after 10,000.
    const k = Math.floor(n / range.blocks.length);
    const tail = String((k * 7919 + block.offset) % TAIL_SPACE).padStart(TAIL, '0');
    const national = block.prefix + tail;
    return { e164: `+${plan.callingCode}${national}`, raw: fill(block.templates[style], national) };
  }
}

/** "(201) 555-0123" → "201-555-0123"; "07400 123456" → "07400.123456". */
function plainTemplate(template: string, separator: string): string {
  return template
    .replace(/[()]/g, '')
    .trim()
    .replace(/[\s\-.]+/g, separator);
}
