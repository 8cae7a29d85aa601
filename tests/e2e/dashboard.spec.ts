/**
 * The supervisor dashboard (issue 22) in Chromium, on a browser host working alone (no central
 * store): the figures come from the cache, marked "Offline: figures as of …". Completed calls are
 * written into the host's cache for the demo CSR and the demo supervisor (both in team Phones).
 *
 * - A supervisor opens the Dashboard, sees Calls handled for the team, opens the calls behind it:
 *   the drill-down's total equals the figure and says so, it sorts (aria-sort) and pages, Esc
 *   returns focus to the figure, a row opens its customer; axe finds nothing serious.
 * - A CSR opens "My figures": only their own calls, and the CSR select offers nobody else.
 *
 * Then against a real central store (the server over PGlite) with a workstation syncing with it:
 * the figures come from the store, the tie-out line says the cache agrees, the drill-down adds up
 * and its Export CSV writes the same number of rows into the downloads folder.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { sql } from 'drizzle-orm';
import { createUser } from '../../server/src/auth/users';
import { customers } from '../../server/src/db/schema';
import { test, expect, openApp, customerHeading, signIn, startHost, stopHost, KNOWN, type RunningHost } from './fixtures';
import { startCentralStore, type CentralStore } from './central-store';
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

    // Compared with the 30 days before (no calls then): the previous value and the change.
    await filters.getByLabel('Compare with the previous period').check();
    await expect(page.getByRole('listitem').filter({ has: figure })).toContainText(`Previous period: 0 · +${total}`);

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

const KIM = { username: 'kim', password: 'takes the north calls' };
const SAM = { username: 'sam', password: 'reads the north board' };
const KIM_CALLS = 57;
const LEE_CALLS = 4;
const CUSTOMER = { id: '5e1d0b9c-7a53-4c1e-9d0a-0000000000d1', displayName: 'Wren Okonkwo-Lindqvist' };

const online = test.extend<{ central: CentralStore; downloads: string; workstation: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  central: async ({}, use) => {
    const central = await startCentralStore(async (store) => {
      const cost = { N: 1024, r: 8, p: 1 };
      await createUser(store.db, { username: KIM.username, displayName: 'Kim North', role: 'csr', password: KIM.password, teams: ['North'] }, cost);
      await createUser(store.db, { username: SAM.username, displayName: 'Sam Supervisor', role: 'supervisor', password: SAM.password, teams: ['North'] }, cost);
      await createUser(store.db, { username: 'lee', displayName: 'Lee South', role: 'csr', password: 'takes the south calls', teams: ['South'] }, cost);
      const now = Date.now();
      await store.db.insert(customers).values({ id: CUSTOMER.id, firstName: 'Wren', lastName: 'Okonkwo-Lindqvist', createdAt: now, updatedAt: now });
      await store.db.execute(sql`
        INSERT INTO calls (id, customer_id, source, agent_id, status, started_at, talk_ms, hold_ms, wrap_up_ms)
        SELECT gen_random_uuid(), ${CUSTOMER.id}::uuid, 'manual', 'kim', 'completed', ${now}::bigint - (g % 9) * ${DAY_MS}::bigint - 3600000 - g * 60000, 90000 + g * 1000, (g % 3) * 10000, 20000
          FROM generate_series(1, ${KIM_CALLS}) g`);
      await store.db.execute(sql`
        INSERT INTO calls (id, customer_id, source, agent_id, status, started_at, talk_ms, hold_ms, wrap_up_ms)
        SELECT gen_random_uuid(), ${CUSTOMER.id}::uuid, 'manual', 'lee', 'completed', ${now}::bigint - g * ${DAY_MS}::bigint, 60000, 0, 0 FROM generate_series(1, ${LEE_CALLS}) g`);
    });
    try {
      await use(central);
    } finally {
      await central.close();
    }
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  downloads: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-downloads-'));
    try {
      await use(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  workstation: async ({ central, downloads }, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-ws-'));
    const { host, child } = await startHost(join(dir, 'cache.db'), 'GB', { args: ['--server', central.url], env: { SWITCHBOARD_DOWNLOADS_DIR: downloads }, signInAs: null });
    try {
      await use(host);
    } finally {
      await stopHost(child);
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

/** How many calls the workstation's cache holds (the sync's pull has arrived when it is all of them). */
function cachedCalls(dbFile: string): number {
  const db = openCache(dbFile, { readonly: true });
  try {
    return (db.$client.prepare('SELECT count(*) AS n FROM calls').get() as { n: number }).n;
  } finally {
    db.$client.close();
  }
}

online.describe('dashboard online, from the store', () => {
  // Starting the store (PGlite and its migrations) and the first pull take most of this.
  online.describe.configure({ timeout: 180_000 });
  online('the store’s figures, the tie-out with the cache, the drill-down and its export; the CSR sees only their own', async ({ page, workstation, downloads }) => {
    // Kim signs in first on this desk (a shared workstation): the cache learns Kim's team from it.
    await openApp(page, workstation, { as: KIM });
    await expect.poll(() => cachedCalls(workstation.dbFile), { timeout: 30_000 }).toBe(KIM_CALLS + LEE_CALLS);

    await page.getByRole('button', { name: 'My figures', exact: true }).click();
    await expect(callsHandled(page, KIM_CALLS)).toBeVisible();
    await expect(page.getByRole('form', { name: 'Dashboard filters' }).getByLabel('CSR').getByRole('option')).toHaveText(['Kim North']);
    await expect(page.getByRole('status').filter({ hasText: /^Offline:/ })).toHaveCount(0);
    // A CSR may not export (data.export).
    await callsHandled(page, KIM_CALLS).click();
    const kimDialog = page.getByRole('dialog', { name: 'The calls behind Calls handled' });
    await expect(kimDialog.getByText(`Rows 1–50 of ${KIM_CALLS}`)).toBeVisible();
    await expect(kimDialog.getByRole('button', { name: 'Export CSV' })).toHaveCount(0);
    await page.keyboard.press('Escape');

    // Forced through the bridge, as a script in the page could: Lee's figures, Lee's team's, and the
    // rows behind Lee's calls are refused, from the store and from the cache alike.
    const forced = await page.evaluate(async () => {
      const today = new Date().toISOString().slice(0, 10);
      const filter = { from: '2000-01-01', to: today, currency: 'GBP' };
      const ask = async (channel: string, body: unknown) => {
        const r = await fetch(`/rpc/${channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Switchboard-Bridge': '1' }, body: JSON.stringify(body) });
        return ((await r.json()) as { ok: boolean; error?: { code: string } }).error?.code ?? 'ok';
      };
      return {
        store: await ask('report:dashboard', { filter: { ...filter, from: today, csr: 'lee' } }),
        cache: await ask('report:dashboard-local', { filter: { ...filter, from: today, csr: 'lee' } }),
        team: await ask('report:dashboard', { filter: { ...filter, from: today, team: 'South' } }),
        rows: await ask('report:drilldown', { filter: { ...filter, from: today, csr: 'lee' }, metricId: 'callsHandled' }),
        rowsLocal: await ask('report:drilldown-local', { filter: { ...filter, from: today, csr: 'lee' }, metricId: 'callsHandled' }),
        export: await ask('report:export', { filter: { ...filter, from: today }, metricId: 'callsHandled' }),
      };
    });
    expect(forced).toEqual({ store: 'forbidden', cache: 'forbidden', team: 'forbidden', rows: 'forbidden', rowsLocal: 'forbidden', export: 'forbidden' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, SAM);
    await page.getByRole('button', { name: 'Dashboard', exact: true }).click();
    await expect(page.getByRole('form', { name: 'Dashboard filters' }).getByLabel('Team')).toHaveValue('North');
    const figure = callsHandled(page, KIM_CALLS);
    await expect(figure).toBeVisible();
    await expect(page.getByRole('form', { name: 'Dashboard filters' }).getByLabel('CSR').getByRole('option')).toHaveText(['Every CSR', 'Kim North', 'Sam Supervisor']);
    await expect(page.getByRole('status').filter({ hasText: /^Tie-out:/ })).toHaveText(
      `Tie-out: the cache agrees with the store for this period: ${KIM_CALLS} calls, 0 complaints, 0 offers, 0 orders.`,
      { timeout: 10_000 },
    );
    await expect(page.getByRole('button', { name: 'Re-pull from the store' })).toBeVisible();

    const violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    await figure.click();
    const dialog = page.getByRole('dialog', { name: 'The calls behind Calls handled' });
    await expect(dialog.getByRole('status').filter({ hasText: `These ${KIM_CALLS} calls add up to the figure: Calls handled = ${KIM_CALLS}.` })).toBeVisible();
    await dialog.getByRole('button', { name: 'Next page' }).click();
    await expect(dialog.getByText(`Rows 51–${KIM_CALLS} of ${KIM_CALLS}`)).toBeVisible();

    await dialog.getByRole('button', { name: 'Export CSV' }).click();
    const saved = dialog.getByRole('status').filter({ hasText: /^Exported / });
    await expect(saved).toContainText(`Exported ${KIM_CALLS} rows`);
    const path = /to (.+\.csv)\.$/.exec((await saved.textContent()) ?? '')?.[1];
    expect(path?.startsWith(downloads), `saved to ${path}`).toBe(true);
    const lines = readFileSync(path!, 'utf8').trim().split(/\r?\n/);
    expect(lines).toHaveLength(KIM_CALLS + 1);

    await dialog.getByRole('button', { name: `Open customer ${CUSTOMER.displayName}` }).first().click();
    await expect(customerHeading(page, CUSTOMER.displayName)).toBeVisible();
  });

  online('on a supervisor’s own desk, where the team’s CSRs never signed in, the tie-out agrees (the team roster is synced)', async ({ page, workstation }) => {
    await openApp(page, workstation, { as: SAM });
    await expect.poll(() => cachedCalls(workstation.dbFile), { timeout: 30_000 }).toBe(KIM_CALLS + LEE_CALLS);
    await page.getByRole('button', { name: 'Dashboard', exact: true }).click();
    await expect(callsHandled(page, KIM_CALLS)).toBeVisible();
    // Kim never signed in here: the roster synced from the store says Kim is in North, so the cache's team count has Kim's calls.
    await expect(page.getByRole('status').filter({ hasText: /^Tie-out:/ })).toHaveText(
      `Tie-out: the cache agrees with the store for this period: ${KIM_CALLS} calls, 0 complaints, 0 offers, 0 orders.`,
      { timeout: 10_000 },
    );
    await page.getByRole('button', { name: 'Re-pull from the store' }).click();
    await expect(page.getByRole('status').filter({ hasText: /^(Re-pulling|The cache’s tables match|Re-pull not started)/ })).toBeVisible({ timeout: 15_000 });
  });
});
