/** Notes on the central store: a note is written once. */
import { MUTATION_WORDS, type ParsedMutations } from '../../../../src-shared/sync/mutations';
import type { NamesOf } from '../../../../src-shared/sync/mutations/define';
import type { NOTE_MUTATIONS } from '../../../../src-shared/sync/mutations/notes';
import { notes } from '../../db/schema';
import { insertOnce } from './insert-once';
import { requireCustomer, requireLinkedCall } from './references';
import { takenId, type Appliers, type ApplyContext } from './refusal';

async function addNote({ tx }: ApplyContext, m: ParsedMutations['note.add']): Promise<void> {
  const words = MUTATION_WORDS[m.name];
  const a = m.args;
  await requireCustomer(tx, a.customerId, words);
  await requireLinkedCall(tx, a.callId, words);
  await insertOnce(
    tx,
    notes,
    { id: a.noteId, customerId: a.customerId, callId: a.callId, agentId: a.agentId, body: a.body, createdAt: a.createdAt },
    ['customerId', 'callId', 'agentId', 'body', 'createdAt'],
    takenId(words, 'note'),
  );
}

export const NOTE_APPLIERS: Appliers<NamesOf<typeof NOTE_MUTATIONS>> = {
  'note.add': addNote,
};
