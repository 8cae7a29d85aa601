/**
 * The sync engine's worker thread (out/main/sync-worker.js), with its own connection to the cache.
 *
 * Why a thread of its own: applying a 5,000-row page takes tens of milliseconds of SQLite work and
 * the initial copy of a store takes minutes; in the writer worker that would sit between CSRs'
 * saves, and on the main thread it would stall IPC. Here it runs beside them; WAL keeps readers
 * unblocked, and each page holds the write lock for one short transaction.
 *
 * Messages: call (the sync:* channels), kick (a write was saved), close.
 */
import { applySyncConnectionPragmas, SYNC_AUTOCHECKPOINT_PAGES } from './sync-connection';
import { BACKSTOP_AUTOCHECKPOINT_PAGES, CheckpointThread } from '../db/checkpoint-thread';
import { parentPort, workerData } from 'node:worker_threads';
import { setPriority } from 'node:os';
import { openCache, ensureClientId, type WritableDb } from '../db/open';
import { fail, missingCaseError, ok, type Result } from '../../../src-shared/result';
import { contracts, type ChannelOutput, type ChannelParsedInput, type SyncChannel } from '../../../src-shared/contracts';
import { SyncEngine } from './sync-engine';
import type { FromSyncWorker, SyncWorkerConfig, ToSyncWorker } from './sync-thread';
import { nameThisThread } from '../worker/worker-thread';
import { logger } from '../log/logger';

const port = parentPort;
if (!port) throw new Error('sync-worker must run as a worker thread');
const config = workerData as SyncWorkerConfig;
nameThisThread('sb-sync');
const send = (msg: FromSyncWorker) => port.postMessage(msg);
const syncLog = logger('sync');
const log = (message: string, error?: unknown) => (error === undefined ? syncLog.warn(message) : syncLog.error({ err: error }, message));

/**
 * This thread runs below the ones a CSR waits on. A first copy is minutes of synchronous SQLite
 * work; on a two-core workstation it competes for a CPU with the reader thread answering caller
 * lookups (target: p99 ≤ 20 ms during the initial sync, issue 4) and with the writer and main
 * threads. At nice 10 the scheduler gives a woken lookup the CPU ahead of the copy, and the copy
 * gets whatever the other threads leave. Nice 5 was tried (BENCHMARKS.md, runs S7–S9): faster at
 * 200,000 customers (188–196k rows/s against 168–172k) but not at 1,000,000 (166k against 175k and
 * 179k), with lookups a little slower, so it stays 10. Not 19 like the co-purchase miner: the copy
 * is what fills an empty cache, and a CSR's save waits for the page transaction holding the write
 * lock, so the thread should not starve behind every other program either.
 * Linux only: there pid 0 is the calling thread; elsewhere it would lower the whole app.
 */
const SYNC_THREAD_NICENESS = 10;
if (process.platform === 'linux') {
  try {
    setPriority(0, SYNC_THREAD_NICENESS);
  } catch {
    // Not permitted here (a sandbox or a container policy): the copy runs at normal priority.
  }
}

let db: WritableDb;
let engine: SyncEngine;
/** The WAL checkpointer (db/checkpoint-thread.ts), when the app gave its worker file. */
let checkpoints: CheckpointThread | undefined;
try {
  // The writer worker migrated the file before this thread started; migrating again is a no-op.
  db = openCache(config.dbFile, { migrationsFolder: config.migrationsFolder, nativeBinding: config.nativeBinding });
  applySyncConnectionPragmas(db.$client);
  engine = new SyncEngine({
    client: db.$client,
    clientId: ensureClientId(db),
    serverUrl: config.serverUrl,
    credentials: config.credentials,
    onTokenRefused: () => send({ type: 'token-refused' }),
    onTokenRenewed: (renewal) => send({ type: 'token-renewed', ...renewal }),
    pullLimit: config.pullLimit,
    idleMs: config.idleMs,
    log,
    publishStatus: () => publishStatus(),
    onCommitted: () => checkpoints?.wrote(),
    onPulled: (change) => {
      send({ type: 'pulled', tables: change.tables, dataVersion: change.dataVersion, copying: change.copying });
    },
  });
  if (config.checkpointWorkerFile) {
    const client = db.$client;
    checkpoints = new CheckpointThread({
      workerFile: config.checkpointWorkerFile,
      dbFile: config.dbFile,
      nativeBinding: config.nativeBinding,
      onLost: (why) => {
        if (client.open) client.pragma(`wal_autocheckpoint = ${SYNC_AUTOCHECKPOINT_PAGES}`);
        log(`the WAL checkpointer is not running (${why}); this connection checkpoints the log itself`);
      },
    });
    checkpoints
      .start()
      .then(() => {
        if (client.open) client.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
      })
      .catch(() => undefined); // onLost has said why
  }
} catch (e) {
  send({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}

/**
 * What the engine answers for each sync channel: a typed table over every sync channel (issue 20),
 * so a sync channel declared without an answer here fails the type check.
 */
const ANSWERS: { readonly [C in SyncChannel]: (input: ChannelParsedInput<C>) => ChannelOutput<C> | Promise<ChannelOutput<C>> } = {
  'sync:status': () => engine.status(),
  'sync:now': () => engine.syncNow(),
  'sync:reset': () => engine.reset(),
  'sync:check': () => engine.check(),
  'sync:dismiss-rejection': (input) => engine.dismissRejection(input.mutationId),
};

async function answer(channel: SyncChannel, input: unknown): Promise<Result<unknown>> {
  const parsed = contracts[channel].input.safeParse(input ?? {});
  if (!parsed.success) return fail('invalid_input', parsed.error.issues[0]?.message ?? 'The request was not valid.');
  const run = ANSWERS[channel] as ((input: unknown) => unknown) | undefined;
  if (run === undefined) throw missingCaseError(channel as never);
  return ok(await run(parsed.data));
}

/** How often the status is published (the window polls twice a second). */
const STATUS_EVERY_MS = 200;
let closing = false;
/** The last kick (saved write) this thread has heard of; every status it publishes says so. */
let kickSeq = 0;
port.on('message', (msg: ToSyncWorker) => {
  switch (msg.type) {
    case 'call':
      answer(msg.channel, msg.input)
        .catch((e: unknown) => {
          log(`${msg.channel} failed`, e);
          return fail('internal', 'Sync could not answer; try again, and tell support if it repeats.');
        })
        .then((result) => {
          // Status first: whoever awaited this answer and asks for the status next sees its effect.
          publishStatus();
          send({ type: 'result', id: msg.id, result });
        });
      break;
    case 'kick':
      kickSeq = msg.seq;
      engine.kick();
      break;
    case 'token':
      engine.setToken(msg.token, msg.expiresInMs, msg.nextToken);
      break;
    case 'close':
      if (closing) return;
      closing = true;
      void engine
        .stop()
        .catch((e: unknown) => log('sync did not stop cleanly', e))
        .then(() => checkpoints?.stop())
        .catch((e: unknown) => log('the WAL checkpointer did not stop cleanly', e))
        .finally(() => {
          db.$client.close();
          send({ type: 'closed' });
        });
      break;
  }
});

/** The status goes to the main thread a few times a second, so `sync:status` never waits on this thread. */
function publishStatus(): void {
  if (!closing) send({ type: 'status', status: engine.status(), kickSeq });
}

engine.start();
publishStatus();
setInterval(publishStatus, STATUS_EVERY_MS).unref();
send({ type: 'ready' });
