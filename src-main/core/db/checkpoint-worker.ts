/**
 * The WAL checkpointer's worker thread (out/main/checkpoint-worker.js), with its own connection to
 * the cache. The sync thread starts it (checkpoint-thread.ts) and tells it after every pulled page.
 *
 * Why: a checkpoint copies the pages committed to the write-ahead log back into the database file
 * and fsyncs it. Done by the connection that committed (SQLite's auto-checkpoint), it stops that
 * connection for its whole length: during a first copy the sync thread spent a tenth of its time
 * in checkpoints, mostly waiting for the disk (BENCHMARKS.md). Here it runs beside the copy. A
 * PASSIVE checkpoint never waits for or blocks a writer or a reader: it copies the frames no reader
 * still needs, and the writer starts the log over once a checkpoint has copied all of it.
 *
 * Messages: wrote (pages were committed: checkpoint soon; several while one runs make one more),
 * close (answers with its figures, then closes the connection).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { CheckpointFromWorker, CheckpointToWorker, CheckpointWorkerConfig } from './checkpoint-thread';
import { nameThisThread } from '../worker/worker-thread';
import { logger } from '../log/logger';

const port = parentPort;
if (!port) throw new Error('checkpoint-worker must run as a worker thread');
const config = workerData as CheckpointWorkerConfig;
nameThisThread('sb-checkpoint');
const log = logger('checkpoint');
const send = (msg: CheckpointFromWorker) => port.postMessage(msg);

let client: Database.Database;
try {
  client = new Database(config.dbFile, { fileMustExist: true, ...(config.nativeBinding ? { nativeBinding: config.nativeBinding } : {}) });
  // The fsyncs that make a checkpoint safe: with synchronous OFF a power cut after the log starts
  // over could leave the database file without pages the log no longer has.
  client.pragma('synchronous = FULL');
  // A checkpoint reads the log and writes the file through small buffers of its own: this
  // connection needs no page cache and no memory map.
  client.pragma('cache_size = -1024');
  client.pragma('mmap_size = 0');
  if (client.pragma('journal_mode', { simple: true }) !== 'wal') throw new Error('the cache is not in WAL mode');
} catch (e) {
  send({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

const figures = { checkpoints: 0, framesCopied: 0, ms: 0, failures: 0 };
let scheduled = false;
let closing = false;
/** Frames of the current log already copied (a checkpoint reports the log's totals, not its own share). */
let copiedOfLog = 0;

function checkpoint(): void {
  scheduled = false;
  if (closing) return;
  const started = performance.now();
  try {
    const [row] = client.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[];
    if (row && row.log >= 0) {
      // A smaller total than last time: the writer started the log over in between.
      if (row.checkpointed < copiedOfLog) copiedOfLog = 0;
      figures.framesCopied += row.checkpointed - copiedOfLog;
      copiedOfLog = row.checkpointed;
    }
    figures.checkpoints++;
  } catch (e) {
    // SQLITE_BUSY cannot happen to PASSIVE; anything else is logged and the next write tries again.
    figures.failures++;
    if (figures.failures <= 3) log.error({ err: e }, 'a checkpoint failed');
  }
  figures.ms += performance.now() - started;
}

port.on('message', (msg: CheckpointToWorker) => {
  switch (msg.type) {
    case 'wrote':
      if (!scheduled && !closing) {
        scheduled = true;
        // Messages that came during a checkpoint are all read before this runs: one more, not one each.
        setImmediate(checkpoint);
      }
      break;
    case 'close':
      if (closing) return;
      closing = true;
      client.close();
      send({ type: 'closed', figures: { ...figures, ms: Math.round(figures.ms) } });
      break;
  }
});

send({ type: 'ready' });
