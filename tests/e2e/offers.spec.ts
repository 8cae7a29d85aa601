import { test, expect, openApp, customerHeading, searchBox, customerOption } from './fixtures';
import { findCallerWithHistory } from './caller-with-history';

/**
 * Offers count when the CSR offers them, not when the panel shows them (issue 19, item 10): opening
 * a caller on a call records nothing; Present records one offer; Accept on another presents and
 * answers it; conversion counts only those two.
 */
test('showing suggestions records no offer; Present and Accept record one each', async ({ page, host }) => {
  const caller = findCallerWithHistory(host.dbFile);
  await openApp(page, host, { from: caller.e164 });
  await expect(customerHeading(page, caller.displayName)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Call' })).toContainText('On call');
  const suggestions = page.getByRole('list', { name: 'Suggestions, best first' });
  await expect(suggestions.getByRole('listitem').first()).toBeVisible();
  expect(await suggestions.getByRole('listitem').count()).toBeGreaterThanOrEqual(2);
  // Shown on a call, nothing offered yet: no offers on record.
  await page.waitForTimeout(500);
  await expect(page.getByLabel('Offers on record')).toHaveCount(0);

  // Present the first by keyboard.
  const present = suggestions.getByRole('button', { name: /^Present / }).first();
  const presentedName = ((await present.getAttribute('aria-label')) ?? '').replace(/^Present /, '');
  await present.focus();
  await page.keyboard.press('Enter');
  await expect(suggestions.getByRole('status', { name: `${presentedName} presented` })).toHaveText('Offered');
  await expect(page.getByLabel('Offers on record')).toHaveText('0 accepted, 0 declined of 1 offered');

  // Accept a second one without presenting it first: answering it is offering it.
  const second = suggestions.getByRole('listitem').nth(1);
  const accept = second.getByRole('button', { name: /^Accept / });
  const acceptedName = ((await accept.getAttribute('aria-label')) ?? '').replace(/^Accept /, '');
  await accept.click();
  await expect(second.getByRole('status')).toHaveText('Accepted');
  await expect(page.getByLabel('Offers on record')).toHaveText('1 accepted, 0 declined of 2 offered');

  // Opening the customer again on the same call records nothing more, and the accepted product is
  // not suggested again (the cool-down).
  await searchBox(page).fill(caller.displayName);
  await customerOption(page, caller.displayName).click();
  await expect(customerHeading(page, caller.displayName)).toBeVisible();
  await expect(page.getByLabel('Offers on record')).toHaveText('1 accepted, 0 declined of 2 offered');
  await expect(suggestions.getByRole('button', { name: /^Present / }).first()).toBeVisible();
  await expect(suggestions.getByRole('button', { name: `Accept ${acceptedName}`, exact: true })).toHaveCount(0);
});
