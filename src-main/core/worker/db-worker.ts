/**
 * A worker thread that owns one connection to the local cache. The writer migrates the file at
 * start and takes every write; readers answer lookups. In WAL mode readers never wait behind the
 * writer's transactions, so a long sync batch cannot stall a screen-pop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CountryCode } from 'libphonenumber-js/max';
import { openCache, type ReadableDb, type WritableDb } from '../db/open';
import { createHandlers, createReadHandlers, type DbHandlers, type ReadContext } from '../rpc/handlers';
import { LocalUsers, type UsersOp } from '../auth/local-users';
import { setOutboxActor } from '../outbox/outbox';
import { runHandler } from '../rpc/dispatch';
import { isChannel, isDbChannel, isSyncChannel, type SyncChannel } from '../../../src-shared/contracts';
import { fail, ok, type Result } from '../../../src-shared/result';
import { isCountryCode } from '../../../src-shared/domain/phone';
import { restoreDeferredIndexes } from '../seed/seed-indexes';
import { buildDeferredIndexes } from '../db/deferred-indexes';
import { answerWithoutStore } from '../sync/local-only';
import type { FromWorker, ToWorker, WorkerConfig } from './protocol';
import { nameThisThread } from './worker-thread';
import { logger } from '../log/logger';

const port = parentPort;
if (!port) throw new Error('db-worker must run as a worker thread');
const config = workerData as WorkerConfig;
nameThisThread(`sb-db-${config.role}`);
const dbLog = logger('db');
const send = (msg: FromWorker) => port.postMessage(msg);
const log = (msg: string, err: unknown) => dbLog.error({ err }, msg);

/** The writer's handle when this is the writer; only the reader's handle otherwise. */
let opened: { role: 'writer'; db: WritableDb } | { role: 'reader'; db: ReadableDb };
let db: ReadableDb;
let region: CountryCode;
try {
  if (!isCountryCode(config.defaultRegion)) throw new Error(`"${config.defaultRegion}" is not a two-letter region code`);
  region = config.defaultRegion;
  const where = { migrationsFolder: config.migrationsFolder, nativeBinding: config.nativeBinding };
  opened = config.role === 'reader' ? { role: 'reader', db: openCache(config.dbFile, { ...where, readonly: true }) } : { role: 'writer', db: openCache(config.dbFile, where) };
  db = opened.db;
  if (opened.role === 'writer') {
    // A bulk seed killed mid-load leaves its deferred indexes listed in cache_meta: build them now.
    restoreDeferredIndexes(opened.db);
    // A first copy cut short and the store then removed from the settings: nothing else would build these.
    if (config.buildDeferred) buildDeferredIndexes(opened.db.$client);
    // The generator (with faker's locale data, ~35 MB per thread) is loaded only to seed demo data.
    if (config.demoSeed) (await import('../seed/cache-seeder')).seedDemoIfEmpty(opened.db);
  }
} catch (e) {
  send({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}

const context: Omit<ReadContext, 'db'> = {
  defaultRegion: region,
  host: config.host,
  version: config.version,
  agentId: config.agentId,
  now: () => Date.now(),
  offerCooldownDays: config.offerCooldownDays,
};
// The reader gets only the read channels' handlers, with only its readable handle; the writer
// answers everything the cache answers. Both see the per-call agent set on `context` below.
const handlers: DbHandlers =
  opened.role === 'writer' ? createHandlers(Object.assign(context, { db: opened.db })) : createReadHandlers(Object.assign(context, { db: opened.db }));
const users = config.role === 'writer' ? new LocalUsers(db.$client) : undefined;

function answerUsers(op: UsersOp): Result<unknown> {
  if (!users) return fail('internal', 'Only the writer keeps the workstation’s users.');
  try {
    return ok(users.run(op));
  } catch (e) {
    log(`users ${op.op} failed`, e);
    return fail('internal', 'This workstation’s sign-in records could not be read or saved; try again.');
  }
}

/** CoreProcess sends `sync:*` here only when no central store is configured (see sync/local-only.ts). */
function syncWithoutStore(channel: SyncChannel, input: unknown): Result<unknown> {
  try {
    return answerWithoutStore(db.$client, channel, input, Date.now());
  } catch (e) {
    log(`${channel} failed`, e);
    return fail('internal', 'The sync status could not be read from the local cache; try again.');
  }
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'close') {
    db.$client.close();
    send({ type: 'closed' });
    return;
  }
  if (msg.type === 'users') {
    send({ type: 'result', id: msg.id, result: answerUsers(msg.op) });
    return;
  }
  // Every row and outbox entry this call writes is recorded as the signed-in user's.
  context.agentId = msg.actor?.username ?? config.agentId;
  context.agentRole = msg.actor?.role;
  context.agentUserId = msg.actor?.userId;
  context.approver = msg.actor?.approver;
  setOutboxActor(db, msg.actor?.userId ?? null);
  const result = !isChannel(msg.channel)
    ? fail('unknown_channel', `There is no channel named ${msg.channel}.`)
    : isSyncChannel(msg.channel)
      ? syncWithoutStore(msg.channel, msg.input)
      : isDbChannel(msg.channel)
        ? runHandler(handlers, msg.channel, msg.input, log)
        : fail('unknown_channel', `${msg.channel} is not answered by the cache.`);
  send({ type: 'result', id: msg.id, result });
});

send({ type: 'ready' });
