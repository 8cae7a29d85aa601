import { defineConfig, devices } from '@playwright/test';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * End-to-end tests: the built renderer in a real Chromium, talking over HTTP to the browser host
 * (`out/main/host.js`, started per test by tests/e2e/fixtures.ts). Run with `npm run test:e2e`,
 * which builds first.
 *
 * The browser is the system's Chromium (Debian's `chromium` package), not Playwright's download:
 * machines without the internet can still run these tests. A missing browser fails the run with
 * instructions; it never skips.
 */
const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (isAbsolute(fromEnv) && isExecutable(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH is set to "${fromEnv}", which is not an executable file (give an absolute path).`);
  }
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of CANDIDATES) {
    for (const dir of dirs) {
      const file = join(dir, name);
      if (isExecutable(file)) return file;
    }
  }
  throw new Error(
    [
      'No Chromium found for the end-to-end tests (looked for CHROMIUM_PATH, then ' + CANDIDATES.join(', ') + ' on PATH).',
      'Install one:',
      '  - Debian/Ubuntu:   apt-get install -y chromium',
      '  - with internet:   npx playwright install chromium   (then set CHROMIUM_PATH to the browser it installed)',
      'or point CHROMIUM_PATH at an existing Chromium or Chrome binary.',
    ].join('\n'),
  );
}

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: true,
  forbidOnly: true,
  // A 2-core machine runs the host (with its worker thread) beside each browser.
  workers: 2,
  retries: 0,
  // A test's budget includes its fixtures: a central store and a synced host start in 10–30 s when
  // the heavier specs (two or three desks) run beside them.
  timeout: 60_000,
  expect: { timeout: 5_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  outputDir: 'test-results',
  use: {
    ...devices['Desktop Chrome'],
    headless: true,
    viewport: { width: 1366, height: 768 },
    locale: 'en-US',
    timezoneId: 'UTC',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: findChromium(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [{ name: 'chromium' }],
});
