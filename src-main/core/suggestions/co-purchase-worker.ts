/**
 * The co-purchase miner's own worker thread, with its own connection to the cache.
 *
 * Why a thread of its own rather than the writer worker: counting pairs over millions of orders
 * takes seconds to minutes of CPU. In the writer it would sit between CSRs' saves (each step
 * blocks the writer's message loop); here it runs beside them on the other core, its reads never
 * block anyone (WAL), and it takes the write lock only for short transactions (one chunk of
 * counts, or a few thousand rules), which a CSR's save waits for at most a few milliseconds. On
 * Linux the thread also lowers its own CPU priority (nice 19 applies to the calling thread there),
 * so when cores are scarce the UI, reader and writer threads win.
 *
 * Messages: run (count new orders and refresh the rules; runs requested while one is under way
 * are coalesced into one more run), status, close. Runs closer together than `minIntervalMs` wait:
 * sync may ask after every batch, the rules need not follow every order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getPriority, setPriority } from 'node:os';
import { openCache, type WritableDb } from '../db/open';
import { CoPurchaseMiner, createCoPurchaseStatusQuery, type MineSummary } from './co-purchase-miner';
import type { MinerFromWorker, MinerToWorker, MinerWorkerConfig } from './co-purchase-thread';
import { nameThisThread } from '../worker/worker-thread';
import { logger } from '../log/logger';

const port = parentPort;
if (!port) throw new Error('co-purchase-worker must run as a worker thread');
const config = workerData as MinerWorkerConfig;
nameThisThread('sb-co-purchase');
const log = logger('co-purchase');
const send = (msg: MinerFromWorker) => port.postMessage(msg);

let niceness: number | null = null;
if (config.lowPriority && process.platform === 'linux') {
  // pid 0 = the calling thread on Linux (elsewhere it would be the whole process: not done there).
  try {
    setPriority(0, 19);
    niceness = getPriority(0);
  } catch {
    niceness = null; // not permitted in this sandbox: run at normal priority
  }
}

let db: WritableDb;
try {
  db = openCache(config.dbFile, { migrationsFolder: config.migrationsFolder, nativeBinding: config.nativeBinding });
} catch (e) {
  send({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}
// Counts and rules are derived data, and each chunk's counts commit together with the watermark:
// losing the last commits to a power cut (what NORMAL risks in WAL mode, unlike FULL) only means
// counting those orders again. It saves an fsync per short transaction.
db.$client.pragma('synchronous = NORMAL');
// A full count reads every order and line once, in order: nothing is read twice, so neither a
// memory map nor a big page cache helps it. Through the 256 MiB map every connection has
// (applyPragmas) each page it read stayed in the process's resident memory: measured on 1,000,000
// customers (5 M orders), the process peaked at 536–538 MB during a full count with it, 283 MB
// without the map and 229 MB with an 8 MiB page cache as well, in the same 33 s (BENCHMARKS.md,
// S14). This is the app's memory right after a first copy, when the miner counts every order.
db.$client.pragma('mmap_size = 0');
db.$client.pragma('cache_size = -8192');
const miner = new CoPurchaseMiner(db, config.options ?? {});
const status = createCoPurchaseStatusQuery(db);

class ClosingError extends Error {}

let running = false;
let closing = false;
let waiting: number[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;
let lastFinished = 0;

async function runOnce(): Promise<void> {
  running = true;
  const ids = waiting;
  waiting = [];
  let summary: MineSummary | undefined;
  let error: string | undefined;
  try {
    // Between steps: let messages in, and stop at a step boundary when asked to close.
    summary = await miner.run(() => new Promise<void>((resolve, reject) => setImmediate(() => (closing ? reject(new ClosingError()) : resolve()))));
  } catch (e) {
    if (e instanceof ClosingError) return;
    error = e instanceof Error ? e.message : String(e);
    log.error({ err: e }, 'the co-purchase run failed');
  }
  lastFinished = Date.now();
  running = false;
  if (closing) return;
  const st = status();
  for (const id of ids) send(error === undefined ? { type: 'ran', id, summary: summary!, status: st } : { type: 'error', id, message: error });
  if (waiting.length > 0) schedule();
}

function schedule(): void {
  if (running || timer || closing) return;
  const wait = Math.max(0, lastFinished + (config.minIntervalMs ?? 0) - Date.now());
  timer = setTimeout(() => {
    timer = undefined;
    void runOnce();
  }, wait);
}

port.on('message', (msg: MinerToWorker) => {
  switch (msg.type) {
    case 'run':
      waiting.push(msg.id);
      schedule();
      break;
    case 'status':
      send({ type: 'status', id: msg.id, status: status() });
      break;
    case 'close':
      closing = true;
      if (timer) clearTimeout(timer);
      // An unfinished run leaves the cache consistent (every step commits on its own); it resumes next start.
      db.$client.close();
      send({ type: 'closed' });
      break;
  }
});

send({ type: 'ready', niceness });
if (config.runOnStart !== false && miner.plan() !== 'none') {
  waiting.push(0);
  schedule();
}
