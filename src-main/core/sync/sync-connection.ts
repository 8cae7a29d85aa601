/**
 * The settings of the sync thread's connection to the cache, on top of applyPragmas (db/open.ts).
 * The benchmark's raw-insert yardstick (bench/sync-raw.ts) uses the same, so the two compare alike.
 */
import type Database from 'better-sqlite3';

/** The sync connection's own auto-checkpoint, in pages (see below); raised while a checkpointer thread does the work (db/checkpoint-thread.ts). */
export const SYNC_AUTOCHECKPOINT_PAGES = 20_000;

export function applySyncConnectionPragmas(client: Database.Database): void {
  // Received-key tables of a reset can hold millions of keys: let them spill to disk.
  client.pragma('temp_store = FILE');
  // What this connection commits can be had again: a pulled page commits with its cursor (lost
  // together, pulled again), and a push settlement lost to a power cut is pushed again and answered
  // "duplicate". So its commits skip the fsync that synchronous=FULL costs (one per page: a large
  // share of the initial copy's time). Commits stay atomic, and a CSR's writes, made on the writer's
  // connection with FULL, stay durable.
  client.pragma('synchronous = NORMAL');
  // Inserting millions of rows reads index pages all over the file; through mmap every page read
  // stays in this process's resident memory. Through SQLite's own page cache it is bounded by
  // cache_size (applyPragmas), which keeps the initial copy's memory flat.
  client.pragma('mmap_size = 0');
  // 32 MiB rather than the 64 every other connection has: the copy's rows go in key order and the
  // order tables' random-order indexes are built at its end (db/deferred-indexes.ts), so a bigger
  // cache buys little. Measured side by side at 200,000 customers: 64 MiB 95k rows/s, peak RSS
  // 449 MB; 32 MiB 110k rows/s, 386 MB; 16 MiB 104k rows/s, 388 MB.
  client.pragma('cache_size = -32768');
  // Checkpoint after ~80 MB of WAL rather than SQLite's 4 MB: the copy changes the same index pages
  // again and again, and between two checkpoints each is written back to the database file once
  // (measured on 950k rows: 81k → 95k rows/s inserted). Readers find pages in the WAL by its hash
  // index, so a longer WAL does not slow lookups.
  client.pragma(`wal_autocheckpoint = ${SYNC_AUTOCHECKPOINT_PAGES}`);
}
