/**
 * npm run import -- --kind customers|products|campaigns|orders [--dry-run] [--source NAME] [--region CC] [--errors FILE] FILE
 *
 * Imports a CSV or JSON file of customers, products or campaigns into the central store (DATABASE_URL, else PGlite in
 * --data-dir), as the admin screen does through the store (issue 23). Prints the report and, when
 * rows were refused, writes the error file (FILE.errors.csv, or --errors): those rows as they were
 * with an `_errors` column, to fix and import again.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { isPhoneCountry } from '../../../src-shared/domain/phone';
import { availableParallelism } from 'node:os';
import { workerChecker, type RowChecker } from './check-pool';
import { DEFAULT_DATA_DIR, openStore, redactDatabaseUrl } from '../db/connect';
import { ImportColumnsError, SOURCE_PATTERN, type ImportReport } from './customers';
import { formatOf, ImportFileError, type ImportFormat } from './read-records';
import { IMPORTABLE_KINDS, runImport, type ImportKindName } from './run';

const USAGE = `Usage: npm run import -- --kind customers|products|campaigns|orders [options] FILE

  --kind KIND          what the file holds: customers, products, campaigns or orders
  --dry-run            check every row and count what would change; write nothing
  --source NAME        the system the file comes from, with each row's source_id what finds a
                       customer again (default: import)
  --region CC          where national phone numbers are read when a row has no country (default US)
  --format csv|json    when the file name does not say (.csv, .json, .jsonl)
  --errors FILE        where the refused rows go (default: FILE.errors.csv / .errors.jsonl)
  --data-dir DIR       PGlite data directory when DATABASE_URL is not set (default ${DEFAULT_DATA_DIR})

Customers: source_id, first_name, last_name (required); email, phone (several: separate with ;),
address_line1, address_line2, city, region, postal_code, country, marketing_consent (yes/no),
language (the customer's mail language: en, de, pt-BR).
Products: source_id, sku, name, category, price (required); brand, part_number, currency, prices
(EUR:11.90;GBP:9.99), stock, tax_class, status, consumable, replenish_days, related (accessory:SKU;…).
Campaigns: source_id, code, name, rule (percent/amount/free_shipping), value, starts_at (required);
family, channel, currency, min_order, ends_at, active.
Orders (a row per line, an order's lines on consecutive rows): source_id, number, customer_source_id,
placed_at, sku, quantity, unit_price (required); status, channel, currency, campaign_code, shipping,
tax, discount.`;

class UsageError extends Error {}

export interface ImportArgs {
  kind: ImportKindName;
  file: string;
  format: ImportFormat;
  dryRun: boolean;
  source: string;
  region: string;
  errors: string;
  dataDir: string;
}

export function parseImportArgs(argv: readonly string[]): ImportArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        kind: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        source: { type: 'string', default: 'import' },
        region: { type: 'string', default: 'US' },
        format: { type: 'string' },
        errors: { type: 'string' },
        'data-dir': { type: 'string', default: DEFAULT_DATA_DIR },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError('');
  if (!IMPORTABLE_KINDS.includes(values.kind as ImportKindName))
    throw new UsageError(values.kind === undefined ? 'Say what the file holds: --kind customers (or products, campaigns, orders).' : `--kind ${values.kind}: customers, products, campaigns or orders.`);
  if (positionals.length !== 1) throw new UsageError('Name one file to import.');
  // Run through npm, the working directory is the repository's: a relative name is the caller's (INIT_CWD).
  const here = process.env.INIT_CWD ?? process.cwd();
  const file = resolve(here, positionals[0]!);
  const format = values.format === undefined ? formatOf(file) : values.format === 'csv' || values.format === 'json' ? values.format : undefined;
  if (!format) throw new UsageError('Say the format: the file name ends in .csv, .json or .jsonl, or give --format csv|json.');
  if (!SOURCE_PATTERN.test(values.source)) throw new UsageError('--source: a short name of lower-case letters, digits, ".", "_" or "-", e.g. shop.');
  const region = values.region.toUpperCase();
  if (!isPhoneCountry(region)) throw new UsageError(`--region: "${values.region}" is not a country code (two letters, e.g. US or GB).`);
  return {
    kind: values.kind as ImportKindName,
    file,
    format,
    dryRun: values['dry-run'],
    source: values.source,
    region,
    errors: resolve(here, values.errors ?? `${file.replace(/\.(csv|jsonl?|ndjson)$/i, '')}.errors.${format === 'csv' ? 'csv' : 'jsonl'}`),
    dataDir: resolve(values['data-dir']),
  };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export function reportText(report: ImportReport, errorFile: string | null): string {
  const lines = [
    `${report.dryRun ? 'Dry run (nothing written): ' : ''}${fmt(report.rowsRead)} rows read in ${(report.ms / 1000).toFixed(1)} s: ${fmt(report.created)} created, ${fmt(report.updated)} updated, ${fmt(report.unchanged)} unchanged, ${fmt(report.refused)} refused.`,
  ];
  if (report.ignoredColumns.length > 0) lines.push(`Columns not imported: ${report.ignoredColumns.join(', ')}.`);
  const shown = report.refusedRows.slice(0, 20);
  for (const r of shown) lines.push(`  line ${r.line}${r.column ? `, ${r.column}` : ''}${r.value ? ` "${r.value}"` : ''}: ${r.reason}`);
  if (report.refusedRows.length > shown.length || report.refusedTruncated) lines.push('  … every refused row is in the error file.');
  if (errorFile) lines.push(`Error file: ${errorFile} (fix the rows there and import it again).`);
  return lines.join('\n');
}

export async function runImportCli(argv: readonly string[]): Promise<number> {
  let args: ImportArgs;
  try {
    args = parseImportArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message) console.error(`import: ${e.message}\n`);
    console.error(USAGE);
    return e.message ? 2 : 0;
  }
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const store = await openStore({ databaseUrl, dataDir: args.dataDir });
  let errorStream: WriteStream | null = null;
  let checker: RowChecker | null = null;
  try {
    console.log(`Store: ${databaseUrl ? redactDatabaseUrl(databaseUrl) : args.dataDir}. Importing ${basename(args.file)} (source "${args.source}")…`);
    let lastPrint = 0;
    // With 4 cores or more, rows are checked on worker threads (the phone library is most of an
    // import's CPU) while the main thread reads the file and writes to the store; two cores are left
    // to it and PostgreSQL. With fewer, the workers only add memory (each ~40 MB): rows are checked inline.
    const workers = Math.min(6, availableParallelism() - 2);
    if (workers >= 2) checker = workerChecker(args.region as never, workers);
    const report = await runImport(store, createReadStream(args.file), {
      kind: args.kind,
      checker: checker ?? undefined,
      format: args.format,
      source: args.source,
      dryRun: args.dryRun,
      defaultRegion: args.region as never,
      agentId: `import:${args.source}`,
      errorFile: (chunk) => {
        errorStream ??= createWriteStream(args.errors);
        errorStream.write(chunk);
      },
      onProgress: (p) => {
        if (p.ms - lastPrint < 5000) return;
        lastPrint = p.ms;
        console.log(`  ${fmt(p.rowsRead)} rows · ${fmt(p.rowsRead / (p.ms / 1000))} rows/s`);
      },
    });
    const written = errorStream as WriteStream | null;
    if (written) await new Promise<void>((done) => written.end(() => done()));
    console.log(reportText(report, errorStream ? args.errors : null));
    return report.refused > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof ImportColumnsError || e instanceof ImportFileError || (e as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error(`import: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  } finally {
    await checker?.close();
    await store.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runImportCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`import: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
