/** Note mutations: adding a note to a customer (notes are never edited). Same arguments in every version. */
import { z } from 'zod';
import { freeText } from '../../contracts/text';
import { NOTE_LIMITS } from '../../contracts/notes';
import { agentId, defineMutation, instant, row, uuid } from './define';

const add = z.object({
  noteId: uuid,
  customerId: uuid,
  callId: uuid.nullable(),
  agentId,
  body: freeText().min(1).max(NOTE_LIMITS.body),
  createdAt: instant,
});

export const NOTE_MUTATIONS = [
  defineMutation({
    name: 'note.add',
    versions: { 1: add, 2: add },
    // Notes go with complaints: whoever may log a complaint may add a note.
    permission: 'complaint.log',
    words: 'note',
    label: 'Note added',
    writes: (m) => [row('notes', m.args.noteId)],
  }),
] as const;
