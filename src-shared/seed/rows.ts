/**
 * The rows the seed generator emits: one plain object per row, keyed by the SQL column names
 * (identical in the cache's and the store's schema, as SYNC_TABLES in src-shared/sync/tables.ts
 * lists them). Booleans are booleans: the cache's writer stores them as 0/1, the store's as
 * PostgreSQL booleans. Every synced column is present, defaults included (a phone's `verified`),
 * so both writers put the very same values in, whatever each schema's default is.
 *
 * The seeded tables are the server-owned synced tables (`origin: 'server'`); a test checks that
 * each row type's keys are its table's synced columns.
 */
import type { UserRole } from '../auth/permissions';
import type { LoyaltyTier, OrderChannel, OrderStatus, PhoneKind, ProductRelationKind, Segment } from '../domain/customer';
import type { CampaignChannel, CampaignRule } from '../domain/order';
import type { ProductStatus, SellingCurrency, TaxClass } from '../domain/product';

export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  brand: string;
  part_number: string | null;
  category: string;
  price_cents: number;
  currency: string;
  is_consumable: boolean;
  replenish_days: number | null;
  tax_class: TaxClass;
  status: ProductStatus;
  stock: number;
  reserved: number;
}

/** A product's price in one selling currency (every product has one per SELLING_CURRENCIES). */
export interface ProductPriceRow {
  product_id: string;
  currency: SellingCurrency;
  price_cents: number;
}

export interface CampaignRow {
  id: string;
  /** Upper-case, unique. */
  code: string;
  /** The campaign its online and offline versions belong to. */
  family: string;
  name: string;
  channel: CampaignChannel;
  rule: CampaignRule;
  /** Percent 1..100, cents for an amount, 0 for free shipping. */
  value: number;
  /** The currency of the amount and minimum order; null: any. */
  currency: string | null;
  min_order_cents: number;
  starts_at: number;
  ends_at: number | null;
  active: boolean;
}

/** A role's (or, overriding it, one user's) largest manual discount per order. */
export interface DiscountLimitRow {
  id: string;
  role: UserRole | null;
  user_id: string | null;
  max_percent: number;
  max_amount_cents: number;
  currency: string;
}

export interface ProductRelationRow {
  product_id: string;
  related_product_id: string;
  kind: ProductRelationKind;
}

export interface CustomerRow {
  id: string;
  first_name: string;
  last_name: string;
  loyalty_tier: LoyaltyTier;
  loyalty_points: number;
  marketing_consent: boolean;
  consent_email: boolean;
  consent_phone: boolean;
  consent_sms: boolean;
  /** Set when the customer's personal data was erased (issue 23); never by the seed. */
  erased_at: number | null;
  segment: Segment;
  lifetime_value_cents: number;
  currency: string;
  created_at: number;
  updated_at: number;
}

export interface CustomerPhoneRow {
  id: string;
  customer_id: string;
  e164: string;
  raw: string;
  kind: PhoneKind;
  is_primary: boolean;
  verified: boolean;
}

export interface CustomerEmailRow {
  id: string;
  customer_id: string;
  email: string;
  is_primary: boolean;
}

export interface CustomerAddressRow {
  id: string;
  customer_id: string;
  kind: 'shipping';
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postal_code: string;
  country: string;
  is_primary: boolean;
}

export interface OrderRow {
  id: string;
  number: string;
  customer_id: string;
  channel: OrderChannel;
  campaign_code: string | null;
  status: OrderStatus;
  currency: string;
  subtotal_cents: number;
  discount_cents: number;
  tax_cents: number;
  shipping_cents: number;
  total_cents: number;
  placed_at: number;
  // A phone order's fields (issue 21): generated orders are history from the retailer's systems
  // and carry none of them (null, or 0 for the manual discount), as web and store orders do.
  call_id: null;
  created_by: null;
  agent_id: null;
  heard_from: null;
  delivery_address_id: null;
  delivery_address: null;
  delivery_method: null;
  payment_method: null;
  manual_discount_cents: 0;
  discount_reason: null;
  approved_by: null;
  approver_name: null;
  approval_reason: null;
  approved_at: null;
  quoted_total_cents: null;
  attention_reason: null;
  note: null;
}

/** The phone-order columns of a generated order: none set. */
export const NO_PHONE_ORDER_FIELDS = {
  call_id: null,
  created_by: null,
  agent_id: null,
  heard_from: null,
  delivery_address_id: null,
  delivery_address: null,
  delivery_method: null,
  payment_method: null,
  manual_discount_cents: 0,
  discount_reason: null,
  approved_by: null,
  approver_name: null,
  approval_reason: null,
  approved_at: null,
  quoted_total_cents: null,
  attention_reason: null,
  note: null,
} as const satisfies Partial<OrderRow>;

export interface OrderLineRow {
  id: string;
  order_id: string;
  line_no: number;
  product_id: string;
  customer_id: string;
  placed_at: number;
  sku: string;
  name: string;
  quantity: number;
  unit_price_cents: number;
  total_cents: number;
  /** Not from an offer or a call's search: history. */
  offer_id: null;
  line_source: null;
  /** The order's discount and tax are kept on the order for history (0 here, as the schema's default). */
  discount_cents: 0;
  tax_cents: 0;
  tax_class: TaxClass;
}

/** The row type of each seeded table. */
export interface SeedRowsByTable {
  products: ProductRow;
  product_prices: ProductPriceRow;
  product_relations: ProductRelationRow;
  campaigns: CampaignRow;
  discount_limits: DiscountLimitRow;
  customers: CustomerRow;
  customer_phones: CustomerPhoneRow;
  customer_emails: CustomerEmailRow;
  customer_addresses: CustomerAddressRow;
  orders: OrderRow;
  order_lines: OrderLineRow;
}

export type SeedTableName = keyof SeedRowsByTable;

/** One generated customer and every row that belongs to it, in the order the rows are written. */
export interface CustomerRows {
  customer: CustomerRow;
  phones: CustomerPhoneRow[];
  emails: CustomerEmailRow[];
  address: CustomerAddressRow;
  /** Each order followed by its lines: writers keep this interleaving. */
  orders: { order: OrderRow; lines: OrderLineRow[] }[];
}
