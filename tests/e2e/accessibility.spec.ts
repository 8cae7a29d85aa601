import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { AxeResults, Result as AxeViolation } from 'axe-core';
import { test, expect, openApp, searchBox, customerOption, customerHeading, KNOWN, UNKNOWN_NUMBER } from './fixtures';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page. The app's CSP (script-src 'self') refuses the inline <script> that
 * `page.addScriptTag` would add, so axe is evaluated through the DevTools protocol instead, which
 * CSP does not govern; the page keeps its real CSP, as a user's would.
 */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () => {
    // Typed without the DOM lib (these tests compile as Node code): axe is the global axe.min.js defined.
    const axe = (globalThis as unknown as { axe: { run(options?: unknown): Promise<AxeResults> } }).axe;
    return axe.run({ resultTypes: ['violations'] });
  });
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

function describe(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`).join('\n');
}

test.describe('accessibility (axe-core: no serious or critical violations)', () => {
  test('the lookup screen with results', async ({ page, host }) => {
    await openApp(page, host);
    await searchBox(page).fill('zo');
    await expect(customerOption(page, KNOWN.zoe.displayName)).toBeVisible();
    const violations = await axeViolations(page);
    expect(violations, describe(violations)).toEqual([]);
  });

  test('the lookup screen with a search error', async ({ page, host }) => {
    await openApp(page, host);
    await searchBox(page).fill('x'.repeat(500));
    await expect(searchBox(page)).toHaveAttribute('aria-invalid', 'true');
    const violations = await axeViolations(page);
    expect(violations, describe(violations)).toEqual([]);
  });

  test('the customer card', async ({ page, host }) => {
    await openApp(page, host, { from: KNOWN.zoe.e164 });
    await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeVisible();
    await expect(page.getByText(KNOWN.zoe.orderNumber)).toBeVisible();
    const violations = await axeViolations(page);
    expect(violations, describe(violations)).toEqual([]);
  });

  test('the new-customer form showing field errors', async ({ page, host }) => {
    await openApp(page, host, { from: UNKNOWN_NUMBER.e164 });
    await page.getByRole('button', { name: 'Save customer' }).click();
    await expect(page.getByRole('textbox', { name: 'First name' })).toHaveAttribute('aria-invalid', 'true');
    const violations = await axeViolations(page);
    expect(violations, describe(violations)).toEqual([]);
  });

  test('the order panel with a cart, a discount beyond authority and the supervisor approval open', async ({ page, host }) => {
    await openApp(page, host, { from: KNOWN.zoe.e164 });
    await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeVisible();
    const order = page.getByRole('region', { name: 'Order', exact: true });
    await page.keyboard.press('Alt+I');
    await page.keyboard.type('a');
    await expect(order.getByRole('listbox', { name: 'Products found' }).getByRole('option').first()).toBeVisible();
    await page.keyboard.press('Enter');
    await expect(order.getByRole('table', { name: 'Order lines' }).getByRole('row')).toHaveCount(2);
    await page.keyboard.press('Alt+U');
    await page.keyboard.type('40');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Goodwill');
    await page.keyboard.press('Alt+S');
    await expect(order.getByRole('group', { name: 'Supervisor approval' })).toBeVisible();
    const violations = await axeViolations(page);
    expect(violations, describe(violations)).toEqual([]);
  });

  test('the supervisor’s approvals screen', async ({ page, host }) => {
    await openApp(page, host, { as: 'supervisor' });
    await page.getByRole('button', { name: 'Approvals' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Discount approvals' })).toBeFocused();
    const violations = await axeViolations(page);
    expect(violations, describe(violations)).toEqual([]);
  });
});
