import { test, expect, openApp, customerHeading } from './fixtures';
import { openCache } from '../../src-main/core/db/open';

/**
 * Lifetime value and the past-purchases total are defined once and tie (issue 19, item 11): for a
 * customer with a returned or cancelled order, the all-time total equals the lifetime value, the
 * orders left out are named, and each figure's definition is on hover and on focus.
 */
function findCustomerWithUncountedOrder(dbFile: string): { displayName: string; e164: string } {
  const db = openCache(dbFile, { readonly: true });
  try {
    const row = db.$client
      .prepare(
        `SELECT c.first_name || ' ' || c.last_name AS displayName, p.e164 AS e164
           FROM customers c JOIN customer_phones p ON p.customer_id = c.id AND p.is_primary = 1
          WHERE (SELECT COUNT(*) FROM customer_phones p2 WHERE p2.e164 = p.e164) = 1
            AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status IN ('returned', 'cancelled'))
            AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.currency <> c.currency)
          ORDER BY c.row_id LIMIT 1`,
      )
      .get() as { displayName: string; e164: string } | undefined;
    if (!row) throw new Error('The seeded cache has no customer with a returned or cancelled order.');
    return row;
  } finally {
    db.$client.close();
  }
}

test('lifetime value equals the all-time purchases total, with both definitions on hover and focus', async ({ page, host }) => {
  const customer = findCustomerWithUncountedOrder(host.dbFile);
  await openApp(page, host, { from: customer.e164 });
  await expect(customerHeading(page, customer.displayName)).toBeVisible();

  const ltvTerm = page.locator('dt', { hasText: 'Lifetime value' });
  const ltv = (await page.locator('.facts__row', { has: ltvTerm }).locator('dd').innerText()).trim();
  expect(ltv).toMatch(/\d/);

  const purchases = page.getByRole('tabpanel', { name: 'Past purchases' });
  await expect(purchases.getByRole('combobox', { name: 'Period' })).toHaveValue('all');
  const totals = purchases.getByRole('status');
  await expect(totals).toContainText(/cancelled or returned, not counted/);
  await expect(totals.locator('.purchases__total').first()).toHaveText(ltv);

  // The definitions: described by a tooltip, shown on focus and on hover.
  const ltvHelp = page.getByRole('button', { name: 'What lifetime value counts' });
  await expect(ltvHelp).toHaveAccessibleDescription(/Cancelled and returned orders, and phone orders the store has not confirmed yet, are not counted/);
  await ltvHelp.focus();
  await expect(page.getByRole('tooltip').filter({ hasText: /^Lifetime value:/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('tooltip').filter({ hasText: /^Lifetime value:/ })).toBeHidden();
  const totalHelp = purchases.getByRole('button', { name: 'What the purchases total counts' });
  await expect(totalHelp).toHaveAccessibleDescription(/equals the lifetime value/);
  await totalHelp.hover();
  await expect(purchases.getByRole('tooltip')).toBeVisible();
});
