/**
 * The window's view of sync (IPC channels). These are answered by the sync engine's thread, not by
 * a database worker: `sync:status` is read from memory and is cheap enough to poll twice a second.
 */
import { z } from 'zod';
import { text } from './text';
import { channelGroup, defineChannel } from './define';
import { SYNC_TABLE_NAMES } from '../sync/tables';

export const SYNC_CONNECTION_STATES = [
  /** No central store is configured: this workstation works on its cache alone. */
  'local_only',
  /** Reaching the store (first contact or after a failure). */
  'connecting',
  'online',
  /** The store is unreachable; retrying with backoff. Everything keeps working on the cache. */
  'offline',
  /**
   * The store answers but fails for a reason of its own (5xx: its database is down, say); retrying
   * with backoff. Not "offline": the network and the store are there (issue 18, item 3). An entry
   * the store refuses for its data is no failure of either: it is a rejection (`rejections`).
   */
  'store_failing',
  /** The store refused this workstation's credentials: a person must act. */
  'signed_out',
] as const;
export type SyncConnectionState = (typeof SYNC_CONNECTION_STATES)[number];

/** A pushed write the central store refused for good (it will not retry): shown until dismissed. */
export const syncRejection = z.object({
  mutationId: z.number().int(),
  name: text(),
  code: text(),
  message: text(),
  /** When the store refused it (epoch ms, the store's clock). */
  at: z.number().int(),
});
export type SyncRejection = z.infer<typeof syncRejection>;

export const syncTableCheck = z.object({
  table: z.enum(SYNC_TABLE_NAMES),
  localCount: z.number().int(),
  serverCount: z.number().int(),
  match: z.boolean(),
});
export type SyncTableCheck = z.infer<typeof syncTableCheck>;

export const syncCheckResult = z.object({
  /** Epoch ms (this workstation's clock) when the check finished. */
  at: z.number().int(),
  match: z.boolean(),
  tables: z.array(syncTableCheck),
  /** Tables re-pulled because they did not match (a targeted re-pull was started). */
  repulling: z.array(z.enum(SYNC_TABLE_NAMES)),
  /** Why the check could not be made (offline, writes still pending, …); null when it ran. */
  skipped: text().nullable(),
});
export type SyncCheckResult = z.infer<typeof syncCheckResult>;

export const syncStatus = z.object({
  state: z.enum(SYNC_CONNECTION_STATES),
  /** The central store's address, or null when local only. */
  serverUrl: text().nullable(),
  /** Local writes saved in the cache and not yet confirmed by the store. */
  pendingWrites: z.number().int().nonnegative(),
  /** Epoch ms of the last completed pull that reached the end (caught up), or null. */
  lastSyncAt: z.number().int().nullable(),
  /** The last failure in words (network, server error), or null. */
  lastError: text().nullable(),
  /** When the next retry happens while offline (epoch ms), or null. */
  nextRetryAt: z.number().int().nullable(),
  /** The initial (or a reset / targeted) copy from the store, while it runs. */
  initialSync: z
    .object({
      done: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
      /** Estimated milliseconds left at the current rate, or null until a rate is known. */
      etaMs: z.number().int().nonnegative().nullable(),
    })
    .nullable(),
  /** Writes the store refused for good, newest first: they need a person's attention. */
  rejections: z.array(syncRejection),
  /** Goes up every time pulled rows change the cache: screens showing store data reload on a change. */
  dataVersion: z.number().int().nonnegative(),
  /** The last data check (counts and checksums), or null if none ran since start. */
  lastCheck: syncCheckResult.nullable(),
  /**
   * False while the first copy is still bringing in orders and order lines (their indexes are built
   * at its end): order lists, purchases and purchase-based suggestions are empty until then.
   */
  orderHistoryReady: z.boolean(),
  /**
   * False while the first copy is still bringing in customers and their phones, emails and
   * addresses (their indexes and the name search are built once those tables are in, early in the
   * copy): caller lookup says the directory is still arriving instead of answering from part of it.
   */
  directoryReady: z.boolean(),
  /**
   * True while this workstation builds the indexes a copy deferred (once the directory is in, and
   * again after the last page). Each index is one transaction of seconds on a big cache, and a save
   * waits for it: the window says so rather than look stuck.
   */
  buildingIndexes: z.boolean(),
});
export type SyncStatus = z.infer<typeof syncStatus>;

export const syncStatusChannel = defineChannel({
  channel: 'sync:status',
  permission: 'sync.use',
  access: 'sync',
  input: z.object({}).strict(),
  output: syncStatus,
});

/** Sync now: push pending writes and pull, skipping any backoff wait. */
export const syncNow = defineChannel({
  channel: 'sync:now',
  permission: 'sync.use',
  access: 'sync',
  input: z.object({}).strict(),
  output: z.object({ started: z.boolean() }),
});

/** Compare per-table counts and checksums with the store; re-pull the tables that differ. */
export const syncCheck = defineChannel({
  channel: 'sync:check',
  permission: 'sync.use',
  access: 'sync',
  input: z.object({}).strict(),
  output: syncCheckResult,
});

/** Re-pull everything from the store. Pending writes are kept and still delivered. */
export const syncReset = defineChannel({
  channel: 'sync:reset',
  permission: 'sync.manage',
  access: 'sync',
  input: z.object({}).strict(),
  output: z.object({ started: z.boolean() }),
});

/** Hide a refused write from the attention list once a person has dealt with it. */
export const syncDismissRejection = defineChannel({
  channel: 'sync:dismiss-rejection',
  /** Everyone may clear a refused write from the list once they have read it. */
  permission: 'sync.use',
  access: 'sync',
  input: z.object({ mutationId: z.number().int().positive() }).strict(),
  output: z.object({ dismissed: z.boolean() }),
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const syncChannels = channelGroup(syncStatusChannel, syncNow, syncCheck, syncReset, syncDismissRejection);
