/**
 * Notes and upsell offers on the central store. A note is written once. An offer is presented
 * once and answered once: the first answer the store applies is the one it keeps (as on the
 * workstation, a recorded answer is final), and a later answer to the same offer changes nothing.
 */
import { and, eq } from 'drizzle-orm';
import { MUTATION_WORDS, type ParsedMutation } from '../../../../src-shared/sync/mutations';
import { mayStep } from '../../../../src-shared/auth/permissions';
import { missingCaseError } from '../../../../src-shared/result';
import { notes, offers } from '../../db/schema';
import { insertOnce } from './insert-once';
import { requireCustomer, requireLinkedCall, requireProduct } from './references';
import { MutationRefused, type ApplyContext } from './refusal';

/** Issue 18, item 7: a create under an id the store has for another record is refused. */
const taken = (words: string, record: string) =>
  `This ${words} was given an id that the central store already has for another ${record}, so it was not saved there; enter it again if it is still needed.`;

type NoteOrOffer = Extract<ParsedMutation, { name: 'note.add' | 'offer.present' | 'offer.decide' }>;

export async function applyNoteOrOffer({ tx, authorRole }: ApplyContext, m: NoteOrOffer): Promise<void> {
  const words = MUTATION_WORDS[m.name];
  switch (m.name) {
    case 'note.add': {
      const a = m.args;
      await requireCustomer(tx, a.customerId, words);
      await requireLinkedCall(tx, a.callId, words);
      await insertOnce(
        tx,
        notes,
        { id: a.noteId, customerId: a.customerId, callId: a.callId, agentId: a.agentId, body: a.body, createdAt: a.createdAt },
        ['customerId', 'callId', 'agentId', 'body', 'createdAt'],
        taken(words, 'note'),
      );
      return;
    }
    case 'offer.present': {
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
        taken(words, 'offer'),
      );
      return;
    }
    case 'offer.decide': {
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
      return;
    }
    default:
      throw missingCaseError(m);
  }
}
