import { test, expect, openApp, searchBox, results, customerOption, KNOWN } from './fixtures';

test.describe('caller lookup, default region US', () => {
  test('a US number typed in national format finds the customer stored in E.164', async ({ page, host }) => {
    await openApp(page, host);
    await searchBox(page).fill('(555) 010-4477');
    await expect(results(page).getByRole('option')).toHaveCount(1);
    await expect(customerOption(page, KNOWN.dana.displayName)).toBeVisible();
    // The row shows the number grouped for reading and how it matched.
    await expect(results(page).getByRole('option').first()).toContainText(KNOWN.dana.display);
    await expect(page.getByText('1 customer', { exact: true })).toBeVisible();
  });

  test('a UK number dialled with 00 from the US finds the UK customer', async ({ page, host }) => {
    await openApp(page, host);
    await searchBox(page).fill('0044 20 7946 0958');
    await expect(results(page).getByRole('option')).toHaveCount(1);
    await expect(customerOption(page, KNOWN.zoe.displayName)).toBeVisible();
  });

  test('a name typed without accents finds the accented name', async ({ page, host }) => {
    await openApp(page, host);
    await searchBox(page).fill('zoe');
    await expect(customerOption(page, KNOWN.zoe.displayName)).toBeVisible();
    await searchBox(page).fill('angstr');
    await expect(customerOption(page, KNOWN.zoe.displayName)).toBeVisible();
  });

  test('an email address finds its customer', async ({ page, host }) => {
    await openApp(page, host);
    await searchBox(page).fill(KNOWN.dana.email.toUpperCase());
    await expect(customerOption(page, KNOWN.dana.displayName)).toBeVisible();
  });

  test('500 characters of junk get a clear message tied to the search box, and the next search works', async ({ page, host }) => {
    await openApp(page, host);
    const box = searchBox(page);
    await box.fill('x'.repeat(500));
    await expect(box).toHaveAccessibleDescription(/too long/i);
    await expect(box).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByRole('status').filter({ hasText: /too long/i })).toBeVisible();
    await expect(results(page)).toHaveCount(0);

    await box.fill('zoe');
    await expect(customerOption(page, KNOWN.zoe.displayName)).toBeVisible();
    await expect(box).not.toHaveAttribute('aria-invalid', 'true');
    await expect(box).not.toHaveAccessibleDescription(/too long/i);
  });

  test('a list stopped at its limit says more matched, never a plain count (issue 19, item 12)', async ({ page, host }) => {
    await openApp(page, host);
    // A one-letter name prefix matches far more of the demo customers than the list shows.
    await searchBox(page).fill('a');
    await expect(page.locator('.results__count')).toHaveText(/^(\d+)\+ customers: showing the first \1$/);
    await searchBox(page).fill('Quistgaard');
    await expect(page.locator('.results__count')).toHaveText(/^\d+ customers?$/);
  });

  test('text that looks like SQL is only ever searched for', async ({ page, host }) => {
    await openApp(page, host);
    await searchBox(page).fill("'; DROP TABLE customers; --");
    await expect(page.getByText('No customers match.')).toBeVisible();
    await searchBox(page).fill('Quistgaard');
    await expect(customerOption(page, KNOWN.dana.displayName)).toBeVisible();
  });

  test('only the answer to the latest text is shown, however late an older answer arrives', async ({ page, host }) => {
    let slowQueriesAnswered = 0;
    await page.route((url) => url.pathname === '/rpc/lookup%3Asearch', async (route) => {
      const body = route.request().postDataJSON() as { query: string };
      const response = await route.fetch();
      if (body.query === 'Quistgaard') {
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        slowQueriesAnswered += 1;
      }
      await route.fulfill({ response });
    });
    await openApp(page, host);
    const slowRequestSent = page.waitForRequest((request) => request.url().includes('/rpc/lookup%3Asearch') && request.postDataJSON()?.query === 'Quistgaard');
    await searchBox(page).fill('Quistgaard');
    await slowRequestSent;
    await searchBox(page).fill('zoe');
    await expect(customerOption(page, KNOWN.zoe.displayName)).toBeVisible();
    await expect.poll(() => slowQueriesAnswered, { timeout: 5_000 }).toBe(1);
    await page.waitForTimeout(200);
    await expect(customerOption(page, KNOWN.zoe.displayName)).toBeVisible();
    await expect(customerOption(page, KNOWN.dana.displayName)).toHaveCount(0);
  });

  test('a host that cannot be reached, or answers with a page instead of a result, gets a calm message', async ({ page, host }) => {
    await openApp(page, host);
    const box = searchBox(page);
    const isSearch = (url: URL) => url.pathname === '/rpc/lookup%3Asearch';

    await page.route(isSearch, (route) => route.abort('connectionrefused'));
    await box.fill('zoe');
    await expect(box).toHaveAccessibleDescription(/not reachable/i);
    await page.unroute(isSearch);

    await page.route(isSearch, (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad gateway</h1>' }));
    await box.fill('zoe a');
    await expect(box).toHaveAccessibleDescription(/answered 502/i);
    await page.unroute(isSearch);

    // Nothing stuck: the next keystroke searches again.
    await box.fill('zoe');
    await expect(customerOption(page, KNOWN.zoe.displayName)).toBeVisible();
    await expect(box).not.toHaveAttribute('aria-invalid', 'true');
  });

  test('the status bar says where the data comes from', async ({ page, host }) => {
    await openApp(page, host);
    const status = page.getByRole('contentinfo', { name: 'Status' });
    await expect(status).toContainText('Browser host');
    await expect(status).toContainText(/\d[\d,]* customers in cache/);
    await expect(status).toContainText('Default region US');
  });
});

test.describe('caller lookup, default region GB', () => {
  test.use({ region: 'GB' });

  test('a UK number in national format finds the customer stored in E.164', async ({ page, host }) => {
    await openApp(page, host);
    await searchBox(page).fill('020 7946 0958');
    await expect(results(page).getByRole('option')).toHaveCount(1);
    await expect(customerOption(page, KNOWN.zoe.displayName)).toBeVisible();
    await expect(page.getByRole('contentinfo', { name: 'Status' })).toContainText('Default region GB');
  });

  test('the international form with a bracketed trunk zero finds the same customer', async ({ page, host }) => {
    await openApp(page, host);
    await searchBox(page).fill('+44 (0)20 7946 0958');
    await expect(results(page).getByRole('option')).toHaveCount(1);
    await expect(customerOption(page, KNOWN.zoe.displayName)).toBeVisible();
  });

  test('a US number with its country code finds the US customer from a UK desk', async ({ page, host }) => {
    await openApp(page, host);
    await searchBox(page).fill('+1 555 010 4477');
    await expect(customerOption(page, KNOWN.dana.displayName)).toBeVisible();
  });
});
