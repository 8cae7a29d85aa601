/**
 * The central store's schema (PostgreSQL; PGlite speaks the same dialect). The server owns
 * customers, products and orders: their tables mirror the client cache's
 * (src-main/core/db/schema.ts) column for column, with the global UUID `id` as the primary key
 * (the cache's local `row_id` does not exist here). Times are bigint milliseconds since the epoch
 * (UTC), as in the cache, so rows travel without conversion; money is integer minor units.
 */
import { sql, type AnyColumn } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
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
import { AUDIT_ACTIONS } from '../../../src-shared/contracts/admin';
import { MAIL_KINDS, MAIL_SKIP_REASONS, MAIL_STATES } from '../../../src-shared/contracts/email';
import { ERASURE_STATUSES } from '../../../src-shared/contracts/privacy';

/** A check that a column holds one of an enum's values, written from the shared list (never a second literal list). */
const oneOf = (column: AnyColumn, values: readonly string[]) => sql`${column} in (${sql.raw(values.map((v) => `'${v}'`).join(','))})`;

const ms = (name: string) => bigint(name, { mode: 'number' });
/** The server's clock in epoch milliseconds: the only clock that orders anything here. */
const nowMs = sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    loyaltyTier: text('loyalty_tier', { enum: LOYALTY_TIERS }).notNull().default('none'),
    loyaltyPoints: integer('loyalty_points').notNull().default(0),
    marketingConsent: boolean('marketing_consent').notNull().default(false),
    segment: text('segment', { enum: SEGMENTS }).notNull().default('new'),
    lifetimeValueCents: bigint('lifetime_value_cents', { mode: 'number' }).notNull().default(0),
    currency: text('currency').notNull().default('USD'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    /**
     * The language the customer is written to in ("en", "de", "pt-BR"), where known (issue 23,
     * email); null → English. Store only: workstations do not sync it.
     */
    language: text('language'),
    /**
     * Marketing consent per channel (issue 23, src-shared/domain/consent.ts); `marketing_consent`
     * is kept in step by the trigger customers_consent (consent on any channel; a write of only
     * the old flag sets every channel to it).
     */
    consentEmail: boolean('consent_email').notNull().default(false),
    consentPhone: boolean('consent_phone').notNull().default(false),
    consentSms: boolean('consent_sms').notNull().default(false),
    /** When the customer's personal data was erased (issue 23, server/src/privacy); null: not erased. */
    erasedAt: ms('erased_at'),
  },
  (t) => [check('customers_tier_ck', oneOf(t.loyaltyTier, LOYALTY_TIERS))],
);

/**
 * The system each imported customer came from (issue 23: "shop", "oms"…) and its id there: an
 * import finds the customer again by these, so importing a file twice changes nothing. Store
 * only, not synced (workstations have no use for it); customers created on a workstation have none.
 */
export const customerSources = pgTable(
  'customer_sources',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id, { onDelete: 'cascade' }),
    source: text('source').notNull(),
    sourceId: text('source_id').notNull(),
    /** A hash of the imported row as last applied (server/src/import): the same row again is "unchanged" without reading the contacts. */
    sourceHash: text('source_hash').notNull(),
    importedAt: ms('imported_at').notNull(),
  },
  (t) => [uniqueIndex('customer_sources_source_uq').on(t.source, t.sourceId)],
);

/**
 * Products and campaigns imported from another system (issue 23): the record each (kind, source,
 * source id) became, and the hash of the row last applied, so importing a file twice changes
 * nothing. Store only, not synced. No foreign key (the record is in the table its kind names); a
 * record deleted later is found missing and created again.
 */
export const importSources = pgTable(
  'import_sources',
  {
    kind: text('kind').notNull(),
    source: text('source').notNull(),
    sourceId: text('source_id').notNull(),
    recordId: uuid('record_id').notNull(),
    sourceHash: text('source_hash').notNull(),
    importedAt: ms('imported_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.source, t.sourceId] })],
);

export const customerPhones = pgTable(
  'customer_phones',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
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
    isPrimary: boolean('is_primary').notNull().default(false),
    /** False for a number the phone library could not read, kept as typed after the CSR confirmed it (issue 18). */
    verified: boolean('verified').notNull().default(true),
  },
  (t) => [index('customer_phones_e164_idx').on(t.e164), index('customer_phones_customer_idx').on(t.customerId)],
);

export const customerEmails = pgTable(
  'customer_emails',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    /** Lower-cased. */
    email: text('email').notNull(),
    isPrimary: boolean('is_primary').notNull().default(false),
  },
  (t) => [index('customer_emails_email_idx').on(t.email), index('customer_emails_customer_idx').on(t.customerId)],
);

export const customerAddresses = pgTable(
  'customer_addresses',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
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
    isPrimary: boolean('is_primary').notNull().default(false),
  },
  (t) => [index('customer_addresses_customer_idx').on(t.customerId)],
);

export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey(),
    /** Upper-cased, as printed on the label. */
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    brand: text('brand').notNull(),
    /** Manufacturer part number, upper-cased. */
    partNumber: text('part_number'),
    category: text('category').notNull(),
    priceCents: integer('price_cents').notNull(),
    currency: text('currency').notNull().default('USD'),
    isConsumable: boolean('is_consumable').notNull().default(false),
    replenishDays: integer('replenish_days'),
    taxClass: text('tax_class', { enum: TAX_CLASSES }).notNull().default('standard'),
    status: text('status', { enum: PRODUCT_STATUSES }).notNull().default('active'),
    /** Units on hand. */
    stock: integer('stock').notNull().default(0),
    /** Units in placed orders not yet shipped; a phone order is placed only while stock − reserved covers it. */
    reserved: integer('reserved').notNull().default(0),
  },
  (t) => [
    uniqueIndex('products_sku_uq').on(t.sku),
    index('products_part_number_idx').on(t.partNumber),
  ],
);

/** A product's price in each currency the store sells in, as in the cache. */
export const productPrices = pgTable(
  'product_prices',
  {
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    currency: text('currency').notNull(),
    priceCents: integer('price_cents').notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.currency] })],
);

/** Promotions and their codes, as in the cache (src-main/core/db/schema.ts). */
export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id').primaryKey(),
    code: text('code').notNull(),
    family: text('family').notNull(),
    name: text('name').notNull(),
    channel: text('channel', { enum: CAMPAIGN_CHANNELS }).notNull(),
    rule: text('rule', { enum: CAMPAIGN_RULES }).notNull(),
    value: integer('value').notNull(),
    currency: text('currency'),
    minOrderCents: integer('min_order_cents').notNull().default(0),
    startsAt: ms('starts_at').notNull(),
    endsAt: ms('ends_at'),
    active: boolean('active').notNull().default(true),
  },
  (t) => [
    uniqueIndex('campaigns_code_uq').on(t.code),
    check('campaigns_channel_ck', oneOf(t.channel, CAMPAIGN_CHANNELS)),
    check('campaigns_rule_ck', oneOf(t.rule, CAMPAIGN_RULES)),
  ],
);

/** Manual discount authority by role, overridden per user; set by admins. As in the cache. */
export const discountLimits = pgTable(
  'discount_limits',
  {
    id: uuid('id').primaryKey(),
    role: text('role', { enum: USER_ROLES }),
    userId: uuid('user_id'),
    maxPercent: integer('max_percent').notNull(),
    maxAmountCents: integer('max_amount_cents').notNull(),
    currency: text('currency').notNull(),
  },
);

export const productRelations = pgTable(
  'product_relations',
  {
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    relatedProductId: uuid('related_product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: PRODUCT_RELATION_KINDS }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.productId, t.relatedProductId, t.kind] })],
);

export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    /** Upper-cased order number as the customer reads it, e.g. SB00012345. */
    number: text('number').notNull(),
    customerId: uuid('customer_id')
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
    placedAt: ms('placed_at').notNull(),
    // ——— Phone orders (issue 21), as in the cache ———
    callId: uuid('call_id'),
    createdBy: uuid('created_by'),
    agentId: text('agent_id'),
    /** A code of the workstations' order_sources list (kept as text, like disposition codes). */
    heardFrom: text('heard_from'),
    deliveryAddressId: uuid('delivery_address_id'),
    deliveryAddress: text('delivery_address'),
    deliveryMethod: text('delivery_method', { enum: DELIVERY_METHODS }),
    paymentMethod: text('payment_method', { enum: PAYMENT_METHODS }),
    manualDiscountCents: integer('manual_discount_cents').notNull().default(0),
    discountReason: text('discount_reason'),
    approvedBy: uuid('approved_by'),
    approverName: text('approver_name'),
    approvalReason: text('approval_reason'),
    approvedAt: ms('approved_at'),
    quotedTotalCents: integer('quoted_total_cents'),
    attentionReason: text('attention_reason'),
    note: text('note'),
  },
  (t) => [
    uniqueIndex('orders_number_uq').on(t.number),
    index('orders_customer_placed_idx').on(t.customerId, t.placedAt),
    /** Segments: customers who used a campaign code (issue 22). */
    index('orders_campaign_customer_idx').on(t.campaignCode, t.customerId).where(sql`${t.campaignCode} is not null`),
    // Reports (issue 22): a CSR's or a team's phone orders in a period.
    index('orders_agent_placed_idx').on(t.agentId, t.placedAt),
    /** The dashboard's rollup (issue 22): one day's orders of every channel. */
    index('orders_placed_idx').on(t.placedAt),
    /** The few orders awaiting a supervisor (GET /orders/approvals, the live board's count each second), oldest first, without reading every order. */
    index('orders_awaiting_approval_idx').on(t.placedAt).where(sql`${t.status} = 'awaiting_approval'`),
    check('orders_channel_ck', oneOf(t.channel, ORDER_CHANNELS)),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    /** Copied from the order, as in the cache. */
    customerId: uuid('customer_id').notNull(),
    placedAt: ms('placed_at').notNull(),
    /** Snapshot of SKU and name at the time of sale. */
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
    totalCents: integer('total_cents').notNull(),
    offerId: uuid('offer_id'),
    lineSource: text('line_source', { enum: LINE_SOURCES }),
    discountCents: integer('discount_cents').notNull().default(0),
    taxCents: integer('tax_cents').notNull().default(0),
    taxClass: text('tax_class', { enum: TAX_CLASSES }),
  },
  (t) => [
    index('order_lines_order_idx').on(t.orderId, t.lineNo),
    index('order_lines_product_placed_idx').on(t.productId, t.placedAt),
    index('order_lines_customer_idx').on(t.customerId, t.productId),
    /** Segments: customers who bought a SKU in a period (issue 22). */
    index('order_lines_sku_placed_idx').on(t.sku, t.placedAt),
    /**
     * Segments: "did this customer buy in the category in the period?", asked per candidate
     * customer from the index alone (issue 22; measured 2.4 s → 1.8 s at 1,000,000 customers).
     */
    index('order_lines_customer_placed_cover_idx').on(t.customerId, t.placedAt, t.productId, t.orderId),
    // Reports (issue 22): the lines that came from an offer (offers ordered, revenue of converted offers).
    index('order_lines_offer_idx').on(t.offerId).where(sql`${t.offerId} IS NOT NULL`),
  ],
);

// ——— Users and sessions ———

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Lower-cased and trimmed before it is stored or compared. */
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: USER_ROLES }).notNull(),
    /** `scrypt$N$r$p$salt$hash` (base64url): parameters and per-user salt travel with the hash. */
    passwordHash: text('password_hash').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: ms('created_at').notNull().default(nowMs),
  },
  (t) => [
    uniqueIndex('users_username_uq').on(t.username),
    check('users_role_ck', oneOf(t.role, USER_ROLES)),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** SHA-256 (hex) of the bearer token. The token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
    revokedAt: ms('revoked_at'),
    /** The workstation the user signed in on, when the sign-in named one (for the audit log). */
    workstationId: uuid('workstation_id').references((): AnyPgColumn => workstations.id),
  },
  (t) => [uniqueIndex('sessions_token_hash_uq').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

// ——— Teams, workstations, sign-in throttling, the audit log (issue 5) ———

export const teams = pgTable(
  'teams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    createdAt: ms('created_at').notNull().default(nowMs),
  },
  // One team per name whatever its case: "Phones" and "phones" are the same team, also when two
  // admins create them at the same moment.
  (t) => [uniqueIndex('teams_name_uq').on(sql`lower(${t.name})`)],
);

export const userTeams = pgTable(
  'user_teams',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.teamId] }), index('user_teams_team_idx').on(t.teamId)],
);

/**
 * Who is in which team, by name: one row per user_teams row, with the user's name and the team's
 * name beside the ids. Synced to every workstation (src-shared/sync/tables.ts) so the cache's team
 * figures know CSRs who never signed in there. Written only by the triggers of migration
 * 0020_team_roster.sql on users, user_teams and teams (a membership added or removed, a user or a
 * team renamed, a user or team deleted); its own change-log triggers carry each change to the caches.
 */
export const teamRoster = pgTable(
  'team_roster',
  {
    userId: uuid('user_id').notNull(),
    teamId: uuid('team_id').notNull(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role').notNull(),
    active: boolean('active').notNull(),
    team: text('team').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.teamId] })],
);

/**
 * A shared workstation, known by its cache's client id. Signing in online on it (re)issues its
 * token, whose SHA-256 alone is kept here: the token carries the workstation's sync traffic
 * whoever is signed in, also while nobody is.
 */
export const workstations = pgTable(
  'workstations',
  {
    /** The workstation cache's client id. */
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    /** SHA-256 (hex) of the current workstation token. */
    tokenHash: text('token_hash').notNull(),
    registeredAt: ms('registered_at').notNull(),
    registeredBy: uuid('registered_by')
      .notNull()
      .references(() => users.id),
    lastSeenAt: ms('last_seen_at'),
    /** The last pull that reached the end (caught up). */
    lastSyncAt: ms('last_sync_at'),
    /** Who last signed in online on it: the author of pushed entries that name nobody. */
    lastUserId: uuid('last_user_id').references(() => users.id),
    /** The current token stops working for sync at this time (issue 18): the workstation rotates it before. */
    tokenExpiresAt: ms('token_expires_at').notNull(),
    /**
     * The token it had before the last rotation, still accepted until `previous_token_expires_at`
     * (a short grace) so requests already in flight with it, or a rotation whose answer was lost,
     * do not cut the workstation off.
     */
    previousTokenHash: text('previous_token_hash'),
    previousTokenExpiresAt: ms('previous_token_expires_at'),
    /** An admin revoked it: no token of it works, and only an admin signing in on it registers it again. */
    revokedAt: ms('revoked_at'),
    revokedBy: uuid('revoked_by').references(() => users.id),
  },
  (t) => [uniqueIndex('workstations_token_hash_uq').on(t.tokenHash), index('workstations_previous_token_hash_idx').on(t.previousTokenHash)],
);

/**
 * Who has signed in online on each workstation (issue 18, items 1 and 10): written by every
 * online sign-in that names the workstation. Only these users can be the author of what the
 * workstation pushes, or be named in the sign-ins it reports from offline (an offline sign-in
 * needs the verifier an online sign-in there cached). Unlike sessions, rows are never cleaned up.
 */
export const workstationUsers = pgTable(
  'workstation_users',
  {
    workstationId: uuid('workstation_id')
      .notNull()
      .references(() => workstations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    firstSignedInAt: ms('first_signed_in_at').notNull(),
    lastSignedInAt: ms('last_signed_in_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workstationId, t.userId] })],
);

/**
 * Failed sign-ins per key ("user:<name>", whether or not the user exists, and "workstation:<id>"),
 * in the database so every server process sees them and a restart forgets nothing.
 */
export const signInThrottle = pgTable('sign_in_throttle', {
  key: text('key').primaryKey(),
  /** Failures since the last success: from the third on, each attempt waits (2, 4, 8… s). */
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  lastFailureAt: ms('last_failure_at').notNull(),
  /** Failures counted toward a lockout since windowStart. */
  windowStart: ms('window_start').notNull(),
  windowFailures: integer('window_failures').notNull().default(0),
  lockedUntil: ms('locked_until'),
});

/**
 * Who did what, when (issue 5). Append-only: a trigger refuses UPDATE and DELETE
 * (server/drizzle/0004_audit_log_append_only.sql). `at` is the store's clock; events a
 * workstation reports later keep their own time in `detail` and are idempotent by `event_id`.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    at: ms('at').notNull(),
    action: text('action', { enum: AUDIT_ACTIONS }).notNull(),
    userId: uuid('user_id'),
    username: text('username'),
    workstationId: uuid('workstation_id'),
    workstationName: text('workstation_name'),
    subject: text('subject'),
    detail: text('detail').notNull(),
    /** The id a workstation gave an event it recorded offline: a resend is a no-op. */
    eventId: uuid('event_id'),
  },
  (t) => [
    uniqueIndex('audit_log_event_uq').on(t.eventId),
    index('audit_log_action_idx').on(t.action, t.seq),
    index('audit_log_username_idx').on(t.username, t.seq),
    index('audit_log_workstation_idx').on(t.workstationId, t.seq),
    index('audit_log_at_idx').on(t.at),
  ],
);

// ——— Sync bookkeeping (used by push and pull) ———

/**
 * One row per workstation cache. Push applies a client's outbox entries in order: in the same
 * transaction as the mutation, `last_mutation_id` is checked and bumped atomically, so an id at
 * or below it is a duplicate and is skipped.
 */
export const clients = pgTable(
  'clients',
  {
    /** The cache's client id (a UUID it makes once; see ensureClientId in the client). */
    clientId: uuid('client_id').primaryKey(),
    /** Who first pushed from it, before workstations had tokens (issue 4); null since issue 5. */
    userId: uuid('user_id').references(() => users.id),
    /** The workstation whose token pushes this client's entries (the same id since issue 5). */
    workstationId: uuid('workstation_id').references(() => workstations.id),
    lastMutationId: bigint('last_mutation_id', { mode: 'number' }).notNull().default(0),
  },
  (t) => [index('clients_user_idx').on(t.userId)],
);

export const CHANGE_OPS = ['upsert', 'delete'] as const;

/**
 * The serialized change log the pull cursor reads. Every write to a server-owned row appends
 * (table_name, row_id, op) here in the same transaction, after taking
 * `pg_advisory_xact_lock(CHANGE_LOG_LOCK_KEY)`. The lock is held until commit, so versions
 * commit in the order they were assigned: when a reader sees version v, every version below v
 * has already committed or rolled back — a transaction that started earlier can never commit a
 * lower version later. (A bare sequence or `updated_at` cursor would skip such rows.)
 *
 * The pull cursor is the highest version a client has applied; a page is
 * `WHERE version > cursor ORDER BY version LIMIT n`, joined to the current row (or a tombstone
 * when op = 'delete' or the row is gone). Older entries for the same row may be compacted away.
 */
export const changeLog = pgTable(
  'change_log',
  {
    version: bigserial('version', { mode: 'number' }).primaryKey(),
    tableName: text('table_name').notNull(),
    /** The row's key as text (see rowKey in src-shared/sync/tables.ts): a UUID, or product_relations' composite key. */
    rowId: text('row_id').notNull(),
    op: text('op', { enum: CHANGE_OPS }).notNull(),
    at: ms('at').notNull().default(nowMs),
  },
  (t) => [index('change_log_row_idx').on(t.tableName, t.rowId), check('change_log_op_ck', oneOf(t.op, CHANGE_OPS))],
);

/** The advisory-lock key that serializes change_log appends (any fixed 64-bit number works). */
export const CHANGE_LOG_LOCK_KEY = 5_179_001;

/**
 * Facts about this store: `store_id` (a UUID made by the migration that created the table). A
 * client whose cursor came from another store starts its sync over.
 */
export const storeMeta = pgTable('store_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const MUTATION_OUTCOMES = ['applied', 'rejected'] as const;

/**
 * Every pushed mutation the store settled, applied or rejected, in server order (`seq`). A
 * rejected one keeps its error so the workstation can show it; the client's last_mutation_id is
 * bumped either way, so a poison entry never blocks the queue.
 */
export const mutationLog = pgTable(
  'mutation_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.clientId),
    mutationId: bigint('mutation_id', { mode: 'number' }).notNull(),
    /** The entry's author; null when it named a user the store does not know (then rejected). */
    userId: uuid('user_id').references(() => users.id),
    name: text('name').notNull(),
    schemaVersion: integer('schema_version').notNull(),
    outcome: text('outcome', { enum: MUTATION_OUTCOMES }).notNull(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    /** The workstation's clock when it was saved (display only). */
    clientCreatedAt: ms('client_created_at').notNull(),
    /**
     * SHA-256 of the entry as pushed (name, version, workstation time, arguments; keys sorted):
     * tells the same entry sent again from another one under a reused id (issue 18, item 13).
     * Null on rows settled before it existed (those compare by name and time).
     */
    contentHash: text('content_hash'),
    /** The server's clock when it was settled: the order that counts. */
    settledAt: ms('settled_at').notNull().default(nowMs),
  },
  (t) => [uniqueIndex('mutation_log_client_mutation_uq').on(t.clientId, t.mutationId)],
);

// ——— What CSRs write on workstations (pushed through the outbox; then the store's) ———
// Mirrors the cache's tables (src-main/core/db/schema.ts). Codes from the configurable lists
// (dispositions, complaint categories) are kept as text: the lists live with the workstations.

export const calls = pgTable(
  'calls',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id').references(() => customers.id),
    fromE164: text('from_e164'),
    /** The caller id exactly as received (issue 19): kept even when it cannot be read as a number. */
    fromRaw: text('from_raw'),
    source: text('source', { enum: CALL_SOURCES }).notNull(),
    agentId: text('agent_id').notNull(),
    status: text('status', { enum: CALL_STATUSES }).notNull(),
    startedAt: ms('started_at').notNull(),
    holdStartedAt: ms('hold_started_at'),
    talkEndedAt: ms('talk_ended_at'),
    completedAt: ms('completed_at'),
    talkMs: ms('talk_ms').notNull().default(0),
    holdMs: ms('hold_ms').notNull().default(0),
    wrapUpMs: ms('wrap_up_ms').notNull().default(0),
    dispositionCode: text('disposition_code'),
    wrapUpNotes: text('wrap_up_notes'),
    /** The caller's satisfaction answer at wrap-up, 1–5; null: no answer (issue 22). As in the cache. */
    satisfaction: integer('satisfaction'),
  },
  (t) => [
    index('calls_customer_started_idx').on(t.customerId, t.startedAt),
    index('calls_agent_started_idx').on(t.agentId, t.startedAt),
    /** The supervisors' list of low satisfaction scores (server/src/calls/routes.ts): only those calls, newest first. */
    index('calls_low_satisfaction_idx').on(t.completedAt).where(sql`${t.satisfaction} <= 2`),
    // Reports (issue 22), first-contact resolution: "did this customer call again about the same issue
    // within the window?" — one probe per call counted; measured 3.5 s → 1.0 s for 200,000 calls (status is read
    // from the row: in the index it took the plan of the low-satisfaction list on an empty table).
    index('calls_repeat_idx').on(t.customerId, t.dispositionCode, t.startedAt, t.id),
    /** The dashboard's rollup (issue 22): one day of every CSR's calls, rebuilt or asked of the rows while dirty. */
    index('calls_started_idx').on(t.startedAt),
  ],
);

/**
 * The follow-up a low satisfaction score (1 or 2) opens for the supervisors of the CSR's teams
 * (issue 22): one row per call, opened by a trigger on calls (server/drizzle/…_satisfaction_follow_ups.sql)
 * whenever a score of LOW_SATISFACTION_MAX or less arrives — at wrap-up (the `call.wrap_up`
 * mutation) or later from a survey tool (`POST /ingest/satisfaction`) — once, however often it is
 * sent. A supervisor claims it, then closes it ("Followed up") with a note (server/src/calls/routes.ts).
 */
export const satisfactionFollowUps = pgTable(
  'satisfaction_follow_ups',
  {
    callId: uuid('call_id')
      .primaryKey()
      .references(() => calls.id, { onDelete: 'cascade' }),
    /** When the score reached the store (its clock). */
    openedAt: ms('opened_at').notNull().default(nowMs),
    /** The supervisor (or admin) who took it; null: nobody yet. */
    claimedBy: uuid('claimed_by').references(() => users.id),
    claimedAt: ms('claimed_at'),
    /** What was done: required to close. */
    note: text('note'),
    closedBy: uuid('closed_by').references(() => users.id),
    /** Null while open. */
    closedAt: ms('closed_at'),
  },
  (t) => [
    /** The Approvals screen: open ones first, newest first. */
    index('satisfaction_follow_ups_open_idx').on(t.openedAt).where(sql`${t.closedAt} IS NULL`),
    index('satisfaction_follow_ups_closed_idx').on(t.closedAt),
  ],
);

export const complaints = pgTable(
  'complaints',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    callId: uuid('call_id').references(() => calls.id),
    orderId: uuid('order_id').references(() => orders.id),
    orderLineId: uuid('order_line_id').references(() => orderLines.id),
    categoryCode: text('category_code').notNull(),
    severity: text('severity', { enum: COMPLAINT_SEVERITIES }).notNull(),
    description: text('description').notNull(),
    desiredResolution: text('desired_resolution'),
    status: text('status', { enum: COMPLAINT_STATUSES }).notNull(),
    followUpOn: text('follow_up_on'),
    resolution: text('resolution'),
    resolvedAt: ms('resolved_at'),
    openedAt: ms('opened_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    agentId: text('agent_id').notNull(),
  },
  (t) => [
    index('complaints_customer_opened_idx').on(t.customerId, t.openedAt),
    index('complaints_status_follow_up_idx').on(t.status, t.followUpOn),
    // Reports (issue 22): complaints logged, resolved and open per CSR or team in a period.
    index('complaints_agent_opened_idx').on(t.agentId, t.openedAt),
    index('complaints_agent_resolved_idx').on(t.agentId, t.resolvedAt),
    /** The dashboard's rollup (issue 22): one day's complaints, logged or resolved, of every CSR. */
    index('complaints_opened_idx').on(t.openedAt),
    index('complaints_resolved_idx').on(t.resolvedAt),
  ],
);

export const complaintEvents = pgTable(
  'complaint_events',
  {
    id: uuid('id').primaryKey(),
    complaintId: uuid('complaint_id')
      .notNull()
      .references(() => complaints.id),
    callId: uuid('call_id').references(() => calls.id),
    agentId: text('agent_id').notNull(),
    at: ms('at').notNull(),
    kind: text('kind', { enum: COMPLAINT_EVENT_KINDS }).notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    detail: text('detail'),
  },
  (t) => [index('complaint_events_complaint_at_idx').on(t.complaintId, t.at)],
);

export const notes = pgTable(
  'notes',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    callId: uuid('call_id').references(() => calls.id),
    agentId: text('agent_id').notNull(),
    body: text('body').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('notes_customer_created_idx').on(t.customerId, t.createdAt)],
);

export const contactEdits = pgTable(
  'contact_edits',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    callId: uuid('call_id').references(() => calls.id),
    agentId: text('agent_id').notNull(),
    field: text('field').notNull(),
    oldValue: text('old_value'),
    newValue: text('new_value'),
    at: ms('at').notNull(),
    /** On whose word a consent changed (issue 23, CONSENT_SOURCES); null for other fields. */
    source: text('source'),
  },
  (t) => [index('contact_edits_customer_at_idx').on(t.customerId, t.at)],
);

export const offers = pgTable(
  'offers',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    callId: uuid('call_id').references(() => calls.id),
    agentId: text('agent_id').notNull(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    kind: text('kind', { enum: OFFER_KINDS }).notNull(),
    reason: text('reason').notNull(),
    outcome: text('outcome', { enum: OFFER_OUTCOMES }).notNull(),
    presentedAt: ms('presented_at').notNull(),
    decidedAt: ms('decided_at'),
  },
  (t) => [
    index('offers_customer_idx').on(t.customerId, t.presentedAt),
    index('offers_call_idx').on(t.callId),
    // Reports (issue 22): offers presented per CSR or team in a period.
    index('offers_agent_presented_idx').on(t.agentId, t.presentedAt),
    /** The dashboard's rollup (issue 22): one day's offers of every CSR. */
    index('offers_presented_idx').on(t.presentedAt),
  ],
);

// ——— Audience segments (issue 22) ———

/**
 * Per customer, what segments ask of their orders, kept by triggers on orders and customers
 * (server/drizzle/0017_segments.sql) from the same rules as the customer card
 * (src-shared/domain/order-value.ts): spending orders only; value in the customer's own currency;
 * the first spending order's channel (earliest placed, ties by id) as the acquisition channel. A
 * customer with no spending order has no row. The triggers fire also in bulk loads
 * (session_replication_role = replica), so a seeded store holds it too; the segment parity test
 * compares it with a plain TypeScript computation over the orders.
 */
export const customerOrderStats = pgTable(
  'customer_order_stats',
  {
    customerId: uuid('customer_id')
      .primaryKey()
      .references(() => customers.id, { onDelete: 'cascade' }),
    spendingOrders: integer('spending_orders').notNull(),
    valueCents: bigint('value_cents', { mode: 'number' }).notNull(),
    firstChannel: text('first_channel', { enum: ORDER_CHANNELS }),
    firstPlacedAt: ms('first_placed_at'),
  },
  (t) => [index('customer_order_stats_value_idx').on(t.valueCents)],
);

/**
 * Segments' "bought" filter (issue 22): per customer, the product categories bought on each UTC day
 * (days since 1970-01-01, from the line's placed_at) on spending orders (SPENDING_ORDER_STATUSES),
 * with the number of such lines. Kept by triggers on order_lines, orders and products (migration
 * 0026_segment_bought.sql, rendered by server/src/segments/bought-triggers.ts): a customer's rows are
 * rebuilt from their lines whenever a write touches them, so they never disagree with the rows.
 */
export const customerCategoryDays = pgTable(
  'customer_category_days',
  {
    customerId: uuid('customer_id').notNull(),
    category: text('category').notNull(),
    day: integer('day').notNull(),
    lines: integer('lines').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.category, t.day] }),
    /** The customers who bought in a category in a period, when that set is smaller than the other filters' (the median category). */
    index('customer_category_days_category_day_idx').on(t.category, t.day, t.customerId),
  ],
);

/** A segment a supervisor saved: its name and definition (src-shared/domain/segment.ts, as JSON). */
export const segments = pgTable(
  'segments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** The definition as parsed by segmentDefinition, JSON. */
    definition: text('definition').notNull(),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: ms('created_at').notNull().default(nowMs),
  },
  (t) => [uniqueIndex('segments_name_uq').on(sql`lower(${t.name})`)],
);

// ——— Customer email (issue 23) ———

/**
 * A template an admin edited, per kind of mail and language. The built-in ones live in code
 * (server/src/email/templates.ts); a row here replaces the built-in one of its kind and language.
 */
export const mailTemplates = pgTable(
  'mail_templates',
  {
    kind: text('kind', { enum: MAIL_KINDS }).notNull(),
    language: text('language').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    updatedAt: ms('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.language] }), check('mail_templates_kind_ck', oneOf(t.kind, MAIL_KINDS))],
);

/**
 * The durable outbox of customer mail: written in the same transaction as the order or complaint
 * it is about, one row per (kind, record) at most, sent by server/src/email/sender.ts. No address,
 * name or body is kept here: they are read when the mail is sent.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind', { enum: MAIL_KINDS }).notNull(),
    /** The order or complaint. */
    recordId: uuid('record_id').notNull(),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    state: text('state', { enum: MAIL_STATES }).notNull(),
    skipReason: text('skip_reason', { enum: MAIL_SKIP_REASONS }),
    /** The language it was (or will be) written in. */
    language: text('language').notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** When a pending mail may next be tried (epoch ms). */
    nextAttemptAt: ms('next_attempt_at'),
    /** When the sender claimed it (state sending): a claim older than the lease is taken again. */
    claimedAt: ms('claimed_at'),
    lastError: text('last_error'),
    /** The Message-ID every attempt carries, so a resend after an ambiguous failure is recognisable. */
    messageId: text('message_id').notNull(),
    createdAt: ms('created_at').notNull(),
    sentAt: ms('sent_at'),
  },
  (t) => [
    uniqueIndex('mail_outbox_record_uq').on(t.kind, t.recordId),
    index('mail_outbox_due_idx').on(t.state, t.nextAttemptAt),
    index('mail_outbox_created_idx').on(t.createdAt),
    index('mail_outbox_customer_idx').on(t.customerId),
    check('mail_outbox_kind_ck', oneOf(t.kind, MAIL_KINDS)),
    check('mail_outbox_state_ck', oneOf(t.state, MAIL_STATES)),
  ],
);

// ——— Order ingest and outbound webhooks (issue 23) ———

/**
 * A system that sends the store orders, order status changes, stock levels and survey answers
 * (a web shop, an OMS): its id is the `X-Switchboard-Key` header, its secret signs each delivery
 * (HMAC-SHA256). The secret is kept as issued, because verifying an HMAC needs it (a hash would
 * not do); it is shown to the admin once when the integration is created and never returned or
 * logged again (server/src/integrations). Disabling it refuses its deliveries at once.
 */
export const integrations = pgTable(
  'integrations',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    /** A short name ("shop", "oms"): the prefix of the order numbers it sends and its customers' import source. */
    source: text('source').notNull(),
    secret: text('secret').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: ms('created_at').notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    disabledAt: ms('disabled_at'),
  },
  (t) => [uniqueIndex('integrations_name_uq').on(sql`lower(${t.name})`)],
);

export const INGEST_KINDS = ['order', 'order_status', 'stock', 'satisfaction'] as const;
export const INGEST_STATES = ['pending', 'applied', 'dead'] as const;

/**
 * The durable queue of ingest deliveries: each accepted delivery is one row, committed before the
 * sender gets its 202, applied later by the ingest worker (server/src/ingest/worker.ts). A
 * delivery sent again under the same idempotency key finds its row and adds nothing. `dead`: it
 * could not be applied (the reason in `last_error`); it never blocks those behind it.
 */
export const ingestDeliveries = pgTable(
  'ingest_deliveries',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id),
    kind: text('kind', { enum: INGEST_KINDS }).notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    /**
     * The body exactly as signed, while it is needed: empty once applied, a week after it died, or
     * when the customer it names is erased (server/src/ingest/retention.ts).
     */
    body: text('body').notNull(),
    /**
     * Hex SHA-256 of the body's bytes: the same idempotency key with another body is refused
     * (409 `idempotency_conflict`), the same key with the same body is the duplicate it always was.
     */
    bodyHash: text('body_hash').notNull(),
    state: text('state', { enum: INGEST_STATES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    receivedAt: ms('received_at').notNull(),
    nextAttemptAt: ms('next_attempt_at').notNull(),
    settledAt: ms('settled_at'),
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('ingest_deliveries_key_uq').on(t.integrationId, t.idempotencyKey),
    /** The worker's claim: pending deliveries in arrival order. */
    index('ingest_deliveries_pending_idx').on(t.seq).where(sql`${t.state} = 'pending'`),
    check('ingest_deliveries_state_ck', oneOf(t.state, INGEST_STATES)),
  ],
);

/** The source's own id of each ingested order, unique per integration: re-delivery and reconciliation find it by this. Store only. */
export const orderSources = pgTable(
  'order_sources',
  {
    orderId: uuid('order_id')
      .primaryKey()
      .references(() => orders.id, { onDelete: 'cascade' }),
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id),
    sourceOrderId: text('source_order_id').notNull(),
    placedAt: ms('placed_at').notNull(),
  },
  (t) => [
    uniqueIndex('order_sources_source_uq').on(t.integrationId, t.sourceOrderId),
    /** Reconciliation: an integration's orders in a period. */
    index('order_sources_placed_idx').on(t.integrationId, t.placedAt),
  ],
);

/** Where the store sends events (complaint logged, order confirmed…), registered by admins. The secret signs each delivery; never returned after creation. */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: uuid('id').primaryKey(),
  url: text('url').notNull(),
  /** The event kinds it receives, JSON array (src-shared/contracts/webhooks.ts, WEBHOOK_EVENTS). */
  events: text('events').notNull(),
  secret: text('secret').notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: ms('created_at').notNull(),
  createdBy: uuid('created_by').references(() => users.id),
  disabledAt: ms('disabled_at'),
});

/**
 * Every event, written in the same transaction as the change it tells of. `key` makes emitting the
 * same fact twice (a push applied again) a no-op; `id` is the `X-Switchboard-Event-Id` receivers
 * de-duplicate by.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    /** The JSON body sent. */
    payload: text('payload').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('webhook_events_key_uq').on(t.key)],
);

export const WEBHOOK_DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;

/** One event to one endpoint: tried until delivered, with backoff, for up to a day (then failed). */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => webhookEvents.id),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    state: text('state', { enum: WEBHOOK_DELIVERY_STATES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: ms('created_at').notNull(),
    nextAttemptAt: ms('next_attempt_at').notNull(),
    lastAttemptAt: ms('last_attempt_at'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: ms('delivered_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_endpoint_uq').on(t.eventId, t.endpointId),
    /** The delivery worker's claim: pending deliveries that are due. */
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.state} = 'pending'`),
    /** The admins' delivery log, newest first. */
    index('webhook_deliveries_created_idx').on(t.createdAt),
    check('webhook_deliveries_state_ck', oneOf(t.state, WEBHOOK_DELIVERY_STATES)),
  ],
);

/**
 * Erasure requests (issue 23, server/src/privacy): a supervisor asks, an admin confirms or
 * declines. The reason is the requester's words about the request, not about the customer; store
 * only, not synced. At most one pending request per customer.
 */
export const erasureRequests = pgTable(
  'erasure_requests',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    reason: text('reason').notNull(),
    status: text('status', { enum: ERASURE_STATUSES }).notNull().default('pending'),
    requestedBy: text('requested_by').notNull(),
    requestedAt: ms('requested_at').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: ms('decided_at'),
  },
  (t) => [
    check('erasure_requests_status_ck', oneOf(t.status, ERASURE_STATUSES)),
    uniqueIndex('erasure_requests_pending_uq').on(t.customerId).where(sql`${t.status} = 'pending'`),
    index('erasure_requests_status_idx').on(t.status, t.requestedAt),
  ],
);

/**
 * The dashboard's rollup (issue 22, server/src/reports/rollup.ts): per metric of METRICS, per UTC
 * day and per CSR, channel, campaign and currency (NULL where the metric's fact has no such field),
 * the integer components its compiled query gives for those rows (c1 is 0 for counts and sums). Only
 * the days listed in report_rollup_days and not in report_dirty are read from it; every other day
 * of a period is asked of the rows, so an answer never differs from the live one.
 */
export const reportRollup = pgTable(
  'report_rollup',
  {
    metric: text('metric').notNull(),
    day: text('day').notNull(),
    csr: text('csr'),
    channel: text('channel'),
    campaign: text('campaign'),
    currency: text('currency'),
    c0: bigint('c0', { mode: 'number' }).notNull(),
    c1: bigint('c1', { mode: 'number' }).notNull(),
  },
  // Every column: a dashboard's sums are read from the index alone (a team's CSRs probed by csr within each metric's days).
  (t) => [index('report_rollup_metric_day_idx').on(t.metric, t.day, t.csr, t.channel, t.campaign, t.currency, t.c0, t.c1)],
);

/**
 * The days the rollup holds (built from the rows at `builtAt`), dirty or not, and from which
 * declarations (`version`, rollup.ts ROLLUP_VERSION): a day built before a metric changed is not read.
 */
export const reportRollupDays = pgTable('report_rollup_days', {
  day: text('day').primaryKey(),
  builtAt: ms('built_at').notNull(),
  version: text('version').notNull(),
});

/**
 * Days whose rollup rows may be stale: the triggers of migration report_rollup add one row per day a
 * write may have changed a metric of (its own rows' days and the days of the rows whose condition
 * reads it); the refresher deletes exactly the rows it saw after rebuilding those days.
 */
export const reportDirty = pgTable(
  'report_dirty',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    day: text('day').notNull(),
  },
  (t) => [index('report_dirty_day_idx').on(t.day)],
);
