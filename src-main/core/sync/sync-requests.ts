/**
 * SyncRequests: what the sync loop has been asked to do, and its doorbell. A local write (kick), a
 * poke from the live stream, `sync:now`, a reset, a check or stopping rings it; a reason that rings
 * while the loop is busy is kept as a flag, so the loop sees it when it next looks.
 */
export type WakeReason = 'kick' | 'poke' | 'now' | 'reset' | 'check' | 'stop' | 'timer';

export class SyncRequests {
  /** A local write was saved: push it (between pull pages if a pull is running). */
  kicked = false;
  /** The store said something changed. */
  poked = false;
  /** Someone asked to sync now. */
  nowRequested = false;
  /** Re-pull everything (the queued writes are kept). */
  resetRequested = false;
  /** The engine is stopping: every loop ends at its next await. */
  stopping = false;

  private wakeUp: ((reason: WakeReason) => void) | null = null;
  private wakeAccepts: ReadonlySet<WakeReason> = new Set();

  /** Waits `ms` or until one of `accepts` rings. Reasons that rang while busy were kept as flags. */
  sleep(ms: number, accepts: WakeReason[]): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => done('timer'), ms) : undefined;
      const done = (_reason: WakeReason) => {
        if (timer) clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      this.wakeAccepts = new Set(accepts);
      this.wakeUp = done;
    });
  }

  ring(reason: WakeReason): void {
    if (this.wakeUp && this.wakeAccepts.has(reason)) this.wakeUp(reason);
  }
}
