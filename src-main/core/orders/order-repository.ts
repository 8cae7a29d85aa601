/**
 * SQL for phone orders (issue 21): what quoting reads from the cached catalogue, campaigns and
 * discount limits, and what submitting writes. Reads take a ReadableDb (the reader answers
 * quotes); writes only a WritableDb.
 */
import type { ReadableDb, WritableDb } from '../db/open';
import type { Campaign } from '../../../src-shared/domain/campaign';
import type { DiscountLimit } from '../../../src-shared/domain/discount-authority';
import type { OrderStatus } from '../../../src-shared/domain/customer';
import type { ProductStatus, TaxClass } from '../../../src-shared/domain/product';
import type { UserRole } from '../../../src-shared/auth/permissions';

export interface CatalogueProduct {
  id: string;
  sku: string;
  name: string;
  taxClass: TaxClass;
  status: ProductStatus;
  stock: number;
  reserved: number;
  /** The price in the asked currency; null when the product has none in it. */
  priceCents: number | null;
}

export interface StoredOrder {
  id: string;
  number: string;
  customerId: string;
  status: OrderStatus;
  currency: string;
  totalCents: number;
  quotedTotalCents: number | null;
  attentionReason: string | null;
  approverName: string | null;
  placedAt: number;
  campaignCode: string | null;
  deliveryMethod: string | null;
  paymentMethod: string | null;
  deliveryAddressId: string | null;
  heardFrom: string | null;
  callId: string | null;
  note: string | null;
  discountReason: string | null;
}

export interface StoredOrderLine {
  productId: string;
  quantity: number;
  offerId: string | null;
  lineSource: string | null;
}

export interface CustomerAddressRow {
  id: string;
  customerId: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
  isPrimary: number;
}

const ORDER_COLUMNS = `id, number, customer_id AS customerId, status, currency, total_cents AS totalCents, quoted_total_cents AS quotedTotalCents,
  attention_reason AS attentionReason, approver_name AS approverName, placed_at AS placedAt, campaign_code AS campaignCode,
  delivery_method AS deliveryMethod, payment_method AS paymentMethod, delivery_address_id AS deliveryAddressId, heard_from AS heardFrom,
  call_id AS callId, note, discount_reason AS discountReason`;

export function createOrderReadRepository(db: ReadableDb) {
  const c = db.$client;
  const product = c.prepare(
    `SELECT p.id, p.sku, p.name, p.tax_class AS taxClass, p.status, p.stock, p.reserved, pp.price_cents AS priceCents
       FROM products p LEFT JOIN product_prices pp ON pp.product_id = p.id AND pp.currency = ?
      WHERE p.id = ?`,
  );
  const campaignByCode = c.prepare(
    `SELECT id, code, family, name, channel, rule, value, currency, min_order_cents AS minOrderCents, starts_at AS startsAt, ends_at AS endsAt, active
       FROM campaigns WHERE code = ?`,
  );
  const limits = c.prepare(
    `SELECT id, role, user_id AS userId, max_percent AS maxPercent, max_amount_cents AS maxAmountCents, currency
       FROM discount_limits WHERE currency = ? AND (user_id = ? OR role = ?)`,
  );
  const customer = c.prepare(`SELECT id, currency FROM customers WHERE id = ?`);
  const address = c.prepare(
    `SELECT id, customer_id AS customerId, line1, line2, city, region, postal_code AS postalCode, country, is_primary AS isPrimary
       FROM customer_addresses WHERE id = ?`,
  );
  const hasPrimaryAddress = c.prepare(`SELECT 1 FROM customer_addresses WHERE customer_id = ? AND is_primary = 1 LIMIT 1`).pluck();
  const activeSource = c.prepare(`SELECT 1 FROM order_sources WHERE code = ? AND active = 1`).pluck();
  const sources = c.prepare(`SELECT code, label FROM order_sources WHERE active = 1 ORDER BY sort, label`);
  const offer = c.prepare(`SELECT customer_id AS customerId, product_id AS productId, outcome FROM offers WHERE id = ?`);
  const order = c.prepare(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ?`);
  const lines = c.prepare(
    `SELECT product_id AS productId, quantity, offer_id AS offerId, line_source AS lineSource FROM order_lines WHERE order_id = ? ORDER BY line_no`,
  );

  return {
    product(productId: string, currency: string): CatalogueProduct | null {
      return (product.get(currency, productId) as CatalogueProduct | undefined) ?? null;
    },
    campaign(code: string): Campaign | null {
      const row = campaignByCode.get(code) as (Omit<Campaign, 'active'> & { active: number }) | undefined;
      return row ? { ...row, active: row.active === 1 } : null;
    },
    /** The limits that may apply to this user for an order in `currency`: their own rows and their role's. */
    limits(currency: string, userId: string | null, role: UserRole): DiscountLimit[] {
      return limits.all(currency, userId, role) as DiscountLimit[];
    },
    customer(customerId: string): { id: string; currency: string } | null {
      return (customer.get(customerId) as { id: string; currency: string } | undefined) ?? null;
    },
    address(addressId: string): CustomerAddressRow | null {
      return (address.get(addressId) as CustomerAddressRow | undefined) ?? null;
    },
    hasPrimaryAddress(customerId: string): boolean {
      return hasPrimaryAddress.get(customerId) === 1;
    },
    isActiveSource(code: string): boolean {
      return activeSource.get(code) === 1;
    },
    sources(): { code: string; label: string }[] {
      return sources.all() as { code: string; label: string }[];
    },
    offer(offerId: string): { customerId: string; productId: string; outcome: string } | null {
      return (offer.get(offerId) as { customerId: string; productId: string; outcome: string } | undefined) ?? null;
    },
    order(orderId: string): StoredOrder | null {
      return (order.get(orderId) as StoredOrder | undefined) ?? null;
    },
    lines(orderId: string): StoredOrderLine[] {
      return lines.all(orderId) as StoredOrderLine[];
    },
  };
}

export interface NewOrderRow {
  id: string;
  number: string;
  customerId: string;
  campaignCode: string | null;
  status: OrderStatus;
  currency: string;
  subtotalCents: number;
  discountCents: number;
  taxCents: number;
  shippingCents: number;
  totalCents: number;
  placedAt: number;
  callId: string | null;
  agentId: string;
  heardFrom: string | null;
  deliveryAddressId: string;
  deliveryAddress: string;
  deliveryMethod: string;
  paymentMethod: string;
  manualDiscountCents: number;
  discountReason: string | null;
  approvedBy: string | null;
  approverName: string | null;
  approvalReason: string | null;
  approvedAt: number | null;
  quotedTotalCents: number;
  note: string | null;
}

export interface NewOrderLineRow {
  id: string;
  orderId: string;
  lineNo: number;
  productId: string;
  customerId: string;
  placedAt: number;
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  totalCents: number;
  offerId: string | null;
  lineSource: string;
  discountCents: number;
  taxCents: number;
  taxClass: string;
}

export function createOrderWriteRepository(db: WritableDb) {
  const c = db.$client;
  const insertOrder = c.prepare(
    `INSERT INTO orders (id, number, customer_id, channel, campaign_code, status, currency, subtotal_cents, discount_cents, tax_cents, shipping_cents,
       total_cents, placed_at, call_id, agent_id, heard_from, delivery_address_id, delivery_address, delivery_method, payment_method,
       manual_discount_cents, discount_reason, approved_by, approver_name, approval_reason, approved_at, quoted_total_cents, note)
     VALUES (@id, @number, @customerId, 'phone', @campaignCode, @status, @currency, @subtotalCents, @discountCents, @taxCents, @shippingCents,
       @totalCents, @placedAt, @callId, @agentId, @heardFrom, @deliveryAddressId, @deliveryAddress, @deliveryMethod, @paymentMethod,
       @manualDiscountCents, @discountReason, @approvedBy, @approverName, @approvalReason, @approvedAt, @quotedTotalCents, @note)`,
  );
  const insertLine = c.prepare(
    `INSERT INTO order_lines (id, order_id, line_no, product_id, customer_id, placed_at, sku, name, quantity, unit_price_cents, total_cents,
       offer_id, line_source, discount_cents, tax_cents, tax_class)
     VALUES (@id, @orderId, @lineNo, @productId, @customerId, @placedAt, @sku, @name, @quantity, @unitPriceCents, @totalCents,
       @offerId, @lineSource, @discountCents, @taxCents, @taxClass)`,
  );
  const insertAddress = c.prepare(
    `INSERT INTO customer_addresses (id, customer_id, kind, line1, line2, city, region, postal_code, country, is_primary)
     VALUES (@id, @customerId, 'shipping', @line1, @line2, @city, @region, @postalCode, @country, @isPrimary)`,
  );
  const insertEdit = c.prepare(
    `INSERT INTO contact_edits (id, customer_id, call_id, agent_id, field, old_value, new_value, at)
     VALUES (@id, @customerId, @callId, @agentId, @field, NULL, @newValue, @at)`,
  );
  const queueAudit = c.prepare(`INSERT INTO pending_audit (id, action, username, at, detail) VALUES (?, ?, ?, ?, ?)`);
  return {
    insertOrder(row: NewOrderRow) {
      insertOrder.run(row);
    },
    insertLine(row: NewOrderLineRow) {
      insertLine.run(row);
    },
    insertAddress(row: Omit<CustomerAddressRow, 'isPrimary'> & { isPrimary: boolean }) {
      insertAddress.run({ ...row, isPrimary: row.isPrimary ? 1 : 0 });
    },
    insertEdit(row: { id: string; customerId: string; callId: string | null; agentId: string; field: string; newValue: string; at: number }) {
      insertEdit.run(row);
    },
    /** An event for the store's audit log, delivered by sync with the offline sign-in events (audit-delivery.ts). */
    queueAudit(event: { id: string; action: string; username: string; at: number; detail: string }) {
      queueAudit.run(event.id, event.action, event.username, event.at, event.detail);
    },
  };
}
