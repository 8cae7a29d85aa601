/**
 * The renderer's one way to reach the core. In Electron the preload exposes `window.switchboard`;
 * in the browser host there is no preload, so the same `SwitchboardApi` is built over HTTP.
 * Every call resolves to a result envelope — failures are values, never thrown.
 */
import { apiMethods, contracts, type Channel, type ChannelInput, type ChannelOutput, type ScreenPop, type SwitchboardApi } from '../../../src-shared/contracts';
import { ERROR_CODES, type AppErrorShape, type ErrorCode, type Result } from '../../../src-shared/result';

const KNOWN_ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>(ERROR_CODES);

const failure = (code: ErrorCode, message: string): { ok: false; error: AppErrorShape } => ({ ok: false, error: { code, message } });

function asErrorShape(value: unknown): AppErrorShape | null {
  if (typeof value !== 'object' || value === null) return null;
  const { code, message, field } = value as Record<string, unknown>;
  if (typeof code !== 'string' || !KNOWN_ERROR_CODES.has(code) || typeof message !== 'string') return null;
  const shape: AppErrorShape = { code: code as ErrorCode, message };
  if (typeof field === 'string') shape.field = field;
  return shape;
}

/**
 * Reads a response body as a result envelope. The host answers with an envelope for every status
 * it controls (also 4xx/5xx); anything else (a proxy's HTML page, a cut-off body) becomes an error
 * a person can act on. Successful values are checked against the channel's output schema, so a
 * host and renderer from different builds fail with a message instead of a broken screen.
 */
async function readEnvelope<C extends Channel>(channel: C, response: Response): Promise<Result<ChannelOutput<C>>> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    if (response.status === 401 || response.status === 403) {
      return failure('forbidden_sender', 'This browser is not signed in to the host. Open the link the host printed (the one with ?key=).');
    }
    return failure('unavailable', `The host answered ${response.status} ${response.statusText} without a result. Try again; if it repeats, restart the host.`);
  }
  if (typeof body === 'object' && body !== null && 'ok' in body) {
    const envelope = body as { ok: unknown; value?: unknown; error?: unknown };
    if (envelope.ok === true) {
      const parsed = contracts[channel].output.safeParse(envelope.value);
      if (parsed.success) return { ok: true, value: parsed.data as ChannelOutput<C> };
      return failure('internal', `The host's answer to ${channel} does not match this screen's version. Reload the page; if it repeats, update the host.`);
    }
    if (envelope.ok === false) {
      const error = asErrorShape(envelope.error);
      if (error) return { ok: false, error };
    }
  }
  return failure('internal', `The host's answer to ${channel} was not understood (HTTP ${response.status}).`);
}

/** Reads `?from=` as a softphone writes it: a literal leading "+" is the international prefix, not a space. */
function readCallerFromUrl(search: string): string | null {
  const match = /(?:^\?|&)from=([^&]*)/.exec(search);
  if (!match || match[1] === undefined) return null;
  let value: string;
  try {
    value = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  // Form encoding turns spaces into "+"; an unencoded "+" in front is the "+44…" of a number.
  value = value.charAt(0) + value.slice(1).replace(/\+/g, ' ');
  value = value.trim();
  return value.length > 0 ? value : null;
}

function removeCallerFromUrl(): void {
  const url = new URL(window.location.href);
  url.searchParams.delete('from');
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
}

/** The `SwitchboardApi` over the browser host's `POST /rpc/<channel>` endpoint. */
export function createHttpBridge(): SwitchboardApi {
  async function call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>> {
    let response: Response;
    try {
      response = await fetch(`/rpc/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Switchboard-Bridge': '1' },
        credentials: 'same-origin',
        body: JSON.stringify(input),
      });
    } catch {
      return failure('unavailable', 'The Switchboard host is not reachable. Check that it is still running, then try again.');
    }
    return readEnvelope(channel, response);
  }

  // The caller number arrives once, in the URL the softphone opened. It is kept until a listener
  // has actually received it, so a listener that unsubscribes before delivery does not lose it.
  let pendingPop: ScreenPop | null = null;
  const from = readCallerFromUrl(window.location.search);
  if (from !== null) pendingPop = { from };

  const bridge = {
    // One named function per channel, each posting only to its own channel (built from the contracts).
    ...apiMethods(call),
    onScreenPop(listener) {
      let subscribed = true;
      if (pendingPop !== null) {
        // Delivered after subscribe returns, as an event from the preload would be.
        queueMicrotask(() => {
          if (!subscribed || pendingPop === null) return;
          const pop = pendingPop;
          pendingPop = null;
          listener(pop);
          removeCallerFromUrl();
        });
      }
      return () => {
        subscribed = false;
      };
    },
  } satisfies SwitchboardApi;
  return bridge;
}

let api: SwitchboardApi | null = null;

type RefusalListener = (error: AppErrorShape) => void;
const refusalListeners = new Set<RefusalListener>();

/**
 * Called whenever a channel is refused for want of a session (`unauthenticated`, `locked`): the
 * main process may have locked the screen or ended the session on its own, and the window should
 * find out now rather than at its next look. Returns the unsubscribe function.
 */
export function onSessionRefused(listener: RefusalListener): () => void {
  refusalListeners.add(listener);
  return () => refusalListeners.delete(listener);
}

const SESSION_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['unauthenticated', 'locked']);

/**
 * The same API with every call's answer looked at on the way back. A new object rather than a
 * Proxy: the preload's object comes through contextBridge, whose properties may not be redefined.
 * The auth channels are left out: a wrong password is `unauthenticated` too, and is no news.
 */
function watchRefusals(base: SwitchboardApi): SwitchboardApi {
  const watched: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(base) as [string, unknown][]) {
    if (typeof member !== 'function' || name === 'onScreenPop' || name.startsWith('auth')) {
      watched[name] = member;
      continue;
    }
    const call = member as (input: unknown) => Promise<Result<unknown>>;
    watched[name] = async (input: unknown) => {
      const result = await call(input);
      if (!result.ok && SESSION_REFUSALS.has(result.error.code)) {
        for (const listener of refusalListeners) listener(result.error);
      }
      return result;
    };
  }
  return watched as unknown as SwitchboardApi;
}

/** The API for this window: the preload's in Electron, the HTTP bridge in a browser. */
export function switchboard(): SwitchboardApi {
  api ??= watchRefusals(window.switchboard ?? createHttpBridge());
  return api;
}
