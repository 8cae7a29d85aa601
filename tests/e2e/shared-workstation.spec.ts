/**
 * Issue 5's "done when", end to end: three people take turns on one workstation (a browser host
 * syncing with a real central store over PGlite, reached through a link the test can cut), one of
 * them while the store is unreachable. Each sees and does exactly what their role allows; the
 * store gets every write as its author's; the admin's audit log shows it all.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { sql } from 'drizzle-orm';
import { createUser } from '../../server/src/auth/users';
import { loadDemoIfEmpty } from '../../server/src/seed/demo';
import { LinkProxy } from '../helpers/link-proxy';
import { startCentralStore, startSyncedHost, type CentralStore } from './central-store';
import { signIn, signInForm, type RunningHost } from './fixtures';

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const KIM = { username: 'kim', password: 'kim on the phones', displayName: 'Kim Phones', role: 'csr' } as const;
const SAM = { username: 'sam', password: 'sam at the counter', displayName: 'Sam Counter', role: 'store_associate' } as const;
const BOSS = { username: 'boss', password: 'boss of it all', displayName: 'Bo Admin', role: 'admin' } as const;
const ZOE = { id: '5e1d0b9c-7a53-4c1e-9d0a-0000000000f1', firstName: 'Zoë', lastName: 'Turnbull-Ångström', displayName: 'Zoë Turnbull-Ångström' };

const test = base.extend<{ central: CentralStore; link: LinkProxy; workstation: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  central: async ({}, use) => {
    const central = await startCentralStore(async (store) => {
      for (const person of [KIM, SAM, BOSS]) {
        await createUser(store.db, { username: person.username, displayName: person.displayName, role: person.role, password: person.password }, FAST_SCRYPT);
      }
      await loadDemoIfEmpty(store, { customers: 60, now: Date.UTC(2025, 5, 1) });
      await store.db.execute(sql`insert into customers (id, first_name, last_name, loyalty_tier, created_at, updated_at)
                                 values (${ZOE.id}, ${ZOE.firstName}, ${ZOE.lastName}, 'gold', 0, 0)`);
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
  workstation: async ({ link }, use) => {
    const { host, stop } = await startSyncedHost(`http://127.0.0.1:${link.port}`, null);
    try {
      await use(host);
    } finally {
      await stop();
    }
  },
});

const session = (page: Page) => page.getByRole('group', { name: 'Session' });
const statusBar = (page: Page) => page.getByRole('contentinfo', { name: 'Status' });
const zoeOption = (page: Page) => page.getByRole('option', { name: new RegExp(`^${ZOE.displayName}\\s`) });

async function signInAs(page: Page, person: { username: string; password: string; displayName: string }): Promise<void> {
  await signIn(page, person);
  await expect(session(page)).toContainText(person.displayName, { timeout: 15_000 });
}

async function signOut(page: Page): Promise<void> {
  await session(page).getByRole('button', { name: 'Sign out' }).click();
  await expect(signInForm(page)).toBeVisible();
  expect(await page.content()).not.toContain(ZOE.lastName);
}

async function openZoesComplaints(page: Page): Promise<void> {
  const search = page.getByRole('searchbox', { name: 'Search customers' });
  await expect(async () => {
    await search.fill('');
    await search.fill('Turnbull');
    await expect(zoeOption(page)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await zoeOption(page).click();
  await expect(page.getByRole('heading', { level: 2, name: ZOE.displayName, exact: true })).toBeVisible();
  await page.getByRole('tab', { name: 'Complaints' }).click();
}

async function logComplaint(page: Page, description: string): Promise<void> {
  await page.getByRole('button', { name: 'Log complaint' }).click();
  const form = page.getByRole('form', { name: 'Log complaint' });
  await expect(form.getByRole('combobox', { name: 'Category' }).getByRole('option', { name: 'Wrong item sent' })).toBeAttached();
  await form.getByRole('combobox', { name: 'Category' }).selectOption({ label: 'Wrong item sent' });
  await form.getByRole('textbox', { name: 'Description' }).fill(description);
  await form.getByRole('button', { name: 'Save complaint' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved: complaint logged' })).toBeVisible({ timeout: 15_000 });
}

/** Calls a channel the way the bridge does, from inside the page (as a script forcing it would). */
async function forceCall(page: Page, channel: string): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
  return page.evaluate(async (c) => {
    const response = await fetch(`/rpc/${encodeURIComponent(c)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Switchboard-Bridge': '1' },
      body: '{}',
    });
    return (await response.json()) as { ok: boolean; error?: { code: string; message: string } };
  }, channel);
}

test.describe('three people take turns on one shared workstation', () => {
  test.describe.configure({ timeout: 180_000 });

  test('a CSR, then a store associate online and offline, then an admin: each as their role allows; the audit log shows it all', async ({
    page,
    central,
    link,
    workstation,
  }) => {
    await page.goto(workstation.url);
    await expect(signInForm(page)).toBeVisible();

    // 1. Kim, a CSR, online: logs a complaint and may run it (Start work), but has no admin screens.
    await signInAs(page, KIM);
    await expect(statusBar(page)).toContainText('Online', { timeout: 20_000 });
    await openZoesComplaints(page);
    const kims = `Kettle arrived cracked (Kim, ${Date.now().toString(36)})`;
    await logComplaint(page, kims);
    await expect(page.getByRole('button', { name: /Start work/ }).first()).toBeVisible();
    await expect(session(page).getByRole('button', { name: 'Admin', exact: true })).toHaveCount(0);
    await signOut(page);

    // 2. Sam, a store associate, online once (this workstation then knows Sam), and out again.
    await signInAs(page, SAM);
    await expect(session(page)).not.toContainText('Signed in offline');
    await signOut(page);

    // 3. The store becomes unreachable. Sam signs in against the verifier cached here, logs a
    //    complaint at the counter, cannot run complaints or reach admin screens, not even by force.
    link.set('down');
    await signInAs(page, SAM);
    await expect(session(page)).toContainText('Signed in offline');
    await openZoesComplaints(page);
    const sams = `Receipt missing from the bag (Sam at the counter, offline, ${Date.now().toString(36)})`;
    await logComplaint(page, sams);
    await expect(page.getByRole('cell', { name: sams, exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: /Start work/ })).toHaveCount(0);
    for (const name of ['Admin', 'Audit log']) await expect(page.getByRole('button', { name, exact: true })).toHaveCount(0);
    for (const channel of ['audit:list', 'admin:users']) {
      const forced = await forceCall(page, channel);
      expect(forced, channel).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/Store associate/) } });
    }
    expect(await central.rows(sql`select id from complaints where description = ${sams}`)).toEqual([]);
    await signOut(page);

    // 4. The store is back. The admin signs in online; Sam's complaint arrives once, as Sam's.
    link.set('up');
    await signInAs(page, BOSS);
    await expect(session(page)).not.toContainText('Signed in offline');
    await expect(statusBar(page)).toContainText('All changes synced', { timeout: 40_000 });
    const stored = await central.rows<{ username: string }>(
      sql`select u.username from complaints c join mutation_log m on m.name = 'complaint.log' and m.outcome = 'applied'
          join users u on u.id = m.user_id where c.description = ${sams} and m.user_id = (select id from users where username = 'sam')`,
    );
    expect(stored).toEqual([{ username: 'sam' }]);
    expect(await central.rows(sql`select id from complaints where description in (${kims}, ${sams})`)).toHaveLength(2);

    // The audit log: Kim's and Sam's turns, Sam's offline sign-in included, delivered once online.
    await session(page).getByRole('button', { name: 'Audit log' }).click();
    const filters = page.getByRole('form', { name: 'Filter the audit log' });
    const table = page.getByRole('table', { name: 'Audit entries, newest first' });
    await expect(async () => {
      await filters.getByRole('textbox', { name: 'User name' }).fill('sam');
      await filters.getByRole('button', { name: 'Show entries' }).click();
      await expect(table.getByRole('cell', { name: 'Signed in offline', exact: true })).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await expect(table.getByRole('cell', { name: 'Signed in', exact: true }).first()).toBeVisible();
    await expect(table.getByRole('cell', { name: 'Signed out', exact: true }).first()).toBeVisible();
    await filters.getByRole('textbox', { name: 'User name' }).fill('kim');
    await filters.getByRole('button', { name: 'Show entries' }).click();
    await expect(table.getByRole('cell', { name: 'Signed in', exact: true }).first()).toBeVisible();
    await expect(table.getByRole('cell', { name: 'Signed out', exact: true }).first()).toBeVisible();
    await expect(table).not.toContainText('sam');
  });
});
