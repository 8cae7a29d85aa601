import { test, expect, openApp, customerHeading } from './fixtures';
import { findCallerWithHistory } from './caller-with-history';

/**
 * The 360 uses the width it has (issue 19, item 9): suggestions sit beside the profile, not above
 * the tabs; the view fills a wide screen; at 1280×720 the tabs and the start of their panel are in
 * view without scrolling.
 */
for (const viewport of [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
]) {
  test(`at ${viewport.width}×${viewport.height} suggestions are beside the profile and the tabs are in view`, async ({ page, host }) => {
    await page.setViewportSize(viewport);
    const caller = findCallerWithHistory(host.dbFile);
    await openApp(page, host, { from: caller.e164 });
    await expect(customerHeading(page, caller.displayName)).toBeVisible();
    const suggestionList = page.getByRole('list', { name: 'Suggestions, best first' });
    await expect(suggestionList.getByRole('listitem').first()).toBeVisible();

    const box = async (name: string, locator = page.getByRole('region', { name })) => {
      const b = await locator.boundingBox();
      expect(b, `${name} has a box`).not.toBeNull();
      return b ?? { x: 0, y: 0, width: 0, height: 0 };
    };
    const card = await box('card', page.getByRole('article', { name: caller.displayName }));
    const contact = await box('Contact');
    const suggestions = await box('Suggestions');
    const tabs = await box('tabs', page.getByRole('tablist', { name: 'Customer details' }));
    const panel = await box('tab panel', page.getByRole('tabpanel'));

    // The view fills the window (less the main pane's padding and a scroll bar).
    expect(card.x + card.width, 'the card reaches the right side').toBeGreaterThan(viewport.width - 48);
    // Beside: to the right of the profile, starting at the same height, and of the tabs below it.
    expect(suggestions.x, 'suggestions right of the contact panel').toBeGreaterThanOrEqual(contact.x + contact.width);
    expect(Math.abs(suggestions.y - contact.y), 'suggestions level with the profile').toBeLessThan(4);
    expect(suggestions.x, 'suggestions right of the tabs').toBeGreaterThanOrEqual(tabs.x + tabs.width);
    // The tabs right below the profile, and the first rows of their panel, in view without scrolling.
    expect(tabs.y, 'tabs below the profile').toBeGreaterThanOrEqual(contact.y + contact.height);
    // At 1440×900 the tabs started at y≈650 with the suggestions above them; now in the upper 55 %.
    if (viewport.height >= 900) expect(tabs.y, 'tabs well above where they were').toBeLessThan(viewport.height * 0.55);
    // At 1280×720 the tab list and a good part of its panel (filters and the first orders) are in view.
    expect(panel.y + 200, 'at least 200 px of the tab panel in view').toBeLessThanOrEqual(viewport.height);
  });
}
