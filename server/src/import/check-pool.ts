/**
 * Checking rows in parallel (issue 23, import speed): the phone library and the contracts cost most
 * of an import's CPU, so the CLI checks rows on worker threads while the main thread reads the file
 * and writes to PostgreSQL. Rows go in chunks; each chunk's results come back as a promise, and the
 * import takes them in file order (the source-id de-duplication and the batches stay sequential).
 * Without workers (tests, the store's route) the same interface checks inline.
 */
import { Worker } from 'node:worker_threads';
import type { CountryCode } from 'libphonenumber-js/max';
import { checkCustomerRow } from './customer-row';

export type CheckResult = ReturnType<typeof checkCustomerRow>;

export interface RowChecker {
  check(rows: Record<string, string>[]): Promise<CheckResult[]>;
  /** Chunks in flight before the reader waits (bounds memory). */
  readonly depth: number;
  close(): Promise<void>;
}

export function inlineChecker(region: CountryCode): RowChecker {
  return {
    check: (rows) => Promise.resolve(rows.map((fields) => checkCustomerRow(fields, region))),
    depth: 0,
    close: () => Promise.resolve(),
  };
}

/**
 * One checking worker. Run from TypeScript (tsx, as `npm run import` is), the worker loads
 * check-worker.ts through tsx's API: loader hooks are not inherited by worker threads.
 */
function startWorker(region: CountryCode): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const entry = new URL('./check-worker.ts', import.meta.url).href;
    const api = import.meta.resolve('tsx/esm/api');
    const boot = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}));`;
    return new Worker(boot, { eval: true, workerData: { region } });
  }
  return new Worker(new URL('./check-worker.js', import.meta.url), { workerData: { region } });
}

/**
 * `size` worker threads, each loading check-worker (TypeScript run through tsx, as the CLI is: the
 * workers inherit the process's `--import tsx`). Chunks go round-robin.
 */
export function workerChecker(region: CountryCode, size: number): RowChecker {
  const workers = Array.from({ length: size }, () => startWorker(region));
  const waiting = new Map<number, { resolve(r: CheckResult[]): void; reject(e: Error): void }>();
  let next = 0;
  let failed: Error | null = null;
  for (const w of workers) {
    w.on('message', (m: { id: number; results: CheckResult[] }) => {
      const p = waiting.get(m.id);
      waiting.delete(m.id);
      p?.resolve(m.results);
    });
    w.on('error', (e) => {
      failed = e;
      for (const p of waiting.values()) p.reject(e);
      waiting.clear();
    });
  }
  return {
    depth: size * 2,
    check(rows) {
      if (failed) return Promise.reject(failed);
      const id = next++;
      return new Promise<CheckResult[]>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        workers[id % size]!.postMessage({ id, rows });
      });
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
