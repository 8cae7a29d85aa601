/**
 * CoPurchaseMinerThread: starts the co-purchase miner in its own worker thread (see
 * co-purchase-worker.ts for why) and talks to it. Whoever owns the core starts it after the writer
 * has migrated the cache; it mines at once when the rules are stale. Sync calls `refresh()` after
 * it applies a batch of orders; the UI reads progress through the `suggestions:status` channel
 * (from cache_meta, so any connection can answer) or `status()` here.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker, stopWorker } from '../worker/worker-thread';
import { logger } from '../log/logger';
import type { CoPurchaseStatus } from '../../../src-shared/contracts/suggestions';
import type { MineSummary, MinerOptions } from './co-purchase-miner';

const log = logger('co-purchase');

export interface MinerWorkerConfig {
  dbFile: string;
  migrationsFolder: string;
  nativeBinding?: string | undefined;
  options?: Omit<MinerOptions, 'now'>;
  /** Mine at start when the rules are stale (default true). */
  runOnStart?: boolean;
  /** Runs closer together than this wait (default 60 s): the rules need not follow every sync batch. */
  minIntervalMs?: number;
  /** Lower this thread's CPU priority where the OS allows it per thread (Linux). Default true. */
  lowPriority?: boolean;
}

export type MinerToWorker = { type: 'run'; id: number } | { type: 'status'; id: number } | { type: 'close' };

export type MinerFromWorker =
  | { type: 'ready'; niceness: number | null }
  | { type: 'fatal'; message: string }
  | { type: 'ran'; id: number; summary: MineSummary; status: CoPurchaseStatus }
  | { type: 'status'; id: number; status: CoPurchaseStatus }
  | { type: 'error'; id: number; message: string }
  | { type: 'closed' };

export interface CoPurchaseMinerThreadOptions extends Omit<MinerWorkerConfig, 'minIntervalMs' | 'lowPriority'> {
  /** The worker script: out/main/co-purchase-worker.js when built; a tsx bootstrap in tests. */
  workerFile: string | URL;
  minIntervalMs?: number;
  lowPriority?: boolean;
}

type Reply = Extract<MinerFromWorker, { id: number }>;

export class CoPurchaseMinerThread {
  private worker: Worker | undefined;
  private started: Promise<void> | undefined;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private nextId = 1;
  /** The worker thread's nice value once started (null where it is not lowered). */
  niceness: number | null = null;

  constructor(private readonly options: CoPurchaseMinerThreadOptions) {}

  start(): Promise<void> {
    if (this.started) return this.started;
    const { workerFile, ...rest } = this.options;
    const config: MinerWorkerConfig = { minIntervalMs: 60_000, lowPriority: true, ...rest };
    const { worker, ready } = startWorker<MinerFromWorker>({
      name: 'co-purchase',
      workerFile,
      workerData: config,
      onMessage: (msg) => {
        if (msg.type === 'ready') {
          this.niceness = msg.niceness;
        } else if ('id' in msg) {
          const answer = this.pending.get(msg.id);
          this.pending.delete(msg.id);
          answer?.(msg);
        }
      },
      onError: (err) => log.error({ err }, 'the co-purchase worker failed'),
      onExit: () => {
        this.worker = undefined;
        for (const [id, answer] of this.pending) answer({ type: 'error', id, message: 'The co-purchase worker stopped.' });
        this.pending.clear();
      },
    });
    this.worker = worker;
    this.started = ready;
    return ready;
  }

  private async ask(type: 'run' | 'status'): Promise<Reply> {
    await this.start();
    const worker = this.worker;
    if (!worker) throw new Error('The co-purchase worker is not running.');
    const id = this.nextId++;
    return new Promise<Reply>((resolve) => {
      this.pending.set(id, resolve);
      worker.postMessage({ type, id } satisfies MinerToWorker);
    });
  }

  /** Counts orders that arrived since the last run and refreshes the rules; resolves when done. */
  async refresh(): Promise<{ summary: MineSummary; status: CoPurchaseStatus }> {
    const reply = await this.ask('run');
    if (reply.type === 'error') throw new Error(reply.message);
    if (reply.type !== 'ran') throw new Error(`Unexpected answer from the co-purchase worker: ${reply.type}`);
    return { summary: reply.summary, status: reply.status };
  }

  async status(): Promise<CoPurchaseStatus> {
    const reply = await this.ask('status');
    if (reply.type === 'error') throw new Error(reply.message);
    if (reply.type !== 'status') throw new Error(`Unexpected answer from the co-purchase worker: ${reply.type}`);
    return reply.status;
  }

  /** Stops at the next step boundary (the cache stays consistent; the run resumes next start). */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await stopWorker(worker, { type: 'close' } satisfies MinerToWorker, 2000, 'co-purchase miner');
  }
}
