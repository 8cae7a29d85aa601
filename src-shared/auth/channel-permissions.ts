/**
 * What every IPC channel needs, derived from each channel's declaration (its `permission`, in its
 * domain's contract module): a channel cannot exist without one. The permission-matrix test
 * (tests/integration/permission-matrix.test.ts) calls every channel as every role. The main
 * process checks this before any handler runs.
 */
import { CHANNELS, contracts, type Channel, type Contracts } from '../contracts';
import type { Requirement } from './permissions';

export const CHANNEL_PERMISSIONS = Object.fromEntries(CHANNELS.map((channel) => [channel, contracts[channel].permission])) as {
  readonly [C in Channel]: Contracts[C]['permission'];
};

export function channelRequirement(channel: Channel): Requirement {
  return CHANNEL_PERMISSIONS[channel];
}
