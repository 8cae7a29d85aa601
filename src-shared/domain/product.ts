/** The catalogue's code lists (issue 21), written once and used by both schemas, the contracts and the UI. */

/** How a product is taxed: the rate of each class is in src-shared/domain/pricing.ts. */
export const TAX_CLASSES = ['standard', 'reduced', 'zero'] as const;
export type TaxClass = (typeof TAX_CLASSES)[number];

/** Discontinued products stay for past orders and are never offered. */
export const PRODUCT_STATUSES = ['active', 'discontinued'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** The currencies the store sells in: every product has a price in each (product_prices). */
export const SELLING_CURRENCIES = ['USD', 'EUR', 'GBP', 'SEK'] as const;
export type SellingCurrency = (typeof SELLING_CURRENCIES)[number];
