/** Handlers for the note channels (contracts/notes.ts). */
import type { noteChannels } from '../../../src-shared/contracts/notes';
import type { WriteContext, WriteHandlersOf } from '../rpc/handler-context';
import { NoteBook } from './note-book';

export function noteWriteHandlers(ctx: WriteContext): WriteHandlersOf<typeof noteChannels> {
  let noteBook: NoteBook | undefined;
  return {
    'note:add': (input) => (noteBook ??= new NoteBook(ctx.db)).add(input, ctx.agentId, ctx.now()),
  };
}
