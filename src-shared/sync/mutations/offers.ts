/** Upsell offer mutations: presenting an offer and recording the customer's answer. Same arguments in every version. */
import { z } from 'zod';
import { text } from '../../contracts/text';
import { OFFER_DECISIONS, SUGGESTION_KINDS, SUGGESTION_LIMITS } from '../../contracts/suggestions';
import { agentId, defineMutation, instant, row, uuid } from './define';

const offerRow = (m: { args: { offerId: string } }) => [row('offers', m.args.offerId)];

const present = z.object({
  offerId: uuid,
  customerId: uuid,
  callId: uuid.nullable(),
  productId: uuid,
  kind: z.enum(SUGGESTION_KINDS),
  reason: text().min(1).max(SUGGESTION_LIMITS.reason),
  agentId,
  presentedAt: instant,
});

const decide = z.object({ offerId: uuid, outcome: z.enum(OFFER_DECISIONS), agentId, decidedAt: instant });

export const OFFER_MUTATIONS = [
  defineMutation({ name: 'offer.present', versions: { 1: present, 2: present }, permission: 'offer.present', words: 'offer', label: 'Offer made', writes: offerRow }),
  defineMutation({ name: 'offer.decide', versions: { 1: decide, 2: decide }, permission: 'offer.present', words: 'offer answer', label: 'Offer answer recorded', writes: offerRow }),
] as const;
