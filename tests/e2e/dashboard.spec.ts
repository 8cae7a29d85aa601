/**
 * The supervisor dashboard (issue 22) in Chromium, on a browser host working alone (no central
 * store): the figures come from the cache, marked "Offline: figures as of …". Completed calls are
 * written into the host's cache for the demo CSR and the demo supervisor (both in team Phones).
 *
 * - A supervisor opens the Dashboard, sees Calls handled for the team, opens the calls behind it:
 *   the drill-down's total equals the figure and says so, it sorts (aria-sort) and pages, Esc
 *   returns focus to the figure, a row opens its customer; axe finds nothing serious.
 * - A CSR opens "My figures": only their own calls, and the CSR select offers nobody else.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from '@playwright/test';
import { test, expect, openApp, customerHeading, KNOWN } from './fixtures';
import { describeViolations, seriousAxeViolations } from './axe';
import { openCache } from '../../src-main/core/db/open';

const CSR_CALLS = 57;
const SUPERVISOR_CALLS = 5;
const DAY_MS = 86_400_000;

/** Completed calls started in the last days (inside the dashboard's default 30 days), with Zoë as the caller. */
function insertCalls(dbFile: string): void {
  const db = openCache(dbFile);
  try {
    const insert = db.$client.prepare(
      `INSERT INTO calls (id, customer_id, from_e164, source, agent_id, status, started_at, talk_ended_at, completed_at, talk_ms, hold_ms, wrap_up_ms)
       VALUES (?, ?, ?, 'manual', ?, 'completed', ?, ?, ?, ?, ?, ?)`,
    );
    const now = Date.now();
    db.$client.transaction(() => {
      const add = (agent: string, i: number) => {
        const started = now - (i % 9) * DAY_MS - 3_600_000 - i * 60_000;
        const talk = 120_000 + i * 1_000;
        const hold = (i % 3) * 15_000;
        const wrap = 30_000;
        insert.run(randomUUID(), KNOWN.zoe.id, KNOWN.zoe.e164, agent, started, started + talk + hold, started + talk + hold + wrap, talk, hold, wrap);
      };
      for (let i = 0; i < CSR_CALLS; i++) add('csr', i);
      for (let i = 0; i < SUPERVISOR_CALLS; i++) add('supervisor', i);
    })();
  } finally {
    db.$client.close();
  }
}

async function openDashboard(page: Page, name: 'Dashboard' | 'My figures'): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name, exact: true })).toBeFocused();
  await expect(page.getByRole('status').filter({ hasText: /^Offline: figures (as of|from this workstation’s cache)/ })).toBeVisible();
}

const callsHandled = (page: Page, n: number) => page.getByRole('button', { name: `Calls handled: ${n} — show the calls behind it`, exact: true });

test.describe('supervisor dashboard, offline', () => {
  test.use({ signInAs: 'supervisor' });

  test('figures, the calls behind a number (sorted, paged, adding up), a customer opened; axe finds nothing serious', async ({ page, host }) => {
    insertCalls(host.dbFile);
    await openApp(page, host);
    await openDashboard(page, 'Dashboard');

    const filters = page.getByRole('form', { name: 'Dashboard filters' });
    await expect(filters.getByLabel('Team')).toHaveValue('Phones');
    for (const label of ['From', 'To', 'CSR', 'Channel', 'Campaign code', 'Currency', 'Compare with the previous period']) await expect(filters.getByLabel(label, { exact: true })).toBeVisible();

    const total = CSR_CALLS + SUPERVISOR_CALLS;
    const figure = callsHandled(page, total);
    await expect(figure).toBeVisible();
    // Nothing recorded is "No data", never 0 (no offer presented in the period).
    await expect(page.getByRole('button', { name: /^Upsell conversion: No data — show the offers behind it$/ })).toBeVisible();
    // Every chart has its table.
    for (const caption of ['Calls handled per day', 'Average handle time per day, and its parts', 'Figures per CSR']) {
      await expect(page.getByRole('table', { name: caption })).toBeVisible();
    }
    await expect(page.getByRole('img', { name: /^Bar chart of calls handled per day over 30 days: 62 in all/ })).toBeVisible();

    const violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    await figure.click();
    const dialog = page.getByRole('dialog', { name: 'The calls behind Calls handled' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('status').filter({ hasText: `These ${total} calls add up to the figure: Calls handled = ${total}.` })).toBeVisible();
    await expect(dialog.getByText(`Rows 1–50 of ${total}`)).toBeVisible();
    await expect(dialog.getByRole('row')).toHaveCount(51);

    const started = dialog.getByRole('columnheader', { name: 'Started' });
    await started.getByRole('button').click();
    await expect(started).toHaveAttribute('aria-sort', 'ascending');
    await started.getByRole('button').click();
    await expect(started).toHaveAttribute('aria-sort', 'descending');

    await dialog.getByRole('button', { name: 'Next page' }).click();
    await expect(dialog.getByText(`Rows 51–${total} of ${total}`)).toBeVisible();
    await expect(dialog.getByRole('row')).toHaveCount(total - 50 + 1);
    await expect(dialog.getByRole('button', { name: 'Next page' })).toBeDisabled();
    await dialog.getByRole('button', { name: 'Previous page' }).click();
    await expect(dialog.getByText(`Rows 1–50 of ${total}`)).toBeVisible();

    const dialogViolations = await seriousAxeViolations(page);
    expect(dialogViolations, describeViolations(dialogViolations)).toEqual([]);

    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(figure).toBeFocused();
    // Esc closed the dialog only: the dashboard is still there.
    await expect(page.getByRole('heading', { level: 2, name: 'Dashboard', exact: true })).toBeVisible();

    await figure.click();
    await dialog.getByRole('button', { name: `Open customer ${KNOWN.zoe.displayName}` }).first().click();
    await expect(dialog).toBeHidden();
    await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeVisible();
  });
});

test.describe('my figures, offline', () => {
  test('a CSR sees only their own figures; the CSR select offers nobody else', async ({ page, host }) => {
    insertCalls(host.dbFile);
    await openApp(page, host);
    await expect(page.getByRole('button', { name: 'Dashboard', exact: true })).toHaveCount(0);
    await openDashboard(page, 'My figures');
    await expect(callsHandled(page, CSR_CALLS)).toBeVisible();
    const csr = page.getByRole('form', { name: 'Dashboard filters' }).getByLabel('CSR');
    await expect(csr.getByRole('option')).toHaveText(['Demo CSR']);
    await expect(page.getByRole('table', { name: 'Figures per CSR' }).getByRole('rowheader')).toHaveText(['Demo CSR']);
  });
});
