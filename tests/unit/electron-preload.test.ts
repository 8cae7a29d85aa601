import { beforeEach, describe, expect, it, vi } from 'vitest';
import { API_METHOD, SCREEN_POP_EVENT, type SwitchboardApi } from '../../src-shared/contracts';
import { contextBridge, ipcRenderer, resetElectronFake } from './electron-fakes';

vi.mock('electron', async () => (await import('./electron-fakes')).electronModule);

let copies = 0;

/**
 * Loads a fresh copy of the preload (a distinct query string makes a distinct module, while the
 * mocked 'electron' stays the one these tests inspect) and returns what it exposed.
 */
async function loadPreload(): Promise<{ name: unknown; api: SwitchboardApi; emitPop: (payload: unknown) => void }> {
  const preload: string = `../../src-preload/index.ts?copy=${++copies}`;
  await import(/* @vite-ignore */ preload);
  expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
  const [name, api] = contextBridge.exposeInMainWorld.mock.calls[0] as [unknown, SwitchboardApi];
  const subscription = ipcRenderer.on.mock.calls.find(([channel]) => channel === SCREEN_POP_EVENT);
  const ipcListener = subscription?.[1] as (event: unknown, payload: unknown) => void;
  const ipcEvent = { sender: ipcRenderer, senderId: 0, ports: [] };
  return { name, api, emitPop: (payload) => ipcListener(ipcEvent, payload) };
}

beforeEach(() => resetElectronFake());

describe('the preload bridge', () => {
  it('exposes window.switchboard with exactly one function per channel plus onScreenPop', async () => {
    const { name, api } = await loadPreload();
    expect(name).toBe('switchboard');
    expect(Object.keys(api).sort()).toEqual([...Object.values(API_METHOD), 'onScreenPop'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('send');
  });

  it.each(Object.entries(API_METHOD))('sends %s only to its own channel, with the input unchanged', async (channel, method) => {
    const { api } = await loadPreload();
    ipcRenderer.invoke.mockResolvedValue({ ok: true, value: 'answer' });
    const input = { probe: channel };
    const call = api[method] as (input: unknown) => Promise<unknown>;
    await expect(call(input)).resolves.toEqual({ ok: true, value: 'answer' });
    expect(ipcRenderer.invoke).toHaveBeenCalledTimes(1);
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(channel, input);
  });
});

describe('onScreenPop', () => {
  it('passes only { from } to the page, never the IPC event or extra fields', async () => {
    const { api, emitPop } = await loadPreload();
    const listener = vi.fn();
    api.onScreenPop(listener);
    emitPop({ from: '+442079460958', secret: 'should not leak' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toHaveLength(1);
    expect(listener.mock.calls[0]?.[0]).toStrictEqual({ from: '+442079460958' });
  });

  it('stops calling after unsubscribe', async () => {
    const { api, emitPop } = await loadPreload();
    const listener = vi.fn();
    const unsubscribe = api.onScreenPop(listener);
    emitPop({ from: '1' });
    unsubscribe();
    emitPop({ from: '2' });
    expect(listener.mock.calls).toEqual([[{ from: '1' }]]);
  });

  it('keeps a pop that arrives before anyone listens for the first listener', async () => {
    const { api, emitPop } = await loadPreload();
    emitPop({ from: '+14155550100' });
    const first = vi.fn();
    const second = vi.fn();
    api.onScreenPop(first);
    api.onScreenPop(second);
    expect(first.mock.calls).toEqual([[{ from: '+14155550100' }]]);
    expect(second).not.toHaveBeenCalled();
  });

  it('drops payloads without a string from', async () => {
    const { api, emitPop } = await loadPreload();
    const listener = vi.fn();
    api.onScreenPop(listener);
    emitPop({ from: 42 });
    emitPop(null);
    emitPop('switchboard://call?from=1');
    expect(listener).not.toHaveBeenCalled();
  });
});
