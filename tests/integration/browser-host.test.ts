import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { plantCustomer, tempCache, type TempCache } from '../helpers/cache';
import { testCore } from '../helpers/core';
import { cookieFor, startBrowserHost, type BrowserHost } from '../../src-main/host/browser-host';
import type { CoreProcess } from '../../src-main/core/worker/core-process';

let cache: TempCache;
let core: CoreProcess;
let host: BrowserHost;
let cookie: string;

/** Raw HTTP so the test controls every header (fetch would set Origin and Host itself). */
function send(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(host.origin);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: Number(url.port), path, method: opts.method ?? 'GET', headers: { Host: url.host, ...opts.headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const rpc = (channel: string, body: string, headers: Record<string, string> = {}) =>
  send(`/rpc/${encodeURIComponent(channel)}`, {
    method: 'POST',
    body,
    headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-Switchboard-Bridge': '1', ...headers },
  });

beforeAll(async () => {
  cache = tempCache();
  plantCustomer(cache.db, { firstName: 'Zoë', lastName: 'Ångström', phones: ['+442079460958'] });
  cache.db.$client.close();
  const rendererDir = join(cache.dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Switchboard</title>');
  writeFileSync(join(cache.dir, 'secret.txt'), 'outside the renderer folder');
  core = testCore(cache.file);
  await core.start();
  host = await startBrowserHost({ core, rendererDir, port: 0 });
  const login = await send(`/?key=${host.secret}&from=%2B442079460958`);
  expect(login.status).toBe(303);
  expect(login.headers.location).toBe('/?from=%2B442079460958');
  const setCookie = String(login.headers['set-cookie']);
  expect(setCookie).toContain('HttpOnly');
  expect(setCookie).toContain('SameSite=Strict');
  cookie = setCookie.split(';')[0] ?? '';
});

afterAll(async () => {
  await host.close();
  await core.stop();
  cache.cleanup();
});

describe('browser host', () => {
  it('listens on loopback only and prints a URL with this run\'s key', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?key=[\w-]{20,}$/);
  });

  it('serves the renderer with the strict CSP to a signed-in browser', async () => {
    const page = await send('/', { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Switchboard</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });

  it('refuses requests without the key, with a wrong key, or for another Host', async () => {
    expect((await send('/')).status).toBe(401);
    expect((await send('/?key=wrong')).status).toBe(401);
    expect((await send('/', { headers: { Cookie: cookie, Host: 'evil.example:80' } })).status).toBe(421);
    const noCookie = await send('/rpc/lookup%3Asearch', { method: 'POST', body: '{"query":"zoe"}', headers: { 'Content-Type': 'application/json', 'X-Switchboard-Bridge': '1' } });
    expect(noCookie.status).toBe(401);
  });

  it('does not serve files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const r = await send(path, { headers: { Cookie: cookie } });
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('outside the renderer');
    }
  });

  it('bridges the contract: a lookup returns the envelope from the real core', async () => {
    const r = await rpc('lookup:search', JSON.stringify({ query: '+44 20 7946 0958' }));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ ok: true, value: { hits: [{ displayName: 'Zoë Ångström' }] } });
  });

  it('answers bad input with a typed error envelope', async () => {
    expect(JSON.parse((await rpc('lookup:search', '{not json')).body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.parse((await rpc('lookup:search', JSON.stringify({ query: 'x'.repeat(500) }))).body)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(JSON.parse((await rpc('db:exec', '{}')).body)).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    const huge = await rpc('lookup:search', JSON.stringify({ query: 'a'.repeat(100_000) }));
    expect(huge.status).toBe(413);
  });

  it('refuses cross-site calls: no bridge header, a foreign Origin, or a form post', async () => {
    expect((await rpc('lookup:search', '{"query":"zoe"}', { 'X-Switchboard-Bridge': '' })).status).toBe(403);
    expect((await rpc('lookup:search', '{"query":"zoe"}', { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await rpc('lookup:search', 'query=zoe', { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await send('/rpc/lookup%3Asearch', { headers: { Cookie: cookie } })).status).toBe(405);
  });

  it('answers a broken percent-encoding and an over-long URL with a typed 4xx in the envelope (issue 18, item 15)', async () => {
    for (const path of ['/%E0%A4%A', '/%zz']) {
      const r = await send(path, { headers: { Cookie: cookie } });
      expect(r.status, path).toBe(400);
      expect(JSON.parse(r.body), path).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    const channel = await send('/rpc/lookup%3Asearch%E0%A4%A', {
      method: 'POST',
      body: '{}',
      headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-Switchboard-Bridge': '1' },
    });
    expect(channel.status).toBe(400);
    expect(JSON.parse(channel.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const long = await send(`/?x=${'a'.repeat(20_000)}`, { headers: { Cookie: cookie } });
    expect(long.status).toBe(431);
    expect(JSON.parse(long.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('names its cookie for its port and sends a value derived from the key, never the key (issue 18, item 17)', async () => {
    const port = Number(new URL(host.origin).port);
    const [name, value] = cookie.split('=') as [string, string];
    expect(name).toBe(`sb_host_${port}`);
    expect(value).not.toContain(host.secret);
    expect(value).toBe(cookieFor(port, host.secret).value);
    // Another host (another port, another key) has a cookie of its own: neither overwrites the other.
    const other = cookieFor(port + 1, 'another run’s key');
    expect(other.name).not.toBe(name);
    expect(other.value).not.toBe(value);
    // The key itself as the cookie's value is not accepted: only the derived value is.
    expect((await send('/', { headers: { Cookie: `${name}=${host.secret}` } })).status).toBe(401);
    expect((await send('/', { headers: { Cookie: `sb_key=${host.secret}` } })).status).toBe(401);
  });
});
