/**
 * The CSR's worklist on the empty lookup screen (issue 19, item 8): their recent callers, newest
 * first and once each, and the follow-ups they owe that are due today or overdue.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plantCustomer, tempCache, type TempCache } from '../helpers/cache';
import { testDesk, type TestDesk } from '../helpers/desk';
import { worklistOutput, type WorklistOutput } from '../../src-shared/contracts/worklist';
import type { CallState } from '../../src-shared/contracts/calls';
import type { ComplaintDetail } from '../../src-shared/contracts/complaints';

const MINUTE = 60_000;
let cache: TempCache;
let ana: TestDesk;
let ben: TestDesk;
let zoe: string;
let max: string;
let lee: string;

/** A whole call with the customer, by `desk`, wrapped up. */
function takeCall(desk: TestDesk, customerId: string): string {
  const call = desk.ok<CallState>('call:start', { source: 'manual', customerId });
  desk.clock.advance(MINUTE);
  desk.ok('call:end', { callId: call.id });
  desk.ok('call:wrap-up', { callId: call.id, dispositionCode: 'resolved', notes: '' });
  desk.clock.advance(MINUTE);
  return call.id;
}

beforeEach(() => {
  cache = tempCache();
  const db = cache.db;
  zoe = plantCustomer(db, { firstName: 'Zoë', lastName: 'Ångström', phones: ['+442079460958'] });
  max = plantCustomer(db, { firstName: 'Max', lastName: 'Müller' });
  lee = plantCustomer(db, { firstName: 'Lee', lastName: 'Other' });
  ana = testDesk(db, { agentId: 'agent-ana', start: Date.UTC(2026, 2, 10, 9) });
  ben = testDesk(db, { agentId: 'agent-ben', start: Date.UTC(2026, 2, 10, 9) });
});
afterEach(() => cache.cleanup());

describe('worklist:today', () => {
  it('lists the CSR’s own recent callers, newest first, each once', () => {
    takeCall(ana, zoe);
    takeCall(ana, max);
    takeCall(ana, zoe);
    takeCall(ben, lee);
    const list = worklistOutput.parse(ana.ok<WorklistOutput>('worklist:today', { today: '2026-03-10' }));
    expect(list.recentCallers.map((c) => c.displayName)).toEqual(['Zoë Ångström', 'Max Müller']);
    expect(list.recentCallers[0]!.phone).toBe('+44 20 7946 0958');
    expect(ben.ok<WorklistOutput>('worklist:today', { today: '2026-03-10' }).recentCallers.map((c) => c.customerId)).toEqual([lee]);
  });

  it('lists follow-ups due today or overdue on the CSR’s unresolved complaints, the oldest first', () => {
    const log = (desk: TestDesk, customerId: string, followUpOn: string) =>
      desk.ok<ComplaintDetail>('complaint:log', { customerId, category: 'damaged', severity: 'high', description: 'Broken on arrival.', followUpOn });
    const dueToday = log(ana, zoe, '2026-03-10');
    const overdue = log(ana, max, '2026-03-08');
    log(ana, zoe, '2026-03-11'); // tomorrow: not yet
    log(ben, lee, '2026-03-09'); // someone else's
    const resolved = log(ana, lee, '2026-03-09');
    ana.ok('complaint:transition', { complaintId: resolved.id, to: 'in_progress' });
    ana.ok('complaint:transition', { complaintId: resolved.id, to: 'resolved', resolution: 'Replaced.' });

    const list = ana.ok<WorklistOutput>('worklist:today', { today: '2026-03-10' });
    expect(list.followUps.map((f) => [f.complaintId, f.followUpOn, f.overdue])).toEqual([
      [overdue.id, '2026-03-08', true],
      [dueToday.id, '2026-03-10', false],
    ]);
    expect(list.followUps[0]).toMatchObject({ displayName: 'Max Müller', severity: 'high', status: 'open' });
    expect(list.followUps[0]!.category).not.toBe('');
  });

  it('refuses a malformed day', () => {
    expect(ana.call('worklist:today', { today: '10/03/2026' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'today' } });
  });
});
