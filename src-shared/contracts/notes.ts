/** Free-text notes on a customer, linked to the call they were taken on. */
import { z } from 'zod';
import { freeText, text } from './text';
import { channelGroup, defineChannel } from './define';

export const NOTE_LIMITS = { body: 4000 } as const;

export const noteAddInput = z.object({
  customerId: text().uuid({ message: 'Not a customer id.' }),
  callId: text().uuid({ message: 'Not a call id.' }).optional(),
  body: freeText()
    .trim()
    .min(1, { message: 'Write the note first.' })
    .max(NOTE_LIMITS.body, { message: `Note: at most ${NOTE_LIMITS.body} characters.` }),
});
export type NoteAddInput = z.infer<typeof noteAddInput>;

export const noteAdd = defineChannel({
  channel: 'note:add',
  permission: 'complaint.log',
  access: 'write',
  input: noteAddInput,
  output: z.object({ noteId: text(), createdAt: text() }),
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const noteChannels = channelGroup(noteAdd);
