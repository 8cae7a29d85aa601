import { describe, expect, it } from 'vitest';
import { LiveStream } from '../../src-main/core/sync/live-stream';

/** A stream that stays open (until aborted) and sends nothing: the store has nothing new to say. */
function silentStream(signal: AbortSignal): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(': connected\n\n'));
      signal.addEventListener('abort', () => controller.close(), { once: true });
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

describe('LiveStream', () => {
  it('pulls once as soon as the first connection opens: a change made before it listened poked nobody', async () => {
    const stop = new AbortController();
    let pokes = 0;
    let opened = 0;
    const live = new LiveStream({
      open: async (_token, signal) => {
        opened++;
        return { ok: true, value: silentStream(signal), serverTime: null };
      },
      tokens: { current: 'token', settleWithNext: async () => false, drop: () => undefined },
      connection: { online: () => true, whenOnline: async () => undefined },
      stopSignal: stop.signal,
      onPoke: () => {
        pokes++;
      },
      random: () => 0.5,
    });
    const following = live.follow();
    await expect.poll(() => opened).toBe(1);
    await expect.poll(() => pokes).toBe(1);
    stop.abort();
    await following;
  });
});
