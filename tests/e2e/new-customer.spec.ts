import { test, expect, openApp, searchBox, customerOption, customerHeading, UNKNOWN_NUMBER } from './fixtures';

test.describe('an unknown number becomes a new customer', () => {
  test('the form is offered with the number, saving opens the new card, and searching finds them', async ({ page, host }) => {
    await openApp(page, host);
    await searchBox(page).fill(UNKNOWN_NUMBER.typed);
    await expect(page.getByText('No customers match.')).toBeVisible();
    await page.getByRole('button', { name: `New customer with ${UNKNOWN_NUMBER.display}` }).click();

    const phone = page.getByRole('textbox', { name: 'Phone' });
    await expect(phone).toHaveValue(UNKNOWN_NUMBER.display);
    await page.getByRole('textbox', { name: 'First name' }).fill('Priya');
    await page.getByRole('textbox', { name: 'Last name' }).fill('Raman');
    await page.getByRole('textbox', { name: /Email/ }).fill('priya.raman@example.com');
    await page.getByRole('button', { name: 'Save customer' }).click();

    await expect(customerHeading(page, 'Priya Raman')).toBeVisible();
    await expect(page.getByText(UNKNOWN_NUMBER.display)).toBeVisible();
    await expect(page.getByText('priya.raman@example.com')).toBeVisible();

    await searchBox(page).fill('Priya Raman');
    await expect(customerOption(page, 'Priya Raman')).toBeVisible();
    await searchBox(page).fill(UNKNOWN_NUMBER.typed);
    await expect(customerOption(page, 'Priya Raman')).toBeVisible();
  });

  test('missing and wrong fields are named next to their inputs and nothing is saved', async ({ page, host }) => {
    await openApp(page, host);
    await searchBox(page).fill(UNKNOWN_NUMBER.typed);
    await searchBox(page).press('Enter');

    const firstName = page.getByRole('textbox', { name: 'First name' });
    const email = page.getByRole('textbox', { name: /Email/ });
    await expect(firstName).toBeFocused();
    await email.fill('not-an-email');
    await page.getByRole('button', { name: 'Save customer' }).click();

    await expect(firstName).toHaveAttribute('aria-invalid', 'true');
    await expect(firstName).toHaveAccessibleDescription('First name is required.');
    await expect(page.getByRole('textbox', { name: 'Last name' })).toHaveAccessibleDescription('Last name is required.');
    await expect(email).toHaveAccessibleDescription('Not an email address.');
    await expect(firstName).toBeFocused();

    // Still unknown: the failed form saved nothing.
    await page.keyboard.press('Escape');
    await expect(searchBox(page)).toBeFocused();
    await expect(page.getByText('No customers match.')).toBeVisible();
  });
});
