/**
 * Real customer numbers the phone library cannot read (issue 18, "Real phone data"): a public list
 * of 91 companies typed in on a workstation set to each one's country had 24 refused. A CSR can
 * keep such a number as typed, marked unverified, after confirming it, and find the customer again
 * by typing its digits; the entry the store receives carries it the same way.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CountryCode } from 'libphonenumber-js/max';
import { tempCache, type TempCache } from '../helpers/cache';
import { outboxRows, testDesk } from '../helpers/desk';
import { keepableUnverified, normalizePhone } from '../../src-shared/domain/phone';
import { newCustomerNumber, type LookupSearchOutput } from '../../src-shared/contracts/lookup';
import type { CustomerCard } from '../../src-shared/contracts/customer';
import { parseMutationArgs } from '../../src-shared/sync/mutations';

/** As printed in the public list, with the country each customer is in and other ways a CSR types them. */
const REAL_NUMBERS: { region: CountryCode; raw: string; typed: string[] }[] = [
  { region: 'FR', raw: '88.60.15.31', typed: ['88 60 15 31', '88601531', '+33 88 60 15 31'] },
  { region: 'FR', raw: '91.24.45.40', typed: ['91 24 45 40'] },
  { region: 'FR', raw: '40.32.21.21', typed: ['40-32-21-21'] },
  { region: 'MX', raw: '(5) 555-4729', typed: ['5 555 4729', '55554729', '+52 5 555 4729'] },
  { region: 'MX', raw: '(5) 555-3932', typed: ['5-555-3932'] },
  { region: 'AR', raw: '(1) 135-5555', typed: ['1 135 5555'] },
  { region: 'AR', raw: '(1) 123-5555', typed: ['11235555'] },
  { region: 'VE', raw: '(8) 34-56-12', typed: ['8 34 56 12'] },
  { region: 'VE', raw: '(2) 283-2951', typed: ['2 283 2951', '+58 2 283 2951'] },
  { region: 'PT', raw: '(1) 354-2534', typed: ['1 354 2534'] },
  { region: 'BE', raw: '(071) 23 67 22 20', typed: ['071 23 67 22 20'] },
];

let cache: TempCache;
beforeEach(() => {
  cache = tempCache();
});
afterEach(() => cache.cleanup());

describe('numbers the phone library cannot read', () => {
  it('are the ones the public list had refused: each is refused for its length, so each may be kept', () => {
    for (const n of REAL_NUMBERS) {
      const parsed = normalizePhone(n.raw, n.region);
      expect(parsed.ok, `${n.raw} in ${n.region}`).toBe(false);
      expect(keepableUnverified(n.raw, parsed), `${n.raw} in ${n.region}`).toBe(n.raw.replace(/\D/g, ''));
    }
  });

  it.each(REAL_NUMBERS)('$raw ($region): refused until the CSR confirms, then kept as typed, unverified, and found again by its digits', (n) => {
    const desk = testDesk(cache.db, { defaultRegion: n.region });
    const input = { firstName: 'Real', lastName: `Customer ${n.region}`, phone: n.raw, email: '' };

    // Unknown yet: the lookup offers a new customer with the number as typed.
    const before = desk.ok<LookupSearchOutput>('lookup:search', { query: n.raw });
    expect(before).toMatchObject({ noMatch: true, normalizedPhone: null, unverifiedPhone: n.raw, hits: [] });
    expect(newCustomerNumber(before, true)).toBe(n.raw);

    // Without the CSR's confirmation: refused with the code that offers it, nothing written.
    const refused = desk.call('customer:create', input);
    expect(refused).toMatchObject({ ok: false, error: { code: 'unparseable_phone', field: 'phone' } });
    expect(outboxRows(cache.db)).toEqual([]);

    const created = desk.ok<{ customerId: string; e164: string; phoneVerified: boolean }>('customer:create', { ...input, keepUnverifiedPhone: true });
    const digits = n.raw.replace(/\D/g, '');
    expect(created).toMatchObject({ e164: digits, phoneVerified: false });

    const card = desk.ok<CustomerCard>('customer:get', { customerId: created.customerId });
    expect(card.phones).toEqual([{ e164: digits, display: n.raw, kind: 'mobile', isPrimary: true, verified: false }]);

    for (const query of [n.raw, ...n.typed]) {
      const found = desk.ok<LookupSearchOutput>('lookup:search', { query });
      expect(found.hits.map((h) => [h.customerId, h.matchedBy, h.phone]), `${query} in ${n.region}`).toEqual([[created.customerId, 'phone', n.raw]]);
      expect(found.noMatch).toBe(false);
    }

    // What the store receives says the same, and passes the store's own parsing.
    const [entry] = outboxRows(cache.db);
    expect(entry?.args).toMatchObject({ phone: digits, phoneRaw: n.raw, phoneVerified: false });
    expect(parseMutationArgs('customer.create', 2, entry?.args).ok).toBe(true);
  });

  it('are not kept when they are no number at all or name an unknown country, whatever the CSR confirms', () => {
    const desk = testDesk(cache.db, { defaultRegion: 'FR' });
    for (const phone of ['12', '+999 1234 5678', 'call me']) {
      const r = desk.call('customer:create', { firstName: 'No', lastName: 'Number', phone, keepUnverifiedPhone: true });
      expect(r, phone).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'phone' } });
    }
    expect(outboxRows(cache.db)).toEqual([]);
  });

  it('stay unverified through a contact edit; a new one there is kept only once the CSR confirms', () => {
    const desk = testDesk(cache.db, { defaultRegion: 'FR' });
    const { customerId } = desk.ok<{ customerId: string }>('customer:create', { firstName: 'Frédérique', lastName: 'Citeaux', phone: '88.60.15.31', keepUnverifiedPhone: true });
    const form = (phones: { number: string; kind: 'mobile' | 'home' | 'work' }[]) => ({
      customerId,
      firstName: 'Frédérique',
      lastName: 'Citeaux',
      phones,
      emails: ['fc@example.fr'],
      primaryAddress: null,
      marketingConsent: false,
    });
    desk.ok('customer:update-contact', form([{ number: '88.60.15.31', kind: 'mobile' }, { number: '01 42 68 53 00', kind: 'work' }]));
    const card = desk.ok<CustomerCard>('customer:get', { customerId });
    expect(card.phones.map((p) => [p.e164, p.verified])).toEqual([
      ['88601531', false],
      ['+33142685300', true],
    ]);
    const [, edit] = outboxRows(cache.db);
    expect(parseMutationArgs('customer.update_contact', 2, edit?.args).ok).toBe(true);
    // A new unreadable number: refused until the CSR confirms, then kept unverified like the first.
    const withNew = form([{ number: '88.60.15.31', kind: 'mobile' }, { number: '91.24.45.40', kind: 'home' }]);
    expect(desk.call('customer:update-contact', withNew)).toMatchObject({ ok: false, error: { code: 'unparseable_phone', field: 'phones.1.number' } });
    expect(outboxRows(cache.db)).toHaveLength(2);
    desk.ok('customer:update-contact', { ...withNew, keepUnverifiedPhones: true });
    expect(desk.ok<CustomerCard>('customer:get', { customerId }).phones.map((p) => [p.e164, p.display, p.verified])).toEqual([
      ['88601531', '88.60.15.31', false],
      ['91244540', '91.24.45.40', false],
    ]);
    const [, , third] = outboxRows(cache.db);
    expect(parseMutationArgs('customer.update_contact', 2, third?.args).ok).toBe(true);
    // Confirming does not make text that is no number a phone.
    expect(desk.call('customer:update-contact', { ...form([{ number: '+999 1234 5678', kind: 'home' }]), keepUnverifiedPhones: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'phones.0.number' },
    });
  });
});
