/**
 * The browser host's bridge (src-renderer/src/api/client.ts) is built from the contracts: each
 * method must post to its own channel (`POST /rpc/<channel>`) with the input unchanged, and the
 * surface must be exactly one method per channel plus onScreenPop (issue 20).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_METHOD, CHANNELS, type SwitchboardApi } from '../../src-shared/contracts';

// Loaded by path so the node project's type check does not take in the renderer's DOM code.
const CLIENT = '../../src-renderer/src/api/client.ts';

const fetchStub = vi.fn<(url: string, init: RequestInit) => Promise<Response>>();

async function bridge(): Promise<SwitchboardApi> {
  const client = (await import(/* @vite-ignore */ CLIENT)) as { createHttpBridge(): SwitchboardApi };
  return client.createHttpBridge();
}

beforeEach(() => {
  vi.stubGlobal('window', { location: { search: '', href: 'http://127.0.0.1:5173/' }, history: { state: null, replaceState: vi.fn() } });
  vi.stubGlobal('fetch', fetchStub);
  fetchStub.mockReset();
  // An error envelope comes back unchanged whatever the channel's output schema.
  fetchStub.mockImplementation(async () => new Response(JSON.stringify({ ok: false, error: { code: 'forbidden', message: 'probe' } }), { status: 403 }));
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the HTTP bridge', () => {
  it('has exactly one function per channel plus onScreenPop, and no generic invoke', async () => {
    const api = await bridge();
    expect(Object.keys(api).sort()).toEqual([...CHANNELS.map((c) => API_METHOD[c]), 'onScreenPop'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    for (const method of ['orderQuote', 'orderSubmit', 'orderStatus', 'orderOptions', 'orderApprovals', 'orderDecide']) expect(api).toHaveProperty(method);
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('call');
  });

  it.each(Object.entries(API_METHOD))('posts %s only to its own channel, with the input unchanged', async (channel, method) => {
    const api = await bridge();
    const input = { probe: channel, nested: { n: 1 } };
    const call = api[method] as (input: unknown) => Promise<unknown>;
    await expect(call(input)).resolves.toEqual({ ok: false, error: { code: 'forbidden', message: 'probe' } });
    expect(fetchStub).toHaveBeenCalledTimes(1);
    const [url, init] = fetchStub.mock.calls[0]!;
    expect(url).toBe(`/rpc/${encodeURIComponent(channel)}`);
    expect(decodeURIComponent(url.slice('/rpc/'.length))).toBe(channel);
    expect(init.method).toBe('POST');
    expect(JSON.parse(String(init.body))).toEqual(input);
  });
});
