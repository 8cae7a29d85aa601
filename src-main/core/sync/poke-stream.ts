/**
 * Reads the central store's live stream (GET /sync/events, server-sent events) and reports each
 * `poke`, which means "there is something new to pull". The store sends a `: keepalive` comment
 * every 15 s, so silence for longer than `idleMs` means the connection is dead even if TCP has not
 * noticed (a laptop that slept, a proxy that dropped it): the reader gives up and the engine
 * reconnects.
 */
import { POKE_EVENT, pokeEvent } from '../../../src-shared/contracts/sync-protocol';

export type PokeStreamEnd = 'ended' | 'idle' | 'aborted';

export interface PokeStreamOptions {
  /** Give up after this long without a byte (default 45 s: three missed keepalives). */
  idleMs?: number;
  signal: AbortSignal;
  onPoke(version: number): void;
}

/** Consumes `response.body` until the store closes it, it goes silent, or `signal` aborts. */
export async function followPokes(response: Response, options: PokeStreamOptions): Promise<PokeStreamEnd> {
  const body = response.body;
  if (!body) return 'ended';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const idleMs = options.idleMs ?? 45_000;
  let buffer = '';
  let idle = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const armIdle = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      void reader.cancel().catch(() => undefined);
    }, idleMs);
  };
  const onAbort = () => void reader.cancel().catch(() => undefined);
  options.signal.addEventListener('abort', onAbort, { once: true });
  armIdle();
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch {
        break; // reset by the peer or cancelled: the caller reconnects
      }
      if (chunk.done) break;
      armIdle();
      buffer += decoder.decode(chunk.value, { stream: true });
      // Events end with a blank line; accept \r\n as the SSE spec allows.
      buffer = buffer.replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = parseEvent(block);
        if (event?.name === POKE_EVENT) {
          const parsed = pokeEvent.safeParse(safeJson(event.data));
          options.onPoke(parsed.success ? parsed.data.version : 0);
        }
      }
    }
  } finally {
    if (timer) clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
  }
  if (options.signal.aborted) return 'aborted';
  return idle ? 'idle' : 'ended';
}

function parseEvent(block: string): { name: string; data: string } | null {
  let name = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue; // comments are keepalives
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 && name === 'message' ? null : { name, data: data.join('\n') };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
