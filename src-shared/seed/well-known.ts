/**
 * Customers every freshly seeded cache starts with (row ids 1…4, whatever the seed), so demos,
 * tests and the manual can name them: accented names that search must fold ("zoe" finds Zoë), and
 * the numbers the README's "Using it" uses ("020 7946 0958", "(555) 010-4477"). Everything else about
 * them (orders after the first, loyalty, address) is generated like any other customer.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type { PhoneKind } from '../domain/customer';
import { WELL_KNOWN_SKUS } from './catalogue';

export interface WellKnownCustomer {
  firstName: string;
  lastName: string;
  country: CountryCode;
  phones: readonly { raw: string; e164: string; kind: PhoneKind }[];
  emails: readonly string[];
  /** SKUs of the customer's first order (what upsell demos start from). */
  firstOrderSkus: readonly string[];
}

export const WELL_KNOWN_CUSTOMERS: readonly WellKnownCustomer[] = [
  {
    firstName: 'Zoë',
    lastName: 'Müller',
    country: 'GB',
    phones: [
      { raw: '020 7946 0958', e164: '+442079460958', kind: 'home' },
      { raw: '+44 7700 900123', e164: '+447700900123', kind: 'mobile' },
    ],
    emails: ['zoe.muller@btinternet.com'],
    firstOrderSkus: [WELL_KNOWN_SKUS.trailRunner2],
  },
  {
    firstName: 'José',
    lastName: 'Álvarez',
    country: 'US',
    phones: [{ raw: '(555) 010-4477', e164: '+15550104477', kind: 'mobile' }],
    emails: ['jose.alvarez@gmail.com', 'j.alvarez@outlook.com'],
    firstOrderSkus: [WELL_KNOWN_SKUS.headlamp],
  },
  {
    firstName: 'Åsa',
    lastName: 'Lindqvist',
    country: 'SE',
    phones: [{ raw: '070-174 52 86', e164: '+46701745286', kind: 'mobile' }],
    emails: ['asa.lindqvist@telia.com'],
    firstOrderSkus: [WELL_KNOWN_SKUS.pourOverBrewer, WELL_KNOWN_SKUS.paperFilters],
  },
  {
    firstName: 'François',
    lastName: 'Lefèvre',
    country: 'FR',
    phones: [{ raw: '06 48 27 19 53', e164: '+33648271953', kind: 'mobile' }],
    emails: ['francois.lefevre@orange.fr'],
    firstOrderSkus: [WELL_KNOWN_SKUS.inkjetPrinter],
  },
];
