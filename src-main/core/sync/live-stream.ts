/**
 * LiveStream: follows the store's live stream (issue 4) while sync is online, and pokes the loop
 * when the store says something changed — and once after each reconnect, since pokes sent while
 * nobody listened are lost. A stream that ends or cannot open pokes too (the store may be gone: a
 * cycle finds out at once), then waits with backoff before opening again. A refused token is
 * settled or dropped as any refused token is (TokenKeeper).
 */
import { followPokes } from './poke-stream';
import { RETRY, retryDelayMs } from './retry-schedule';
import type { StoreResult } from './store-client';
import type { TokenKeeper } from './token-keeper';

export interface LiveStreamOptions {
  /** Opens the stream with `token` (StoreClient.openEvents). */
  open: (token: string, signal: AbortSignal) => Promise<StoreResult<Response>>;
  tokens: Pick<TokenKeeper, 'current' | 'settleWithNext' | 'drop'>;
  /** Whether the loop is online now, and a wait until it is (or the engine stops). */
  connection: { online: () => boolean; whenOnline: () => Promise<void> };
  /** Aborted when the engine stops. */
  stopSignal: AbortSignal;
  /** The store said something changed (or may have while nobody listened). */
  onPoke: () => void;
  random: () => number;
  retry?: { baseMs: number; capMs: number } | undefined;
}

export class LiveStream {
  constructor(private readonly options: LiveStreamOptions) {}

  /** Follows the stream until the engine stops. */
  async follow(): Promise<void> {
    const { tokens, connection, stopSignal, onPoke } = this.options;
    let failures = 0;
    while (!stopSignal.aborted) {
      if (!connection.online() || !tokens.current) {
        await connection.whenOnline();
        continue;
      }
      const token = tokens.current;
      const stream = new AbortController();
      const stop = () => stream.abort();
      stopSignal.addEventListener('abort', stop, { once: true });
      try {
        const opened = await this.options.open(token, stream.signal);
        if (opened.ok) {
          failures = 0;
          // Pokes sent while we were not listening are lost: pull once to catch up. Also on the
          // first connection: a change committed after the pull that ran before it (the last page of
          // a first copy answered "nothing more") poked nobody, and would wait for the 30-second round.
          onPoke();
          await followPokes(opened.value, { signal: stream.signal, onPoke });
        } else if (opened.failure.kind === 'auth' && tokens.current === token) {
          if (!(await tokens.settleWithNext(token))) tokens.drop(token); // the loop signs in again on its next request
        }
      } finally {
        stopSignal.removeEventListener('abort', stop);
      }
      if (stopSignal.aborted) return;
      // The stream ended or could not open: the store may be gone. A cycle finds out at once (and
      // the status says 'offline') rather than at the next 30-second round.
      onPoke();
      failures++;
      await this.pause(retryDelayMs(failures, this.options.random, this.options.retry ?? RETRY));
    }
  }

  /** Waits `ms`, or less if the engine stops. */
  private pause(ms: number): Promise<void> {
    const signal = this.options.stopSignal;
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
