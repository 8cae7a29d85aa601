/**
 * Readable and writable database handles are told apart by type (issue 20): a write service cannot
 * be handed the reader's handle, the reader's worker holds only the read channels' handlers, and
 * every database channel has exactly one handler. The `@ts-expect-error` lines are checked by
 * `tsc -b` (tests are in tsconfig.node.json): if a write service ever accepted a ReadableDb, the
 * directive would be unused and the type check would fail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openCache, type CacheDb, type ReadableDb, type WritableDb } from '../../src-main/core/db/open';
import { CallDesk } from '../../src-main/core/calls/call-desk';
import { CallQuery } from '../../src-main/core/calls/call-query';
import { ComplaintLog } from '../../src-main/core/complaints/complaint-log';
import { NoteBook } from '../../src-main/core/notes/note-book';
import { ProfileEditor } from '../../src-main/core/customer/profile-editor';
import { CustomerIntake } from '../../src-main/core/customer/customer-intake';
import { OfferLog, OfferStats } from '../../src-main/core/offers/offer-log';
import { Outbox } from '../../src-main/core/outbox/outbox';
import { CallerLookup } from '../../src-main/core/lookup/caller-lookup';
import { WorklistQuery } from '../../src-main/core/worklist/worklist-query';
import { createHandlers, createReadHandlers, createWriteHandlers, type ReadContext, type WriteContext } from '../../src-main/core/rpc/handlers';
import { LOCAL_SYNC_ANSWERS } from '../../src-main/core/sync/local-only';
import { AUTH_ANSWERS } from '../../src-main/core/auth/auth-channels';
import { CHANNELS, contracts } from '../../src-shared/contracts';
import { tempCache, type TempCache } from '../helpers/cache';

/** Never called: what the type checker must accept and refuse. */
export function handleTypes(reader: ReadableDb, writer: WritableDb, handMade: CacheDb, readContext: ReadContext): void {
  // @ts-expect-error a write service cannot be handed a ReadableDb
  new NoteBook(reader);
  // @ts-expect-error a write service cannot be handed a ReadableDb
  new CallDesk(reader, 'GB');
  // @ts-expect-error a write service cannot be handed a ReadableDb
  new ComplaintLog(reader);
  // @ts-expect-error a write service cannot be handed a ReadableDb
  new ProfileEditor(reader, 'GB');
  // @ts-expect-error a write service cannot be handed a ReadableDb
  new CustomerIntake(reader, 'GB');
  // @ts-expect-error a write service cannot be handed a ReadableDb
  new OfferLog(reader);
  // @ts-expect-error the outbox writes: not on a ReadableDb
  new Outbox(reader);
  // @ts-expect-error nor on a handle made by hand: only openCache's writer (or asWritable) is writable
  new NoteBook(handMade);
  // @ts-expect-error the reader's handle gives no writer's context
  createWriteHandlers(readContext);
  // @ts-expect-error a read-only open gives a ReadableDb
  const notWritable: WritableDb = openCache('cache.db', { readonly: true });
  // A WritableDb is usable wherever a ReadableDb is expected.
  new CallQuery(writer);
  new CallerLookup(writer, { defaultRegion: 'GB' });
  new WorklistQuery(reader);
  new OfferStats(reader);
  createReadHandlers({ ...readContext, db: writer });
  void notWritable;
}

const channelsWith = (access: string) => CHANNELS.filter((c) => contracts[c].access === access).sort();

let cache: TempCache | undefined;
afterEach(() => {
  cache?.cleanup();
  cache = undefined;
});

describe('database handles by type', () => {
  it('gives the reader only the read channels, with its read-only handle', () => {
    cache = tempCache();
    const reader = openCache(cache.file, { readonly: true });
    try {
      const context = { db: reader, defaultRegion: 'GB', host: 'browser-host', version: 'test', agentId: 'agent', now: () => 0 } as const;
      const handlers = createReadHandlers(context);
      expect(Object.keys(handlers).sort()).toEqual(channelsWith('read'));
      expect(handlers['config:lists']({})).toHaveProperty('dispositions');
      // What the type refuses is what SQLite refuses at run time on the reader's connection.
      expect(() => reader.$client.prepare(`INSERT INTO cache_meta(key, value) VALUES ('probe', '1')`).run()).toThrow(/readonly|read-only/i);
    } finally {
      reader.$client.close();
    }
  });

  it('has exactly one handler for every database channel, and a typed answer for every sync and auth channel', () => {
    cache = tempCache();
    const context: WriteContext = { db: cache.db, defaultRegion: 'GB', host: 'browser-host', version: 'test', agentId: 'agent', now: () => 0 };
    expect(Object.keys(createWriteHandlers(context)).sort()).toEqual(channelsWith('write'));
    expect(Object.keys(createHandlers(context)).sort()).toEqual([...channelsWith('read'), ...channelsWith('write')].sort());
    expect(Object.keys(LOCAL_SYNC_ANSWERS).sort()).toEqual(channelsWith('sync'));
    expect(Object.keys(AUTH_ANSWERS).sort()).toEqual(channelsWith('auth'));
  });
});
