/**
 * npm run server:seed -- --history [--history-calls N] [--teams T] [--csrs-per-team C] [--days D]
 *                        [--customers N] [--seed S] [--now DATE] [--data-dir DIR] [--with-change-log]
 *
 * Seeds the central store (DATABASE_URL, else PGlite in --data-dir) with a call-centre history for
 * reports and their benchmarks (issue 22). An empty store first gets the demo users and the demo
 * customers, products and campaigns (--customers of them), as the server's own first start makes.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { seedDemoUsers } from '../auth/users';
import { DEFAULT_DATA_DIR, openStore, redactDatabaseUrl } from '../db/connect';
import { loadDemoIfEmpty } from './demo';
import { loadHistoryIntoStore } from './history';

const USAGE = `Usage: npm run server:seed -- --history [options]

  --history              load a call-centre history (the only thing this command does today)
  --history-calls N      calls in the history (default 2,000; the issue's scale is 2,000,000)
  --teams T              teams, each with a supervisor (default 20)
  --csrs-per-team C      CSRs per team (default 10)
  --days D               length of the history in days, ending at --now (default 730)
  --customers N          demo customers to load first when the store has none (default 2,000)
  --seed S               whole number; the same seed and store give the same rows (default 1)
  --now DATE             the end of the history, ISO date or ms (default: today 00:00 UTC)
  --data-dir DIR         PGlite data directory when DATABASE_URL is not set (default ${DEFAULT_DATA_DIR})
  --with-change-log      write change-log rows (and check foreign keys) as a live store would;
                         by default the load skips them (needs a superuser), for a store that no
                         workstation syncs with yet`;

export class UsageError extends Error {}

export interface ServerSeedArgs {
  calls: number;
  teams: number | undefined;
  csrsPerTeam: number | undefined;
  days: number | undefined;
  customers: number | undefined;
  seed: number;
  now: number;
  dataDir: string;
  withChangeLog: boolean;
}

function whole(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.replace(/_/g, ''));
  if (!/^[\d_]+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, not "${text}".`);
  }
  return value;
}

export function parseServerSeedArgs(argv: readonly string[], today = Math.floor(Date.now() / 86_400_000) * 86_400_000): ServerSeedArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        history: { type: 'boolean', default: false },
        'history-calls': { type: 'string' },
        teams: { type: 'string' },
        'csrs-per-team': { type: 'string' },
        days: { type: 'string' },
        customers: { type: 'string' },
        seed: { type: 'string' },
        now: { type: 'string' },
        'data-dir': { type: 'string', default: DEFAULT_DATA_DIR },
        'with-change-log': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (values.help) throw new UsageError('');
  if (!values.history) throw new UsageError('Say what to seed: --history.');
  let now = today;
  if (values.now !== undefined) {
    now = /^\d+$/.test(values.now) ? Number(values.now) : Date.parse(values.now);
    if (!Number.isSafeInteger(now)) throw new UsageError(`--now must be an ISO date (2026-06-01) or a time in ms, not "${values.now}".`);
  }
  return {
    calls: whole('history-calls', values['history-calls'], 0, 50_000_000) ?? 2_000,
    teams: whole('teams', values.teams, 1, 200),
    csrsPerTeam: whole('csrs-per-team', values['csrs-per-team'], 1, 100),
    days: whole('days', values.days, 1, 3650),
    customers: whole('customers', values.customers, 1, 20_000_000),
    seed: whole('seed', values.seed, 0, 2 ** 31 - 1) ?? 1,
    now,
    dataDir: resolve(values['data-dir']),
    withChangeLog: values['with-change-log'],
  };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function runServerSeedCli(argv: readonly string[]): Promise<number> {
  let args: ServerSeedArgs;
  try {
    args = parseServerSeedArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message) console.error(`server:seed: ${e.message}\n`);
    console.error(USAGE);
    return e.message ? 2 : 0;
  }
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const store = await openStore({ databaseUrl, dataDir: args.dataDir });
  try {
    console.log(`Store: ${databaseUrl ? redactDatabaseUrl(databaseUrl) : args.dataDir}`);
    const created = await seedDemoUsers(store.db);
    if (created.length > 0) console.log(`Created the demo users (${created.map((u) => u.username).join(', ')}).`);
    const demo = await loadDemoIfEmpty(store, args.customers === undefined ? {} : { customers: args.customers });
    if (demo) console.log(`Loaded demo data: ${fmt(demo.customers)} customers, ${fmt(demo.products)} products, ${fmt(demo.orders)} orders (${(demo.ms / 1000).toFixed(1)} s).`);

    console.log(`Loading a history of ${fmt(args.calls)} calls (seed ${args.seed}, ending ${new Date(args.now).toISOString().slice(0, 10)})…`);
    let lastPrint = 0;
    const summary = await loadHistoryIntoStore(store, {
      seed: args.seed,
      calls: args.calls,
      now: args.now,
      ...(args.teams === undefined ? {} : { teams: args.teams }),
      ...(args.csrsPerTeam === undefined ? {} : { csrsPerTeam: args.csrsPerTeam }),
      ...(args.days === undefined ? {} : { days: args.days }),
      skipChangeLog: !args.withChangeLog,
      onProgress: (p) => {
        if (p.ms - lastPrint < 5000) return;
        lastPrint = p.ms;
        console.log(`  ${p.table}: ${fmt(p.tableRows)} rows · ${fmt(p.rows)} in all · ${(p.ms / 1000).toFixed(0)} s`);
      },
    });
    const seconds = summary.loadMs / 1000;
    console.log(
      [
        `Done: ${fmt(summary.rows)} rows in ${seconds.toFixed(1)} s (${fmt(summary.rows / seconds)} rows/s), after ${(summary.readMs / 1000).toFixed(1)} s reading the store; ANALYZE ${(summary.analyzeMs / 1000).toFixed(1)} s.`,
        `  teams ${fmt(summary.teams)}, users ${fmt(summary.users)} (password "history-demo")`,
        ...Object.entries(summary.tables).map(([table, n]) => `  ${table.padEnd(17)} ${fmt(n)}`),
      ].join('\n'),
    );
    return 0;
  } finally {
    await store.close();
  }
}

// Run only as a script (npm run server:seed), not when a test imports the parser.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runServerSeedCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`server:seed: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
