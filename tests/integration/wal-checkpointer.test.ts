/**
 * The WAL checkpointer thread (src-main/core/db/checkpoint-thread.ts and checkpoint-worker.ts):
 * the sync thread's commits are copied into the database file by another thread, the log still
 * starts over, and when the checkpointer cannot run the committing connection is told to take over.
 * Real worker threads and real cache files throughout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckpointThread } from '../../src-main/core/db/checkpoint-thread';
import { tempCache, type TempCache } from '../helpers/cache';

const CHECKPOINT_WORKER = fileURLToPath(new URL('../helpers/checkpoint-worker-ts.mjs', import.meta.url));

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

describe('the WAL checkpointer thread', () => {
  let cache: TempCache | undefined;
  let thread: CheckpointThread | undefined;
  afterEach(async () => {
    await thread?.stop();
    thread = undefined;
    cache?.cleanup();
    cache = undefined;
  });

  it('copies what another connection committed into the database file, and that connection then starts the log over', async () => {
    cache = tempCache();
    const writer = cache.db.$client;
    // The committing connection never checkpoints on its own here: whatever reaches the file was copied by the thread.
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE bulk (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)');
    const fileBefore = statSync(cache.file).size;
    const insert = writer.prepare('INSERT INTO bulk (payload) VALUES (?)');
    const batch = writer.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run(randomBytes(2048));
    });
    for (let i = 0; i < 8; i++) batch(1000); // ~16 MB in eight commits
    expect(statSync(cache.file).size).toBe(fileBefore);

    const lost: string[] = [];
    thread = new CheckpointThread({ workerFile: CHECKPOINT_WORKER, dbFile: cache.file, onLost: (why) => lost.push(why) });
    await thread.start();
    thread.wrote();
    expect(await until(() => statSync(cache!.file).size > fileBefore + 15 * 2 ** 20, 10_000)).toBe(true);

    // Stopping waits for a checkpoint under way to finish.
    const figures = await thread.stop();
    thread = undefined;
    expect(figures).not.toBeNull();
    expect(figures!.checkpoints).toBeGreaterThanOrEqual(1);
    expect(figures!.failures).toBe(0);
    // The thread copied the whole log: a checkpoint here finds nothing left to copy …
    const [row] = writer.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[];
    expect(row).toMatchObject({ busy: 0 });
    expect(row!.log).toBeGreaterThan(4000);
    expect(row!.checkpointed).toBe(row!.log);
    expect(figures!.framesCopied).toBe(row!.log);
    // … and the next commit writes at the start of the log again instead of after 16 MB of it.
    batch(1);
    const [after] = writer.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[];
    expect(after!.log).toBeLessThan(10);
    expect(lost).toEqual([]);
    expect(writer.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(writer.prepare('SELECT count(*) FROM bulk').pluck().get()).toBe(8001);
  });

  it('coalesces a burst of notices into a few checkpoints, not one each', async () => {
    cache = tempCache();
    const writer = cache.db.$client;
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE bulk (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)');
    writer.prepare('INSERT INTO bulk (payload) VALUES (?)').run(randomBytes(100_000));
    thread = new CheckpointThread({ workerFile: CHECKPOINT_WORKER, dbFile: cache.file, onLost: () => undefined });
    await thread.start();
    for (let i = 0; i < 500; i++) thread.wrote();
    await new Promise((r) => setTimeout(r, 300));
    const figures = await thread.stop();
    thread = undefined;
    expect(figures!.checkpoints).toBeGreaterThanOrEqual(1);
    expect(figures!.checkpoints).toBeLessThan(20);
  });

  it('that cannot open the cache says so, and the committing connection is told to checkpoint again', async () => {
    cache = tempCache();
    const lost: string[] = [];
    thread = new CheckpointThread({ workerFile: CHECKPOINT_WORKER, dbFile: join(cache.dir, 'missing.db'), onLost: (why) => lost.push(why) });
    await expect(thread.start()).rejects.toThrow();
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/could not open the cache/);
  });

  it('that stops without being asked is reported once', async () => {
    cache = tempCache();
    const lost: string[] = [];
    // A stand-in worker: says it is ready, then exits as a crashed one would.
    const dies = new URL(
      `data:text/javascript,${encodeURIComponent("import { parentPort } from 'node:worker_threads'; parentPort.postMessage({ type: 'ready' }); setTimeout(() => process.exit(3), 50);")}`,
    );
    thread = new CheckpointThread({ workerFile: dies, dbFile: cache.file, onLost: (why) => lost.push(why) });
    await thread.start();
    expect(await until(() => lost.length > 0, 5000)).toBe(true);
    thread.wrote(); // harmless once it is gone
    expect(lost).toEqual(['it stopped (exit code 3)']);
    expect(await thread.stop()).toBeNull();
  });
});
