/**
 * The workstation side of the sync benchmark, in a process of its own (forked by bench/sync.ts) so
 * its memory is the workstation's alone: the real CoreProcess — writer, reader, sync and
 * co-purchase miner threads, started from the app's built worker files as Electron and the browser
 * host start them — copies the central store into an empty cache file, while a CSR looks callers
 * up by phone through `lookup:search` as the window would. This file itself runs bundled, under
 * plain node (bench/app-build.ts), so no TypeScript loader weighs on the figures.
 *
 * It receives one WorkstationConfig over IPC and answers with one WorkstationReport.
 */
import Database from 'better-sqlite3';
import { readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { LookupSearchOutput } from '../src-shared/contracts/lookup';
import type { SyncStatus } from '../src-shared/contracts/sync';
import type { CoPurchaseStatus } from '../src-shared/contracts/suggestions';
import { SYNC_TABLE_NAMES } from '../src-shared/sync/tables';
import { CoreProcess } from '../src-main/core/worker/core-process';
import { SeedRandom } from '../src-shared/seed/random';
import { threadsByCpu, threadTimes } from './sync-proc';
import type { BuiltWorkstation } from './app-build';
import { percentile, type Figure } from './stats';

export interface SampledPhone {
  /** The phone row's position in the source file (phones are keyed in the order they were made). */
  rowid: number;
  /** As a CSR types it. */
  typed: string;
  customerId: string;
}

export interface WorkstationConfig {
  cacheFile: string;
  /** The app's built worker files and migrations (bench/app-build.ts). */
  app: Omit<BuiltWorkstation, 'script'>;
  serverUrl: string;
  username: string;
  password: string;
  pullLimit: number;
  /** Phones from the source, by rowid: a lookup picks one the sync has already delivered, when there is one. */
  phones: SampledPhone[];
  /** Rows the snapshot sends before the first phone (the tables before customer_phones). */
  rowsBeforePhones: number;
  /** Each synced table's rows in the store, in the snapshot's order: when the copy passes each one. */
  tableRows: { table: string; rows: number }[];
  /** One lookup starts every this many ms (a busy desk, not a flood that would starve the sync). */
  lookupEveryMs: number;
  /** Give up waiting for the sync after this long (the figures then say it did not catch up). */
  deadlineMs: number;
}

export type WorkstationReport = { type: 'figures'; figures: Figure[]; caughtUp: boolean; lastError: string | null } | { type: 'failed'; message: string };

const STATUS_EVERY_MS = 100;
/**
 * How often the bench says its CSR is active, as the window does on input (auth:activity): the
 * CSR is looking callers up all along, and a session left idle locks after 5 minutes, after which
 * every `sync:status` is refused `locked`. A long copy then looked stuck at its last progress
 * (issue 18, item 4).
 */
const ACTIVITY_EVERY_MS = 30_000;
/** `sync:status` refused this long in a row: the bench stops and says why rather than show a stale status. */
const REFUSED_STATUS_LIMIT_MS = 30_000;
const RSS_EVERY_MS = 100;
const PRINT_EVERY_MS = 15_000;
/** How long to wait after the copy for the co-purchase miner's first count (about 100 s at 1,000,000 customers). */
const AFTER_COPY_DEADLINE_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What the RSS is made of (Linux): anonymous memory (heaps, SQLite page caches) and file pages
 * mapped into the process (SQLite's mmap of the cache file, counted once per connection that
 * mapped it, though the kernel may drop them at any time). Zeros elsewhere.
 */
function rssParts(): { anon: number; file: number } {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { anon: kb('RssAnon'), file: kb('RssFile') + kb('RssShmem') };
  } catch {
    return { anon: 0, file: 0 };
  }
}
const mb = (bytes: number) => bytes / 1024 / 1024;

async function run(config: WorkstationConfig): Promise<WorkstationReport> {
  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  let peakParts = rssParts();
  let peakAnon = peakParts.anon;
  let peakAt = 0;
  const rssSamples: number[] = [];
  /** Set once the copy has caught up: samples from then on count for the after-copy peak only. */
  let afterCopyPeak: number | null = null;
  const rssTimer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (afterCopyPeak !== null) {
      afterCopyPeak = Math.max(afterCopyPeak, rss);
      return;
    }
    rssSamples.push(rss);
    if (rss > peakRss) {
      peakRss = rss;
      peakParts = rssParts();
      peakAt = performance.now();
    }
    peakAnon = Math.max(peakAnon, rssParts().anon);
  }, RSS_EVERY_MS);
  const loads: number[] = [];
  const loadTimer = setInterval(() => loads.push(loadavg()[0] ?? 0), 5_000);

  // As src-main/host/main.ts and src-main/electron/main.ts compose it, with the bench's account.
  const core = new CoreProcess({
    dbFile: config.cacheFile,
    workerFile: config.app.dbWorker,
    minerWorkerFile: config.app.minerWorker,
    migrationsFolder: config.app.migrationsFolder,
    defaultRegion: 'US',
    host: 'browser-host',
    version: 'bench',
    agentId: 'bench',
    sync: {
      serverUrl: config.serverUrl,
      username: config.username,
      password: config.password,
      workerFile: config.app.syncWorker,
      checkpointWorkerFile: config.app.checkpointWorker,
      pullLimit: config.pullLimit,
    },
  });

  let stopped: Promise<void> | undefined;
  const stopCore = () => (stopped ??= core.stop());
  let status: SyncStatus | null = null;
  let finished = false;
  let caughtUp = false;
  /** A page has landed (the status showed a copy under way or a finished pull): the threads are up. */
  let firstPageLanded = false;
  const cpuBefore = process.cpuUsage();
  const threadsBefore = threadTimes();
  const started = performance.now();
  let elapsedMs = 0;
  try {
    await core.start();
    // Lookups need a signed-in user (the sync thread signs in by itself with the same account).
    const signedIn = await core.call('auth:sign-in', { username: config.username, password: config.password });
    if (!signedIn.ok) throw new Error(`Signing in on the bench workstation failed: ${signedIn.error.message}`);
    const rssStarted = process.memoryUsage.rss();

    // When `done` first passes the end of each table (the snapshot sends them in order) and when
    // the last page landed (the rest, until caught up, is building the deferred indexes).
    const boundaries: { table: string; end: number; at: number | null }[] = [];
    let cumulative = 0;
    for (const { table, rows } of config.tableRows) {
      if (rows === 0) continue;
      cumulative += rows;
      boundaries.push({ table, end: cumulative, at: null });
    }
    const markBoundaries = (done: number) => {
      const now = performance.now();
      for (const b of boundaries) if (b.at === null && done >= b.end) b.at = now;
    };

    // Sync status, as the window polls it; "caught up" = no initial copy running and a pull reached the end.
    const watch = (async () => {
      let lastPrint = performance.now();
      let lastActivity = performance.now();
      let refusedSince: number | null = null;
      while (!finished) {
        if (performance.now() - lastActivity >= ACTIVITY_EVERY_MS) {
          lastActivity = performance.now();
          const active = await core.call('auth:activity', {});
          if (!active.ok) console.warn(`  the bench session refused activity: ${active.error.code} ${active.error.message}`);
        }
        const r = await core.call('sync:status', {});
        if (!r.ok) {
          // Never carry on with the last status as if it were current: say so, and stop if it lasts.
          refusedSince ??= performance.now();
          if (performance.now() - refusedSince >= REFUSED_STATUS_LIMIT_MS) {
            finished = true;
            throw new Error(`sync:status has been refused for ${(REFUSED_STATUS_LIMIT_MS / 1000).toFixed(0)} s: ${r.error.code} ${r.error.message}`);
          }
        } else refusedSince = null;
        if (r.ok) {
          status = r.value as SyncStatus;
          if (status.initialSync !== null || status.lastSyncAt !== null) firstPageLanded = true;
          if (status.initialSync !== null) markBoundaries(status.initialSync.done);
          else if (firstPageLanded) markBoundaries(Infinity);
          if (status.initialSync === null && status.lastSyncAt !== null) {
            caughtUp = true;
            finished = true;
            break;
          }
          if (status.state === 'signed_out') throw new Error(`The store refused the bench user: ${status.lastError}`);
        }
        const now = performance.now();
        if (now - lastPrint >= PRINT_EVERY_MS) {
          lastPrint = now;
          const done = status?.initialSync?.done ?? 0;
          const total = status?.initialSync?.total ?? 0;
          const s = (now - started) / 1000;
          console.log(
            `  sync: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} rows · ${s.toFixed(0)} s · ${Math.round(done / s).toLocaleString('en-US')} rows/s · RSS ${mb(process.memoryUsage.rss()).toFixed(0)} MB (peak ${mb(peakRss).toFixed(0)}) · ${status?.state ?? '?'}${status?.lastError ? ` (${status.lastError})` : ''} · load ${loadavg()[0]?.toFixed(1)}`,
          );
        }
        if (now - started > config.deadlineMs) {
          console.warn(`  the sync did not catch up within ${(config.deadlineMs / 60_000).toFixed(0)} min; stopping it`);
          finished = true;
          break;
        }
        await sleep(STATUS_EVERY_MS);
      }
      elapsedMs = performance.now() - started;
    })();

    // Lookups while the copy runs: a number of a customer whose phones have already arrived.
    const lookups: number[] = [];
    const hitTimes: number[] = [];
    /** Lookups after the last page, before caught up: the copy builds the indexes it deferred (db/deferred-indexes.ts). */
    const finalPhase: number[] = [];
    let hits = 0;
    let noMatch = 0;
    /** Answered "the customer directory is still arriving" (its indexes are built once its tables are in). */
    let arriving = 0;
    let wrong = 0;
    let errors = 0;
    let startupLookups = 0;
    const phones = [...config.phones].sort((a, b) => a.rowid - b.rowid);
    const random = new SeedRandom(1, 'bench-sync-lookups');
    const pick = (): SampledPhone => {
      const delivered = Math.max(0, (status?.initialSync?.done ?? (firstPageLanded ? Infinity : 0)) - config.rowsBeforePhones);
      let n = 0;
      while (n < phones.length && phones[n]!.rowid <= delivered) n++;
      // None delivered yet (products and customers come first): look one up anyway, it finds nothing.
      return phones[random.int(n > 0 ? n : phones.length)]!;
    };
    const ask = (async () => {
      let next = performance.now();
      while (!finished) {
        const phone = pick();
        const t = performance.now();
        const r = await core.call('lookup:search', { query: phone.typed, limit: 20 });
        const ms = performance.now() - t;
        if (finished) break; // answered after the sync caught up: not "during"
        // Before the first page lands the threads are still starting: not the sync's effect.
        if (!firstPageLanded) startupLookups++;
        else {
          lookups.push(ms);
          if ((status as SyncStatus | null)?.initialSync === null) finalPhase.push(ms);
          if (!r.ok) errors++;
          else {
            const answer = r.value as LookupSearchOutput;
            const hitList = answer.hits;
            if (answer.directoryArriving) arriving++;
            else if (hitList.length === 0) noMatch++;
            else if (hitList.some((h) => h.customerId === phone.customerId)) {
              hits++;
              hitTimes.push(ms);
            } else wrong++;
          }
        }
        next += config.lookupEveryMs;
        await sleep(Math.max(0, next - performance.now()));
      }
    })();

    await Promise.all([watch, ask]);
    const cpu = process.cpuUsage(cpuBefore);
    // The sync worker's thread is by far the busiest during a copy (the others answer lookups).
    const byThread = threadsByCpu(threadsBefore, threadTimes());
    const syncThread = byThread[0] ?? null;
    // Where the rest of the workstation's CPU went (the reader answering lookups, the checkpointer
    // copying the WAL into the file, V8's and libuv's helpers…): the threads that used a second or more.
    const others = byThread.slice(1).filter((t) => t.cpu >= 1);
    if (others.length > 0) console.log(`  other threads by CPU: ${others.map((t) => `${t.name ?? '?'}#${t.tid} ${t.cpu.toFixed(1)} s`).join(', ')}`);
    const lastError = (status as SyncStatus | null)?.lastError ?? null;

    // Right after the copy the co-purchase miner counts every order that arrived (the app does
    // this once the copy's last page is in): the same process's memory until its rules are ready.
    afterCopyPeak = process.memoryUsage.rss();
    let afterCopy: { seconds: number; peakRss: number; ready: boolean } | null = null;
    if (caughtUp) {
      const afterStarted = performance.now();
      let ready = false;
      while (performance.now() - afterStarted < AFTER_COPY_DEADLINE_MS) {
        const r = await core.call('suggestions:status', {});
        const s = r.ok ? (r.value as CoPurchaseStatus) : null;
        if (s && s.state === 'ready' && s.ordersPending === 0 && s.ordersCovered > 0) {
          ready = true;
          break;
        }
        await sleep(500);
      }
      afterCopy = { seconds: (performance.now() - afterStarted) / 1000, peakRss: afterCopyPeak, ready };
      if (!ready) console.warn(`  warning: the suggestions were not ready ${AFTER_COPY_DEADLINE_MS / 60_000} min after the copy`);
    }
    clearInterval(rssTimer);
    clearInterval(loadTimer);
    await stopCore();

    const cache = new Database(config.cacheFile, { readonly: true });
    let rows = 0;
    try {
      for (const table of SYNC_TABLE_NAMES) rows += cache.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;
    } finally {
      cache.close();
    }
    const seconds = elapsedMs / 1000;
    if (errors > 0) console.warn(`  warning: ${errors} lookups during the sync answered with an error`);
    if (wrong > 0) console.warn(`  warning: ${wrong} lookups during the sync found other customers but not the phone's own`);
    const figures: Figure[] = [
      { name: 'sync.initial.rows', value: rows, unit: 'rows' },
      { name: 'sync.initial.seconds', value: seconds, unit: 's' },
      { name: 'sync.initial.rows_per_s', value: rows / seconds, unit: 'rows/s' },
      { name: 'sync.initial.peak_rss_mb', value: mb(peakRss), unit: 'MB' },
      { name: 'sync.initial.peak_rss_anon_mb', value: mb(peakParts.anon), unit: 'MB (anonymous part of the peak)' },
      { name: 'sync.initial.peak_rss_file_mb', value: mb(peakParts.file), unit: 'MB (mapped-file part of the peak)' },
      { name: 'sync.initial.peak_anon_mb', value: mb(peakAnon), unit: 'MB' },
      // When the peak came (seconds after the start) and the median of all samples: a start-up peak reads differently from a growing one.
      { name: 'sync.initial.peak_rss_at_s', value: Math.max(0, (peakAt - started) / 1000), unit: 's' },
      { name: 'sync.initial.rss_p50_mb', value: mb(rssSamples.length > 0 ? percentile(rssSamples, 0.5) : rssBefore), unit: 'MB' },
      { name: 'sync.initial.rss_before_mb', value: mb(rssBefore), unit: 'MB' },
      // Right after the core's threads started (the sync had just begun): what the threads weigh before any data.
      { name: 'sync.initial.rss_started_mb', value: mb(rssStarted), unit: 'MB' },
      // All threads of the workstation process (writer, reader, sync, main); the server's and PostgreSQL's are separate figures.
      { name: 'sync.initial.workstation_cpu_s', value: (cpu.user + cpu.system) / 1e6, unit: 's' },
      ...(syncThread
        ? [
            { name: 'sync.initial.sync_thread_cpu_s', value: syncThread.cpu, unit: 's' },
            { name: 'sync.initial.sync_thread_cpu_wait_s', value: syncThread.waitForCpu, unit: 's (runnable, waiting for a CPU)' },
            { name: 'sync.initial.rows_per_sync_thread_cpu_s', value: rows / syncThread.cpu, unit: 'rows/s' },
            ...(syncThread.nice === null ? [] : [{ name: 'sync.initial.sync_thread_nice', value: syncThread.nice, unit: 'nice' }]),
          ]
        : []),
      { name: 'sync.initial.cache_mb', value: mb(statSync(config.cacheFile).size), unit: 'MB' },
      { name: 'sync.initial.loadavg_1m', value: loads.length > 0 ? loads.reduce((a, b) => a + b, 0) / loads.length : (loadavg()[0] ?? 0), unit: 'load' },
    ];
    // Seconds per table (from when the previous table's last row landed), as the status polled every
    // 100 ms saw it; the index build is from the last page to caught up.
    let previous = started;
    for (const b of boundaries) {
      if (b.at === null) continue;
      figures.push({ name: `sync.initial.table_s.${b.table}`, value: (b.at - previous) / 1000, unit: 's' });
      previous = b.at;
    }
    if (afterCopy) {
      figures.push(
        { name: 'sync.after_copy.suggestions_s', value: afterCopy.seconds, unit: afterCopy.ready ? 's (caught up → suggestions counted from every order)' : 's (gave up: not ready)' },
        { name: 'sync.after_copy.peak_rss_mb', value: mb(afterCopy.peakRss), unit: 'MB (meanwhile)' },
      );
    }
    const lastPage = boundaries.at(-1)?.at;
    if (caughtUp && lastPage != null) figures.push({ name: 'sync.initial.after_last_page_s', value: (started + elapsedMs - lastPage) / 1000, unit: 's (building the deferred indexes)' });
    if (lookups.length > 0) {
      figures.push(
        { name: 'sync.lookup_during.p50_ms', value: percentile(lookups, 0.5), unit: 'ms' },
        { name: 'sync.lookup_during.p99_ms', value: percentile(lookups, 0.99), unit: 'ms' },
        { name: 'sync.lookup_during.lookups', value: lookups.length, unit: 'lookups' },
        { name: 'sync.lookup_during.hits', value: hits, unit: 'lookups' },
        { name: 'sync.lookup_during.no_match', value: noMatch, unit: 'lookups' },
        { name: 'sync.lookup_during.directory_arriving', value: arriving, unit: 'lookups (answered: directory still arriving)' },
        { name: 'sync.lookup_during.before_first_page', value: startupLookups, unit: 'lookups (not in the percentiles)' },
      );
      if (hitTimes.length > 0) figures.push({ name: 'sync.lookup_during.hit_p99_ms', value: percentile(hitTimes, 0.99), unit: 'ms' });
      // Part of the above: after the last page, while the deferred indexes are built.
      if (finalPhase.length > 0) {
        figures.push(
          { name: 'sync.lookup_during.index_build.lookups', value: finalPhase.length, unit: 'lookups (part of sync.lookup_during.lookups)' },
          { name: 'sync.lookup_during.index_build.p99_ms', value: percentile(finalPhase, 0.99), unit: 'ms' },
        );
      }
    }
    return { type: 'figures', figures, caughtUp, lastError };
  } finally {
    finished = true;
    clearInterval(rssTimer);
    clearInterval(loadTimer);
    await stopCore();
  }
}

function send(report: WorkstationReport): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      console.log(JSON.stringify(report));
      resolve();
      return;
    }
    process.send(report, undefined, {}, () => resolve());
  });
}

process.once('message', (config: WorkstationConfig) => {
  run(config)
    .catch((e: unknown): WorkstationReport => ({ type: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }))
    .then(send)
    .finally(() => process.exit(0));
});
