/**
 * The demo as README.md describes it, for the walks a new user takes (issues 22 and 23): a central
 * store loaded the way `npm run server` loads an empty one — the four demo users with their demo
 * passwords, the demo customers, products and orders, and the 90-day call-centre history — and
 * browser hosts syncing with it, each on a fresh cache that copies the store's data on first start.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, type Page } from '@playwright/test';
import { seedDemoUsers } from '../../server/src/auth/users';
import { openStore } from '../../server/src/db/connect';
import { loadDemoIfEmpty } from '../../server/src/seed/demo';
import { loadDemoHistoryIfAbsent, startOfUtcDay } from '../../server/src/seed/demo-history';
import { startCentralStore, startSyncedHost, type CentralStore } from './central-store';
import { expect, signIn, type Credentials, type RunningHost } from './fixtures';

/** The demo store's accounts, as README.md lists them ("The central store"). */
export const README_ACCOUNTS = {
  admin: { username: 'admin', password: 'admin-demo' },
  supervisor: { username: 'supervisor', password: 'supervisor-demo' },
  csr: { username: 'csr', password: 'csr-demo' },
} as const satisfies Record<string, Credentials>;

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What the demo store is made from: a change to any of these makes a new one. */
const DEMO_INPUTS = ['server/drizzle', 'server/src/seed', 'src-shared/seed', 'server/src/auth/users.ts', 'server/src/db/schema.ts'];
const TEMPLATE_PREFIX = 'switchboard-e2e-demo-';
/**
 * Fewer demo customers than `npm run server`'s 2,000 (with their orders): each workstation's first
 * copy is then a quarter of the rows, and the walks need only a few. The users, the catalogue and
 * the 3,000-call history are the demo's own.
 */
const DEMO_CUSTOMERS = 400;

function hashInputs(hash: ReturnType<typeof createHash>, path: string): void {
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) hashInputs(hash, join(path, name));
  } else {
    hash.update(path).update(readFileSync(path));
  }
}

/**
 * The demo store's data folder as `npm run server` leaves it after its first start (the same steps
 * as server/src/main.ts: demo users, demo data, the call-centre history up to today; fewer
 * customers, above), made once a
 * day per version of its inputs and kept in the temporary folder: loading it takes a minute on a
 * loaded machine, copying it a second. Two workers that both find none each make one; the first
 * to finish keeps its copy (an atomic rename), the other's is thrown away.
 */
async function demoTemplate(): Promise<string> {
  const hash = createHash('sha256').update(`${startOfUtcDay(Date.now())} ${DEMO_CUSTOMERS}`);
  for (const input of DEMO_INPUTS) hashInputs(hash, join(REPO_ROOT, input));
  const name = `${TEMPLATE_PREFIX}${hash.digest('hex').slice(0, 16)}`;
  const template = join(tmpdir(), name);
  if (existsSync(template)) return template;
  const building = mkdtempSync(join(tmpdir(), 'switchboard-e2e-demo-building-'));
  try {
    const store = await openStore({ dataDir: building });
    try {
      await seedDemoUsers(store.db);
      await loadDemoIfEmpty(store, { customers: DEMO_CUSTOMERS });
      await loadDemoHistoryIfAbsent(store);
    } finally {
      await store.close();
    }
    // Yesterday's (or an older version's) demo goes.
    for (const old of readdirSync(tmpdir())) {
      if (old.startsWith(TEMPLATE_PREFIX) && old !== name && !old.startsWith('switchboard-e2e-demo-building-')) rmSync(join(tmpdir(), old), { recursive: true, force: true });
    }
    try {
      renameSync(building, template);
    } catch (e) {
      if (!existsSync(template)) throw e;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return template;
}

/** A store as `npm run server` makes on its first start, on 127.0.0.1 (a copy of the day's demo, see demoTemplate). */
export async function startDemoStore(): Promise<CentralStore> {
  return startCentralStore(async () => {}, {}, await demoTemplate());
}

/**
 * A walk's fixtures: the demo store (a fresh copy each test) and a Downloads folder. Specs add
 * their workstations with `withDesk`.
 */
export const demoTest = base.extend<{ demo: CentralStore; downloads: string }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  demo: async ({}, use) => {
    const demo = await startDemoStore();
    try {
      await use(demo);
    } finally {
      await demo.close();
    }
  },
  // eslint-disable-next-line no-empty-pattern -- as above
  downloads: async ({}, use) => withTempDir('switchboard-walk-downloads-', use),
});

/** A temporary folder, removed after `use`. */
export async function withTempDir(prefix: string, use: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A workstation (browser host) on `store`, saving downloads into `downloads` when given. */
export async function withDesk(store: CentralStore, downloads: string | null, use: (host: RunningHost) => Promise<void>): Promise<void> {
  const { host, stop } = await startSyncedHost(store.url, null, downloads === null ? undefined : { SWITCHBOARD_DOWNLOADS_DIR: downloads });
  try {
    await use(host);
  } finally {
    await stop();
  }
}

export const statusBar = (page: Page) => page.getByRole('contentinfo', { name: 'Status' });

/**
 * Opens the workstation's printed address and signs in as a tester would; returns once the search
 * box is there and the status bar says the workstation is online.
 */
export async function signInOnDesk(page: Page, host: RunningHost, account: Credentials): Promise<void> {
  await page.goto(host.url);
  await signIn(page, account);
  await expect(page.getByRole('searchbox', { name: 'Search customers' })).toBeVisible({ timeout: 20_000 });
  await expect(statusBar(page)).toContainText('Online', { timeout: 30_000 });
}
