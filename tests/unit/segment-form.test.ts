/**
 * The Segments screen's filters (issue 22) become the shared segment definition, or a sentence on
 * the field that is wrong; the size line says sizes per currency and never adds currencies.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_FILTERS, centsOf, definitionFrom, sizeSentence } from '../../src-renderer/src/features/segments/forms';

describe('segment filters → definition', () => {
  it('an empty form is every customer', () => {
    expect(definitionFrom(EMPTY_FILTERS)).toEqual({ ok: true, definition: {} });
  });

  it('takes every filter, upper-cases SKUs and campaign codes, amounts in cents', () => {
    const r = definitionFrom({
      ...EMPTY_FILTERS,
      skus: ' ink-1, ,toner-2 ',
      categories: 'paper',
      from: '2026-01-01',
      to: '2026-03-31',
      tiers: ['gold', 'platinum'],
      valueAtLeast: '250',
      valueAtMost: '1000.5',
      buyer: 'repeat',
      complaints: 'none',
      channels: ['web'],
      campaign: ' spring 10 ',
      consent: 'given',
    });
    expect(r).toEqual({
      ok: true,
      definition: {
        bought: { skus: ['INK-1', 'TONER-2'], categories: ['paper'], from: '2026-01-01', to: '2026-03-31' },
        tiers: ['gold', 'platinum'],
        valueAtLeastCents: 25_000,
        valueAtMostCents: 100_050,
        buyer: 'repeat',
        complaints: 'none',
        acquisitionChannels: ['web'],
        campaign: 'SPRING10',
        consent: 'given',
      },
    });
  });

  it('says which field is wrong', () => {
    expect(definitionFrom({ ...EMPTY_FILTERS, from: '2026-01-01' })).toMatchObject({ ok: false, field: 'skus' });
    expect(definitionFrom({ ...EMPTY_FILTERS, valueAtLeast: 'lots' })).toMatchObject({ ok: false, field: 'valueAtLeast' });
    expect(definitionFrom({ ...EMPTY_FILTERS, valueAtLeast: '500', valueAtMost: '100' })).toMatchObject({ ok: false, field: 'valueAtMost' });
    expect(definitionFrom({ ...EMPTY_FILTERS, skus: 'A', from: '2026-02-01', to: '2026-01-01' })).toMatchObject({ ok: false, field: 'to' });
  });

  it('reads amounts with at most two decimals', () => {
    expect([centsOf('12'), centsOf('12.5'), centsOf('12,05'), centsOf('1.234'), centsOf('-1')]).toEqual([1200, 1250, 1205, null, null]);
  });

  it('the size line gives value per currency, with how many customers are in each', () => {
    expect(sizeSentence({ size: 0, value: [] })).toBe('No customer matches these filters.');
    const two = sizeSentence({ size: 3, value: [{ currency: 'EUR', customers: 1, valueCents: 1000 }, { currency: 'USD', customers: 2, valueCents: 5000 }] });
    expect(two).toMatch(/^3 customers; lifetime value .*10.*\(1 customer\), .*50.*\(2 customers\)\.$/);
  });
});
