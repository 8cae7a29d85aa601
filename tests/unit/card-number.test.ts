/**
 * The card-number guard (issue 21): a Luhn-valid run of 13–19 digits in free text is refused on
 * every free-text field of the contracts and the mutations, so neither the workstation nor the
 * store saves it; phone numbers, order numbers, dates and non-Luhn runs are not refused.
 */
import { describe, expect, it } from 'vitest';
import { CARD_NUMBER_REFUSAL, findCardNumber, luhnValid } from '../../src-shared/domain/card-number';
import { freeText, text } from '../../src-shared/contracts/text';
import { noteAddInput } from '../../src-shared/contracts/notes';
import { complaintLogInput, complaintTransitionInput } from '../../src-shared/contracts/complaints';
import { callWrapUpInput } from '../../src-shared/contracts/calls';
import { newCustomerInput } from '../../src-shared/contracts/customer';
import { contactAddress } from '../../src-shared/contracts/customer360';
import { parseMutationArgs } from '../../src-shared/sync/mutations';
import { seededRandom, type Rng } from '../helpers/seeded-random';

const ID = '0b7e2a4c-1d2e-4f3a-8b9c-0d1e2f3a4b5c';
const ID2 = '1c8f3b5d-2e3f-4a4b-9c0d-1e2f3a4b5c6d';

/** Well-known test numbers of the card brands (never real accounts). */
const TEST_PANS = [
  '4111 1111 1111 1111',
  '4111111111111111',
  '5555-5555-5555-4444',
  '378282246310005',
  '3782 822463 10005',
  '6011 1111 1111 1117',
  '4222222222222', // Visa, 13 digits
  '4111111111111111003', // 19 digits
];

describe('findCardNumber', () => {
  it('knows the Luhn check', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('')).toBe(false);
  });

  it.each(TEST_PANS)('finds %s, alone and inside a sentence, and says only its last four digits', (pan) => {
    const digits = pan.replace(/\D/g, '');
    expect(luhnValid(digits)).toBe(true);
    for (const textWithIt of [pan, `Customer read out ${pan} for the payment.`, `card:${pan}.`, `(${pan})`]) {
      const found = findCardNumber(textWithIt);
      expect(found).toEqual({ digitCount: digits.length, last4: digits.slice(-4) });
    }
  });

  it('finds a number followed by its expiry, written with full-width digits or non-breaking spaces', () => {
    expect(findCardNumber('4111 1111 1111 1111 12 27 cvv 123')?.last4).toBe('1111');
    expect(findCardNumber('４１１１１１１１１１１１１１１１')?.digitCount).toBe(16);
    expect(findCardNumber('5555\u00a05555\u00a05555\u00a04444')?.last4).toBe('4444');
  });

  it.each([
    ['a phone number in any format', 'Call back on +1 415 555 2671 or 020 7946 0958 tomorrow'],
    ['a 13-digit international mobile number', 'Mobile +49 151 23456789, or 0049 151 23456789 from abroad'],
    ['an E.164 number', '+4915123456789'],
    ['a 16-digit run that fails Luhn', '4111 1111 1111 1112 and 1234567812345678'],
    ['order numbers', 'Order SB00012345 and SB4111111111111111 arrived, invoice INV-4111111111111111, parcel 4111111111111111AB'],
    ['dates', 'Delivered 2026-12-05, promised 05-12-2026; between 2026-12-05 2026-12-24'],
    ['amounts and counts', 'Refund 1,234.56 EUR for 3 items, 12 boxes of 24'],
    ['a run longer than 19 digits without separators', 'Tracking 41111111111111111111234'],
    ['a Luhn-valid run starting with 0', '0123 4567 8901 2347'],
    ['nothing at all', ''],
  ])('does not take %s for a card number', (_what, value) => {
    expect(findCardNumber(value)).toBeNull();
  });

  it('is let through by its rules, not by luck: the refused-looking examples above hold Luhn-valid digits', () => {
    for (const digits of ['0123456789012347', '4111111111111111']) expect(luhnValid(digits)).toBe(true);
  });

  it('is not fooled by a phone number or an order number in front of a card number in the same run', () => {
    expect(findCardNumber('+44 4111 1111 1111 1111')?.last4).toBe('1111');
    expect(findCardNumber('Order SB00012345 4111 1111 1111 1111')?.last4).toBe('1111');
    expect(findCardNumber('INV-2026 5555-5555-5555-4444 paid')?.last4).toBe('4444');
    expect(findCardNumber('4111 1111 1111 1111 1234AB')?.last4).toBe('1111');
  });
});

const digitsOf = (rng: Rng, n: number) => Array.from({ length: n }, () => String(rng.int(0, 9))).join('');

/** A Luhn-valid number of `length` digits starting with a card brand's digit (2–6). */
function randomPan(rng: Rng, length: number): string {
  const body = String(rng.int(2, 6)) + digitsOf(rng, length - 2);
  for (let check = 0; check <= 9; check++) if (luhnValid(body + String(check))) return body + String(check);
  throw new Error('unreachable: one check digit always fits');
}

/** `digits` in groups of 4 (or as one run, or 4-6-5), joined by spaces or dashes. */
function grouped(rng: Rng, digits: string): string {
  const style = rng.int(0, 3);
  if (style === 0) return digits;
  const sizes = style === 3 && digits.length === 15 ? [4, 6, 5] : [];
  const groups: string[] = [];
  let at = 0;
  for (const size of sizes) groups.push(digits.slice(at, (at += size)));
  while (at < digits.length) groups.push(digits.slice(at, (at += 4)));
  return groups.join(style === 1 ? ' ' : '-');
}

function randomPhone(rng: Rng): string {
  switch (rng.int(0, 4)) {
    case 0: // international, with "+"
      return `+${rng.int(1, 99)} ${digitsOf(rng, 3)} ${digitsOf(rng, rng.int(6, 8))}`;
    case 1: // E.164
      return `+${rng.int(1, 9)}${digitsOf(rng, rng.int(9, 13))}`;
    case 2: // national, with a trunk 0
      return `0${digitsOf(rng, 3)} ${digitsOf(rng, 3)} ${digitsOf(rng, 4)}`;
    case 3: // North American
      return `${rng.chance(0.5) ? '1-' : ''}${rng.int(2, 9)}${digitsOf(rng, 2)}-${rng.int(2, 9)}${digitsOf(rng, 2)}-${digitsOf(rng, 4)}`;
    default: // (415) 555 2671
      return `(${rng.int(2, 9)}${digitsOf(rng, 2)}) ${digitsOf(rng, 3)} ${digitsOf(rng, 4)}`;
  }
}

describe('findCardNumber over random notes', () => {
  it('finds every random card number of 13 to 19 digits, however grouped, wherever in a note', () => {
    const rng = seededRandom(2112);
    for (let n = 0; n < 3000; n++) {
      const pan = randomPan(rng, rng.int(13, 19));
      const note = `${rng.pick(['', 'Caller said ', 'Order SB000' + digitsOf(rng, 5) + ' ', randomPhone(rng) + ', '])}${grouped(rng, pan)}${rng.pick(['', '.', ' exp 12/27', ' thanks'])}`;
      // A run of whole groups is reported: the number, or a Luhn-valid start of it (either is refused).
      const found = findCardNumber(note);
      expect(found, note).not.toBeNull();
      expect(pan.replace(/\D/g, ''), note).toContain(found?.last4);
    }
  });

  it('refuses none of thousands of notes with phone numbers, order numbers, dates and amounts', () => {
    const rng = seededRandom(1221);
    for (let n = 0; n < 3000; n++) {
      const note = [
        `Call back on ${randomPhone(rng)}`,
        rng.chance(0.5) ? `or ${randomPhone(rng)}` : '',
        `about order SB${digitsOf(rng, 8)}`,
        `from ${2000 + rng.int(0, 30)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
        `refund ${rng.int(1, 999)}.${digitsOf(rng, 2)} EUR for ${rng.int(1, 20)} items`,
      ].join(' ');
      expect(findCardNumber(note), note).toBeNull();
    }
  });
});

describe('freeText()', () => {
  it('refuses a card number with the sentence, and keeps text() rules and chaining', () => {
    const result = freeText().trim().min(1).safeParse('Paid with 4111 1111 1111 1111');
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((i) => i.message)).toContain(CARD_NUMBER_REFUSAL);
    expect(freeText().safeParse('a\u0000b').success).toBe(false);
    expect(freeText().trim().parse('  Call back on +1 415 555 2671  ')).toBe('Call back on +1 415 555 2671');
    // Plain text() stays as it was: names, codes and ids are not searched for card numbers.
    expect(text().safeParse('4111111111111111').success).toBe(true);
  });

  const PAN = '5555-5555-5555-4444';
  const refused = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
    !r.success && (r.error?.issues ?? []).some((i) => i.message === CARD_NUMBER_REFUSAL);

  it('guards every free-text field of the workstation contracts', () => {
    expect(refused(noteAddInput.safeParse({ customerId: ID, body: `card ${PAN}` }))).toBe(true);
    expect(refused(callWrapUpInput.safeParse({ callId: ID, dispositionCode: 'sale', notes: PAN }))).toBe(true);
    const complaint = { customerId: ID, category: 'damaged', severity: 'low', description: 'Box was crushed' };
    expect(complaintLogInput.safeParse(complaint).success).toBe(true);
    expect(refused(complaintLogInput.safeParse({ ...complaint, description: `Refund to ${PAN}` }))).toBe(true);
    expect(refused(complaintLogInput.safeParse({ ...complaint, desiredResolution: `Refund to ${PAN}` }))).toBe(true);
    expect(refused(complaintTransitionInput.safeParse({ complaintId: ID, to: 'resolved', resolution: `Refunded to ${PAN}` }))).toBe(true);
    expect(refused(complaintTransitionInput.safeParse({ complaintId: ID, to: 'reopened', note: `Card ${PAN}` }))).toBe(true);
    const address = { line1: '1 High Street', city: 'London', country: 'GB' };
    expect(contactAddress.safeParse(address).success).toBe(true);
    expect(refused(contactAddress.safeParse({ ...address, line1: PAN }))).toBe(true);
    expect(refused(contactAddress.safeParse({ ...address, line2: PAN }))).toBe(true);
    const customer = { firstName: 'Ann', lastName: 'Lee', phone: '+44 20 7946 0958', address: { line1: PAN, city: 'London', postalCode: '' } };
    expect(refused(newCustomerInput.safeParse(customer))).toBe(true);
  });

  it('guards the same fields in the mutations the store parses', () => {
    const expectRefused = (name: string, args: Record<string, unknown>) => {
      const parsed = parseMutationArgs(name, 2, args);
      expect(parsed.ok, name).toBe(false);
      if (!parsed.ok) expect(parsed.error.message, name).toContain('payment card number');
    };
    const note = { noteId: ID, customerId: ID2, callId: null, agentId: 'csr-1', body: 'Prefers mornings', createdAt: 1 };
    expect(parseMutationArgs('note.add', 2, note).ok).toBe(true);
    expectRefused('note.add', { ...note, body: `Card ${PAN}` });

    const wrapUp = { callId: ID, agentId: 'csr-1', at: 1, dispositionCode: 'sale', notes: 'ok', talkMs: 1, holdMs: 0, wrapUpMs: 1 };
    expect(parseMutationArgs('call.wrap_up', 2, wrapUp).ok).toBe(true);
    expectRefused('call.wrap_up', { ...wrapUp, notes: PAN });

    const log = {
      complaintId: ID,
      eventId: ID2,
      customerId: ID,
      callId: null,
      orderId: null,
      orderLineId: null,
      categoryCode: 'damaged',
      severity: 'low',
      description: 'Crushed box',
      desiredResolution: null,
      followUpOn: null,
      openedAt: 1,
      agentId: 'csr-1',
      status: 'open',
    };
    expect(parseMutationArgs('complaint.log', 2, log).ok).toBe(true);
    expectRefused('complaint.log', { ...log, description: PAN });
    expectRefused('complaint.log', { ...log, desiredResolution: PAN });

    const transition = { complaintId: ID, eventId: ID2, from: 'open', to: 'resolved', resolution: 'Refunded', note: null, callId: null, agentId: 'csr-1', at: 1 };
    expect(parseMutationArgs('complaint.transition', 2, transition).ok).toBe(true);
    expectRefused('complaint.transition', { ...transition, resolution: PAN });
    expectRefused('complaint.transition', { ...transition, note: PAN });

    const address = { id: ID2, line1: '1 High Street', line2: null, city: 'London', region: null, postalCode: null, country: 'GB' };
    const create = {
      customerId: ID,
      firstName: 'Ann',
      lastName: 'Lee',
      phone: '+442079460958',
      phoneRaw: '020 7946 0958',
      phoneId: ID2,
      email: null,
      emailId: null,
      address: { ...address, id: '2d9a4c6e-3f4a-4b5c-8d1e-2f3a4b5c6d7e' },
    };
    expect(parseMutationArgs('customer.create', 2, create).ok).toBe(true);
    expectRefused('customer.create', { ...create, address: { ...create.address, line2: `Flat ${PAN}` } });
  });
});
