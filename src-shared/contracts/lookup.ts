import { z } from 'zod';
import { text } from './text';
import { channelGroup, defineChannel } from './define';
import { LIMITS, LOYALTY_TIERS } from '../domain/customer';

export const MATCH_KINDS = ['phone', 'email', 'name', 'order', 'sku'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

export const customerHit = z.object({
  customerId: text(),
  displayName: text(),
  phone: text().nullable(),
  email: text().nullable(),
  city: text().nullable(),
  loyaltyTier: z.enum(LOYALTY_TIERS),
  lastOrderAt: text().nullable(),
  matchedBy: z.enum(MATCH_KINDS),
  /** What matched, in words: "+44 20 7946 0958", "order SB00012345", "bought TR-2041 (Trail Runner 2)". */
  matchDetail: text(),
  score: z.number(),
});
export type CustomerHit = z.infer<typeof customerHit>;

export const lookupSearchInput = z.object({
  query: text()
    .max(LIMITS.searchQuery, { message: `Search text is too long: at most ${LIMITS.searchQuery} characters.` }),
  limit: z.number().int().min(1).max(50).optional(),
});
export type LookupSearchInput = z.infer<typeof lookupSearchInput>;

export const lookupSearchOutput = z.object({
  query: text(),
  /** How the text was read: the kinds of match that were tried. */
  interpretedAs: z.array(z.enum(MATCH_KINDS)),
  /** Set when the text was read as a phone number: its E.164 form. */
  normalizedPhone: text().nullable(),
  /**
   * Set when the text looks like a phone number the phone library cannot read but that a customer
   * may be saved with, unverified (issue 18): the text as typed. Numbers kept so are searched by
   * their digits.
   */
  unverifiedPhone: text().optional(),
  hits: z.array(customerHit),
  /**
   * True when more customers matched than `hits` holds (the list stops at the limit): the count
   * then says "50+", never "50 customers" (issue 19, item 12).
   */
  capped: z.boolean(),
  /**
   * True when nothing matched; with `normalizedPhone` (or `unverifiedPhone`) set the UI offers a new customer. Never true
   * while `directoryArriving`: a caller not found then may simply not be copied yet.
   */
  noMatch: z.boolean(),
  /** A non-blocking hint while typing, e.g. "Too few digits for a phone number." */
  hint: text().nullable(),
  /**
   * True while a first copy from the central store is still bringing in the customer directory
   * (customers, phones, emails, addresses; their indexes and the name search are built once those
   * are in). Nothing was searched: no hits, `noMatch` false, `hint` says why. Search again when the
   * sync status says `directoryReady`.
   */
  directoryArriving: z.boolean(),
});
export type LookupSearchOutput = z.infer<typeof lookupSearchOutput>;

/** The hint of an answer given while the directory is arriving (see `directoryArriving`). */
export const DIRECTORY_ARRIVING_HINT =
  'The customer directory is still arriving from the central store, so this workstation cannot search it yet. Search again in a moment; do not create the caller as a new customer meanwhile.';

/** The answer to any search while the customer directory is still arriving (nothing is searched). */
export function directoryArrivingAnswer(query: string): LookupSearchOutput {
  return { query, interpretedAs: [], normalizedPhone: null, hits: [], capped: false, noMatch: false, hint: DIRECTORY_ARRIVING_HINT, directoryArriving: true };
}

/**
 * The number an answer offers as a new customer (E.164, or as typed when it may only be kept unverified), or null. Only when nothing matched a
 * readable number and the whole directory was searched: not while it is still arriving from the
 * central store (the answer says so, or the sync status does: `directoryReady` false), when a
 * caller not found may be a customer not copied yet and creating them would make a duplicate.
 */
export function newCustomerNumber(answer: LookupSearchOutput | null, directoryReady: boolean): string | null {
  if (answer === null || !directoryReady || answer.directoryArriving || !answer.noMatch) return null;
  return answer.normalizedPhone ?? answer.unverifiedPhone ?? null;
}

export const lookupSearch = defineChannel({
  channel: 'lookup:search',
  permission: 'customer.read',
  access: 'read',
  input: lookupSearchInput,
  output: lookupSearchOutput,
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const lookupChannels = channelGroup(lookupSearch);
