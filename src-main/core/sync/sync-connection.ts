/**
 * The settings of the sync thread's connection to the cache, on top of applyPragmas (db/open.ts).
 * The benchmark's raw-insert yardstick (bench/sync-raw.ts) uses the same, so the two compare alike.
 */
import type Database from 'better-sqlite3';

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
  // Checkpoint after ~80 MB of WAL rather than SQLite's 4 MB: the copy changes the same index pages
  // again and again, and between two checkpoints each is written back to the database file once
  // (measured on 950k rows: 81k → 95k rows/s inserted). Readers find pages in the WAL by its hash
  // index, so a longer WAL does not slow lookups.
  client.pragma('wal_autocheckpoint = 20000');
}
