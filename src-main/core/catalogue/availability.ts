/**
 * What a product's stock means to a CSR on the phone (issue 21): units that can be sold now
 * (stock − reserved, both as of the last sync) in words, and how old the figure is.
 */
import type { CatalogueAvailability } from '../../../src-shared/contracts/catalogue';
import { isoTime } from '../../../src-shared/domain/time';

/** At most this many units available reads as "low": the CSR says so before promising a date. */
export const LOW_STOCK_UNITS = 5;

export function availabilityOf(stock: number, reserved: number, asOfMs: number | null): CatalogueAvailability {
  // Reserved beyond stock (orders confirmed faster than the figures arrive) is simply none left.
  const available = Math.max(0, Math.trunc(stock) - Math.trunc(reserved));
  const asOf = asOfMs === null ? null : isoTime(asOfMs);
  if (available === 0) return { available, level: 'out_of_stock', text: 'Out of stock', asOf };
  if (available <= LOW_STOCK_UNITS) return { available, level: 'low', text: `Low: ${available} left`, asOf };
  return { available, level: 'in_stock', text: `In stock: ${available}`, asOf };
}
