/**
 * SyncThread answers `sync:status` from the status its thread last published, so the window never
 * waits behind a page being applied or an index being built. After a write the published status
 * is out of date: the thread is asked, and when it is busy the last status comes back after a
 * short wait with each unseen write counted as pending (never "all synced" while it waits).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { STALE_STATUS_AFTER_MS, SyncThread } from '../../src-main/core/sync/sync-thread';
import type { SyncStatus } from '../../src-shared/contracts/sync';
import type { Result } from '../../src-shared/result';

const WORKER = new URL('../helpers/busy-sync-worker.mjs', import.meta.url);
let thread: SyncThread | undefined;

function start(): SyncThread {
  thread = new SyncThread({ workerFile: WORKER, dbFile: ':unused:', migrationsFolder: ':unused:', serverUrl: 'http://127.0.0.1:1', credentials: { kind: 'token', token: null } });
  return thread;
}

async function status(t: SyncThread): Promise<{ status: SyncStatus; ms: number }> {
  const started = performance.now();
  const r = (await t.call('sync:status', {})) as Result<SyncStatus>;
  if (!r.ok) throw new Error(r.error.message);
  return { status: r.value, ms: performance.now() - started };
}

const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
};

afterEach(async () => {
  await thread?.stop();
  thread = undefined;
});

describe('SyncThread status', () => {
  it('after a write, answers from the thread when it is free: the write is counted', async () => {
    const t = start();
    await t.start();
    await until(async () => (await status(t)).status.pendingWrites === 0);
    t.kick();
    const after = await status(t);
    expect(after.status.pendingWrites).toBe(1);
  });

  it('after a write while the thread is busy, answers within a moment from the last status, counting the write as pending', async () => {
    const t = start();
    await t.start();
    await until(async () => (await status(t)).status.pendingWrites === 0);
    // The thread blocks for 3 s (as for an index build); a write is saved meanwhile.
    const busy = t.call('sync:now', { busyMs: 3_000 });
    t.kick();
    const during = await status(t);
    expect(during.status.pendingWrites).toBe(1);
    expect(during.ms).toBeGreaterThanOrEqual(STALE_STATUS_AFTER_MS - 20);
    expect(during.ms).toBeLessThan(2_000);
    // More polls while it is busy share the one question already waiting for the thread.
    const more = await Promise.all([status(t), status(t), status(t)]);
    for (const m of more) expect(m.status.pendingWrites).toBe(1);
    // Two more writes while it is still busy: each is counted.
    t.kick();
    t.kick();
    const three = await status(t);
    expect(three.status.pendingWrites).toBe(3);
    await busy;
    // Once free, the thread's own count answers (and is current again: at once).
    await until(async () => (await status(t)).ms < STALE_STATUS_AFTER_MS / 2);
    const later = await status(t);
    expect(later.status.pendingWrites).toBe(3);
    expect(later.ms).toBeLessThan(STALE_STATUS_AFTER_MS);
    // Questions that reached the thread: one per new kick count (two), plus the first poll of the
    // test when it came before the thread's first published status. Not one per poll (six).
    expect(Number(/\d+/.exec(later.status.lastError ?? '')?.[0])).toBeLessThanOrEqual(3);
  });
});
