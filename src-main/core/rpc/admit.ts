/**
 * Admitting one call, the same way on every path (Electron's IPC and the browser host both end in
 * CoreProcess.call, which admits with this): first the channel must exist, then WHO asks (signed
 * in, not locked, a role with the channel's permission), and only then WHAT was asked (the input
 * against the channel's contract). A caller who may not ask learns nothing about their input: a
 * signed-out caller with bad input gets `unauthenticated`, not `invalid_input` (issue 18, item 14).
 */
import { CHANNEL_PERMISSIONS } from '../../../src-shared/auth/channel-permissions';
import type { Requirement } from '../../../src-shared/auth/permissions';
import { isChannel, type Channel } from '../../../src-shared/contracts';
import { ok, type Result } from '../../../src-shared/result';
import type { Actor } from '../worker/protocol';
import { validateInput } from './dispatch';

/** Who is asking, as far as admitting a call needs (the SessionKeeper). */
export interface CallGate {
  authorize(requirement: Requirement): Result<Actor | null>;
}

export interface Admitted {
  channel: Channel;
  /** The input as the contract parsed it. */
  input: unknown;
  /** The actor to record on writes; null for a public channel with nobody signed in. */
  actor: Actor | null;
}

export function admit(gate: CallGate, channel: string, rawInput: unknown): Result<Admitted> {
  if (!isChannel(channel)) return validateInput(channel, rawInput) as Result<never>;
  const allowed = gate.authorize(CHANNEL_PERMISSIONS[channel]);
  if (!allowed.ok) return allowed;
  const valid = validateInput(channel, rawInput);
  if (!valid.ok) return valid;
  return ok({ channel: valid.value.channel, input: valid.value.input, actor: allowed.value });
}
