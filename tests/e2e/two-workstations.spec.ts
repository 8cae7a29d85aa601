/**
 * Two workstations against one central store, end to end: the real server (over PGlite, on
 * 127.0.0.1), two real browser hosts with their own caches, two Chromium pages. Workstation B
 * reaches the store through a link the test can cut, so B can go offline while A stays online.
 *
 * - A complaint logged on A appears on B (live: the store pokes B, B pulls, B's open screen reloads).
 * - B offline: B logs a complaint (saved at once on B), comes back, and the store holds it once; A sees it.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { sql } from 'drizzle-orm';
import { createUser } from '../../server/src/auth/users';
import { loadDemoIfEmpty } from '../../server/src/seed/demo';
import { LinkProxy } from '../helpers/link-proxy';
import { startCentralStore, startSyncedHost, type CentralStore } from './central-store';
import { signIn, type RunningHost } from './fixtures';

const CSR = { username: 'kim', password: 'two workstations' };
const ZOE = {
  id: '5e1d0b9c-7a53-4c1e-9d0a-0000000000e1',
  firstName: 'Zoë',
  lastName: 'Wexford-Ångström',
  displayName: 'Zoë Wexford-Ångström',
  e164: '+442079460999',
};

const test = base.extend<{ central: CentralStore; link: LinkProxy; workstationA: RunningHost; workstationB: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  central: async ({}, use) => {
    const central = await startCentralStore(async (store) => {
      await createUser(store.db, { username: CSR.username, displayName: 'Kim CSR', role: 'csr', password: CSR.password }, { N: 1024, r: 8, p: 1 });
      await loadDemoIfEmpty(store, { customers: 150, now: Date.UTC(2025, 5, 1) });
      await store.db.execute(sql`insert into customers (id, first_name, last_name, loyalty_tier, created_at, updated_at)
                                 values (${ZOE.id}, ${ZOE.firstName}, ${ZOE.lastName}, 'gold', 0, 0)`);
      await store.db.execute(sql`insert into customer_phones (id, customer_id, e164, raw, is_primary)
                                 values (gen_random_uuid(), ${ZOE.id}, ${ZOE.e164}, '020 7946 0999', true)`);
    });
    try {
      await use(central);
    } finally {
      await central.close();
    }
  },
  link: async ({ central }, use) => {
    const link = new LinkProxy(Number(new URL(central.url).port));
    await link.start();
    try {
      await use(link);
    } finally {
      await link.stop();
    }
  },
  workstationA: async ({ central }, use) => {
    const { host, stop } = await startSyncedHost(central.url, CSR);
    try {
      await use(host);
    } finally {
      await stop();
    }
  },
  // B reaches the store through the link the test can cut.
  workstationB: async ({ link }, use) => {
    const { host, stop } = await startSyncedHost(`http://127.0.0.1:${link.port}`, CSR);
    try {
      await use(host);
    } finally {
      await stop();
    }
  },
});

const statusBar = (page: Page) => page.getByRole('contentinfo', { name: 'Status' });
/** A complaint in the open customer's Complaints list, by its description. */
const complaintRow = (page: Page, description: string) => page.getByRole('cell', { name: description, exact: true });

/** Opens a workstation's page and Zoë's complaints, once the first sync has brought her in. */
async function openZoesComplaints(page: Page, ws: RunningHost): Promise<void> {
  await page.goto(ws.url);
  await signIn(page, CSR);
  const search = page.getByRole('searchbox', { name: 'Search customers' });
  await expect(search).toBeVisible();
  await expect(statusBar(page)).toContainText('Online', { timeout: 20_000 });
  // Type as a CSR would; retype until the initial sync has delivered her (it takes a moment).
  await expect(async () => {
    await search.fill('');
    await search.fill('Wexford');
    await expect(page.getByRole('option', { name: new RegExp(`^${ZOE.displayName}\\s`) })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await page.getByRole('option', { name: new RegExp(`^${ZOE.displayName}\\s`) }).click();
  await expect(page.getByRole('heading', { level: 2, name: ZOE.displayName, exact: true })).toBeVisible();
  await page.getByRole('tab', { name: 'Complaints' }).click();
}

async function logComplaint(page: Page, description: string): Promise<void> {
  await page.getByRole('button', { name: 'Log complaint' }).click();
  const form = page.getByRole('form', { name: 'Log complaint' });
  await expect(form.getByRole('combobox', { name: 'Category' }).getByRole('option', { name: 'Wrong item sent' })).toBeAttached();
  await form.getByRole('combobox', { name: 'Category' }).selectOption({ label: 'Wrong item sent' });
  await form.getByRole('textbox', { name: 'Description' }).fill(description);
  await form.getByRole('button', { name: 'Save complaint' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved: complaint logged' })).toBeVisible();
}

test.describe('two workstations, one central store', () => {
  test.describe.configure({ timeout: 120_000 });

  test('a complaint logged on one appears on the other; one logged offline arrives once when it is back', async ({
    browser,
    central,
    link,
    workstationA,
    workstationB,
  }) => {
    const pageA = await (await browser.newContext()).newPage();
    const pageB = await (await browser.newContext()).newPage();
    await openZoesComplaints(pageA, workstationA);
    await openZoesComplaints(pageB, workstationB);

    // Online: logged on A, on B's open screen without anyone touching B.
    const fromA = `Parcel arrived crushed (logged on A ${Date.now().toString(36)})`;
    await logComplaint(pageA, fromA);
    const loggedAt = Date.now();
    await expect(complaintRow(pageB, fromA)).toBeVisible({ timeout: 10_000 });
    console.log(`A → B: the complaint showed on B ${Date.now() - loggedAt} ms after A's "Saved"`);

    // B loses the network: the CSR keeps working, the write is saved locally and waits.
    link.set('down');
    await expect(statusBar(pageB)).toContainText('Offline', { timeout: 15_000 });
    const fromB = `Wrong colour sent (logged on B while offline ${Date.now().toString(36)})`;
    await logComplaint(pageB, fromB);
    await expect(complaintRow(pageB, fromB)).toBeVisible();
    await expect(statusBar(pageB)).toContainText(/1 change waiting/);
    expect(await central.rows(sql`select id from complaints where description = ${fromB}`)).toEqual([]);

    // Back online: delivered once, and A sees it.
    link.set('up');
    await expect(statusBar(pageB)).toContainText('All changes synced', { timeout: 40_000 });
    await expect(complaintRow(pageA, fromB)).toBeVisible({ timeout: 10_000 });
    const stored = await central.rows<{ id: string }>(sql`select id from complaints where description = ${fromB}`);
    expect(stored).toHaveLength(1);
    const events = await central.rows<{ n: string | number }>(
      sql`select count(*) as n from complaint_events where complaint_id = ${stored[0]?.id ?? ''}`,
    );
    expect(Number(events[0]?.n)).toBe(1);
    expect(await central.rows(sql`select id from complaints where description = ${fromA}`)).toHaveLength(1);
  });
});
