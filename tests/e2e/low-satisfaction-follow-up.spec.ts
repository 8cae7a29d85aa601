/**
 * Issue 22: low satisfaction scores of the supervisor's team, followed up from the Approvals screen
 * with the keyboard — a labelled note, **Mark followed up**, focus moving to the next open one — and
 * **Show followed up** listing the closed one with who closed it. The store opens the follow-ups
 * when the scores reach calls.satisfaction (here written straight into the store).
 */
import { test as base, expect, type Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import { calls, customers } from '../../server/src/db/schema';
import { createUser } from '../../server/src/auth/users';
import { startCentralStore, startSyncedHost, type CentralStore } from './central-store';
import { signIn, type RunningHost } from './fixtures';

const CSR = { username: 'kim', password: 'orders by phone' };
const SUPERVISOR = { username: 'sam', password: 'follows up scores' };
const FAST = { N: 1024, r: 8, p: 1 };
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations, as "id: targets" (run through page.evaluate: the CSP refuses an inline script). */
async function axeSerious(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(options?: unknown): Promise<AxeResults> } }).axe;
    return axe.run({ resultTypes: ['violations'] });
  });
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const test = base.extend<{ central: CentralStore; workstation: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  central: async ({}, use) => {
    const central = await startCentralStore(async (store) => {
      await createUser(store.db, { username: CSR.username, displayName: 'Kim CSR', role: 'csr', password: CSR.password, teams: ['North'] }, FAST);
      await createUser(store.db, { username: SUPERVISOR.username, displayName: 'Sam Supervisor', role: 'supervisor', password: SUPERVISOR.password, teams: ['North'] }, FAST);
      const now = Date.now();
      const zoe = randomUUID();
      const ivo = randomUUID();
      await store.db.insert(customers).values([
        { id: zoe, firstName: 'Zoë', lastName: 'Ångström', createdAt: now, updatedAt: now },
        { id: ivo, firstName: 'Ivo', lastName: 'Ek', createdAt: now, updatedAt: now },
      ]);
      const call = (customerId: string, completedAt: number, satisfaction: number) => ({
        id: randomUUID(),
        customerId,
        source: 'manual' as const,
        agentId: CSR.username,
        status: 'completed' as const,
        startedAt: completedAt - 300_000,
        talkEndedAt: completedAt - 60_000,
        completedAt,
        dispositionCode: 'resolved',
        satisfaction,
      });
      // Two statements: Zoë's score reaches the store last, so hers is listed first.
      await store.db.insert(calls).values(call(ivo, now - 7_200_000, 2));
      await new Promise((r) => setTimeout(r, 5));
      await store.db.insert(calls).values(call(zoe, now - 3_600_000, 1));
    });
    try {
      await use(central);
    } finally {
      await central.close();
    }
  },
  workstation: async ({ central }, use) => {
    const { host, stop } = await startSyncedHost(central.url, SUPERVISOR);
    try {
      await use(host);
    } finally {
      await stop();
    }
  },
});

test('a supervisor marks a low score followed up with the keyboard; focus moves to the next one; the closed one shows under Show followed up', async ({ page, workstation }) => {
  test.setTimeout(120_000);
  await page.goto(workstation.url);
  await signIn(page, SUPERVISOR);
  await page.getByRole('button', { name: 'Approvals' }).click();
  const open = page.getByRole('list', { name: 'Low satisfaction scores to follow up' });
  await expect(open.getByRole('listitem')).toHaveCount(2, { timeout: 15_000 });
  await expect(open.getByRole('listitem').first()).toContainText('Zoë Ångström');
  expect(await axeSerious(page)).toEqual([]);

  // An empty note is refused at the desk, focus back in the note.
  const zoeNote = open.getByRole('textbox', { name: 'What was done for Zoë Ångström' });
  await open.getByRole('button', { name: 'Mark followed up: Zoë Ångström’s call' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('Say what was done to follow up.');
  await expect(zoeNote).toBeFocused();

  await page.keyboard.type('Called back; replacement sent.');
  await page.keyboard.press('Tab');
  await expect(open.getByRole('button', { name: 'Mark followed up: Zoë Ångström’s call' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Followed up: Zoë Ångström’s call' })).toBeVisible();
  await expect(open.getByRole('listitem')).toHaveCount(1);
  await expect(open.getByRole('textbox', { name: 'What was done for Ivo Ek' })).toBeFocused();

  // Ivo's, with Ctrl+Enter from the note: nothing left open, focus on Show followed up.
  await page.keyboard.type('Apologised, voucher given.');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByText('No low score of your teams is waiting to be followed up.')).toBeVisible();
  const showClosed = page.getByRole('checkbox', { name: /Show followed up/ });
  await expect(showClosed).toBeFocused();
  await page.keyboard.press('Space');
  const closed = page.getByRole('list', { name: 'Followed up' });
  await expect(closed.getByRole('listitem')).toHaveCount(2);
  await expect(closed.getByRole('listitem').first()).toContainText('Followed up by sam');
  await expect(closed).toContainText('Called back; replacement sent.');
  expect(await axeSerious(page)).toEqual([]);
});
