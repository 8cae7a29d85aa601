/**
 * Every workstation time an outbox entry carries is bounded (issue 18, item 6): the contract holds
 * each to what a Date can show, and the store finds them all (`workstationTimes`) to hold against
 * its clock. Derived from the schemas, so this checks the derivation misses no time field.
 */
import { describe, expect, it } from 'vitest';
import { isoTime, MAX_INSTANT_MS } from '../../src-shared/domain/time';
import { MUTATION_NAMES, mutationSchema, mutationVersions, parseMutationArgs, workstationTimeFields } from '../../src-shared/sync/mutations';

describe('workstation times in mutations', () => {
  it('finds every argument that is a time (named …At or at) in every mutation and version', () => {
    for (const name of MUTATION_NAMES) {
      expect(mutationVersions(name).length, `${name} has a version`).toBeGreaterThan(0);
      for (const version of mutationVersions(name)) {
        const shape = (mutationSchema(name, version) as unknown as { shape: Record<string, unknown> }).shape;
        const timeLike = Object.keys(shape).filter((k) => k === 'at' || /At$/.test(k));
        // customer.create carries none: its rows take the entry's own time (createdAt).
        if (name !== 'customer.create') expect(timeLike.length, `${name} v${version} has a time`).toBeGreaterThan(0);
        expect(workstationTimeFields(name, version).sort(), `${name} v${version}`).toEqual(timeLike.sort());
      }
    }
  });

  it('the contract refuses a time past the year 9999 and a duration longer than a month', () => {
    const note = { noteId: crypto.randomUUID(), customerId: crypto.randomUUID(), callId: null, agentId: 'carl', body: 'x' };
    expect(parseMutationArgs('note.add', 2, { ...note, createdAt: 9_000_000_000_000_000 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(parseMutationArgs('note.add', 2, { ...note, createdAt: MAX_INSTANT_MS })).toMatchObject({ ok: true });
    const end = { callId: crypto.randomUUID(), agentId: 'carl', at: 0, holdMs: 0 };
    expect(parseMutationArgs('call.end', 2, { ...end, talkMs: 40 * 86_400_000 })).toMatchObject({ ok: false });
    expect(parseMutationArgs('call.end', 2, { ...end, talkMs: 3_600_000 })).toMatchObject({ ok: true });
  });

  it('isoTime reads any number without throwing', () => {
    for (const ms of [9_000_000_000_000_000, -9e18, Number.MAX_VALUE, Number.NaN, Number.POSITIVE_INFINITY, 0, Date.UTC(2026, 0, 1)]) {
      expect(() => isoTime(ms), String(ms)).not.toThrow();
      expect(Number.isNaN(Date.parse(isoTime(ms))), String(ms)).toBe(false);
    }
    expect(isoTime(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00.000Z');
  });
});
