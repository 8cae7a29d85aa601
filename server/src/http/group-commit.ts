/**
 * Group commit (issue 23): requests that each need a durable write hand their item to one
 * GroupCommit, which writes all the items waiting at that moment with one `write` call — one
 * transaction, one commit, one fdatasync for all of them — and then settles each request with its
 * own answer. Nothing is answered before the write that holds it has returned (committed); when
 * the write throws, every item of that batch is rejected with that error (never a partial answer).
 *
 * There is no artificial wait: a batch is written on the next turn of the event loop after its
 * first item arrived (or after `windowMs`, when set), and while one batch is being written the
 * items arriving meanwhile gather for the next one. The more requests wait on the commit, the
 * bigger the batches; one request alone is written at once. Batches are bounded by item count and
 * bytes.
 */

export interface GroupCommitOptions {
  /** At most this many items a batch. */
  maxItems?: number;
  /** At most about this many bytes a batch (by `sizeOf`); a single larger item still goes alone. */
  maxBytes?: number;
  /** 0: write on the next turn of the event loop; else wait this long after the first item for more. */
  windowMs?: number;
  /** Batches written at the same time (each on its own connection). */
  maxInFlight?: number;
}

export const GROUP_COMMIT_DEFAULTS: Required<GroupCommitOptions> = { maxItems: 200, maxBytes: 8 * 1024 * 1024, windowMs: 0, maxInFlight: 1 };

/** Each item's answer, in the order of the items; an Error is thrown to that item's caller alone. */
export type BatchWrite<I, A> = (items: readonly I[]) => Promise<readonly (A | Error)[]>;

interface Waiting<I, A> {
  item: I;
  size: number;
  resolve: (answer: A) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<I, A> {
  private readonly options: Required<GroupCommitOptions>;
  private queue: Waiting<I, A>[] = [];
  private scheduled = false;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  /** Batches written and items in them (tests and the bench read these). */
  readonly stats = { batches: 0, items: 0, failedBatches: 0, largestBatch: 0 };

  constructor(
    private readonly write: BatchWrite<I, A>,
    private readonly sizeOf: (item: I) => number = () => 0,
    options: GroupCommitOptions = {},
  ) {
    this.options = { ...GROUP_COMMIT_DEFAULTS, ...options };
  }

  /** Resolves with the item's answer once the batch holding it has been written. */
  submit(item: I): Promise<A> {
    return new Promise<A>((resolve, reject) => {
      this.queue.push({ item, size: this.sizeOf(item), resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once nothing is queued or being written. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.flush();
    };
    if (this.options.windowMs > 0) setTimeout(run, this.options.windowMs);
    else setImmediate(run);
  }

  private flush(): void {
    if (this.queue.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length && n < this.options.maxItems) {
      const size = this.queue[n]!.size;
      if (n > 0 && bytes + size > this.options.maxBytes) break;
      bytes += size;
      n++;
    }
    const batch = this.queue.splice(0, n);
    this.inFlight++;
    this.stats.batches++;
    this.stats.items += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    void this.writeBatch(batch).finally(() => {
      this.inFlight--;
      if (this.queue.length > 0) {
        // What arrived while this batch was written has waited already: it goes on the next turn
        // (after the requests whose bytes are in by then have joined it), without the window.
        if (!this.scheduled) {
          this.scheduled = true;
          setImmediate(() => {
            this.scheduled = false;
            this.flush();
          });
        }
      } else if (this.inFlight === 0) {
        for (const wake of this.idleWaiters.splice(0)) wake();
      }
    });
    // Room for another batch at the same time: the rest of the queue may go now too.
    if (this.queue.length > 0) this.schedule();
  }

  private async writeBatch(batch: Waiting<I, A>[]): Promise<void> {
    let answers: readonly (A | Error)[];
    try {
      answers = await this.write(batch.map((w) => w.item));
      if (answers.length !== batch.length) throw new Error(`group commit: ${answers.length} answers for ${batch.length} items`);
    } catch (e) {
      this.stats.failedBatches++;
      for (const w of batch) w.reject(e);
      return;
    }
    batch.forEach((w, i) => {
      const answer = answers[i]!;
      if (answer instanceof Error) w.reject(answer);
      else w.resolve(answer);
    });
  }
}
