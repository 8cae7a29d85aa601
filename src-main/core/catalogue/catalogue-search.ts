/**
 * CatalogueSearch (issue 21): the one product search, from the cart and anywhere else a product
 * is picked. What was typed is read as every kind of key it could be, and the products are ranked:
 *
 *   1. its whole SKU or part number;
 *   2. the name starting with what was typed ("trail ru" → "Trail Runner 2");
 *   3. every word typed starting a word of the name ("runner bl" → "Trail Runner 2 (Black)");
 *   4. the words found across name, brand and category ("stridewell shoes"), or the start of a
 *      SKU or part number ("TR-20");
 *
 * and within a rank by name (accents and case ignored). Accents are ignored throughout: the FTS5
 * index folds them (remove_diacritics 2), and so does the name order.
 *
 * Each rank is one or a few statements that stop at a LIMIT, asked only until the list is full, so
 * a one-letter search costs about what a whole word does. The order by name is over the matches
 * each rank read (up to RANK_WINDOW of them): when a rank has more, the answer says it is capped
 * and the CSR keeps typing, as in caller lookup.
 *
 * No text the CSR types reaches FTS5 as syntax: only its letters and digits, each in quotes.
 */
import type { ReadableDb } from '../db/open';
import { createCatalogueReadRepository, type CatalogueMatch, type CatalogueReadRepository, type CatalogueRow } from './catalogue-read-repository';
import { availabilityOf } from './availability';
import { AppError } from '../../../src-shared/result';
import {
  CATALOGUE_ARRIVING_HINT,
  CATALOGUE_DEFAULT_LIMIT,
  CATALOGUE_LIMIT_MAX,
  CATALOGUE_QUERY_MAX,
  type CatalogueHit,
  type CatalogueMatchKind,
  type CatalogueSearchInput,
  type CatalogueSearchOutput,
} from '../../../src-shared/contracts/catalogue';

/** Matches each rank reads at most, then orders by name. */
export const RANK_WINDOW = 100;
/** Words of the query searched (more say nothing a product name would). */
const MAX_WORDS = 6;
/** A code is letters, digits and the separators labels use; a prefix of one needs two characters. */
const CODE = /^[A-Z0-9][A-Z0-9\-_./]*$/;
const CODE_PREFIX_MIN = 2;

interface Candidate {
  row: CatalogueMatch;
  kind: CatalogueMatchKind;
}

/** The query's words for FTS5: letters and digits only, each quoted (no operator can be injected). */
export function searchWords(text: string): string[] {
  return text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, MAX_WORDS);
}

const quoted = (word: string) => `"${word}"`;

/**
 * FTS5 expressions for ranks 2–4, from the query's words (the last word is a prefix: the CSR is
 * still typing it). The first two are for the names' index, the third for names, brands and categories.
 */
export function textMatches(words: readonly string[]): { nameStart: string; nameWords: string; anywhere: string } {
  const prefixes = words.map((w) => `${quoted(w)}*`);
  return {
    // A phrase at the start of the name column whose last token is a prefix.
    nameStart: `^ ${quoted(words.join(' '))} *`,
    nameWords: prefixes.join(' AND '),
    anywhere: prefixes.join(' AND '),
  };
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const byName = (a: CatalogueMatch, b: CatalogueMatch) => collator.compare(a.name, b.name) || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0);

export class CatalogueSearch {
  private readonly repo: CatalogueReadRepository;

  constructor(db: ReadableDb) {
    this.repo = createCatalogueReadRepository(db);
  }

  search(input: CatalogueSearchInput): CatalogueSearchOutput {
    const query = input.query.trim();
    const limit = Math.min(Math.max(input.limit ?? CATALOGUE_DEFAULT_LIMIT, 1), CATALOGUE_LIMIT_MAX);
    if (query.length === 0) throw new AppError('empty_query', 'Type a product name, brand, category, SKU or part number.', 'query');
    if (query.length > CATALOGUE_QUERY_MAX) throw new AppError('invalid_input', `Search text is too long: at most ${CATALOGUE_QUERY_MAX} characters.`, 'query');
    const words = searchWords(query);
    if (words.length === 0) throw new AppError('invalid_input', 'Nothing to search for: type letters or digits.', 'query');

    // One cache_meta read: while a first copy has not rebuilt the product search, it would find
    // only what was there before the copy (nothing, on a new workstation).
    if (this.repo.catalogueArriving()) return { query, hits: [], capped: false, hint: CATALOGUE_ARRIVING_HINT, catalogueArriving: true };

    const found = new Map<string, Candidate>();
    const wanted = limit + 1; // one past the limit tells whether the list is capped
    const code = query.toUpperCase();
    const codeLike = CODE.test(code);
    const match = textMatches(words);

    // Each rank: its matches not already ranked higher, by name, appended.
    const rank = (lists: readonly (readonly [CatalogueMatchKind, CatalogueMatch[]])[]) => {
      const fresh = new Map<string, Candidate>();
      for (const [kind, rows] of lists) for (const row of rows) if (!found.has(row.id) && !fresh.has(row.id)) fresh.set(row.id, { row, kind });
      for (const c of [...fresh.values()].sort((a, b) => byName(a.row, b.row))) found.set(c.row.id, c);
    };
    // Later ranks read past what earlier ones found, so that enough of their matches are new.
    const window = () => RANK_WINDOW + found.size;

    if (codeLike) rank(this.repo.byCode(code).map((row) => [row.sku === code ? 'sku' : 'part_number', [row]] as const));
    if (found.size < wanted) rank([['name_start', this.repo.byName(match.nameStart, window())]]);
    if (found.size < wanted) rank([['name_words', this.repo.byName(match.nameWords, window())]]);
    if (found.size < wanted) {
      const prefix = codeLike && code.length >= CODE_PREFIX_MIN;
      rank([
        ['text', this.repo.byText(match.anywhere, window())],
        ['sku_prefix', prefix ? this.repo.bySkuPrefix(code, window()) : []],
        ['part_number_prefix', prefix ? this.repo.byPartNumberPrefix(code, window()) : []],
      ]);
    }

    const shown = [...found.values()].slice(0, limit);
    const lastPulledAt = shown.length > 0 ? this.repo.lastPulledAt() : null;
    const hits: CatalogueHit[] = [];
    for (const c of shown) {
      const row = this.repo.details(c.row.rowid, input.currency ?? null);
      // Deleted or discontinued between the two reads (a sync commit): not offered.
      if (row && row.status !== 'discontinued') hits.push(this.hit(row, c.kind, input.currency, lastPulledAt));
    }
    const capped = found.size > limit;
    return { query, hits, capped, hint: capped ? `Showing the best ${limit}; keep typing to narrow down.` : null, catalogueArriving: false };
  }

  private hit(row: CatalogueRow, kind: CatalogueMatchKind, currency: string | undefined, lastPulledAt: number | null): CatalogueHit {
    const price = this.price(row, currency);
    return {
      productId: row.id,
      sku: row.sku,
      partNumber: row.partNumber,
      name: row.name,
      brand: row.brand,
      category: row.category,
      ...price,
      taxClass: row.taxClass,
      status: row.status,
      availability: availabilityOf(row.stock, row.reserved, lastPulledAt),
      matchedBy: kind,
    };
  }

  /**
   * The price in `currency` from product_prices (one row per selling currency, the base one
   * included); else the products row's base price: in `currency` when that is the base currency,
   * otherwise in the base currency, said so.
   */
  private price(row: CatalogueRow, currency: string | undefined): { priceCents: number; currency: string; priceInRequestedCurrency: boolean } {
    if (currency === undefined) return { priceCents: row.priceCents, currency: row.currency, priceInRequestedCurrency: true };
    if (row.listedPriceCents !== null) return { priceCents: row.listedPriceCents, currency, priceInRequestedCurrency: true };
    return { priceCents: row.priceCents, currency: row.currency, priceInRequestedCurrency: currency === row.currency };
  }
}
