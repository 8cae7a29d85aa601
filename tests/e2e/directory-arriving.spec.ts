/**
 * While the first copy from the central store is still bringing in the customer directory, its
 * indexes and name search are not built yet (src-main/core/db/deferred-indexes.ts): the lookup
 * answers "still arriving" instead of "no match", so a CSR is never offered to create a caller who
 * may be a customer not copied yet; the card says its contacts are still arriving; and once the
 * directory is in, the search on screen is asked again by itself.
 *
 * The caches here are really in that state (the indexes dropped as a first copy drops them, then
 * built from this test process while the host runs), and every lookup and card is answered by the
 * host's real reader. A host with no central store builds what a copy deferred when it starts, so
 * the state is made (again) once the host is up. The host runs without a central store, so its own status is "local only"
 * (which reads the same state); where a test needs what only a running copy reports (its progress,
 * new data), a stand-in answers the `sync:*` channels, as in sync-status.spec.ts.
 */
import type { Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPragmas, openCache } from '../../src-main/core/db/open';
import { buildDeferredIndexes, deferIndexes, DIRECTORY_TABLES } from '../../src-main/core/db/deferred-indexes';
import { CREATE_WHILE_DIRECTORY_ARRIVING } from '../../src-shared/contracts/customer';
import type { LookupSearchOutput } from '../../src-shared/contracts/lookup';
import type { SyncStatus } from '../../src-shared/contracts/sync';
import { test, expect, openApp, standInSyncStatus, searchBox, results, customerOption, customerHeading, startHost, stopHost, KNOWN, UNKNOWN_NUMBER } from './fixtures';
import { describeViolations, seriousAxeViolations } from './axe';

const CONTACT_TABLES = ['customer_phones', 'customer_emails', 'customer_addresses'] as const;

const statusBar = (page: Page) => page.getByRole('contentinfo', { name: 'Status' });
const arrivingNotice = (page: Page) => page.getByRole('region', { name: 'Customer directory still arriving' });
const resultsSummary = (page: Page) => page.getByRole('region', { name: 'Results' }).getByText('Not searched: the customer directory is still arriving.');
const newCustomerButton = (page: Page) => page.getByRole('button', { name: /^New customer with / });

/** A writer connection of this test process on the host's cache (the host's own keep running beside it). */
function onCache<T>(file: string, work: (c: Database.Database) => T): T {
  const c = new Database(file);
  try {
    applyPragmas(c, false);
    return work(c);
  } finally {
    c.close();
  }
}

/**
 * A new cache as a first copy leaves it once the store has sent the customer directory and before
 * its indexes are built: the directory's indexes and name-search triggers dropped on the empty
 * tables, then the seeded cache's customers, phones, emails and addresses copied in.
 */
function cacheWithDirectoryArriving(seededFile: string, file: string): void {
  const db = openCache(file);
  try {
    const c = db.$client;
    expect(deferIndexes(c, DIRECTORY_TABLES).length).toBeGreaterThan(0);
    c.prepare(`ATTACH DATABASE ? AS seeded`).run(seededFile);
    c.transaction(() => {
      for (const table of DIRECTORY_TABLES) c.exec(`INSERT INTO main."${table}" SELECT * FROM seeded."${table}"`);
    })();
    c.exec(`DETACH DATABASE seeded`);
    c.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.$client.close();
  }
}

/**
 * The host's cache back in the state of `cacheWithDirectoryArriving`, once the host has started: a
 * workstation with no central store builds what a first copy deferred when its writer starts (a
 * copy cut short would otherwise stay "arriving" for good), so the state is made again here. The
 * directory's rows are kept aside, its tables emptied, its indexes and triggers dropped as a copy
 * drops them, and the rows put back (foreign keys off on this connection, so orders keep theirs).
 */
function directoryArrivingAgain(file: string): void {
  onCache(file, (c) => {
    c.pragma('foreign_keys = OFF');
    c.transaction(() => {
      for (const table of DIRECTORY_TABLES) c.exec(`CREATE TEMP TABLE "keep_${table}" AS SELECT * FROM main."${table}"`);
      for (const table of [...DIRECTORY_TABLES].reverse()) c.exec(`DELETE FROM main."${table}"`);
    })();
    expect(deferIndexes(c, DIRECTORY_TABLES).length).toBeGreaterThan(0);
    c.transaction(() => {
      for (const table of DIRECTORY_TABLES) c.exec(`INSERT INTO main."${table}" SELECT * FROM temp."keep_${table}"`);
    })();
  });
}

type ContactRows = Record<(typeof CONTACT_TABLES)[number], Record<string, unknown>[]>;

/**
 * A re-pull from nothing reaching the contact tables: they are emptied and their indexes dropped
 * again (the directory is "arriving"). Returns one customer's rows, for the copy to bring back.
 */
function contactsStartOver(file: string, customerId: string): ContactRows {
  return onCache(file, (c) => {
    const kept = Object.fromEntries(
      CONTACT_TABLES.map((t) => [t, c.prepare(`SELECT * FROM "${t}" WHERE customer_id = ?`).all(customerId) as Record<string, unknown>[]]),
    ) as ContactRows;
    c.transaction(() => {
      for (const t of CONTACT_TABLES) c.exec(`DELETE FROM "${t}"`);
    })();
    expect(deferIndexes(c, CONTACT_TABLES).length).toBeGreaterThan(0);
    return kept;
  });
}

/** The copy brings `rows` back and passes the directory: its indexes are built. */
function directoryArrives(file: string, rows?: ContactRows): void {
  onCache(file, (c) => {
    if (rows) {
      for (const [table, list] of Object.entries(rows)) {
        for (const row of list) {
          const columns = Object.keys(row);
          c.prepare(`INSERT INTO "${table}" (${columns.map((k) => `"${k}"`).join(', ')}) VALUES (${columns.map((k) => `@${k}`).join(', ')})`).run(row);
        }
      }
    }
    expect(buildDeferredIndexes(c, undefined, 'directory').length).toBeGreaterThan(0);
  });
}

/** A stand-in for the sync engine's `sync:*` channels (status only); everything else goes to the real host. */
async function standInStatus(page: Page) {
  let status: SyncStatus = standInSyncStatus();
  await page.route(/\/rpc\/sync(%3A|:)status$/, (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ok: true, value: status }) }),
  );
  return {
    set(changes: Partial<SyncStatus>) {
      status = { ...status, ...changes };
    },
    get dataVersion() {
      return status.dataVersion;
    },
  };
}

/** The host's answer to the next search for `query`. */
function answerTo(page: Page, query: string): Promise<LookupSearchOutput> {
  return page
    .waitForResponse((r) => /\/rpc\/lookup(%3A|:)search$/.test(r.url()) && (r.request().postDataJSON() as { query?: string }).query === query)
    .then(async (r) => ((await r.json()) as { ok: true; value: LookupSearchOutput }).value);
}

test.describe('a local cache whose customer directory is still arriving', () => {
  let dir: string;
  let dbFile: string;

  test.beforeEach(({ seededCacheFile }) => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-directory-'));
    dbFile = join(dir, 'cache.db');
    cacheWithDirectoryArriving(seededCacheFile, dbFile);
  });
  test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('nothing is offered as a new customer; once the directory is in, the search on screen answers by itself', async ({ page }) => {
    const { host, child } = await startHost(dbFile, 'US');
    try {
      directoryArrivingAgain(dbFile);
      await openApp(page, host);
      // Said before any search: a polite status, with why and what not to do.
      const notice = arrivingNotice(page);
      await expect(notice.getByRole('status')).toContainText('Customer directory still arriving');
      await expect(notice).toContainText('do not create them as new');

      // An unknown number: not "no match", no new-customer button, and Enter does not open the form.
      const unknown = answerTo(page, UNKNOWN_NUMBER.typed);
      await searchBox(page).fill(UNKNOWN_NUMBER.typed);
      expect(await unknown).toMatchObject({ directoryArriving: true, noMatch: false, hits: [] });
      await expect(resultsSummary(page)).toBeVisible();
      await expect(newCustomerButton(page)).toHaveCount(0);
      await searchBox(page).press('Enter');
      await expect(page.getByRole('heading', { name: 'New customer' })).toHaveCount(0);
      await expect(newCustomerButton(page)).toHaveCount(0);

      // A customer who is in the cache is not found yet either: the lookup reads nothing half built.
      const known = answerTo(page, KNOWN.dana.raw);
      await searchBox(page).fill(KNOWN.dana.raw);
      expect(await known).toMatchObject({ directoryArriving: true, hits: [] });
      await expect(results(page)).toHaveCount(0);
      await expect(searchBox(page)).toBeFocused();
      const violations = await seriousAxeViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);

      // The copy passes the directory: the host's own status turns ready and the number is asked again.
      directoryArrives(dbFile);
      await expect(customerOption(page, KNOWN.dana.displayName)).toBeVisible({ timeout: 10_000 });
      await expect(notice).toHaveCount(0);
      await expect(statusBar(page).getByRole('status')).toHaveText('The customer directory has arrived: searches answer in full.');
      await expect(searchBox(page)).toHaveValue(KNOWN.dana.raw);

      // As always from now on: names (the search rebuilt) and the way to a new customer.
      await searchBox(page).fill('Quistgaard');
      await expect(customerOption(page, KNOWN.dana.displayName)).toBeVisible();
      await searchBox(page).fill(UNKNOWN_NUMBER.typed);
      await expect(page.getByRole('button', { name: `New customer with ${UNKNOWN_NUMBER.display}` })).toBeVisible();
    } finally {
      await stopHost(child);
    }
  });

  test('a screen-pop from an unknown number leaves the number in the box and opens no new-customer form', async ({ page }) => {
    const { host, child } = await startHost(dbFile, 'US');
    try {
      directoryArrivingAgain(dbFile);
      const popped = answerTo(page, UNKNOWN_NUMBER.e164);
      await openApp(page, host, { from: UNKNOWN_NUMBER.e164 });
      expect(await popped).toMatchObject({ directoryArriving: true, noMatch: false });
      await expect(searchBox(page)).toHaveValue(UNKNOWN_NUMBER.e164);
      await expect(resultsSummary(page)).toBeVisible();
      await expect(arrivingNotice(page)).toBeVisible();
      await expect(page.getByRole('heading', { name: 'New customer' })).toHaveCount(0);
      await expect(newCustomerButton(page)).toHaveCount(0);
    } finally {
      await stopHost(child);
    }
  });
});

test.describe('when a re-pull brings the directory in again', () => {
  test('the open card says its contacts are still arriving, the lookup shows the copy’s progress, and both come back', async ({ page, host }) => {
    const engine = await standInStatus(page);
    await openApp(page, host, { from: KNOWN.zoe.e164 });
    await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeFocused();
    const contact = page.getByRole('region', { name: 'Contact' });
    await expect(contact).toContainText(KNOWN.zoe.display);
    await expect(contact.getByRole('button', { name: 'Edit contact' })).toBeVisible();

    const zoeRows = contactsStartOver(host.dbFile, KNOWN.zoe.id);
    engine.set({ directoryReady: false, initialSync: { done: 120_000, total: 1_000_000, etaMs: 600_000 }, dataVersion: engine.dataVersion + 1 });
    // The card reloads with the new data: no "—" (that would say there is none), and nothing to edit.
    await expect(contact.getByRole('status')).toContainText('phone numbers and emails are still arriving from the central store');
    await expect(contact).toContainText('Still arriving from the central store');
    await expect(contact).not.toContainText(KNOWN.zoe.display);
    await expect(contact.getByRole('button', { name: 'Edit contact' })).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Address' })).toContainText('Still arriving from the central store');
    const onCard = await seriousAxeViolations(page);
    expect(onCard, describeViolations(onCard)).toEqual([]);

    // Back to the list: the rows found before give way to the notice, with the copy's progress.
    await page.keyboard.press('Escape');
    await expect(searchBox(page)).toBeFocused();
    const notice = arrivingNotice(page);
    const bar = notice.getByRole('progressbar', { name: 'First copy from the central store' });
    await expect(bar).toBeVisible();
    expect(await bar.evaluate((el) => [(el as unknown as { value: number }).value, (el as unknown as { max: number }).max])).toEqual([120_000, 1_000_000]);
    await expect(notice).toContainText('120,000 of 1,000,000 rows');
    await expect(resultsSummary(page)).toBeVisible();
    await expect(results(page)).toHaveCount(0);
    const violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    await searchBox(page).fill(UNKNOWN_NUMBER.typed);
    await expect(resultsSummary(page)).toBeVisible();
    await expect(newCustomerButton(page)).toHaveCount(0);

    // The copy brings Zoë's contacts back and passes the directory.
    directoryArrives(host.dbFile, zoeRows);
    engine.set({ directoryReady: true, initialSync: { done: 400_000, total: 1_000_000, etaMs: 300_000 }, dataVersion: engine.dataVersion + 1 });
    await expect(page.getByRole('button', { name: `New customer with ${UNKNOWN_NUMBER.display}` })).toBeVisible();
    await expect(notice).toHaveCount(0);

    await searchBox(page).fill(KNOWN.zoe.display);
    await expect(customerOption(page, KNOWN.zoe.displayName)).toBeVisible();
    await searchBox(page).press('Enter');
    await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeFocused();
    await expect(contact).toContainText(KNOWN.zoe.display);
    await expect(contact).toContainText(KNOWN.zoe.email);
    await expect(contact.getByRole('button', { name: 'Edit contact' })).toBeVisible();
  });

  test('a new-customer form open meanwhile says why it cannot save yet; saving is refused in words and changes nothing', async ({ page, host }) => {
    const engine = await standInStatus(page);
    await openApp(page, host);
    await searchBox(page).fill(UNKNOWN_NUMBER.typed);
    await page.getByRole('button', { name: `New customer with ${UNKNOWN_NUMBER.display}` }).click();
    await page.getByRole('textbox', { name: 'First name' }).fill('Priya');
    await page.getByRole('textbox', { name: 'Last name' }).fill('Raman');

    contactsStartOver(host.dbFile, KNOWN.zoe.id);
    engine.set({ directoryReady: false, initialSync: { done: 0, total: 0, etaMs: null } });
    await expect(page.getByRole('status').filter({ hasText: 'cannot yet check that the caller is not a customer already' })).toBeVisible();

    const counts = () => onCache(host.dbFile, (c) => c.prepare(`SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM outbox) AS outbox`).get());
    const before = counts();
    await page.getByRole('button', { name: 'Save customer' }).click();
    await expect(page.getByRole('alert')).toHaveText(CREATE_WHILE_DIRECTORY_ARRIVING);
    await expect(page.getByRole('heading', { name: 'New customer' })).toBeVisible();
    expect(counts()).toEqual(before);
  });
});
