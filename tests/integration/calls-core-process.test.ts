/**
 * A whole call through the real CoreProcess (writer and reader worker threads on one cache file),
 * as the desk drives it: start from a screen-pop → attach a customer created on the call →
 * hold/resume → note → complaint → end → wrap-up; then the reader's timeline shows all of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { tempCache, type TempCache } from '../helpers/cache';
import { testCore } from '../helpers/core';
import type { CoreProcess } from '../../src-main/core/worker/core-process';
import type { Result } from '../../src-shared/result';
import type { CallState } from '../../src-shared/contracts/calls';
import type { ComplaintDetail } from '../../src-shared/contracts/complaints';
import type { TimelineEntry } from '../../src-shared/contracts/customer360';

let cache: TempCache;
let core: CoreProcess;

beforeAll(async () => {
  cache = tempCache();
  cache.db.$client.close();
  core = testCore(cache.file, { agentId: 'csr' });
  await core.start();
});
afterAll(async () => {
  await core.stop();
  cache.cleanup();
});

async function ok<T>(channel: string, input: unknown): Promise<T> {
  const r: Result<unknown> = await core.call(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a whole call through CoreProcess', () => {
  it('records every step on the writer, and the reader’s timeline and call state show it', async () => {
    const started = await ok<CallState>('call:start', { source: 'screen_pop', fromNumber: '+44 7700 900456' });
    expect(started).toMatchObject({ status: 'active', fromE164: '+447700900456', customerId: null, agentId: 'csr' });
    const callId = started.id;

    const { customerId } = await ok<{ customerId: string }>('customer:create', { firstName: 'Ines', lastName: 'Ibáñez', phone: '+44 7700 900456' });
    expect((await ok<CallState>('call:attach-customer', { callId, customerId })).customerId).toBe(customerId);

    await pause(30);
    expect((await ok<CallState>('call:hold', { callId })).status).toBe('on_hold');
    await pause(60);
    const resumed = await ok<CallState>('call:resume', { callId });
    expect(resumed.status).toBe('active');
    expect(resumed.timings.holdMs).toBeGreaterThanOrEqual(50);

    const note = await ok<{ noteId: string }>('note:add', { customerId, callId, body: 'New customer; ordered by phone before.' });
    await pause(5); // distinct instants, so the timeline's order is the order of events
    const complaint = await ok<ComplaintDetail>('complaint:log', {
      customerId,
      callId,
      category: 'service',
      severity: 'medium',
      description: 'Was cut off twice on the phone line last week.',
    });
    expect(complaint.status).toBe('open');

    // The reader sees the running call at once (WAL: a committed write is visible to the next read).
    const running = await ok<CallState>('call:get', { callId });
    expect(running.status).toBe('active');
    expect((await ok<{ call: CallState | null }>('call:current', {})).call?.id).toBe(callId);

    const ended = await ok<CallState>('call:end', { callId });
    expect(ended.status).toBe('wrap_up');
    await pause(20);
    const done = await ok<CallState>('call:wrap-up', { callId, dispositionCode: 'complaint_logged', notes: 'Logged the complaint.' });
    expect(done.status).toBe('completed');
    expect(done.timings.handleMs).toBe(done.timings.talkMs + done.timings.holdMs + done.timings.wrapUpMs);
    expect(done.timings.wrapUpMs).toBeGreaterThanOrEqual(15);
    expect((await ok<{ call: CallState | null }>('call:current', {})).call).toBeNull();

    const timeline = await ok<{ entries: TimelineEntry[]; nextCursor: string | null }>('customer:timeline', { customerId });
    expect(timeline.nextCursor).toBeNull();
    expect(timeline.entries.map((e) => [e.kind, e.id])).toEqual([
      ['complaint', complaint.id],
      ['note', note.noteId],
      ['call', callId],
    ]);
    expect(timeline.entries[2]).toMatchObject({ status: 'completed', dispositionCode: 'complaint_logged', handleMs: done.timings.handleMs });

    // Past purchases run on the reader too (its connection registers the accent-folding function).
    expect(await ok('customer:purchases', { customerId, text: 'crème', period: { kind: 'last_12_months' } })).toEqual({
      orders: [],
      nextCursor: null,
      totals: { orderCount: 0, countedOrderCount: 0, byCurrency: [] },
    });

    const db = new Database(cache.file, { readonly: true });
    const names = db.prepare(`SELECT name FROM outbox ORDER BY mutation_id`).pluck().all();
    db.close();
    expect(names).toEqual(['call.start', 'customer.create', 'call.attach_customer', 'call.hold', 'call.resume', 'note.add', 'complaint.log', 'call.end', 'call.wrap_up']);
  });

  it('returns typed errors from the workers for refused steps', async () => {
    const nobody = '00000000-0000-4000-8000-000000000000';
    expect(await core.call('call:hold', { callId: nobody })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await core.call('note:add', { customerId: nobody, body: 'x'.repeat(4001) })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'body' } });
    expect(await core.call('config:lists', {})).toMatchObject({ ok: true, value: { dispositions: expect.arrayContaining([{ code: 'resolved', label: 'Resolved on this call' }]) } });
  });
});

describe('the idle lock and the call desk (issue 19, item 1)', () => {
  it('an open call keeps the session awake past the idle time; the lock applies once it is wrapped up', async () => {
    const idleCache = tempCache();
    idleCache.db.$client.close();
    const idleCore = testCore(idleCache.file, { auth: { idleLockMs: 400, idleCheckMs: 50 } });
    await idleCore.start();
    const call = async <T>(channel: string, input: unknown): Promise<T> => {
      const r = await idleCore.call(channel, input);
      if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    };
    const sessionState = async () => (await call<{ state: string }>('auth:session', {})).state;
    try {
      const { id: callId } = await call<CallState>('call:start', { source: 'screen_pop', fromNumber: '+44 7700 900457' });
      await pause(700);
      expect(await sessionState()).toBe('signed_in');
      await call('call:hold', { callId });
      await pause(500);
      // A window asking to lock for idleness is refused while the call is open.
      expect((await call<{ state: string }>('auth:lock', { idle: true })).state).toBe('signed_in');
      await call('call:end', { callId });
      await pause(500);
      expect(await sessionState()).toBe('signed_in'); // in wrap-up: still the call
      await call('call:wrap-up', { callId, dispositionCode: 'resolved' });
      await pause(300);
      expect(await sessionState()).toBe('locked');
    } finally {
      await idleCore.stop();
      idleCache.cleanup();
    }
  });
});
