import { test, expect, openApp, searchBox, customerOption, customerHeading, KNOWN } from './fixtures';

test.describe('text from the data is shown, never run', () => {
  test('markup in a customer name shows literally in the list and on the card', async ({ page, host, pageProblems }) => {
    await openApp(page, host);
    await searchBox(page).fill(KNOWN.script.display);
    const option = customerOption(page, KNOWN.script.displayName);
    await expect(option).toBeVisible();
    await expect(option).toContainText(KNOWN.script.firstName);
    await option.click();

    await expect(customerHeading(page, KNOWN.script.displayName)).toBeVisible();
    await expect(page.getByText(KNOWN.script.city)).toBeVisible();

    // None of it became an element: no <img src=x>, no <script> carrying the alert, no <b>.
    const injected = {
      images: await page.locator('img').count(),
      scripts: await page.locator('script', { hasText: 'alert(' }).count(),
      bold: await page.locator('main b').count(),
    };
    expect(injected).toEqual({ images: 0, scripts: 0, bold: 0 });

    // Give an onerror handler time to fire if one had been created; the fixture fails on any dialog.
    await page.waitForTimeout(300);
    expect(pageProblems.list).toEqual([]);
  });
});
