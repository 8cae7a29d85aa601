/**
 * Issue 22's "Done when", walked as a new user would from README.md alone, on the demo (a store
 * loaded as `npm run server` loads an empty one; two workstations as in "Try two workstations"):
 * the demo supervisor signs in, opens **Dashboard**, sees the team's figures with their charts,
 * clicks Calls handled, sees the calls behind it (adding up to the figure), exports them (the file
 * has those rows), reads the tie-out line (the cache agrees with the store, on the same count), then
 * opens **Live board** and sees the demo CSR's new call on the other workstation appear on it.
 * Everything is found by role and accessible name.
 */
import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import { demoTest, README_ACCOUNTS, signInOnDesk, withDesk } from './demo-store';
import type { RunningHost } from './fixtures';

const test = demoTest.extend<{ supervisorDesk: RunningHost; csrDesk: RunningHost }>({
  supervisorDesk: async ({ demo, downloads }, use) => withDesk(demo, downloads, use),
  csrDesk: async ({ demo }, use) => withDesk(demo, null, use),
});

/** "Calls handled: 123 — show the calls behind it" (README, Supervisor dashboard → Figures). */
const CALLS_HANDLED = /^Calls handled: ([\d,]+) — show the calls behind it$/;
const count = (text: string) => Number(text.replace(/,/g, ''));
const agentRow = (page: Page, name: string) =>
  page.getByRole('table', { name: /^Agents of / }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${name}`) }) });

// Copying the day's demo store, two workstations and their first copies: minutes on a loaded two-core machine.
test.describe.configure({ timeout: 180_000 });

test('the demo supervisor sees the team’s figures and charts, the calls behind one, exports them, the tie-out agrees, and a CSR’s new call shows on the live board', async ({
  browser,
  page,
  supervisorDesk,
  csrDesk,
  downloads,
}) => {
  // Both workstations open, as README's "Try two workstations" has it: the demo CSR on one.
  const csrPage = await (await browser.newContext()).newPage();
  await signInOnDesk(csrPage, csrDesk, README_ACCOUNTS.csr);
  await signInOnDesk(page, supervisorDesk, README_ACCOUNTS.supervisor);
  await page.getByRole('button', { name: 'Dashboard', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Dashboard', exact: true })).toBeFocused();
  // The team's figures (the store's first answer names the team: the demo's Phones), with a chart
  // and its table beside it. The store reports while the workstations copy from it: given time.
  const figure = page.getByRole('button', { name: CALLS_HANDLED });
  await expect(figure).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('form', { name: 'Dashboard filters' }).getByLabel('Team')).toHaveValue('Phones', { timeout: 10_000 });
  const calls = count(CALLS_HANDLED.exec((await figure.getAttribute('aria-label')) ?? (await figure.innerText()))?.[1] ?? '0');
  expect(calls, 'the demo team handled calls in the last 30 days').toBeGreaterThan(50);
  await expect(page.getByRole('img', { name: new RegExp(`^Bar chart of calls handled per day over 30 days: ${calls.toLocaleString('en-US')} in all`) })).toBeVisible();
  for (const caption of ['Calls handled per day', 'Average handle time per day, and its parts', 'Figures per CSR']) {
    await expect(page.getByRole('table', { name: caption })).toBeVisible();
  }

  // The tie-out line: once this desk's first copy is in, its cache agrees with the store, on the same count.
  await expect(page.getByRole('status').filter({ hasText: /^Tie-out:/ })).toContainText(
    `Tie-out: the cache agrees with the store for this period: ${calls.toLocaleString('en-US')} calls`,
    { timeout: 60_000 },
  );

  // The calls behind the figure add up to it; exported, the file has those rows.
  await figure.click();
  const dialog = page.getByRole('dialog', { name: 'The calls behind Calls handled' });
  const n = calls.toLocaleString('en-US');
  await expect(dialog.getByRole('status').filter({ hasText: `These ${n} calls add up to the figure: Calls handled = ${n}.` })).toBeVisible({ timeout: 15_000 });
  await expect(dialog.getByText(`Rows 1–50 of ${n}`)).toBeVisible();
  await expect(dialog.getByRole('row')).toHaveCount(51);
  await dialog.getByRole('button', { name: 'Export CSV' }).click();
  const saved = dialog.getByRole('status').filter({ hasText: /^Exported / });
  await expect(saved).toContainText(`Exported ${n} rows`, { timeout: 15_000 });
  const path = /to (.+\.csv)\.$/.exec((await saved.textContent()) ?? '')?.[1];
  expect(path?.startsWith(downloads), `saved to ${path}`).toBe(true);
  const rows = parse(readFileSync(path!, 'utf8'), { columns: true, bom: true }) as unknown[];
  expect(rows).toHaveLength(calls);
  await page.keyboard.press('Escape');
  await expect(figure).toBeFocused();

  // The live board, and a call the demo CSR takes on the other workstation (a screen-pop).
  await page.getByRole('button', { name: 'Live board' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Live board' })).toBeFocused();
  await expect(agentRow(page, 'Demo CSR').getByRole('cell').nth(2)).toHaveText('Signed in, no call', { timeout: 10_000 });
  await csrPage.goto(`${csrDesk.url}&from=${encodeURIComponent('+15550107788')}`);
  await expect(csrPage.getByRole('region', { name: 'Call' }).getByRole('button', { name: /^Hold/ })).toBeVisible();
  await expect(agentRow(page, 'Demo CSR').getByRole('cell').nth(2)).toHaveText('On a call', { timeout: 10_000 });
  await csrPage.context().close();
});
