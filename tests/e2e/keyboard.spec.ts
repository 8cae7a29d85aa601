import { test, expect, openApp, searchBox, results, customerOption, customerHeading, KNOWN } from './fixtures';

test.describe('keyboard only', () => {
  test('type, move, open, go back and return to the search box without a mouse', async ({ page, host }) => {
    await openApp(page, host);
    const box = searchBox(page);
    // The caret starts in the search box.
    await expect(box).toBeFocused();
    await page.keyboard.type('zo');
    const options = results(page).getByRole('option');
    await expect(options.first()).toBeVisible();

    // Walk down to Zoë with the arrow keys; the box keeps focus and points at the highlighted row.
    const names = await options.allTextContents();
    const target = names.findIndex((name) => name.startsWith(`${KNOWN.zoe.displayName} `));
    expect(target, `Zoë among the results for "zo": ${names.join(' | ')}`).toBeGreaterThanOrEqual(0);
    await expect(options.nth(0)).toHaveAttribute('aria-selected', 'true');
    for (let i = 0; i < target; i += 1) await page.keyboard.press('ArrowDown');
    await expect(options.nth(target)).toHaveAttribute('aria-selected', 'true');
    await expect(box).toBeFocused();
    const optionId = await options.nth(target).getAttribute('id');
    await expect(box).toHaveAttribute('aria-activedescendant', optionId ?? 'missing');

    // Up moves back, Down again: the highlight follows.
    if (target > 0) {
      await page.keyboard.press('ArrowUp');
      await expect(options.nth(target - 1)).toHaveAttribute('aria-selected', 'true');
      await page.keyboard.press('ArrowDown');
    }

    await page.keyboard.press('Enter');
    const heading = customerHeading(page, KNOWN.zoe.displayName);
    await expect(heading).toBeVisible();
    await expect(heading).toBeFocused();

    // Esc: back to the same list with the text kept and the same row highlighted.
    await page.keyboard.press('Escape');
    await expect(box).toBeFocused();
    await expect(box).toHaveValue('zo');
    await expect(options.nth(target)).toHaveAttribute('aria-selected', 'true');

    // Tab away into the page, then Ctrl+K brings the caret back with the text selected for retyping.
    await page.keyboard.press('Tab');
    await expect(box).not.toBeFocused();
    await page.keyboard.press('Control+k');
    await expect(box).toBeFocused();
    await page.keyboard.type('Quistgaard');
    await expect(box).toHaveValue('Quistgaard');
    await expect(customerOption(page, KNOWN.dana.displayName)).toBeVisible();

    // From a card, "/" also returns to the box (the heading has focus, not a text field).
    await page.keyboard.press('Enter');
    await expect(customerHeading(page, KNOWN.dana.displayName)).toBeFocused();
    await page.keyboard.press('/');
    await expect(box).toBeFocused();
    await expect(box).toHaveValue('Quistgaard');
  });

  test('"/" typed inside a text field is just a character', async ({ page, host }) => {
    await openApp(page, host);
    await page.keyboard.type('SB/1');
    await expect(searchBox(page)).toHaveValue('SB/1');
  });

  test('the shortcuts are shown on screen', async ({ page, host }) => {
    await openApp(page, host);
    await expect(page.getByText(/Ctrl\s*\+\s*K\s*or\s*\/\s*search/)).toBeVisible();
  });
});
