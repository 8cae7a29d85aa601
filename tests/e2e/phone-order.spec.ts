/**
 * A phone order taken keyboard-only on one workstation (issue 21): the screen-pop opens the caller,
 * Alt+A accepts the first suggestion (it goes into the cart), a line of a past order is reordered,
 * a product is found by typing (Alt+I), a campaign code is applied (Alt+G), a manual discount
 * beyond the CSR's authority is given (Alt+U), and a supervisor approves it at the same desk by
 * signing in over the CSR's session; Alt+S submits. The order shows at once as submitted, in the
 * panel and in past purchases. The keystrokes are counted and printed (order.walk.keys).
 */
import { test, expect, openApp, customerHeading } from './fixtures';
import { findCallerWithHistory } from './caller-with-history';
import { openCache } from '../../src-main/core/db/open';
import { keyCounter } from './key-counter';

/** A campaign usable by phone today, a product to type for, both read from the host's cache. */
function orderFixtures(dbFile: string, customerId: string): { code: string; product: { name: string; sku: string } } {
  const db = openCache(dbFile, { readonly: true });
  try {
    const now = Date.now();
    const campaign = db.$client
      .prepare(
        `SELECT code FROM campaigns WHERE active = 1 AND channel IN ('offline', 'both') AND rule = 'percent'
            AND starts_at <= ? AND (ends_at IS NULL OR ends_at > ?) AND min_order_cents = 0 ORDER BY ends_at IS NULL, code LIMIT 1`,
      )
      .get(now, now) as { code: string } | undefined;
    if (!campaign) throw new Error('The seeded cache has no phone campaign valid today.');
    const product = db.$client
      .prepare(
        `SELECT p.name, p.sku FROM products p
          WHERE p.status = 'active' AND p.stock - p.reserved > 20
            AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.customer_id = ? AND l.product_id = p.id)
          ORDER BY p.sku LIMIT 1`,
      )
      .get(customerId) as { name: string; sku: string } | undefined;
    if (!product) throw new Error('The seeded cache has no product in stock.');
    return { code: campaign.code, product };
  } finally {
    db.$client.close();
  }
}


test('a phone order, keyboard only: suggestion, reorder line, searched product, campaign code, approved discount, submitted', async ({ page, host }) => {
  test.setTimeout(120_000);
  const caller = findCallerWithHistory(host.dbFile);
  const { code, product } = orderFixtures(host.dbFile, caller.customerId);
  await openApp(page, host, { from: caller.e164 });
  await expect(customerHeading(page, caller.displayName)).toBeVisible();
  const order = page.getByRole('region', { name: 'Order', exact: true });
  const lines = order.getByRole('table', { name: 'Order lines' });
  const k = keyCounter(page);

  // Accept the first suggestion: it goes into the cart.
  const suggestions = page.getByRole('list', { name: 'Suggestions, best first' });
  const accept = suggestions.getByRole('button', { name: /^Accept / }).first();
  await expect(accept).toBeVisible();
  const accepted = ((await accept.getAttribute('aria-label')) ?? '').replace(/^Accept /, '');
  await k.press('Alt+A');
  await expect(lines.getByRole('row').filter({ hasText: accepted })).toContainText('Suggestion');

  // Reorder the latest order's first line: open it from past purchases, then its line's Reorder.
  const purchases = page.getByRole('tabpanel', { name: 'Past purchases' });
  const details = purchases.getByRole('button', { name: `Order ${caller.order.number} details` });
  await details.focus();
  await k.press('Enter');
  await expect(purchases.getByRole('heading', { name: `Order ${caller.order.number}` })).toBeVisible();
  const detail = purchases.getByRole('region', { name: `Order ${caller.order.number}` });
  const lineButton = detail.getByRole('button', { name: /^Reorder / }).first();
  await lineButton.focus();
  await k.press('Enter');
  await expect(lines.getByRole('row').filter({ hasText: 'Reorder' })).toHaveCount(1);

  // A product found by typing its SKU.
  await k.press('Alt+I');
  await expect(order.getByRole('combobox', { name: 'Add a product' })).toBeFocused();
  await k.type(product.sku);
  await expect(order.getByRole('listbox', { name: 'Products found' }).getByRole('option').first()).toContainText(product.name);
  await k.press('Enter');
  await expect(lines.getByRole('row').filter({ hasText: product.name })).toHaveCount(1);
  await expect(lines.getByRole('row')).toHaveCount(4);

  // The campaign code, applied with its sentence.
  await k.press('Alt+G');
  await expect(order.getByRole('textbox', { name: /Campaign code/ })).toBeFocused();
  await k.type(code);
  await expect(order.getByRole('textbox', { name: /Campaign code/ })).toHaveAccessibleDescription(new RegExp(`^${code}: `));
  await expect(order.getByRole('term').filter({ hasText: /^Campaign discount$/ })).toBeVisible();

  // A manual discount beyond the demo CSR's 15 %: the panel says a supervisor must approve.
  await k.press('Alt+U');
  await expect(order.getByRole('textbox', { name: /^Discount/ }).first()).toBeFocused();
  await k.type('20');
  await k.press('Tab');
  await k.type('Loyal customer, late parcel');
  await expect(order.getByRole('alert').filter({ hasText: /authority|approv/i })).toBeVisible();

  // Submit: the approval asks for a supervisor, who signs in over the CSR's session.
  await k.press('Alt+S');
  const approval = order.getByRole('group', { name: 'Supervisor approval' });
  await expect(approval.getByRole('textbox', { name: 'Supervisor user name' })).toBeFocused();
  await k.type('supervisor');
  await k.press('Tab');
  await k.type('supervisor-demo');
  await k.press('Tab');
  await k.type('Late parcel last month');
  await k.press('Tab');
  await k.press('Enter');
  const status = order.getByRole('status', { name: 'Order status' });
  await expect(status).toContainText('submitted, waiting for the store');
  await expect(status).toBeFocused();
  console.log(`order.walk.keys=${k.count}`);

  // Past purchases show it at once, as submitted.
  await expect(purchases.getByRole('table', { name: 'Past purchases' }).getByRole('row').nth(1)).toContainText('Submitted, waiting for the store');
});
