/**
 * The call lifecycle on the central store: `call.start` makes the row; each later step updates it
 * the way the workstation's CallDesk did (status, hold_started_at, talk_ended_at, completed_at and
 * the talk / hold / wrap-up times the workstation measured), so the store's row reads like the
 * workstation's.
 *
 * A step the call's current status does not allow (possible only when an agent carried on the same
 * call from a second workstation) changes nothing and is still settled as applied: the store's row
 * is the truth both workstations pull, and refusing it would leave the CSR an error they cannot act
 * on. A step for a call the store does not have is refused.
 */
import { eq } from 'drizzle-orm';
import type { CallStatus } from '../../../../src-shared/contracts/calls';
import { MUTATION_WORDS, type ParsedMutations } from '../../../../src-shared/sync/mutations';
import type { CALL_MUTATIONS } from '../../../../src-shared/sync/mutations/calls';
import type { NamesOf } from '../../../../src-shared/sync/mutations/define';
import { mayStep } from '../../../../src-shared/auth/permissions';
import { calls } from '../../db/schema';
import { insertOnce } from './insert-once';
import { requireCustomer } from './references';
import { MutationRefused, type Applier, type Appliers, type ApplyContext, type StoreTx } from './refusal';

type Step = Exclude<NamesOf<typeof CALL_MUTATIONS>, 'call.start'>;

async function applyCallStart({ tx }: ApplyContext, m: ParsedMutations['call.start']): Promise<void> {
  const words = MUTATION_WORDS[m.name];
  const a = m.args;
  if (a.customerId !== null) await requireCustomer(tx, a.customerId, words);
  // An insert (issue 18, item 7): a call id the store has for another call refuses the start.
  await insertOnce(
    tx,
    calls,
    { id: a.callId, customerId: a.customerId, fromE164: a.fromE164, fromRaw: a.fromRaw ?? null, source: a.source, agentId: a.agentId, status: 'active', startedAt: a.startedAt },
    ['fromE164', 'source', 'agentId', 'startedAt'],
    `This ${words} was given an id that the central store already has for another call, so it was not recorded there; nothing needs re-entering.`,
  );
}

/**
 * A later step of a call: it changes the call only from the statuses in `from` (the same rules as
 * the workstation's CallDesk), and only when its author may step that call; `change` writes it.
 */
function callStep<N extends Step>(
  from: readonly CallStatus[],
  change: (tx: StoreTx, m: ParsedMutations[N], call: LockedCall, words: string) => Promise<void>,
): Applier<N> {
  return async ({ tx, authorRole }, m) => {
    const words = MUTATION_WORDS[m.name];
    const call = await lockCall(tx, m.args.callId, words);
    // Only the agent who took the call steps it, unless the author's role may (issue 18, item 8).
    // `agentId` is the author the push resolved (push-batch.ts), never a name the entry chose.
    if (!mayStep(call.agentId, { agentId: m.args.agentId, role: authorRole })) {
      throw new MutationRefused(
        'forbidden',
        `This call was taken by ${call.agentId}, and only they (or a supervisor) can change it, so this ${words} was not recorded on the central store.`,
      );
    }
    if (!from.includes(call.status)) return;
    await change(tx, m, call, words);
  };
}

const byId = (callId: string) => eq(calls.id, callId);

export const CALL_APPLIERS: Appliers<NamesOf<typeof CALL_MUTATIONS>> = {
  'call.start': applyCallStart,
  'call.attach_customer': callStep(['active', 'on_hold', 'wrap_up'], async (tx, m, call, words) => {
    await requireCustomer(tx, m.args.customerId, words);
    if (call.customerId !== m.args.customerId) await tx.update(calls).set({ customerId: m.args.customerId }).where(byId(m.args.callId));
  }),
  'call.hold': callStep(['active'], async (tx, m) => {
    await tx.update(calls).set({ status: 'on_hold', holdStartedAt: m.args.at }).where(byId(m.args.callId));
  }),
  'call.resume': callStep(['on_hold'], async (tx, m) => {
    await tx.update(calls).set({ status: 'active', holdStartedAt: null, holdMs: m.args.holdMs }).where(byId(m.args.callId));
  }),
  'call.end': callStep(['active', 'on_hold'], async (tx, m) => {
    await tx
      .update(calls)
      .set({ status: 'wrap_up', holdStartedAt: null, talkEndedAt: m.args.at, talkMs: m.args.talkMs, holdMs: m.args.holdMs })
      .where(byId(m.args.callId));
  }),
  'call.wrap_up': callStep(['wrap_up'], async (tx, m) => {
    await tx
      .update(calls)
      .set({
        status: 'completed',
        completedAt: m.args.at,
        talkMs: m.args.talkMs,
        holdMs: m.args.holdMs,
        wrapUpMs: m.args.wrapUpMs,
        dispositionCode: m.args.dispositionCode,
        wrapUpNotes: m.args.notes,
        satisfaction: m.args.satisfaction ?? null,
      })
      .where(byId(m.args.callId));
  }),
};

interface LockedCall {
  status: CallStatus;
  customerId: string | null;
  agentId: string;
}

async function lockCall(tx: StoreTx, callId: string, words: string): Promise<LockedCall> {
  const [call] = await tx.select({ status: calls.status, customerId: calls.customerId, agentId: calls.agentId }).from(calls).where(eq(calls.id, callId)).for('no key update');
  if (!call) {
    throw new MutationRefused(
      'not_found',
      `This call is not in the central store (its start was refused or removed), so this ${words} could not be recorded there; nothing needs re-entering.`,
    );
  }
  return call;
}
