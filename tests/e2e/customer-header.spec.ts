import { test, expect, openApp, customerHeading } from './fixtures';
import { findCallerWithHistory } from './caller-with-history';

/**
 * What a CSR needs before saying hello is in the 360's header (issue 19, item 7): open complaints
 * (count, the oldest's age), follow-ups due, the last order (date, status), lifetime value, tier and
 * marketing consent. Logging a complaint with a follow-up today changes it at once.
 */
test('the header shows open complaints, follow-ups due, the last order, lifetime value, tier and consent', async ({ page, host }) => {
  const caller = findCallerWithHistory(host.dbFile);
  await openApp(page, host, { from: caller.e164 });
  await expect(customerHeading(page, caller.displayName)).toBeVisible();
  const glance = page.getByRole('region', { name: 'At a glance' });
  await expect(glance).toBeVisible();
  const fact = (term: string) => glance.locator('div').filter({ has: page.getByRole('term').filter({ hasText: new RegExp(`^${term}`) }) }).getByRole('definition');

  await expect(fact('Open complaints')).toHaveText('0');
  await expect(fact('Follow-ups due')).toHaveText('0');
  // The latest order: its year (the caller's latest order) and its status in words.
  await expect(fact('Last order')).toContainText(String(caller.order.year));
  await expect(fact('Last order')).toHaveText(/· (Placed|Paid|Shipped|Delivered|Returned|Cancelled)$/);
  // The same figures as the profile panel below, so nothing is computed twice differently.
  const profile = page.getByRole('region', { name: 'Customer' });
  const profileFact = (term: string) => profile.locator('.facts__row').filter({ has: page.getByRole('term').filter({ hasText: new RegExp(`^${term}`) }) }).getByRole('definition');
  await expect(fact('Lifetime value')).toHaveText((await profileFact('Lifetime value').innerText()).trim());
  await expect(fact('Tier')).toHaveText((await profile.locator('.tier').first().innerText()).trim());
  await expect(fact('Marketing')).toHaveText((await profileFact('Marketing').innerText()).startsWith('Consented') ? 'Consented' : 'Do not market');

  // A complaint with a follow-up today: one open, opened today, one follow-up due.
  await page.keyboard.press('Alt+l');
  const form = page.getByRole('form', { name: 'Log complaint' });
  await form.getByRole('combobox', { name: 'Category' }).selectOption({ label: 'Damaged or defective item' });
  await form.getByRole('textbox', { name: 'Description' }).fill('Cracked lid.');
  const today = await page.locator('body').evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  await form.getByLabel(/Follow up on/).fill(today);
  await form.getByRole('button', { name: 'Save complaint' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved: complaint logged' })).toBeVisible();
  await expect(fact('Open complaints')).toHaveText('1 · oldest today');
  await expect(fact('Follow-ups due')).toHaveText('1');
});
