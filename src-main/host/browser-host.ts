/**
 * The browser host: the same core (CoreProcess, the same handler table and contracts) serving the
 * built renderer to a browser on 127.0.0.1. It stands in for Electron where none can start (no
 * display, no Electron binary) and is what the end-to-end tests drive.
 *
 * Security: bound to loopback; every request must carry this run's secret (as a cookie derived
 * from it and named for this host's port, set when the user opens the printed URL); the Host header must name us (DNS rebinding); RPC needs a custom
 * header and JSON (no simple cross-site POST can reach it); the same strict CSP as the app.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { clientErrorResponse } from '../../src-shared/http-client-error';
import { fail, type Result } from '../../src-shared/result';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/security/csp';
import { logger } from '../core/log/logger';

const log = logger('browser-host');

export { CONTENT_SECURITY_POLICY };

/**
 * The cookie a host sets when its printed URL is opened (issue 18, item 17). Its name carries the
 * host's port, so two hosts open in one browser (the two-workstation demo) keep a cookie each
 * (cookies are shared across ports of one name); its value is derived from the key (an HMAC), so
 * the key itself never goes to another service on 127.0.0.1 that reads cookies for that name.
 */
export function cookieFor(port: number, secret: string): { name: string; value: string } {
  return { name: `sb_host_${port}`, value: createHmac('sha256', secret).update('switchboard browser host cookie').digest('base64url') };
}

/** A percent-decoded path, or null when its encoding is broken (a `%` not followed by two hex digits, say). */
function decodedPath(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}
const MAX_BODY = 64 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface RpcTarget {
  call(channel: string, input: unknown): Promise<Result<unknown>>;
}

export interface BrowserHostOptions {
  core: RpcTarget;
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Loopback only unless told otherwise. */
  hostname?: string;
  secret?: string;
  /**
   * The command that started this host and printed its address ("npm start" or "npm run host"):
   * a page left open from an earlier run is told where this run's address is (issue 19, item 12).
   */
  launchedBy?: string;
}

/** What a browser without this run's key is told: the address, and which terminal printed it. */
export function keyRefusal(launchedBy: string, wrongKey: boolean): string {
  const why = wrongKey ? 'This address carries the key of another run of this host' : 'This browser has not opened this run\'s address yet';
  return `${why} (each start makes a new key). Open the address \`${launchedBy}\` printed when it last started ("Open http://127.0.0.1:…/?key=…", in the terminal where it runs).`;
}

export interface BrowserHost {
  url: string;
  origin: string;
  secret: string;
  server: Server;
  close(): Promise<void>;
}

function sameSecret(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function baseHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('X-Frame-Options', 'DENY');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string | 'too_large'> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const hostname = options.hostname ?? '127.0.0.1';
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  const launchedBy = options.launchedBy ?? 'npm run host';
  const rendererDir = resolve(options.rendererDir);
  let origin = '';
  let allowedHosts = new Set<string>();
  let cookie = { name: '', value: '' };

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    const decoded = decodedPath(pathname);
    if (decoded === null) return sendJson(res, 400, fail('invalid_input', 'The address is not validly percent-encoded.'));
    const rel = pathname === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
    const file = normalize(join(rendererDir, rel));
    if (!file.startsWith(rendererDir + sep)) return sendText(res, 404, 'Not found');
    try {
      const body = await readFile(file);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'max-age=3600' });
      res.end(body);
    } catch {
      sendText(res, 404, 'Not found');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    baseHeaders(res);
    if (!allowedHosts.has(req.headers.host ?? '')) return sendText(res, 421, 'Wrong host.');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', origin);
    } catch {
      return sendJson(res, 400, fail('invalid_input', 'The address is not valid.'));
    }

    // Opening the printed URL trades the key in the query for a cookie, then drops it from the address bar.
    const key = url.searchParams.get('key');
    if (req.method === 'GET' && key !== null) {
      if (!sameSecret(key, secret)) return sendText(res, 401, keyRefusal(launchedBy, true));
      url.searchParams.delete('key');
      res.setHeader('Set-Cookie', `${cookie.name}=${cookie.value}; HttpOnly; SameSite=Strict; Path=/`);
      res.writeHead(303, { Location: url.pathname + url.search });
      return void res.end();
    }
    if (!sameSecret(cookieValue(req, cookie.name), cookie.value)) {
      if (url.pathname.startsWith('/rpc/')) return sendJson(res, 401, fail('forbidden_sender', 'Not signed in to this browser host: open the address it printed.'));
      return sendText(res, 401, keyRefusal(launchedBy, false));
    }

    if (url.pathname.startsWith('/rpc/')) {
      if (req.method !== 'POST') return sendJson(res, 405, fail('invalid_input', 'Use POST.'));
      if (req.headers['x-switchboard-bridge'] !== '1') return sendJson(res, 403, fail('forbidden_sender', 'Missing bridge header.'));
      const requestOrigin = req.headers.origin;
      if (requestOrigin !== undefined && !allowedHosts.has(requestOrigin.replace(/^http:\/\//, ''))) return sendJson(res, 403, fail('forbidden_sender', 'Requests from other sites are refused.'));
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return sendJson(res, 415, fail('invalid_input', 'Send JSON.'));
      }
      const body = await readBody(req);
      if (body === 'too_large') return sendJson(res, 413, fail('invalid_input', 'The request is too large.'));
      let input: unknown;
      try {
        input = body.length === 0 ? {} : JSON.parse(body);
      } catch {
        return sendJson(res, 400, fail('invalid_input', 'The request body is not valid JSON.'));
      }
      const channel = decodedPath(url.pathname.slice('/rpc/'.length));
      if (channel === null) return sendJson(res, 400, fail('invalid_input', 'The channel name is not validly percent-encoded.'));
      const result = await options.core.call(channel, input);
      return sendJson(res, 200, result);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed');
    return serveStatic(res, url.pathname);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log.error({ err: e }, `${req.method ?? 'a'} request failed`);
      if (!res.headersSent) sendJson(res, 500, fail('internal', 'The browser host failed to answer.'));
      else res.end();
    });
  });
  // What Node's parser refuses (an over-long URL, a malformed request) is answered in the envelope too.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (socket.writable) socket.end(clientErrorResponse(err.code));
    else socket.destroy();
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, hostname, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${hostname}:${port}`;
  allowedHosts = new Set([`${hostname}:${port}`, `localhost:${port}`]);
  cookie = cookieFor(port, secret);

  return {
    url: `${origin}/?key=${secret}`,
    origin,
    secret,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
