/**
 * LIVE `GET /sync/events`: server-sent events telling a workstation there is something new to
 * pull. Every change-feed poke becomes `event: poke` with `{"version":N}` on every open stream
 * (N is a change-log version at or after the change, 0 when the poke did not say); a burst of
 * pokes is coalesced to at most one event per POKE_INTERVAL_MS per stream, the first sent at
 * once. A `: keepalive` comment every KEEPALIVE_MS keeps proxies from closing an idle stream, and
 * at each one the workstation token is checked again, so a replaced token loses its stream.
 * At most MAX_LIVE_STREAMS streams are open, and at most MAX_LIVE_STREAMS_PER_WORKSTATION of them
 * per workstation (more: 429 rate_limited; the workstation keeps pulling on its timer).
 *
 * On PostgreSQL (and PGlite) the route also LISTENs on the change-log trigger's channel, so writes
 * made by other processes (imports, a second server) poke too.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { POKE_EVENT } from '../../../src-shared/contracts/sync-protocol';
import { bearerToken } from '../auth/guard';
import { findWorkstationByToken } from '../auth/workstations';
import { HttpError } from '../http/errors';

export const POKE_INTERVAL_MS = 50;
export const KEEPALIVE_MS = 15_000;
export const MAX_LIVE_STREAMS = 200;
/**
 * Open streams one workstation may hold. It needs one; a few more cover a reconnect that arrives
 * before the server has seen the old stream go. Without a limit one workstation's token could take
 * every place and leave the other workstations to polling (issue 18, item 16).
 */
export const MAX_LIVE_STREAMS_PER_WORKSTATION = 4;
/** The channel the change-log trigger notifies (server/drizzle/0002_change_log_triggers.sql). */
export const CHANGE_CHANNEL = 'sb_changes';

export interface LiveRouteOptions {
  maxStreams?: number;
  maxStreamsPerWorkstation?: number;
  keepaliveMs?: number;
  pokeIntervalMs?: number;
}

/** One open event stream and its coalescing state. */
class PokeStream {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private pendingVersion: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private waitingForDrain = false;
  private closed = false;

  constructor(
    private readonly reply: FastifyReply,
    private readonly intervalMs: number,
  ) {}

  poke(version: number): void {
    if (this.closed) return;
    this.pendingVersion = Math.max(this.pendingVersion ?? 0, version);
    if (this.timer || this.waitingForDrain) return;
    const wait = this.lastSentAt + this.intervalMs - performance.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  comment(text: string): void {
    if (!this.closed && !this.waitingForDrain) this.write(`: ${text}\n\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.reply.raw.end();
  }

  private flush(): void {
    this.timer = undefined;
    if (this.closed || this.pendingVersion === null) return;
    const version = this.pendingVersion;
    this.pendingVersion = null;
    this.lastSentAt = performance.now();
    this.write(`event: ${POKE_EVENT}\ndata: ${JSON.stringify({ version })}\n\n`);
  }

  private write(text: string): void {
    // A slow reader: hold further pokes (they only say "pull") until the socket drains.
    if (this.reply.raw.write(text)) return;
    this.waitingForDrain = true;
    this.reply.raw.once('drain', () => {
      this.waitingForDrain = false;
      if (this.pendingVersion !== null) this.poke(this.pendingVersion);
    });
  }
}

export function registerLiveRoute(app: FastifyInstance, options: LiveRouteOptions = {}): void {
  const maxStreams = options.maxStreams ?? MAX_LIVE_STREAMS;
  const maxPerWorkstation = options.maxStreamsPerWorkstation ?? MAX_LIVE_STREAMS_PER_WORKSTATION;
  /** Open streams per workstation id (the guard's `request.workstation`). */
  const perWorkstation = new Map<string, number>();
  const keepaliveMs = options.keepaliveMs ?? KEEPALIVE_MS;
  const pokeIntervalMs = options.pokeIntervalMs ?? POKE_INTERVAL_MS;
  const streams = new Set<PokeStream>();
  let stopListening: (() => Promise<void>) | undefined;

  app.addHook('onReady', async () => {
    if (!app.store.listen) return;
    try {
      stopListening = await app.store.listen(CHANGE_CHANNEL, () => app.changeFeed.poke());
    } catch (e) {
      // Live updates from this process still work; other writers are only picked up by polling.
      app.log.warn({ err: e }, `cannot LISTEN ${CHANGE_CHANNEL}: only this process's own writes will poke`);
    }
  });
  // Open streams would keep the HTTP server from closing: end them before it waits for them.
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.close();
    streams.clear();
    perWorkstation.clear();
  });
  app.addHook('onClose', async () => {
    const stop = stopListening;
    stopListening = undefined;
    await stop?.().catch((e: unknown) => app.log.warn({ err: e }, `stopping LISTEN ${CHANGE_CHANNEL} failed`));
  });

  app.get('/sync/events', async (request: FastifyRequest, reply: FastifyReply) => {
    if (streams.size >= maxStreams) {
      throw new HttpError('unavailable', 'Too many live connections are open; pull every 30 seconds instead and try again later.');
    }
    const owner = request.workstation?.id;
    if (owner !== undefined && (perWorkstation.get(owner) ?? 0) >= maxPerWorkstation) {
      throw new HttpError(
        'rate_limited',
        `This workstation already has ${maxPerWorkstation} live connections open: close one (or wait for the server to see it gone) before opening another; pulling every 30 seconds goes on meanwhile.`,
      );
    }
    const token = bearerToken(request);
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // HEAD (Fastify's twin of this GET) has no body: the headers are the whole answer. Without
    // ending it here Node would hold the headers back, waiting for a body that never comes.
    if (request.method === 'HEAD') {
      reply.raw.end();
      return;
    }
    const stream = new PokeStream(reply, pokeIntervalMs);
    streams.add(stream);
    if (owner !== undefined) perWorkstation.set(owner, (perWorkstation.get(owner) ?? 0) + 1);
    stream.comment('connected');

    const unsubscribe = app.changeFeed.subscribe((version) => stream.poke(version));
    const keepalive = setInterval(() => {
      stream.comment('keepalive');
      if (token === undefined) return;
      findWorkstationByToken(app.store.db, token, app.clock()).then(
        (workstation) => {
          if (!workstation) stream.close();
        },
        (e: unknown) => request.log.warn({ err: e }, 'live stream: the workstation token check failed; keeping the stream'),
      );
    }, keepaliveMs);
    let released = false;
    const cleanup = () => {
      clearInterval(keepalive);
      unsubscribe();
      streams.delete(stream);
      if (owner !== undefined && !released) {
        released = true;
        const left = (perWorkstation.get(owner) ?? 1) - 1;
        if (left > 0) perWorkstation.set(owner, left);
        else perWorkstation.delete(owner);
      }
      stream.close();
    };
    // The response's 'close' (not the request's, which fires once its body is read) is the client going away.
    reply.raw.once('close', cleanup);
    if (reply.raw.destroyed) cleanup();
  });
}
