/**
 * Import from the admin screen (issue 23), end to end: an admin on a browser host syncing with a
 * real central store (PGlite on 127.0.0.1) picks a customer file with bad rows, imports it (the
 * progress bar and the report), downloads the file with errors into the Downloads folder the host
 * was given, fixes it, imports it again (nothing refused), and finds the imported customers by
 * lookup on the workstation: they reached its cache through the normal sync.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { sql } from 'drizzle-orm';
import { createUser } from '../../server/src/auth/users';
import { startCentralStore, startSyncedHost, type CentralStore } from './central-store';
import { customerOption, results, searchBox, signIn, type RunningHost } from './fixtures';
import { describeViolations, seriousAxeViolations } from './axe';

const ADMIN = { username: 'ada', password: 'imports the shop' };

const test = base.extend<{ central: CentralStore; downloads: string; workstation: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  central: async ({}, use) => {
    const central = await startCentralStore(async (store) => {
      await createUser(store.db, { username: ADMIN.username, displayName: 'Ada Admin', role: 'admin', password: ADMIN.password, teams: [] }, { N: 1024, r: 8, p: 1 });
    });
    try {
      await use(central);
    } finally {
      await central.close();
    }
  },
  // eslint-disable-next-line no-empty-pattern -- as above
  downloads: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-downloads-'));
    try {
      await use(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  workstation: async ({ central, downloads }, use) => {
    process.env.SWITCHBOARD_DOWNLOADS_DIR = downloads;
    const { host, stop } = await startSyncedHost(central.url, ADMIN);
    try {
      await use(host);
    } finally {
      await stop();
    }
  },
});

// A store, a browser host and two imports: more than the default 30 s on a loaded machine.
test.describe.configure({ timeout: 180_000 });

const FILE = [
  'source_id,first_name,last_name,email,phone,address_line1,city,country',
  'shop-1,Ingrid,Halvorsen,ingrid@example.com,+44 20 7946 0101,1 Mill Lane,London,GB',
  'shop-2,Thérèse,Quennell,not-an-email,+44 20 7946 0102,2 Kirkgate,Leeds,GB',
  'shop-3,,Okonkwo,emeka@example.com,+44 20 7946 0103,3 Stonegate,York,GB',
  'shop-4,Radomir,Wieczorek,radomir@example.com,+44 20 7946 0104,4 Milsom Street,Bath,GB',
].join('\n');

test('an admin imports a file with bad rows, downloads the errors, fixes them and imports again; the customers are found by lookup', async ({ page, central, workstation, downloads }) => {
  await page.goto(workstation.url);
  await signIn(page, ADMIN);
  await expect(searchBox(page)).toBeVisible({ timeout: 30_000 });
  await page.getByRole('group', { name: 'Session' }).getByRole('button', { name: 'Admin', exact: true }).click();
  const section = page.getByRole('region', { name: 'Import' });
  await expect(section).toBeVisible({ timeout: 15_000 });

  await section.getByLabel('File (CSV or JSON)').setInputFiles({ name: 'shop-customers.csv', mimeType: 'text/csv', buffer: Buffer.from(FILE, 'utf8') });
  await expect(section.getByRole('combobox', { name: 'Kind of data' })).toHaveValue('customers');
  await section.getByRole('button', { name: 'Import', exact: true }).click();

  const report = section.getByRole('region', { name: 'Import report' });
  await expect(report).toContainText('4 rows read, 2 created, 0 updated, 0 unchanged, 2 refused', { timeout: 30_000 });
  const bar = section.getByRole('progressbar');
  await expect(bar).toHaveAttribute('aria-valuenow', '100');
  await expect(section.getByText(/4 read · 2 created · 0 updated · 0 unchanged · 2 refused/)).toBeVisible();
  const refused = report.getByRole('table', { name: 'Refused rows' });
  await expect(refused.getByRole('row')).toHaveCount(3);
  await expect(refused).toContainText('email');
  await expect(refused).toContainText('first_name');

  const violations = await seriousAxeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);

  await report.getByRole('button', { name: 'Download file with errors' }).click();
  await expect(section.getByRole('status')).toContainText('Saved: the 2 refused rows', { timeout: 15_000 });
  const files = readdirSync(downloads);
  expect(files).toEqual(['shop-customers_errors.csv']);
  const errors = readFileSync(join(downloads, files[0]!), 'utf8');
  const lines = errors.trimEnd().split('\r\n');
  expect(lines[0]).toBe('source_id,first_name,last_name,email,phone,address_line1,city,country,_errors');
  expect(lines).toHaveLength(3);

  // Fixed as a person would in a spreadsheet: the bad values replaced, `_errors` left as it is.
  const fixed = errors.replace('not-an-email', 'therese@example.com').replace('shop-3,,Okonkwo', 'shop-3,Emeka,Okonkwo');
  await section.getByLabel('File (CSV or JSON)').setInputFiles({ name: 'shop-customers_errors.csv', mimeType: 'text/csv', buffer: Buffer.from(fixed, 'utf8') });
  await section.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(report).toContainText('2 rows read, 2 created, 0 updated, 0 unchanged, 0 refused', { timeout: 30_000 });
  await expect(report.getByRole('button', { name: 'Download file with errors' })).toHaveCount(0);

  const stored = await central.rows<{ n: number }>(sql`select count(*)::int as n from customer_sources where source = 'import'`);
  expect(Number(stored[0]!.n)).toBe(4);

  // On the workstation: through sync, the imported customers are found by name.
  await page.getByRole('button', { name: /Back to results/ }).click();
  await searchBox(page).fill('Okonkwo');
  await expect(customerOption(page, 'Emeka Okonkwo')).toBeVisible({ timeout: 20_000 });
  await searchBox(page).fill('Quennell');
  await expect(results(page).getByRole('option', { name: /Thérèse Quennell/ })).toBeVisible({ timeout: 20_000 });
});

