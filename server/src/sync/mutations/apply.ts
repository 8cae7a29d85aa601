/**
 * Applies one parsed mutation inside its transaction: the appliers write the store's tables (the
 * change-log trigger records every row they touch). Each is idempotent on its rows' UUIDs, and
 * throws MutationRefused for a permanent reason not to apply. An `agentId` in the arguments is the
 * author the store resolved (push-batch.ts, `authoredBy`), never the text the workstation sent.
 *
 * The appliers are registered here by mutation name, one domain module each, against the shared
 * registry (src-shared/sync/mutations): a mutation declared there without an applier here fails
 * the type check (issue 20, after Replicache's mutators, declared once and registered on both sides).
 */
import type { MutationName, ParsedMutation, ParsedMutations } from '../../../../src-shared/sync/mutations';
import { CALL_APPLIERS } from './calls';
import { COMPLAINT_APPLIERS } from './complaints';
import { CUSTOMER_APPLIERS } from './customers';
import { NOTE_APPLIERS } from './notes';
import { OFFER_APPLIERS } from './offers';
import { ORDER_APPLIERS } from './orders';
import type { Appliers, ApplyContext } from './refusal';
import { emitMutationEvents } from '../../webhooks/mutation-events';

const APPLIERS: Appliers<MutationName> = {
  ...CUSTOMER_APPLIERS,
  ...CALL_APPLIERS,
  ...COMPLAINT_APPLIERS,
  ...NOTE_APPLIERS,
  ...OFFER_APPLIERS,
  ...ORDER_APPLIERS,
};

/** The applier of `name`, given an entry of that very mutation (the generic ties the two together). */
function applyNamed<N extends MutationName>(name: N, ctx: ApplyContext, m: ParsedMutations[N]): Promise<void> {
  return APPLIERS[name](ctx, m);
}

export async function applyMutation(ctx: ApplyContext, m: ParsedMutation): Promise<void> {
  await applyNamed(m.name, ctx, m);
  // Outbound webhooks (issue 23): the event commits with the write it tells of.
  await emitMutationEvents(ctx, m);
}
