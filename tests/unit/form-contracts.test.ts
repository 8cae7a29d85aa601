/** What the forms and main both check, from the shared contracts (issue 19, item 12). */
import { describe, expect, it } from 'vitest';
import { newCustomerInput } from '../../src-shared/contracts/customer';
import { contactForm } from '../../src-shared/contracts/customer360';

const customer = { firstName: 'José', lastName: 'Núñez', phone: '+34 912 34 56 78' };
const contact = { firstName: 'José', lastName: 'Núñez', phones: [], primaryAddress: null, marketingConsent: false };

describe('email addresses', () => {
  it('takes internationalised addresses, in the new-customer form and the contact form', () => {
    for (const email of ['josé@exämple.de', 'zoë.ångström@example.com', 'user@例え.jp', 'priya.raman@example.com']) {
      expect(newCustomerInput.safeParse({ ...customer, email }).success, email).toBe(true);
      expect(contactForm.safeParse({ ...contact, emails: [email] }).success, email).toBe(true);
    }
  });

  it('still refuses what is no address', () => {
    for (const email of ['not-an-email', 'a@b', 'x@@y.de', 'two words@example.com', 'a@-example.de', 'a@example.']) {
      expect(newCustomerInput.safeParse({ ...customer, email }).success, email).toBe(false);
      expect(contactForm.safeParse({ ...contact, emails: [email] }).success, email).toBe(false);
    }
  });
});
