/**
 * Read-side SQL of the catalogue search (issue 21). Every statement is prepared once per
 * connection, on first use: the search asks `catalogueArriving` first, so while a first copy has
 * not rebuilt the product search (db/deferred-indexes.ts) none of them is even planned.
 *
 * Each statement reads one index and stops at its LIMIT: the SKU and part-number indexes
 * (products_sku_uq, products_part_number_idx) for exact codes and code prefixes, the FTS5 indexes
 * product_name_search (names) and product_search (names, brands and categories;
 * drizzle/…_product_search) for words. Discontinued products are left out as the
 * rows are read, so a LIMIT counts only products that may be offered.
 */
import type { ReadableDb } from '../db/open';
import { arriving } from '../db/deferred-indexes';
import { onFirstUse } from '../db/statements';
import { SYNC_META } from '../sync/pull-cursor';

/** What ranking needs of a match: the rest is read for the shown ones only (`details`). */
export interface CatalogueMatch {
  rowid: number;
  id: string;
  sku: string;
  name: string;
}

export interface CatalogueRow {
  id: string;
  sku: string;
  partNumber: string | null;
  name: string;
  brand: string;
  category: string;
  priceCents: number;
  currency: string;
  taxClass: string;
  status: string;
  stock: number;
  reserved: number;
  /** The price in the currency asked for (product_prices), null when it has none or none was asked. */
  listedPriceCents: number | null;
}

// Ranking reads a window of matches per rank and shows 20: only these four columns for each match.
const COLUMNS = `p.rowid AS rowid, p.id AS id, p.sku AS sku, p.name AS name`;
const OFFERED = `p.status <> 'discontinued'`;

export function createCatalogueReadRepository(db: ReadableDb) {
  const client = db.$client;
  // Both exact keys in one statement: SQLite reads each index once (MULTI-INDEX OR).
  const byCode = onFirstUse(() => client.prepare(`SELECT ${COLUMNS} FROM products p WHERE (p.sku = @code OR p.part_number = @code) AND ${OFFERED} LIMIT 10`));
  const bySkuRange = onFirstUse(() => client.prepare(`SELECT ${COLUMNS} FROM products p WHERE p.sku >= @from AND p.sku < @to AND ${OFFERED} ORDER BY p.sku LIMIT @limit`));
  const byPartNumberRange = onFirstUse(() =>
    client.prepare(`SELECT ${COLUMNS} FROM products p WHERE p.part_number >= @from AND p.part_number < @to AND ${OFFERED} ORDER BY p.part_number LIMIT @limit`),
  );
  // FTS5 returns matches in rowid order and stops at LIMIT: a one-letter prefix over the whole
  // catalogue reads the first page of its doclist, not every product that starts with it.
  const byName = onFirstUse(() =>
    client.prepare(`SELECT ${COLUMNS} FROM product_name_search s JOIN products p ON p.rowid = s.rowid WHERE product_name_search MATCH @match AND ${OFFERED} LIMIT @limit`),
  );
  const byText = onFirstUse(() =>
    client.prepare(`SELECT ${COLUMNS} FROM product_search s JOIN products p ON p.rowid = s.rowid WHERE product_search MATCH @match AND ${OFFERED} LIMIT @limit`),
  );
  // One shown product and its price in the currency asked for: the rowid, then the price's primary key.
  const details = onFirstUse(() =>
    client.prepare(
      `SELECT p.id AS id, p.sku AS sku, p.part_number AS partNumber, p.name AS name, p.brand AS brand, p.category AS category,
              p.price_cents AS priceCents, p.currency AS currency, p.tax_class AS taxClass, p.status AS status, p.stock AS stock,
              p.reserved AS reserved, pp.price_cents AS listedPriceCents
         FROM products p LEFT JOIN product_prices pp ON pp.product_id = p.id AND pp.currency = @currency
        WHERE p.rowid = @rowid`,
    ),
  );
  const pulledAt = onFirstUse(() => client.prepare(`SELECT value FROM cache_meta WHERE key = ?`).pluck());

  return {
    /** True while a first copy has not rebuilt the product search yet (it is rebuilt with the customer directory's indexes). */
    catalogueArriving: (): boolean => arriving(client).directory,
    /** Products whose SKU or part number is exactly `code` (upper-case). */
    byCode(code: string): CatalogueMatch[] {
      return byCode().all({ code }) as CatalogueMatch[];
    },
    /** Products whose SKU starts with `prefix` (upper-case), in SKU order. */
    bySkuPrefix(prefix: string, limit: number): CatalogueMatch[] {
      return bySkuRange().all({ from: prefix, to: `${prefix}\uffff`, limit }) as CatalogueMatch[];
    },
    /** Products whose part number starts with `prefix` (upper-case), in part-number order. */
    byPartNumberPrefix(prefix: string, limit: number): CatalogueMatch[] {
      return byPartNumberRange().all({ from: prefix, to: `${prefix}\uffff`, limit }) as CatalogueMatch[];
    },
    /** Products whose name matches an FTS5 expression (built by the service: no user syntax reaches it). */
    byName(match: string, limit: number): CatalogueMatch[] {
      return byName().all({ match, limit }) as CatalogueMatch[];
    },
    /** Products matching an FTS5 expression over name, brand and category (built by the service: no user syntax reaches it). */
    byText(match: string, limit: number): CatalogueMatch[] {
      return byText().all({ match, limit }) as CatalogueMatch[];
    },
    /** A match's row, with its price in `currency` (null: none asked), or undefined when it was deleted meanwhile. */
    details(rowid: number, currency: string | null): CatalogueRow | undefined {
      return details().get({ rowid, currency }) as CatalogueRow | undefined;
    },
    /** When the last page pulled from the central store was applied (epoch ms), or null when none was. */
    lastPulledAt(): number | null {
      const raw = pulledAt().get(SYNC_META.pulledAt) as string | undefined;
      const ms = raw === undefined ? NaN : Number(raw);
      return Number.isFinite(ms) ? ms : null;
    },
  };
}

export type CatalogueReadRepository = ReturnType<typeof createCatalogueReadRepository>;
