/**
 * The sync worker thread lowers its own CPU priority (sync-worker.ts), so on a two-core
 * workstation a caller lookup on the reader thread gets a CPU ahead of the first copy (issue 4:
 * lookup p99 ≤ 20 ms during the initial sync). On Linux a nice value is per thread: the thread
 * that started it keeps normal priority.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultMigrationsFolder } from '../../src-main/core/db/open';
import { SyncThread } from '../../src-main/core/sync/sync-thread';
import { tempCache, type TempCache } from '../helpers/cache';

const SYNC_WORKER = fileURLToPath(new URL('../helpers/sync-worker-ts.mjs', import.meta.url));

/** The nice value in a /proc stat line: the 17th field after the command name. */
const niceOf = (stat: string): number => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);

/** Every thread of this process with its nice value. */
function threadNiceness(): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      nice.set(Number(tid), niceOf(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')));
    } catch {
      // the thread ended between listing and reading
    }
  }
  return nice;
}

const linux = process.platform === 'linux';
const callerNice = linux ? niceOf(readFileSync('/proc/thread-self/stat', 'utf8')) : 0;

// Skipped where a nice value is per process, and when the tests themselves run nicer than 10
// (a thread may not raise its own priority back without privileges).
describe.skipIf(!linux || callerNice > 10)('the sync worker thread', () => {
  let cache: TempCache | undefined;
  let thread: SyncThread | undefined;
  afterEach(async () => {
    await thread?.stop();
    cache?.cleanup();
  });

  it('runs at nice 10 while the thread that started it stays at normal priority', async () => {
    cache = tempCache();
    const before = threadNiceness();
    // No store listens there: the engine only retries, which is all this needs.
    thread = new SyncThread({
      dbFile: cache.file,
      migrationsFolder: defaultMigrationsFolder(),
      serverUrl: 'http://127.0.0.1:9',
      credentials: { kind: 'token', token: null },
      workerFile: SYNC_WORKER,
    });
    await thread.start();
    const started = [...threadNiceness()].filter(([tid]) => !before.has(tid)).map(([, nice]) => nice);
    expect(started).toContain(10);
    expect(niceOf(readFileSync('/proc/thread-self/stat', 'utf8'))).toBe(callerNice);
  });
});
