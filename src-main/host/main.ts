/**
 * `npm run host`: the browser host as a command. Runs the core on a cache file and serves the built
 * renderer on 127.0.0.1. With a central store (`--server` or SWITCHBOARD_SERVER) the cache syncs
 * with it and its data comes from there; without one the cache works alone, with demo data on
 * first start.
 *
 * What it prints on stdout (the address to open, the usage) is its user interface and stays
 * console output; everything else goes to the log (core/log): the console at SWITCHBOARD_LOG_LEVEL
 * and the rotating file in a `logs` folder beside the cache file.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CoreProcess } from '../core/worker/core-process';
import { defaultMigrationsFolder } from '../core/db/open';
import { isCountryCode } from '../../src-shared/domain/phone';
import { offerCooldownDaysFrom } from '../../src-shared/domain/offer-rules';
import { idleLockMsFrom, isLoopbackUrl, storeSettingsFrom } from '../core/sync/store-settings';
import { MemorySecretStore } from '../core/auth/secret-store';
import { startBrowserHost } from './browser-host';
import { flushLogs, logger, setLogThread } from '../core/log/logger';
import { logFolderIn, writeLogFile } from '../core/log/log-file';

setLogThread('host');
const log = logger('host');

const USAGE = `Usage: npm run host -- [--db FILE] [--port N] [--region CC] [--server URL] [--idle-lock-seconds N] [--no-demo]
  --db FILE     the local cache file (default: ${defaultDbFile()})
  --port N      port on 127.0.0.1 (default 5178; 0 picks a free one)
  --region CC   default region for national phone numbers, e.g. US, GB, DE (default: $SWITCHBOARD_REGION or US)
  --server URL  the central store to sync with, e.g. http://127.0.0.1:5179 (default: $SWITCHBOARD_SERVER;
                none: the cache works alone, with its demo accounts). People sign in on the page; sync
                starts with the first online sign-in. Tokens are kept in memory only.
  --idle-lock-seconds N
                lock the session after N seconds without activity (default: $SWITCHBOARD_IDLE_LOCK_SECONDS or 300)
  --no-demo     do not seed demo customers into an empty cache (never seeded with a store: its data comes from there)`;

function defaultDbFile(): string {
  const base = process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share');
  return join(base, 'switchboard', 'switchboard-cache.db');
}

function die(message: string): never {
  console.error(`switchboard host: ${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        db: { type: 'string' },
        port: { type: 'string' },
        region: { type: 'string' },
        server: { type: 'string' },
        'idle-lock-seconds': { type: 'string' },
        'no-demo': { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (e) {
    die(e instanceof Error ? e.message : String(e));
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const port = args.port === undefined ? 5178 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) die(`--port must be a number from 0 to 65535, not "${args.port}"`);
  const region = (args.region ?? process.env.SWITCHBOARD_REGION ?? 'US').toUpperCase();
  if (!isCountryCode(region)) die(`--region must be a two-letter region code such as US or GB, not "${region}"`);
  const dbFile = resolve(args.db ?? defaultDbFile());
  mkdirSync(dirname(dbFile), { recursive: true });
  const logFolder = logFolderIn(dirname(dbFile));
  await writeLogFile(logFolder).catch((e: unknown) => log.warn({ err: e }, `the log file could not be opened in ${logFolder}; logging to the console only`));
  const settings = storeSettingsFrom({ server: args.server ?? process.env.SWITCHBOARD_SERVER });
  if (!settings.ok) die(settings.error.message);
  const store = settings.value;
  const idleLock = idleLockMsFrom(args['idle-lock-seconds'] ?? process.env.SWITCHBOARD_IDLE_LOCK_SECONDS);
  if (!idleLock.ok) die(idleLock.error.message);
  const cooldown = offerCooldownDaysFrom(process.env.SWITCHBOARD_OFFER_COOLDOWN_DAYS);
  if (!cooldown.ok) die(cooldown.message);
  log.info({ region, store: store ? new URL(store.serverUrl).origin : null }, 'Switchboard browser host starting');

  const here = import.meta.dirname;
  const core = new CoreProcess({
    dbFile,
    workerFile: join(here, 'db-worker.js'),
    minerWorkerFile: join(here, 'co-purchase-worker.js'),
    migrationsFolder: defaultMigrationsFolder(),
    defaultRegion: region,
    host: 'browser-host',
    offerCooldownDays: cooldown.days,
    // report:export saves its CSV files here: $SWITCHBOARD_DOWNLOADS_DIR, else ~/Downloads.
    downloadsDir: process.env.SWITCHBOARD_DOWNLOADS_DIR ? resolve(process.env.SWITCHBOARD_DOWNLOADS_DIR) : join(homedir(), 'Downloads'),
    version: process.env.npm_package_version ?? '0.1.0',
    // With a store the cache is filled from it: a local demo seed would only be deleted again.
    demoSeed: !args['no-demo'] && store === null,
    ...(store && { sync: { serverUrl: store.serverUrl, workerFile: join(here, 'sync-worker.js'), checkpointWorkerFile: join(here, 'checkpoint-worker.js') } }),
    // The browser host keeps tokens in memory only; without a store the demo accounts sign in.
    auth: { secrets: new MemorySecretStore(), idleLockMs: idleLock.value, demoAccounts: store === null },
  });
  try {
    await core.start();
  } catch (e) {
    log.fatal({ err: e }, 'cannot start');
    await core.stop();
    flushLogs();
    process.exit(1);
  }
  let host;
  try {
    // `npm start` runs this host where Electron cannot start: a page left open then names the right command.
    const launchedBy = process.env.SWITCHBOARD_LAUNCHED_BY === 'npm start' ? 'npm start' : 'npm run host';
    host = await startBrowserHost({ core, rendererDir: join(here, '../renderer'), port, launchedBy });
  } catch (e) {
    log.fatal({ err: e }, `cannot listen on 127.0.0.1:${port} (try --port 0)`);
    await core.stop();
    flushLogs();
    process.exit(1);
  }
  console.log(`Switchboard browser host (cache ${dbFile}, region ${region}, log in ${logFolder})`);
  console.log(
    store
      ? `Syncing with the central store at ${store.serverUrl} once someone signs in online` +
          (isLoopbackUrl(store.serverUrl) ? ' (the demo store has csr / csr-demo, supervisor / supervisor-demo, associate / associate-demo, admin / admin-demo)' : '')
      : 'No central store (--server or SWITCHBOARD_SERVER): this cache works alone. Demo accounts: csr / csr-demo, supervisor / supervisor-demo, associate / associate-demo, admin / admin-demo',
  );
  console.log(`Open ${host.url}`);
  console.log(`Screen-pop: add &from=NUMBER to that address, e.g. ${host.url}&from=%2B442079460958`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await host.close();
    await core.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main();
