import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plantCustomer, snapshotCounts, tempCache, type TempCache } from '../helpers/cache';
import { dumpWritable, outboxRows, testDesk, type TestDesk } from '../helpers/desk';
import type { CallState } from '../../src-shared/contracts/calls';

let cache: TempCache;
let desk: TestDesk;
let zoe: string;
let max: string;
const nobody = '00000000-0000-4000-8000-000000000000';

beforeEach(() => {
  cache = tempCache();
  zoe = plantCustomer(cache.db, { firstName: 'Zoë', lastName: 'Ångström' });
  max = plantCustomer(cache.db, { firstName: 'Max', lastName: 'Müller' });
  desk = testDesk(cache.db);
});
afterEach(() => cache.cleanup());

describe('note:add', () => {
  it('saves a note linked to the current call, with its outbox entry', () => {
    const call = desk.ok<CallState>('call:start', { source: 'manual', customerId: zoe });
    const note = desk.ok<{ noteId: string; createdAt: string }>('note:add', { customerId: zoe, callId: call.id, body: '  Prefers a call after 5pm.  ' });
    expect(note.createdAt).toBe(new Date(desk.clock.now).toISOString());
    const row = cache.db.$client.prepare(`SELECT customer_id, call_id, agent_id, body, created_at FROM notes WHERE id = ?`).get(note.noteId);
    expect(row).toEqual({ customer_id: zoe, call_id: call.id, agent_id: 'agent-ana', body: 'Prefers a call after 5pm.', created_at: desk.clock.now });
    expect(outboxRows(cache.db).at(-1)).toMatchObject({
      name: 'note.add',
      args: { noteId: note.noteId, customerId: zoe, callId: call.id, agentId: 'agent-ana', body: 'Prefers a call after 5pm.' },
    });
  });

  it('saves a note without a call, and one on a call whose caller was not identified yet', () => {
    desk.ok('note:add', { customerId: zoe, body: 'Walk-in at the store counter.' });
    const anonymous = desk.ok<CallState>('call:start', { source: 'screen_pop', fromNumber: '+44 7700 900999' });
    desk.ok('note:add', { customerId: zoe, callId: anonymous.id, body: 'Caller gave her name as Zoë.' });
    expect(snapshotCounts(cache.db).outbox).toBe(3);
    expect(cache.db.$client.prepare(`SELECT count(*) FROM notes WHERE customer_id = ?`).pluck().get(zoe)).toBe(2);
  });

  it('refuses over-long or empty notes, unknown customers and another customer’s call, writing nothing', () => {
    const maxCall = desk.ok<CallState>('call:start', { source: 'manual', customerId: max });
    const cases: [unknown, string, string][] = [
      [{ customerId: zoe, body: 'n'.repeat(4001) }, 'invalid_input', 'body'],
      [{ customerId: zoe, body: ' \n ' }, 'invalid_input', 'body'],
      [{ customerId: nobody, body: 'Hello' }, 'not_found', 'customerId'],
      [{ customerId: zoe, callId: nobody, body: 'Hello' }, 'not_found', 'callId'],
      [{ customerId: zoe, callId: maxCall.id, body: 'Hello' }, 'invalid_input', 'callId'],
      [{ customerId: 'zoe', body: 'Hello' }, 'invalid_input', 'customerId'],
      // Text the central store cannot hold is refused here, before the cache or the outbox has it (issue 18, item 3).
      [{ customerId: zoe, body: 'pasted\u0000text' }, 'invalid_input', 'body'],
      [{ customerId: zoe, body: 'broken \uD83D emoji' }, 'invalid_input', 'body'],
    ];
    for (const [input, code, field] of cases) {
      const before = dumpWritable(cache.db);
      const r = desk.call('note:add', input);
      expect(r, JSON.stringify(input).slice(0, 80)).toMatchObject({ ok: false, error: { code, field } });
      expect(dumpWritable(cache.db)).toEqual(before);
    }
    expect(desk.call('note:add', { customerId: zoe, body: 'n'.repeat(4000) }).ok).toBe(true);
  });
});
