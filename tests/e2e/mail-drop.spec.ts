/**
 * Reading a mail in the admin screen's Email outbox (issue 23) against a real central store
 * (PGlite on 127.0.0.1) that has no mail server but a mail folder, as `npm start`'s demo store:
 * the confirmation of a phone order is written to the folder; the admin opens Email outbox, reads
 * it (Read, by keyboard) — subject, from, to, date and text in a dialog, focus in it — and Esc
 * brings focus back to the Read button. By role and label only; axe finds nothing serious.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { sql } from 'drizzle-orm';
import { createUser } from '../../server/src/auth/users';
import { customerAddresses, customerEmails, customers, orderLines, orders, products } from '../../server/src/db/schema';
import { mailFileName } from '../../server/src/email/mail-drop';
import { enqueueMail, messageIdFor } from '../../server/src/email/outbox';
import type { StoreTx } from '../../server/src/sync/mutations/refusal';
import { startCentralStore, startSyncedHost, type CentralStore } from './central-store';
import { signIn, type RunningHost } from './fixtures';
import { describeViolations, seriousAxeViolations } from './axe';

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const ADMIN = { username: 'mailreader', password: 'reads the mail', displayName: 'Mara Admin' };
const ORDER = { id: randomUUID(), number: 'SB00077001' };
let mailDir = '';

const test = base.extend<{ central: CentralStore; workstation: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  central: async ({}, use) => {
    mailDir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-mail-'));
    const central = await startCentralStore(
      async (store) => {
        await createUser(store.db, { username: ADMIN.username, displayName: ADMIN.displayName, role: 'admin', password: ADMIN.password }, FAST_SCRYPT);
        const customerId = randomUUID();
        const now = Date.now();
        await store.db.insert(customers).values({ id: customerId, firstName: 'Greta', lastName: 'Grün', language: 'de', createdAt: now, updatedAt: now });
        await store.db.insert(customerEmails).values({ id: randomUUID(), customerId, email: 'greta@example.test', isPrimary: true });
        await store.db.insert(customerAddresses).values({ id: randomUUID(), customerId, line1: '1 Hauptstr.', city: 'Berlin', country: 'DE', isPrimary: true });
        const productId = randomUUID();
        await store.db.insert(products).values({ id: productId, sku: 'TR-1', name: 'Trail runner', brand: 'Acme', category: 'shoes', priceCents: 8999, taxClass: 'standard', status: 'active', stock: 10 });
        // A phone order as the store holds it once a workstation's push applied it, with its mail owed in the same transaction.
        await store.db.transaction(async (tx) => {
          await tx.insert(orders).values({ id: ORDER.id, number: ORDER.number, customerId, channel: 'phone', status: 'placed', currency: 'EUR', subtotalCents: 8999, totalCents: 8999, placedAt: now, deliveryMethod: 'standard' });
          await tx.insert(orderLines).values({ id: randomUUID(), orderId: ORDER.id, lineNo: 1, productId, customerId, placedAt: now, sku: 'TR-1', name: 'Trail runner', quantity: 1, unitPriceCents: 8999, totalCents: 8999 });
          await enqueueMail(tx as unknown as StoreTx, { kind: 'order_confirmation', recordId: ORDER.id, customerId, now });
        });
      },
      { mail: { mailDir, from: 'Demo Shop <shop@example.test>', pollMs: 100 } },
    );
    try {
      await use(central);
    } finally {
      await central.close();
      rmSync(mailDir, { recursive: true, force: true });
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

test.describe('reading a mail in the email outbox', () => {
  test.describe.configure({ timeout: 120_000 });

  test('an admin reads the confirmation of a phone order the demo store wrote to its mail folder', async ({ page, workstation, central }) => {
    await expect.poll(async () => (await central.rows<{ state: string }>(sql`select state from mail_outbox where record_id = ${ORDER.id}`))[0]?.state, { timeout: 20_000 }).toBe('sent');
    expect(existsSync(join(mailDir, mailFileName(messageIdFor('order_confirmation', ORDER.id))))).toBe(true);

    await page.goto(workstation.url);
    await signIn(page, ADMIN);
    await page.getByRole('group', { name: 'Session' }).getByRole('button', { name: 'Admin', exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Administration' })).toBeFocused();

    const outbox = page.getByRole('region', { name: /^Email outbox/ });
    await expect(outbox.getByText(/writes each mail as a file into its mail folder/)).toBeVisible();
    const row = outbox.getByRole('table', { name: /^Mails/ }).getByRole('row').filter({ hasText: ORDER.number });
    await expect(row).toContainText('Order confirmation');
    await expect(row).toContainText(/Sent /);
    const read = row.getByRole('button', { name: new RegExp(`^Read the order confirmation ${ORDER.number} of `) });
    await read.focus();
    await page.keyboard.press('Enter');

    const dialog = page.getByRole('dialog', { name: `Ihre Bestellung ${ORDER.number} ist bestätigt` });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('heading', { name: `Ihre Bestellung ${ORDER.number} ist bestätigt` })).toBeFocused();
    const headers = dialog.getByLabel('Mail headers');
    await expect(headers).toContainText('Demo Shop <shop@example.test>');
    await expect(headers).toContainText('greta@example.test');
    await expect(headers).not.toContainText('Not sent yet');
    await expect(dialog.getByLabel('Mail text')).toContainText('Guten Tag Greta Grün');
    await expect(dialog.getByLabel('Mail text')).toContainText('1 × Trail runner');
    const violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(read).toBeFocused();
  });
});
