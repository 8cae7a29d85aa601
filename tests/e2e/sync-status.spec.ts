/**
 * The sync status in the status bar and the sync panel. The e2e host runs local only (no central
 * store); the states it never reaches are shown to the real renderer by a stand-in for the engine's
 * `sync:*` channels. What two workstations with a real store see of each other is tested elsewhere.
 */
import type { Page } from '@playwright/test';
import type { SyncCheckResult, SyncStatus } from '../../src-shared/contracts/sync';
import { test, expect, openApp, standInSyncStatus, searchBox, customerHeading, customerOption, KNOWN } from './fixtures';
import { describeViolations, seriousAxeViolations } from './axe';

// Re-pulling the whole cache needs sync.manage: a supervisor's panel has every control.
test.use({ signInAs: 'supervisor' });

const statusBar = (page: Page) => page.getByRole('contentinfo', { name: 'Status' });
const detailsButton = (page: Page) => statusBar(page).getByRole('button', { name: 'Sync details', exact: true });
const syncPanel = (page: Page) => page.getByRole('region', { name: 'Sync with the central store' });

/** Tabs forward from where focus is until `target` has it; fails if it is not reached within `limit` presses. */
async function tabTo(page: Page, target: ReturnType<Page['getByRole']>, limit = 40): Promise<void> {
  for (let i = 0; i < limit; i += 1) {
    // Typed without the DOM lib (these tests compile as Node code): `el` is the page's element.
    if (await target.evaluate((el) => (el as unknown as { matches(selector: string): boolean }).matches(':focus'))) return;
    await page.keyboard.press('Tab');
  }
  await expect(target, `not reached with ${limit} presses of Tab`).toBeFocused();
}

test.describe('sync status', () => {
  test('a workstation without a central store says so in words, and the panel explains it', async ({ page, host }) => {
    await openApp(page, host);
    await expect(statusBar(page)).toContainText('Local only (no central store)');
    // Nothing waits for a store that does not exist, so the bar does not count "changes waiting".
    await expect(statusBar(page)).not.toContainText('waiting to sync');

    await detailsButton(page).click();
    await expect(syncPanel(page)).toBeVisible();
    await expect(syncPanel(page)).toContainText('None set up');
    await expect(syncPanel(page)).toContainText('No central store is set up');

    // Asking for a sync answers in words (whatever the engine makes of it), never a blank or a crash.
    await syncPanel(page).getByRole('button', { name: 'Sync now' }).click();
    await expect(syncPanel(page).getByRole('status')).toHaveText(/\w/);
  });

  test('the panel opens from the keyboard, Esc closes it and focus returns to the button', async ({ page, host }) => {
    await openApp(page, host);
    await expect(searchBox(page)).toBeFocused();
    const opener = detailsButton(page);
    await tabTo(page, opener);
    await expect(opener).toHaveAttribute('aria-expanded', 'false');

    await page.keyboard.press('Enter');
    const panel = syncPanel(page);
    await expect(panel).toBeVisible();
    await expect(opener).toHaveAttribute('aria-expanded', 'true');
    await expect(panel.getByRole('heading', { name: 'Sync with the central store' })).toBeFocused();

    // Every action in it is a named button reachable with Tab.
    for (const name of ['Close sync details', 'Sync now', 'Check data', 'Re-pull everything…']) {
      await tabTo(page, panel.getByRole('button', { name }), 10);
    }

    // Re-pull asks first; Esc backs out of the question, not out of the panel.
    await page.keyboard.press('Enter');
    await expect(panel.getByText(/changes waiting to sync are kept/i)).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(panel.getByText(/changes waiting to sync are kept/i)).toHaveCount(0);
    await expect(panel.getByRole('button', { name: 'Re-pull everything…' })).toBeFocused();

    await page.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);
    await expect(opener).toBeFocused();
    await expect(opener).toHaveAttribute('aria-expanded', 'false');
  });

  test('Esc in the panel closes only the panel: the open customer stays open', async ({ page, host }) => {
    await openApp(page, host, { from: KNOWN.zoe.e164 });
    const heading = customerHeading(page, KNOWN.zoe.displayName);
    await expect(heading).toBeFocused();
    await detailsButton(page).focus();
    await page.keyboard.press('Enter');
    await expect(syncPanel(page)).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(syncPanel(page)).toHaveCount(0);
    await expect(heading).toBeVisible();
    await expect(detailsButton(page)).toBeFocused();
  });

  test('no serious accessibility violations in the status bar or the open panel', async ({ page, host }) => {
    await openApp(page, host);
    // Whatever the engine answers, once it has answered.
    await expect(statusBar(page)).not.toContainText('Reading sync status');
    let violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    await detailsButton(page).click();
    await expect(syncPanel(page)).toBeVisible();
    await syncPanel(page).getByRole('button', { name: 'Re-pull everything…' }).click();
    await expect(syncPanel(page).getByRole('group')).toBeVisible();
    violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  test('a core that cannot answer sync:status is shown as a calm status, and the app keeps working', async ({ page, host }) => {
    // An older or still-starting core answers the channel with an error envelope; stand one in.
    await page.route(/\/rpc\/sync(%3A|:)status$/, (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({ ok: false, error: { code: 'unknown_channel', message: 'There is no channel named sync:status.' } }),
      }),
    );
    await openApp(page, host);
    await expect(statusBar(page)).toContainText('Sync status unavailable: There is no channel named sync:status.');
    await detailsButton(page).click();
    await expect(syncPanel(page)).toContainText('Sync status unavailable');
    // Lookups are untouched.
    await searchBox(page).fill('zo');
    await expect(customerOption(page, KNOWN.zoe.displayName)).toBeVisible();
  });
});

/**
 * A stand-in for the sync engine behind the `sync:*` channels, so the states a local-only host
 * never reaches (online, offline, an initial sync, refused writes, a data check, new data) can be
 * shown to the real renderer. Everything else goes to the real host and its cache.
 */
async function standInEngine(page: Page) {
  let status: SyncStatus = standInSyncStatus({ state: 'connecting' });
  let polls = 0;
  let check: SyncCheckResult | null = null;
  /** While set, status requests get no answer (an engine that stopped answering). */
  let silent = false;
  await page.route(/\/rpc\/sync(%3A|:)[a-z-]+$/, async (route) => {
    const channel = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop() ?? '');
    let value: unknown;
    if (channel === 'sync:status') {
      polls += 1;
      if (silent) return; // never fulfilled: the request stays open, as with a stuck engine
      value = status;
    } else if (channel === 'sync:now' || channel === 'sync:reset') {
      value = { started: true };
    } else if (channel === 'sync:check') {
      value = check;
      status = { ...status, lastCheck: check };
    } else if (channel === 'sync:dismiss-rejection') {
      const { mutationId } = route.request().postDataJSON() as { mutationId: number };
      status = { ...status, rejections: status.rejections.filter((r) => r.mutationId !== mutationId) };
      value = { dismissed: true };
    }
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ok: true, value }) });
  });
  return {
    set(changes: Partial<SyncStatus>) {
      status = { ...status, ...changes };
    },
    stopAnswering() {
      silent = true;
    },
    get dataVersion() {
      return status.dataVersion;
    },
    answerCheckWith(result: SyncCheckResult) {
      check = result;
    },
    /** Waits until the window has polled `count` more times (so it has seen the status as it is now). */
    async polled(count: number) {
      const target = polls + count;
      await expect.poll(() => polls, { timeout: 5_000 }).toBeGreaterThanOrEqual(target);
    },
  };
}

/** Calls a channel the way the page does, as another workstation's write arriving in this cache would. */
async function callHost(page: Page, channel: string, input: unknown): Promise<{ ok: boolean; value?: unknown }> {
  return page.evaluate(
    async ([c, i]) => {
      const response = await fetch(`/rpc/${encodeURIComponent(c)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Switchboard-Bridge': '1' },
        body: JSON.stringify(i),
      });
      return (await response.json()) as { ok: boolean; value?: unknown };
    },
    [channel, input] as const,
  );
}

test.describe('sync status with a stand-in engine', () => {
  test('states read in words (offline apart from a failing store), and the live region says online ↔ offline without repeating every poll', async ({ page, host }) => {
    const engine = await standInEngine(page);
    await openApp(page, host);
    await expect(statusBar(page)).toContainText('Connecting…');
    engine.set({ state: 'online', pendingWrites: 3, lastSyncAt: Date.now() - 60_000 });
    await expect(statusBar(page)).toContainText('Online');
    await expect(statusBar(page)).toContainText('3 changes waiting to sync');
    await expect(statusBar(page)).toContainText(/Synced \d{1,2}:\d{2}/);

    engine.set({ state: 'offline', nextRetryAt: Date.now() + 12_000, lastError: 'The central store did not answer.' });
    await expect(statusBar(page)).toContainText(/Offline — retrying in \d+ s/);
    const live = statusBar(page).getByRole('status');
    await expect(live).toHaveText(/^Sync: offline\./);

    // A store that answers but fails (a 5xx) is not "Offline": the bar says the store is failing.
    engine.set({ state: 'store_failing', nextRetryAt: Date.now() + 12_000, lastError: 'The central store could not save these changes just now.' });
    await expect(statusBar(page)).toContainText(/Store failing — retrying in \d+ s/);
    await expect(statusBar(page)).not.toContainText('Offline');
    await expect(live).toHaveText(/^Sync: the central store is failing\./);

    engine.set({ state: 'online', pendingWrites: 0, nextRetryAt: null, lastError: null });
    await expect(statusBar(page)).toContainText('All changes synced');
    await expect(live).toHaveText('Sync: back online.');
  });

  test('a status the engine stops giving is not shown as current', async ({ page, host }) => {
    const engine = await standInEngine(page);
    engine.set({ state: 'online' });
    await openApp(page, host);
    await expect(statusBar(page)).toContainText('Online');
    engine.stopAnswering();
    await expect(statusBar(page)).toContainText(/Sync status unavailable: the sync engine has not answered for \d+ s\./, { timeout: 10_000 });
    await expect(statusBar(page)).not.toContainText('Online');
  });

  test('an initial sync shows a named progress bar with the rows and the time left, and lookups keep working', async ({ page, host }) => {
    const engine = await standInEngine(page);
    engine.set({ state: 'online', initialSync: { done: 120_000, total: 1_000_000, etaMs: 120_000 } });
    await openApp(page, host);
    const bar = page.getByRole('progressbar', { name: 'Initial sync' });
    await expect(bar).toBeVisible();
    expect(await bar.evaluate((el) => [(el as unknown as { value: number }).value, (el as unknown as { max: number }).max])).toEqual([120_000, 1_000_000]);
    await expect(statusBar(page)).toContainText('120,000 of 1,000,000 rows');
    await expect(statusBar(page)).toContainText('about 2 min left');

    await searchBox(page).fill('zo');
    await expect(customerOption(page, KNOWN.zoe.displayName)).toBeVisible();

    // The last page is in; the deferred indexes are being built: no bar, a word that saves may wait,
    // and the copy is not yet announced as finished.
    engine.set({ initialSync: null, buildingIndexes: true, orderHistoryReady: false });
    await expect(bar).toHaveCount(0);
    await expect(statusBar(page)).toContainText('Building search indexes: saving may take a few seconds');
    await expect(statusBar(page).getByRole('status')).not.toHaveText('Initial sync finished.');
    await searchBox(page).fill('zoe');
    await expect(customerOption(page, KNOWN.zoe.displayName)).toBeVisible();

    engine.set({ buildingIndexes: false, orderHistoryReady: true });
    await expect(statusBar(page)).not.toContainText('Building search indexes');
    await expect(statusBar(page).getByRole('status')).toHaveText('Initial sync finished.');
  });

  test('while order history is arriving the 360 says so where orders would be, and shows them once it has arrived', async ({ page, host }) => {
    const engine = await standInEngine(page);
    engine.set({ state: 'online', initialSync: { done: 500_000, total: 1_000_000, etaMs: 60_000 }, orderHistoryReady: false });
    await openApp(page, host, { from: KNOWN.zoe.e164 });
    await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeFocused();
    const value = page.getByRole('region', { name: 'Customer', exact: true });
    const panel = page.getByRole('tabpanel', { name: 'Past purchases' });
    // A polite status, not an alert, and not "none": the count is not shown as 0.
    const arriving = panel.getByRole('status').filter({ hasText: 'Order history is still arriving from the central store.' });
    await expect(arriving).toBeVisible();
    await expect(value).toContainText('Still arriving');
    await expect(page.getByRole('alert')).toHaveCount(0);
    const violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    engine.set({ initialSync: null, orderHistoryReady: true });
    await expect(arriving).toHaveCount(0);
    await expect(value).not.toContainText('Still arriving');
    await expect(panel.getByRole('table', { name: 'Past purchases' })).toBeVisible();
  });

  test('refused writes: the attention button opens the list, and each is dismissed from the keyboard', async ({ page, host }) => {
    const engine = await standInEngine(page);
    engine.set({
      state: 'online',
      rejections: [
        { mutationId: 41, name: 'complaint.log', code: 'not_found', message: 'The customer does not exist on the central store.', at: Date.now() - 30_000 },
        { mutationId: 40, name: 'customer.update_contact', code: 'invalid_input', message: 'Email: not an email address.', at: Date.now() - 90_000 },
      ],
    });
    await openApp(page, host);
    const attention = statusBar(page).getByRole('button', { name: '2 changes need attention' });
    await attention.focus();
    await page.keyboard.press('Enter');
    const panel = syncPanel(page);
    await expect(panel.getByRole('heading', { name: /Changes the central store refused/ })).toBeFocused();
    await expect(panel).toContainText('Complaint logged');
    await expect(panel).toContainText('The customer does not exist on the central store.');

    await panel.getByRole('button', { name: /^Dismiss: Complaint logged/ }).focus();
    await page.keyboard.press('Enter');
    // Focus moves on to the next one rather than falling back to the page.
    await expect(panel.getByRole('button', { name: /^Dismiss: Contact details changed/ })).toBeFocused();
    await expect(statusBar(page).getByRole('button', { name: '1 change needs attention' })).toBeVisible();
    await page.keyboard.press('Enter');
    await expect(panel.getByRole('heading', { name: 'Sync with the central store' })).toBeFocused();
    await expect(statusBar(page).getByRole('button', { name: /need(s)? attention/ })).toHaveCount(0);

    // The opener is gone: Esc returns focus to "Sync details".
    await page.keyboard.press('Escape');
    await expect(detailsButton(page)).toBeFocused();
  });

  test('Check data lists each table here and on the store, and says the outcome in words', async ({ page, host }) => {
    const engine = await standInEngine(page);
    engine.set({ state: 'online' });
    engine.answerCheckWith({
      at: Date.now(),
      match: false,
      skipped: null,
      repulling: ['complaints'],
      tables: [
        { table: 'customers', localCount: 2_003, serverCount: 2_003, match: true },
        { table: 'complaints', localCount: 4, serverCount: 5, match: false },
      ],
    });
    await openApp(page, host);
    await detailsButton(page).click();
    await syncPanel(page).getByRole('button', { name: 'Check data' }).click();
    await expect(syncPanel(page)).toContainText(/1 of 2 tables differ from the central store .*Re-pulling Complaints/);
    const complaints = syncPanel(page).getByRole('row', { name: /^Complaints/ });
    await expect(complaints).toContainText('4');
    await expect(complaints).toContainText('5');
    await expect(complaints).toContainText('Differs — re-pulling');
    await expect(syncPanel(page).getByRole('row', { name: /^Customers/ })).toContainText('Match');
  });

  test('a complaint arriving from another workstation shows in the open Complaints tab and Timeline, and what is being typed stays', async ({
    page,
    host,
  }) => {
    const engine = await standInEngine(page);
    engine.set({ state: 'online' });
    await openApp(page, host, { from: KNOWN.zoe.e164 });
    await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeVisible();
    const lists = (await callHost(page, 'config:lists', {})) as { value: { complaintCategories: { code: string }[] } };
    const category = lists.value.complaintCategories[0]?.code ?? 'missing';

    await page.getByRole('tab', { name: 'Complaints' }).click();
    await page.getByRole('button', { name: 'Log complaint' }).click();
    const typing = page.getByRole('textbox', { name: 'Description' });
    await typing.fill('Half-typed by this agent');

    // The engine pulled a complaint into the cache; until it says so (dataVersion), the screen stays.
    const logged = await callHost(page, 'complaint:log', { customerId: KNOWN.zoe.id, category, severity: 'high', description: 'Logged at another desk' });
    expect(logged.ok).toBe(true);
    await engine.polled(2);
    await expect(page.getByText('Logged at another desk')).toHaveCount(0);
    engine.set({ dataVersion: engine.dataVersion + 1 });
    await expect(page.getByRole('table', { name: 'Complaints' })).toContainText('Logged at another desk', { timeout: 1_500 });
    await expect(typing).toHaveValue('Half-typed by this agent');

    await page.getByRole('tab', { name: 'Timeline' }).click();
    await expect(page.getByRole('region', { name: 'Timeline, newest first' })).toContainText('Logged at another desk');
    await callHost(page, 'complaint:log', { customerId: KNOWN.zoe.id, category, severity: 'low', description: 'A second one from elsewhere' });
    engine.set({ dataVersion: engine.dataVersion + 1 });
    await expect(page.getByRole('region', { name: 'Timeline, newest first' })).toContainText('A second one from elsewhere', { timeout: 1_500 });
  });
});
