/**
 * Catalogue search (issue 21): products found as the CSR types, by name (word prefixes, accents
 * ignored), brand, category, SKU or part number, ranked, each with its price in the order's
 * currency and what is available. Discontinued products are never offered. The cart and anything
 * else that needs a product use this one channel.
 */
import { z } from 'zod';
import { text } from './text';
import { channelGroup, defineChannel } from './define';

/** The longest search text: a product name or a code, never a paragraph. */
export const CATALOGUE_QUERY_MAX = 100;
/** Products in one answer when the caller does not say; at most CATALOGUE_LIMIT_MAX. */
export const CATALOGUE_DEFAULT_LIMIT = 20;
export const CATALOGUE_LIMIT_MAX = 50;

/**
 * How a product matched, best first (the ranking): its whole SKU or part number; its name starting
 * with what was typed; every word typed starting a word of its name; the words found across name,
 * brand and category; the start of its SKU or part number.
 */
export const CATALOGUE_MATCH_KINDS = ['sku', 'part_number', 'name_start', 'name_words', 'text', 'sku_prefix', 'part_number_prefix'] as const;
export type CatalogueMatchKind = (typeof CATALOGUE_MATCH_KINDS)[number];

/** available = stock − reserved: above LOW_STOCK_UNITS in stock, from 1 to it low, else out of stock. */
export const AVAILABILITY_LEVELS = ['in_stock', 'low', 'out_of_stock'] as const;
export type AvailabilityLevel = (typeof AVAILABILITY_LEVELS)[number];

export const catalogueSearchInput = z.object({
  query: text().max(CATALOGUE_QUERY_MAX, { message: `Search text is too long: at most ${CATALOGUE_QUERY_MAX} characters.` }),
  /** The order's currency (ISO 4217): prices come in it when the product has one, else in its base currency. */
  currency: text()
    .regex(/^[A-Z]{3}$/, { message: 'A currency is three capital letters (ISO 4217), e.g. EUR.' })
    .optional(),
  limit: z.number().int().min(1).max(CATALOGUE_LIMIT_MAX).optional(),
});
export type CatalogueSearchInput = z.infer<typeof catalogueSearchInput>;

export const catalogueAvailability = z.object({
  /** Units that can be sold now: stock − reserved, never below 0. */
  available: z.number().int().min(0),
  level: z.enum(AVAILABILITY_LEVELS),
  /** In words: "In stock: 42", "Low: 3 left", "Out of stock". */
  text: text(),
  /** When this workstation last brought the store's figures in (ISO 8601), or null when it never has. */
  asOf: text().nullable(),
});
export type CatalogueAvailability = z.infer<typeof catalogueAvailability>;

export const catalogueHit = z.object({
  productId: text(),
  sku: text(),
  partNumber: text().nullable(),
  name: text(),
  brand: text(),
  category: text(),
  /** Tax-exclusive unit price in minor units of `currency`. */
  priceCents: z.number().int(),
  currency: text(),
  /** False when the product has no price in the currency asked for: `priceCents` is then its base price, in its base currency. */
  priceInRequestedCurrency: z.boolean(),
  taxClass: text(),
  status: text(),
  availability: catalogueAvailability,
  matchedBy: z.enum(CATALOGUE_MATCH_KINDS),
});
export type CatalogueHit = z.infer<typeof catalogueHit>;

export const catalogueSearchOutput = z.object({
  query: text(),
  hits: z.array(catalogueHit),
  /** True when more products matched than `hits` holds: keep typing to narrow down. */
  capped: z.boolean(),
  /** A non-blocking hint, e.g. "Showing the best 20; keep typing to narrow down." */
  hint: text().nullable(),
  /**
   * True while a first copy from the central store is still bringing the catalogue in (its search
   * index is built after the rows): nothing was searched. Search again when the sync status says
   * `directoryReady`.
   */
  catalogueArriving: z.boolean(),
});
export type CatalogueSearchOutput = z.infer<typeof catalogueSearchOutput>;

export const CATALOGUE_ARRIVING_HINT = 'The catalogue is still arriving from the central store, so this workstation cannot search it yet. Search again in a moment.';

export const catalogueSearch = defineChannel({
  channel: 'catalogue:search',
  permission: 'order.take',
  access: 'read',
  input: catalogueSearchInput,
  output: catalogueSearchOutput,
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const catalogueChannels = channelGroup(catalogueSearch);
