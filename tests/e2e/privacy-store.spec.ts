/**
 * Consent, a customer's data and erasure end to end (issue 23): two browser hosts syncing with a
 * real central store (PGlite on 127.0.0.1). A supervisor records the customer's consent per
 * channel (on whose word) and sees it in the contact history, saves the customer's data as a ZIP
 * in the Downloads folder, and requests the customer's erasure; an admin on the other workstation
 * confirms it on the admin screen; the supervisor's workstation no longer finds the customer by
 * name or number. Axe finds nothing serious on the profile or the admin screen.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { test as base, expect, type Page } from '@playwright/test';
import { createUser } from '../../server/src/auth/users';
import { startCentralStore, startSyncedHost, type CentralStore } from './central-store';
import { signIn, type RunningHost } from './fixtures';
import { describeViolations, seriousAxeViolations } from './axe';

const SUPERVISOR = { username: 'sol', password: 'supervises privacy' };
const ADMIN = { username: 'ada', password: 'administers privacy' };
const CUSTOMER = { id: randomUUID(), first: 'Alicia', last: 'Quellwater', phone: '+442079460111', typed: '020 7946 0111' };
const NAME = `${CUSTOMER.first} ${CUSTOMER.last}`;

const test = base.extend<{ central: CentralStore; downloads: string; supervisorDesk: RunningHost; adminDesk: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  central: async ({}, use) => {
    const central = await startCentralStore(async (store) => {
      const fast = { N: 1024, r: 8, p: 1 };
      await createUser(store.db, { username: SUPERVISOR.username, displayName: 'Sol Supervisor', role: 'supervisor', password: SUPERVISOR.password }, fast);
      await createUser(store.db, { username: ADMIN.username, displayName: 'Ada Admin', role: 'admin', password: ADMIN.password }, fast);
      const now = Date.now();
      await store.db.execute(sql`insert into customers (id, first_name, last_name, created_at, updated_at) values (${CUSTOMER.id}, ${CUSTOMER.first}, ${CUSTOMER.last}, ${now}, ${now})`);
      await store.db.execute(sql`insert into customer_phones (id, customer_id, e164, raw, kind, is_primary) values (${randomUUID()}, ${CUSTOMER.id}, ${CUSTOMER.phone}, ${CUSTOMER.typed}, 'mobile', true)`);
      await store.db.execute(sql`insert into customer_emails (id, customer_id, email, is_primary) values (${randomUUID()}, ${CUSTOMER.id}, 'alicia@example.com', true)`);
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
  supervisorDesk: async ({ central, downloads }, use) => {
    process.env.SWITCHBOARD_DOWNLOADS_DIR = downloads;
    const { host, stop } = await startSyncedHost(central.url, SUPERVISOR);
    try {
      await use(host);
    } finally {
      await stop();
    }
  },
  adminDesk: async ({ central }, use) => {
    const { host, stop } = await startSyncedHost(central.url, ADMIN);
    try {
      await use(host);
    } finally {
      await stop();
    }
  },
});

const statusBar = (page: Page) => page.getByRole('contentinfo', { name: 'Status' });
const search = (page: Page) => page.getByRole('searchbox', { name: 'Search customers' });
const option = (page: Page) => page.getByRole('option', { name: new RegExp(`^${NAME}\\s`) });

test.describe.configure({ timeout: 180_000 });

test('consent per channel, the customer’s data as a ZIP, and an erasure requested by a supervisor and confirmed by an admin', async ({
  browser,
  page,
  central,
  downloads,
  supervisorDesk,
  adminDesk,
}) => {
  await page.goto(supervisorDesk.url);
  await signIn(page, SUPERVISOR);
  await expect(statusBar(page)).toContainText('Online', { timeout: 20_000 });
  await expect(async () => {
    await search(page).fill('');
    await search(page).fill(CUSTOMER.last);
    await expect(option(page)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await option(page).click();
  await expect(page.getByRole('heading', { level: 2, name: NAME, exact: true })).toBeVisible();

  // Consent per channel, on the customer's word on the phone.
  await page.getByRole('button', { name: 'Edit contact' }).click();
  const form = page.getByRole('form', { name: 'Edit contact' });
  await form.getByRole('checkbox', { name: 'Marketing by e-mail' }).check();
  await form.getByRole('checkbox', { name: 'Marketing by SMS' }).check();
  await form.getByRole('combobox', { name: /On whose word/ }).selectOption({ label: 'Customer on the phone' });
  await form.getByRole('button', { name: 'Save contact' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Saved: .*E-mail marketing/ })).toBeVisible();
  await page.getByRole('tab', { name: 'Contact history' }).click();
  const history = page.getByRole('table', { name: /Contact changes/ });
  await expect(history.getByRole('row').filter({ hasText: 'SMS marketing consent' })).toContainText('Customer on the phone');
  const violations = await seriousAxeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
  await expect
    .poll(async () => (await central.rows<{ e: boolean; s: boolean; p: boolean }>(sql`select consent_email as e, consent_sms as s, consent_phone as p from customers where id = ${CUSTOMER.id}`))[0], {
      timeout: 20_000,
    })
    .toEqual({ e: true, s: true, p: false });

  // The customer's data, saved in Downloads.
  const privacy = page.getByRole('region', { name: 'Customer’s data' });
  await privacy.getByRole('button', { name: 'Export customer data' }).click();
  await expect(privacy.getByRole('status')).toContainText('Saved as', { timeout: 15_000 });
  expect(readdirSync(downloads).filter((f) => f.endsWith('.zip'))).toEqual([expect.stringContaining(CUSTOMER.id)]);

  // The supervisor asks for the erasure.
  await privacy.getByRole('button', { name: 'Request erasure…' }).click();
  await privacy.getByRole('textbox', { name: 'Reason for erasure' }).fill('Letter of 3 May');
  await privacy.getByRole('button', { name: 'Send erasure request' }).click();
  await expect(privacy.getByRole('status')).toContainText('Erasure requested');

  // The admin confirms it on the other workstation.
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await adminPage.goto(adminDesk.url);
  await signIn(adminPage, ADMIN);
  await adminPage.getByRole('group', { name: 'Session' }).getByRole('button', { name: 'Admin', exact: true }).click();
  const requests = adminPage.getByRole('table', { name: /Erasure requests waiting/ });
  const row = requests.getByRole('row').filter({ hasText: NAME });
  await expect(row).toContainText('Letter of 3 May', { timeout: 15_000 });
  const adminViolations = await seriousAxeViolations(adminPage);
  expect(adminViolations, describeViolations(adminViolations)).toEqual([]);
  await row.getByRole('button', { name: `Confirm erasure of ${NAME}` }).click();
  await row.getByRole('button', { name: `Erase ${NAME} now` }).click();
  await expect(adminPage.getByRole('status').filter({ hasText: 'erased' })).toBeVisible();
  await adminContext.close();

  // The supervisor's workstation, online, no longer finds her by name or number.
  await page.getByRole('button', { name: /Back/ }).first().click();
  for (const query of [CUSTOMER.last, CUSTOMER.typed]) {
    await expect(async () => {
      await search(page).fill('');
      await search(page).fill(query);
      await expect(option(page)).toHaveCount(0, { timeout: 1_000 });
      await expect(page.getByRole('option', { name: /^Erased customer/ })).toHaveCount(0, { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
  }
});
