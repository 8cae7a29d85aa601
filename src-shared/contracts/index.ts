import type { z } from 'zod';
import { appInfo } from './app';
import { customerCreate, customerGet } from './customer';
import { lookupSearch } from './lookup';
import { offerDecide, offerPresent, offersStats, suggestionsList, suggestionsStatus } from './suggestions';
import { callAttachCustomer, callCurrent, callEnd, callGet, callHold, callResume, callStart, callWrapUp, configLists } from './calls';
import { complaintGet, complaintList, complaintLog, complaintSetFollowUp, complaintTransition } from './complaints';
import { noteAdd } from './notes';
import { worklistToday } from './worklist';
import { customerEditHistory, customerPurchases, customerTimeline, customerUpdateContact, orderGet } from './customer360';
import { syncCheck, syncDismissRejection, syncNow, syncReset, syncStatusChannel } from './sync';
import { authActivity, authLock, authSession, authSignIn, authSignOut, authUnlock } from './auth';
import { adminCreateTeam, adminCreateUser, adminResetPassword, adminRevokeWorkstation, adminUpdateUser, adminUsers, adminWorkstations, auditList } from './admin';
import type { Result } from '../result';
import type { ScreenPop } from './events';

/** Every IPC channel. Adding a channel here makes main, preload, host and client all demand it. */
export const contracts = {
  'app:info': appInfo,
  'lookup:search': lookupSearch,
  'suggestions:list': suggestionsList,
  'suggestions:status': suggestionsStatus,
  'offer:present': offerPresent,
  'offer:decide': offerDecide,
  'offers:stats': offersStats,
  'customer:get': customerGet,
  'customer:create': customerCreate,
  'call:start': callStart,
  'call:attach-customer': callAttachCustomer,
  'call:hold': callHold,
  'call:resume': callResume,
  'call:end': callEnd,
  'call:wrap-up': callWrapUp,
  'call:get': callGet,
  'call:current': callCurrent,
  'config:lists': configLists,
  'complaint:log': complaintLog,
  'complaint:transition': complaintTransition,
  'complaint:set-follow-up': complaintSetFollowUp,
  'complaint:list': complaintList,
  'complaint:get': complaintGet,
  'note:add': noteAdd,
  'customer:update-contact': customerUpdateContact,
  'customer:edit-history': customerEditHistory,
  'customer:timeline': customerTimeline,
  'customer:purchases': customerPurchases,
  'order:get': orderGet,
  'worklist:today': worklistToday,
  'sync:status': syncStatusChannel,
  'sync:now': syncNow,
  'sync:check': syncCheck,
  'sync:reset': syncReset,
  'sync:dismiss-rejection': syncDismissRejection,
  'auth:session': authSession,
  'auth:sign-in': authSignIn,
  'auth:sign-out': authSignOut,
  'auth:lock': authLock,
  'auth:unlock': authUnlock,
  'auth:activity': authActivity,
  'admin:users': adminUsers,
  'admin:create-user': adminCreateUser,
  'admin:update-user': adminUpdateUser,
  'admin:reset-password': adminResetPassword,
  'admin:create-team': adminCreateTeam,
  'admin:workstations': adminWorkstations,
  'admin:revoke-workstation': adminRevokeWorkstation,
  'audit:list': auditList,
} as const;

export type Contracts = typeof contracts;
export type Channel = keyof Contracts;
export type ChannelInput<C extends Channel> = z.input<Contracts[C]['input']>;
export type ChannelParsedInput<C extends Channel> = z.output<Contracts[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<Contracts[C]['output']>;

export const CHANNELS = Object.keys(contracts) as Channel[];

/** Channels answered by the sync engine rather than a database worker. */
export type SyncChannel = { [C in Channel]: Contracts[C]['access'] extends 'sync' ? C : never }[Channel];
/** Channels answered by the main process's session keeper. */
export type AuthChannel = { [C in Channel]: Contracts[C]['access'] extends 'auth' ? C : never }[Channel];
/** Channels answered by the central store, asked by main with the signed-in user's token. */
export type StoreChannel = { [C in Channel]: Contracts[C]['access'] extends 'store' ? C : never }[Channel];
/** Channels answered by the cache's database workers (the handler table). */
export type DbChannel = Exclude<Channel, SyncChannel | AuthChannel | StoreChannel>;
export function isSyncChannel(channel: Channel): channel is SyncChannel {
  return contracts[channel].access === 'sync';
}
export function isAuthChannel(channel: Channel): channel is AuthChannel {
  return contracts[channel].access === 'auth';
}
export function isStoreChannel(channel: Channel): channel is StoreChannel {
  return contracts[channel].access === 'store';
}
export function isDbChannel(channel: Channel): channel is DbChannel {
  const access = contracts[channel].access;
  return access === 'read' || access === 'write';
}
export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contracts, name);
}

/** Method name on `SwitchboardApi` for each channel. Every channel must have one. */
export const API_METHOD = {
  'app:info': 'appInfo',
  'lookup:search': 'lookupSearch',
  'suggestions:list': 'suggestionsList',
  'suggestions:status': 'suggestionsStatus',
  'offer:present': 'offerPresent',
  'offer:decide': 'offerDecide',
  'offers:stats': 'offersStats',
  'customer:get': 'customerGet',
  'customer:create': 'customerCreate',
  'call:start': 'callStart',
  'call:attach-customer': 'callAttachCustomer',
  'call:hold': 'callHold',
  'call:resume': 'callResume',
  'call:end': 'callEnd',
  'call:wrap-up': 'callWrapUp',
  'call:get': 'callGet',
  'call:current': 'callCurrent',
  'config:lists': 'configLists',
  'complaint:log': 'complaintLog',
  'complaint:transition': 'complaintTransition',
  'complaint:set-follow-up': 'complaintSetFollowUp',
  'complaint:list': 'complaintList',
  'complaint:get': 'complaintGet',
  'note:add': 'noteAdd',
  'customer:update-contact': 'customerUpdateContact',
  'customer:edit-history': 'customerEditHistory',
  'customer:timeline': 'customerTimeline',
  'customer:purchases': 'customerPurchases',
  'order:get': 'orderGet',
  'worklist:today': 'worklistToday',
  'sync:status': 'syncStatus',
  'sync:now': 'syncNow',
  'sync:check': 'syncCheck',
  'sync:reset': 'syncReset',
  'sync:dismiss-rejection': 'syncDismissRejection',
  'auth:session': 'authSession',
  'auth:sign-in': 'authSignIn',
  'auth:sign-out': 'authSignOut',
  'auth:lock': 'authLock',
  'auth:unlock': 'authUnlock',
  'auth:activity': 'authActivity',
  'admin:users': 'adminUsers',
  'admin:create-user': 'adminCreateUser',
  'admin:update-user': 'adminUpdateUser',
  'admin:reset-password': 'adminResetPassword',
  'admin:create-team': 'adminCreateTeam',
  'admin:workstations': 'adminWorkstations',
  'admin:revoke-workstation': 'adminRevokeWorkstation',
  'audit:list': 'auditList',
} as const satisfies { [C in Channel]: string };

type ApiMethods = {
  [C in Channel as (typeof API_METHOD)[C]]: (input: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>;
};

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
