/**
 * The admin screen's Integrations panel (issue 23) against a real central store (the server over
 * PGlite on 127.0.0.1) and a browser host syncing with it, by keyboard: an admin creates an
 * integration, reads its key and secret once, and the web shop's signed delivery with them is
 * accepted; disabled after a confirmation, its next delivery is refused.
 */
import { test as base, expect } from '@playwright/test';
import { createUser } from '../../server/src/auth/users';
import { signPayload } from '../../server/src/ingest/signature';
import { startCentralStore, startSyncedHost } from './central-store';
import { signIn, type RunningHost } from './fixtures';
import { describeViolations, seriousAxeViolations } from './axe';

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const ADMIN = { username: 'boss', password: 'boss password', displayName: 'Bo Admin' };

const test = base.extend<{ central: { url: string }; workstation: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  central: async ({}, use) => {
    const central = await startCentralStore(async (store) => {
      await createUser(store.db, { username: ADMIN.username, displayName: ADMIN.displayName, role: 'admin', password: ADMIN.password }, FAST_SCRYPT);
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

/** A stock delivery signed as the web shop would sign it. */
async function deliver(storeUrl: string, key: string, secret: string, deliveryId: string): Promise<number> {
  const body = JSON.stringify({ deliveryId, items: [{ sku: 'NONE-1', stock: 1 }] });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const res = await fetch(`${storeUrl}/ingest/stock`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-switchboard-key': key, 'x-switchboard-timestamp': timestamp, 'x-switchboard-signature': signPayload(secret, timestamp, body) },
  });
  return res.status;
}

test.describe('integrations with a central store', () => {
  test.describe.configure({ timeout: 120_000 });

  test('an admin creates an integration by keyboard, its secret shown once works, and disabling it refuses its deliveries', async ({ page, workstation, central }) => {
    await page.goto(workstation.url);
    await signIn(page, ADMIN);
    await page.getByRole('group', { name: 'Session' }).getByRole('button', { name: 'Admin', exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Administration' })).toBeFocused();

    const form = page.getByRole('form', { name: 'New integration' });
    await form.getByRole('textbox', { name: 'Integration name' }).fill('Web shop');
    await form.getByRole('textbox', { name: /^Source/ }).fill('shop');
    await form.getByRole('textbox', { name: /^Source/ }).press('Enter');
    await expect(page.getByRole('status').filter({ hasText: 'Saved: integration Web shop created' })).toBeVisible();

    const shown = page.getByRole('group', { name: /Key and secret of Web shop/ });
    const secretBox = shown.getByRole('textbox', { name: 'Secret' });
    await expect(secretBox).toBeFocused();
    const key = await shown.getByRole('textbox', { name: /^Key/ }).inputValue();
    const secret = await secretBox.inputValue();
    expect(secret).toMatch(/^sbk_/);
    await expect(shown.getByRole('button', { name: 'Copy secret' })).toBeVisible();
    const violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    expect(await deliver(central.url, key, secret, 'e2e-1')).toBe(202);

    // Hidden once read; never listed.
    await shown.getByRole('button', { name: 'Done, hide the secret' }).press('Enter');
    await expect(page.getByText(secret)).toHaveCount(0);
    const row = page.getByRole('table', { name: /^Integrations/ }).getByRole('row').filter({ hasText: 'Web shop' });
    await expect(row).toContainText(key);
    await expect(row).toContainText('Active');

    await row.getByRole('button', { name: 'Disable Web shop' }).press('Enter');
    await row.getByRole('button', { name: 'Confirm: disable Web shop' }).press('Enter');
    await expect(page.getByRole('status').filter({ hasText: 'Saved: Web shop disabled' })).toBeVisible();
    await expect(row).toContainText('Disabled');
    expect(await deliver(central.url, key, secret, 'e2e-2')).toBe(401);
  });
});
