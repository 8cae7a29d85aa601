import { describe, expect, it } from 'vitest';
import { directoryArrivingAnswer, lookupSearchOutput, newCustomerNumber, type LookupSearchOutput } from '../../src-shared/contracts/lookup';

const noMatch: LookupSearchOutput = {
  query: '020 7946 0958',
  interpretedAs: ['phone'],
  normalizedPhone: '+442079460958',
  capped: false,
  hits: [],
  noMatch: true,
  hint: null,
  directoryArriving: false,
};

const arriving: LookupSearchOutput = directoryArrivingAnswer('020 7946 0958');

describe('when a lookup answer offers a new customer', () => {
  it('offers the number when nothing matched a readable number and the directory is in', () => {
    expect(newCustomerNumber(noMatch, true)).toBe('+442079460958');
  });

  it('never while the directory is arriving: the answer says so, or the sync status does', () => {
    expect(newCustomerNumber(arriving, true)).toBeNull();
    // Whatever the answer claims: a caller not found may be a customer not copied yet.
    expect(newCustomerNumber({ ...noMatch, directoryArriving: true }, true)).toBeNull();
    expect(newCustomerNumber(noMatch, false)).toBeNull();
  });

  it('not when something matched, when the text was no number, or with no answer', () => {
    expect(newCustomerNumber({ ...noMatch, noMatch: false }, true)).toBeNull();
    expect(newCustomerNumber({ ...noMatch, normalizedPhone: null, interpretedAs: ['name'] }, true)).toBeNull();
    expect(newCustomerNumber(null, true)).toBeNull();
  });

  it('the contract requires every answer to say whether the directory was arriving', () => {
    expect(lookupSearchOutput.safeParse(arriving).success).toBe(true);
    const { directoryArriving: _, ...older } = noMatch;
    expect(lookupSearchOutput.safeParse(older).success).toBe(false);
  });
});
