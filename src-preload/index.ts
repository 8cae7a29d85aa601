/**
 * The sandboxed preload: the renderer's only door to main. It exposes one named function per
 * contract channel (derived from the contracts by `apiMethods`, so a new channel needs no edit
 * here) and the screen-pop subscription — no generic invoke or send — and the object is checked
 * against SwitchboardApi. Only 'electron' and src-shared are imported (the contracts bring zod);
 * the build inlines them into one CommonJS file.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { apiMethods, type Channel, type ChannelInput, type ChannelOutput, type SwitchboardApi } from '../src-shared/contracts';
import { SCREEN_POP_EVENT, type ScreenPop } from '../src-shared/contracts/events';
import type { Result } from '../src-shared/result';

function invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>> {
  return ipcRenderer.invoke(channel, input) as Promise<Result<ChannelOutput<C>>>;
}

/**
 * Pops that arrive before the page subscribes (a cold start from a deep link) wait here and go
 * to the first listener, so a call is never lost to React mounting a moment late.
 */
const listeners = new Set<(pop: ScreenPop) => void>();
const early: ScreenPop[] = [];
const MAX_EARLY = 10;

ipcRenderer.on(SCREEN_POP_EVENT, (_event: IpcRendererEvent, payload: unknown) => {
  const from = (payload as { from?: unknown } | null)?.from;
  if (typeof from !== 'string') return;
  // A fresh object per listener: the page never sees the IPC event or anything else from main.
  if (listeners.size === 0) {
    early.push({ from });
    if (early.length > MAX_EARLY) early.shift();
    return;
  }
  for (const listener of listeners) listener({ from });
});

const api = {
  // One named function per channel, each sending only to its own channel (built from the contracts).
  ...apiMethods(invoke),
  onScreenPop: (listener) => {
    if (typeof listener !== 'function') throw new TypeError('onScreenPop needs a function.');
    // A wrapper, so subscribing the same function twice still gives two independent subscriptions.
    const subscription = (pop: ScreenPop) => listener(pop);
    listeners.add(subscription);
    for (const pop of early.splice(0)) subscription({ from: pop.from });
    return () => {
      listeners.delete(subscription);
    };
  },
} satisfies SwitchboardApi;

contextBridge.exposeInMainWorld('switchboard', api);
