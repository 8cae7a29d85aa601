/**
 * Audience segments end to end (issue 22): a supervisor on a browser host syncing with a real
 * central store (PGlite on 127.0.0.1) opens Segments from the top bar, narrows the segment from the
 * keyboard while the size line follows, saves it, and exports it for e-mail: the file lands in the
 * Downloads folder the host was given, and the sentence's counts are the saved segment's count.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { createUser } from '../../server/src/auth/users';
import { loadDemoIfEmpty } from '../../server/src/seed/demo';
import { segmentSize } from '../../server/src/segments/segment-sql';
import { startCentralStore, startSyncedHost, type CentralStore } from './central-store';
import { signIn, type RunningHost } from './fixtures';
import { describeViolations, seriousAxeViolations } from './axe';

const SUPERVISOR = { username: 'sia', password: 'builds segments' };

const test = base.extend<{ central: CentralStore; downloads: string; workstation: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  central: async ({}, use) => {
    const central = await startCentralStore(async (store) => {
      await createUser(store.db, { username: SUPERVISOR.username, displayName: 'Sia Supervisor', role: 'supervisor', password: SUPERVISOR.password, teams: ['North'] }, { N: 1024, r: 8, p: 1 });
      await loadDemoIfEmpty(store, { customers: 120 });
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
    // The host inherits this worker's environment: its exports go to `downloads`.
    process.env.SWITCHBOARD_DOWNLOADS_DIR = downloads;
    const { host, stop } = await startSyncedHost(central.url, SUPERVISOR);
    try {
      await use(host);
    } finally {
      await stop();
    }
  },
});

test('a supervisor builds, saves and exports a segment from the keyboard; the export agrees with the count; axe finds nothing serious', async ({ page, central, workstation, downloads }) => {
  await page.goto(workstation.url);
  await signIn(page, SUPERVISOR);
  await expect(page.getByRole('searchbox', { name: 'Search customers' })).toBeVisible();
  await page.getByRole('button', { name: 'Segments' }).click();
  await expect(page.getByRole('heading', { name: 'Audience segments' })).toBeVisible();

  const size = page.getByRole('status', { name: 'Segment size' });
  const all = await segmentSize(central.store.db, {});
  await expect(size).toContainText(`${all.size} customers`, { timeout: 15_000 });

  // Keyboard only: tick "Gold" and choose repeat buyers.
  const filters = page.getByRole('form', { name: 'Segment filters' });
  await filters.getByRole('checkbox', { name: 'Gold' }).focus();
  await page.keyboard.press('Space');
  await filters.getByRole('combobox', { name: 'Orders' }).focus();
  await page.keyboard.press('ArrowDown');
  const expected = await segmentSize(central.store.db, { tiers: ['gold'], buyer: 'repeat' });
  expect(expected.size, 'the demo data has gold repeat buyers').toBeGreaterThan(0);
  expect(expected.size).toBeLessThan(all.size);
  await expect(size).toContainText(`${expected.size} customer`, { timeout: 15_000 });

  await page.getByRole('textbox', { name: 'Segment name' }).focus();
  await page.keyboard.type('Gold repeat buyers');
  await page.keyboard.press('Enter');
  await expect(page.getByText(/Saved “Gold repeat buyers”/)).toBeVisible({ timeout: 15_000 });

  const saved = page.getByRole('list', { name: 'Saved segments' });
  await expect(saved.getByRole('listitem')).toHaveCount(1, { timeout: 15_000 });
  await saved.getByRole('button', { name: 'Export Gold repeat buyers' }).focus();
  await page.keyboard.press('Enter');
  const sentence = saved.getByRole('status').filter({ hasText: 'exported' });
  await expect(sentence).toBeVisible({ timeout: 15_000 });
  const m = /^(\d+) exported, (\d+) left out for no consent(?:, (\d+) without an e-mail address)?\./.exec((await sentence.textContent()) ?? '');
  expect(m).not.toBeNull();
  const [rows, leftOut, noContact] = [Number(m![1]), Number(m![2]), Number(m![3] ?? 0)];
  expect(rows + leftOut + noContact).toBe(expected.size);
  const violations = await seriousAxeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
  const files = readdirSync(downloads).filter((f) => f.endsWith('.csv'));
  expect(files).toHaveLength(1);
  expect(readFileSync(join(downloads, files[0]!), 'utf8').trimEnd().split('\r\n')).toHaveLength(1 + rows);
});
