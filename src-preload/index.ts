/**
 * The sandboxed preload: the renderer's only door to main. It exposes one named function per
 * contract channel and the screen-pop subscription — no generic invoke or send — and the object
 * is checked against SwitchboardApi, so adding a channel without exposing it fails the typecheck.
 * Only 'electron' and src-shared are imported; the build inlines them into one CommonJS file.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Channel, ChannelInput, ChannelOutput, SwitchboardApi } from '../src-shared/contracts';
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
  appInfo: (input) => invoke('app:info', input),
  lookupSearch: (input) => invoke('lookup:search', input),
  suggestionsList: (input) => invoke('suggestions:list', input),
  suggestionsStatus: (input) => invoke('suggestions:status', input),
  offerPresent: (input) => invoke('offer:present', input),
  offerDecide: (input) => invoke('offer:decide', input),
  offersStats: (input) => invoke('offers:stats', input),
  customerGet: (input) => invoke('customer:get', input),
  customerCreate: (input) => invoke('customer:create', input),
  callStart: (input) => invoke('call:start', input),
  callAttachCustomer: (input) => invoke('call:attach-customer', input),
  callHold: (input) => invoke('call:hold', input),
  callResume: (input) => invoke('call:resume', input),
  callEnd: (input) => invoke('call:end', input),
  callWrapUp: (input) => invoke('call:wrap-up', input),
  callGet: (input) => invoke('call:get', input),
  callCurrent: (input) => invoke('call:current', input),
  configLists: (input) => invoke('config:lists', input),
  complaintLog: (input) => invoke('complaint:log', input),
  complaintTransition: (input) => invoke('complaint:transition', input),
  complaintSetFollowUp: (input) => invoke('complaint:set-follow-up', input),
  complaintList: (input) => invoke('complaint:list', input),
  complaintGet: (input) => invoke('complaint:get', input),
  noteAdd: (input) => invoke('note:add', input),
  customerUpdateContact: (input) => invoke('customer:update-contact', input),
  customerEditHistory: (input) => invoke('customer:edit-history', input),
  customerTimeline: (input) => invoke('customer:timeline', input),
  customerPurchases: (input) => invoke('customer:purchases', input),
  orderGet: (input) => invoke('order:get', input),
  worklistToday: (input) => invoke('worklist:today', input),
  syncStatus: (input) => invoke('sync:status', input),
  syncNow: (input) => invoke('sync:now', input),
  syncCheck: (input) => invoke('sync:check', input),
  syncReset: (input) => invoke('sync:reset', input),
  syncDismissRejection: (input) => invoke('sync:dismiss-rejection', input),
  authSession: (input) => invoke('auth:session', input),
  authSignIn: (input) => invoke('auth:sign-in', input),
  authSignOut: (input) => invoke('auth:sign-out', input),
  authLock: (input) => invoke('auth:lock', input),
  authUnlock: (input) => invoke('auth:unlock', input),
  authActivity: (input) => invoke('auth:activity', input),
  adminUsers: (input) => invoke('admin:users', input),
  adminCreateUser: (input) => invoke('admin:create-user', input),
  adminUpdateUser: (input) => invoke('admin:update-user', input),
  adminResetPassword: (input) => invoke('admin:reset-password', input),
  adminCreateTeam: (input) => invoke('admin:create-team', input),
  adminWorkstations: (input) => invoke('admin:workstations', input),
  adminRevokeWorkstation: (input) => invoke('admin:revoke-workstation', input),
  auditList: (input) => invoke('audit:list', input),
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
