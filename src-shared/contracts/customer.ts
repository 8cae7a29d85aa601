import { z } from 'zod';
import { freeText, text } from './text';
import { channelGroup, defineChannel } from './define';
import { isPhoneCountry } from '../domain/phone';
import { CONTACT_LIMITS, EMAIL_ADDRESS } from './customer360';
import { LIMITS, LOYALTY_TIERS, ORDER_CHANNELS, ORDER_STATUSES, PHONE_KINDS, SEGMENTS } from '../domain/customer';

const id = text().uuid({ message: 'Not a customer id.' });

export const customerCard = z.object({
  id: text(),
  displayName: text(),
  firstName: text(),
  lastName: text(),
  /**
   * True while a first copy from the central store is still bringing in customers' phones, emails
   * and addresses (their indexes are built once those tables are in): `phones`, `emails` and
   * `addresses` are empty then, not because there are none, and the contact cannot be edited yet.
   */
  contactsArriving: z.boolean(),
  /** `verified` false: kept as typed after the CSR confirmed it; `display` is then the text as typed (issue 18). */
  phones: z.array(z.object({ e164: text(), display: text(), kind: z.enum(PHONE_KINDS), isPrimary: z.boolean(), verified: z.boolean() })),
  emails: z.array(z.object({ email: text(), isPrimary: z.boolean() })),
  addresses: z.array(
    z.object({
      /** The address's id: what an order's delivery names. */
      id: text(),
      line1: text(),
      line2: text().nullable(),
      city: text(),
      region: text().nullable(),
      postalCode: text().nullable(),
      country: text(),
      isPrimary: z.boolean(),
    }),
  ),
  loyaltyTier: z.enum(LOYALTY_TIERS),
  loyaltyPoints: z.number().int(),
  marketingConsent: z.boolean(),
  /** Consent per channel (issue 23, src-shared/domain/consent.ts); `marketingConsent` is consent on any. */
  consentEmail: z.boolean(),
  consentPhone: z.boolean(),
  consentSms: z.boolean(),
  /** The customer's personal data was erased on request (issue 23): the card shows "Erased customer". */
  erased: z.boolean(),
  segment: z.enum(SEGMENTS),
  /** Sum of the customer's orders (in `currency`) that count as spending: src-shared/domain/order-value.ts. */
  lifetimeValueCents: z.number().int(),
  currency: text(),
  orderCount: z.number().int(),
  /**
   * What the header shows at a glance (issue 19, item 7): complaints not resolved (open, in
   * progress or reopened), when the oldest of them was opened, and the follow-up dates set on them
   * (YYYY-MM-DD in the workstation's calendar, earliest first; the screen counts those due today or
   * earlier by its own calendar).
   */
  openComplaints: z.object({
    count: z.number().int(),
    oldestOpenedAt: text().nullable(),
    followUpsOn: z.array(text()),
  }),
  recentOrders: z.array(
    z.object({
      id: text(),
      number: text(),
      channel: z.enum(ORDER_CHANNELS),
      status: z.enum(ORDER_STATUSES),
      totalCents: z.number().int(),
      currency: text(),
      placedAt: text(),
      lineCount: z.number().int(),
    }),
  ),
});
export type CustomerCard = z.infer<typeof customerCard>;

export const customerGet = defineChannel({
  channel: 'customer:get',
  permission: 'customer.read',
  access: 'read',
  input: z.object({ customerId: id }),
  output: customerCard,
});

const trimmed = (max: number, label: string) =>
  text()
    .trim()
    .min(1, { message: `${label} is required.` })
    .max(max, { message: `${label}: at most ${max} characters.` });

const addressPart = (max: number, label: string, typed: typeof text = text) =>
  typed()
    .trim()
    .max(max, { message: `${label}: at most ${max} characters.` });

/** The new customer's address as the form holds it: empty strings for what was not typed. */
export const newCustomerAddress = z
  .object({
    // The street is typed freely: a card number there is refused like in a note (issue 21).
    line1: addressPart(CONTACT_LIMITS.addressLine, 'Address', freeText),
    city: addressPart(CONTACT_LIMITS.city, 'City'),
    postalCode: addressPart(CONTACT_LIMITS.postalCode, 'Postal code'),
  })
  .superRefine((a, ctx) => {
    if (a.line1 === '' && a.city === '' && a.postalCode === '') return;
    if (a.line1 === '') ctx.addIssue({ code: 'custom', path: ['line1'], message: 'Address: the street is needed when an address is given.' });
    if (a.city === '') ctx.addIssue({ code: 'custom', path: ['city'], message: 'City: needed when an address is given.' });
  });

/** The new-customer form's fields; the same schema validates in the renderer form and in main. */
export const newCustomerInput = z.object({
  firstName: trimmed(LIMITS.name, 'First name'),
  lastName: trimmed(LIMITS.name, 'Last name'),
  phone: text()
    .trim()
    .min(1, { message: 'Phone is required.' })
    .max(LIMITS.phoneRaw, { message: `Phone: at most ${LIMITS.phoneRaw} characters.` }),
  email: z
    .union([z.literal(''), text().trim().max(LIMITS.email).regex(EMAIL_ADDRESS, { message: 'Not an email address.' })])
    .optional(),
  /**
   * The country the phone number is read in when typed in its national form (issue 19, item 4);
   * the workstation's region when absent or empty. A number typed with "+" and its country code
   * reads the same whatever is chosen.
   */
  country: text()
    .refine((value) => value === '' || isPhoneCountry(value), { message: 'Choose a country from the list.' })
    .optional(),
  /**
   * Where the customer lives (issue 19, item 4), optional as a whole: leave every field empty for
   * none; given, the street and the city are needed. Its country is `country` above.
   */
  address: newCustomerAddress.optional(),
  /**
   * The CSR confirmed keeping a number the phone library cannot read ("Save anyway as unverified"):
   * it is saved as typed, marked unverified (issue 18). Without it such a number is refused with
   * code `unparseable_phone` on the field `phone`, which is what offers the confirmation (numbers
   * that cannot be kept, such as an unknown country code, are `invalid_input`).
   */
  keepUnverifiedPhone: z.boolean().optional(),
});
export type NewCustomerInput = z.infer<typeof newCustomerInput>;

/**
 * A new customer is refused with this while the customer directory is still arriving from the
 * central store (code `unavailable`: try again shortly): the lookup that would have found the caller
 * cannot run yet, so the caller may already be a customer. Nothing is written.
 */
export const CREATE_WHILE_DIRECTORY_ARRIVING =
  'The customer directory is still arriving from the central store, so this workstation cannot check for an existing customer yet. Try again in a moment.';

/** A contact edit is refused with this (code `unavailable`) while the customer's contact details are still arriving. */
export const EDIT_WHILE_DIRECTORY_ARRIVING =
  'This customer’s phone numbers, emails and addresses are still arriving from the central store, so their contact details cannot be changed yet. Try again in a moment.';

export const customerCreate = defineChannel({
  channel: 'customer:create',
  permission: 'customer.create',
  access: 'write',
  input: newCustomerInput,
  /** `e164`: E.164 when `phoneVerified`, else the digits the unverified number is kept under. */
  output: z.object({ customerId: text(), e164: text(), phoneVerified: z.boolean() }),
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const customerChannels = channelGroup(customerGet, customerCreate);
