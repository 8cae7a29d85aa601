/**
 * The sync channels when no central store is configured: this workstation works on its cache
 * alone. The answers are honest: the writes waiting in the outbox are counted (they will go once a
 * store is configured), writes a store refused earlier are still listed, and nothing claims to sync.
 * A database worker answers these on its own connection (the reader; dismissing on the writer).
 */
import type Database from 'better-sqlite3';
import type { SyncChannel } from '../../../src-shared/contracts';
import type { SyncCheckResult, SyncStatus } from '../../../src-shared/contracts/sync';
import { fail, ok, type Result } from '../../../src-shared/result';
import { PushQueue } from './push-queue';
import { directoryArriving, orderHistoryArriving } from '../db/deferred-indexes';

export const LOCAL_ONLY_REASON = 'No central store is configured; this workstation works on its local cache alone.';

export function answerWithoutStore(client: Database.Database, channel: SyncChannel, input: unknown, now: number): Result<unknown> {
  const queue = new PushQueue(client);
  switch (channel) {
    case 'sync:status': {
      const status: SyncStatus = {
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
      };
      return ok(status);
    }
    case 'sync:now':
    case 'sync:reset':
      return ok({ started: false });
    case 'sync:check': {
      const result: SyncCheckResult = { at: now, match: false, tables: [], repulling: [], skipped: LOCAL_ONLY_REASON };
      return ok(result);
    }
    case 'sync:dismiss-rejection': {
      const { mutationId } = input as { mutationId: number };
      return ok({ dismissed: queue.dismiss(mutationId, now) });
    }
    default: {
      const unknown: never = channel;
      return fail('unknown_channel', `There is no sync channel named ${String(unknown)}.`);
    }
  }
}
