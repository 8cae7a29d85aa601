/**
 * The full export from the admin screen (issue 23), against a real central store (the server over
 * PGlite on 127.0.0.1) and a browser host: the admin presses "Export all data", sees progress and
 * then where the archive went; the file in the Downloads folder is a ZIP holding every table.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { createUser } from '../../server/src/auth/users';
import { startCentralStore, startSyncedHost } from './central-store';
import { signIn } from './fixtures';

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const ADMIN = { username: 'boss', password: 'boss password', displayName: 'Bo Admin' };

test('an admin exports every table into the Downloads folder', async ({ page }) => {
  test.setTimeout(120_000);
  const downloads = mkdtempSync(join(tmpdir(), 'switchboard-e2e-full-export-'));
  const central = await startCentralStore(async (store) => {
    await createUser(store.db, { username: ADMIN.username, displayName: ADMIN.displayName, role: 'admin', password: ADMIN.password }, FAST_SCRYPT);
  });
  const { host, stop } = await startSyncedHost(central.url, ADMIN, { SWITCHBOARD_DOWNLOADS_DIR: downloads });
  try {
    await page.goto(host.url);
    await signIn(page, ADMIN);
    await page.getByRole('group', { name: 'Session' }).getByRole('button', { name: 'Admin', exact: true }).click();
    const section = page.getByRole('region', { name: 'Export everything' });
    await section.getByRole('button', { name: 'Export all data' }).click();
    await expect(section.getByRole('status').filter({ hasText: /^Exported every table/ })).toBeVisible({ timeout: 60_000 });
    const files = readdirSync(downloads).filter((f) => f.endsWith('.zip'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^switchboard-full-export-\d{8}T\d{6}\.zip$/);
    const zip = readFileSync(join(downloads, files[0]!));
    expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(zip.includes(Buffer.from('customers.csv'))).toBe(true);
    expect(zip.includes(Buffer.from('manifest.json'))).toBe(true);
  } finally {
    await stop();
    await central.close();
    rmSync(downloads, { recursive: true, force: true });
  }
});
