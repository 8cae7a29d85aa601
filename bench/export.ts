/**
 * The full export (issue 23): `export.full.rows_per_s`, every table of the reports bench database
 * (bench/reports.ts: 2,000,000 calls with their complaints, offers and orders, ≈ 8.5 million rows
 * in all) as CSV in one ZIP archive, asked of the real store server (a child process) by an admin
 * over HTTP and written to a temporary file as it arrives; the rows counted from the archive's
 * manifest.json. Also the server's peak RSS meanwhile, and the yardstick of the same run:
 * `export.yardstick.calls_copy_rows_per_s`, PostgreSQL's own `COPY calls TO STDOUT` (CSV) into a
 * client that throws the bytes away, the floor any export of the largest table stands on.
 *
 * The database is the reports step's, kept between runs (loaded first if it is missing).
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import yauzl from 'yauzl';
import { ensureReportHistory, REPORTS_DATABASE } from './reports';
import type { Figure } from './stats';
import { databaseUrl, signIn, StoreProcess } from './sync-store';

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** The archive's manifest.json. */
async function manifestOf(file: string): Promise<{ rows: number; tables: { name: string; rows: number }[] }> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: true }, (e, z) => (e ? reject(e) : resolve(z))));
  try {
    return await new Promise((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== 'manifest.json') return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        });
      });
      zip.on('end', () => reject(new Error('The archive has no manifest.json.')));
      zip.on('error', reject);
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/** PostgreSQL's COPY of the calls table as CSV into a sink: rows/s. */
async function callsCopyRowsPerS(): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl(REPORTS_DATABASE) });
  await client.connect();
  try {
    const started = performance.now();
    const copy = client.query(copyTo('COPY calls TO STDOUT WITH (FORMAT csv, HEADER)'));
    await pipeline(copy, new Writable({ write: (_c, _e, done) => done() }));
    return copy.rowCount / ((performance.now() - started) / 1000);
  } finally {
    await client.end();
  }
}

export async function benchFullExport(options: { repo: string }): Promise<Figure[]> {
  await ensureReportHistory(false);
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-export-'));
  const store = await StoreProcess.start(options.repo, REPORTS_DATABASE);
  try {
    const token = await signIn(store.url, 'admin', 'admin-demo');
    const file = join(dir, 'export.zip');
    const rssBefore = rssMb(store.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(store.pid))), 100);
    const started = performance.now();
    // node:http rather than fetch: the client's own cost must not be what is measured (fetch read
    // the same archive several times slower than curl on this machine).
    await new Promise<void>((resolve, reject) => {
      const req = request(`${store.url}/admin/export`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, timeout: 900_000 }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`full export: ${res.statusCode}`));
          res.resume();
          return;
        }
        pipeline(res, createWriteStream(file)).then(resolve, reject);
      });
      req.on('error', reject);
      req.end('{}');
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const manifest = await manifestOf(file);
    console.log(`  full export: ${manifest.rows.toLocaleString('en-US')} rows in ${manifest.tables.length} tables, ${seconds.toFixed(1)} s`);
    const yardstick = await callsCopyRowsPerS();
    return [
      { name: 'export.full.rows', value: manifest.rows, unit: 'rows' },
      { name: 'export.full.rows_per_s', value: manifest.rows / seconds, unit: 'rows/s' },
      { name: 'export.full.peak_rss_mb', value: rssPeak, unit: 'MB' },
      { name: 'export.yardstick.calls_copy_rows_per_s', value: yardstick, unit: 'rows/s' },
    ];
  } finally {
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
