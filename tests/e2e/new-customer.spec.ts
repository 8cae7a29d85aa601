import { test, expect, openApp, searchBox, customerOption, customerHeading, UNKNOWN_NUMBER } from './fixtures';
import { UNVERIFIED_PHONE_WARNING } from '../../src-shared/domain/phone';
import { describeViolations, seriousAxeViolations } from './axe';

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

  test('a number the phone library cannot read is kept as typed, unverified, only once the CSR confirms, and found again by its digits (issue 18)', async ({
    page,
    host,
  }) => {
    // An old French 8-digit number, as a real customer file has it.
    const typed = '88.60.15.31';
    await openApp(page, host);
    await searchBox(page).fill(typed);
    await expect(page.getByText('No customers match.')).toBeVisible();
    await page.getByRole('button', { name: `New customer with ${typed}` }).click();

    const phone = page.getByRole('textbox', { name: 'Phone' });
    await expect(phone).toHaveValue(typed);
    await page.getByRole('textbox', { name: 'First name' }).fill('Frédérique');
    await page.getByRole('textbox', { name: 'Last name' }).fill('Citeaux');
    await page.getByRole('button', { name: 'Save customer' }).click();

    // Refused first, with the reason on the field and the choice to keep it, said with a warning.
    await expect(phone).toHaveAttribute('aria-invalid', 'true');
    await expect(phone).toHaveAccessibleDescription(/Too few digits for a phone number/);
    const warning = page.getByRole('alert').filter({ hasText: UNVERIFIED_PHONE_WARNING });
    await expect(warning).toBeVisible();
    const atForm = await seriousAxeViolations(page);
    expect(atForm, describeViolations(atForm)).toEqual([]);
    // A changed number withdraws the offer; the same number brings it back on the next save.
    await phone.fill('88.60.15.3');
    await expect(page.getByRole('button', { name: 'Save anyway as unverified' })).toHaveCount(0);
    await phone.fill(typed);
    await page.getByRole('button', { name: 'Save customer' }).click();
    await page.getByRole('button', { name: 'Save anyway as unverified' }).click();

    await expect(customerHeading(page, 'Frédérique Citeaux')).toBeVisible();
    await expect(page.getByText(typed, { exact: true })).toBeVisible();
    await expect(page.getByText('unverified', { exact: true })).toBeVisible();
    await expect(page.getByText(UNVERIFIED_PHONE_WARNING)).toBeVisible();
    const atProfile = await seriousAxeViolations(page);
    expect(atProfile, describeViolations(atProfile)).toEqual([]);

    // In the profile: a second such number is refused, then kept once confirmed; the first stays as it is.
    await page.getByRole('button', { name: 'Edit contact' }).click();
    const form = page.getByRole('form', { name: 'Edit contact' });
    await expect(form.getByRole('textbox', { name: 'Phone 1' })).toHaveValue(typed);
    await form.getByRole('button', { name: '+ Add phone' }).click();
    await form.getByRole('textbox', { name: 'Phone 2' }).fill('91.24.45.40');
    await form.getByRole('button', { name: 'Save contact' }).click();
    await expect(form.getByRole('textbox', { name: 'Phone 2' })).toHaveAccessibleDescription(/Too few digits for a phone number/);
    await expect(form.getByRole('alert').filter({ hasText: UNVERIFIED_PHONE_WARNING })).toBeVisible();
    await form.getByRole('button', { name: 'Save anyway as unverified' }).click();
    await expect(page.getByRole('status').filter({ hasText: /^Saved: .*Phones/ })).toBeVisible();
    await expect(page.getByText('91.24.45.40', { exact: true })).toBeVisible();
    await expect(page.getByText('unverified', { exact: true })).toHaveCount(2);

    // Found again by its digits, typed another way.
    await searchBox(page).fill('88 60 15 31');
    await expect(customerOption(page, 'Frédérique Citeaux')).toBeVisible();
    await searchBox(page).fill('91244540');
    await expect(customerOption(page, 'Frédérique Citeaux')).toBeVisible();
  });

  test('a German number typed nationally on a US workstation is read in Germany once chosen, never as +1, and saved under +49 with the address (issue 19, item 4)', async ({
    page,
    host,
  }) => {
    const typed = '030-0074321';
    await openApp(page, host);
    await searchBox(page).fill(typed);
    await expect(page.getByText('No customers match.')).toBeVisible();
    await expect(page.getByText('+1 030')).toHaveCount(0);
    await page.getByRole('button', { name: `New customer with ${typed}` }).click();

    const phone = page.getByRole('textbox', { name: 'Phone' });
    const country = page.getByRole('combobox', { name: 'Country' });
    await expect(phone).toHaveValue(typed);
    // The workstation's region is the default.
    await expect(country).toHaveValue('US');
    await page.getByRole('textbox', { name: 'First name' }).fill('Hanna');
    await page.getByRole('textbox', { name: 'Last name' }).fill('Moos');
    await page.getByRole('button', { name: 'Save customer' }).click();
    // Not a number in the US: said so, and offered only as unverified, never as a made-up +1 number.
    await expect(phone).toHaveAccessibleDescription(/Not a phone number in United States/);
    await expect(page.getByRole('button', { name: 'Save anyway as unverified' })).toBeVisible();

    await country.selectOption({ label: 'Germany' });
    await expect(page.getByRole('button', { name: 'Save anyway as unverified' })).toHaveCount(0);
    await page.getByRole('textbox', { name: 'Street address' }).fill('Forsterstr. 57');
    await page.getByRole('textbox', { name: 'City' }).fill('Berlin');
    await page.getByRole('textbox', { name: /Postal code/ }).fill('10115');
    const atForm = await seriousAxeViolations(page);
    expect(atForm, describeViolations(atForm)).toEqual([]);
    await page.getByRole('button', { name: 'Save customer' }).click();

    await expect(customerHeading(page, 'Hanna Moos')).toBeVisible();
    await expect(page.getByText('+49 30 0074321')).toBeVisible();
    await expect(page.getByText('unverified', { exact: true })).toHaveCount(0);
    await expect(page.getByText(/Forsterstr\. 57/)).toBeVisible();
    await searchBox(page).fill('+49 30 0074321');
    await expect(customerOption(page, 'Hanna Moos')).toBeVisible();
  });

  test('an address is optional as a whole; begun, the street and the city are asked for at once', async ({ page, host }) => {
    await openApp(page, host);
    await searchBox(page).fill(UNKNOWN_NUMBER.typed);
    await searchBox(page).press('Enter');
    await page.getByRole('textbox', { name: 'First name' }).fill('Priya');
    await page.getByRole('textbox', { name: 'Last name' }).fill('Raman');
    const street = page.getByRole('textbox', { name: 'Street address' });
    // Not "(optional)" and then "required": the address as a whole is optional, its street needed once begun.
    await expect(street).not.toHaveAttribute('aria-required', 'true');
    await page.getByRole('textbox', { name: /Postal code/ }).fill('10115');
    await page.getByRole('button', { name: 'Save customer' }).click();
    await expect(street).toHaveAccessibleDescription(/street is needed/);
    await expect(page.getByRole('textbox', { name: 'City' })).toHaveAccessibleDescription(/needed when an address is given/);
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
