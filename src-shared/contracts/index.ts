import type { z } from 'zod';
import { appInfo } from './app';
import { customerCreate, customerGet } from './customer';
import { lookupSearch } from './lookup';
import type { Result } from '../result';

/** Every IPC channel. Adding a channel here makes main, preload, host and client all demand it. */
export const contracts = {
  'app:info': appInfo,
  'lookup:search': lookupSearch,
  'customer:get': customerGet,
  'customer:create': customerCreate,
} as const;

export type Contracts = typeof contracts;
export type Channel = keyof Contracts;
export type ChannelInput<C extends Channel> = z.input<Contracts[C]['input']>;
export type ChannelParsedInput<C extends Channel> = z.output<Contracts[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<Contracts[C]['output']>;

export const CHANNELS = Object.keys(contracts) as Channel[];
export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contracts, name);
}

/**
 * The surface the preload exposes as `window.switchboard` and the browser host's bridge mirrors:
 * one named function per channel (camel-cased), plus the screen-pop event.
 */
export interface SwitchboardApi {
  appInfo(input: ChannelInput<'app:info'>): Promise<Result<ChannelOutput<'app:info'>>>;
  lookupSearch(input: ChannelInput<'lookup:search'>): Promise<Result<ChannelOutput<'lookup:search'>>>;
  customerGet(input: ChannelInput<'customer:get'>): Promise<Result<ChannelOutput<'customer:get'>>>;
  customerCreate(input: ChannelInput<'customer:create'>): Promise<Result<ChannelOutput<'customer:create'>>>;
  /** Calls `listener` for each incoming-call screen-pop; returns an unsubscribe function. */
  onScreenPop(listener: (pop: ScreenPop) => void): () => void;
}

export interface ScreenPop {
  from: string;
}

/** Event channel main → renderer (not a request channel). */
export const SCREEN_POP_EVENT = 'call:screen-pop';

/** Method name on `SwitchboardApi` for each channel. */
export const API_METHOD: { [C in Channel]: keyof SwitchboardApi } = {
  'app:info': 'appInfo',
  'lookup:search': 'lookupSearch',
  'customer:get': 'customerGet',
  'customer:create': 'customerCreate',
};
