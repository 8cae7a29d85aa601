/**
 * Switchboard never stores or shows a payment card number (PCI DSS, issue 21). A number typed into
 * a free-text field (a note, a complaint, wrap-up notes, an order note, a discount's reason) is
 * refused at the contract, on the workstation and on the store alike, before anything is saved:
 * src-shared/contracts/text.ts `freeText()` asks `findCardNumber`.
 *
 * What counts as a card number: a run of 13 to 19 digits that passes the Luhn check, the digits
 * written together or in groups separated by a single space or dash ("4111 1111 1111 1111",
 * "5555-5555-5555-4444", "378282246310005"). Within a longer grouped run, any stretch of whole
 * groups is tried, so a number followed by its expiry ("4111 1111 1111 1111 12 27") is found too;
 * an ungrouped run longer than 19 digits is a reference of some other kind, not a card.
 *
 * What does not count, so that ordinary notes are not refused:
 * - a run that starts with 0: no payment card number does (a phone number often does);
 * - a run right after "+": an international phone number ("+49 151 23456789");
 * - a run joined to letters ("SB00012345", "INV-…"): an order, invoice or parcel number (the
 *   groups after it are still tried);
 * - dates written with dashes (2026-12-05, 05-12-2026): never part of a card number;
 * - anything that fails the Luhn check (nine runs in ten).
 *
 * Full-width digits and non-breaking spaces are read as ordinary ones (NFKC), so a pasted number
 * is found as well.
 */

/** The sentence a person reads when a text is refused. */
export const CARD_NUMBER_REFUSAL =
  'This looks like a payment card number. Switchboard never stores card numbers (PCI DSS): take payment by link, card on file, invoice or cash on delivery.';

export const CARD_NUMBER_DIGITS = { min: 13, max: 19 } as const;

/** What was found, without the number itself (so it cannot leak into a log or a message). */
export interface CardNumberMatch {
  /** How many digits the number has. */
  digitCount: number;
  /** Its last four digits, as receipts show them. */
  last4: string;
}

/** True when `digits` (ASCII digits only) passes the Luhn (mod 10) check. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** Digits in groups, each group separated from the next by one space or one dash. */
const DIGIT_RUN = /\d+(?:[ -]\d+)*/g;
const LETTER = /\p{L}/u;

interface Group {
  digits: string;
  /** The separator before this group ('' for the first). */
  before: string;
}

function splitGroups(run: string): Group[] {
  const groups: Group[] = [];
  const re = /(^|[ -])(\d+)/g;
  for (let m = re.exec(run); m !== null; m = re.exec(run)) groups.push({ before: m[1] ?? '', digits: m[2] ?? '' });
  return groups;
}

const isMonth = (s: string) => s.length === 2 && Number(s) >= 1 && Number(s) <= 12;
const isDay = (s: string) => s.length === 2 && Number(s) >= 1 && Number(s) <= 31;

/** Marks the groups that form a date written with dashes: YYYY-MM-DD or DD-MM-YYYY. */
function dateGroups(groups: readonly Group[]): boolean[] {
  const inDate = groups.map(() => false);
  for (let i = 0; i + 2 < groups.length; i++) {
    const [a, b, c] = [groups[i], groups[i + 1], groups[i + 2]] as [Group, Group, Group];
    if (b.before !== '-' || c.before !== '-') continue;
    const ymd = a.digits.length === 4 && isMonth(b.digits) && isDay(c.digits);
    const dmy = isDay(a.digits) && isMonth(b.digits) && c.digits.length === 4;
    if (ymd || dmy) inDate[i] = inDate[i + 1] = inDate[i + 2] = true;
  }
  return inDate;
}

/** The first card number in `text`, or null when there is none. */
export function findCardNumber(text: string): CardNumberMatch | null {
  const s = text.normalize('NFKC');
  for (const m of s.matchAll(DIGIT_RUN)) {
    const start = m.index;
    const end = start + m[0].length;
    const before = start > 0 ? s.charAt(start - 1) : '';
    const beforeThat = start > 1 ? s.charAt(start - 2) : '';
    const after = s.charAt(end);
    // The run's first group is not the start of a card number when it continues letters
    // ("SB00012345", "INV-4111…": an identifier) or follows "+" (a phone number); its last group
    // is not the end of one when letters follow. Later groups are still tried: "SB00012345 4111
    // 1111 1111 1111" holds a card number.
    const firstBlocked = before === '+' || LETTER.test(before) || (before === '-' && LETTER.test(beforeThat));
    const lastBlocked = LETTER.test(after);
    const groups = splitGroups(m[0]);
    const inDate = dateGroups(groups);
    for (let first = firstBlocked ? 1 : 0; first < groups.length; first++) {
      let digits = '';
      for (let last = first; last < groups.length; last++) {
        if (inDate[last] || (lastBlocked && last === groups.length - 1)) break;
        digits += groups[last]?.digits ?? '';
        if (digits.length > CARD_NUMBER_DIGITS.max) break;
        if (digits.length >= CARD_NUMBER_DIGITS.min && !digits.startsWith('0') && luhnValid(digits)) {
          return { digitCount: digits.length, last4: digits.slice(-4) };
        }
      }
    }
  }
  return null;
}

/** The refusal sentence when `text` holds a card number, else null. */
export function cardNumberRefusal(text: string): string | null {
  return findCardNumber(text) === null ? null : CARD_NUMBER_REFUSAL;
}
