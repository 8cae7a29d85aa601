/**
 * Upsell offers on the central store. An offer is presented once and answered once: the first
 * answer the store applies is the one it keeps (as on the workstation, a recorded answer is
 * final), and a later answer to the same offer changes nothing.
 */
import { and, eq } from 'drizzle-orm';
import { mayStep } from '../../../../src-shared/auth/permissions';
import { MUTATION_WORDS, type ParsedMutations } from '../../../../src-shared/sync/mutations';
import type { NamesOf } from '../../../../src-shared/sync/mutations/define';
import type { OFFER_MUTATIONS } from '../../../../src-shared/sync/mutations/offers';
import { offers } from '../../db/schema';
import { insertOnce } from './insert-once';
import { requireCustomer, requireLinkedCall, requireProduct } from './references';
import { MutationRefused, takenId, type Appliers, type ApplyContext } from './refusal';

async function presentOffer({ tx }: ApplyContext, m: ParsedMutations['offer.present']): Promise<void> {
  const words = MUTATION_WORDS[m.name];
  const a = m.args;
  await requireCustomer(tx, a.customerId, words);
  await requireLinkedCall(tx, a.callId, words);
  await requireProduct(tx, a.productId, words);
  await insertOnce(
    tx,
    offers,
    {
      id: a.offerId,
      customerId: a.customerId,
      callId: a.callId,
      agentId: a.agentId,
      productId: a.productId,
      kind: a.kind,
      reason: a.reason,
      outcome: 'presented',
      presentedAt: a.presentedAt,
      decidedAt: null,
    },
    ['customerId', 'callId', 'agentId', 'productId', 'kind', 'reason', 'presentedAt'],
    takenId(words, 'offer'),
  );
}

async function decideOffer({ tx, authorRole }: ApplyContext, m: ParsedMutations['offer.decide']): Promise<void> {
  const a = m.args;
  const [offer] = await tx.select({ outcome: offers.outcome, agentId: offers.agentId }).from(offers).where(eq(offers.id, a.offerId)).for('no key update');
  if (!offer) {
    throw new MutationRefused(
      'not_found',
      'This offer is not in the central store (it was refused earlier or removed), so the customer’s answer was not recorded there; nothing needs re-entering.',
    );
  }
  // The answer is recorded by the agent who presented the offer, unless the author's role may (issue 18, item 8).
  if (!mayStep(offer.agentId, { agentId: a.agentId, role: authorRole })) {
    throw new MutationRefused(
      'forbidden',
      `This offer was presented by ${offer.agentId}, and only they (or a supervisor) can record the answer, so it was not recorded on the central store.`,
    );
  }
  await tx
    .update(offers)
    .set({ outcome: a.outcome, decidedAt: a.decidedAt })
    .where(and(eq(offers.id, a.offerId), eq(offers.outcome, 'presented')));
}

export const OFFER_APPLIERS: Appliers<NamesOf<typeof OFFER_MUTATIONS>> = {
  'offer.present': presentOffer,
  'offer.decide': decideOffer,
};
