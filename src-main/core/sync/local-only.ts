/**
 * The sync channels when no central store is configured: this workstation works on its cache
 * alone. The answers are honest: the writes waiting in the outbox are counted (they will go once a
 * store is configured), writes a store refused earlier are still listed, and nothing claims to sync.
 * A database worker answers these on its own connection: each entry says which (the reader, or the
 * writer for the one that writes).
 *
 * A typed table over every sync channel (issue 20): a sync channel declared without an answer here
 * fails the type check.
 */
import type Database from 'better-sqlite3';
import type { ChannelOutput, ChannelParsedInput, SyncChannel } from '../../../src-shared/contracts';
import type { SyncStatus } from '../../../src-shared/contracts/sync';
import { fail, ok, type Result } from '../../../src-shared/result';
import { PushQueue } from './push-queue';
import { directoryArriving, orderHistoryArriving } from '../db/deferred-indexes';

export const LOCAL_ONLY_REASON = 'No central store is configured; this workstation works on its local cache alone.';

interface LocalAnswer<C extends SyncChannel> {
  /** The database worker that answers: `writer` when the answer writes. */
  on: 'reader' | 'writer';
  answer(ask: { queue: PushQueue; client: Database.Database; input: ChannelParsedInput<C>; now: number }): ChannelOutput<C>;
}

export const LOCAL_SYNC_ANSWERS: { readonly [C in SyncChannel]: LocalAnswer<C> } = {
  'sync:status': {
    on: 'reader',
    answer: ({ queue, client }): SyncStatus => ({
      state: 'local_only',
      serverUrl: null,
      pendingWrites: queue.count(),
      lastSyncAt: null,
      lastError: null,
      nextRetryAt: null,
      initialSync: null,
      rejections: queue.rejections(),
      dataVersion: 0,
      lastCheck: null,
      // A copy cut short before the store was removed: its indexes are built at the writer's next start.
      orderHistoryReady: !orderHistoryArriving(client),
      directoryReady: !directoryArriving(client),
      buildingIndexes: false,
    }),
  },
  'sync:now': { on: 'reader', answer: () => ({ started: false }) },
  'sync:reset': { on: 'reader', answer: () => ({ started: false }) },
  'sync:check': {
    on: 'reader',
    answer: ({ now }) => ({ at: now, match: false, tables: [], repulling: [], skipped: LOCAL_ONLY_REASON }),
  },
  // Dismissing writes, so it goes to the writer.
  'sync:dismiss-rejection': { on: 'writer', answer: ({ queue, input, now }) => ({ dismissed: queue.dismiss(input.mutationId, now) }) },
};

/** `input` has passed the channel's contract (CoreProcess admitted the call). */
export function answerWithoutStore(client: Database.Database, channel: SyncChannel, input: unknown, now: number): Result<unknown> {
  const entry = LOCAL_SYNC_ANSWERS[channel] as LocalAnswer<SyncChannel> | undefined;
  if (entry === undefined) return fail('unknown_channel', `There is no sync channel named ${String(channel)}.`);
  return ok(entry.answer({ queue: new PushQueue(client), client, input: input as ChannelParsedInput<SyncChannel>, now }));
}
