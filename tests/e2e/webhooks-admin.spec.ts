/**
 * The admin screen's Webhooks panel (issue 23) against a real central store (PGlite on 127.0.0.1),
 * two browser hosts (an admin's, a CSR's) and a webhook receiver the test runs on 127.0.0.1:
 * the admin registers the receiver for "complaint logged" by keyboard and reads its secret once; a
 * complaint the CSR logs is delivered (the log says Delivered, the signature checks out); while the
 * receiver refuses, the next one shows a pending attempt with the refusal, and Replay sends it
 * again, with the same event id, once the receiver takes it; disabled after a confirmation. The dead-ingest and outbox panels are
 * there; axe finds nothing serious on the admin screen. By role and label only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test as base, expect, type Page } from '@playwright/test';
import { sql } from 'drizzle-orm';
import { createUser } from '../../server/src/auth/users';
import { signPayload } from '../../server/src/ingest/signature';
import { startCentralStore, startSyncedHost, type CentralStore } from './central-store';
import { signIn, type RunningHost } from './fixtures';
import { describeViolations, seriousAxeViolations } from './axe';

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const ADMIN = { username: 'hookboss', password: 'hook boss password', displayName: 'Hal Admin' };
const CSR = { username: 'hookcsr', password: 'hook csr password', displayName: 'Cas CSR' };
const ZOE = { id: '5e1d0b9c-7a53-4c1e-9d0a-0000000000f7', firstName: 'Zoë', lastName: 'Hookfield', displayName: 'Zoë Hookfield', e164: '+442079460977' };

interface Received {
  eventId: string;
  event: string;
  timestamp: string;
  signature: string;
  body: string;
  answered: number;
}

/** A webhook receiver on 127.0.0.1: answers 204, or 503 while `refuse` is set, and keeps what it was sent. */
class Receiver {
  refuse = false;
  readonly received: Received[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answered = this.refuse ? 503 : 204;
        this.received.push({
          eventId: String(req.headers['x-switchboard-event-id']),
          event: String(req.headers['x-switchboard-event']),
          timestamp: String(req.headers['x-switchboard-timestamp']),
          signature: String(req.headers['x-switchboard-signature']),
          body: Buffer.concat(chunks).toString('utf8'),
          answered,
        });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/switchboard`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const test = base.extend<{ central: CentralStore; receiver: Receiver; adminHost: RunningHost; csrHost: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  receiver: async ({}, use) => {
    const receiver = new Receiver();
    await receiver.start();
    try {
      await use(receiver);
    } finally {
      await receiver.stop();
    }
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  central: async ({}, use) => {
    const central = await startCentralStore(
      async (store) => {
        await createUser(store.db, { username: ADMIN.username, displayName: ADMIN.displayName, role: 'admin', password: ADMIN.password }, FAST_SCRYPT);
        await createUser(store.db, { username: CSR.username, displayName: CSR.displayName, role: 'csr', password: CSR.password }, FAST_SCRYPT);
        await store.db.execute(sql`insert into customers (id, first_name, last_name, loyalty_tier, created_at, updated_at)
                                   values (${ZOE.id}, ${ZOE.firstName}, ${ZOE.lastName}, 'gold', 0, 0)`);
        await store.db.execute(sql`insert into customer_phones (id, customer_id, e164, raw, is_primary)
                                   values (gen_random_uuid(), ${ZOE.id}, ${ZOE.e164}, '020 7946 0977', true)`);
      },
      // Retries far apart: within the test only Replay sends a refused delivery again.
      { webhookWorker: { pollMs: 250, retryBaseMs: 600_000 } },
    );
    try {
      await use(central);
    } finally {
      await central.close();
    }
  },
  adminHost: async ({ central }, use) => {
    const { host, stop } = await startSyncedHost(central.url, ADMIN);
    try {
      await use(host);
    } finally {
      await stop();
    }
  },
  csrHost: async ({ central }, use) => {
    const { host, stop } = await startSyncedHost(central.url, CSR);
    try {
      await use(host);
    } finally {
      await stop();
    }
  },
});

async function openZoesComplaints(page: Page, ws: RunningHost): Promise<void> {
  await page.goto(ws.url);
  await signIn(page, CSR);
  const search = page.getByRole('searchbox', { name: 'Search customers' });
  await expect(search).toBeVisible();
  await expect(async () => {
    await search.fill('');
    await search.fill('Hookfield');
    await expect(page.getByRole('option', { name: new RegExp(`^${ZOE.displayName}\\s`) })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await page.getByRole('option', { name: new RegExp(`^${ZOE.displayName}\\s`) }).click();
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
  await expect(page.getByRole('status').filter({ hasText: 'Saved: complaint logged' })).toBeVisible();
}

test.describe('webhooks on the admin screen, with a central store', () => {
  test.describe.configure({ timeout: 180_000 });

  test('an admin registers a receiver; a CSR\'s complaint is delivered; a refused one is pending until Replay sends it again', async ({ browser, central, receiver, adminHost, csrHost }) => {
    const adminContext = await browser.newContext();
    const csrContext = await browser.newContext();
    try {
      const admin = await adminContext.newPage();
      await admin.goto(adminHost.url);
      await signIn(admin, ADMIN);
      await admin.getByRole('group', { name: 'Session' }).getByRole('button', { name: 'Admin', exact: true }).click();
      await expect(admin.getByRole('heading', { level: 2, name: 'Administration' })).toBeFocused();
      const section = admin.getByRole('region', { name: /^Webhooks/ });
      await expect(admin.getByRole('region', { name: /^Dead ingest deliveries/ })).toBeVisible();
      await expect(admin.getByRole('region', { name: /^Email outbox/ })).toBeVisible();

      // A form without events: the error is on the field, and nothing is registered.
      const form = section.getByRole('form', { name: 'New webhook' });
      const url = form.getByRole('textbox', { name: 'Receiver URL' });
      await url.fill('not an address');
      await url.press('Enter');
      await expect(url).toBeFocused();
      await expect(url).toHaveAttribute('aria-invalid', 'true');
      await expect(url).toHaveAccessibleDescription(/http:\/\/ or https:\/\//);
      await url.fill(receiver.url);
      await url.press('Enter');
      const firstEvent = form.getByRole('checkbox', { name: /A complaint is logged/ });
      await expect(firstEvent).toBeFocused();
      await expect(form.getByRole('group', { name: 'Events to send' })).toHaveAccessibleDescription(/at least one/);
      // By keyboard: tick "complaint logged" with the space bar, send with Enter from the address.
      await firstEvent.press('Space');
      await expect(firstEvent).toBeChecked();
      await url.press('Enter');
      await expect(section.getByRole('status').filter({ hasText: 'Saved: webhook to' })).toBeVisible();
      const shown = section.getByRole('group', { name: /Signing secret of the webhook/ });
      const secretBox = shown.getByRole('textbox', { name: 'Signing secret' });
      await expect(secretBox).toBeFocused();
      const secret = await secretBox.inputValue();
      expect(secret.length).toBeGreaterThan(20);
      await expect(shown.getByRole('button', { name: 'Copy secret' })).toBeVisible();
      const endpoints = section.getByRole('table', { name: 'Endpoints' });
      await expect(endpoints.getByRole('row').filter({ hasText: receiver.url })).toContainText('Active');
      await expect(endpoints.getByRole('row').filter({ hasText: receiver.url })).toContainText('complaint.logged');
      const violations = await seriousAxeViolations(admin);
      expect(violations, describeViolations(violations)).toEqual([]);
      await shown.getByRole('button', { name: 'Done, hide the secret' }).press('Enter');
      await expect(admin.getByText(secret)).toHaveCount(0);
      await expect(url).toBeFocused();

      // The CSR logs a complaint: the receiver has it, signed with the secret, and the log says Delivered.
      const csr = await csrContext.newPage();
      await openZoesComplaints(csr, csrHost);
      await logComplaint(csr, 'Webhook one: the parcel held the wrong kettle');
      await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(1);
      const first = receiver.received[0]!;
      expect(first.event).toBe('complaint.logged');
      expect(first.answered).toBe(204);
      expect(first.signature).toBe(signPayload(secret, first.timestamp, first.body));
      const log = section.getByRole('table', { name: /^Delivery log/ });
      await section.getByRole('button', { name: 'Refresh delivery log' }).press('Enter');
      await expect(log.getByRole('row').filter({ hasText: 'complaint.logged' })).toHaveCount(1);
      await expect(log.getByRole('row').filter({ hasText: 'complaint.logged' })).toContainText('Delivered');

      // The receiver refuses: the next complaint's delivery is pending with the refusal, one attempt made.
      receiver.refuse = true;
      await logComplaint(csr, 'Webhook two: the kettle arrived dented');
      await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(2);
      const refused = receiver.received[1]!;
      expect(refused.answered).toBe(503);
      expect(refused.eventId).not.toBe(first.eventId);
      await section.getByRole('button', { name: 'Refresh delivery log' }).press('Enter');
      const pending = log.getByRole('row').filter({ hasText: 'Pending' });
      await expect(pending).toHaveCount(1);
      await expect(pending).toContainText('The endpoint answered 503.');
      await expect(pending.getByRole('cell').nth(2)).toHaveText('1');

      // It takes deliveries again; Replay sends the refused one now, with the same event id.
      receiver.refuse = false;
      await pending.getByRole('button', { name: /^Replay complaint\.logged/ }).press('Enter');
      await expect(section.getByRole('status').filter({ hasText: 'Replaying complaint.logged' })).toBeVisible();
      await expect(section.getByRole('heading', { name: /^Delivery log/ })).toBeFocused();
      await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(3);
      expect(receiver.received[2]).toMatchObject({ eventId: refused.eventId, event: 'complaint.logged', answered: 204 });
      await section.getByRole('button', { name: 'Refresh delivery log' }).press('Enter');
      await expect(log.getByRole('row').filter({ hasText: 'Delivered' })).toHaveCount(2);
      await expect(log.getByRole('row').filter({ hasText: 'Pending' })).toHaveCount(0);

      // Disabled after a confirmation: nothing more is sent to it.
      const endpointRow = endpoints.getByRole('row').filter({ hasText: receiver.url });
      await endpointRow.getByRole('button', { name: `Disable the webhook to ${receiver.url}` }).press('Enter');
      const confirm = endpointRow.getByRole('button', { name: `Confirm: disable the webhook to ${receiver.url}` });
      await expect(confirm).toBeFocused();
      await confirm.press('Enter');
      await expect(section.getByRole('status').filter({ hasText: 'is disabled; nothing more is sent to it' })).toBeVisible();
      await expect(section.getByRole('heading', { name: 'Endpoints' })).toBeFocused();
      await expect(endpointRow).toContainText('Disabled');
      await expect(endpointRow.getByRole('button')).toHaveCount(0);

      const stored = await central.rows<{ state: string; attempts: number }>(sql`select state, attempts from webhook_deliveries order by attempts`);
      expect(stored).toEqual([
        { state: 'delivered', attempts: 1 },
        { state: 'delivered', attempts: 2 },
      ]);
    } finally {
      await adminContext.close();
      await csrContext.close();
    }
  });
});
