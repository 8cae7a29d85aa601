import { test, expect, openApp, searchBox, customerOption, customerHeading } from './fixtures';
import { findCallerWithHistory } from './caller-with-history';

/**
 * One whole call, the way a CSR takes it: the softphone pops the caller's 360, the CSR looks at
 * what they bought last year, offers an upsell they accept, logs a complaint about a purchased
 * item, ends the call and wraps it up. After a reload everything is still there.
 */
test('a whole call: screen-pop → 360 → purchases → upsell → complaint → wrap-up, all kept after a reload', async ({ page, host }) => {
  test.setTimeout(90_000);
  const caller = findCallerWithHistory(host.dbFile);

  // Screen-pop: the 360 opens and the call is running, tied to the caller.
  await openApp(page, host, { from: caller.e164 });
  await expect(customerHeading(page, caller.displayName)).toBeVisible();
  const callBar = page.getByRole('region', { name: 'Call' });
  await expect(callBar).toContainText('On call');
  await expect(callBar.getByRole('button', { name: `Open caller ${caller.displayName}` })).toBeVisible();
  await expect(callBar.getByLabel('Talk time')).toHaveText(/^0:0[1-9]$/, { timeout: 10_000 });

  // Past purchases of the year of their latest order.
  const purchases = page.getByRole('tabpanel', { name: 'Past purchases' });
  await purchases.getByRole('combobox', { name: 'Period' }).selectOption({ label: 'A year' });
  await purchases.getByRole('textbox', { name: 'Year' }).fill(String(caller.order.year));
  const orders = purchases.getByRole('table', { name: 'Past purchases' });
  await expect(orders.getByRole('button', { name: `Order ${caller.order.number} details` })).toBeVisible();
  for (const date of await orders.locator('tbody tr td:nth-child(2)').allInnerTexts()) {
    expect(date, 'every listed order is from the chosen year').toContain(String(caller.order.year));
  }
  await expect(purchases.getByRole('status')).toContainText(/\d+ orders?/);
  await orders.getByRole('button', { name: `Order ${caller.order.number} details` }).click();
  await expect(purchases.getByRole('heading', { name: `Order ${caller.order.number}` })).toBeVisible();

  // Upsell: the first suggestion (best first) is accepted.
  const suggestions = page.getByRole('list', { name: 'Suggestions, best first' });
  const accept = suggestions.getByRole('button', { name: /^Accept / }).first();
  await expect(accept).toBeVisible();
  const acceptedName = ((await accept.getAttribute('aria-label')) ?? '').replace(/^Accept /, '');
  await accept.click();
  const acceptedRow = suggestions.getByRole('listitem').filter({ hasText: acceptedName });
  await expect(acceptedRow.getByRole('status')).toHaveText('Accepted');
  await expect(page.getByLabel('Offers on record')).toContainText('1 accepted');

  // A complaint about one line of that order, keyboard-first form.
  await page.getByRole('tab', { name: 'Complaints' }).click();
  await page.getByRole('button', { name: 'Log complaint' }).click();
  const form = page.getByRole('form', { name: 'Log complaint' });
  await expect(form.getByRole('combobox', { name: 'Category' })).toBeFocused();
  await form.getByRole('combobox', { name: 'Category' }).selectOption({ label: 'Damaged or defective item' });
  await form.getByRole('combobox', { name: 'Severity' }).selectOption({ label: 'High' });
  await form.getByRole('combobox', { name: /Order or item/ }).selectOption(`line:${caller.order.id}:${caller.order.lineId}`);
  await form.getByRole('textbox', { name: 'Description' }).fill('Arrived with a cracked lid; the box was crushed.');
  await expect(form.getByText('48 / 2000')).toBeVisible();
  await form.getByRole('textbox', { name: /Desired resolution/ }).fill('A replacement');
  await form.getByRole('button', { name: 'Save complaint' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved: complaint logged' })).toBeVisible();
  const complaints = page.getByRole('table', { name: 'Complaints' });
  await expect(complaints.getByRole('row')).toHaveCount(2);
  await expect(complaints).toContainText(caller.order.number);
  await expect(page.getByRole('heading', { name: 'Damaged or defective item — Open' })).toBeVisible();

  // End the call and wrap it up.
  await callBar.getByRole('button', { name: 'End call' }).click();
  await expect(callBar).toContainText('Wrap-up');
  const wrapUp = callBar.getByRole('form', { name: 'Wrap-up' });
  await expect(wrapUp.getByRole('combobox', { name: 'Wrap-up code' })).toBeFocused();
  await wrapUp.getByRole('button', { name: 'Complete call' }).click();
  await expect(wrapUp.getByRole('combobox', { name: 'Wrap-up code' })).toHaveAccessibleDescription('Choose a wrap-up code.');
  await wrapUp.getByRole('combobox', { name: 'Wrap-up code' }).selectOption({ label: 'Complaint logged' });
  // The caller answered the satisfaction question (issue 22): optional, 1–5.
  await wrapUp.getByRole('combobox', { name: /Caller's satisfaction/ }).selectOption({ label: '2 – Unsatisfied' });
  await wrapUp.getByRole('textbox', { name: /Wrap-up notes/ }).fill('Replacement promised.');
  await wrapUp.getByRole('button', { name: 'Complete call' }).click();
  await expect(callBar).toHaveCount(0);

  // Reload: no call is running any more, and everything done on it is on the customer's record.
  await page.reload();
  await expect(searchBox(page)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Call' })).toHaveCount(0);
  await searchBox(page).fill(caller.displayName);
  await customerOption(page, caller.displayName).click();
  await expect(customerHeading(page, caller.displayName)).toBeVisible();
  await expect(page.getByLabel('Offers on record')).toContainText('1 accepted');

  await page.getByRole('tab', { name: 'Timeline' }).click();
  const timeline = page.getByRole('list', { name: 'Timeline entries' });
  await expect(timeline.getByRole('listitem').filter({ hasText: 'Incoming call completed — Complaint logged' })).toBeVisible();
  await expect(timeline.getByRole('listitem').filter({ hasText: 'Replacement promised.' })).toContainText('satisfaction 2/5');
  await expect(timeline.getByRole('listitem').filter({ hasText: 'Damaged or defective item (high) — Open' })).toContainText(caller.order.number);

  await page.getByRole('tab', { name: 'Complaints' }).click();
  await page.getByRole('table', { name: 'Complaints' }).getByRole('button', { name: 'Damaged or defective item' }).click();
  const detail = page.getByRole('region', { name: 'Damaged or defective item — Open' });
  await expect(detail).toContainText('Arrived with a cracked lid; the box was crushed.');
  await expect(detail).toContainText(caller.order.lineLabel);
  await expect(detail.getByRole('listitem').filter({ hasText: 'Opened' })).toHaveCount(1);
});
