import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plantCustomer, tempCache, type TempCache } from '../helpers/cache';
import { testDesk, type TestDesk } from '../helpers/desk';
import type { CustomerCard } from '../../src-shared/contracts/customer';
import type { ComplaintDetail } from '../../src-shared/contracts/complaints';

/** The 360's header at a glance (issue 19, item 7): open complaints, the oldest's age, follow-ups. */
let cache: TempCache;
let desk: TestDesk;
let zoe: string;
let max: string;
const DAY = 86_400_000;

beforeEach(() => {
  cache = tempCache();
  zoe = plantCustomer(cache.db, { firstName: 'Zoë', lastName: 'Ångström' });
  max = plantCustomer(cache.db, { firstName: 'Max', lastName: 'Müller' });
  desk = testDesk(cache.db);
});
afterEach(() => cache.cleanup());

const card = (customerId: string) => desk.ok<CustomerCard>('customer:get', { customerId });
const log = (customerId: string, followUpOn?: string) =>
  desk.ok<ComplaintDetail>('complaint:log', {
    customerId,
    category: 'damaged',
    severity: 'high',
    description: 'The lid was cracked.',
    ...(followUpOn ? { followUpOn } : {}),
  });

describe('customer:get openComplaints', () => {
  it('is empty for a customer without complaints', () => {
    expect(card(zoe).openComplaints).toEqual({ count: 0, oldestOpenedAt: null, followUpsOn: [] });
  });

  it('counts unresolved complaints, dates the oldest, lists their follow-ups, and leaves out resolved ones and other customers', () => {
    const first = log(zoe, '2026-03-20');
    desk.clock.advance(3 * DAY);
    log(zoe);
    desk.clock.advance(DAY);
    const third = log(zoe, '2026-03-12');
    log(max, '2026-03-11');
    expect(card(zoe).openComplaints).toEqual({
      count: 3,
      oldestOpenedAt: first.history[0]?.at,
      followUpsOn: ['2026-03-12', '2026-03-20'],
    });

    // Resolving the oldest: it no longer counts, its follow-up is no longer due, the next one is the oldest.
    desk.ok('complaint:transition', { complaintId: first.id, to: 'in_progress' });
    expect(card(zoe).openComplaints.count).toBe(3);
    desk.ok('complaint:transition', { complaintId: first.id, to: 'resolved', resolution: 'Replaced.' });
    const after = card(zoe).openComplaints;
    expect(after.count).toBe(2);
    expect(after.followUpsOn).toEqual([third.followUpOn]);
    expect(after.oldestOpenedAt).toBe(new Date(Date.parse(first.history[0]?.at ?? '') + 3 * DAY).toISOString());
  });
});
