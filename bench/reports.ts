/**
 * The supervisor reports (issue 22) on the history: 200 CSRs in 20 teams over two years,
 * 2,000,000 calls with their complaints, offers and phone orders, in a database of its own on the
 * PostgreSQL at 127.0.0.1:5432, asked of the real store server (a child process) over HTTP as the
 * dashboard asks it:
 *
 * - `report.team_month.p95_ms`: one team's dashboard for 30 days, every metric (a supervisor);
 * - `report.all_year.p95_ms`: every team, 12 months (an admin);
 * - `report.drilldown.p95_ms`: the first page of the calls behind "Calls handled" for a team's month;
 * - `report.export.rows_per_s` and `report.export.peak_rss_mb`: the calls of a year streamed as
 *   CSV (the server process's RSS sampled every 100 ms during the export; its RSS before, too);
 * - `report.rollup_build_s` and `report.rollup_rows`: the dashboard's rollup (server/src/reports/rollup.ts)
 *   built from the whole history (emptied first, every run); the dashboards above are measured after
 *   it, and `report.team_month_live.p50_ms` and `report.all_year_live.p50_ms` before it (from the rows
 *   alone, a few runs: the figures without the rollup, for comparison);
 * - `report.yardstick.year_scan_ms`: one plain scan of a year's calls (count and a sum) on its own
 *   connection, the same run's floor for any year-long figure read from the rows.
 *
 * Loading the history takes minutes (140–294 s measured), so the database is kept between runs
 * (`switchboard_bench_22`) and reused when it holds this history (its calls counted); `--fresh`
 * (FRESH=1) loads it again. Each measure runs a few times first to warm the caches, as a dashboard
 * does after its first minute.
 */
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { seedDemoUsers } from '../server/src/auth/users';
import { openStore } from '../server/src/db/connect';
import { loadDemoIfEmpty } from '../server/src/seed/demo';
import { loadHistoryIntoStore } from '../server/src/seed/history';
import { refreshRollup, rollupComplete } from '../server/src/reports/rollup';
import { percentile, type Figure } from './stats';
import { databaseUrl, signIn, StoreProcess } from './sync-store';

export const REPORTS_DATABASE = 'switchboard_bench_22';
const DATABASE = REPORTS_DATABASE;
export const REPORT_HISTORY = { seed: 1, calls: 2_000_000, teams: 20, csrsPerTeam: 10, days: 730, customers: 20_000 } as const;
/** The history ends here (fixed, so a kept database and a fresh one hold the same rows). */
const NOW = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function admin<T>(use: (c: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(database), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Whether the kept database holds this history. */
async function historyPresent(): Promise<boolean> {
  const exists = await admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE])).rowCount === 1);
  if (!exists) return false;
  try {
    return await admin(async (c) => Number((await c.query('SELECT count(*) AS n FROM calls')).rows[0]?.n) === REPORT_HISTORY.calls, DATABASE);
  } catch {
    return false;
  }
}

async function loadHistory(): Promise<number> {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${DATABASE}`);
  });
  const started = performance.now();
  const store = await openStore({ databaseUrl: databaseUrl(DATABASE) });
  try {
    await seedDemoUsers(store.db);
    await loadDemoIfEmpty(store, { customers: REPORT_HISTORY.customers, now: NOW });
    let last = 0;
    await loadHistoryIntoStore(store, {
      seed: REPORT_HISTORY.seed,
      calls: REPORT_HISTORY.calls,
      teams: REPORT_HISTORY.teams,
      csrsPerTeam: REPORT_HISTORY.csrsPerTeam,
      days: REPORT_HISTORY.days,
      now: NOW,
      skipChangeLog: true,
      onProgress: (p) => {
        if (p.ms - last < 15_000) return;
        last = p.ms;
        console.log(`  ${p.table}: ${p.tableRows.toLocaleString('en-US')} rows · ${(p.ms / 1000).toFixed(0)} s`);
      },
    });
  } finally {
    await store.close();
  }
  return (performance.now() - started) / 1000;
}

async function post(url: string, token: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  const answer = (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!answer.ok) throw new Error(`${url}: ${response.status} ${answer.error?.message ?? ''}`);
  return answer.value;
}

async function timed(runs: number, warm: number, once: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warm; i++) await once(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await once(i);
    samples.push(performance.now() - t);
  }
  return samples;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** The yardstick, in the same run: one plain scan of a year's calls (count and one sum), the floor of any year-long call figure read from the rows. */
async function yearScanMs(from: number, to: number): Promise<number[]> {
  return admin(async (c) => {
    await c.query('SET jit = off');
    const samples: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t = performance.now();
      await c.query('SELECT count(*), sum(talk_ms) FROM calls WHERE status = $1 AND started_at >= $2 AND started_at < $3', ['completed', from, to]);
      if (i > 0) samples.push(performance.now() - t);
    }
    return samples;
  }, DATABASE);
}

/** Loads the history unless the kept database holds it; the seconds it took, or null when kept. */
export async function ensureReportHistory(fresh = false): Promise<number | null> {
  if (!fresh && (await historyPresent())) {
    console.log(`  reusing the history kept in ${DATABASE}`);
    return null;
  }
  console.log(`  loading the history (${REPORT_HISTORY.calls.toLocaleString('en-US')} calls; minutes) into ${DATABASE} …`);
  return loadHistory();
}

export async function benchReports(options: { repo: string; fresh?: boolean; runs?: number }): Promise<Figure[]> {
  const figures: Figure[] = [];
  const loaded = await ensureReportHistory(options.fresh);
  if (loaded !== null) figures.push({ name: 'report.history_load_s', value: loaded, unit: 's' });
  // The rollup is emptied (every figure from the rows: the live figures), then built from the
  // whole history by this process (timed), with the store's own refresher off so nothing else builds it.
  // KEEP_ROLLUP=1: a rollup already built from this history (every day, these declarations, none
  // dirty) is kept: no live figures, no build figure (minutes each).
  const direct = await openStore({ databaseUrl: databaseUrl(DATABASE) });
  let keep = false;
  try {
    keep = process.env.KEEP_ROLLUP === '1' && (await rollupComplete(direct.db, NOW));
    if (!keep) await direct.db.execute(sql`TRUNCATE report_rollup, report_rollup_days, report_dirty`);
  } finally {
    await direct.close();
  }
  if (keep) console.log('  keeping the rollup built from this history (KEEP_ROLLUP=1)');
  const refresherWas = process.env.SWITCHBOARD_ROLLUP_MS;
  process.env.SWITCHBOARD_ROLLUP_MS = '0';
  const store = await StoreProcess.start(options.repo, DATABASE);
  if (refresherWas === undefined) delete process.env.SWITCHBOARD_ROLLUP_MS;
  else process.env.SWITCHBOARD_ROLLUP_MS = refresherWas;
  try {
    const supervisor = await signIn(store.url, 'sup001', 'history-demo');
    const adminToken = await signIn(store.url, 'admin', 'admin-demo');
    const runs = options.runs ?? 20;
    const teams = Array.from({ length: REPORT_HISTORY.teams }, (_, i) => i);
    // Team months: the supervisor's own team over the last 12 months, a different month each run.
    const month = (i: number) => ({ from: day(NOW - (i % 12 + 1) * 30 * DAY), to: day(NOW - (i % 12) * 30 * DAY - DAY) });
    const teamMonthOnce = (i: number) => post(`${store.url}/reports/dashboard`, supervisor, { filter: { ...month(i), currency: 'USD' }, compare: true });
    const allYearOnce = (i: number) =>
      post(`${store.url}/reports/dashboard`, adminToken, { filter: { from: day(NOW - (365 + (i % 2) * 30) * DAY), to: day(NOW - (i % 2) * 30 * DAY - DAY), currency: 'USD' }, compare: false });

    // From the rows alone (no day built yet): the figures before the rollup, a few runs only.
    if (!keep) {
      const teamMonthLive = await timed(5, 1, teamMonthOnce);
      figures.push({ name: 'report.team_month_live.p50_ms', value: percentile(teamMonthLive, 0.5), unit: 'ms' });
      const allYearLive = await timed(2, 0, allYearOnce);
      figures.push({ name: 'report.all_year_live.p50_ms', value: percentile(allYearLive, 0.5), unit: 'ms' });
    }

    const building = keep ? null : await openStore({ databaseUrl: databaseUrl(DATABASE) });
    if (building) try {
      const t = performance.now();
      const built = await refreshRollup(building.db, building.kind, () => NOW);
      const seconds = (performance.now() - t) / 1000;
      const rows = Number(((await building.db.execute(sql`SELECT count(*) AS n FROM report_rollup`)) as unknown as { rows: { n: unknown }[] }).rows[0]?.n);
      console.log(`  rollup: ${built.days} days, ${rows.toLocaleString('en-US')} rows built in ${seconds.toFixed(1)} s`);
      if (!built.done) throw new Error('The rollup was not built to the end.');
      figures.push({ name: 'report.rollup_build_s', value: seconds, unit: 's' });
      figures.push({ name: 'report.rollup_rows', value: rows, unit: 'rows' });
    } finally {
      await building.close();
    }

    const teamMonth = await timed(runs, 3, teamMonthOnce);
    figures.push({ name: 'report.team_month.p95_ms', value: percentile(teamMonth, 0.95), unit: 'ms' });
    figures.push({ name: 'report.team_month.p50_ms', value: percentile(teamMonth, 0.5), unit: 'ms' });

    const allYear = await timed(Math.max(5, Math.round(runs / 2)), 1, allYearOnce);
    figures.push({ name: 'report.all_year.p95_ms', value: percentile(allYear, 0.95), unit: 'ms' });
    figures.push({ name: 'report.all_year.p50_ms', value: percentile(allYear, 0.5), unit: 'ms' });

    const drill = await timed(runs, 3, (i) =>
      post(`${store.url}/reports/drilldown`, supervisor, { filter: { ...month(i), currency: 'USD' }, metricId: 'callsHandled', key: {}, page: 0, pageSize: 50 }),
    );
    figures.push({ name: 'report.drilldown.p95_ms', value: percentile(drill, 0.95), unit: 'ms' });

    const scan = await yearScanMs(NOW - 365 * DAY, NOW);
    figures.push({ name: 'report.yardstick.year_scan_ms', value: percentile(scan, 0.5), unit: 'ms' });

    // The calls of a year as CSV, counted as they arrive; the server's RSS sampled meanwhile.
    const rssBefore = rssMb(store.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(store.pid))), 100);
    const started = performance.now();
    const response = await fetch(`${store.url}/reports/export`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ metricId: 'callsHandled', filter: { from: day(NOW - 365 * DAY), to: day(NOW - DAY), currency: 'USD' }, key: {} }),
      signal: AbortSignal.timeout(600_000),
    });
    if (!response.ok || !response.body) throw new Error(`export: ${response.status} ${await response.text()}`);
    // Line feeds counted with Buffer.indexOf: a byte-by-byte loop in JavaScript (as before) cost more
    // than the store's own work and was most of the figure (71,828 rows/s through it against
    // 97,900–111,700 read by curl in the same hour).
    let lines = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines++;
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const rows = lines - 1;
    console.log(`  export: ${rows.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s (teams ${teams.length})`);
    figures.push({ name: 'report.export.rows', value: rows, unit: 'rows' });
    figures.push({ name: 'report.export.rows_per_s', value: rows / seconds, unit: 'rows/s' });
    // The store process's RSS: its peak while exporting, and what it held before (the dashboards above included).
    figures.push({ name: 'report.export.peak_rss_mb', value: rssPeak, unit: 'MB' });
    figures.push({ name: 'report.export.rss_before_mb', value: rssBefore, unit: 'MB' });
  } finally {
    await store.stop();
  }
  return figures;
}
