/**
 * Administration and the audit log against a real central store (the server over PGlite on
 * 127.0.0.1) and a browser host syncing with it: an admin creates a user, makes a team, changes a
 * role and teams, disables a user and resets a password; the audit log shows each, filters by
 * action, and the people concerned sign in (or not) accordingly.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { createUser } from '../../server/src/auth/users';
import { issueWorkstationToken } from '../../server/src/auth/workstations';
import { startCentralStore, startSyncedHost } from './central-store';
import { signIn, signInForm, type RunningHost } from './fixtures';
import { describeViolations, seriousAxeViolations } from './axe';

const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const ADMIN = { username: 'boss', password: 'boss password', displayName: 'Bo Admin' };
const KIM = { username: 'kim', password: 'kim password', displayName: 'Kim Phones' };
const BACK_OFFICE = { id: '6f1c1d2e-5a4b-4c3d-9e8f-7a6b5c4d3e2f', name: 'Back office PC' };
const PAT = { username: 'pat', firstPassword: 'first password', newPassword: 'second password', displayName: 'Pat Counter' };

const test = base.extend<{ central: { url: string }; workstation: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  central: async ({}, use) => {
    const central = await startCentralStore(async (store) => {
      await createUser(store.db, { username: ADMIN.username, displayName: ADMIN.displayName, role: 'admin', password: ADMIN.password }, FAST_SCRYPT);
      const kim = await createUser(store.db, { username: KIM.username, displayName: KIM.displayName, role: 'csr', password: KIM.password }, FAST_SCRYPT);
      // Another workstation Kim signed in on, for the admin to revoke (issue 18).
      await issueWorkstationToken(store.db, { workstation: BACK_OFFICE, proofs: [], user: { id: kim.id, role: 'csr' }, now: Date.now() });
    });
    try {
      await use(central);
    } finally {
      await central.close();
    }
  },
  workstation: async ({ central }, use) => {
    const { host, stop } = await startSyncedHost(central.url, ADMIN);
    try {
      await use(host);
    } finally {
      await stop();
    }
  },
});

const sessionControls = (page: Page) => page.getByRole('group', { name: 'Session' });
const usersTable = (page: Page) => page.getByRole('table', { name: /^Users/ });
const userRow = (page: Page, name: string) => usersTable(page).getByRole('row', { name: new RegExp(`^${name}\\b`) });
const auditTable = (page: Page) => page.getByRole('table', { name: 'Audit entries, newest first' });

test.describe('administration with a central store', () => {
  test.describe.configure({ timeout: 120_000 });

  test('an admin creates, changes, disables and resets users; the audit log shows it all and filters by action', async ({ page, workstation }) => {
    await page.goto(workstation.url);
    await signIn(page, ADMIN);
    await expect(sessionControls(page)).toContainText(ADMIN.displayName);

    await sessionControls(page).getByRole('button', { name: 'Admin', exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Administration' })).toBeFocused();
    await expect(userRow(page, KIM.displayName)).toContainText('CSR');
    await expect(userRow(page, KIM.displayName)).toContainText('Active');
    // This workstation registered with its admin's online sign-in.
    await expect(page.getByRole('table', { name: /^Workstations/ })).toContainText(ADMIN.username);
    let violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    // The other workstation, with who signed in on it; revoked after a confirmation (issue 18).
    const backOffice = page.getByRole('table', { name: /^Workstations/ }).getByRole('row').filter({ hasText: BACK_OFFICE.name });
    await expect(backOffice).toContainText(BACK_OFFICE.id);
    await expect(backOffice).toContainText(KIM.username);
    await expect(backOffice).toContainText('Active');
    await backOffice.getByRole('button', { name: `Revoke ${BACK_OFFICE.name}` }).click();
    await backOffice.getByRole('button', { name: `Confirm: revoke ${BACK_OFFICE.name}` }).click();
    await expect(page.getByRole('status').filter({ hasText: `Saved: ${BACK_OFFICE.name} revoked` })).toBeVisible();
    await expect(backOffice).toContainText('Revoked');
    await expect(backOffice.getByRole('button', { name: `Revoke ${BACK_OFFICE.name}` })).toHaveCount(0);

    // A team, then a user in it; the two passwords must match, said next to the field.
    const teamForm = page.getByRole('form', { name: 'New team' });
    await teamForm.getByRole('textbox', { name: 'Team name' }).fill('Counter East');
    await teamForm.getByRole('button', { name: 'Create team' }).click();
    await expect(teamForm.getByRole('status')).toHaveText('Saved: team Counter East created.');

    const newUser = page.getByRole('form', { name: 'New user' });
    await newUser.getByRole('textbox', { name: 'Name', exact: true }).fill(PAT.displayName);
    await newUser.getByRole('textbox', { name: 'User name' }).fill(PAT.username);
    await newUser.getByRole('combobox', { name: 'Role' }).selectOption({ label: 'Store associate' });
    await newUser.getByLabel('Password', { exact: true }).fill(PAT.firstPassword);
    await newUser.getByLabel('Confirm password').fill('something else');
    await newUser.getByRole('button', { name: 'Create user' }).click();
    const confirm = newUser.getByLabel('Confirm password');
    await expect(confirm).toHaveAttribute('aria-invalid', 'true');
    await expect(confirm).toHaveAccessibleDescription('The two passwords differ.');
    await confirm.fill(PAT.firstPassword);
    await newUser.getByRole('checkbox', { name: 'Counter East' }).check();
    await newUser.getByRole('button', { name: 'Create user' }).click();
    await expect(newUser.getByRole('status')).toHaveText(`Saved: ${PAT.displayName} (${PAT.username}) created.`);
    await expect(userRow(page, PAT.displayName)).toContainText('Store associate');
    await expect(userRow(page, PAT.displayName)).toContainText('Counter East');

    // Role: store associate → CSR, from the keyboard-reachable edit panel.
    await page.getByRole('button', { name: `Edit ${PAT.displayName}` }).click();
    const edit = page.getByRole('form', { name: `Edit ${PAT.displayName}` });
    await edit.getByRole('combobox', { name: 'Role' }).selectOption({ label: 'CSR' });
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Saved: ${PAT.displayName} changed.` })).toBeVisible();
    await expect(userRow(page, PAT.displayName)).toContainText('CSR');
    await expect(page.getByRole('button', { name: `Edit ${PAT.displayName}` })).toBeFocused();

    // Disable Kim.
    await page.getByRole('button', { name: `Disable ${KIM.displayName}` }).click();
    await expect(userRow(page, KIM.displayName)).toContainText('Disabled');
    await expect(page.getByRole('button', { name: `Enable ${KIM.displayName}` })).toBeVisible();

    // A new password for Pat; Esc first closes only the panel.
    await page.getByRole('button', { name: `Reset password for ${PAT.displayName}` }).click();
    const reset = page.getByRole('form', { name: `Reset password for ${PAT.displayName}` });
    await expect(page.getByRole('heading', { name: `Reset password for ${PAT.displayName} (${PAT.username})` })).toBeFocused();
    violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await reset.getByLabel('New password', { exact: true }).fill(PAT.newPassword);
    await reset.getByLabel('Confirm new password').fill(PAT.newPassword);
    await reset.getByRole('button', { name: 'Set password' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Saved: new password for ${PAT.displayName}.` })).toBeVisible();

    // The audit log: every change is there, newest first, and filters by action.
    await sessionControls(page).getByRole('button', { name: 'Audit log' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Audit log' })).toBeFocused();
    for (const action of ['Signed in', 'Team created', 'User created', 'Role changed', 'User disabled', 'Password reset']) {
      await expect(auditTable(page).getByRole('cell', { name: action, exact: true }).first()).toBeVisible();
    }
    violations = await seriousAxeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    const filters = page.getByRole('form', { name: 'Filter the audit log' });
    await filters.getByRole('combobox', { name: 'Action' }).selectOption({ label: 'User disabled' });
    await filters.getByRole('button', { name: 'Show entries' }).click();
    await expect(page.getByRole('status').filter({ hasText: /^1 entry match/ })).toBeVisible();
    const rows = auditTable(page).getByRole('row');
    await expect(rows).toHaveCount(2); // the header and Kim's
    await expect(rows.nth(1)).toContainText('User disabled');
    await expect(rows.nth(1)).toContainText(KIM.username);

    await filters.getByRole('combobox', { name: 'Action' }).selectOption({ label: 'Any action' });
    await filters.getByRole('textbox', { name: 'User name' }).fill('nobody');
    await filters.getByRole('button', { name: 'Show entries' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'No entries match the filters.' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('heading', { level: 2, name: 'Audit log' })).toHaveCount(0);

    // Pat signs in with the new password (now a CSR: no admin screen); disabled Kim cannot.
    await sessionControls(page).getByRole('button', { name: 'Switch user' }).click();
    await signIn(page, { username: KIM.username, password: KIM.password });
    await expect(signInForm(page).getByRole('alert')).not.toBeEmpty();
    await signIn(page, { username: PAT.username, password: PAT.newPassword });
    await expect(sessionControls(page)).toContainText(PAT.displayName);
    await expect(sessionControls(page)).toContainText('CSR');
    await expect(sessionControls(page).getByRole('button', { name: 'Admin', exact: true })).toHaveCount(0);
    await expect(sessionControls(page).getByRole('button', { name: 'Audit log' })).toHaveCount(0);
  });
});
