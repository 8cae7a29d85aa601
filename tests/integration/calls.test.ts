import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plantCustomer, plantProduct, tempCache, type TempCache } from '../helpers/cache';
import { dumpWritable, outboxRows, testDesk, type TestDesk } from '../helpers/desk';
import { handleTimeMs } from '../../src-shared/domain/metrics';
import type { CallState } from '../../src-shared/contracts/calls';
import { MUTATION_SCHEMAS } from '../../src-shared/sync/mutations';

let cache: TempCache;
let desk: TestDesk;
let zoe: string;

const SECOND = 1000;

beforeEach(() => {
  cache = tempCache();
  zoe = plantCustomer(cache.db, { firstName: 'Zoë', lastName: 'Ångström', phones: ['+442079460958'] });
  desk = testDesk(cache.db);
});
afterEach(() => cache.cleanup());

const start = (input: Record<string, unknown> = { source: 'manual' }) => desk.ok<CallState>('call:start', input);
const step = (channel: string, callId: string) => desk.ok<CallState>(channel, { callId });

describe('call lifecycle', () => {
  it('times talk, hold and wrap-up separately and stores handle time = talk + hold + wrap-up', () => {
    const started = start({ source: 'screen_pop', fromNumber: '020 7946 0958', customerId: zoe });
    expect(started).toMatchObject({ status: 'active', customerId: zoe, fromE164: '+442079460958', source: 'screen_pop', agentId: 'agent-ana' });
    const id = started.id;

    desk.clock.advance(60 * SECOND);
    expect(step('call:hold', id).status).toBe('on_hold');
    desk.clock.advance(30 * SECOND);
    expect(step('call:resume', id).status).toBe('active');
    desk.clock.advance(45 * SECOND);
    step('call:hold', id);
    desk.clock.advance(15 * SECOND);
    step('call:resume', id);
    desk.clock.advance(45 * SECOND);
    const ended = step('call:end', id);
    expect(ended.status).toBe('wrap_up');
    expect(ended.timings).toEqual({ talkMs: 150 * SECOND, holdMs: 45 * SECOND, wrapUpMs: 0, handleMs: 195 * SECOND });

    desk.clock.advance(40 * SECOND);
    const done = desk.ok<CallState>('call:wrap-up', { callId: id, dispositionCode: 'resolved', notes: '  Replaced the laces.  ', satisfaction: 4 });
    expect(done).toMatchObject({ status: 'completed', dispositionCode: 'resolved', wrapUpNotes: 'Replaced the laces.', satisfaction: 4 });
    expect(done.timings).toEqual({ talkMs: 150 * SECOND, holdMs: 45 * SECOND, wrapUpMs: 40 * SECOND, handleMs: 235 * SECOND });
    expect(done.timings.handleMs).toBe(handleTimeMs(done.timings));

    const row = cache.db.$client.prepare(`SELECT talk_ms, hold_ms, wrap_up_ms, status, completed_at, satisfaction FROM calls WHERE id = ?`).get(id);
    expect(row).toEqual({ talk_ms: 150_000, hold_ms: 45_000, wrap_up_ms: 40_000, status: 'completed', completed_at: desk.clock.now, satisfaction: 4 });
    expect(outboxRows(cache.db).at(-1)?.args).toMatchObject({ satisfaction: 4 });

    // Long after, the completed call still reads as stored.
    desk.clock.advance(3600 * SECOND);
    expect(step('call:get', id).timings.handleMs).toBe(235 * SECOND);
  });

  it('reports running timings for the desk timer, computed from now', () => {
    const id = start().id;
    desk.clock.advance(20 * SECOND);
    expect(step('call:get', id).timings).toMatchObject({ talkMs: 20 * SECOND, holdMs: 0, wrapUpMs: 0 });
    step('call:hold', id);
    desk.clock.advance(7 * SECOND);
    const onHold = step('call:get', id);
    expect(onHold.timings).toMatchObject({ talkMs: 20 * SECOND, holdMs: 7 * SECOND });
    expect(onHold.holdStartedAt).not.toBeNull();
    expect(onHold.asOf).toBe(new Date(desk.clock.now).toISOString());
    step('call:resume', id);
    desk.clock.advance(3 * SECOND);
    step('call:end', id);
    desk.clock.advance(11 * SECOND);
    expect(step('call:get', id).timings).toEqual({ talkMs: 23 * SECOND, holdMs: 7 * SECOND, wrapUpMs: 11 * SECOND, handleMs: 41 * SECOND });
  });

  it('ends a call whose caller hung up while on hold, closing the hold', () => {
    const id = start().id;
    desk.clock.advance(10 * SECOND);
    step('call:hold', id);
    desk.clock.advance(25 * SECOND);
    const ended = step('call:end', id);
    expect(ended).toMatchObject({ status: 'wrap_up', holdStartedAt: null });
    expect(ended.timings).toMatchObject({ talkMs: 10 * SECOND, holdMs: 25 * SECOND });
  });

  it('writes one outbox entry per step, in the same order, with what the server needs to replay it', () => {
    const id = start({ source: 'manual', customerId: zoe }).id;
    desk.clock.advance(5 * SECOND);
    step('call:hold', id);
    desk.clock.advance(5 * SECOND);
    step('call:resume', id);
    desk.clock.advance(5 * SECOND);
    step('call:end', id);
    desk.clock.advance(5 * SECOND);
    desk.ok('call:wrap-up', { callId: id, dispositionCode: 'info_given' });

    const rows = outboxRows(cache.db);
    expect(rows.map((r) => r.name)).toEqual(['call.start', 'call.hold', 'call.resume', 'call.end', 'call.wrap_up']);
    expect(rows.map((r) => r.mutationId)).toEqual([1, 2, 3, 4, 5]);
    expect(rows.every((r) => r.args.callId === id && r.args.agentId === 'agent-ana')).toBe(true);
    expect(rows[0]?.args).toMatchObject({ customerId: zoe, source: 'manual', fromE164: null });
    expect(rows[2]?.args).toMatchObject({ holdMs: 5000 });
    expect(rows[3]?.args).toMatchObject({ talkMs: 10_000, holdMs: 5000 });
    expect(rows[4]?.args).toMatchObject({ dispositionCode: 'info_given', notes: null, talkMs: 10_000, holdMs: 5000, wrapUpMs: 5000, satisfaction: null });
  });

  it('takes a satisfaction answer only as a whole number from 1 to 5 (issue 22), at the desk and on the store', () => {
    const id = start().id;
    step('call:end', id);
    for (const bad of [0, 6, 3.5, '5', -1]) {
      const r = desk.call('call:wrap-up', { callId: id, dispositionCode: 'resolved', satisfaction: bad });
      expect(r, `satisfaction ${String(bad)}`).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'satisfaction' } });
    }
    expect(step('call:get', id).status).toBe('wrap_up');
    expect(desk.ok<CallState>('call:wrap-up', { callId: id, dispositionCode: 'resolved', satisfaction: 1 }).satisfaction).toBe(1);
    // The store parses pushed entries with the same schema: absent (older workstations) or null is no answer.
    const wrapUp = { callId: id, agentId: 'agent-ana', at: 1, dispositionCode: 'resolved', notes: null, talkMs: 0, holdMs: 0, wrapUpMs: 0 };
    const schema = MUTATION_SCHEMAS['call.wrap_up'][2];
    expect(schema.safeParse(wrapUp).success).toBe(true);
    expect(schema.safeParse({ ...wrapUp, satisfaction: null }).success).toBe(true);
    expect(schema.safeParse({ ...wrapUp, satisfaction: 5 }).success).toBe(true);
    for (const bad of [0, 6, 2.5, '3']) expect(schema.safeParse({ ...wrapUp, satisfaction: bad }).success, String(bad)).toBe(false);
  });

  it('attaches a customer identified (or created) during the call', () => {
    const id = start({ source: 'screen_pop', fromNumber: '+44 7700 900123' }).id;
    expect(step('call:get', id).customerId).toBeNull();
    const created = desk.ok<{ customerId: string }>('customer:create', { firstName: 'New', lastName: 'Caller', phone: '+44 7700 900123' });
    const attached = desk.ok<CallState>('call:attach-customer', { callId: id, customerId: created.customerId });
    expect(attached.customerId).toBe(created.customerId);
    expect(outboxRows(cache.db).map((r) => r.name)).toEqual(['call.start', 'customer.create', 'call.attach_customer']);
    expect(outboxRows(cache.db)[2]?.args).toMatchObject({ callId: id, customerId: created.customerId, previousCustomerId: null });

    // The same customer again changes nothing and queues nothing.
    const before = dumpWritable(cache.db);
    desk.ok('call:attach-customer', { callId: id, customerId: created.customerId });
    expect(dumpWritable(cache.db)).toEqual(before);
  });
});

describe('call lifecycle refuses what cannot happen, and writes nothing', () => {
  function expectRefused(channel: string, input: unknown, code: string, message?: RegExp, field?: string) {
    const before = dumpWritable(cache.db);
    const r = desk.call(channel, input);
    expect(r.ok, `${channel} should fail`).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
    if (message) expect(r.error.message).toMatch(message);
    if (field) expect(r.error.field).toBe(field);
    expect(dumpWritable(cache.db)).toEqual(before);
  }

  it('refuses invalid transitions with a conflict that says why', () => {
    const id = start().id;
    expectRefused('call:resume', { callId: id }, 'conflict', /not on hold/);
    expectRefused('call:wrap-up', { callId: id, dispositionCode: 'resolved' }, 'conflict', /End the call before/);
    step('call:hold', id);
    expectRefused('call:hold', { callId: id }, 'conflict', /already on hold/);
    step('call:end', id);
    expectRefused('call:end', { callId: id }, 'conflict', /already ended/);
    expectRefused('call:hold', { callId: id }, 'conflict', /has ended/);
    expectRefused('call:resume', { callId: id }, 'conflict', /has ended/);
    desk.ok('call:wrap-up', { callId: id, dispositionCode: 'resolved' });
    expectRefused('call:wrap-up', { callId: id, dispositionCode: 'resolved' }, 'conflict', /already wrapped up/);
    expectRefused('call:attach-customer', { callId: id, customerId: zoe }, 'conflict', /wrapped up/);
    expectRefused('call:end', { callId: id }, 'conflict', /already wrapped up/);
  });

  it('accepts only an active code from the configurable disposition list', () => {
    const id = start().id;
    step('call:end', id);
    expectRefused('call:wrap-up', { callId: id, dispositionCode: 'made_up' }, 'invalid_input', /not a wrap-up code/, 'dispositionCode');
    cache.db.$client.prepare(`UPDATE dispositions SET active = 0 WHERE code = 'callback'`).run();
    expectRefused('call:wrap-up', { callId: id, dispositionCode: 'callback' }, 'invalid_input', undefined, 'dispositionCode');
    expectRefused('call:wrap-up', { callId: id, dispositionCode: '' }, 'invalid_input', /Choose a wrap-up code/);
    expectRefused('call:wrap-up', { callId: id, dispositionCode: 'resolved', notes: 'x'.repeat(2001) }, 'invalid_input', /at most 2000/, 'notes');
    // A supervisor adds a code: it is usable at once.
    cache.db.$client.prepare(`INSERT INTO dispositions (code, label, sort) VALUES ('returns', 'Return arranged', 25)`).run();
    expect(desk.ok<CallState>('call:wrap-up', { callId: id, dispositionCode: 'returns', notes: 'x'.repeat(2000) }).status).toBe('completed');
  });

  it('keeps one unfinished call per agent, and hands it back after a restart', () => {
    const first = start({ source: 'manual', customerId: zoe }).id;
    expectRefused('call:start', { source: 'manual' }, 'conflict', /still on the call that started at \d\d:\d\d/);
    // After a restart the desk asks for the agent's open call and carries on with it.
    const restarted = testDesk(cache.db, { agentId: 'agent-ana', start: desk.clock.now + 5000 });
    expect(restarted.ok<{ call: CallState | null }>('call:current', {}).call).toMatchObject({ id: first, status: 'active' });
    // Another agent is not blocked by it and does not see it.
    const other = testDesk(cache.db, { agentId: 'agent-bo', start: desk.clock.now });
    expect(other.ok<{ call: CallState | null }>('call:current', {}).call).toBeNull();
    expect(other.ok<CallState>('call:start', { source: 'manual' }).agentId).toBe('agent-bo');
    step('call:end', first);
    expectRefused('call:start', { source: 'manual' }, 'conflict');
    desk.ok('call:wrap-up', { callId: first, dispositionCode: 'resolved' });
    expect(desk.ok<{ call: CallState | null }>('call:current', {}).call).toBeNull();
    expect(start().status).toBe('active');
  });

  it('refuses unknown calls and customers and bad sources', () => {
    const nobody = '00000000-0000-4000-8000-000000000000';
    expectRefused('call:get', { callId: nobody }, 'not_found', /not in the local cache/, 'callId');
    expectRefused('call:hold', { callId: nobody }, 'not_found');
    expectRefused('call:start', { source: 'manual', customerId: nobody }, 'not_found', undefined, 'customerId');
    expectRefused('call:start', { source: 'carrier_pigeon' }, 'invalid_input', undefined, 'source');
    expectRefused('call:start', { source: 'manual', fromNumber: '1'.repeat(41) }, 'invalid_input', /at most 40/);
    expectRefused('call:hold', { callId: 'not-a-uuid' }, 'invalid_input', /Not a call id/);
    const id = start().id;
    expectRefused('call:attach-customer', { callId: id, customerId: nobody }, 'not_found', undefined, 'customerId');
  });
});

describe('caller ids as phone systems send them (issue 19, item 3)', () => {
  it('records a screen-pop whose number cannot be read, keeping the number as received', () => {
    const call = start({ source: 'screen_pop', fromNumber: '12' });
    expect(call).toMatchObject({ status: 'active', fromE164: null, fromRaw: '12', source: 'screen_pop' });
    const [row] = outboxRows(cache.db);
    expect(row?.name).toBe('call.start');
    expect(row?.args).toMatchObject({ callId: call.id, fromE164: null, fromRaw: '12' });
    expect(cache.db.$client.prepare(`SELECT from_raw, from_e164 FROM calls WHERE id = ?`).get(call.id)).toEqual({ from_raw: '12', from_e164: null });
  });

  it('reads digits with a country code but no "+" as international, where the region cannot read them', () => {
    const us = testDesk(cache.db, { agentId: 'agent-us', defaultRegion: 'US' });
    const german = us.ok<CallState>('call:start', { source: 'screen_pop', fromNumber: '49300074321' });
    expect(german).toMatchObject({ fromE164: '+49300074321', fromRaw: '49300074321' });
    // A number the region reads keeps its national reading.
    const other = testDesk(cache.db, { agentId: 'agent-us2', defaultRegion: 'US' });
    expect(other.ok<CallState>('call:start', { source: 'screen_pop', fromNumber: '5550104477' }).fromE164).toBe('+15550104477');
  });
});

describe('a second screen-pop during a call (issue 19, item 2)', () => {
  type Current = { call: CallState | null; waiting: CallState[] };
  const current = () => desk.ok<Current>('call:current', {});

  it('records the new caller waiting on hold; the CSR finishes the first call, then takes the waiting one', () => {
    const first = start({ source: 'screen_pop', fromNumber: '020 7946 0958', customerId: zoe }).id;
    desk.clock.advance(30 * SECOND);
    const second = start({ source: 'screen_pop', fromNumber: '+44 7700 900999' });
    expect(second).toMatchObject({ status: 'on_hold', fromE164: '+447700900999' });
    expect(current().call?.id).toBe(first);
    expect(current().waiting.map((c) => c.id)).toEqual([second.id]);
    // Taking the waiting caller while still talking to the first is refused, with the reason.
    const refused = desk.call('call:resume', { callId: second.id });
    expect(!refused.ok && refused.error.message).toMatch(/put it on hold/);

    desk.clock.advance(30 * SECOND);
    step('call:end', first);
    expect(desk.call('call:resume', { callId: second.id }).ok).toBe(false); // wrap-up first
    desk.ok('call:wrap-up', { callId: first, dispositionCode: 'resolved' });
    expect(current()).toMatchObject({ call: { id: second.id, status: 'on_hold' }, waiting: [] });
    desk.clock.advance(5 * SECOND);
    const taken = step('call:resume', second.id);
    expect(taken.status).toBe('active');
    // The caller waited 35 s (the first call's last 30 s, then 5 s): hold time, not talk time.
    expect(taken.timings).toMatchObject({ talkMs: 0, holdMs: 35 * SECOND });
    const names = outboxRows(cache.db).filter((r) => r.args.callId === second.id).map((r) => r.name);
    expect(names).toEqual(['call.start', 'call.hold', 'call.resume']);
  });

  it('or puts the first caller on hold and takes the new one; both calls are kept to the end', () => {
    const first = start({ source: 'screen_pop', fromNumber: '020 7946 0958', customerId: zoe }).id;
    desk.clock.advance(10 * SECOND);
    const second = start({ source: 'screen_pop', fromNumber: 'unknown' }).id;
    step('call:hold', first);
    step('call:resume', second);
    expect(current()).toMatchObject({ call: { id: second, status: 'active', fromRaw: 'unknown', fromE164: null }, waiting: [{ id: first, status: 'on_hold' }] });
    step('call:end', second);
    desk.ok('call:wrap-up', { callId: second, dispositionCode: 'info_given' });
    expect(current()).toMatchObject({ call: { id: first, status: 'on_hold' }, waiting: [] });
    step('call:resume', first);
    step('call:end', first);
    desk.ok('call:wrap-up', { callId: first, dispositionCode: 'resolved' });
    expect(current()).toEqual({ call: null, waiting: [] });
    const completed = cache.db.$client.prepare(`SELECT COUNT(*) AS n FROM calls WHERE status = 'completed'`).get() as { n: number };
    expect(completed.n).toBe(2);
  });

  it('a call started by hand during a call is still refused', () => {
    start({ source: 'screen_pop', fromNumber: '020 7946 0958' });
    const r = desk.call('call:start', { source: 'manual', customerId: zoe });
    expect(!r.ok && r.error.code).toBe('conflict');
  });
});

describe('config:lists', () => {
  it('lists active dispositions and complaint categories in their configured order', () => {
    const lists = desk.ok<{ dispositions: { code: string; label: string }[]; complaintCategories: { code: string }[] }>('config:lists', {});
    expect(lists.dispositions.map((d) => d.code)).toEqual(['resolved', 'order_placed', 'info_given', 'complaint_logged', 'callback', 'escalated', 'wrong_number']);
    expect(lists.dispositions[0]).toEqual({ code: 'resolved', label: 'Resolved on this call' });
    expect(lists.complaintCategories.map((c) => c.code)).toEqual(['damaged', 'late', 'wrong_item', 'billing', 'service', 'quality', 'other']);
    cache.db.$client.prepare(`UPDATE complaint_categories SET active = 0 WHERE code = 'billing'`).run();
    cache.db.$client.prepare(`UPDATE dispositions SET sort = 1 WHERE code = 'wrong_number'`).run();
    const after = desk.ok<typeof lists>('config:lists', {});
    expect(after.complaintCategories.map((c) => c.code)).not.toContain('billing');
    expect(after.dispositions[0]?.code).toBe('wrong_number');
  });
});

describe('another agent’s call or offer (issue 18, item 8)', () => {
  it('only the agent who took a call steps it and answers its offers, unless their role may act for others', () => {
    const product = plantProduct(cache.db, { sku: 'LACE-1', name: 'Laces' });
    const carl = testDesk(cache.db, { agentId: 'carl', agentRole: 'csr', start: desk.clock.now });
    const dana = testDesk(cache.db, { agentId: 'dana', agentRole: 'csr', start: desk.clock.now });
    const sue = testDesk(cache.db, { agentId: 'sue', agentRole: 'supervisor', start: desk.clock.now });
    const call = carl.ok<CallState>('call:start', { source: 'manual', customerId: zoe });
    const offer = carl.ok<{ offer: { offerId: string } }>('offer:present', { customerId: zoe, callId: call.id, productId: product, kind: 'accessory', reason: 'Spare laces.' });
    const before = dumpWritable(cache.db);
    for (const [channel, input] of [
      ['call:hold', { callId: call.id }],
      ['call:end', { callId: call.id }],
      ['call:attach-customer', { callId: call.id, customerId: zoe }],
      ['offer:decide', { offerId: offer.offer.offerId, outcome: 'accepted' }],
    ] as const) {
      expect(dana.call(channel, input), channel).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(dumpWritable(cache.db)).toEqual(before);
    carl.ok('call:end', { callId: call.id });
    expect(dana.call('call:wrap-up', { callId: call.id, dispositionCode: 'resolved' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(outboxRows(cache.db).map((r) => r.name)).toEqual(['call.start', 'offer.present', 'call.end']);
    // A supervisor may, and the entries say so (their agent id).
    expect(sue.ok<{ outcome: string }>('offer:decide', { offerId: offer.offer.offerId, outcome: 'declined' }).outcome).toBe('declined');
    expect(sue.ok<CallState>('call:wrap-up', { callId: call.id, dispositionCode: 'resolved' }).status).toBe('completed');
  });
});
