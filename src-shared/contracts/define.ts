import type { z } from 'zod';

/**
 * One contract per IPC channel, named `domain:verb`. Main validates `input` before any handler
 * runs; `output` documents (and in tests, checks) what comes back inside the result envelope.
 */
export interface ChannelContract<Name extends string, In extends z.ZodType, Out extends z.ZodType> {
  readonly channel: Name;
  readonly input: In;
  readonly output: Out;
  /** `read` runs on the reader connection and never waits behind a write batch. */
  readonly access: 'read' | 'write';
}

export function defineChannel<Name extends string, In extends z.ZodType, Out extends z.ZodType>(
  contract: ChannelContract<Name, In, Out>,
): ChannelContract<Name, In, Out> {
  return contract;
}
