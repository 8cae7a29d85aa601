import type { z } from 'zod';

/**
 * `read` runs on the reader connection and never waits behind a write batch; `write` on the
 * writer; `sync` is answered by the sync engine (its thread), not by a database worker; `auth` by
 * the main process's session keeper; `store` by the central store, asked by main with the
 * signed-in user's token.
 */
export type ChannelAccess = 'read' | 'write' | 'sync' | 'auth' | 'store';

/**
 * One contract per IPC channel, named `domain:verb`. Main validates `input` before any handler
 * runs; `output` documents (and in tests, checks) what comes back inside the result envelope.
 */
export interface ChannelContract<Name extends string, In extends z.ZodType, Out extends z.ZodType, Access extends ChannelAccess = ChannelAccess> {
  readonly channel: Name;
  readonly input: In;
  readonly output: Out;
  readonly access: Access;
}

export function defineChannel<Name extends string, In extends z.ZodType, Out extends z.ZodType, Access extends ChannelAccess>(
  contract: ChannelContract<Name, In, Out, Access>,
): ChannelContract<Name, In, Out, Access> {
  return contract;
}
