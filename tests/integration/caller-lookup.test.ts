import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CountryCode } from 'libphonenumber-js/max';
import { CallerLookup } from '../../src-main/core/lookup/caller-lookup';
import { createHandlers } from '../../src-main/core/rpc/handlers';
import { dispatch } from '../../src-main/core/rpc/dispatch';
import { AppError } from '../../src-shared/result';
import { plantCustomer, plantOrder, plantProduct, snapshotCounts, tempCache, type TempCache } from '../helpers/cache';

/** One stored number per country and the ways a caller ID, a CSR or an import writes it. */
const NUMBERS: { country: CountryCode; e164: string; written: string[] }[] = [
  { country: 'US', e164: '+15550104477', written: ['(555) 010-4477', '555.010.4477', '+1 555 010 4477', '1-555-010-4477', '+15550104477'] },
  { country: 'GB', e164: '+442079460958', written: ['020 7946 0958', '+44 20 7946 0958', '0044 20 7946 0958', '+44 (0)20 7946 0958'] },
  { country: 'DE', e164: '+4930901820', written: ['030 901820', '+49 30 901820', '0049 30 901820', '+49 (30) 901820'] },
  { country: 'FR', e164: '+33142685300', written: ['01 42 68 53 00', '+33 1 42 68 53 00', '0033 142685300', '01.42.68.53.00'] },
  { country: 'ES', e164: '+34912345678', written: ['912 345 678', '+34 912 34 56 78', '0034912345678'] },
  { country: 'IT', e164: '+390669821234', written: ['06 6982 1234', '+39 06 6982 1234', '0039 0669821234'] },
  { country: 'NL', e164: '+31201234567', written: ['020 123 4567', '+31 20 123 4567', '0031-20-1234567'] },
  { country: 'AU', e164: '+61293744000', written: ['(02) 9374 4000', '+61 2 9374 4000', '0061 2 9374 4000'] },
  { country: 'BR', e164: '+5511912345678', written: ['(11) 91234-5678', '+55 11 91234-5678', '0055 11 912345678'] },
  { country: 'JP', e164: '+81312345678', written: ['03-1234-5678', '+81 3-1234-5678', '0081 3 1234 5678'] },
  { country: 'CA', e164: '+14165550199', written: ['(416) 555-0199', '+1 416 555 0199', '416-555-0199'] },
];

let cache: TempCache;
const ids: Record<string, string> = {};

beforeAll(() => {
  cache = tempCache();
  const db = cache.db;
  for (const n of NUMBERS) {
    ids[n.country] = plantCustomer(db, { firstName: `Caller`, lastName: n.country, phones: [n.e164], city: 'Somewhere', country: n.country });
  }
  ids.zoe = plantCustomer(db, { firstName: 'Zoë', lastName: 'Ångström', emails: ['zoe.angstrom@example.com'], phones: ['+447700900123'], city: 'London', country: 'GB', tier: 'gold' });
  ids.zoltan = plantCustomer(db, { firstName: 'Zoltán', lastName: 'Kovács', emails: ['zkovacs@example.hu'] });
  ids.jose = plantCustomer(db, { firstName: 'José', lastName: 'Núñez', emails: ['jose.nunez@example.es'] });
  ids.marta = plantCustomer(db, { firstName: 'Marta', lastName: 'Olsen', emails: ['marta.olsen@example.no'] });
  const trail = plantProduct(db, { sku: 'TR-2041-BLK', name: 'Trail Runner 2', partNumber: 'PN-58213' });
  const gaiters = plantProduct(db, { sku: 'GA-0100', name: 'Trail Gaiters' });
  plantOrder(db, { customerId: ids.jose, number: 'SB00012345', placedAt: Date.UTC(2025, 2, 10), productIds: [trail] });
  plantOrder(db, { customerId: ids.marta, number: 'SB00012346', placedAt: Date.UTC(2026, 4, 2), productIds: [trail, gaiters] });
  // A web shop's order, numbered by the ingest API as <SOURCE>-<number> (issue 23).
  plantOrder(db, { customerId: ids.zoltan, number: 'SHOP-1001', placedAt: Date.UTC(2026, 4, 3), productIds: [gaiters] });
});

afterAll(() => cache.cleanup());

describe('phone lookup', () => {
  for (const n of NUMBERS) {
    it(`finds the ${n.country} caller from ${n.written.length} ways of writing ${n.e164}`, () => {
      const lookup = new CallerLookup(cache.db, { defaultRegion: n.country });
      for (const written of n.written) {
        const out = lookup.search({ query: written });
        expect(out.normalizedPhone, written).toBe(n.e164);
        expect(out.hits.map((h) => h.customerId), written).toEqual([ids[n.country]]);
        expect(out.hits[0]?.matchedBy).toBe('phone');
      }
    });
  }

  it('reads international formats whatever the default region', () => {
    const lookup = new CallerLookup(cache.db, { defaultRegion: 'US' });
    expect(lookup.search({ query: '0044 20 7946 0958' }).hits[0]?.customerId).toBe(ids.GB);
    expect(lookup.search({ query: '+49 30 901820' }).hits[0]?.customerId).toBe(ids.DE);
  });

  it('reads digits with the country code but no "+" as international, as phone systems send caller ids (issue 19)', () => {
    const lookup = new CallerLookup(cache.db, { defaultRegion: 'US' });
    expect(lookup.search({ query: '442079460958' }).hits[0]?.customerId).toBe(ids.GB);
    expect(lookup.search({ query: '5511912345678' }).hits[0]?.customerId).toBe(ids.BR);
    // A number the region reads keeps its national reading.
    expect(lookup.search({ query: '5550104477' }).hits[0]?.customerId).toBe(ids.US);
  });

  it('answers an unknown number with no match and its normalized form', () => {
    const lookup = new CallerLookup(cache.db, { defaultRegion: 'GB' });
    const out = lookup.search({ query: '07700 900999' });
    expect(out).toMatchObject({ noMatch: true, normalizedPhone: '+447700900999', hits: [] });
  });
});

describe('name, email, order and SKU lookup', () => {
  const lookup = () => new CallerLookup(cache.db, { defaultRegion: 'US' });

  it('ignores accents: "zoe" finds Zoë, "angstrom" finds Ångström, "nunez" finds Núñez', () => {
    expect(lookup().search({ query: 'zoe' }).hits.map((h) => h.displayName)).toContain('Zoë Ångström');
    expect(lookup().search({ query: 'angstrom' }).hits[0]?.customerId).toBe(ids.zoe);
    expect(lookup().search({ query: 'jose nunez' }).hits[0]?.customerId).toBe(ids.jose);
  });

  it('matches name prefixes and ranks a whole-word match first', () => {
    const hits = lookup().search({ query: 'zo' }).hits.map((h) => h.customerId);
    expect(hits).toEqual(expect.arrayContaining([ids.zoe, ids.zoltan]));
    expect(lookup().search({ query: 'zoe' }).hits[0]?.customerId).toBe(ids.zoe);
  });

  it('says when the list stops at its limit with more customers matching (issue 19, item 12)', () => {
    expect(lookup().search({ query: 'zo', limit: 1 })).toMatchObject({ capped: true, hits: [expect.anything()] });
    expect(lookup().search({ query: 'zo', limit: 2 })).toMatchObject({ capped: false });
    expect(lookup().search({ query: 'zo' }).capped).toBe(false);
  });

  it('finds by whole email and by email prefix', () => {
    expect(lookup().search({ query: 'ZOE.Angstrom@example.com' }).hits[0]).toMatchObject({ customerId: ids.zoe, matchedBy: 'email' });
    expect(lookup().search({ query: 'zkov' }).hits[0]).toMatchObject({ customerId: ids.zoltan, matchedBy: 'email' });
  });

  it('finds the customer of an order number, written loosely', () => {
    for (const q of ['SB00012345', 'sb00012345', '00012345']) {
      expect(lookup().search({ query: q }).hits[0], q).toMatchObject({ customerId: ids.jose, matchedBy: 'order' });
    }
  });

  it('finds the customer of a web shop’s order number (SHOP-1001), in any case', () => {
    for (const q of ['SHOP-1001', 'shop-1001', ' Shop-1001 ']) {
      expect(lookup().search({ query: q }).hits[0], q).toMatchObject({ customerId: ids.zoltan, matchedBy: 'order', matchDetail: 'order SHOP-1001' });
    }
    expect(lookup().search({ query: 'SHOP-1002' }).hits).toEqual([]);
  });

  it('finds who bought a SKU or part number, most recent buyer first', () => {
    const bySku = lookup().search({ query: 'tr-2041-blk' }).hits;
    expect(bySku.map((h) => h.customerId)).toEqual([ids.marta, ids.jose]);
    expect(bySku[0]?.matchDetail).toContain('Trail Runner 2');
    expect(lookup().search({ query: 'PN-58213' }).hits.map((h) => h.customerId)).toEqual([ids.marta, ids.jose]);
  });

  it('returns the fields the result list shows', () => {
    const hit = lookup().search({ query: 'zoe.angstrom@example.com' }).hits[0];
    expect(hit).toMatchObject({ displayName: 'Zoë Ångström', phone: '+44 7700 900123', city: 'London', loyaltyTier: 'gold', lastOrderAt: null });
    const jose = lookup().search({ query: 'SB00012345' }).hits[0];
    expect(jose?.lastOrderAt).toBe(new Date(Date.UTC(2025, 2, 10)).toISOString());
  });

  it('treats FTS syntax in a name as plain text', () => {
    expect(() => lookup().search({ query: 'zoe" OR NEAR(a b) *' })).not.toThrow();
    expect(lookup().search({ query: 'NOT zoe' }).noMatch).toBe(true);
  });
});

describe('unusable input', () => {
  const handlers = () => createHandlers({ db: cache.db, defaultRegion: 'US', host: 'browser-host', version: 'test', agentId: 'tester', now: () => Date.now() });

  it.each([
    ['empty', '', 'empty_query'],
    ['blank', '    ', 'empty_query'],
    ['500 characters of junk', '#$%^&*()_+'.repeat(50), 'invalid_input'],
    ['punctuation only', '!!!???', 'invalid_input'],
    ['a number that cannot be parsed', '+999 1234 5678', 'unparseable_phone'],
    ['too few digits', '12', 'unparseable_phone'],
  ])('%s gets a clear typed error and changes nothing', (_label, query, code) => {
    const before = snapshotCounts(cache.db);
    const result = dispatch(handlers(), 'lookup:search', { query });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message.length).toBeGreaterThan(10);
    }
    expect(snapshotCounts(cache.db)).toEqual(before);
  });

  it('throws AppError (never a raw exception) from the service itself', () => {
    const lookup = new CallerLookup(cache.db, { defaultRegion: 'US' });
    expect(() => lookup.search({ query: 'x'.repeat(500) })).toThrow(AppError);
  });

  it('rejects inputs of the wrong shape at the contract', () => {
    for (const bad of [null, 42, { query: 7 }, { query: 'zoe', limit: 1000 }, { query: 'zoe', extra: { nested: true }, limit: -1 }]) {
      const r = dispatch(handlers(), 'lookup:search', bad);
      expect(r.ok, JSON.stringify(bad)).toBe(false);
    }
    expect(dispatch(handlers(), 'db:exec', { sql: 'DROP TABLE customers' })).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });
});
