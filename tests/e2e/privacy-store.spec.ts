/**
 * Consent, a customer's data and erasure end to end (issue 23): two browser hosts syncing with a
 * real central store (PGlite on 127.0.0.1). A supervisor records the customer's consent per
 * channel (on whose word) and sees it in the contact history, saves the customer's data as a ZIP
 * in the Downloads folder, and requests the customer's erasure; an admin on the other workstation
 * confirms it on the admin screen; the supervisor's workstation no longer finds the customer by
 * name or number. Axe finds nothing serious on the profile or the admin screen.
 *
 * The same erasure reaching a third host that was offline at the time: a CSR's workstation (its link
 * to the store cut, as in phone-order-store.spec.ts) still finds the customer and logs a complaint
 * for them, saved and waiting; when the link is back its desk no longer finds them by name or
 * number, the complaint is delivered once and lands on the anonymous customer (nobody resurrected),
 * and the store's metrics for the period are the same as before the erasure but for that one
 * complaint — the erased customer's order and its value still count.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { createUser } from '../../server/src/auth/users';
import { runMetricOnStore } from '../../server/src/reports/metrics';
import type { MetricDecl } from '../../src-shared/domain/metric-language';
import { METRICS } from '../../src-shared/domain/metrics';
import { dayOf, metricFilterFor } from '../../src-shared/reports/dashboard';
import { LinkProxy } from '../helpers/link-proxy';
import { startCentralStore, startSyncedHost, type CentralStore } from './central-store';
import { signIn, type RunningHost } from './fixtures';
import { describeViolations, seriousAxeViolations } from './axe';

const SUPERVISOR = { username: 'sol', password: 'supervises privacy' };
const ADMIN = { username: 'ada', password: 'administers privacy' };
const CSR = { username: 'cyd', password: 'answers the phone' };
const CUSTOMER = { id: randomUUID(), first: 'Alicia', last: 'Quellwater', phone: '+442079460111', typed: '020 7946 0111', email: 'alicia@example.com' };
const NAME = `${CUSTOMER.first} ${CUSTOMER.last}`;
/** The customer's phone order an hour ago (taken by the CSR) and the call it came from: what the metrics count of her. */
const HER_ORDER = { id: randomUUID(), totalCents: 4_250 };

const test = base.extend<{ central: CentralStore; downloads: string; supervisorDesk: RunningHost; adminDesk: RunningHost; link: LinkProxy; csrDesk: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  central: async ({}, use) => {
    const central = await startCentralStore(async (store) => {
      const fast = { N: 1024, r: 8, p: 1 };
      await createUser(store.db, { username: SUPERVISOR.username, displayName: 'Sol Supervisor', role: 'supervisor', password: SUPERVISOR.password }, fast);
      await createUser(store.db, { username: ADMIN.username, displayName: 'Ada Admin', role: 'admin', password: ADMIN.password }, fast);
      await createUser(store.db, { username: CSR.username, displayName: 'Cyd CSR', role: 'csr', password: CSR.password }, fast);
      const now = Date.now();
      await store.db.execute(sql`insert into customers (id, first_name, last_name, created_at, updated_at) values (${CUSTOMER.id}, ${CUSTOMER.first}, ${CUSTOMER.last}, ${now}, ${now})`);
      await store.db.execute(sql`insert into customer_phones (id, customer_id, e164, raw, kind, is_primary) values (${randomUUID()}, ${CUSTOMER.id}, ${CUSTOMER.phone}, ${CUSTOMER.typed}, 'mobile', true)`);
      await store.db.execute(sql`insert into customer_emails (id, customer_id, email, is_primary) values (${randomUUID()}, ${CUSTOMER.id}, ${CUSTOMER.email}, true)`);
      const hourAgo = now - 3_600_000;
      await store.db.execute(
        sql`insert into calls (id, customer_id, source, agent_id, status, started_at, talk_ended_at, completed_at, talk_ms, hold_ms, wrap_up_ms, disposition_code)
            values (${randomUUID()}, ${CUSTOMER.id}, 'manual', ${CSR.username}, 'completed', ${hourAgo}, ${hourAgo + 120_000}, ${hourAgo + 150_000}, 120000, 0, 30000, 'resolved')`,
      );
      await store.db.execute(
        sql`insert into orders (id, number, customer_id, channel, status, currency, subtotal_cents, total_cents, placed_at, agent_id)
            values (${HER_ORDER.id}, 'SO-PRIV-1', ${CUSTOMER.id}, 'phone', 'placed', 'GBP', ${HER_ORDER.totalCents}, ${HER_ORDER.totalCents}, ${hourAgo}, ${CSR.username})`,
      );
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
  link: async ({ central }, use) => {
    const link = new LinkProxy(Number(new URL(central.url).port));
    await link.start();
    try {
      await use(link);
    } finally {
      await link.stop();
    }
  },
  // The CSR's workstation reaches the store through the link the test can cut.
  csrDesk: async ({ link }, use) => {
    const { host, stop } = await startSyncedHost(`http://127.0.0.1:${link.port}`, CSR);
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
const heading = (page: Page) => page.getByRole('heading', { level: 2, name: NAME, exact: true });
const privacyRegion = (page: Page) => page.getByRole('region', { name: 'Customer’s data' });

/** Signs in on `desk` and waits for its first copy to bring the customer in (found by name). */
async function signInAndFind(page: Page, desk: RunningHost, who: { username: string; password: string }): Promise<void> {
  await page.goto(desk.url);
  await signIn(page, who);
  await expect(statusBar(page)).toContainText('Online', { timeout: 20_000 });
  await expect(async () => {
    await search(page).fill('');
    await search(page).fill(CUSTOMER.last);
    await expect(option(page)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
}

/** On the customer's open profile, a supervisor asks for the erasure. */
async function requestErasure(page: Page, reason: string): Promise<void> {
  const privacy = privacyRegion(page);
  await privacy.getByRole('button', { name: 'Request erasure…' }).click();
  await privacy.getByRole('textbox', { name: 'Reason for erasure' }).fill(reason);
  await privacy.getByRole('button', { name: 'Send erasure request' }).click();
  await expect(privacy.getByRole('status')).toContainText('Erasure requested');
}

/** An admin confirms the request on the admin screen of `adminDesk`; `beforeConfirming` looks at the screen first. */
async function confirmErasure(browser: Browser, adminDesk: RunningHost, reason: string, beforeConfirming?: (adminPage: Page) => Promise<void>): Promise<void> {
  const adminContext = await browser.newContext();
  try {
    const adminPage = await adminContext.newPage();
    await adminPage.goto(adminDesk.url);
    await signIn(adminPage, ADMIN);
    await adminPage.getByRole('group', { name: 'Session' }).getByRole('button', { name: 'Admin', exact: true }).click();
    const requests = adminPage.getByRole('table', { name: /Erasure requests waiting/ });
    const row = requests.getByRole('row').filter({ hasText: NAME });
    await expect(row).toContainText(reason, { timeout: 15_000 });
    await beforeConfirming?.(adminPage);
    await row.getByRole('button', { name: `Confirm erasure of ${NAME}` }).click();
    await row.getByRole('button', { name: `Erase ${NAME} now` }).click();
    await expect(adminPage.getByRole('status').filter({ hasText: 'erased' })).toBeVisible();
  } finally {
    await adminContext.close();
  }
}

/**
 * From the search box, the desk no longer finds the customer by name or by the digits of her
 * number: "No customers match." (retried until the desk's sync has brought the erasure, or `timeout`).
 */
async function expectNotFound(page: Page, timeout: number): Promise<void> {
  for (const query of [CUSTOMER.last, CUSTOMER.typed]) {
    await expect(async () => {
      await search(page).fill('');
      await search(page).fill(query);
      await expect(page.getByRole('region', { name: 'Results' })).toContainText('No customers match.', { timeout: 1_000 });
      await expect(option(page)).toHaveCount(0);
      await expect(page.getByRole('option', { name: /^Erased customer/ })).toHaveCount(0);
    }).toPass({ timeout });
  }
}

/** Every metric's figures on the store for `period` (as the dashboard asks for them), by metric id. */
async function storeFigures(central: CentralStore, period: { from: string; to: string; currency: 'GBP' }): Promise<Record<string, number[][]>> {
  const out: Record<string, number[][]> = {};
  for (const [id, metric] of Object.entries(METRICS as Record<string, MetricDecl>)) {
    out[id] = (await runMetricOnStore(central.store.db, metric, { filter: metricFilterFor(metric, period).filter })).map((r) => r.components);
  }
  return out;
}

test.describe.configure({ timeout: 180_000 });

test('consent per channel, the customer’s data as a ZIP, and an erasure requested by a supervisor and confirmed by an admin', async ({
  browser,
  page,
  central,
  downloads,
  supervisorDesk,
  adminDesk,
}) => {
  await signInAndFind(page, supervisorDesk, SUPERVISOR);
  await option(page).click();
  await expect(heading(page)).toBeVisible();

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
  const privacy = privacyRegion(page);
  await privacy.getByRole('button', { name: 'Export customer data' }).click();
  await expect(privacy.getByRole('status')).toContainText('Saved as', { timeout: 15_000 });
  expect(readdirSync(downloads).filter((f) => f.endsWith('.zip'))).toEqual([expect.stringContaining(CUSTOMER.id)]);

  // The supervisor asks for the erasure; the admin confirms it on the other workstation.
  await requestErasure(page, 'Letter of 3 May');
  await confirmErasure(browser, adminDesk, 'Letter of 3 May', async (adminPage) => {
    const adminViolations = await seriousAxeViolations(adminPage);
    expect(adminViolations, describeViolations(adminViolations)).toEqual([]);
  });

  // The supervisor's workstation, online, no longer finds her by name or number.
  await page.getByRole('button', { name: /Back/ }).first().click();
  await expectNotFound(page, 20_000);
});

test('a CSR’s workstation offline during the erasure: its complaint lands on the anonymous customer, its desk forgets her, the metrics keep their counts', async ({
  browser,
  page,
  central,
  link,
  csrDesk,
  supervisorDesk,
  adminDesk,
}) => {
  const now = Date.now();
  const period = { from: dayOf(now - 86_400_000), to: dayOf(now + 86_400_000), currency: 'GBP' as const };

  // Three hosts' first copies under a loaded CI machine take their time.
  test.setTimeout(240_000);
  // The CSR's desk has her (found by name), then its link to the store is cut; the supervisor's
  // desk signs in and copies the store meanwhile.
  const csrPage = await (await browser.newContext()).newPage();
  await Promise.all([signInAndFind(csrPage, csrDesk, CSR), signInAndFind(page, supervisorDesk, SUPERVISOR)]);
  link.set('down');
  await expect(statusBar(csrPage)).toContainText('Offline', { timeout: 15_000 });

  // The supervisor asks for her erasure and an admin confirms it.
  await option(page).click();
  await expect(heading(page)).toBeVisible();
  const before = await storeFigures(central, period);
  // Her call, her order and its value are counted; no complaint yet.
  expect([before.callsHandled, before.ordersTaken, before.ordersTakenValue, before.complaintsLogged]).toEqual([[[1]], [[1]], [[HER_ORDER.totalCents]], [[0]]]);
  await requestErasure(page, 'Letter of 9 May');
  await confirmErasure(browser, adminDesk, 'Letter of 9 May');
  // The erasure itself changes no figure: her call, her order and its value still count.
  expect(await storeFigures(central, period)).toEqual(before);
  await page.getByRole('button', { name: /Back/ }).first().click();
  await expectNotFound(page, 20_000);

  // The CSR, still offline, still finds her by her number and logs a complaint from the keyboard: saved, waiting.
  await search(csrPage).fill(CUSTOMER.typed);
  await option(csrPage).click();
  await expect(heading(csrPage)).toBeVisible();
  await csrPage.keyboard.press('Alt+L');
  const complaint = csrPage.getByRole('form', { name: 'Log complaint' });
  const category = complaint.getByRole('combobox', { name: 'Category' });
  await expect(category).toBeFocused();
  await expect.poll(() => category.locator('option').count(), 'the categories are loaded').toBeGreaterThan(1);
  await csrPage.keyboard.press('ArrowDown');
  await expect(category).not.toHaveValue('');
  await complaint.getByRole('textbox', { name: 'Description' }).focus();
  await csrPage.keyboard.type('Lid cracked in the post');
  await csrPage.keyboard.press('Control+Enter');
  await expect(csrPage.getByRole('status').filter({ hasText: 'Saved: complaint logged' })).toBeVisible();
  await expect(statusBar(csrPage)).toContainText('1 change waiting to sync');
  expect(await central.rows(sql`select id from complaints where customer_id = ${CUSTOMER.id}`)).toEqual([]);

  // The link is back: at its next sync the desk no longer finds her, and its complaint is delivered.
  // The wait is the sync's own: its retry after a failure backs off up to 30 s (retry-schedule.ts).
  link.set('up');
  const linkBackAt = Date.now();
  await csrPage.keyboard.press('Escape');
  await expectNotFound(csrPage, 45_000);
  await expect(statusBar(csrPage)).toContainText('All changes synced', { timeout: 20_000 });
  console.log(`link back → the CSR's desk no longer finds her, its complaint delivered, in ${Date.now() - linkBackAt} ms`);

  // On the store: the complaint once, on the anonymous customer; her name, phone and e-mail not back.
  const complaints = await central.rows<{ description: string; agent_id: string }>(sql`select description, agent_id from complaints where customer_id = ${CUSTOMER.id}`);
  expect(complaints).toEqual([{ description: '[erased]', agent_id: expect.any(String) }]);
  expect(await central.rows(sql`select first_name, last_name, erased_at is not null as erased from customers where id = ${CUSTOMER.id}`)).toEqual([
    { first_name: 'Erased', last_name: 'customer', erased: true },
  ]);
  expect(
    await central.rows(sql`select 'phone' as kind from customer_phones where customer_id = ${CUSTOMER.id} or e164 = ${CUSTOMER.phone}
                           union all select 'email' from customer_emails where customer_id = ${CUSTOMER.id} or email = ${CUSTOMER.email}
                           union all select 'customer' from customers where first_name = ${CUSTOMER.first} or last_name = ${CUSTOMER.last}`),
  ).toEqual([]);

  // The metrics: the same figures as before the erasure, but for the one complaint logged — which
  // also takes her order out of the baseline of customers who never complained (it is still hers).
  expect(await storeFigures(central, period)).toEqual({
    ...before,
    complaintsLogged: [[1]],
    complaintsOpen: [[1]],
    repurchaseWithoutComplaint: [[0, 0]],
  });
  expect(before.complaintsOpen).toEqual([[0]]);
  expect(before.repurchaseWithoutComplaint).toEqual([[0, 1]]);
  expect(await central.rows(sql`select count(*)::int as n, sum(total_cents)::int as total from orders where customer_id = ${CUSTOMER.id}`)).toEqual([{ n: 1, total: HER_ORDER.totalCents }]);
});
