import { test, expect, openApp, searchBox, customerHeading, customerOption, KNOWN } from './fixtures';
import { describeViolations, seriousAxeViolations } from './axe';

/**
 * The empty lookup screen is the CSR's queue (issue 19, item 8): after a call, the caller is under
 * "Recent callers" and a follow-up due today under "Follow-ups due today", and both are worked from
 * the keyboard: ↓ from the empty search box, ↑/↓ between entries, Enter opens the customer.
 */
test('recent callers and follow-ups due today, worked by keyboard from the empty search box', async ({ page, host }) => {
  test.setTimeout(90_000);
  await openApp(page, host);
  const worklist = page.getByRole('region', { name: 'Your worklist' });
  await expect(worklist).toBeVisible();
  await expect(worklist).toContainText('No calls taken yet.');

  // A call from Zoë with a complaint to follow up today, wrapped up.
  await searchBox(page).fill(KNOWN.zoe.lastName);
  await customerOption(page, KNOWN.zoe.displayName).click();
  await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeVisible();
  await page.getByRole('button', { name: 'Start call' }).click();
  await expect(page.getByRole('region', { name: 'Call' })).toContainText('On call');
  await page.getByRole('tab', { name: 'Complaints' }).click();
  await page.getByRole('button', { name: 'Log complaint' }).click();
  const form = page.getByRole('form', { name: 'Log complaint' });
  await form.getByRole('combobox', { name: 'Category' }).selectOption({ label: 'Damaged or defective item' });
  await form.getByRole('combobox', { name: 'Severity' }).selectOption({ label: 'High' });
  await form.getByRole('textbox', { name: 'Description' }).fill('Arrived with a cracked lid.');
  const today = await page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });
  await form.getByLabel(/Follow up on/).fill(today);
  await form.getByRole('button', { name: 'Save complaint' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved: complaint logged' })).toBeVisible();
  const callBar = page.getByRole('region', { name: 'Call' });
  await callBar.getByRole('button', { name: 'End call' }).click();
  const wrapUp = callBar.getByRole('form', { name: 'Wrap-up' });
  await wrapUp.getByRole('combobox', { name: 'Wrap-up code' }).selectOption({ label: 'Complaint logged' });
  await wrapUp.getByRole('button', { name: 'Complete call' }).click();
  await expect(callBar).toHaveCount(0);

  // Back to the empty lookup screen: the queue holds Zoë twice, as a follow-up and as a caller.
  await searchBox(page).focus();
  await page.keyboard.press('Escape');
  await searchBox(page).fill('');
  await expect(worklist).toBeVisible();
  const followUp = worklist
    .getByRole('list', { name: 'Follow-ups due today' })
    .getByRole('button', { name: new RegExp(`^${KNOWN.zoe.displayName} Damaged or defective item High Due today$`) });
  const recent = worklist.getByRole('list', { name: 'Recent callers' }).getByRole('button', { name: new RegExp(`^${KNOWN.zoe.displayName} .+ last call `) });
  await expect(followUp).toBeVisible();
  await expect(recent).toBeVisible();
  const violations = await seriousAxeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);

  await searchBox(page).focus();
  await page.keyboard.press('ArrowDown');
  await expect(followUp).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(recent).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(searchBox(page)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await expect(recent).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeVisible();
});
