/**
 * Issue 19, items 2 and 3, end to end in the browser host:
 * - A second screen-pop during a call is announced in the call bar; the CSR finishes this call
 *   first, or holds it and takes the new one; both calls are recorded to the end. The suggestions
 *   of the caller taken keep their layout (no column squeezed to one word a line).
 * - A caller id of digits with the country code but no "+" is read as international; one that
 *   cannot be read at all still records the call, shown as received, with a search offered.
 * In the browser host a softphone pops by opening the address with `&from=`: the second pop is the
 * same tab opened again with the next caller's number.
 */
import type { Page } from '@playwright/test';
import { test, expect, openApp, searchBox, customerHeading, customerOption, KNOWN } from './fixtures';
import { findCallerWithHistory } from './caller-with-history';
import { openCache } from '../../src-main/core/db/open';

interface CallRow {
  from_e164: string | null;
  from_raw: string | null;
  status: string;
  customer_id: string | null;
}

function callsIn(dbFile: string): CallRow[] {
  const db = openCache(dbFile, { readonly: true });
  try {
    return db.$client.prepare(`SELECT from_e164, from_raw, status, customer_id FROM calls ORDER BY started_at`).all() as CallRow[];
  } finally {
    db.$client.close();
  }
}

const callBar = (page: Page) => page.getByRole('region', { name: 'Call' });

async function wrapUp(page: Page): Promise<void> {
  const bar = callBar(page);
  await bar.getByRole('button', { name: 'End call' }).click();
  const form = bar.getByRole('form', { name: 'Wrap-up' });
  await form.getByRole('combobox', { name: 'Wrap-up code' }).selectOption({ index: 1 });
  await form.getByRole('button', { name: 'Complete call' }).click();
}

test('a second screen-pop during a call: announced, the CSR holds this call and takes the new one, and both are recorded', async ({ page, host }) => {
  test.setTimeout(90_000);
  const second = findCallerWithHistory(host.dbFile);
  await openApp(page, host, { from: KNOWN.dana.e164 });
  await expect(customerHeading(page, KNOWN.dana.displayName)).toBeVisible();
  await expect(callBar(page)).toContainText('On call');

  // The next caller pops while Dana is on the line.
  await page.goto(`${host.url}&from=${encodeURIComponent(second.e164)}`);
  const waiting = callBar(page).getByRole('group', { name: 'Waiting calls' });
  await expect(waiting.getByRole('alert')).toContainText('Another call is waiting');
  // The bar still shows the call in progress: Dana, talking.
  await expect(callBar(page).getByRole('button', { name: `Open caller ${KNOWN.dana.displayName}` })).toBeVisible();
  await expect(callBar(page)).toContainText('On call');

  // "Finish this call first" keeps the notice as a reminder; then the CSR changes their mind.
  await waiting.getByRole('button', { name: 'Finish this call first' }).click();
  await expect(waiting.getByRole('button', { name: 'Finish this call first' })).toHaveCount(0);
  await waiting.getByRole('button', { name: 'Hold this call and take the new one' }).click();
  await expect(customerHeading(page, second.displayName)).toBeVisible();
  await expect(callBar(page).getByRole('button', { name: `Open caller ${second.displayName}` })).toBeVisible();
  await expect(callBar(page)).toContainText('On call');
  // Dana now waits on hold.
  await expect(waiting.getByRole('alert')).toContainText('+1 555 010 4477');

  // The suggestions keep their layout: each reason reads on a line or two, not a word a line.
  const reason = page.getByRole('list', { name: 'Suggestions, best first' }).getByRole('listitem').first().locator('.suggestion__reason');
  await expect(reason).toBeVisible();
  const box = await reason.boundingBox();
  expect(box?.width ?? 0, 'the reason column has room for words').toBeGreaterThan(160);

  // This call ends; Dana, on hold, comes back as the current call; resumed and wrapped up.
  await wrapUp(page);
  await expect(callBar(page).getByRole('button', { name: `Open caller ${KNOWN.dana.displayName}` })).toBeVisible();
  await expect(callBar(page)).toContainText('On hold');
  await expect(waiting).toHaveCount(0);
  await callBar(page).getByRole('button', { name: 'Resume' }).click();
  await expect(callBar(page)).toContainText('On call');
  await wrapUp(page);
  await expect(callBar(page)).toHaveCount(0);

  const calls = callsIn(host.dbFile);
  expect(calls.map((c) => [c.from_e164, c.status, c.customer_id])).toEqual([
    [KNOWN.dana.e164, 'completed', KNOWN.dana.id],
    [second.e164, 'completed', second.customerId],
  ]);
});

test('another customer opened during a call: the offers refused on this call do not squeeze the suggestions to a word a line', async ({ page, host }) => {
  const other = findCallerWithHistory(host.dbFile);
  await openApp(page, host, { from: KNOWN.dana.e164 });
  await expect(customerHeading(page, KNOWN.dana.displayName)).toBeVisible();
  await searchBox(page).fill(other.displayName);
  await customerOption(page, other.displayName).click();
  await expect(customerHeading(page, other.displayName)).toBeVisible();
  const list = page.getByRole('list', { name: 'Suggestions, best first' });
  // Dana's call cannot carry this customer's offers: presenting them is refused, row by row.
  const present = list.getByRole('button', { name: /^Present / });
  // The suggestions load after the heading: wait for the first before counting them.
  await expect(present.first()).toBeVisible();
  const rows = Math.min(await present.count(), 3);
  expect(rows, 'suggestions to present').toBeGreaterThan(0);
  for (let i = 0; i < rows; i++) await present.nth(i).click();
  await expect(list.getByRole('alert')).toHaveCount(rows);
  await expect(list.getByRole('alert').first()).toContainText('different customer');
  for (const reason of await list.locator('.suggestion__reason').all()) {
    const box = await reason.boundingBox();
    expect(box?.width ?? 0, 'the reason column has room for words').toBeGreaterThan(160);
  }
});

test('a caller id of digits with the country code but no "+" is read as international, and the call recorded', async ({ page, host }) => {
  await openApp(page, host, { from: '49300074321' });
  await expect(page.getByRole('heading', { level: 2, name: 'New customer' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Phone' })).toHaveValue('+49 30 0074321');
  await expect(callBar(page)).toContainText('+49 30 0074321');
  await expect.poll(() => callsIn(host.dbFile)).toEqual([{ from_e164: '+49300074321', from_raw: '49300074321', status: 'active', customer_id: null }]);
});

test('a caller id that cannot be read still records the call; the bar shows it as received and offers a search', async ({ page, host }) => {
  await openApp(page, host, { from: '12' });
  await expect(callBar(page)).toContainText('12 (as received)');
  await expect(callBar(page)).toContainText('Caller not identified yet');
  await expect.poll(() => callsIn(host.dbFile)).toEqual([{ from_e164: null, from_raw: '12', status: 'active', customer_id: null }]);
  await callBar(page).getByRole('button', { name: 'Search for the caller' }).click();
  await expect(searchBox(page)).toBeFocused();
  await expect(searchBox(page)).toHaveValue('');
  await searchBox(page).fill('Ångström');
  await page.getByRole('option', { name: new RegExp(KNOWN.zoe.displayName) }).click();
  await expect(customerHeading(page, KNOWN.zoe.displayName)).toBeVisible();
});
