/**
 * The admin screen's Dead ingest deliveries and Email outbox panels (issue 23) against a real
 * central store (PGlite on 127.0.0.1) through a browser host: a web shop's delivery that cannot
 * apply (an unknown SKU) is listed with its reason and time; a failed mail shows its error, and
 * Send again puts it back in the outbox (no mail server here: it waits for one), focus on the mail
 * list. By role and label only; axe finds nothing serious.
 */
import { randomUUID } from 'node:crypto';
import { test as base, expect } from '@playwright/test';
import { sql } from 'drizzle-orm';
import { createUser } from '../../server/src/auth/users';
import { createIntegration } from '../../server/src/integrations/integrations';
import { signPayload } from '../../server/src/ingest/signature';
import { startCentralStore, startSyncedHost, type CentralStore } from './central-store';
import { signIn, type RunningHost } from './fixtures';
import { describeViolations, seriousAxeViolations } from './axe';

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const ADMIN = { username: 'outboss', password: 'out boss password', displayName: 'Olu Admin' };
const FAILED_MAIL = randomUUID();
let shop = { id: '', secret: '' };

const test = base.extend<{ central: CentralStore; workstation: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  central: async ({}, use) => {
    const central = await startCentralStore(async (store) => {
      await createUser(store.db, { username: ADMIN.username, displayName: ADMIN.displayName, role: 'admin', password: ADMIN.password }, FAST_SCRYPT);
      shop = await createIntegration(store.db, { name: 'Web shop', source: 'shop', createdBy: null, now: Date.now() });
      await store.db.execute(sql`insert into mail_outbox (id, kind, record_id, customer_id, state, language, attempts, last_error, message_id, created_at)
                                 values (${FAILED_MAIL}, 'complaint_acknowledgement', ${randomUUID()}, null, 'failed', 'en', 5, 'EENVELOPE 550', '<e2e@switchboard>', ${Date.now()})`);
    });
    try {
      await use(central);
    } finally {
      await central.close();
    }
  },
  workstation: async ({ central }, use) => {
    const { host, stop } = await startSyncedHost(central.url, ADMIN);
    try {
      await use(host);
    } finally {
      await stop();
    }
  },
});

test.describe('dead ingest deliveries and the email outbox on the admin screen', () => {
  test.describe.configure({ timeout: 120_000 });

  test('a dead delivery is listed with its reason; a failed mail is sent again', async ({ page, workstation, central }) => {
    // Stock for a SKU the store does not sell: accepted, then set aside as dead.
    const body = JSON.stringify({ deliveryId: 'stock-e2e-dead', items: [{ sku: 'NONE-1', stock: 1 }] });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${central.url}/ingest/stock`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-switchboard-key': shop.id, 'x-switchboard-timestamp': timestamp, 'x-switchboard-signature': signPayload(shop.secret, timestamp, body) },
    });
    expect(res.status).toBe(202);
    await expect.poll(async () => (await central.rows<{ state: string }>(sql`select state from ingest_deliveries`))[0]?.state, { timeout: 20_000 }).toBe('dead');

    await page.goto(workstation.url);
    await signIn(page, ADMIN);
    await page.getByRole('group', { name: 'Session' }).getByRole('button', { name: 'Admin', exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Administration' })).toBeFocused();

    const dead = page.getByRole('region', { name: /^Dead ingest deliveries/ });
    const deadRow = dead.getByRole('table', { name: /^Dead ingest deliveries/ }).getByRole('row').filter({ hasText: 'stock-e2e-dead' });
    await expect(deadRow).toContainText('Web shop (shop)');
    await expect(deadRow).toContainText('stock');
    await expect(deadRow).toContainText('NONE-1');
    await expect(dead.getByRole('button', { name: 'Refresh dead deliveries' })).toBeVisible();

    const outbox = page.getByRole('region', { name: /^Email outbox/ });
    await expect(outbox.getByText(/No mail server is configured/)).toBeVisible();
    const counts = outbox.getByRole('definition');
    await expect(counts).toHaveCount(5);
    const mails = outbox.getByRole('table', { name: /^Mails/ });
    const row = mails.getByRole('row').filter({ hasText: 'Complaint acknowledgement' });
    await expect(row).toContainText('Failed');
    await expect(row).toContainText('EENVELOPE 550');
    const violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // Only failed mails, then Send again by keyboard.
    await outbox.getByRole('combobox', { name: 'Show mails' }).selectOption({ label: 'Failed (1)' });
    await expect(outbox.getByRole('heading', { name: 'Mails: failed' })).toBeVisible();
    await row.getByRole('button', { name: /^Send again: complaint acknowledgement/ }).press('Enter');
    await expect(outbox.getByRole('status').filter({ hasText: 'is sent again' })).toBeVisible();
    await expect(outbox.getByRole('heading', { name: 'Mails: failed' })).toBeFocused();
    await expect(outbox.getByText('No mail here.')).toBeVisible();
    await outbox.getByRole('combobox', { name: 'Show mails' }).selectOption({ label: 'In every state' });
    await expect(row).toContainText('Waiting');
    await expect(row).toContainText('For a mail server to be configured');
    await expect(row.getByRole('button', { name: /^Send again/ })).toHaveCount(0);
    expect(await central.rows(sql`select state from mail_outbox where id = ${FAILED_MAIL}`)).toEqual([{ state: 'pending' }]);
  });
});
