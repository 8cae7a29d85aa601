/**
 * Phone orders end to end against the real central store (issue 21): two browser hosts, each with
 * its own cache, syncing with the server over PGlite on 127.0.0.1.
 *
 * - The whole keyboard-only call on workstation A (a CSR): screen-pop, accept a suggestion, reorder
 *   a line of a past order, add a product by typing, apply a campaign code, give a discount beyond
 *   the CSR's authority and send it to the team's supervisors. The supervisor approves it from
 *   workstation B; A's panel shows the order confirmed with the store's number, B's past purchases
 *   show it placed, and the store holds it once with the total A quoted. Keystrokes are printed
 *   (order.walk.keys).
 * - The same offline: A's link to the store is cut, the order is submitted (saved at once, waiting),
 *   and when the link is back it is delivered once and confirmed.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { sql } from 'drizzle-orm';
import { createUser } from '../../server/src/auth/users';
import { loadDemoIfEmpty } from '../../server/src/seed/demo';
import { LinkProxy } from '../helpers/link-proxy';
import { startCentralStore, startSyncedHost, type CentralStore } from './central-store';
import { signIn, type RunningHost } from './fixtures';
import { keyCounter } from './key-counter';

const CSR = { username: 'kim', password: 'orders by phone' };
const SUPERVISOR = { username: 'sam', password: 'approves discounts' };

interface Caller {
  id: string;
  displayName: string;
  e164: string;
  orderNumber: string;
}

const test = base.extend<{ central: CentralStore; link: LinkProxy; workstationA: RunningHost; workstationB: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  central: async ({}, use) => {
    const central = await startCentralStore(async (store) => {
      await createUser(store.db, { username: CSR.username, displayName: 'Kim CSR', role: 'csr', password: CSR.password, teams: ['North'] }, { N: 1024, r: 8, p: 1 });
      await createUser(store.db, { username: SUPERVISOR.username, displayName: 'Sam Supervisor', role: 'supervisor', password: SUPERVISOR.password, teams: ['North'] }, { N: 1024, r: 8, p: 1 });
      await loadDemoIfEmpty(store, { customers: 150 });
      // Everything in stock: this walk is about the call, not about an out-of-stock line (tests/integration/server-orders.test.ts).
      await store.db.execute(sql`update products set stock = 500, reserved = 0`);
    });
    try {
      await use(central);
    } finally {
      await central.close();
    }
  },
  link: async ({ central }, use) => {
    const link = new LinkProxy(Number(new URL(central.url).port));
    await link.start();
    try {
      await use(link);
    } finally {
      await link.stop();
    }
  },
  // The CSR's workstation reaches the store through the link the test can cut.
  workstationA: async ({ link }, use) => {
    const { host, stop } = await startSyncedHost(`http://127.0.0.1:${link.port}`, CSR);
    try {
      await use(host);
    } finally {
      await stop();
    }
  },
  workstationB: async ({ central }, use) => {
    const { host, stop } = await startSyncedHost(central.url, SUPERVISOR);
    try {
      await use(host);
    } finally {
      await stop();
    }
  },
});

/** A caller with marketing consent, a number of their own and a past order of a product with related products (so there is something to suggest). */
async function findCaller(central: CentralStore): Promise<Caller> {
  const [row] = await central.rows<Caller>(sql`
    select c.id, c.first_name || ' ' || c.last_name as "displayName", p.e164,
           (select o.number from orders o where o.customer_id = c.id order by o.placed_at desc limit 1) as "orderNumber"
      from customers c join customer_phones p on p.customer_id = c.id and p.is_primary
     where c.marketing_consent
       and (select count(*) from customer_phones p2 where p2.e164 = p.e164) = 1
       and exists (select 1 from order_lines l join product_relations r on r.product_id = l.product_id where l.customer_id = c.id)
       and exists (select 1 from customer_addresses a where a.customer_id = c.id)
     order by c.id limit 1`);
  if (!row) throw new Error('The demo store has no caller with a purchase that has related products.');
  return row;
}

/** A phone campaign running today, and a product in stock the caller never bought. */
async function orderFixtures(central: CentralStore, customerId: string): Promise<{ code: string; sku: string; name: string }> {
  const now = Date.now();
  const [campaign] = await central.rows<{ code: string }>(sql`
    select code from campaigns where active and channel in ('offline', 'both') and rule = 'percent' and min_order_cents = 0
       and starts_at <= ${now} and (ends_at is null or ends_at > ${now}) order by ends_at is null, code limit 1`);
  const [product] = await central.rows<{ sku: string; name: string }>(sql`
    select p.sku, p.name from products p
     where p.status = 'active' and p.stock - p.reserved > 20
       and not exists (select 1 from order_lines l where l.customer_id = ${customerId} and l.product_id = p.id)
     order by p.sku limit 1`);
  if (!campaign || !product) throw new Error('The demo store has no phone campaign running today or no product in stock.');
  return { code: campaign.code, ...product };
}

const statusBar = (page: Page) => page.getByRole('contentinfo', { name: 'Status' });

/** Signs in, waits for the first copy to bring the caller in, then pops them as the softphone would. */
async function popCaller(page: Page, ws: RunningHost, who: { username: string; password: string }, caller: Caller): Promise<void> {
  await page.goto(ws.url);
  await signIn(page, who);
  const search = page.getByRole('searchbox', { name: 'Search customers' });
  await expect(search).toBeVisible();
  await expect(statusBar(page)).toContainText('Online', { timeout: 20_000 });
  await expect(async () => {
    await search.fill('');
    await search.fill(caller.displayName);
    await expect(page.getByRole('option', { name: new RegExp(`^${caller.displayName}\\s`) })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await page.goto(`${ws.url}&from=${encodeURIComponent(caller.e164)}`);
  await expect(page.getByRole('heading', { level: 2, name: caller.displayName, exact: true })).toBeVisible();
}


const orderPanel = (page: Page) => page.getByRole('region', { name: 'Order', exact: true });
const orderLines = (page: Page) => orderPanel(page).getByRole('table', { name: 'Order lines' });
const orderStatus = (page: Page) => orderPanel(page).getByRole('status', { name: 'Order status' });

test.describe('phone orders with the central store', () => {
  test.describe.configure({ timeout: 180_000 });

  test('keyboard-only call: suggestion, reorder, search, code, discount approved from a second workstation, confirmed on both', async ({
    browser,
    central,
    workstationA,
    workstationB,
  }) => {
    const caller = await findCaller(central);
    const { code, sku, name } = await orderFixtures(central, caller.id);
    const pageA = await (await browser.newContext()).newPage();
    const pageB = await (await browser.newContext()).newPage();
    await popCaller(pageA, workstationA, CSR, caller);
    const k = keyCounter(pageA);

    // Accept the first suggestion: into the cart.
    const accept = pageA.getByRole('list', { name: 'Suggestions, best first' }).getByRole('button', { name: /^Accept / }).first();
    await expect(accept).toBeVisible();
    const accepted = ((await accept.getAttribute('aria-label')) ?? '').replace(/^Accept /, '');
    await k.press('Alt+A');
    await expect(orderLines(pageA).getByRole('row').filter({ hasText: accepted })).toContainText('Suggestion');

    // Reorder the first line of the latest order.
    const purchases = pageA.getByRole('tabpanel', { name: 'Past purchases' });
    await purchases.getByRole('button', { name: `Order ${caller.orderNumber} details` }).focus();
    await k.press('Enter');
    await purchases.getByRole('region', { name: `Order ${caller.orderNumber}` }).getByRole('button', { name: /^Reorder / }).first().focus();
    await k.press('Enter');
    await expect(orderLines(pageA).getByRole('row').filter({ hasText: 'Reorder' })).toHaveCount(1);

    // A product by its SKU.
    await k.press('Alt+I');
    await k.type(sku);
    await expect(orderPanel(pageA).getByRole('listbox', { name: 'Products found' }).getByRole('option').first()).toContainText(name);
    await k.press('Enter');
    await expect(orderLines(pageA).getByRole('row').filter({ hasText: name })).toHaveCount(1);

    // The campaign code and a discount beyond the CSR's 10 %.
    await k.press('Alt+G');
    await k.type(code);
    await expect(orderPanel(pageA).getByRole('textbox', { name: /Campaign code/ })).toHaveAccessibleDescription(new RegExp(`^${code}: `));
    await k.press('Alt+U');
    await k.type('20');
    await k.press('Tab');
    await k.type('Loyal customer');
    await expect(orderPanel(pageA).getByRole('alert').filter({ hasText: /beyond your authority/ })).toBeVisible();
    await expect(orderPanel(pageA).getByRole('term').filter({ hasText: /^Manual discount$/ })).toBeVisible();
    const total = (await orderPanel(pageA).getByRole('definition').last().innerText()).trim();

    // Submit: beyond authority, so the approval group opens; send it to the team's supervisors.
    await k.press('Alt+S');
    const approval = orderPanel(pageA).getByRole('group', { name: 'Supervisor approval' });
    await expect(approval.getByRole('textbox', { name: 'Supervisor user name' })).toBeFocused();
    await approval.getByRole('button', { name: 'Send to supervisors' }).focus();
    await k.press('Enter');
    await expect(orderStatus(pageA)).toContainText('awaiting a supervisor');
    console.log(`order.walk.keys=${k.count}`);

    // The store has it, awaiting approval, once it has been pushed.
    await expect.poll(async () => (await central.rows<{ status: string }>(sql`select status from orders where channel = 'phone' and created_by is not null`)).map((r) => r.status), { timeout: 20_000 }).toEqual([
      'awaiting_approval',
    ]);

    // The supervisor approves it from workstation B.
    await pageB.goto(workstationB.url);
    await signIn(pageB, SUPERVISOR);
    await pageB.getByRole('button', { name: 'Approvals' }).click();
    const waiting = pageB.getByRole('list', { name: 'Orders waiting for approval' });
    await expect(waiting.getByRole('listitem')).toHaveCount(1, { timeout: 15_000 });
    await waiting.getByRole('textbox', { name: `Reason for ${caller.displayName}’s order` }).fill('Parcel was late last time');
    await waiting.getByRole('button', { name: `Approve ${caller.displayName}’s order` }).click();
    const approvedAt = Date.now();
    await expect(pageB.getByRole('status').filter({ hasText: /^Approved: / })).toBeVisible();

    // A's panel changes by itself: confirmed, with the store's number.
    await expect(orderStatus(pageA)).toContainText('confirmed by the store', { timeout: 10_000 });
    console.log(`supervisor's approval → CSR's panel confirmed in ${Date.now() - approvedAt} ms`);
    const [stored] = await central.rows<{ id: string; number: string; status: string; total_cents: number; quoted_total_cents: number; approved_by: string | null }>(
      sql`select id, number, status, total_cents, quoted_total_cents, approved_by from orders where channel = 'phone' and created_by is not null`,
    );
    expect(stored?.status).toBe('placed');
    expect(stored?.number).toMatch(/^SB\d+$/);
    expect(Number(stored?.total_cents)).toBe(Number(stored?.quoted_total_cents));
    expect(stored?.approved_by).not.toBeNull();
    await expect(orderStatus(pageA)).toContainText(`Order ${stored?.number}`);
    await expect(orderStatus(pageA)).toContainText(total);
    // The accepted suggestion ended in an ordered line: the offer counts as converted, with its revenue.
    await expect(pageA.getByLabel('Offers on record')).toContainText('1 ordered', { timeout: 10_000 });

    // B sees it placed in the customer's past purchases.
    const search = pageB.getByRole('searchbox', { name: 'Search customers' });
    await search.fill(caller.displayName);
    await pageB.getByRole('option', { name: new RegExp(`^${caller.displayName}\\s`) }).click();
    await expect(pageB.getByRole('table', { name: 'Past purchases' }).getByRole('row').filter({ hasText: stored?.number ?? '' })).toContainText('Placed', { timeout: 10_000 });
  });

  test('offline: the order is saved at once, delivered once when the store is back, and confirmed', async ({ browser, central, link, workstationA }) => {
    const caller = await findCaller(central);
    const { sku, name } = await orderFixtures(central, caller.id);
    const page = await (await browser.newContext()).newPage();
    await popCaller(page, workstationA, CSR, caller);

    link.set('down');
    await expect(statusBar(page)).toContainText('Offline', { timeout: 15_000 });
    await page.keyboard.press('Alt+I');
    await page.keyboard.type(sku);
    await expect(orderPanel(page).getByRole('listbox', { name: 'Products found' }).getByRole('option').first()).toContainText(name);
    await page.keyboard.press('Enter');
    await orderLines(page).getByRole('spinbutton', { name: `Quantity of ${name}` }).fill('2');
    await page.keyboard.press('Alt+S');
    await expect(orderStatus(page)).toContainText('submitted, waiting for the store');
    // A second press of the shortcut does nothing: the order is in.
    await page.keyboard.press('Alt+S');
    await expect(page.getByRole('table', { name: 'Past purchases' }).getByRole('row').nth(1)).toContainText('Submitted, waiting for the store');
    expect(await central.rows(sql`select id from orders where channel = 'phone' and created_by is not null`)).toEqual([]);

    link.set('up');
    await expect(orderStatus(page)).toContainText('confirmed by the store', { timeout: 40_000 });
    const stored = await central.rows<{ id: string; status: string; total_cents: number; quoted_total_cents: number }>(
      sql`select id, status, total_cents, quoted_total_cents from orders where channel = 'phone' and created_by is not null`,
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]?.status).toBe('placed');
    expect(Number(stored[0]?.total_cents)).toBe(Number(stored[0]?.quoted_total_cents));
    const lines = await central.rows<{ quantity: number }>(sql`select quantity from order_lines where order_id = ${stored[0]?.id ?? ''}`);
    expect(lines.map((l) => Number(l.quantity))).toEqual([2]);
  });

  test('a supervisor who never signed in on this workstation approves at the CSR’s desk: the store checks them, the order is confirmed', async ({ browser, central, workstationA }) => {
    const caller = await findCaller(central);
    const { sku, name } = await orderFixtures(central, caller.id);
    const page = await (await browser.newContext()).newPage();
    await popCaller(page, workstationA, CSR, caller);
    await page.keyboard.press('Alt+I');
    await page.keyboard.type(sku);
    await expect(orderPanel(page).getByRole('listbox', { name: 'Products found' }).getByRole('option').first()).toContainText(name);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Alt+U');
    await page.keyboard.type('20');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Goodwill');
    await expect(orderPanel(page).getByRole('term').filter({ hasText: /^Manual discount$/ })).toBeVisible();
    await page.keyboard.press('Alt+S');
    const approval = orderPanel(page).getByRole('group', { name: 'Supervisor approval' });
    await expect(approval.getByRole('textbox', { name: 'Supervisor user name' })).toBeFocused();
    await page.keyboard.type(SUPERVISOR.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(SUPERVISOR.password);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Parcel was late');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect(orderStatus(page)).toContainText('confirmed by the store', { timeout: 30_000 });
    await expect(orderStatus(page)).toContainText(`approved by ${SUPERVISOR.username}`);
    // The CSR's session stayed.
    await expect(page.getByRole('group', { name: 'Session' })).toContainText('Kim CSR');
    const stored = await central.rows<{ status: string; approved_by: string | null }>(sql`select status, approved_by from orders where channel = 'phone' and created_by is not null`);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.status).toBe('placed');
    expect(stored[0]?.approved_by).not.toBeNull();
  });
});
