/**
 * The sync benchmark (issue 4), run by bench/run.ts after the local figures:
 *
 * 1. A throwaway PostgreSQL database `switchboard_bench_<pid>` gets the bench cache file's
 *    server-owned rows (loadCacheFileIntoStore), and the real server runs over it in a child process.
 * 2. A workstation process (bench/sync-workstation.ts: the real CoreProcess and its threads, built
 *    as users run them, see bench/app-build.ts) copies the store into an EMPTY cache file while
 *    looking callers up by phone: `sync.initial.*`,
 *    `sync.lookup_during.*`. The server's and PostgreSQL's CPU during the copy are read from /proc.
 * 3. The same phone lookup asked of the server over HTTP, for the numbers run.ts looked up locally:
 *    `lookup.server_http.*`.
 * 4. 50 workstations pushing notes at once: `push.*` (bench/sync-push.ts).
 * 5. The server stops and the database is dropped (also on failure or Ctrl-C); then the same rows
 *    go straight into another empty cache file, the yardstick: `sync.raw_insert.*`,
 *    `sync.initial_over_raw`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { PULL_PAGE } from '../src-shared/contracts/sync-protocol';
import { SYNC_TABLES } from '../src-shared/sync/tables';
import { benchPush } from './sync-push';
import { rawInsert } from './sync-raw';
import { replayPages } from './sync-replay';
import { processCpuSeconds } from './sync-proc';
import { BackendCpu, createDatabase, dropDatabase, fillStore, signIn, StoreProcess } from './sync-store';
import type { SampledPhone, WorkstationConfig, WorkstationReport } from './sync-workstation';
import type { BuiltWorkstation } from './app-build';
import { percentile, type Figure } from './stats';
import { coreProcessEnv } from '../scripts/electron-launch.mjs';

export interface SyncBenchOptions {
  repo: string;
  /** The cache file whose rows the store is loaded with (the bench's seeded file). */
  sourceDb: string;
  /** Where the synced and the raw cache files go (removed at the end). */
  workDir: string;
  /** The bundled workstation and the app's built workers (bench/app-build.ts). */
  workstation: BuiltWorkstation;
  /** The numbers run.ts looked up locally, as typed, with their customer: the server is asked for the same ones. */
  phones: readonly { typed: string; customerId: string }[];
  iterations: number;
  warmup: number;
  pushClients?: number;
  pushPerClient?: number;
}

const PHONES_FOR_SYNC_LOOKUPS = 20_000;
const LOOKUP_EVERY_MS = 50;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** SB_BENCH_CPU_PROF=<dir>: V8 CPU profiles of the workstation (every thread) and the server, to see where the time goes. */
export const cpuProfileArgs = (): string[] => (process.env.SB_BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.SB_BENCH_CPU_PROF] : []);

function removeCacheFile(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

/** How a CSR types the number (as bench/run.ts does): national for the desk's own country, else international. */
function typedForm(e164: string): string {
  const parsed = parsePhoneNumberWithError(e164);
  return parsed.country === 'US' ? parsed.formatNational() : parsed.formatInternational();
}

/** Every k-th phone of the source, with its rowid (the order the snapshot delivers phones in). */
export function phonesForSyncLookups(sourceDb: string): SampledPhone[] {
  const db = new Database(sourceDb, { readonly: true, fileMustExist: true });
  try {
    const max = (db.prepare('SELECT max(rowid) FROM customer_phones').pluck().get() as number | null) ?? 0;
    const step = Math.max(1, Math.floor(max / PHONES_FOR_SYNC_LOOKUPS));
    const rows = db.prepare('SELECT rowid, e164, customer_id FROM customer_phones WHERE rowid % ? = 0').all(step) as { rowid: number; e164: string; customer_id: string }[];
    return rows.map((r) => ({ rowid: r.rowid, typed: typedForm(r.e164), customerId: r.customer_id }));
  } finally {
    db.close();
  }
}

/** Forks the workstation process (built JavaScript, plain node), hands it its config, and waits for its report (bounded). */
export function runWorkstation(script: string, config: WorkstationConfig, repo: string, track: (child: ChildProcess) => void): Promise<WorkstationReport> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [], {
      cwd: repo,
      // As `npm start` and `npm run host` start the process that runs the core (malloc arenas).
      env: coreProcessEnv(process.env),
      execArgv: cpuProfileArgs(),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    track(child);
    let report: WorkstationReport | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), config.deadlineMs + 5 * 60_000);
    child.once('message', (m: WorkstationReport) => (report = m));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (report) resolve(report);
      else reject(new Error(`The workstation process ended without a report (${signal ?? `exit code ${code}`}).`));
    });
    child.send(config);
  });
}

async function benchServerLookup(serverUrl: string, token: string, options: SyncBenchOptions): Promise<Figure[]> {
  const phones = options.phones;
  if (phones.length === 0) return [];
  let wrong = 0;
  const ask = async (k: number) => {
    const phone = phones[k % phones.length]!;
    const started = performance.now();
    const response = await fetch(`${serverUrl}/lookup/phone?number=${encodeURIComponent(phone.typed)}&region=US`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await response.json()) as { ok: boolean; value?: { hits: { customerId: string }[] } };
    const ms = performance.now() - started;
    if (!body.ok || !body.value?.hits.some((h) => h.customerId === phone.customerId)) wrong++;
    return ms;
  };
  for (let i = 0; i < options.warmup; i++) await ask(i);
  wrong = 0;
  const times: number[] = [];
  for (let i = 0; i < options.iterations; i++) times.push(await ask(i));
  if (wrong > 0) console.warn(`  warning: ${wrong} of ${times.length} server lookups did not return the phone's customer`);
  return [
    { name: 'lookup.server_http.p50_ms', value: percentile(times, 0.5), unit: 'ms' },
    { name: 'lookup.server_http.p99_ms', value: percentile(times, 0.99), unit: 'ms' },
    { name: 'lookup.server_http.iterations', value: times.length, unit: 'lookups' },
  ];
}

export async function benchSync(options: SyncBenchOptions): Promise<Figure[]> {
  const database = `switchboard_bench_${process.pid}`;
  const user = { username: `sync-bench-${process.pid}`, password: randomUUID() };
  const cacheFile = join(options.workDir, `sync-bench-${process.pid}.db`);
  const rawFile = join(options.workDir, `sync-raw-${process.pid}.db`);
  const figures: Figure[] = [];
  let server: StoreProcess | undefined;
  let workstation: ChildProcess | undefined;

  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      workstation?.kill('SIGKILL');
      await server?.stop();
      await dropDatabase(database).catch((e: unknown) =>
        console.error(`  could not drop the bench database ${database}; drop it by hand: ${e instanceof Error ? e.message : String(e)}`),
      );
      removeCacheFile(cacheFile);
    })());
  // Ctrl-C (or a kill) while the store exists: stop the children and drop the database, then leave.
  const onSignal = (signal: NodeJS.Signals) => {
    console.warn(`\n${signal}: stopping the sync benchmark and dropping ${database} …`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let initialRate = 0;
  try {
    // --- The store. ---
    console.log(`Sync: loading ${options.sourceDb} into PostgreSQL database ${database} …`);
    await createDatabase(database);
    let lastPrint = 0;
    const filled = await fillStore(database, options.sourceDb, user, {
      customerIds: (options.pushClients ?? 50) * (options.pushPerClient ?? 100),
      onProgress: (rows, table, ms) => {
        if (ms - lastPrint < 15_000) return;
        lastPrint = ms;
        console.log(`  store load: ${fmt(rows)} rows (${table}) · ${(ms / 1000).toFixed(0)} s`);
      },
    });
    const loadSeconds = filled.load.ms / 1000;
    console.log(`  loaded ${fmt(filled.load.rows)} rows in ${loadSeconds.toFixed(0)} s (${fmt(filled.load.rows / loadSeconds)} rows/s); VACUUM ANALYZE ${(filled.vacuumMs / 1000).toFixed(0)} s`);
    figures.push(
      { name: 'sync.store_load.rows', value: filled.load.rows, unit: 'rows' },
      { name: 'sync.store_load.rows_per_s', value: filled.load.rows / loadSeconds, unit: 'rows/s' },
    );
    server = await StoreProcess.start(options.repo, database, cpuProfileArgs());
    console.log(`  store server at ${server.url} (pid ${server.pid})`);

    // --- Initial sync into an empty cache, with lookups during it. ---
    const phones = phonesForSyncLookups(options.sourceDb);
    const firstPhoneTable = SYNC_TABLES.findIndex((t) => t.name === 'customer_phones');
    const rowsBeforePhones = SYNC_TABLES.slice(0, firstPhoneTable).reduce((n, t) => n + (filled.load.tables[t.name] ?? 0), 0);
    removeCacheFile(cacheFile);
    const backends = new BackendCpu(database);
    await backends.start();
    const serverCpuBefore = processCpuSeconds(server.pid);
    const sampler = setInterval(() => void backends.sample().catch(() => undefined), 1000);
    console.log(`Sync: initial sync of ${fmt(filled.load.rows)} rows into an empty cache (pages of ${PULL_PAGE.max}), a phone lookup every ${LOOKUP_EVERY_MS} ms …`);
    const { script, ...app } = options.workstation;
    let report: WorkstationReport;
    try {
      report = await runWorkstation(
        script,
        {
          cacheFile,
          app,
          serverUrl: server.url,
          username: user.username,
          password: user.password,
          pullLimit: PULL_PAGE.max,
          phones,
          rowsBeforePhones,
          tableRows: SYNC_TABLES.map((t) => ({ table: t.name, rows: filled.load.tables[t.name] ?? 0 })),
          lookupEveryMs: LOOKUP_EVERY_MS,
          // Bounded: slower than 10,000 rows/s (20× short of the target) is not worth waiting for.
          deadlineMs: 10 * 60_000 + (filled.load.rows / 10_000) * 1000,
        },
        options.repo,
        (child) => (workstation = child),
      );
    } finally {
      clearInterval(sampler);
      await backends.sample().catch(() => undefined);
      await backends.stop();
    }
    if (report.type === 'failed') throw new Error(`The workstation failed: ${report.message}`);
    const serverCpuAfter = processCpuSeconds(server.pid);
    figures.push(...report.figures);
    if (serverCpuBefore !== null && serverCpuAfter !== null) figures.push({ name: 'sync.initial.server_cpu_s', value: serverCpuAfter - serverCpuBefore, unit: 's' });
    figures.push({ name: 'sync.initial.postgres_cpu_s', value: backends.seconds(), unit: 's' });
    const rows = report.figures.find((f) => f.name === 'sync.initial.rows')?.value ?? 0;
    initialRate = report.figures.find((f) => f.name === 'sync.initial.rows_per_s')?.value ?? 0;
    if (!report.caughtUp) console.warn(`  warning: the sync did not catch up (last error: ${report.lastError ?? 'none'}); the rate is of the rows copied so far`);
    if (rows !== filled.load.rows) console.warn(`  warning: the cache holds ${fmt(rows)} rows, the store ${fmt(filled.load.rows)}`);
    figures.push({ name: 'sync.initial.caught_up', value: report.caughtUp ? 1 : 0, unit: 'yes=1' });
    console.log(`  ${fmt(rows)} rows in ${report.figures.find((f) => f.name === 'sync.initial.seconds')?.value.toFixed(1)} s = ${fmt(initialRate)} rows/s`);
    removeCacheFile(cacheFile);

    // --- The same phone lookup, asked of the server over HTTP. ---
    console.log(`Sync: ${fmt(options.iterations)} phone lookups over HTTP (GET /lookup/phone) …`);
    const token = await signIn(server.url, user.username, user.password);
    figures.push(...(await benchServerLookup(server.url, token, options)));

    // --- Many workstations pushing at once. ---
    const clients = options.pushClients ?? 50;
    const perClient = options.pushPerClient ?? 100;
    console.log(`Sync: ${clients} workstations pushing ${perClient} notes each, one per request …`);
    const pushBackends = new BackendCpu(database);
    await pushBackends.start();
    const pushSampler = setInterval(() => void pushBackends.sample().catch(() => undefined), 1000);
    const serverCpuBeforePush = processCpuSeconds(server.pid);
    try {
      figures.push(...(await benchPush({ serverUrl: server.url, ...user, customerIds: filled.customerIds, clients, perClient })));
    } finally {
      clearInterval(pushSampler);
      await pushBackends.sample().catch(() => undefined);
      await pushBackends.stop();
    }
    const serverCpuAfterPush = processCpuSeconds(server.pid);
    if (serverCpuBeforePush !== null && serverCpuAfterPush !== null) figures.push({ name: 'push.server_cpu_s', value: serverCpuAfterPush - serverCpuBeforePush, unit: 's' });
    figures.push({ name: 'push.postgres_cpu_s', value: pushBackends.seconds(), unit: 's' });
  } finally {
    await cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  // --- The yardstick: the same rows inserted straight into an empty cache (the store is gone by now). ---
  console.log('Sync: raw insert of the same rows into an empty cache …');
  removeCacheFile(rawFile);
  try {
    const raw = rawInsert(options.sourceDb, rawFile, progressLine('raw insert', 'inserting'));
    const rawRate = raw.rows / raw.insertSeconds;
    console.log(
      `  ${fmt(raw.rows)} rows in ${raw.insertSeconds.toFixed(1)} s of inserts = ${fmt(rawRate)} rows/s (of which ${raw.indexBuildSeconds.toFixed(1)} s building ${raw.deferredIndexes.length} deferred indexes at the end)`,
    );
    figures.push(
      { name: 'sync.raw_insert.rows_per_s', value: rawRate, unit: 'rows/s' },
      { name: 'sync.raw_insert.seconds', value: raw.insertSeconds, unit: 's' },
      { name: 'sync.raw_insert.index_build_seconds', value: raw.indexBuildSeconds, unit: 's (part of sync.raw_insert.seconds)' },
      { name: 'sync.raw_insert.cpu_s', value: raw.insertCpuSeconds, unit: 's' },
      ...(raw.insertCpuWaitSeconds === null ? [] : [{ name: 'sync.raw_insert.cpu_wait_s', value: raw.insertCpuWaitSeconds, unit: 's (runnable, waiting for a CPU)' }]),
      { name: 'sync.raw_insert.rows_per_cpu_s', value: raw.rows / raw.insertCpuSeconds, unit: 'rows/s' },
      { name: 'sync.initial_over_raw', value: initialRate / rawRate, unit: 'x' },
    );
  } finally {
    removeCacheFile(rawFile);
  }

  // --- The second yardstick: the sync thread's own work on the same rows, alone on the machine. ---
  console.log('Sync: the same rows as pull pages, parsed, checked and applied by the sync code alone (no store, no HTTP) …');
  removeCacheFile(rawFile);
  try {
    const replay = replayPages(options.sourceDb, rawFile, progressLine('client only', 'timed'));
    const replayRate = replay.rows / replay.seconds;
    console.log(
      `  ${fmt(replay.rows)} rows in ${fmt(replay.pages)} pages, ${replay.seconds.toFixed(1)} s = ${fmt(replayRate)} rows/s ` +
        `(parse and check ${replay.parseSeconds.toFixed(1)} s, apply ${replay.applySeconds.toFixed(1)} s, index builds ${replay.indexBuildSeconds.toFixed(1)} s)`,
    );
    figures.push(
      { name: 'sync.client_only.rows_per_s', value: replayRate, unit: 'rows/s' },
      { name: 'sync.client_only.seconds', value: replay.seconds, unit: 's' },
      { name: 'sync.client_only.parse_check_s', value: replay.parseSeconds, unit: 's (part of sync.client_only.seconds)' },
      { name: 'sync.client_only.apply_s', value: replay.applySeconds, unit: 's (part of sync.client_only.seconds)' },
      { name: 'sync.client_only.index_build_s', value: replay.indexBuildSeconds, unit: 's (part of sync.client_only.seconds)' },
      { name: 'sync.client_only.cpu_s', value: replay.cpuSeconds, unit: 's' },
      { name: 'sync.initial_over_client_only', value: initialRate / replayRate, unit: 'x' },
    );
  } finally {
    removeCacheFile(rawFile);
  }
  return figures;
}

/** A yardstick's progress callback that prints a line at most every 15 s. */
function progressLine(label: string, timedAs: string): (rows: number, table: string, seconds: number) => void {
  let lastPrint = performance.now();
  return (rows, table, seconds) => {
    if (performance.now() - lastPrint < 15_000) return;
    lastPrint = performance.now();
    console.log(`  ${label}: ${fmt(rows)} rows (${table}) · ${seconds.toFixed(0)} s ${timedAs} · ${fmt(rows / seconds)} rows/s`);
  };
}
