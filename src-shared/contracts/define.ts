import type { z } from 'zod';
import type { Requirement } from '../auth/permissions';

/**
 * `read` runs on the reader connection and never waits behind a write batch; `write` on the
 * writer; `sync` is answered by the sync engine (its thread), not by a database worker; `auth` by
 * the main process's session keeper; `store` by the central store, asked by main with the
 * signed-in user's token.
 */
export type ChannelAccess = 'read' | 'write' | 'sync' | 'auth' | 'store';

/**
 * One contract per IPC channel, named `domain:verb`, declared once in its domain's module. Main
 * validates `input` before any handler runs; `output` documents (and in tests, checks) what comes
 * back inside the result envelope. Everything else about the channel is derived from this one
 * declaration (issue 20): the permission table, the preload's and the HTTP bridge's method
 * (`apiMethodName`), and which dispatcher's typed table must answer it (`access`).
 */
export interface ChannelContract<
  Name extends string,
  In extends z.ZodType,
  Out extends z.ZodType,
  Access extends ChannelAccess = ChannelAccess,
  Permission extends Requirement = Requirement,
> {
  readonly channel: Name;
  readonly input: In;
  readonly output: Out;
  readonly access: Access;
  /**
   * What the caller needs (src-shared/auth/permissions.ts), checked by main before the input is
   * even looked at: `public`, `session` (signed in, not locked) or a permission.
   */
  readonly permission: Permission;
}

export function defineChannel<Name extends `${string}:${string}`, In extends z.ZodType, Out extends z.ZodType, Access extends ChannelAccess, Permission extends Requirement>(
  contract: ChannelContract<Name, In, Out, Access, Permission>,
): ChannelContract<Name, In, Out, Access, Permission> {
  return contract;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any contract at all, whatever its schemas
export type AnyChannelContract = ChannelContract<string, any, any>;

/** A domain's channels, keyed by channel name. */
export type ChannelGroup<T extends AnyChannelContract> = { readonly [K in T as K['channel']]: K };

/**
 * A domain module's channels as one group: `export const callChannels = channelGroup(callStart, …)`.
 * Only the composition in contracts/index.ts lists the groups; no list names a channel twice.
 */
export function channelGroup<const T extends readonly AnyChannelContract[]>(...channels: T): ChannelGroup<T[number]> {
  const group: Record<string, AnyChannelContract> = {};
  for (const contract of channels) {
    if (Object.prototype.hasOwnProperty.call(group, contract.channel)) throw new Error(`The channel ${contract.channel} is declared twice.`);
    group[contract.channel] = contract;
  }
  return group as ChannelGroup<T[number]>;
}

type Merged<G extends readonly object[]> = G extends readonly [infer Head, ...infer Rest extends readonly object[]] ? Head & Merged<Rest> : unknown;
type Flat<T> = { [K in keyof T]: T[K] };

/** Every domain's group in one table; a channel declared in two groups fails at load (and in the tests). */
export function composeChannels<const G extends readonly ChannelGroup<AnyChannelContract>[]>(...groups: G): Flat<Merged<G>> {
  const all: Record<string, AnyChannelContract> = {};
  for (const group of groups) {
    for (const [name, contract] of Object.entries(group) as [string, AnyChannelContract][]) {
      if (Object.prototype.hasOwnProperty.call(all, name)) throw new Error(`The channel ${name} is declared in two domains.`);
      all[name] = contract;
    }
  }
  return all as Flat<Merged<G>>;
}

type KebabToCamel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<KebabToCamel<Tail>>}` : S;

/**
 * The `SwitchboardApi` method for a channel: `call:attach-customer` → `callAttachCustomer`,
 * `sync:status` → `syncStatus`. The type and `apiMethodName` below compute the same name.
 */
export type ApiMethodName<C extends string> = C extends `${infer Domain}:${infer Verb}` ? `${KebabToCamel<Domain>}${Capitalize<KebabToCamel<Verb>>}` : never;

export function apiMethodName<C extends string>(channel: C): ApiMethodName<C> {
  const camel = (s: string) => s.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  const colon = channel.indexOf(':');
  if (colon < 0) throw new Error(`${channel} is not named domain:verb.`);
  const verb = camel(channel.slice(colon + 1));
  return `${camel(channel.slice(0, colon))}${verb.charAt(0).toUpperCase()}${verb.slice(1)}` as ApiMethodName<C>;
}
