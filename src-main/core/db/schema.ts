/**
 * The local cache's schema. Server-owned rows (customers, products, orders) carry a global UUID
 * `id` so sync can upsert them; times are integer milliseconds since the epoch (UTC); money is
 * integer minor units with its currency. Later tables (calls, complaints, notes, offers, outbox,
 * sync cursors, users) reference `customers.id` and `orders.id` the same way.
 */
import { sql, type AnyColumn } from 'drizzle-orm';
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import {
  ADDRESS_KINDS,
  LOYALTY_TIERS,
  ORDER_CHANNELS,
  ORDER_STATUSES,
  PHONE_KINDS,
  PRODUCT_RELATION_KINDS,
  SEGMENTS,
} from '../../../src-shared/domain/customer';
import { CALL_SOURCES, CALL_STATUSES } from '../../../src-shared/domain/call';
import { COMPLAINT_EVENT_KINDS, COMPLAINT_SEVERITIES, COMPLAINT_STATUSES } from '../../../src-shared/domain/complaint';
import { OFFER_KINDS, OFFER_OUTCOMES } from '../../../src-shared/domain/offer';
import { USER_ROLES } from '../../../src-shared/contracts/server-auth';
import { PRODUCT_STATUSES, TAX_CLASSES } from '../../../src-shared/domain/product';
import { CAMPAIGN_CHANNELS, CAMPAIGN_RULES, DELIVERY_METHODS, LINE_SOURCES, PAYMENT_METHODS } from '../../../src-shared/domain/order';

/** A check that a column holds one of an enum's values, written from the shared list (never a second literal list). */
const oneOf = (column: AnyColumn, values: readonly string[]) => sql`${column} in (${sql.raw(values.map((v) => `'${v}'`).join(','))})`;

export const customers = sqliteTable(
  'customers',
  {
    /** Local integer key (a rowid alias): stable under VACUUM, so the FTS index can point at it. */
    rowId: integer('row_id').primaryKey(),
    id: text('id').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    loyaltyTier: text('loyalty_tier', { enum: LOYALTY_TIERS }).notNull().default('none'),
    loyaltyPoints: integer('loyalty_points').notNull().default(0),
    marketingConsent: integer('marketing_consent', { mode: 'boolean' }).notNull().default(false),
    segment: text('segment', { enum: SEGMENTS }).notNull().default('new'),
    lifetimeValueCents: integer('lifetime_value_cents').notNull().default(0),
    currency: text('currency').notNull().default('USD'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** Marketing consent per channel (issue 23, src-shared/domain/consent.ts); `marketing_consent` is consent on any of them. */
    consentEmail: integer('consent_email', { mode: 'boolean' }).notNull().default(false),
    consentPhone: integer('consent_phone', { mode: 'boolean' }).notNull().default(false),
    consentSms: integer('consent_sms', { mode: 'boolean' }).notNull().default(false),
    /** When the store erased the customer's personal data (issue 23); the row arrives anonymised. */
    erasedAt: integer('erased_at'),
  },
  (t) => [
    uniqueIndex('customers_id_uq').on(t.id),
    check('customers_tier_ck', oneOf(t.loyaltyTier, LOYALTY_TIERS)),
  ],
);

export const customerPhones = sqliteTable(
  'customer_phones',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    /**
     * E.164, e.g. +442079460958: the only form lookups compare. For a number kept unverified
     * (`verified` false) its digits as typed, with no "+" (src-shared/domain/phone.ts, unverifiedPhoneKey).
     */
    e164: text('e164').notNull(),
    /** As the source system or the CSR wrote it, kept for display and audit. */
    raw: text('raw').notNull(),
    kind: text('kind', { enum: PHONE_KINDS }).notNull().default('mobile'),
    isPrimary: integer('is_primary', { mode: 'boolean' }).notNull().default(false),
    /** False for a number the phone library could not read, kept as typed after the CSR confirmed it (issue 18). */
    verified: integer('verified', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [index('customer_phones_e164_idx').on(t.e164), index('customer_phones_customer_idx').on(t.customerId)],
);

export const customerEmails = sqliteTable(
  'customer_emails',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    /** Lower-cased; exact and prefix lookups are range scans on this index. */
    email: text('email').notNull(),
    isPrimary: integer('is_primary', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('customer_emails_email_idx').on(t.email), index('customer_emails_customer_idx').on(t.customerId)],
);

export const customerAddresses = sqliteTable(
  'customer_addresses',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ADDRESS_KINDS }).notNull().default('shipping'),
    line1: text('line1').notNull(),
    line2: text('line2'),
    city: text('city').notNull(),
    region: text('region'),
    postalCode: text('postal_code'),
    /** ISO 3166-1 alpha-2. */
    country: text('country').notNull(),
    isPrimary: integer('is_primary', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('customer_addresses_customer_idx').on(t.customerId)],
);

export const products = sqliteTable(
  'products',
  {
    id: text('id').primaryKey(),
    /** Upper-cased, as printed on the label. */
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    brand: text('brand').notNull(),
    /** Manufacturer part number, upper-cased. */
    partNumber: text('part_number'),
    category: text('category').notNull(),
    priceCents: integer('price_cents').notNull(),
    currency: text('currency').notNull().default('USD'),
    /** Consumables may be suggested again; `replenishDays` is their usual interval. */
    isConsumable: integer('is_consumable', { mode: 'boolean' }).notNull().default(false),
    replenishDays: integer('replenish_days'),
    taxClass: text('tax_class', { enum: TAX_CLASSES }).notNull().default('standard'),
    /** Discontinued products stay for past orders and are never offered. */
    status: text('status', { enum: PRODUCT_STATUSES }).notNull().default('active'),
    /** Units on hand at the store as of the last sync. */
    stock: integer('stock').notNull().default(0),
    /** Units in confirmed orders not yet shipped: available = stock − reserved. */
    reserved: integer('reserved').notNull().default(0),
  },
  (t) => [
    uniqueIndex('products_sku_uq').on(t.sku),
    index('products_part_number_idx').on(t.partNumber),
  ],
);

/** A product's price in each currency the store sells in (SELLING_CURRENCIES); tax-exclusive, minor units. */
export const productPrices = sqliteTable(
  'product_prices',
  {
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    currency: text('currency').notNull(),
    priceCents: integer('price_cents').notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.currency] })],
);

/**
 * Who is in which team, pulled from the store (its team_roster, derived there from users,
 * user_teams and teams): the team figures of reports read it (ROSTER_SQL in
 * src-shared/domain/metric-sql.ts), so CSRs who never signed in on this workstation are counted.
 */
export const teamRoster = sqliteTable(
  'team_roster',
  {
    userId: text('user_id').notNull(),
    teamId: text('team_id').notNull(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull(),
    team: text('team').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.teamId] })],
);

/**
 * Promotions: a code a customer quotes, with its rule. A campaign `family` groups the online and
 * offline versions of the same campaign (each with its own code), so reports tell them apart.
 */
export const campaigns = sqliteTable(
  'campaigns',
  {
    id: text('id').primaryKey(),
    /** Upper-cased, as the customer reads it out. */
    code: text('code').notNull(),
    family: text('family').notNull(),
    name: text('name').notNull(),
    channel: text('channel', { enum: CAMPAIGN_CHANNELS }).notNull(),
    rule: text('rule', { enum: CAMPAIGN_RULES }).notNull(),
    /** Percent (1–100) for `percent`, minor units for `amount`, 0 for `free_shipping`. */
    value: integer('value').notNull(),
    /** The currency of an `amount` and of the minimum order; null: any currency (percent, free shipping). */
    currency: text('currency'),
    minOrderCents: integer('min_order_cents').notNull().default(0),
    startsAt: integer('starts_at').notNull(),
    endsAt: integer('ends_at'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [
    uniqueIndex('campaigns_code_uq').on(t.code),
    check('campaigns_channel_ck', oneOf(t.channel, CAMPAIGN_CHANNELS)),
    check('campaigns_rule_ck', oneOf(t.rule, CAMPAIGN_RULES)),
  ],
);

/**
 * How much manual discount a role, or one user, may give on an order without a supervisor's approval.
 * A user's row overrides their role's; set by admins on the store.
 */
export const discountLimits = sqliteTable(
  'discount_limits',
  {
    id: text('id').primaryKey(),
    role: text('role', { enum: USER_ROLES }),
    /** The store's user id. Exactly one of role and user_id is set. */
    userId: text('user_id'),
    maxPercent: integer('max_percent').notNull(),
    maxAmountCents: integer('max_amount_cents').notNull(),
    currency: text('currency').notNull(),
  },
);

export const productRelations = sqliteTable(
  'product_relations',
  {
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    relatedProductId: text('related_product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: PRODUCT_RELATION_KINDS }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.relatedProductId, t.kind] })],
);

export const orders = sqliteTable(
  'orders',
  {
    id: text('id').primaryKey(),
    /** Upper-cased order number as the customer reads it, e.g. SB00012345. */
    number: text('number').notNull(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: ORDER_CHANNELS }).notNull(),
    campaignCode: text('campaign_code'),
    status: text('status', { enum: ORDER_STATUSES }).notNull(),
    currency: text('currency').notNull(),
    subtotalCents: integer('subtotal_cents').notNull(),
    discountCents: integer('discount_cents').notNull().default(0),
    taxCents: integer('tax_cents').notNull().default(0),
    shippingCents: integer('shipping_cents').notNull().default(0),
    totalCents: integer('total_cents').notNull(),
    placedAt: integer('placed_at').notNull(),
    // ——— Phone orders (issue 21); null or zero on orders from the web shop and the stores ———
    /** The call it was taken in (no foreign key: calls sync after orders). */
    callId: text('call_id'),
    /** The store's id of the CSR who took it, resolved by the store; agent_id is their user name as shown. */
    createdBy: text('created_by'),
    agentId: text('agent_id'),
    /** "How did you hear of us": a code of the order_sources list. */
    heardFrom: text('heard_from').references(() => orderSources.code),
    /** The customer's address it goes to (no foreign key: addresses are replaced), and that address as it was. */
    deliveryAddressId: text('delivery_address_id'),
    deliveryAddress: text('delivery_address'),
    deliveryMethod: text('delivery_method', { enum: DELIVERY_METHODS }),
    paymentMethod: text('payment_method', { enum: PAYMENT_METHODS }),
    manualDiscountCents: integer('manual_discount_cents').notNull().default(0),
    discountReason: text('discount_reason'),
    /** The supervisor who approved a discount beyond the CSR's authority: store user id, name, reason, time. */
    approvedBy: text('approved_by'),
    approverName: text('approver_name'),
    approvalReason: text('approval_reason'),
    approvedAt: integer('approved_at'),
    /** The total the CSR quoted; the store's own is total_cents. */
    quotedTotalCents: integer('quoted_total_cents'),
    /** Why the store could not confirm it as quoted (status needs_attention). */
    attentionReason: text('attention_reason'),
    note: text('note'),
  },
  (t) => [
    uniqueIndex('orders_number_uq').on(t.number),
    index('orders_customer_placed_idx').on(t.customerId, t.placedAt),
    check('orders_channel_ck', oneOf(t.channel, ORDER_CHANNELS)),
  ],
);

export const orderLines = sqliteTable(
  'order_lines',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    /** Copied from the order so "who bought this SKU, most recent first" is one index range. */
    customerId: text('customer_id').notNull(),
    placedAt: integer('placed_at').notNull(),
    /** Snapshot of SKU and name at the time of sale: products get renamed, receipts do not. */
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
    totalCents: integer('total_cents').notNull(),
    // ——— Phone orders (issue 21) ———
    /** The accepted offer this line came from (no foreign key: offers sync after orders): a converted offer. */
    offerId: text('offer_id'),
    lineSource: text('line_source', { enum: LINE_SOURCES }),
    /** The line's share of the order's discounts, and its tax after them. */
    discountCents: integer('discount_cents').notNull().default(0),
    taxCents: integer('tax_cents').notNull().default(0),
    taxClass: text('tax_class', { enum: TAX_CLASSES }),
  },
  (t) => [
    index('order_lines_order_idx').on(t.orderId, t.lineNo),
    index('order_lines_product_placed_idx').on(t.productId, t.placedAt),
  ],
);

/**
 * Local writes waiting for the central store. Each row is written in the same transaction as the
 * change it describes; `mutation_id` is sequential per client and never reused.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    // AUTOINCREMENT: an id is never handed out twice, even after the rows below it were pushed and deleted.
    mutationId: integer('mutation_id').primaryKey({ autoIncrement: true }),
    clientId: text('client_id').notNull(),
    name: text('name').notNull(),
    args: text('args', { mode: 'json' }).notNull(),
    schemaVersion: integer('schema_version').notNull(),
    createdAt: integer('created_at').notNull(),
    /**
     * The user signed in when it was saved (issue 5); the store applies it as theirs. Null on
     * entries saved before sign-in existed.
     */
    userId: text('user_id'),
  },
);

/** Small key/value facts about this cache: the client id, the seed that made it, and so on. */
export const cacheMeta = sqliteTable('cache_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

// ——— The call and everything done during it (issue: customer 360, complaints, call lifecycle) ———
// `agent_id` is who did it: the signed-in user's name (issue 5). Every row a CSR writes also goes into the outbox in the same transaction.

/** Configurable lists: wrap-up disposition codes and complaint categories. */
export const dispositions = sqliteTable('dispositions', {
  code: text('code').primaryKey(),
  label: text('label').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  sort: integer('sort').notNull().default(0),
});

export const complaintCategories = sqliteTable('complaint_categories', {
  code: text('code').primaryKey(),
  label: text('label').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  sort: integer('sort').notNull().default(0),
});

/** "How did you hear of us?": the configurable list a phone order's `heard_from` comes from (issue 21). */
export const orderSources = sqliteTable('order_sources', {
  code: text('code').primaryKey(),
  label: text('label').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  sort: integer('sort').notNull().default(0),
});

export const calls = sqliteTable(
  'calls',
  {
    id: text('id').primaryKey(),
    /** Null until the caller is identified or created during the call. */
    customerId: text('customer_id').references(() => customers.id),
    fromE164: text('from_e164'),
    /** The caller id exactly as received (issue 19): kept even when it cannot be read as a number. */
    fromRaw: text('from_raw'),
    source: text('source', { enum: CALL_SOURCES }).notNull(),
    agentId: text('agent_id').notNull(),
    status: text('status', { enum: CALL_STATUSES }).notNull(),
    startedAt: integer('started_at').notNull(),
    /** Set while on hold; its span is added to hold_ms when the hold ends. */
    holdStartedAt: integer('hold_started_at'),
    talkEndedAt: integer('talk_ended_at'),
    completedAt: integer('completed_at'),
    talkMs: integer('talk_ms').notNull().default(0),
    holdMs: integer('hold_ms').notNull().default(0),
    wrapUpMs: integer('wrap_up_ms').notNull().default(0),
    dispositionCode: text('disposition_code').references(() => dispositions.code),
    wrapUpNotes: text('wrap_up_notes'),
    /** The caller's satisfaction answer at wrap-up, 1 (very unsatisfied) to 5 (very satisfied); null: not asked or no answer (issue 22). */
    satisfaction: integer('satisfaction'),
  },
  (t) => [index('calls_customer_started_idx').on(t.customerId, t.startedAt), index('calls_agent_started_idx').on(t.agentId, t.startedAt)],
);

export const complaints = sqliteTable(
  'complaints',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    callId: text('call_id').references(() => calls.id),
    orderId: text('order_id').references(() => orders.id),
    orderLineId: text('order_line_id').references(() => orderLines.id),
    categoryCode: text('category_code')
      .notNull()
      .references(() => complaintCategories.code),
    severity: text('severity', { enum: COMPLAINT_SEVERITIES }).notNull(),
    description: text('description').notNull(),
    desiredResolution: text('desired_resolution'),
    status: text('status', { enum: COMPLAINT_STATUSES }).notNull(),
    /** A calendar date, YYYY-MM-DD, in the workstation's time zone. */
    followUpOn: text('follow_up_on'),
    resolution: text('resolution'),
    resolvedAt: integer('resolved_at'),
    openedAt: integer('opened_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    agentId: text('agent_id').notNull(),
  },
  (t) => [index('complaints_customer_opened_idx').on(t.customerId, t.openedAt), index('complaints_status_follow_up_idx').on(t.status, t.followUpOn)],
);

/** Every change to a complaint, with who and when; never updated or deleted. */
export const complaintEvents = sqliteTable(
  'complaint_events',
  {
    id: text('id').primaryKey(),
    complaintId: text('complaint_id')
      .notNull()
      .references(() => complaints.id),
    callId: text('call_id').references(() => calls.id),
    agentId: text('agent_id').notNull(),
    at: integer('at').notNull(),
    kind: text('kind', { enum: COMPLAINT_EVENT_KINDS }).notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    detail: text('detail'),
  },
  (t) => [index('complaint_events_complaint_at_idx').on(t.complaintId, t.at)],
);

export const notes = sqliteTable(
  'notes',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    callId: text('call_id').references(() => calls.id),
    agentId: text('agent_id').notNull(),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('notes_customer_created_idx').on(t.customerId, t.createdAt)],
);

/** The history of contact-data edits: one row per changed field, old and new value. */
export const contactEdits = sqliteTable(
  'contact_edits',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    callId: text('call_id').references(() => calls.id),
    agentId: text('agent_id').notNull(),
    field: text('field').notNull(),
    oldValue: text('old_value'),
    newValue: text('new_value'),
    at: integer('at').notNull(),
    /** On whose word a consent changed (issue 23, CONSENT_SOURCES); null for other fields. */
    source: text('source'),
  },
  (t) => [index('contact_edits_customer_at_idx').on(t.customerId, t.at)],
);

/** An upsell suggestion shown on a call, and what the customer said. Conversion = accepted ÷ presented. */
export const offers = sqliteTable(
  'offers',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    callId: text('call_id').references(() => calls.id),
    agentId: text('agent_id').notNull(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    kind: text('kind', { enum: OFFER_KINDS }).notNull(),
    reason: text('reason').notNull(),
    outcome: text('outcome', { enum: OFFER_OUTCOMES }).notNull(),
    presentedAt: integer('presented_at').notNull(),
    decidedAt: integer('decided_at'),
  },
  (t) => [
    index('offers_customer_idx').on(t.customerId, t.presentedAt),
    index('offers_call_idx').on(t.callId),
    // One offer per product per call: presenting the same suggestion twice on a call never double-counts
    // (NULL call ids do not collide, so offers made outside a call are not constrained here).
    uniqueIndex('offers_call_product_uq').on(t.callId, t.productId),
  ],
);

/**
 * Co-purchase rules mined from every cached order, off the lookup path: "bought A → also bought B",
 * with support (orders with both), confidence P(B|A) and lift P(B|A)/P(B).
 */
export const coPurchases = sqliteTable(
  'co_purchases',
  {
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    relatedProductId: text('related_product_id')
      .notNull()
      .references(() => products.id),
    support: integer('support').notNull(),
    confidence: real('confidence').notNull(),
    lift: real('lift').notNull(),
    computedAt: integer('computed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.relatedProductId] }), index('co_purchases_product_lift_idx').on(t.productId, t.lift)],
);

/**
 * The co-purchase miner's running counts, derived from order_lines and never synced: how many
 * orders hold each product, and how many hold each pair (stored once, product_id < related_product_id
 * as strings). With these and the watermark in cache_meta ('co_purchase'), new orders update the
 * rules in `co_purchases` without rescanning every order. No foreign keys: a product removed by sync
 * must never be blocked by derived counts; the miner skips unknown products when it writes rules.
 */
export const coPurchaseItems = sqliteTable('co_purchase_items', {
  productId: text('product_id').primaryKey(),
  orders: integer('orders').notNull(),
});

export const coPurchasePairs = sqliteTable(
  'co_purchase_pairs',
  {
    productId: text('product_id').notNull(),
    relatedProductId: text('related_product_id').notNull(),
    orders: integer('orders').notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.relatedProductId] })],
);

/**
 * Pushed writes the central store refused for good (issue 4). The outbox entry is deleted in the
 * same transaction that records its refusal here, so the queue moves on and a person still sees
 * what was not saved centrally and why, until they dismiss it. `at` is the store's clock when
 * known (the push response's Date header), else this workstation's. Keyed by its own id: after a
 * store lost this workstation's ids, queued entries are renumbered and a mutation id can recur.
 */
export const syncRejections = sqliteTable(
  'sync_rejections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    mutationId: integer('mutation_id').notNull(),
    name: text('name').notNull(),
    args: text('args').notNull(),
    schemaVersion: integer('schema_version').notNull(),
    /** When the write was made on this workstation (its clock). */
    createdAt: integer('created_at').notNull(),
    code: text('code').notNull(),
    message: text('message').notNull(),
    at: integer('at').notNull(),
    dismissedAt: integer('dismissed_at'),
  },
  // No index: a handful of rows a person has yet to read, scanned whole.
);

/**
 * Users who signed in online on this workstation (issue 5), so they can sign in again while the
 * central store is unreachable: their profile as the store gave it and a scrypt verifier of their
 * password made here (never the store's hash, never the password). A definite refusal from the
 * store (wrong password after a reset, a disabled user) deletes the row. With no store configured
 * the workstation keeps its demo accounts here.
 */
export const localUsers = sqliteTable('local_users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: USER_ROLES }).notNull(),
  /** JSON array of team names. */
  teams: text('teams').notNull().default('[]'),
  verifier: text('verifier').notNull(),
  /** This workstation's clock at the last online sign-in (null for local demo accounts). */
  lastOnlineAt: integer('last_online_at'),
});

/**
 * Sign-in events that happened while the store was unreachable (offline sign-ins, failures,
 * lockouts, sign-outs), kept until the sync engine delivers them to the store's audit log.
 * Keyed by a UUID made here, so a resend after a lost response is recorded once.
 */
export const pendingAudit = sqliteTable('pending_audit', {
  id: text('id').primaryKey(),
  action: text('action').notNull(),
  username: text('username').notNull(),
  at: integer('at').notNull(),
  detail: text('detail').notNull(),
});

/**
 * The workstation's sign-in throttle (issue 5), kept so that restarting the app does not clear a
 * lockout: per key (a user name, or the whole workstation) the recent failure times and the end of
 * a lock. Written through by the session keeper; read once at start.
 */
export const signInThrottle = sqliteTable('sign_in_throttle', {
  key: text('key').primaryKey(),
  /** JSON array of epoch ms. */
  failures: text('failures').notNull().default('[]'),
  lockedUntil: integer('locked_until').notNull().default(0),
});
