/**
 * Numbers from abroad on a workstation in another region (issue 19, item 4): a German number typed
 * in its national form on a US workstation was saved as "+1 0300074321", a number that cannot
 * exist. It is read in the country the CSR chooses, saved with the address given, and the entry the
 * store receives says the same; without a country that reads it, it is never made a +1 number.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempCache, type TempCache } from '../helpers/cache';
import { outboxRows, testDesk } from '../helpers/desk';
import type { CustomerCard } from '../../src-shared/contracts/customer';
import { parseMutationArgs, rowsWrittenBy } from '../../src-shared/sync/mutations';

let cache: TempCache;
beforeEach(() => {
  cache = tempCache();
});
afterEach(() => cache.cleanup());

type Created = { customerId: string; e164: string; phoneVerified: boolean };

describe('a number from abroad on a US workstation', () => {
  it.each([
    { phone: '030-0074321', country: 'DE', e164: '+49300074321' },
    { phone: '0921-12 34 65', country: 'SE', e164: '+46921123465' },
    { phone: '03 88 60 15 31', country: 'FR', e164: '+33388601531' },
  ])('$phone is never a +1 number, and is read in $country once chosen', ({ phone, country, e164 }) => {
    const desk = testDesk(cache.db, { defaultRegion: 'US' });
    const input = { firstName: 'Hanna', lastName: 'Berger', phone, email: '' };
    // In the workstation's region it cannot be read: it may only be kept as typed, unverified.
    const refused = desk.call('customer:create', input);
    expect(refused).toMatchObject({ ok: false, error: { code: 'unparseable_phone', field: 'phone', message: expect.stringMatching(/Not a phone number in United States/) } });
    expect(outboxRows(cache.db)).toEqual([]);

    const created = desk.ok<Created>('customer:create', { ...input, country });
    expect(created).toMatchObject({ e164, phoneVerified: true });
  });

  it('saves the address given with the country, in the cache and in the entry for the store', () => {
    const desk = testDesk(cache.db, { defaultRegion: 'US' });
    const created = desk.ok<Created>('customer:create', {
      firstName: 'Hanna',
      lastName: 'Berger',
      phone: '030-0074321',
      country: 'DE',
      address: { line1: 'Obere Str. 57', city: 'Berlin', postalCode: '12209' },
    });
    const card = desk.ok<CustomerCard>('customer:get', { customerId: created.customerId });
    expect(card.phones.map((p) => p.e164)).toEqual(['+49300074321']);
    expect(card.addresses).toEqual([{ id: expect.any(String), line1: 'Obere Str. 57', line2: null, city: 'Berlin', region: null, postalCode: '12209', country: 'DE', isPrimary: true }]);

    const [entry] = outboxRows(cache.db);
    expect(entry?.args).toMatchObject({ phone: '+49300074321', address: { line1: 'Obere Str. 57', city: 'Berlin', postalCode: '12209', country: 'DE' } });
    expect(parseMutationArgs('customer.create', 2, entry?.args).ok).toBe(true);
    expect(rowsWrittenBy('customer.create', entry?.args, 2).map((r) => r.table)).toContain('customer_addresses');
  });

  it('refuses a half address and an unknown country with the field named', () => {
    const desk = testDesk(cache.db, { defaultRegion: 'US' });
    const base = { firstName: 'Hanna', lastName: 'Berger', phone: '+49 30 0074321' };
    expect(desk.call('customer:create', { ...base, address: { line1: '', city: 'Berlin', postalCode: '' } })).toMatchObject({
      ok: false,
      error: { field: 'address.line1' },
    });
    expect(desk.call('customer:create', { ...base, country: 'XX' })).toMatchObject({ ok: false, error: { field: 'country' } });
    expect(outboxRows(cache.db)).toEqual([]);
  });

  it('reads digits with the country code but no + as international', () => {
    const desk = testDesk(cache.db, { defaultRegion: 'US' });
    expect(desk.ok<Created>('customer:create', { firstName: 'Hanna', lastName: 'Berger', phone: '49300074321' })).toMatchObject({ e164: '+49300074321', phoneVerified: true });
  });
});
