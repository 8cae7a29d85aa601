/**
 * `npm run host`: the browser host as a command. Runs the core on a cache file and serves the built
 * renderer on 127.0.0.1. With a central store (`--server` or SWITCHBOARD_SERVER) the cache syncs
 * with it and its data comes from there; without one the cache works alone, with demo data on
 * first start.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CoreProcess } from '../core/worker/core-process';
import { defaultMigrationsFolder } from '../core/db/open';
import { isCountryCode } from '../../src-shared/domain/phone';
import { storeSettingsFrom } from '../core/sync/store-settings';
import { startBrowserHost } from './browser-host';

const USAGE = `Usage: npm run host -- [--db FILE] [--port N] [--region CC] [--server URL] [--no-demo]
  --db FILE     the local cache file (default: ${defaultDbFile()})
  --port N      port on 127.0.0.1 (default 5178; 0 picks a free one)
  --region CC   default region for national phone numbers, e.g. US, GB, DE (default: $SWITCHBOARD_REGION or US)
  --server URL  the central store to sync with, e.g. http://127.0.0.1:5179 (default: $SWITCHBOARD_SERVER;
                none: the cache works alone). Signs in as $SWITCHBOARD_USER / $SWITCHBOARD_PASSWORD;
                for a store on this computer they default to the demo CSR (csr / csr-demo).
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
  // Interim until the sign-in screen (issue 5): the account comes from the environment.
  const settings = storeSettingsFrom({
    server: args.server ?? process.env.SWITCHBOARD_SERVER,
    username: process.env.SWITCHBOARD_USER,
    password: process.env.SWITCHBOARD_PASSWORD,
  });
  if (!settings.ok) die(settings.error.message);
  const store = settings.value;

  const here = import.meta.dirname;
  const core = new CoreProcess({
    dbFile,
    workerFile: join(here, 'db-worker.js'),
    minerWorkerFile: join(here, 'co-purchase-worker.js'),
    migrationsFolder: defaultMigrationsFolder(),
    defaultRegion: region,
    host: 'browser-host',
    version: process.env.npm_package_version ?? '0.1.0',
    // With a store the cache is filled from it: a local demo seed would only be deleted again.
    demoSeed: !args['no-demo'] && store === null,
    ...(store && {
      sync: { serverUrl: store.serverUrl, username: store.username, password: store.password, workerFile: join(here, 'sync-worker.js') },
    }),
  });
  try {
    await core.start();
  } catch (e) {
    console.error(`switchboard host: cannot start: ${e instanceof Error ? e.message : String(e)}`);
    await core.stop();
    process.exit(1);
  }
  let host;
  try {
    host = await startBrowserHost({ core, rendererDir: join(here, '../renderer'), port });
  } catch (e) {
    console.error(`switchboard host: cannot listen on 127.0.0.1:${port}: ${e instanceof Error ? e.message : String(e)} (try --port 0)`);
    await core.stop();
    process.exit(1);
  }
  console.log(`Switchboard browser host (cache ${dbFile}, region ${region})`);
  console.log(
    store
      ? `Syncing with the central store at ${store.serverUrl} as ${store.username}${store.demoAccount ? ' (the demo CSR; set SWITCHBOARD_USER and SWITCHBOARD_PASSWORD for another account)' : ''}`
      : 'No central store (--server or SWITCHBOARD_SERVER): this cache works alone',
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
