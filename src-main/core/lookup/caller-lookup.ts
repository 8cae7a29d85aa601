/**
 * CallerLookup: one search box, one ranked list. The text is read as every kind of key it could
 * be (phone, email, name prefix, order number, SKU or part number) and the hits are merged, best
 * first, one row per customer.
 *
 * While a first copy from the central store runs, some indexes are not built yet (see
 * db/deferred-indexes):
 * - the customer directory's (phones, emails, addresses, name search), early in the copy: nothing is
 *   searched. A lookup in a half-copied directory would miss callers not copied yet and the CSR
 *   would create them again, so the answer says the directory is still arriving: no hits, and no
 *   "no match" (which is what offers a new customer). The only statement run is one point read of
 *   cache_meta, so the normal path costs the same as before.
 * - order history's, until its end: a SKU finds no buyers and rows show no last order date; order
 *   numbers (a unique index) are found as always.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type { ReadableDb } from '../db/open';
import { createCustomerReadRepository, type CustomerReadRepository, type CustomerSummaryRow } from './customer-read-repository';
import { AppError } from '../../../src-shared/result';
import { formatPhone, keepableUnverified, looksLikePhone, unverifiedLookupKeys } from '../../../src-shared/domain/phone';
import { readCallerNumber } from '../../../src-shared/domain/caller-number';
import { LIMITS } from '../../../src-shared/domain/customer';
import { directoryArrivingAnswer, type CustomerHit, type LookupSearchOutput, type MatchKind } from '../../../src-shared/contracts/lookup';
import { isoTime } from '../../../src-shared/domain/time';

export interface CallerLookupOptions {
  /** Region for numbers written in national format ("020 7946 0958" with GB). */
  defaultRegion: CountryCode;
}

export const DEFAULT_LIMIT = 20;

/** Base scores per kind of match: exact keys beat prefixes; a phone match is the caller. */
const SCORE: Record<MatchKind, number> = {
  phone: 1000,
  order: 900,
  email: 800,
  sku: 500,
  name: 300,
};

const ORDER_NUMBER = /^SB\d{8}$/;
const CODE_LIKE = /^(?=.*\d)[A-Z0-9][A-Z0-9\-_./]{2,39}$/;

interface Candidate {
  customerId: string;
  kind: MatchKind;
  score: number;
  detail: string;
  /** Present when the matching query already read the row the list shows. */
  row?: CustomerSummaryRow;
}

/** Display forms of E.164 numbers, memoized: formatting re-parses the number with full metadata. */
const displayPhones = new Map<string, string>();
function displayPhone(e164: string): string {
  let shown = displayPhones.get(e164);
  if (shown === undefined) {
    shown = formatPhone(e164);
    if (displayPhones.size >= 10_000) displayPhones.clear();
    displayPhones.set(e164, shown);
  }
  return shown;
}

/** Name tokens for FTS5: letters and digits only (no operators can be injected), each a prefix. */
export function ftsPrefixQuery(text: string): string | null {
  const tokens = text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0)
    .slice(0, 6);
  if (tokens.length === 0) return null;
  return tokens.map((t) => `"${t}"*`).join(' ');
}

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();
}

export class CallerLookup {
  private readonly repo: CustomerReadRepository;

  constructor(
    db: ReadableDb,
    private readonly options: CallerLookupOptions,
  ) {
    this.repo = createCustomerReadRepository(db);
  }

  search(input: { query: string; limit?: number | undefined }): LookupSearchOutput {
    const query = input.query.trim();
    const limit = Math.min(Math.max(input.limit ?? DEFAULT_LIMIT, 1), 50);
    if (query.length === 0) {
      throw new AppError('empty_query', 'Type a name, phone number, email, order number or SKU.', 'query');
    }
    if (query.length > LIMITS.searchQuery) {
      throw new AppError('query_too_long', `Search text is too long: at most ${LIMITS.searchQuery} characters.`, 'query');
    }
    if (!/[\p{L}\p{N}]/u.test(query)) {
      throw new AppError('invalid_input', 'Nothing to search for: type letters or digits.', 'query');
    }

    // One cache_meta point read per search (a prepared statement, a few µs). While the directory
    // arrives, every other statement here would scan its tables or read a name search not built
    // yet; while order history arrives, rows go without their last order date.
    const arriving = this.repo.arriving();
    if (arriving.directory) return directoryArrivingAnswer(query);
    const orderHistory = !arriving.orderHistory;
    const candidates: Candidate[] = [];
    const interpretedAs: MatchKind[] = [];
    let normalizedPhone: string | null = null;
    let unverifiedPhone: string | undefined;
    const code = query.toUpperCase().replace(/\s+/g, '');

    if (looksLikePhone(query)) {
      interpretedAs.push('phone');
      const orderHit = this.matchOrder(code, candidates);
      if (orderHit) interpretedAs.push('order');
      // Digits with the country code but no "+" (as many phone systems send caller ids) read as international too.
      const phone = readCallerNumber(query, this.options.defaultRegion);
      const keepable = keepableUnverified(query, phone);
      if (phone.ok) {
        normalizedPhone = phone.e164;
        for (const row of this.repo.summariesByPhone(phone.e164, limit, orderHistory)) {
          candidates.push({ customerId: row.id, kind: 'phone', score: SCORE.phone, detail: phone.international, row });
        }
      } else if (keepable !== null) {
        // Not readable, but a number a customer may have been saved with, unverified: offered as typed.
        unverifiedPhone = query;
      } else if (!orderHit) {
        throw new AppError('unparseable_phone', `“${query}” is not a phone number we can read: ${phone.message}`, 'query');
      }
      // Numbers kept unverified (issue 18) are stored under their digits: found by typing them,
      // whether or not the library can read what was typed (a few exact index reads).
      for (const key of unverifiedLookupKeys(query, this.options.defaultRegion)) {
        for (const row of this.repo.summariesByPhone(key, limit, orderHistory)) {
          candidates.push({ customerId: row.id, kind: 'phone', score: SCORE.phone - 1, detail: `unverified number ${query}`, row });
        }
      }
    } else if (query.includes('@')) {
      interpretedAs.push('email');
      this.matchEmail(query.toLowerCase(), limit, candidates, true);
    } else {
      interpretedAs.push('name');
      this.matchName(query, limit, candidates);
      if (!/\s/.test(query)) {
        interpretedAs.push('email');
        this.matchEmail(query.toLowerCase(), limit, candidates, false);
      }
      if (CODE_LIKE.test(code)) {
        if (this.matchOrder(code, candidates)) interpretedAs.push('order');
        if (this.matchProduct(code, limit, candidates, orderHistory)) interpretedAs.push('sku');
      }
    }

    const { hits, capped } = this.rank(candidates, limit, orderHistory);
    return {
      query,
      interpretedAs,
      normalizedPhone,
      ...(unverifiedPhone !== undefined ? { unverifiedPhone } : {}),
      hits,
      capped,
      noMatch: hits.length === 0,
      hint: capped ? `Showing the best ${limit}; keep typing to narrow down.` : null,
      directoryArriving: false,
    };
  }

  private matchOrder(code: string, out: Candidate[]): boolean {
    const digits = code.replace(/[-#]/g, '');
    const sb = /^\d{8}$/.test(digits) ? `SB${digits}` : digits;
    // Our own numbers are found written loosely (`00012345`, `SB-0001-2345`); any other order number
    // the store holds (a web shop's `SHOP-1001`, issue 23) as it is written, upper-cased: one index read.
    const number = ORDER_NUMBER.test(sb) ? sb : CODE_LIKE.test(code) ? code : null;
    if (number === null) return false;
    const order = this.repo.orderByNumber(number);
    if (!order) return false;
    out.push({ customerId: order.customerId, kind: 'order', score: SCORE.order, detail: `order ${order.number}` });
    return true;
  }

  private matchEmail(text: string, limit: number, out: Candidate[], explicit: boolean): void {
    for (const row of this.repo.emailsWithPrefix(text, limit + 1)) {
      const exact = row.email === text;
      out.push({
        customerId: row.customerId,
        kind: 'email',
        // A prefix without "@" ("mart") ranks below names: it is the weaker reading.
        score: exact ? SCORE.email : explicit ? SCORE.email - 200 : SCORE.name - 50,
        detail: row.email,
      });
    }
  }

  private matchName(text: string, limit: number, out: Candidate[]): void {
    const fts = ftsPrefixQuery(text);
    if (!fts) return;
    const tokens = fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    for (const row of this.repo.namesMatching(fts, limit + 1)) {
      const first = fold(row.firstName);
      const last = fold(row.lastName);
      // Whole-word matches ("zoe" for Zoë) rank above prefixes ("zo" for Zoltan).
      const whole = tokens.filter((t) => t === first || t === last).length;
      out.push({ customerId: row.customerId, kind: 'name', score: SCORE.name + whole * 10, detail: 'name' });
    }
  }

  /** `orderHistory` false: the product is recognized, but its buyers are not read yet. */
  private matchProduct(code: string, limit: number, out: Candidate[], orderHistory: boolean): boolean {
    const found = this.repo.productsByCode(code);
    if (!orderHistory) return found.length > 0;
    for (const product of found) {
      const via = product.sku === code ? product.sku : `part ${product.partNumber ?? code}`;
      const buyers = this.repo.recentBuyers(product.id, limit * 3);
      buyers.forEach((b, i) => {
        out.push({
          customerId: b.customerId,
          kind: 'sku',
          // Most recent buyer first.
          score: SCORE.sku - i / 1000,
          detail: `bought ${via} (${product.name})`,
        });
      });
    }
    return found.length > 0;
  }

  /** The best `limit` customers, and whether more matched (each matcher reads one past the limit to tell). */
  private rank(candidates: Candidate[], limit: number, orderHistory: boolean): { hits: CustomerHit[]; capped: boolean } {
    const best = new Map<string, Candidate>();
    for (const c of candidates) {
      const prev = best.get(c.customerId);
      if (!prev || c.score > prev.score) best.set(c.customerId, c);
    }
    // Summaries cost a few index reads each: read them only for the rows that will be shown.
    const shown = [...best.values()].sort((a, b) => b.score - a.score).slice(0, limit);
    const hits: CustomerHit[] = [];
    for (const c of shown) {
      const row = c.row ?? this.repo.summary(c.customerId, orderHistory);
      if (!row) continue; // a row deleted between the two reads: not a hit
      hits.push({
        customerId: row.id,
        displayName: `${row.firstName} ${row.lastName}`.trim(),
        phone: row.phone ? displayPhone(row.phone) : null,
        email: row.email,
        city: row.city,
        loyaltyTier: row.loyaltyTier,
        lastOrderAt: row.lastOrderAt === null ? null : isoTime(row.lastOrderAt),
        matchedBy: c.kind,
        matchDetail: c.detail === 'name' ? `name ${row.firstName} ${row.lastName}` : c.detail,
        score: c.score,
      });
    }
    hits.sort((a, b) => b.score - a.score || a.displayName.localeCompare(b.displayName));
    return { hits, capped: best.size > limit };
  }
}
