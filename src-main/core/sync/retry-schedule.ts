/**
 * When to try the central store again after a failure: exponential backoff with full jitter
 * (a random wait between 0 and min(cap, base·2^attempt)), so a fleet of workstations that lost the
 * store at the same moment does not come back at the same moment. 0.5 s doubling up to 30 s.
 */
export const RETRY = { baseMs: 500, capMs: 30_000 } as const;

export function retryDelayMs(failures: number, random: () => number = Math.random, limits: { baseMs: number; capMs: number } = RETRY): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  const ceiling = Math.min(limits.capMs, limits.baseMs * 2 ** exponent);
  return Math.round(random() * ceiling);
}

/**
 * Estimated time left for a snapshot, from the rate over the last pages (not since the start: the
 * first pages wait on a cold store, the later ones on bigger tables).
 */
export class SnapshotProgress {
  private readonly samples: { at: number; done: number }[] = [];

  constructor(private readonly window = 8) {}

  record(at: number, done: number): void {
    this.samples.push({ at, done });
    if (this.samples.length > this.window) this.samples.shift();
  }

  reset(): void {
    this.samples.length = 0;
  }

  etaMs(done: number, total: number): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at <= first.at || last.done <= first.done) return null;
    const perMs = (last.done - first.done) / (last.at - first.at);
    return Math.max(0, Math.round((total - done) / perMs));
  }
}
