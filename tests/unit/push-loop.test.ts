/**
 * The push loop (src-main/core/sync/push-loop.ts) on its own: a real outbox in a temp cache, and a
 * stand-in store that settles ids in order as the central store does (the next id is applied, any
 * other is not looked at) and can refuse a request whole. What the loop does with each answer —
 * renumber for a store that lost this workstation's ids, move entries above ids the store settled
 * for other writes, set aside the one entry a store refuses to take — without a store or sync engine.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushOutcome, PushRequest, PushResponse } from '../../src-shared/contracts/sync-protocol';
import { CycleFailure } from '../../src-main/core/sync/cycle-failure';
import { PushLoop } from '../../src-main/core/sync/push-loop';
import { PushQueue } from '../../src-main/core/sync/push-queue';
import type { StoreResult } from '../../src-main/core/sync/store-client';
import { tempCache, type TempCache } from '../helpers/cache';

const T0 = Date.UTC(2026, 2, 10, 9, 0, 0);

let cache: TempCache;
let queue: PushQueue;
let logged: string[];

beforeEach(() => {
  cache = tempCache('switchboard-push-loop-');
  queue = new PushQueue(cache.db.$client);
  logged = [];
});

afterEach(() => cache.cleanup());

/** Queues note writes under the given mutation ids. */
function queued(...ids: number[]): void {
  const insert = cache.db.$client.prepare(`INSERT INTO outbox (mutation_id, client_id, name, args, schema_version, created_at) VALUES (?, 'ws', 'note.add', ?, 2, ?)`);
  for (const id of ids) insert.run(id, JSON.stringify({ n: id }), T0 + id);
}

/** A store that has settled this workstation's writes up to `last`. */
function store(last: number, refuse: (body: PushRequest) => boolean = () => false) {
  const requests: number[][] = [];
  const push = async (body: PushRequest): Promise<StoreResult<PushResponse>> => {
    requests.push(body.mutations.map((m) => m.id));
    if (refuse(body)) return { ok: false, failure: { kind: 'permanent', status: 400, code: 'bad_request', message: 'That write is malformed.' } };
    const results: PushOutcome[] = body.mutations.map((m) => {
      if (m.id !== last + 1) return { id: m.id, status: 'not_applied' };
      last++;
      return { id: m.id, status: 'applied' };
    });
    return { ok: true, value: { lastMutationId: last, results }, serverTime: null };
  };
  return { push, requests, last: () => last };
}

function loop(push: (body: PushRequest) => Promise<StoreResult<PushResponse>>): PushLoop {
  return new PushLoop({ outbox: queue, push, clientId: 'ws', now: () => T0, log: (m) => logged.push(m) });
}

describe('the push loop', () => {
  it('delivers the queue in id order and leaves it empty', async () => {
    queued(1, 2, 3);
    const s = store(0);
    await loop(s.push).pushAll();
    expect(s.requests).toEqual([[1, 2, 3]]);
    expect(queue.count()).toBe(0);
    expect(s.last()).toBe(3);
  });

  it('renumbers the queue to follow on from a store that never saw its ids (a new store at the same address)', async () => {
    queued(10, 11, 12);
    const s = store(3);
    await loop(s.push).pushAll();
    expect(s.requests).toEqual([
      [10, 11, 12],
      [4, 5, 6],
    ]);
    expect(queue.count()).toBe(0);
    expect(s.last()).toBe(6);
    expect(logged.some((m) => m.includes('expects write #4 next') && m.includes('by -6'))).toBe(true);
  });

  it('moves writes above the ids the store settled for other writes (a cache restored from an older copy)', async () => {
    queued(2, 3);
    let last = 3;
    const requests: number[][] = [];
    const push = async (body: PushRequest): Promise<StoreResult<PushResponse>> => {
      requests.push(body.mutations.map((m) => m.id));
      const results: PushOutcome[] = body.mutations.map((m) => {
        if (m.id <= 3) return { id: m.id, status: 'id_reused' };
        last = m.id;
        return { id: m.id, status: 'applied' };
      });
      return { ok: true, value: { lastMutationId: last, results }, serverTime: null };
    };
    await loop(push).pushAll();
    expect(requests).toEqual([
      [2, 3],
      [4, 5],
    ]);
    expect(queue.count()).toBe(0);
    expect(queue.rejections()).toEqual([]);
  });

  it('sets aside the one write a store refuses to take, and the others still go', async () => {
    queued(1, 2, 3);
    const s = store(0, (body) => body.mutations.some((m) => m.id === 2 && m.args !== null && (m.args as { n: number }).n === 2));
    await loop(s.push).pushAll();
    expect(s.requests[0]).toEqual([1, 2, 3]);
    expect(queue.count()).toBe(0);
    // The entries after the refused one follow on from the store's last id.
    expect(s.last()).toBe(2);
    const refused = queue.rejections();
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ mutationId: 2, code: 'bad_request' });
  });

  it('ends the cycle when the store stops part-way through a batch without saying why', async () => {
    queued(1, 2, 3);
    const push = async (): Promise<StoreResult<PushResponse>> => ({ ok: true, value: { lastMutationId: 1, results: [{ id: 1, status: 'applied' }] }, serverTime: null });
    const failure = await loop(push)
      .pushAll()
      .then(() => null, (e: unknown) => e);
    expect(failure).toBeInstanceOf(CycleFailure);
    expect((failure as CycleFailure).failure.code).toBe('conflict');
    expect(queue.count()).toBe(2);
  });

  it('ends the cycle with the failure when the store cannot be reached, keeping the queue', async () => {
    queued(1);
    const push = async (): Promise<StoreResult<PushResponse>> => ({ ok: false, failure: { kind: 'transient', status: null, code: 'network', message: 'connect ECONNREFUSED' } });
    await expect(loop(push).pushAll()).rejects.toBeInstanceOf(CycleFailure);
    expect(queue.count()).toBe(1);
  });
});
