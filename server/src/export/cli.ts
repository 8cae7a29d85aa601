/**
 * npm run export -- --out FILE [--data-dir DIR]
 *
 * Writes the full export of the central store (DATABASE_URL, else PGlite in --data-dir) to FILE,
 * as the admin screen's "Export everything" does through the store (issue 23): every table as CSV
 * in one ZIP archive, secrets left out (server/src/export/full-export.ts). Written to FILE.part and
 * renamed once complete; recorded in the audit log as done by `cli:<OS user>`.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { recordAudit } from '../audit/audit';
import { DEFAULT_DATA_DIR, openStore, redactDatabaseUrl } from '../db/connect';
import { fullExportDetail, writeFullExport, type ExportedTable } from './full-export';

const USAGE = `Usage: npm run export -- --out FILE [options]

  --out FILE           where the ZIP archive goes (every table as CSV, secrets left out, manifest.json)
  --data-dir DIR       PGlite data directory when DATABASE_URL is not set (default ${DEFAULT_DATA_DIR})`;

class UsageError extends Error {}

export interface ExportArgs {
  out: string;
  dataDir: string;
}

export function parseExportArgs(argv: readonly string[]): ExportArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { out: { type: 'string' }, 'data-dir': { type: 'string', default: DEFAULT_DATA_DIR }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const { values } = parsed;
  if (values.help) throw new UsageError('');
  if (!values.out) throw new UsageError('Say where the archive goes: --out FILE.');
  // Run through npm, the working directory is the repository's: a relative name is the caller's (INIT_CWD).
  const here = process.env.INIT_CWD ?? process.cwd();
  return { out: resolve(here, values.out), dataDir: resolve(values['data-dir']) };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function runExportCli(argv: readonly string[], now: () => number = Date.now): Promise<number> {
  let args: ExportArgs;
  try {
    args = parseExportArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message) console.error(`export: ${e.message}\n`);
    console.error(USAGE);
    return e.message ? 2 : 0;
  }
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const store = await openStore({ databaseUrl, dataDir: args.dataDir });
  const part = `${args.out}.part`;
  const who = `cli:${userInfo().username}`;
  let tables: ExportedTable[] = [];
  let rows = 0;
  let complete = false;
  try {
    console.log(`Store: ${databaseUrl ? redactDatabaseUrl(databaseUrl) : args.dataDir}. Exporting every table to ${args.out}…`);
    const started = performance.now();
    const summary = await writeFullExport(store, createWriteStream(part, { flags: 'w' }), {
      now: now(),
      onProgress: (p) => console.log(`  ${p.table} · ${p.tablesDone}/${p.tables} tables · ${fmt(p.rows)} rows`),
    });
    await rename(part, args.out);
    ({ tables, rows } = summary);
    complete = true;
    const s = (performance.now() - started) / 1000;
    console.log(`Exported ${tables.length} tables, ${fmt(rows)} rows in ${s.toFixed(1)} s (${fmt(rows / s)} rows/s): ${args.out}`);
    return 0;
  } catch (e) {
    await rm(part, { force: true });
    throw e;
  } finally {
    await recordAudit(store.db, { at: now(), action: 'export', username: who, subject: 'full', detail: fullExportDetail({ tables, rows }, complete) }).catch(() => undefined);
    await store.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runExportCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`export: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
