/**
 * Customer import (issue 23), bench step 'import': a generated CSV of 1,000,000 customers with
 * phones, emails and addresses (names in several scripts) imported by the CLI (`npm run import`)
 * into a fresh PostgreSQL database at 127.0.0.1:5432, dropped afterwards.
 *
 * - `import.customers.rows_per_s`: rows read, checked and written (through the change-log triggers,
 *   as a live store writes) per second, as the import's own report times them.
 * - `import.customers.peak_rss_mb`: the import process's peak RSS (VmHWM, polled while it runs).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Figure } from './stats';
import { createDatabase, databaseUrl, dropDatabase } from './sync-store';

export const IMPORT_ROWS = 1_000_000;

const FIRST = ['Anna', 'Zoë', 'José', 'Łukasz', 'Søren', 'Mårten', 'Chloé', 'Ngozi', 'Ahmet', 'Ольга', '美咲', 'Νίκος', 'Priya', 'Oisín', 'Björk', 'محمد'];
const LAST = ['Smith', 'Müller', 'García', 'Nowak', 'Ångström', 'O’Brien', 'Dubois', 'Okafor', 'Yılmaz', 'Иванова', '佐藤', 'Παπαδόπουλος', 'Sharma', 'Ní Bhriain', 'Guðmundsdóttir', 'الحسن'];
const STREETS = ['High Street', 'Rue de la Paix', 'Hauptstraße', 'Calle Mayor', 'Main St', 'Kungsgatan', 'ul. Długa'];
const CITIES: [string, string, string][] = [
  ['London', 'GB', '020 7946 0'],
  ['New York', 'US', '(212) 555-0'],
  ['Chicago', 'US', '312-555-0'],
  ['Manchester', 'GB', '0161 496 0'],
];

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes `rows` customers to `file` (deterministic; about 130 bytes a row). */
export async function writeCustomerFile(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('source_id,first_name,last_name,email,phone,address_line1,city,postal_code,country,marketing_consent\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    const [city, country, prefix] = CITIES[i % CITIES.length]!;
    const phone = `${prefix}${String(i % 1000).padStart(3, '0')}`;
    const row = [`C${i}`, first, last, `customer${i}@example.com`, phone, `${1 + (i % 300)} ${STREETS[i % STREETS.length]}`, city, `P${i % 10000}`, country, i % 3 === 0 ? 'yes' : 'no'];
    chunk += `${row.map(csvField).join(',')}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

function vmHwmMb(pid: number): number {
  try {
    const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

export async function benchImport(options: { repo: string; rows?: number }): Promise<Figure[]> {
  const rows = options.rows ?? IMPORT_ROWS;
  const dir = mkdtempSync(join(tmpdir(), 'sb-import-'));
  // The bench helpers only touch switchboard_bench_<digits>; "23" (the issue) keeps it apart from the sync step's pid-named one.
  const database = `switchboard_bench_23${process.pid}`;
  try {
    const file = join(dir, 'customers.csv');
    await writeCustomerFile(file, rows);
    await createDatabase(database);
    const child = spawn(process.execPath, ['--import', 'tsx', join(options.repo, 'server/src/import/cli.ts'), '--kind', 'customers', '--source', 'bench', file], {
      cwd: options.repo,
      env: { ...process.env, DATABASE_URL: databaseUrl(database) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      process.stdout.write(d);
    });
    let peak = 0;
    const poll = setInterval(() => {
      if (child.pid) peak = Math.max(peak, vmHwmMb(child.pid));
    }, 100);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearInterval(poll);
    const m = /([\d,]+) rows read in ([\d.]+) s: ([\d,]+) created/.exec(out);
    if (code !== 0 || !m) throw new Error(`The import exited with ${code}: ${out.slice(-500)}`);
    const read = Number(m[1]!.replace(/,/g, ''));
    const created = Number(m[3]!.replace(/,/g, ''));
    if (read !== rows || created !== rows) throw new Error(`The import read ${read} rows and created ${created}, not ${rows}.`);
    return [
      { name: 'import.customers.rows_per_s', value: rows / Number(m[2]), unit: 'rows/s' },
      { name: 'import.customers.peak_rss_mb', value: peak, unit: 'MB' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase(database);
  }
}
