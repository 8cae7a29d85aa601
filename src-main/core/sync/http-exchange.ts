/**
 * One HTTP request to the central store and its whole answer, as bytes, over node:http or
 * node:https (by the URL's scheme), for StoreClient's JSON routes.
 *
 * Not fetch(): a pull page is a megabyte or more, ~3,800 of them in a first copy of 19 M rows, and
 * fetch's body (a web stream, then one concatenated ArrayBuffer) cost the sync thread several ms
 * more per page than collecting node's own chunks (measured on a 1.1 MB page: ~5 ms against 7–14
 * ms of CPU per request, both read as ASCII). The live stream (GET /sync/events) stays on fetch.
 *
 * Sockets are kept alive between requests by node's global agent (the default since Node 19), and
 * idle ones do not hold the process or thread open. `signal` aborts the request at any point,
 * headers or body; a connection that closes before the whole body arrived is an error, never a
 * short body.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface ExchangeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers: Record<string, string>;
  /** JSON text, sent as UTF-8. */
  body?: string;
  signal: AbortSignal;
}

export interface ExchangeAnswer {
  status: number;
  /** The Date header, or null. */
  date: string | null;
  bytes: Buffer;
}

export class ConnectionClosedError extends Error {
  override name = 'ConnectionClosedError';
  constructor() {
    super('the connection closed before the whole answer arrived');
  }
}

export function exchange(url: string, init: ExchangeRequest): Promise<ExchangeAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const payload = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
    const headers = payload === undefined ? init.headers : { ...init.headers, 'content-length': String(payload.length) };
    const request = send(target, { method: init.method, headers, signal: init.signal }, (response: IncomingMessage) => {
      const parts: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        parts.push(chunk);
        size += chunk.length;
      });
      response.on('end', () => {
        const date = response.headers.date;
        resolve({ status: response.statusCode ?? 0, date: typeof date === 'string' ? date : null, bytes: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size) });
      });
      response.on('error', reject);
      response.on('close', () => {
        if (!response.complete) reject(new ConnectionClosedError());
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
}
