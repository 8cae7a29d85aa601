import { test, expect, openApp, signIn, searchBox, customerHeading, KNOWN, UNKNOWN_NUMBER } from './fixtures';

test.describe('screen-pop from the caller number in the address', () => {
  test('a known caller opens straight on their card', async ({ page, host }) => {
    await openApp(page, host, { from: KNOWN.dana.e164 });
    await expect(customerHeading(page, KNOWN.dana.displayName)).toBeVisible();
    // The number is in the search box, so Esc shows what was searched.
    await expect(searchBox(page)).toHaveValue(KNOWN.dana.e164);
    // Read once: the number is gone from the address, so a reload does not pop the call again.
    await expect.poll(() => new URL(page.url()).searchParams.has('from')).toBe(false);
    await expect.poll(() => new URL(page.url()).searchParams.has('key')).toBe(false);
  });

  test('a number in another format than the stored one pops the same card', async ({ page, host }) => {
    await openApp(page, host, { from: '0044 20 7946 0958' });
    await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeVisible();
    await expect(page.getByText(KNOWN.zoe.orderNumber)).toBeVisible();
  });

  test('a "+" left unencoded by the softphone still reads as the international prefix', async ({ page, host }) => {
    await page.goto(`${host.url}&from=${KNOWN.zoe.e164}`);
    await signIn(page, 'csr');
    await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeVisible();
  });

  test('an unknown caller opens the new-customer form with their number filled in', async ({ page, host }) => {
    await openApp(page, host, { from: UNKNOWN_NUMBER.e164 });
    await expect(page.getByRole('heading', { level: 2, name: 'New customer' })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Phone' })).toHaveValue(UNKNOWN_NUMBER.display);
    await expect(page.getByRole('textbox', { name: 'First name' })).toBeFocused();
  });

  test('a reload after the pop does not pop again', async ({ page, host }) => {
    await openApp(page, host, { from: KNOWN.dana.e164 });
    await expect(customerHeading(page, KNOWN.dana.displayName)).toBeVisible();
    await expect.poll(() => new URL(page.url()).searchParams.has('from')).toBe(false);
    await page.reload();
    await expect(searchBox(page)).toBeVisible();
    await expect(searchBox(page)).toHaveValue('');
    await expect(customerHeading(page, KNOWN.dana.displayName)).toHaveCount(0);
  });
});
