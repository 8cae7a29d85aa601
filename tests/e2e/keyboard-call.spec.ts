import type { Locator, Page } from '@playwright/test';
import { test, expect, openApp, searchBox, customerHeading } from './fixtures';
import { findCallerWithHistory } from './caller-with-history';
import { seriousAxeViolations, describeViolations } from './axe';
import { SHORTCUTS, ariaKeyShortcuts, keyCaps } from '../../src-renderer/src/app/shortcuts';

/**
 * A whole call taken with the keyboard alone (issue 19, items 5 and 6), twice on the same caller:
 * once the way the desk had to be walked before it had shortcuts (Tab / Shift+Tab to each control,
 * arrows in the tab list, Enter), once with the shortcuts. Each key press is counted; typed text is
 * the same in both walks and counted apart. Focus is checked after every step: it never drops to
 * the page body, and after wrap-up it is back in the search box.
 */

/** Key presses of one walk: commands and navigation, and the characters of text typed into fields. */
class Keys {
  presses = 0;
  typed = 0;
  constructor(private readonly page: Page) {}

  async press(key: string, times = 1): Promise<void> {
    for (let i = 0; i < times; i += 1) {
      this.presses += 1;
      await this.page.keyboard.press(key);
    }
  }

  async type(text: string): Promise<void> {
    this.typed += text.length;
    await this.page.keyboard.type(text);
  }

  /**
   * Tab (or Shift+Tab, whichever way the control lies from the focused one in document order) until
   * `target` has focus, counting each press: the real walk, not an estimate.
   */
  async tabTo(target: Locator): Promise<void> {
    await expect(target).toBeVisible();
    const backwards = await target.evaluate((el) => {
      const active = el.ownerDocument.activeElement;
      if (!active || active === el.ownerDocument.body) return false;
      return Boolean(el.compareDocumentPosition(active) & 4); // DOCUMENT_POSITION_FOLLOWING: focus is after the target
    });
    for (let i = 0; i < 120; i += 1) {
      if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) return;
      await this.press(backwards ? 'Shift+Tab' : 'Tab');
    }
    throw new Error('Tab never reached the control');
  }
}

async function activeElementIsBody(page: Page): Promise<boolean> {
  return page.locator('body').evaluate((body) => body.ownerDocument.activeElement === null || body.ownerDocument.activeElement === body);
}

/** Alt+letter as Playwright presses it, from the one declaration. */
function alt(id: keyof typeof SHORTCUTS): string {
  return keyCaps(id).join('+').replace(/[A-Z]$/, (c) => c.toLowerCase());
}

test('a keyboard-only call needs at most half the key presses with shortcuts, and focus always lands somewhere useful', async ({ page, host }) => {
  test.setTimeout(120_000);
  const caller = findCallerWithHistory(host.dbFile);
  const callBar = page.getByRole('region', { name: 'Call' });
  const suggestions = page.getByRole('list', { name: 'Suggestions, best first' });
  const selectedTab = page.locator('[role="tab"][aria-selected="true"]');

  let signedIn = false;
  async function startCall(): Promise<void> {
    // The second screen-pop comes to the signed-in page, as a softphone's would.
    if (signedIn) await page.goto(`${host.url}&from=${encodeURIComponent(caller.e164)}`);
    else await openApp(page, host, { from: caller.e164 });
    signedIn = true;
    await expect(customerHeading(page, caller.displayName)).toBeFocused();
    await expect(callBar).toContainText('On call');
    await expect(suggestions.getByRole('button', { name: /^Accept / }).first()).toBeVisible();
  }

  async function fillComplaint(keys: Keys, description: string): Promise<void> {
    const form = page.getByRole('form', { name: 'Log complaint' });
    const category = form.getByRole('combobox', { name: 'Category' });
    await expect(category).toBeFocused();
    await expect.poll(() => category.locator('option').count(), 'the categories are loaded').toBeGreaterThan(1);
    await keys.press('ArrowDown'); // the first category
    await expect(category).not.toHaveValue('');
    await keys.tabTo(form.getByRole('textbox', { name: 'Description' }));
    await keys.type(description);
    await keys.press('Control+Enter');
    await expect(page.getByRole('status').filter({ hasText: 'Saved: complaint logged' })).toBeVisible();
    // Item 5: the saved form is gone; focus is on the complaint it logged, not on the page body.
    await expect(page.getByRole('heading', { name: /— Open$/ })).toBeFocused();
  }

  // ——— Before: Tab, Shift+Tab, arrows and Enter only ———
  await startCall();
  const before = new Keys(page);
  {
    // Accept the first suggestion; focus moves on to the next suggestion's first control (Present, or
    // Accept when it was presented already).
    const accept = suggestions.getByRole('button', { name: /^Accept / });
    const firstName = ((await accept.first().getAttribute('aria-label')) ?? '').replace(/^Accept /, '');
    await before.tabTo(accept.first());
    await before.press('Enter');
    await expect(suggestions.getByRole('listitem').filter({ hasText: firstName }).getByRole('status')).toHaveText('Accepted');
    expect(await activeElementIsBody(page), 'focus after Accept').toBe(false);
    await expect(suggestions.getByRole('button', { name: /^(Present|Accept) / }).first()).toBeFocused();

    // Hold, then Resume: focus goes from one to the other.
    await before.tabTo(callBar.getByRole('button', { name: 'Hold' }));
    await before.press('Enter');
    await expect(callBar).toContainText('On hold');
    await expect(callBar.getByRole('button', { name: 'Resume' })).toBeFocused();
    await before.tabTo(callBar.getByRole('button', { name: 'Resume' }));
    await before.press('Enter');
    await expect(callBar).toContainText('On call');
    await expect(callBar.getByRole('button', { name: 'Hold' })).toBeFocused();

    // Log a complaint: to the tab list, arrows to Complaints, into the panel to "Log complaint".
    await before.tabTo(selectedTab);
    while ((await selectedTab.textContent())?.startsWith('Complaints') !== true) await before.press('ArrowRight');
    await before.tabTo(page.getByRole('button', { name: 'Log complaint' }));
    await before.press('Enter');
    await fillComplaint(before, 'Cracked lid.');

    // Add a note: back to the tab list, arrow to Notes, into the note field.
    await before.tabTo(selectedTab);
    while ((await selectedTab.textContent())?.startsWith('Notes') !== true) await before.press('ArrowRight');
    await before.tabTo(page.getByRole('textbox', { name: /^Note/ }));
    await before.type('Called back.');
    await before.press('Control+Enter');
    await expect(page.getByRole('status').filter({ hasText: 'Saved: note added' })).toBeVisible();

    // End the call, choose a wrap-up code, complete it.
    await before.tabTo(callBar.getByRole('button', { name: 'End call' }));
    await before.press('Enter');
    const code = callBar.getByRole('combobox', { name: 'Wrap-up code' });
    await expect(code).toBeFocused();
    await expect.poll(() => code.locator('option').count(), 'the wrap-up codes are loaded').toBeGreaterThan(1);
    await before.press('ArrowDown');
    await expect(code).not.toHaveValue('');
    await before.tabTo(callBar.getByRole('button', { name: 'Complete call' }));
    await before.press('Enter');
    await expect(callBar).toHaveCount(0);
    await expect(searchBox(page)).toBeFocused();
  }

  // ——— After: the shortcuts ———
  await startCall();
  const after = new Keys(page);
  {
    const accept = suggestions.getByRole('button', { name: /^Accept / });
    const firstName = ((await accept.first().getAttribute('aria-label')) ?? '').replace(/^Accept /, '');
    await expect(accept.first()).toHaveAttribute('aria-keyshortcuts', ariaKeyShortcuts('acceptSuggestion'));
    await after.press(alt('acceptSuggestion'));
    await expect(suggestions.getByRole('listitem').filter({ hasText: firstName }).getByRole('status')).toHaveText('Accepted');
    expect(await activeElementIsBody(page), 'focus after Alt+A').toBe(false);

    await after.press(alt('holdResume'));
    await expect(callBar).toContainText('On hold');
    expect(await activeElementIsBody(page), 'focus after hold').toBe(false);
    await after.press(alt('holdResume'));
    await expect(callBar).toContainText('On call');
    expect(await activeElementIsBody(page), 'focus after resume').toBe(false);

    await after.press(alt('logComplaint'));
    await expect(page.getByRole('tab', { name: 'Complaints' })).toHaveAttribute('aria-selected', 'true');
    await fillComplaint(after, 'Cracked lid.');

    await after.press(alt('addNote'));
    await expect(page.getByRole('textbox', { name: /^Note/ })).toBeFocused();
    await after.type('Called back.');
    await after.press('Control+Enter');
    await expect(page.getByRole('status').filter({ hasText: 'Saved: note added' })).toBeVisible();

    await after.press(alt('endCall'));
    const code = callBar.getByRole('combobox', { name: 'Wrap-up code' });
    await expect(code).toBeFocused();
    await expect.poll(() => code.locator('option').count(), 'the wrap-up codes are loaded').toBeGreaterThan(1);
    await after.press('ArrowDown');
    await expect(code).not.toHaveValue('');
    await after.press(alt('completeCall'));
    await expect(callBar).toHaveCount(0);
    await expect(searchBox(page)).toBeFocused();
  }

  expect(after.typed).toBe(before.typed);
  const line = `keyboard-only call walk: before ${before.presses} key presses (Tab-based), after ${after.presses} (shortcuts); ${before.typed} typed characters in each walk, not counted`;
  console.log(line);
  test.info().annotations.push({ type: 'keystrokes', description: line });
  expect(after.presses).toBeLessThanOrEqual(before.presses / 2);
});

test('the "?" overlay lists every shortcut; Esc closes it and focus returns', async ({ page, host }) => {
  const caller = findCallerWithHistory(host.dbFile);
  await openApp(page, host, { from: caller.e164 });
  const heading = customerHeading(page, caller.displayName);
  await expect(heading).toBeFocused();

  // The controls carry their shortcut: aria-keyshortcuts and a visible hint, the accessible name unchanged.
  const hold = page.getByRole('region', { name: 'Call' }).getByRole('button', { name: 'Hold', exact: true });
  await expect(hold).toHaveAttribute('aria-keyshortcuts', ariaKeyShortcuts('holdResume'));
  await expect(hold).toContainText(keyCaps('holdResume').join('+'));
  await expect(page.getByRole('tab', { name: 'Timeline', exact: true })).toHaveAttribute('aria-keyshortcuts', ariaKeyShortcuts('tabTimeline'));

  await page.keyboard.press('Shift+Slash');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  for (const shortcut of Object.values(SHORTCUTS)) await expect(dialog.getByText(shortcut.description, { exact: true }).first()).toBeVisible();
  const violations = await seriousAxeViolations(page);
  expect(violations, describeViolations(violations)).toEqual([]);
  // Shortcuts do nothing behind the dialog.
  await page.keyboard.press(alt('tabTimeline'));
  await expect(page.getByRole('tab', { name: 'Timeline', exact: true })).toHaveAttribute('aria-selected', 'false');

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(heading).toBeFocused(); // focus returned, and Esc did not also leave the customer
  await page.keyboard.press(alt('tabTimeline'));
  await expect(page.getByRole('tab', { name: 'Timeline', exact: true })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'Timeline', exact: true })).toBeFocused();

  // The button opens it too.
  await page.getByRole('button', { name: 'Shortcuts' }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
});
