import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS, contracts } from '../../src-shared/contracts';
import { fail, ok, type Result } from '../../src-shared/result';
import { admit, type CallGate } from '../../src-main/core/rpc/admit';
import { ipcMain, resetElectronFake, topFrame } from './electron-fakes';

vi.mock('electron', async () => (await import('./electron-fakes')).electronModule);

const { answerInvoke, registerIpcHandlers } = await import('../../src-main/electron/ipc');

const OUR_PAGE = 'app://switchboard/index.html';
const fakeCore = () => ({ call: vi.fn(async (_channel: string, _input: unknown): Promise<Result<unknown>> => ok({ answered: true })) });

const signedOut: CallGate = { authorize: (requirement) => (requirement === 'public' ? ok(null) : fail('unauthenticated', 'Sign in first.')) };

function eventFrom(senderFrame: { url: string; parent: unknown } | null, mainFrame = senderFrame) {
  return { senderFrame, sender: { mainFrame } } as never;
}

beforeEach(() => {
  resetElectronFake();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

describe('registerIpcHandlers', () => {
  it('handles exactly the channels in the contracts', () => {
    registerIpcHandlers(ipcMain as never, fakeCore(), {});
    const registered = ipcMain.handle.mock.calls.map(([channel]) => channel).sort();
    expect(registered).toEqual(Object.keys(contracts).sort());
  });

  it('routes a registered handler to the core with the renderer input', async () => {
    const core = fakeCore();
    registerIpcHandlers(ipcMain as never, core, {});
    const handler = ipcMain.handle.mock.calls.find(([channel]) => channel === 'lookup:search')?.[1] as (e: unknown, i: unknown) => Promise<unknown>;
    const result = await handler(eventFrom(topFrame(OUR_PAGE)), { query: '020 7946 0958' });
    expect(core.call).toHaveBeenCalledWith('lookup:search', { query: '020 7946 0958' });
    expect(result).toEqual({ ok: true, value: { answered: true } });
  });

  it('removes every handler again', () => {
    const remove = registerIpcHandlers(ipcMain as never, fakeCore(), {});
    remove();
    expect(ipcMain.removeHandler.mock.calls.map(([c]) => c).sort()).toEqual([...CHANNELS].sort());
  });
});

describe('answerInvoke', () => {
  it('refuses a sub-frame sender, even on our own origin', async () => {
    const core = fakeCore();
    const main = topFrame(OUR_PAGE);
    const child = { url: OUR_PAGE, parent: main };
    const result = await answerInvoke('lookup:search', eventFrom(child, main), { query: 'smith' }, core, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(core.call).not.toHaveBeenCalled();
  });

  it('refuses a top-level frame from a foreign origin', async () => {
    const core = fakeCore();
    const result = await answerInvoke('customer:create', eventFrom(topFrame('https://attacker.example/')), { firstName: 'A', lastName: 'B', phone: '1' }, core, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(core.call).not.toHaveBeenCalled();
  });

  it('refuses the dev server origin unless the app runs against a dev server', async () => {
    const core = fakeCore();
    const dev = eventFrom(topFrame('http://localhost:5173/'));
    expect(await answerInvoke('app:info', dev, {}, core, {})).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(await answerInvoke('app:info', dev, {}, core, { devServerUrl: 'http://localhost:5173/' })).toEqual({ ok: true, value: { answered: true } });
  });

  it('refuses a sender whose frame is gone', async () => {
    const core = fakeCore();
    const result = await answerInvoke('app:info', eventFrom(null, topFrame(OUR_PAGE)), {}, core, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(core.call).not.toHaveBeenCalled();
  });

  it('leaves admitting to the core: a signed-out caller with bad input hears unauthenticated, as on the browser host (issue 18, item 14)', async () => {
    // A core nobody is signed in to: it refuses every call before looking at the input.
    const core = { call: vi.fn(async (channel: string, input: unknown): Promise<Result<unknown>> => admit(signedOut, channel, input)) };
    const event = eventFrom(topFrame(OUR_PAGE));
    for (const [channel, input] of [
      ['lookup:search', { query: 'x'.repeat(5000) }],
      ['customer:get', { customerId: 42 }],
      ['customer:get', { customerId: "1' OR 1=1 --" }],
    ] as const) {
      expect(await answerInvoke(channel, event, input, core, {}), channel).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    }
  });

  it('passes good input to core.call and returns its envelope unchanged', async () => {
    const core = fakeCore();
    const input = { customerId: '3f1c2b7e-8d4a-4c1e-9b2a-1d2e3f4a5b6c' };
    core.call.mockResolvedValueOnce({ ok: false, error: { code: 'not_found', message: 'No customer with that id.' } });
    const result = await answerInvoke('customer:get', eventFrom(topFrame(OUR_PAGE)), input, core, {});
    expect(core.call).toHaveBeenCalledWith('customer:get', input);
    expect(result).toEqual({ ok: false, error: { code: 'not_found', message: 'No customer with that id.' } });
  });

  it('turns a core that throws into an internal envelope instead of a rejected invoke', async () => {
    const core = fakeCore();
    core.call.mockRejectedValueOnce(new Error('worker crashed'));
    const result = await answerInvoke('app:info', eventFrom(topFrame(OUR_PAGE)), {}, core, {});
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: expect.stringContaining('worker crashed') } });
  });
});
