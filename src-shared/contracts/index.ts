import type { z } from 'zod';
import { apiMethodName, composeChannels, type ApiMethodName } from './define';
import { appChannels } from './app';
import { customerChannels } from './customer';
import { lookupChannels } from './lookup';
import { catalogueChannels } from './catalogue';
import { suggestionChannels } from './suggestions';
import { callChannels } from './calls';
import { complaintChannels } from './complaints';
import { noteChannels } from './notes';
import { worklistChannels } from './worklist';
import { customer360Channels } from './customer360';
import { syncChannels } from './sync';
import { authChannels } from './auth';
import { adminChannels } from './admin';
import { orderChannels } from './orders';
import { segmentChannels } from './segments';
import { privacyChannels } from './privacy';
import { boardChannels } from './board';
import { reportChannels } from './reports';
import { emailChannels } from './email';
import { ingestChannels } from './ingest';
import { webhookChannels } from './webhooks';
import { importChannels } from './imports';
import type { Result } from '../result';
import type { ScreenPop } from './events';

/**
 * Every IPC channel: each domain module declares its channels once and exports them as a group;
 * this only composes the groups. Main's permission table, the preload, the HTTP bridge and every
 * dispatcher's typed handler table are derived from it, so a channel added to its domain's group
 * makes each of them demand it (issue 20).
 */
export const contracts = composeChannels(
  appChannels,
  lookupChannels,
  suggestionChannels,
  customerChannels,
  callChannels,
  complaintChannels,
  noteChannels,
  customer360Channels,
  worklistChannels,
  syncChannels,
  authChannels,
  adminChannels,
  orderChannels,
  catalogueChannels,
  segmentChannels,
  boardChannels,
  reportChannels,
  emailChannels,
  ingestChannels,
  webhookChannels,
  privacyChannels,
  importChannels,
);

export type Contracts = typeof contracts;
export type Channel = keyof Contracts;
export type ChannelInput<C extends Channel> = z.input<Contracts[C]['input']>;
export type ChannelParsedInput<C extends Channel> = z.output<Contracts[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<Contracts[C]['output']>;

export const CHANNELS = Object.keys(contracts) as Channel[];

type ChannelsWith<A> = { [C in Channel]: Contracts[C]['access'] extends A ? C : never }[Channel];
/** Channels answered by the reader connection (the reader worker's handler table). */
export type ReadChannel = ChannelsWith<'read'>;
/** Channels answered by the writer connection (the writer worker's handler table). */
export type WriteChannel = ChannelsWith<'write'>;
/** Channels answered by the sync engine rather than a database worker. */
export type SyncChannel = ChannelsWith<'sync'>;
/** Channels answered by the main process's session keeper. */
export type AuthChannel = ChannelsWith<'auth'>;
/** Channels answered by the central store, asked by main with the signed-in user's token. */
export type StoreChannel = ChannelsWith<'store'>;
/** Channels answered by the cache's database workers (the handler table). */
export type DbChannel = ReadChannel | WriteChannel;
export function isSyncChannel(channel: Channel): channel is SyncChannel {
  return contracts[channel].access === 'sync';
}
export function isAuthChannel(channel: Channel): channel is AuthChannel {
  return contracts[channel].access === 'auth';
}
export function isStoreChannel(channel: Channel): channel is StoreChannel {
  return contracts[channel].access === 'store';
}
export function isReadChannel(channel: Channel): channel is ReadChannel {
  return contracts[channel].access === 'read';
}
export function isWriteChannel(channel: Channel): channel is WriteChannel {
  return contracts[channel].access === 'write';
}
export function isDbChannel(channel: Channel): channel is DbChannel {
  const access = contracts[channel].access;
  return access === 'read' || access === 'write';
}
export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contracts, name);
}

/** Method name on `SwitchboardApi` for each channel, derived from its name (`apiMethodName`). */
export type ApiMethod<C extends Channel> = ApiMethodName<C>;
export const API_METHOD = Object.fromEntries(CHANNELS.map((channel) => [channel, apiMethodName(channel)])) as { readonly [C in Channel]: ApiMethod<C> };
// Two channels whose names camel-case alike would share one method: refused at load, not at the first call.
if (new Set(Object.values(API_METHOD)).size !== CHANNELS.length) throw new Error('Two channels have the same API method name.');

type ApiMethods = {
  [C in Channel as ApiMethod<C>]: (input: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>;
};

/**
 * Builds one named function per channel, each sending to its own channel: how the preload (over
 * IPC) and the browser host's bridge (over HTTP) make their `SwitchboardApi` without a list of
 * their own. Still only named functions: there is no generic invoke on the object it returns.
 */
export function apiMethods(send: <C extends Channel>(channel: C, input: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>): ApiMethods {
  const methods: Record<string, (input: never) => Promise<Result<unknown>>> = {};
  for (const channel of CHANNELS) methods[API_METHOD[channel]] = (input) => send(channel, input);
  return methods as unknown as ApiMethods;
}

/**
 * The surface the preload exposes as `window.switchboard` and the browser host's bridge mirrors:
 * one named function per channel (derived from the contracts, so adding a channel makes the
 * preload, the bridge and the handler table all demand it), plus the screen-pop event.
 */
export type SwitchboardApi = ApiMethods & {
  /** Calls `listener` for each incoming-call screen-pop; returns an unsubscribe function. */
  onScreenPop(listener: (pop: ScreenPop) => void): () => void;
};

export { SCREEN_POP_EVENT, type ScreenPop } from './events';
