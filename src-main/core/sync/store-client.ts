/**
 * StoreClient: the workstation's HTTP client for the central store (issue 4). Every response is
 * parsed with the shared zod contracts (src-shared/contracts/sync-protocol.ts, server-auth.ts) —
 * pull pages' rows with checkPullPage (src-shared/sync/pull-page-check.ts), which is faster and
 * stricter than zod per cell — and every failure comes back as a value the sync engine can act on
 * without guessing:
 *
 * - `transient`: the store could not be reached or could not answer now (network error, timeout,
 *   5xx, 408/429). Retry later with backoff; nothing is wrong with what we sent.
 * - `auth`: 401. The token expired or was revoked (sign in again), or the credentials were refused.
 * - `permanent`: any other 4xx, or a body that does not match the contract. Retrying the same
 *   request will not help; the caller decides (a refused cursor means "start over").
 *
 * Every request has a bounded timeout (its own timer), combined with the engine's stop signal
 * so quitting never waits for a slow store.
 */
import { isAscii } from 'node:buffer';
import { z } from 'zod';
import { loginResponse, serverError, workstationTokenResponse, type LoginResponse, type WorkstationRef, type WorkstationTokenResponse } from '../../../src-shared/contracts/server-auth';
import { workstationAuditResponse, type WorkstationAuditRequest, type WorkstationAuditResponse } from '../../../src-shared/contracts/admin';
import {
  checksumsResponse,
  protocolMismatchMessage,
  pushResponse,
  type ChecksumsResponse,
  type PullRequest,
  type PullResponse,
  type PushRequest,
  type PushResponse,
} from '../../../src-shared/contracts/sync-protocol';
import { checkPullPage } from '../../../src-shared/sync/pull-page-check';
import { exchange, type ExchangeAnswer } from './http-exchange';

export type StoreFailureKind = 'transient' | 'auth' | 'permanent';

export interface StoreFailure {
  kind: StoreFailureKind;
  /** The HTTP status, or null when no response came (network error, timeout). */
  status: number | null;
  /** The store's error code (src-shared/result.ts codes) or a local one: network, timeout, bad_response. */
  code: string;
  /** A sentence for the status line. */
  message: string;
}

export type StoreResult<T> = { ok: true; value: T; /** The store's clock from the Date header, or null. */ serverTime: number | null } | { ok: false; failure: StoreFailure };

/** Per-request limits: generous enough for a 5,000-row page or a full checksum scan on a busy store, never unbounded. */
export const STORE_TIMEOUTS_MS = {
  login: 15_000,
  push: 30_000,
  pull: 60_000,
  /** Counting and hashing every table can take minutes on a store with millions of rows. */
  checksums: 300_000,
  /** Until the live stream's response headers arrive; then the idle timeout applies. */
  eventsConnect: 15_000,
  /** Until an export's response headers arrive (the store checks the caller and opens its cursor); the body then takes as long as it takes. */
  downloadConnect: 60_000,
} as const;

export interface StoreClientOptions {
  /** e.g. http://127.0.0.1:5179 (no trailing slash needed). */
  serverUrl: string;
  /** Aborts every request in flight when the engine stops. */
  stopSignal?: AbortSignal;
  timeouts?: Partial<Record<keyof typeof STORE_TIMEOUTS_MS, number>>;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Reads an envelope's `value` as a T, or says in a sentence why it is not one. */
type ResponseReader<T> = (value: unknown) => Parsed<T>;

function zodReader<T extends z.ZodType>(schema: T): ResponseReader<z.infer<T>> {
  return (value) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return { ok: true, value: parsed.data };
    const issue = parsed.error.issues[0];
    return { ok: false, message: protocolMismatchMessage(issue ? issue.path.join('.') : '', issue?.message ?? 'invalid') };
  };
}

function parseEnvelope<T>(read: ResponseReader<T>, body: unknown): Parsed<T> {
  if (typeof body !== 'object' || body === null || (body as { ok?: unknown }).ok !== true) {
    return { ok: false, message: 'The central store answered without a result.' };
  }
  return read((body as { value?: unknown }).value);
}

/** Status → kind. 408 and 429 are the store asking us to come back later. */
export function classifyStatus(status: number): StoreFailureKind {
  if (status === 401) return 'auth';
  if (status >= 500 || status === 408 || status === 429) return 'transient';
  return 'permanent';
}

export class StoreClient {
  readonly serverUrl: string;
  private readonly timeouts: { [K in keyof typeof STORE_TIMEOUTS_MS]: number };

  constructor(private readonly options: StoreClientOptions) {
    this.serverUrl = normalizeServerUrl(options.serverUrl);
    this.timeouts = { ...STORE_TIMEOUTS_MS, ...options.timeouts };
  }

  /**
   * With `workstation`, the store registers this workstation and answers with its sync token too.
   * `workstationToken`: the token this workstation holds, proving it is the one that registered
   * the id (issue 18); without it only an admin's sign-in registers an existing id again.
   * `workstationNextToken`: the one it made for its next renewal, proof too (a renewal whose
   * answer was lost left that one current on the store).
   */
  login(
    username: string,
    password: string,
    workstation?: WorkstationRef,
    timeoutMs: number = this.timeouts.login,
    workstationToken?: string | null,
    workstationNextToken?: string | null,
  ): Promise<StoreResult<LoginResponse>> {
    const body = {
      username,
      password,
      ...(workstation ? { workstation } : {}),
      ...(workstation && workstationToken ? { workstationToken } : {}),
      ...(workstation && workstationNextToken ? { workstationNextToken } : {}),
    };
    return this.request('POST', '/auth/login', null, body, zodReader(loginResponse), timeoutMs);
  }

  /**
   * Renews the workstation token `token` with the one whose SHA-256 is `nextTokenHash`, made and
   * kept by this workstation beforehand: asking again with the same one is safe (issue 18).
   */
  renewWorkstationToken(token: string, nextTokenHash: string): Promise<StoreResult<WorkstationTokenResponse>> {
    return this.request('POST', '/workstation/token', token, { nextTokenHash }, zodReader(workstationTokenResponse), this.timeouts.login);
  }

  /** Ends a user's session on the store. */
  logout(token: string, timeoutMs: number = 5_000): Promise<StoreResult<unknown>> {
    return this.request('POST', '/auth/logout', token, {}, zodReader(z.unknown()), timeoutMs);
  }

  /** Any other JSON route, answered in the store's envelope and parsed with `schema`. */
  send<T extends z.ZodType>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, token: string, body: unknown, schema: T, timeoutMs: number = 15_000): Promise<StoreResult<z.infer<T>>> {
    return this.request(method, path, token, body, zodReader(schema), timeoutMs);
  }

  pull(token: string, body: PullRequest): Promise<StoreResult<PullResponse>> {
    return this.request('POST', '/sync/pull', token, body, checkPullPage, this.timeouts.pull);
  }

  push(token: string, body: PushRequest): Promise<StoreResult<PushResponse>> {
    return this.request('POST', '/sync/push', token, body, zodReader(pushResponse), this.timeouts.push);
  }

  /** Sign-in events recorded while offline, for the store's audit log (idempotent by event id). */
  reportAudit(token: string, body: WorkstationAuditRequest): Promise<StoreResult<WorkstationAuditResponse>> {
    return this.request('POST', '/workstation/audit', token, body, zodReader(workstationAuditResponse), this.timeouts.push);
  }

  checksums(token: string): Promise<StoreResult<ChecksumsResponse>> {
    return this.request('GET', '/sync/checksums', token, undefined, zodReader(checksumsResponse), this.timeouts.checksums);
  }

  /**
   * Opens the live stream (GET /sync/events). Resolves with the response once its headers arrive
   * (its body is the event stream), or with a failure. `signal` ends the stream.
   */
  async openEvents(token: string, signal: AbortSignal): Promise<StoreResult<Response>> {
    // The connect timeout must not outlive the headers: the stream itself stays open for as long
    // as the store keeps it (the caller watches for silence between keepalives).
    const connect = new AbortController();
    const timer = setTimeout(() => connect.abort(new DOMException('The live stream did not open in time.', 'TimeoutError')), this.timeouts.eventsConnect);
    let response: Response;
    try {
      response = await fetch(`${this.serverUrl}/sync/events`, {
        method: 'GET',
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        signal: AbortSignal.any([signal, connect.signal, ...this.stopSignals()]),
      });
    } catch (e) {
      return { ok: false, failure: networkFailure(e) };
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) return { ok: false, failure: await failureFrom(response) };
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('text/event-stream')) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: false, failure: { kind: 'permanent', status: response.status, code: 'bad_response', message: `The central store's live stream is not an event stream (${type || 'no content type'}).` } };
    }
    return { ok: true, value: response, serverTime: dateHeader(response) };
  }

  /**
   * Asks for a download (POST with a JSON body; e.g. an export's CSV). Resolves with the response
   * once its headers arrive (its body is the file, read by the caller), or with the store's
   * refusal read from its JSON envelope. `signal` abandons it.
   */
  async openDownload(path: string, token: string, body: unknown, signal?: AbortSignal): Promise<StoreResult<Response>> {
    const connect = new AbortController();
    const timer = setTimeout(() => connect.abort(new DOMException('The central store did not start the download in time.', 'TimeoutError')), this.timeouts.downloadConnect);
    let response: Response;
    try {
      response = await fetch(`${this.serverUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, accept: 'text/csv, application/json', 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.any([connect.signal, ...(signal ? [signal] : []), ...this.stopSignals()]),
      });
    } catch (e) {
      return { ok: false, failure: networkFailure(connect.signal.reason ?? e) };
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) return { ok: false, failure: await failureFrom(response) };
    return { ok: true, value: response, serverTime: dateHeader(response) };
  }

  private stopSignals(): AbortSignal[] {
    return this.options.stopSignal ? [this.options.stopSignal] : [];
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    token: string | null,
    body: unknown,
    read: ResponseReader<T>,
    timeoutMs: number,
  ): Promise<StoreResult<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let answer: ExchangeAnswer;
    // One controller aborted by our own timer or the stop signal. (Not AbortSignal.any over
    // AbortSignal.timeout: the composite holds its sources weakly, and a timeout signal nothing
    // else references can be collected before it fires, leaving a request to a silent store
    // waiting for ever — seen in the fault-injection test.)
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new DOMException(`No answer within ${timeoutMs} ms.`, 'TimeoutError')), timeoutMs);
    const stop = this.options.stopSignal;
    const onStop = () => abort.abort(stop?.reason);
    if (stop?.aborted) onStop();
    stop?.addEventListener('abort', onStop, { once: true });
    try {
      // The body is read under the same timeout: a store that sends headers and then stalls is unreachable too.
      answer = await exchange(`${this.serverUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: abort.signal,
      });
    } catch (e) {
      return { ok: false, failure: networkFailure(abort.signal.reason ?? e) };
    } finally {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
    }
    const text = decodeBody(answer.bytes);
    const serverTime = dateFrom(answer.date);
    if (answer.status < 200 || answer.status > 299) return { ok: false, failure: failureFromBody(answer.status, text) };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, failure: { kind: 'permanent', status: answer.status, code: 'bad_response', message: `The central store answered ${path} with something that is not JSON.` } };
    }
    const parsed = parseEnvelope(read, json);
    if (!parsed.ok) return { ok: false, failure: { kind: 'permanent', status: answer.status, code: 'bad_response', message: parsed.message } };
    return { ok: true, value: parsed.value, serverTime };
  }
}

const utf8 = new TextDecoder();

/**
 * A response body as text, exactly as fetch's `response.text()` would give it (UTF-8, a leading
 * BOM dropped, malformed bytes replaced), but a body that is all ASCII (the store writes pull pages
 * in ASCII, see server/src/sync/pull-repository.ts) is copied byte for byte instead of going through
 * the UTF-8 decoder: measured on a 1.1 MB page of order lines, decoding cost ~4 ms of CPU, the
 * copy ~0.3 ms. An initial copy of 19 M rows reads ~3,800 such pages on the sync thread.
 */
export function decodeBody(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return isAscii(buffer) ? buffer.toString('latin1') : utf8.decode(buffer);
}

/** Accepts http(s) URLs only; drops a trailing slash so paths join cleanly. */
export function normalizeServerUrl(raw: string): string {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`The central store's address must start with http:// or https://, not "${raw}".`);
  return url.toString().replace(/\/+$/, '');
}

function dateHeader(response: Response): number | null {
  return dateFrom(response.headers.get('date'));
}

function dateFrom(date: string | null): number | null {
  if (!date) return null;
  const ms = Date.parse(date);
  return Number.isFinite(ms) ? ms : null;
}

async function failureFrom(response: Response): Promise<StoreFailure> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The status alone still classifies it.
  }
  return failureFromBody(response.status, text);
}

export function failureFromBody(status: number, text: string): StoreFailure {
  const kind = classifyStatus(status);
  let code = `http_${status}`;
  let message = `The central store answered HTTP ${status}.`;
  try {
    const parsed = serverError.safeParse(JSON.parse(text));
    if (parsed.success) {
      code = parsed.data.error.code;
      message = parsed.data.error.message;
    }
  } catch {
    // Not an envelope (a proxy's error page, say): keep the status-based message.
  }
  return { kind, status, code, message };
}

export function networkFailure(e: unknown): StoreFailure {
  const name = (e as { name?: string } | null)?.name;
  if (name === 'TimeoutError') return { kind: 'transient', status: null, code: 'timeout', message: 'The central store did not answer in time.' };
  if (name === 'AbortError') return { kind: 'transient', status: null, code: 'aborted', message: 'The request to the central store was stopped.' };
  // fetch() puts the system error in `cause`; node:http (http-exchange.ts) throws it as it is.
  const cause = (e as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = (e as { code?: unknown } | null)?.code;
  const detail = cause?.code ?? cause?.message ?? (typeof code === 'string' ? code : e instanceof Error ? e.message : String(e));
  return { kind: 'transient', status: null, code: 'network', message: `The central store cannot be reached (${detail}).` };
}
