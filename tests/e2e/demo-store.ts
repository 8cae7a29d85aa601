/**
 * The demo as README.md describes it, for the walks a new user takes (issues 22 and 23): a central
 * store loaded the way `npm run server` loads an empty one — the four demo users with their demo
 * passwords, the demo customers, products and orders, and the 90-day call-centre history — and
 * browser hosts syncing with it, each on a fresh cache that copies the store's data on first start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { seedDemoUsers } from '../../server/src/auth/users';
import { loadDemoIfEmpty } from '../../server/src/seed/demo';
import { loadDemoHistoryIfAbsent } from '../../server/src/seed/demo-history';
import { startCentralStore, startSyncedHost, type CentralStore } from './central-store';
import { expect, signIn, type Credentials, type RunningHost } from './fixtures';

/** The demo store's accounts, as README.md lists them ("The central store"). */
export const README_ACCOUNTS = {
  admin: { username: 'admin', password: 'admin-demo' },
  supervisor: { username: 'supervisor', password: 'supervisor-demo' },
  csr: { username: 'csr', password: 'csr-demo' },
} as const satisfies Record<string, Credentials>;

/** A store as `npm run server` makes on its first start (same steps as server/src/main.ts). */
export function startDemoStore(): Promise<CentralStore> {
  return startCentralStore(async (store) => {
    await seedDemoUsers(store.db);
    await loadDemoIfEmpty(store);
    await loadDemoHistoryIfAbsent(store);
  });
}

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
