import { z } from 'zod';
import { defineChannel } from './define';
import { LIMITS, LOYALTY_TIERS } from '../domain/customer';

export const MATCH_KINDS = ['phone', 'email', 'name', 'order', 'sku'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

export const customerHit = z.object({
  customerId: z.string(),
  displayName: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  city: z.string().nullable(),
  loyaltyTier: z.enum(LOYALTY_TIERS),
  lastOrderAt: z.string().nullable(),
  matchedBy: z.enum(MATCH_KINDS),
  /** What matched, in words: "+44 20 7946 0958", "order SB00012345", "bought TR-2041 (Trail Runner 2)". */
  matchDetail: z.string(),
  score: z.number(),
});
export type CustomerHit = z.infer<typeof customerHit>;

export const lookupSearchInput = z.object({
  query: z
    .string()
    .max(LIMITS.searchQuery, { message: `Search text is too long: at most ${LIMITS.searchQuery} characters.` }),
  limit: z.number().int().min(1).max(50).optional(),
});
export type LookupSearchInput = z.infer<typeof lookupSearchInput>;

export const lookupSearchOutput = z.object({
  query: z.string(),
  /** How the text was read: the kinds of match that were tried. */
  interpretedAs: z.array(z.enum(MATCH_KINDS)),
  /** Set when the text was read as a phone number: its E.164 form. */
  normalizedPhone: z.string().nullable(),
  hits: z.array(customerHit),
  /** True when nothing matched; with `normalizedPhone` set the UI offers a new customer. */
  noMatch: z.boolean(),
  /** A non-blocking hint while typing, e.g. "Too few digits for a phone number." */
  hint: z.string().nullable(),
});
export type LookupSearchOutput = z.infer<typeof lookupSearchOutput>;

export const lookupSearch = defineChannel({
  channel: 'lookup:search',
  access: 'read',
  input: lookupSearchInput,
  output: lookupSearchOutput,
});
