/**
 * What every handle on one of the core's worker threads shares: the reader and writer
 * (core-process.ts), sync (sync/sync-thread.ts), the co-purchase miner
 * (suggestions/co-purchase-thread.ts) and the WAL checkpointer (db/checkpoint-thread.ts).
 *
 * - Starting: the thread opens its connection and says `ready`, or `fatal` with why it could not.
 *   `ready` resolves once it is ready, and rejects on `fatal`, or when the thread throws or ends
 *   before it is ready. The handle hears of every message, error and exit all the same.
 * - Stopping: the thread is asked to `close` (it finishes the step under way, closes its connection
 *   and says `closed`); if it has not within a grace period it is terminated. A transaction it was
 *   in the middle of is then rolled back by SQLite, so the cache stays consistent either way.
 *
 * Each handle keeps its own protocol (requests by id, status, figures) on top.
 */
import { writeFileSync } from 'node:fs';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { logger, setLogThread } from '../log/logger';

const log = logger('worker');

/** Messages from a worker: every protocol has `ready`, `fatal` and `closed` among them. */
export type WorkerMessage = { type: string };

export interface WorkerStart<From extends WorkerMessage> {
  /** What the thread is called in errors, e.g. "sync" ("The sync worker stopped while starting"). */
  name: string;
  workerFile: string | URL;
  workerData: unknown;
  resourceLimits?: ResourceLimits;
  /** Let the process (or thread) that started it end while it runs. */
  unref?: boolean;
  /** Every message, `ready` and `fatal` included (for what they carry). */
  onMessage?: (msg: From) => void;
  /** The thread threw (while starting, `ready` also rejects with the error). */
  onError?: (err: Error) => void;
  /** The thread ended, asked to or not; `wasReady`: it had said `ready`. */
  onExit?: (code: number, wasReady: boolean) => void;
}

export interface StartedWorker {
  worker: Worker;
  ready: Promise<void>;
}

export function startWorker<From extends WorkerMessage>(start: WorkerStart<From>): StartedWorker {
  const worker = new Worker(start.workerFile, { workerData: start.workerData, ...(start.resourceLimits ? { resourceLimits: start.resourceLimits } : {}) });
  if (start.unref) worker.unref();
  let wasReady = false;
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (msg: From) => {
      if (msg.type === 'ready') wasReady = true;
      start.onMessage?.(msg);
      if (msg.type === 'ready') resolve();
      if (msg.type === 'fatal') {
        const why = (msg as { message?: unknown }).message;
        reject(new Error(why === undefined ? `The ${start.name} worker could not start.` : String(why)));
      }
    });
    worker.on('error', (err) => {
      if (!wasReady) reject(err);
      start.onError?.(err);
    });
    worker.on('exit', (code) => {
      if (!wasReady) reject(new Error(`The ${start.name} worker stopped while starting (exit code ${code}).`));
      start.onExit?.(code, wasReady);
    });
  });
  // Whoever starts it awaits `ready`; a rejection nobody awaits (a stop during start) is not an error.
  ready.catch(() => undefined);
  return { worker, ready };
}

/**
 * Asks the worker to close, waits up to `graceMs` for its `closed` message, then terminates it and
 * waits for it to end. Resolves with the `closed` message, or null when none came in time. A thread
 * that had to be terminated is logged under `name`, so a slow close shows in the logs
 * (its connection is then closed by better-sqlite3's cleanup as the thread ends, and a transaction
 * it was in is rolled back).
 */
export async function stopWorker<From extends WorkerMessage>(worker: Worker, close: unknown, graceMs: number, name = 'worker'): Promise<From | null> {
  if (worker.threadId < 0) return null; // it has ended already
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let onMessage: ((msg: From) => void) | undefined;
  const closed = new Promise<From>((resolve) => {
    onMessage = (msg: From) => {
      if (msg.type === 'closed') resolve(msg);
    };
    worker.on('message', onMessage);
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), graceMs);
  });
  try {
    worker.postMessage(close);
    const answer = await Promise.race([closed, late.then(() => 'late' as const), exited.then(() => null)]);
    if (answer === 'late') {
      log.warn(`The ${name} thread did not close within ${graceMs} ms and was stopped.`);
      return null;
    }
    return answer;
  } finally {
    clearTimeout(timer);
    if (onMessage) worker.off('message', onMessage);
    await worker.terminate();
    await exited;
  }
}

/**
 * Names the calling thread where the OS lets a thread do so (Linux: /proc/thread-self/comm, at
 * most 15 characters), so `top -H`, `ps -L` and profilers tell the core's threads apart; every
 * thread of a Node process is otherwise called "node". Elsewhere, or if it cannot, nothing happens.
 * Its log lines carry the same name without the `sb-` prefix (`sb-sync` logs as `sync`), on
 * every platform.
 */
export function nameThisThread(name: string): void {
  setLogThread(name.replace(/^sb-/, ''));
  if (process.platform !== 'linux') return;
  try {
    writeFileSync('/proc/thread-self/comm', name.slice(0, 15));
  } catch {
    // an older kernel or a restricted /proc: the name is a convenience only
  }
}
