/**
 * The sync client's small rules that need no store: how failures are classified, how long to wait
 * before retrying, how the live stream is read, and which store and account the settings name.
 * (The engine itself is tested end to end against the real store in tests/integration/sync-engine.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { classifyStatus, decodeBody, normalizeServerUrl } from '../../src-main/core/sync/store-client';
import { RETRY, SnapshotProgress, retryDelayMs } from '../../src-main/core/sync/retry-schedule';
import { followPokes } from '../../src-main/core/sync/poke-stream';
import { idleLockMsFrom, isLoopbackUrl, storeSettingsFrom } from '../../src-main/core/sync/store-settings';

describe('failure classes', () => {
  it('retries 5xx, 408 and 429; signs in again on 401; gives up on other 4xx', () => {
    expect([500, 502, 503, 504, 408, 429].map(classifyStatus)).toEqual(Array(6).fill('transient'));
    expect(classifyStatus(401)).toBe('auth');
    expect([400, 403, 404, 409, 413, 415].map(classifyStatus)).toEqual(Array(6).fill('permanent'));
  });
});

describe('response bodies', () => {
  const bodies: [string, Uint8Array][] = [
    ['an ASCII page', new TextEncoder().encode('{"ok":true,"value":{"rows":[["Zo\\u00eb",1,true]]}}')],
    ['UTF-8 past U+007F (two, three and four bytes)', new TextEncoder().encode('{"name":"Zoë Þórs 李 😀"}')],
    ['a leading byte-order mark', Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"a":1}')])],
    ['malformed UTF-8', Uint8Array.from([0x7b, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d])],
    ['nothing', new Uint8Array(0)],
  ];
  it.each(bodies)('reads %s exactly as response.text() does', async (_, bytes) => {
    expect(decodeBody(bytes)).toBe(await new Response(bytes).text());
  });

  it('reads a view into a larger buffer by its own bytes only', () => {
    const whole = new TextEncoder().encode('xx{"a":"é"}yy');
    expect(decodeBody(whole.subarray(2, whole.length - 2))).toBe('{"a":"é"}');
    expect(decodeBody(new TextEncoder().encode('xx{"a":1}yy').subarray(2, 9))).toBe('{"a":1}');
  });
});

describe('retry delays (full jitter)', () => {
  it('grow from 0.5 s to a 30 s ceiling and never exceed it', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => retryDelayMs(n, top))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(retryDelayMs(1, () => 0)).toBe(0);
    for (let i = 0; i < 200; i++) {
      const d = retryDelayMs(1 + (i % 12));
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(RETRY.capMs);
    }
  });
});

describe('snapshot progress', () => {
  it('estimates the time left from the rate over the recent pages', () => {
    const p = new SnapshotProgress(3);
    expect(p.etaMs(0, 1000)).toBeNull();
    p.record(0, 0);
    p.record(1000, 100); // 0.1 row/ms
    expect(p.etaMs(100, 1000)).toBe(9000);
    p.record(2000, 300);
    p.record(3000, 500); // window: 1000→3000 ms, 100→500 rows: 0.2 row/ms
    expect(p.etaMs(500, 1000)).toBe(2500);
  });
});

function eventStream(chunks: string[], keepOpen = false): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      if (!keepOpen) controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

describe('the live stream', () => {
  it('reports each poke, across chunk boundaries and CRLF line ends, and ignores keepalives', async () => {
    const pokes: number[] = [];
    const end = await followPokes(
      eventStream([': keepalive\n\n', 'event: poke\ndata: {"vers', 'ion":7}\n\n', 'event: poke\r\ndata: {"version":9}\r\n\r\n', 'event: other\ndata: {}\n\n']),
      { signal: new AbortController().signal, onPoke: (v) => pokes.push(v) },
    );
    expect(end).toBe('ended');
    expect(pokes).toEqual([7, 9]);
  });

  it('gives up on a stream that falls silent, and stops when asked', async () => {
    expect(await followPokes(eventStream([': keepalive\n\n'], true), { signal: new AbortController().signal, idleMs: 50, onPoke: () => {} })).toBe('idle');
    const stop = new AbortController();
    const following = followPokes(eventStream([], true), { signal: stop.signal, onPoke: () => {} });
    stop.abort();
    expect(await following).toBe('aborted');
  });
});

describe('store settings', () => {
  it('mean no store when no address is given', () => {
    expect(storeSettingsFrom({})).toEqual({ ok: true, value: null });
    expect(storeSettingsFrom({ server: '  ' })).toEqual({ ok: true, value: null });
  });

  it('take the address only: people sign in on the sign-in screen', () => {
    expect(storeSettingsFrom({ server: 'https://store.example.com/' })).toEqual({ ok: true, value: { serverUrl: 'https://store.example.com' } });
    expect(isLoopbackUrl('http://localhost:5179')).toBe(true);
    expect(isLoopbackUrl('https://store.example.com')).toBe(false);
  });

  it('read the idle lock in whole seconds', () => {
    expect(idleLockMsFrom(undefined)).toEqual({ ok: true, value: undefined });
    expect(idleLockMsFrom('90')).toEqual({ ok: true, value: 90_000 });
    for (const bad of ['0', '-5', '1.5', 'soon', '999999']) expect(idleLockMsFrom(bad)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('refuse an address that is not http(s)', () => {
    expect(storeSettingsFrom({ server: 'ftp://store.example.com' })).toMatchObject({ ok: false, error: { message: /http:\/\/ or https:\/\// } });
    expect(storeSettingsFrom({ server: 'not a url' })).toMatchObject({ ok: false, error: { message: /not a URL/ } });
    expect(() => normalizeServerUrl('file:///etc/passwd')).toThrow();
  });

  it('know loopback addresses', () => {
    expect(['http://127.0.0.1:1', 'http://localhost', 'http://[::1]:5179', 'http://127.8.9.10'].map(isLoopbackUrl)).toEqual([true, true, true, true]);
    expect(['http://10.0.0.1', 'https://store.example.com', 'http://localhost.example.com'].map(isLoopbackUrl)).toEqual([false, false, false]);
  });
});
