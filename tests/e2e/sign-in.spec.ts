/**
 * Signing in, locking and handing the workstation on, end to end in the browser host (no central
 * store: the workstation's own demo accounts).
 *
 * - One message for a wrong password and an unknown user name.
 * - Idle lock: the open customer leaves the page (absent from the HTML, not hidden); the same
 *   password brings the user back where they were; a wrong one does not.
 * - Switch user and sign-out: the next person sees nothing of the last one's work.
 * - A store associate is offered no admin screen or audit log, and a call forced through the
 *   bridge is refused with a clear `forbidden`.
 */
import type { Page } from '@playwright/test';
import { test, expect, openApp, signIn, signInForm, searchBox, customerOption, customerHeading, KNOWN, DEMO_ACCOUNTS } from './fixtures';
import { describeViolations, seriousAxeViolations } from './axe';

const sessionControls = (page: Page) => page.getByRole('group', { name: 'Session' });
const lockHeading = (page: Page) => page.getByRole('heading', { level: 1, name: /^Locked — / });
const failure = (page: Page) => page.getByRole('alert');

async function openZoe(page: Page): Promise<void> {
  await searchBox(page).fill('Ångström');
  await customerOption(page, KNOWN.zoe.displayName).click();
  await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeVisible();
}

/** Nothing of Zoë in the page's HTML: not her name, number, email or order. */
async function expectNoTraceOfZoe(page: Page): Promise<void> {
  const html = await page.content();
  for (const trace of [KNOWN.zoe.firstName, KNOWN.zoe.lastName, KNOWN.zoe.display, KNOWN.zoe.email, KNOWN.zoe.orderNumber]) {
    expect(html, `"${trace}" is still in the page`).not.toContain(trace);
  }
}

/** Calls a channel the way the bridge does, from inside the page (as a script forcing it would). */
async function forceCall(page: Page, channel: string, input: unknown): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
  return page.evaluate(
    async ([c, i]) => {
      const response = await fetch(`/rpc/${encodeURIComponent(c)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Switchboard-Bridge': '1' },
        body: JSON.stringify(i),
      });
      return (await response.json()) as { ok: boolean; error?: { code: string; message: string } };
    },
    [channel, input] as const,
  );
}

test.describe('signing in', () => {
  test('the sign-in screen works from the keyboard alone and has no serious accessibility violations', async ({ page, host }) => {
    await openApp(page, host, { as: null });
    const form = signInForm(page);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await expect(form.getByRole('textbox', { name: 'User name' })).toBeFocused();
    const violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // Submitting empty names the fields' problems next to them.
    await page.keyboard.press('Enter');
    await expect(form.getByRole('textbox', { name: 'User name' })).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByText('Enter your user name.')).toBeVisible();

    await form.getByRole('textbox', { name: 'User name' }).focus();
    await page.keyboard.type(DEMO_ACCOUNTS.csr.username);
    await page.keyboard.press('Tab');
    await expect(form.getByLabel('Password', { exact: true })).toBeFocused();
    await page.keyboard.type(DEMO_ACCOUNTS.csr.password);
    await page.keyboard.press('Enter');
    await expect(searchBox(page)).toBeFocused();
    await expect(sessionControls(page)).toContainText('CSR');
    for (const name of ['Lock', 'Switch user', 'Sign out']) {
      await expect(sessionControls(page).getByRole('button', { name, exact: true })).toBeVisible();
    }
  });

  test('a wrong password and an unknown user name get the same one message', async ({ page, host }) => {
    await openApp(page, host, { as: null });
    await signIn(page, { username: DEMO_ACCOUNTS.csr.username, password: 'not-the-password' });
    await expect(failure(page)).not.toBeEmpty();
    const wrongPassword = (await failure(page).textContent())?.trim() ?? '';
    await expect(signInForm(page).getByLabel('Password', { exact: true })).toHaveValue('');
    await expect(signInForm(page).getByLabel('Password', { exact: true })).toBeFocused();

    await signIn(page, { username: 'nobody-by-this-name', password: 'not-the-password' });
    await expect(failure(page)).toHaveText(wrongPassword);
    expect(wrongPassword.length).toBeGreaterThan(0);
    expect(wrongPassword.toLowerCase()).not.toContain('nobody-by-this-name');
    await expect(searchBox(page)).toHaveCount(0);
  });
});

test.describe('idle lock', () => {
  test.use({ idleLockSeconds: 3 });

  test('after the idle time the customer is gone from the page; only the same password unlocks, back where they were', async ({ page, host }) => {
    await openApp(page, host);
    await openZoe(page);

    // Hands off: the screen locks by itself.
    await expect(lockHeading(page)).toBeVisible({ timeout: 10_000 });
    await expectNoTraceOfZoe(page);
    await expect(searchBox(page)).toHaveCount(0);
    const violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // A wrong password keeps it locked, and says so.
    const password = page.getByLabel('Password', { exact: true });
    await expect(password).toBeFocused();
    await password.fill('not-the-password');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(failure(page)).not.toBeEmpty();
    await expect(lockHeading(page)).toBeVisible();
    await expectNoTraceOfZoe(page);

    // The same user's password: back to Zoë's card.
    await password.fill(DEMO_ACCOUNTS.csr.password);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeVisible();
  });

  test('a person at work is not locked out: typing reaches the main process in time', async ({ page, host }) => {
    await openApp(page, host);
    // Twice the idle time of typing and pointing: neither the window nor the main process locks.
    const until = Date.now() + 6_500;
    for (let i = 0; Date.now() < until; i += 1) {
      await page.keyboard.type(i % 2 === 0 ? 'z' : 'o', { delay: 50 });
      await page.mouse.move(200 + (i % 10) * 10, 300);
      await page.waitForTimeout(400);
    }
    await expect(searchBox(page)).toBeVisible();
    await expect(lockHeading(page)).toHaveCount(0);
    const answer = await forceCall(page, 'lookup:search', { query: 'zo', limit: 5 });
    expect(answer.ok).toBe(true);
  });

  test('a call held open past the idle time is not locked, in this tab or by an idle second tab; the lock comes after the wrap-up', async ({ page, host }) => {
    test.setTimeout(60_000);
    await openApp(page, host, { from: KNOWN.zoe.e164 });
    await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeVisible();
    const callBar = page.getByRole('region', { name: 'Call' });
    await expect(callBar).toContainText('On call');
    // A second tab of the same browser, left alone the whole time.
    const second = await page.context().newPage();
    await second.goto(host.url);
    await expect(searchBox(second)).toBeVisible();

    // Hands off for three times the idle time: talking, then on hold.
    await page.waitForTimeout(5_000);
    await callBar.getByRole('button', { name: 'Hold' }).click();
    await expect(callBar.getByRole('button', { name: 'Resume' })).toBeVisible();
    await page.waitForTimeout(5_000);
    await expect(lockHeading(page)).toHaveCount(0);
    await expect(lockHeading(second)).toHaveCount(0);
    await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeVisible();

    // In wrap-up the call is still open: hands off again.
    await callBar.getByRole('button', { name: 'End call' }).click();
    const wrapUp = callBar.getByRole('form', { name: 'Wrap-up' });
    await expect(wrapUp.getByRole('combobox', { name: 'Wrap-up code' })).toBeVisible();
    await page.waitForTimeout(5_000);
    await expect(lockHeading(page)).toHaveCount(0);
    await wrapUp.getByRole('combobox', { name: 'Wrap-up code' }).selectOption({ index: 1 });
    await wrapUp.getByRole('button', { name: 'Complete call' }).click();

    // Wrapped up, and idle: both tabs lock.
    await expect(lockHeading(page)).toBeVisible({ timeout: 10_000 });
    await expect(lockHeading(second)).toBeVisible({ timeout: 10_000 });
    await expectNoTraceOfZoe(page);
  });

  test('while locked, the data channels refuse with "locked"', async ({ page, host }) => {
    await openApp(page, host);
    await expect(lockHeading(page)).toBeVisible({ timeout: 10_000 });
    const answer = await forceCall(page, 'customer:get', { customerId: KNOWN.zoe.id });
    expect(answer.ok).toBe(false);
    expect(answer.error?.code).toBe('locked');
  });
});

test.describe('handing the workstation on', () => {
  test('Ctrl+L locks at once, from the keyboard', async ({ page, host }) => {
    await openApp(page, host);
    await openZoe(page);
    await page.keyboard.press('Control+l');
    await expect(lockHeading(page)).toBeVisible();
    await expectNoTraceOfZoe(page);
    await page.keyboard.type(DEMO_ACCOUNTS.csr.password);
    await page.keyboard.press('Enter');
    await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeVisible();
  });

  test('switching user: the next user starts on empty screens, with nothing of the last customer', async ({ page, host }) => {
    await openApp(page, host);
    await openZoe(page);
    await page.getByRole('tab', { name: 'Complaints' }).click();
    await page.getByRole('button', { name: 'Log complaint' }).click();
    await page.getByRole('textbox', { name: 'Description' }).fill('Half-typed by the CSR');

    await sessionControls(page).getByRole('button', { name: 'Switch user' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Switch user' })).toBeVisible();
    await expectNoTraceOfZoe(page);
    await signIn(page, 'associate');

    await expect(sessionControls(page)).toContainText('Store associate');
    await expect(searchBox(page)).toHaveValue('');
    await expect(searchBox(page)).toBeFocused();
    // The results screen, empty, as at the start of a shift.
    await expect(page.getByRole('heading', { level: 2 })).toHaveText(['Results']);
    await expect(page.getByText('Type a name, phone number, email, order number or SKU.')).toBeVisible();
    await expectNoTraceOfZoe(page);
    expect(await page.content()).not.toContain('Half-typed by the CSR');
    // The CSR's session ended: their password no longer unlocks anything, the associate is the one signed in.
    await page.keyboard.press('Control+l');
    await expect(lockHeading(page)).toBeVisible();
    await expect(lockHeading(page)).not.toContainText('CSR');
  });

  test('switching user from the lock screen ends the locked session', async ({ page, host }) => {
    await openApp(page, host);
    await openZoe(page);
    await sessionControls(page).getByRole('button', { name: 'Lock', exact: true }).click();
    await expect(lockHeading(page)).toBeVisible();
    await page.getByRole('button', { name: 'Switch user' }).click();
    await signIn(page, 'supervisor');
    await expect(sessionControls(page)).toContainText('Supervisor');
    await expect(searchBox(page)).toHaveValue('');
    await expectNoTraceOfZoe(page);
  });

  test('signing out returns to the sign-in screen with nothing of the previous user', async ({ page, host }) => {
    await openApp(page, host);
    await openZoe(page);
    await sessionControls(page).getByRole('button', { name: 'Sign out' }).click();
    await expect(signInForm(page)).toBeVisible();
    await expect(signInForm(page).getByRole('textbox', { name: 'User name' })).toHaveValue('');
    await expectNoTraceOfZoe(page);

    // Signing in again (even as the same user) starts afresh.
    await signIn(page, 'csr');
    await expect(searchBox(page)).toHaveValue('');
    await expectNoTraceOfZoe(page);
    // Data channels refuse nobody-signed-in calls.
    await sessionControls(page).getByRole('button', { name: 'Sign out' }).click();
    await expect(signInForm(page)).toBeVisible();
    const answer = await forceCall(page, 'lookup:search', { query: 'zo', limit: 5 });
    expect(answer.error?.code).toBe('unauthenticated');
  });
});

test.describe('roles in the UI', () => {
  test('a store associate sees no Admin or Audit log anywhere, and forcing those calls is refused clearly', async ({ page, host }) => {
    await openApp(page, host, { as: 'associate' });
    await expect(sessionControls(page)).toContainText('Store associate');
    await expect(page.getByRole('button', { name: /admin/i })).toHaveCount(0);
    await expect(page.getByRole('button', { name: /audit/i })).toHaveCount(0);
    const html = await page.content();
    expect(html).not.toMatch(/Audit log|Administration/);

    // Complaints are logged at the counter, but not moved on: no lifecycle buttons are offered.
    await openZoe(page);
    await page.getByRole('tab', { name: 'Complaints' }).click();
    await page.getByRole('button', { name: 'Log complaint' }).click();
    const form = page.getByRole('form', { name: 'Log complaint' });
    await expect(form.getByRole('combobox', { name: 'Category' }).getByRole('option', { name: 'Wrong item sent' })).toBeAttached();
    await form.getByRole('combobox', { name: 'Category' }).selectOption({ label: 'Wrong item sent' });
    await form.getByRole('textbox', { name: 'Description' }).fill('Logged at the counter');
    await form.getByRole('button', { name: 'Save complaint' }).click();
    const opened = page.getByRole('region', { name: /— Open$/ });
    await expect(opened).toContainText('Logged at the counter');
    for (const name of ['Start work', 'Resolve', 'Set follow-up']) await expect(opened.getByRole('button', { name })).toHaveCount(0);
    // Nor the sync panel's re-pull (sync.manage).
    await page.getByRole('contentinfo', { name: 'Status' }).getByRole('button', { name: 'Sync details', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Check data' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Re-pull everything…' })).toHaveCount(0);

    for (const [channel, input] of [
      ['audit:list', {}],
      ['admin:users', {}],
      ['admin:create-user', { username: 'sneaky', displayName: 'Sneaky', role: 'admin', password: 'sneaky-password' }],
    ] as const) {
      const answer = await forceCall(page, channel, input);
      expect(answer.ok, channel).toBe(false);
      expect(answer.error?.code, channel).toBe('forbidden');
      expect(answer.error?.message.length, channel).toBeGreaterThan(10);
    }
  });

  test('an admin finds Admin and the audit log in the top bar; without a central store each says why it is empty', async ({ page, host }) => {
    await openApp(page, host, { as: 'admin' });
    await sessionControls(page).getByRole('button', { name: 'Admin', exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Administration' })).toBeFocused();
    await expect(page.getByRole('alert').first()).not.toBeEmpty();
    let violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('heading', { level: 2, name: 'Administration' })).toHaveCount(0);

    await sessionControls(page).getByRole('button', { name: 'Audit log' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Audit log' })).toBeFocused();
    await expect(page.getByRole('alert').first()).not.toBeEmpty();
    violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
  });
});
