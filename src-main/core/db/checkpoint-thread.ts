/**
 * CheckpointThread: the sync thread's handle on the WAL checkpointer (checkpoint-worker.ts).
 *
 * While it runs, the sync connection raises its own auto-checkpoint to a backstop
 * (BACKSTOP_AUTOCHECKPOINT_PAGES) and tells the checkpointer after every commit; if the checkpointer
 * cannot start or stops, the connection goes back to checkpointing itself (`onLost`). Either way
 * the log is copied back and started over: nothing about the file's safety depends on this thread.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker, stopWorker } from '../worker/worker-thread';

export interface CheckpointWorkerConfig {
  dbFile: string;
  nativeBinding?: string | undefined;
}

export type CheckpointToWorker = { type: 'wrote' } | { type: 'close' };

export interface CheckpointFigures {
  /** PASSIVE checkpoints run. */
  checkpoints: number;
  /** Log frames (pages) copied into the database file. */
  framesCopied: number;
  /** Time spent in them, ms. */
  ms: number;
  failures: number;
}

export type CheckpointFromWorker = { type: 'ready' } | { type: 'fatal'; message: string } | { type: 'closed'; figures: CheckpointFigures };

/**
 * The sync connection's auto-checkpoint while the checkpointer runs: ~400 MB of log (4 KiB pages).
 * The checkpointer copies frames as they are committed, but the log only starts over once a
 * checkpoint has copied all of it between two commits, which a copy committing page after page
 * seldom leaves time for. At this size the sync connection checkpoints the (by then small) rest
 * itself, and the log starts over, so the file next to the cache stays bounded.
 */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 100_000;

export interface CheckpointThreadOptions extends CheckpointWorkerConfig {
  /** out/main/checkpoint-worker.js when built; a tsx bootstrap in tests. */
  workerFile: string | URL;
  /** The checkpointer stopped without being asked (or never started): checkpoint on the committing connection again. */
  onLost: (why: string) => void;
}

export class CheckpointThread {
  private worker: Worker | undefined;
  private ready = false;
  private stopping = false;
  private lost = false;

  constructor(private readonly options: CheckpointThreadOptions) {}

  /** Resolves once the checkpointer's connection is open; rejects (and calls onLost) if it cannot start. */
  start(): Promise<void> {
    const { workerFile, onLost: _onLost, ...config } = this.options;
    const { worker, ready } = startWorker<CheckpointFromWorker>({
      name: 'checkpointer',
      workerFile,
      workerData: config satisfies CheckpointWorkerConfig,
      // The checkpointer never keeps the sync thread alive on its own.
      unref: true,
      onMessage: (msg) => {
        if (msg.type === 'ready') this.ready = true;
        else if (msg.type === 'fatal') this.loseIt(`it could not open the cache: ${msg.message}`);
      },
      onError: (e) => this.loseIt(`it failed: ${e.message}`),
      onExit: (code) => {
        this.worker = undefined;
        this.ready = false;
        if (!this.stopping) this.loseIt(`it stopped (exit code ${code})`);
      },
    });
    this.worker = worker;
    return ready;
  }

  /** Pages were committed: checkpoint them soon. Never waits, never throws. */
  wrote(): void {
    if (this.ready && !this.stopping) this.worker?.postMessage({ type: 'wrote' } satisfies CheckpointToWorker);
  }

  /** Closes the checkpointer's connection (a checkpoint under way finishes first); its figures, or null if it was not running. */
  async stop(): Promise<CheckpointFigures | null> {
    this.stopping = true;
    const worker = this.worker;
    if (!worker) return null;
    const closed = await stopWorker<CheckpointFromWorker>(worker, { type: 'close' } satisfies CheckpointToWorker, 5000, 'checkpointer');
    return closed?.type === 'closed' ? closed.figures : null;
  }

  private loseIt(why: string): void {
    if (this.lost || this.stopping) return;
    this.lost = true;
    this.ready = false;
    this.options.onLost(why);
  }
}
