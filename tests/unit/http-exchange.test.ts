/**
 * The store client's HTTP transport (src-main/core/sync/http-exchange.ts) and how StoreClient
 * classifies what goes wrong on it, against real servers on 127.0.0.1 that misbehave on purpose.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionClosedError, exchange } from '../../src-main/core/sync/http-exchange';
import { StoreClient } from '../../src-main/core/sync/store-client';
import { closeLocalServers, serveLocally as serve } from '../helpers/local-http';

afterEach(closeLocalServers);

const signal = () => new AbortController().signal;

describe('exchange', () => {
  it('sends the method, headers and UTF-8 body, and returns the status, Date and every byte of a large answer', async () => {
    let seen: { method?: string; type?: string; length?: string; auth?: string; body?: string } = {};
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'x');
    const url = await serve((req, res, body) => {
      seen = { method: req.method, type: req.headers['content-type'], length: req.headers['content-length'], auth: req.headers.authorization, body };
      res.writeHead(201, { date: 'Fri, 27 Nov 2026 06:00:00 GMT' });
      // In pieces, so the answer arrives in many chunks.
      for (let at = 0; at < big.length; at += 100_000) res.write(big.subarray(at, at + 100_000));
      res.end();
    });
    const answer = await exchange(`${url}/sync/pull`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer t' }, body: '{"name":"Zoë"}', signal: signal() });
    expect(seen).toEqual({ method: 'POST', type: 'application/json', length: String(Buffer.byteLength('{"name":"Zoë"}')), auth: 'Bearer t', body: '{"name":"Zoë"}' });
    expect(answer.status).toBe(201);
    expect(answer.date).toBe('Fri, 27 Nov 2026 06:00:00 GMT');
    expect(answer.bytes.equals(big)).toBe(true);
  });

  it('fails, rather than returning a short body, when the connection drops in the middle of the answer', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000000' });
      res.write(Buffer.alloc(300_000, 'x'), () => res.socket?.destroy());
    });
    const error = await exchange(url, { method: 'GET', headers: {}, signal: signal() }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error instanceof ConnectionClosedError || (error as { code?: string }).code === 'ECONNRESET' || /aborted/.test((error as Error).message)).toBe(true);
  });

  it('stops at once when its signal is aborted while the body is still coming', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial'); // and then nothing
    });
    const abort = new AbortController();
    const pending = exchange(url, { method: 'GET', headers: {}, signal: abort.signal });
    setTimeout(() => abort.abort(), 100);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('StoreClient over it', () => {
  it('says "timeout" for a store that sends headers and then stalls, within the time it was given', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"ok":true,');
    });
    const client = new StoreClient({ serverUrl: url, timeouts: { checksums: 300 } });
    const started = performance.now();
    const result = await client.checksums('token');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({ ok: false, failure: { kind: 'transient', code: 'timeout', status: null } });
  });

  it('says "network" with the system error for a store nobody listens on', async () => {
    const url = await serve(() => undefined);
    await closeLocalServers(); // the port is free again: nobody listens on it
    const result = await new StoreClient({ serverUrl: url }).checksums('token');
    expect(result).toMatchObject({ ok: false, failure: { kind: 'transient', code: 'network', status: null } });
    expect(!result.ok && result.failure.message).toContain('ECONNREFUSED');
  });

  it('reads the store’s error envelope of a refusal', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: { code: 'unauthenticated', message: 'The sync token has expired.' } }));
    });
    const result = await new StoreClient({ serverUrl: url }).checksums('token');
    expect(result).toEqual({ ok: false, failure: { kind: 'auth', status: 401, code: 'unauthenticated', message: 'The sync token has expired.' } });
  });
});
