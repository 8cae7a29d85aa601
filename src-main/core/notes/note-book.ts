/**
 * NoteBook: free-text notes on a customer, linked to the call they were taken on. The note and
 * its outbox entry commit together. Notes are never edited; a correction is another note.
 */
import { randomUUID } from 'node:crypto';
import type { WritableDb } from '../db/open';
import { Outbox } from '../outbox/outbox';
import type { NoteAddInput } from '../../../src-shared/contracts/notes';
import { createCallLinkCheck } from '../calls/call-link';
import { createNoteWriteRepository } from './note-repository';

export class NoteBook {
  private readonly notes;
  private readonly outbox: Outbox;
  private readonly checkCallLink;

  constructor(private readonly db: WritableDb) {
    this.notes = createNoteWriteRepository(db);
    this.outbox = new Outbox(db);
    this.checkCallLink = createCallLinkCheck(db);
  }

  add(input: NoteAddInput, agentId: string, now: number): { noteId: string; createdAt: string } {
    const row = { id: randomUUID(), customerId: input.customerId, callId: input.callId ?? null, agentId, body: input.body, createdAt: now };
    this.db.$client
      .transaction(() => {
        this.checkCallLink(input.customerId, input.callId);
        this.notes.insert(row);
        this.outbox.append(
          'note.add',
          { noteId: row.id, customerId: row.customerId, callId: row.callId, agentId, body: row.body, createdAt: now },
          now,
        );
      })
      .immediate();
    return { noteId: row.id, createdAt: new Date(now).toISOString() };
  }
}
