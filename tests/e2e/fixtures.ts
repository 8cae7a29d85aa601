/**
 * End-to-end fixtures: a real cache file, seeded by the app's own seed generator plus a few
 * customers these tests know by name and number, served by the real browser host
 * (`out/main/host.js`, built by `npm run build`) to a real Chromium.
 *
 * The seeded file is made once per worker; each test gets its own copy and its own host, so a
 * test that creates a customer cannot change what another test sees.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCache, type CacheDb } from '../../src-main/core/db/open';
import { seedCache } from '../../src-main/core/seed/cache-seeder';
import type { SyncStatus } from '../../src-shared/contracts/sync';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOST_SCRIPT = join(REPO_ROOT, 'out/main/host.js');
const HOST_START_MS = 60_000;
const HOST_URL = /http:\/\/127\.0\.0\.1:\d+\/\?key=[\w-]+/;
const SEEDED_CUSTOMERS = 2_000;
const SEED = 20_240_601;
/** A fixed "now" keeps the seeded order dates (and so every run's data) the same. */
const SEED_NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

/** Customers the tests look up by name and number. Ids are fixed so a failure message is readable. */
export const KNOWN = {
  zoe: {
    id: '5e1d0b9c-7a53-4c1e-9d0a-0000000000a1',
    firstName: 'Zoë',
    lastName: 'Ångström',
    displayName: 'Zoë Ångström',
    e164: '+442079460958',
    raw: '020 7946 0958',
    display: '+44 20 7946 0958',
    email: 'zoe.angstrom@example.co.uk',
    city: 'London',
    country: 'GB',
    currency: 'GBP',
    tier: 'gold',
    orderNumber: 'SB99990001',
  },
  dana: {
    id: '5e1d0b9c-7a53-4c1e-9d0a-0000000000a2',
    firstName: 'Dana',
    lastName: 'Quistgaard',
    displayName: 'Dana Quistgaard',
    e164: '+15550104477',
    raw: '(555) 010-4477',
    display: '+1 555 010 4477',
    email: 'dana.quistgaard@example.com',
    city: 'Portland',
    country: 'US',
    currency: 'USD',
    tier: 'silver',
    orderNumber: null,
  },
  script: {
    id: '5e1d0b9c-7a53-4c1e-9d0a-0000000000a3',
    firstName: '<img src=x onerror=alert(1)>',
    lastName: '<script>alert(2)</script>',
    displayName: '<img src=x onerror=alert(1)> <script>alert(2)</script>',
    e164: '+15550109999',
    raw: '555-010-9999',
    display: '+1 555 010 9999',
    email: null,
    city: '<b>Springfield</b>',
    country: 'US',
    currency: 'USD',
    tier: 'bronze',
    orderNumber: null,
  },
} as const;

/** A number no customer has: the new-customer path starts from it. */
/**
 * A sync status as the engine reports it once it is connected and idle, for tests that stand in for
 * the engine's `sync:*` channels (the renderer is real; only the status is made up).
 */
export function standInSyncStatus(changes: Partial<SyncStatus> = {}): SyncStatus {
  return {
    state: 'online',
    serverUrl: 'http://127.0.0.1:5179',
    pendingWrites: 0,
    lastSyncAt: null,
    lastError: null,
    nextRetryAt: null,
    initialSync: null,
    rejections: [],
    dataVersion: 1,
    lastCheck: null,
    orderHistoryReady: true,
    buildingIndexes: false,
    directoryReady: true,
    ...changes,
  };
}

export const UNKNOWN_NUMBER = { e164: '+15550107788', typed: '(555) 010-7788', display: '+1 555 010 7788' } as const;

const RESERVED_NUMBERS = [...Object.values(KNOWN).map((c) => c.e164), UNKNOWN_NUMBER.e164];

function insertKnownCustomers(db: CacheDb): void {
  const c = db.$client;
  // The generator may hand out numbers from the same fictional ranges; these must be unambiguous.
  const placeholders = RESERVED_NUMBERS.map(() => '?').join(',');
  c.prepare(`DELETE FROM customer_phones WHERE e164 IN (${placeholders})`).run(...RESERVED_NUMBERS);

  const now = SEED_NOW;
  const insertCustomer = c.prepare(
    `INSERT INTO customers (id, first_name, last_name, loyalty_tier, loyalty_points, marketing_consent, segment,
                            lifetime_value_cents, currency, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertPhone = c.prepare(`INSERT INTO customer_phones (id, customer_id, e164, raw, kind, is_primary) VALUES (?, ?, ?, ?, 'mobile', 1)`);
  const insertEmail = c.prepare(`INSERT INTO customer_emails (id, customer_id, email, is_primary) VALUES (?, ?, ?, 1)`);
  const insertAddress = c.prepare(
    `INSERT INTO customer_addresses (id, customer_id, kind, line1, line2, city, region, postal_code, country, is_primary)
     VALUES (?, ?, 'shipping', ?, NULL, ?, NULL, ?, ?, 1)`,
  );
  c.transaction(() => {
    for (const [key, k] of Object.entries(KNOWN)) {
      insertCustomer.run(k.id, k.firstName, k.lastName, k.tier, 1240, 1, 'regular', 184_520, k.currency, now, now);
      insertPhone.run(`${k.id}-phone`, k.id, k.e164, k.raw);
      if (k.email) insertEmail.run(`${k.id}-email`, k.id, k.email);
      insertAddress.run(`${k.id}-address`, k.id, key === 'zoe' ? '221B Baker Street' : '12 Elm Road', k.city, key === 'zoe' ? 'NW1 6XE' : '97201', k.country);
    }
    // One order for Zoë, so her card has a purchase the tests can recognise.
    const product = c.prepare(`SELECT id, sku, name, price_cents AS priceCents FROM products ORDER BY sku LIMIT 1`).get() as
      | { id: string; sku: string; name: string; priceCents: number }
      | undefined;
    if (!product) throw new Error('The seed generator made no products; the e2e fixture needs at least one.');
    // Real UUIDs: the contracts refuse anything else as an order or line id.
    const orderId = '5e1d0b9c-7a53-4c1e-9d0a-0000000000b1';
    const placedAt = Date.UTC(2025, 2, 14, 15, 30);
    c.prepare(
      `INSERT INTO orders (id, number, customer_id, channel, campaign_code, status, currency, subtotal_cents, discount_cents,
                           tax_cents, shipping_cents, total_cents, placed_at)
       VALUES (?, ?, ?, 'phone', NULL, 'delivered', 'GBP', ?, 0, 0, 0, ?, ?)`,
    ).run(orderId, KNOWN.zoe.orderNumber, KNOWN.zoe.id, product.priceCents * 2, product.priceCents * 2, placedAt);
    c.prepare(
      `INSERT INTO order_lines (id, order_id, line_no, product_id, customer_id, placed_at, sku, name, quantity, unit_price_cents, total_cents)
       VALUES (?, ?, 1, ?, ?, ?, ?, ?, 2, ?, ?)`,
    ).run('5e1d0b9c-7a53-4c1e-9d0a-0000000000c1', orderId, product.id, KNOWN.zoe.id, placedAt, product.sku, product.name, product.priceCents, product.priceCents * 2);
  })();
}

/**
 * The accounts a workstation without a central store creates for itself (and the demo store has
 * too). `openApp` signs in as `csr` unless a test asks for someone else or for nobody.
 */
export const DEMO_ACCOUNTS = {
  admin: { username: 'admin', password: 'admin-demo' },
  supervisor: { username: 'supervisor', password: 'supervisor-demo' },
  csr: { username: 'csr', password: 'csr-demo' },
  associate: { username: 'associate', password: 'associate-demo' },
} as const;
export type DemoAccount = keyof typeof DEMO_ACCOUNTS;
export interface Credentials {
  username: string;
  password: string;
}

export interface RunningHost {
  /** The address the host printed, with this run's key: opening it signs the browser in. */
  url: string;
  /** Whom `openApp` signs in as on this host unless told otherwise; null: nobody (the sign-in screen stays). */
  signInAs: Credentials | null;
  dbFile: string;
  /** What the host wrote to stdout and stderr so far (for failure messages). */
  output(): string;
}

/**
 * Starts `out/main/host.js` on a cache file and resolves once it printed its address. `extra`
 * adds arguments (e.g. `--server URL`, `--idle-lock-seconds N`), environment, and whom `openApp`
 * signs in as (default: the demo CSR).
 */
export async function startHost(
  dbFile: string,
  region: string,
  extra: { args?: string[]; env?: Record<string, string>; signInAs?: Credentials | null } = {},
): Promise<{ host: RunningHost; child: ChildProcess }> {
  if (!existsSync(HOST_SCRIPT)) {
    throw new Error(`${HOST_SCRIPT} does not exist: build first (npm run build, or use npm run test:e2e which builds).`);
  }
  const args = extra.args ?? ['--no-demo'];
  const child = spawn(process.execPath, [HOST_SCRIPT, '--db', dbFile, '--port', '0', '--region', region, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', ...extra.env },
  });
  let output = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    // Generous: on a loaded two-core machine four hosts starting at once (two specs of two
    // workstations each) took more than 20 s to migrate their caches and print.
    const timer = setTimeout(() => reject(new Error(`The browser host printed no URL within ${HOST_START_MS / 1000} s. Output:\n${output}`)), HOST_START_MS);
    child.stdout?.on('data', (chunk: string) => {
      output += chunk;
      const match = HOST_URL.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The browser host exited (code ${code}, signal ${signal}) before printing its URL. Output:\n${output}`));
    });
  });
  return { host: { url, dbFile, signInAs: extra.signInAs === undefined ? DEMO_ACCOUNTS.csr : extra.signInAs, output: () => output }, child };
}

export async function stopHost(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Problems the page reported that no test should ever see: uncaught errors, CSP refusals, dialogs. */
interface PageProblems {
  list: string[];
}

export const test = base.extend<
  { region: string; signInAs: DemoAccount | null; idleLockSeconds: number | null; host: RunningHost; pageProblems: PageProblems },
  { seededCacheFile: string }
>({
  region: ['US', { option: true }],
  /** Whom `openApp` signs in as: a demo account, or null to stay at the sign-in screen. */
  signInAs: ['csr', { option: true }],
  /** The host's idle time before it locks (`--idle-lock-seconds`); null: its default. */
  idleLockSeconds: [null, { option: true }],

  seededCacheFile: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-seed-'));
      const file = join(dir, 'seeded.db');
      const db = openCache(file);
      try {
        seedCache(db, { customers: SEEDED_CUSTOMERS, seed: SEED, now: SEED_NOW });
        insertKnownCustomers(db);
        db.$client.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.$client.close();
      }
      await use(file);
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 120_000 },
  ],

  host: async ({ seededCacheFile, region, signInAs, idleLockSeconds }, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-'));
    const dbFile = join(dir, 'cache.db');
    copyFileSync(seededCacheFile, dbFile);
    const { host, child } = await startHost(dbFile, region, {
      args: ['--no-demo', ...(idleLockSeconds === null ? [] : ['--idle-lock-seconds', String(idleLockSeconds)])],
      signInAs: signInAs === null ? null : DEMO_ACCOUNTS[signInAs],
    });
    try {
      await use(host);
    } finally {
      await stopHost(child);
      rmSync(dir, { recursive: true, force: true });
    }
  },

  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  pageProblems: async ({}, use) => {
    await use({ list: [] });
  },

  // Every test's page is watched: a test passes only if the page stayed free of uncaught errors,
  // CSP refusals and dialogs (an alert() would mean text from the data ran as code).
  page: async ({ page, pageProblems }, use) => {
    page.on('pageerror', (error) => pageProblems.list.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) pageProblems.list.push(`csp: ${message.text()}`);
    });
    page.on('dialog', (dialog) => {
      pageProblems.list.push(`dialog (${dialog.type()}): ${dialog.message()}`);
      void dialog.dismiss();
    });
    await use(page);
    expect(pageProblems.list, 'the page reported errors, CSP refusals or dialogs').toEqual([]);
  },
});

export { expect };

/**
 * Opens the app the way a person does: the printed address (optionally with a caller number),
 * then signs in — as the host's `signInAs` (the demo CSR unless the test said otherwise), as
 * `options.as`, or not at all with `as: null` (the sign-in screen is left showing).
 */
export async function openApp(page: Page, host: RunningHost, options: { from?: string; as?: DemoAccount | Credentials | null } = {}): Promise<void> {
  const url = options.from === undefined ? host.url : `${host.url}&from=${encodeURIComponent(options.from)}`;
  await page.goto(url);
  const account = options.as === undefined ? host.signInAs : typeof options.as === 'string' ? DEMO_ACCOUNTS[options.as] : options.as;
  if (account === null) {
    await expect(signInForm(page)).toBeVisible();
    return;
  }
  await signIn(page, account);
  await expect(searchBox(page)).toBeVisible();
}

/** The sign-in form (on the sign-in screen, or on the lock screen after "Switch user"). */
export const signInForm = (page: Page) => page.getByRole('form', { name: 'Sign in' });

/** Types a user name and password into the sign-in form and presses "Sign in" (whatever the outcome). */
export async function signIn(page: Page, account: DemoAccount | Credentials): Promise<void> {
  const { username, password } = typeof account === 'string' ? DEMO_ACCOUNTS[account] : account;
  const form = signInForm(page);
  await form.getByRole('textbox', { name: 'User name' }).fill(username);
  await form.getByLabel('Password', { exact: true }).fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
}

export const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search customers' });
export const results = (page: Page) => page.getByRole('listbox', { name: 'Matching customers' });
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A result row by the customer's name: a row's accessible name is its text, starting with the name. */
export const customerOption = (page: Page, displayName: string) =>
  results(page).getByRole('option', { name: new RegExp(`^${escapeRegExp(displayName)}\\s`) });
export const customerHeading = (page: Page, name: string) => page.getByRole('heading', { level: 2, name, exact: true });
