import { z } from 'zod';
import { defineChannel } from './define';
import { LIMITS, LOYALTY_TIERS, ORDER_CHANNELS, ORDER_STATUSES, PHONE_KINDS, SEGMENTS } from '../domain/customer';

const id = z.string().uuid({ message: 'Not a customer id.' });

export const customerCard = z.object({
  id: z.string(),
  displayName: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  phones: z.array(z.object({ e164: z.string(), display: z.string(), kind: z.enum(PHONE_KINDS), isPrimary: z.boolean() })),
  emails: z.array(z.object({ email: z.string(), isPrimary: z.boolean() })),
  addresses: z.array(
    z.object({
      line1: z.string(),
      line2: z.string().nullable(),
      city: z.string(),
      region: z.string().nullable(),
      postalCode: z.string().nullable(),
      country: z.string(),
      isPrimary: z.boolean(),
    }),
  ),
  loyaltyTier: z.enum(LOYALTY_TIERS),
  loyaltyPoints: z.number().int(),
  marketingConsent: z.boolean(),
  segment: z.enum(SEGMENTS),
  lifetimeValueCents: z.number().int(),
  currency: z.string(),
  orderCount: z.number().int(),
  recentOrders: z.array(
    z.object({
      id: z.string(),
      number: z.string(),
      channel: z.enum(ORDER_CHANNELS),
      status: z.enum(ORDER_STATUSES),
      totalCents: z.number().int(),
      currency: z.string(),
      placedAt: z.string(),
      lineCount: z.number().int(),
    }),
  ),
});
export type CustomerCard = z.infer<typeof customerCard>;

export const customerGet = defineChannel({
  channel: 'customer:get',
  access: 'read',
  input: z.object({ customerId: id }),
  output: customerCard,
});

const trimmed = (max: number, label: string) =>
  z
    .string()
    .trim()
    .min(1, { message: `${label} is required.` })
    .max(max, { message: `${label}: at most ${max} characters.` });

/** The new-customer form's fields; the same schema validates in the renderer form and in main. */
export const newCustomerInput = z.object({
  firstName: trimmed(LIMITS.name, 'First name'),
  lastName: trimmed(LIMITS.name, 'Last name'),
  phone: z
    .string()
    .trim()
    .min(1, { message: 'Phone is required.' })
    .max(LIMITS.phoneRaw, { message: `Phone: at most ${LIMITS.phoneRaw} characters.` }),
  email: z
    .union([z.literal(''), z.string().trim().max(LIMITS.email).email({ message: 'Not an email address.' })])
    .optional(),
});
export type NewCustomerInput = z.infer<typeof newCustomerInput>;

export const customerCreate = defineChannel({
  channel: 'customer:create',
  access: 'write',
  input: newCustomerInput,
  output: z.object({ customerId: z.string(), e164: z.string() }),
});
