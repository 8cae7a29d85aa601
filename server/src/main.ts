/**
 * `npm run server -- [--port 5179] [--host 127.0.0.1] [--allow-host NAME]… [--data-dir DIR] [--no-demo] [--products N]`
 *
 * Runs the central store. With DATABASE_URL set it uses that PostgreSQL; otherwise the embedded
 * PGlite store in --data-dir (default ./.switchboard-store). Binds 127.0.0.1 unless --host says
 * otherwise. On an empty store it creates the demo users and prints their passwords once, and
 * (unless --no-demo) loads the demo customers, products and orders the app's first start makes.
 * It answers only requests whose Host names it: the loopback names, its --host address, and each
 * --allow-host name (also SWITCHBOARD_STORE_HOSTS, comma-separated), on any port.
 */
import { parseArgs } from 'node:util';
import { buildServer } from './app';
import { DEMO_USERS, seedDemoUsers } from './auth/users';
import { DEFAULT_DATA_DIR, openStore, redactDatabaseUrl } from './db/connect';
import { loadDemoIfEmpty } from './seed/demo';
import { describeMailDelivery, mailOptionsFromEnv } from './email/sender';
import { DEMO_TEAM, loadDemoHistoryIfAbsent } from './seed/demo-history';
import { REPORT_ROLLUP_EVERY_MS } from './reports/rollup';

export const DEFAULT_PORT = 5179;
export const DEFAULT_HOST = '127.0.0.1';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: String(DEFAULT_PORT) },
      host: { type: 'string', default: DEFAULT_HOST },
      'data-dir': { type: 'string', default: DEFAULT_DATA_DIR },
      'no-demo': { type: 'boolean', default: false },
      /** The demo catalogue's size (the generator's range, 10–100,000), when the demo data is loaded. */
      products: { type: 'string' },
      'allow-host': { type: 'string', multiple: true, default: [] },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${values.port}".`);
  // Its range is the generator's to check (loaded only when the demo is): a wrong size stops the start with it.
  const products = values.products === undefined ? undefined : Number(values.products.replace(/_/g, ''));
  if (products !== undefined && !(/^[\d_]+$/.test(values.products ?? '') && Number.isSafeInteger(products))) {
    throw new Error(`--products must be a whole number, not "${values.products}".`);
  }

  const databaseUrl = process.env.DATABASE_URL || undefined;
  const store = await openStore({ databaseUrl, dataDir: values['data-dir'] });
  const hostNames = [
    // A specific address it listens on is a name workstations use; the wildcards are not names.
    ...(['0.0.0.0', '::', ''].includes(values.host) ? [] : [values.host]),
    ...values['allow-host'],
    ...(process.env.SWITCHBOARD_STORE_HOSTS ?? '').split(','),
  ];
  const mail = mailOptionsFromEnv(process.env);
  // The dashboard's rollup is kept up to date every few seconds (SWITCHBOARD_ROLLUP_MS; 0: no refresher, every figure from the rows).
  const rollupMs = Number(process.env.SWITCHBOARD_ROLLUP_MS ?? REPORT_ROLLUP_EVERY_MS);
  const app = buildServer({
    store,
    logger: { level: process.env.LOG_LEVEL ?? 'info' },
    hostNames,
    mail,
    ...(Number.isFinite(rollupMs) && rollupMs > 0 ? { reportRollupEveryMs: rollupMs } : {}),
  });
  const delivery = describeMailDelivery(mail);
  app.log.info(delivery.where ?? {}, delivery.message);
  app.log.info({ store: store.kind, where: databaseUrl ? redactDatabaseUrl(databaseUrl) : values['data-dir'] }, 'central store open');

  const seeded = await seedDemoUsers(store.db);
  if (seeded.length > 0) {
    const lines = DEMO_USERS.map((u) => `  ${u.username} / ${u.password}  (${u.role})`).join('\n');
    // Printed once, on the store's first start: these are demo credentials, change them for real use.
    process.stdout.write(`Created demo users on the empty store:\n${lines}\n`);
  }
  if (!values['no-demo']) {
    const demo = await loadDemoIfEmpty(store, products === undefined ? {} : { products });
    if (demo) {
      const n = (count: number) => count.toLocaleString('en-US');
      process.stdout.write(
        `Loaded demo data into the empty store: ${n(demo.customers)} customers, ${n(demo.products)} products, ${n(demo.campaigns)} campaign codes, ${n(demo.orders)} orders, ${n(demo.lines)} order lines (${n(demo.rows)} rows, ${(demo.ms / 1000).toFixed(1)} s).\n`,
      );
      // A few months of call-centre history, so the supervisor's dashboard has figures (issue 22).
      const history = await loadDemoHistoryIfAbsent(store);
      if (history) {
        process.stdout.write(
          `Loaded a demo call-centre history: ${n(history.tables.calls ?? 0)} calls, ${n(history.tables.complaints ?? 0)} complaints, ${n(history.tables.offers ?? 0)} offers over 90 days; ${n(history.users)} more users (sup001…, csr0001…, password "${history.password}"), the first team's also in ${DEMO_TEAM} (${((history.loadMs + history.readMs) / 1000).toFixed(1)} s).\n`,
        );
      }
    }
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port, host: values.host });
}

main().catch((e: unknown) => {
  process.stderr.write(`switchboard server: ${(e as Error).message}\n`);
  process.exit(1);
});
