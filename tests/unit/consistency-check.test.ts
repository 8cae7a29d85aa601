/**
 * The consistency check (src-main/core/sync/consistency-check.ts) on its own, with stand-ins for
 * the push loop, the puller and both sides' checksums: it compares only once the outbox is empty
 * and the cache has pulled up to the store's version, names the tables that differ for a re-pull,
 * and answers a refused check as skipped without taking sync offline.
 */
import { describe, expect, it } from 'vitest';
import type { ChecksumsResponse } from '../../src-shared/contracts/sync-protocol';
import { SYNC_TABLE_NAMES, type SyncTableName } from '../../src-shared/sync/tables';
import { ConsistencyCheck } from '../../src-main/core/sync/consistency-check';
import { CycleFailure } from '../../src-main/core/sync/cycle-failure';
import type { StoreFailure, StoreResult } from '../../src-main/core/sync/store-client';

const STORE_ID = '3f6c1d2e-8a4b-4c5d-9e6f-1a2b3c4d5e6f';
const same = (table: SyncTableName) => ({ count: table.length, sum: String(table.length * 7) });

interface Setup {
  pending?: number[];
  /** The store's version at each checksums request. */
  storeVersions?: number[];
  pulledVersion?: number;
  local?: (table: SyncTableName) => { count: number; sum: string };
  failure?: StoreFailure;
}

function checkWith(setup: Setup) {
  const calls = { push: 0, pull: 0, checksums: 0 };
  const repulled: SyncTableName[][] = [];
  const pending = [...(setup.pending ?? [0])];
  const versions = [...(setup.storeVersions ?? [5])];
  let pulled = setup.pulledVersion ?? 5;
  const check = new ConsistencyCheck({
    pushAll: async () => {
      calls.push++;
    },
    pullToEnd: async () => {
      calls.pull++;
      pulled = Math.max(pulled, calls.pull >= 2 ? 9 : pulled);
    },
    pendingWrites: () => (pending.length > 1 ? (pending.shift() as number) : (pending[0] ?? 0)),
    pulledVersion: () => pulled,
    storeChecksums: async (): Promise<StoreResult<ChecksumsResponse>> => {
      calls.checksums++;
      if (setup.failure) return { ok: false, failure: setup.failure };
      const version = versions.length > 1 ? (versions.shift() as number) : (versions[0] ?? 0);
      return { ok: true, value: { storeId: STORE_ID, version, tables: Object.fromEntries(SYNC_TABLE_NAMES.map((t) => [t, same(t)])) as ChecksumsResponse['tables'] }, serverTime: null };
    },
    localChecksum: setup.local ?? same,
    repull: (tables) => repulled.push(tables),
    now: () => 1_000,
  });
  return { check, calls, repulled };
}

describe('the consistency check', () => {
  it('matches when every table has the same count and sum, and asks for no re-pull', async () => {
    const { check, calls, repulled } = checkWith({});
    const result = await check.compareWithStore();
    expect(result.match).toBe(true);
    expect(result.skipped).toBeNull();
    expect(result.tables.map((t) => t.table)).toEqual([...SYNC_TABLE_NAMES]);
    expect(repulled).toEqual([[]]);
    expect(calls).toEqual({ push: 1, pull: 1, checksums: 1 });
  });

  it('names a table whose sum differs and hands it to the re-pull', async () => {
    const odd = SYNC_TABLE_NAMES[1] as SyncTableName;
    const { check, repulled } = checkWith({ local: (t) => (t === odd ? { ...same(t), sum: '1' } : same(t)) });
    const result = await check.compareWithStore();
    expect(result.match).toBe(false);
    expect(result.repulling).toEqual([odd]);
    expect(result.tables.find((t) => t.table === odd)?.match).toBe(false);
    expect(repulled).toEqual([[odd]]);
  });

  it('compares only once the cache has pulled up to the store’s version', async () => {
    const { check, calls } = checkWith({ storeVersions: [9], pulledVersion: 5 });
    const result = await check.compareWithStore();
    expect(result.match).toBe(true);
    expect(calls.pull).toBe(2);
    expect(calls.checksums).toBe(2);
  });

  it('says to check again when this workstation’s writes are still being sent', async () => {
    const { check, calls } = checkWith({ pending: [2] });
    const result = await check.compareWithStore();
    expect(result.skipped).toMatch(/still being sent/);
    expect(result.match).toBe(false);
    expect(calls.push).toBe(3);
    expect(calls.checksums).toBe(0);
  });

  it('answers a check the store refuses as skipped, and sync goes on', async () => {
    const { check } = checkWith({ failure: { kind: 'transient', status: 429, code: 'rate_limited', message: 'Checked a moment ago.' } });
    const answer = check.wait();
    expect(check.waiting).toBe(true);
    await check.answerWaiting();
    const result = await answer;
    expect(result.skipped).toMatch(/Checked a moment ago/);
    expect(check.lastCheck).toEqual(result);
    expect(check.waiting).toBe(false);
  });

  it('ends the cycle when the store cannot be reached, answering the waiters first', async () => {
    const { check } = checkWith({ failure: { kind: 'transient', status: null, code: 'network', message: 'connect ECONNREFUSED' } });
    const answer = check.wait();
    await expect(check.answerWaiting()).rejects.toBeInstanceOf(CycleFailure);
    expect((await answer).skipped).toMatch(/could not finish/);
  });
});
