/**
 * The seed generator: fills a cache with customers, their phones, emails and address, a product
 * catalogue, and orders with line items — deterministically (same seed and `now`, same rows) and
 * fast enough for a million customers. Used by the app's first start (a small demo), by tests
 * (fixtures) and by the benchmark.
 *
 * Rows are streamed: each customer's orders are built in memory (a few objects), written with
 * prepared statements, and dropped; a transaction covers one batch of customers. Nothing grows
 * with the number of customers except SQLite's file.
 */
import type Database from 'better-sqlite3';
import type { CountryCode } from 'libphonenumber-js/max';
import type { WritableDb } from '../db/open';
import type { LoyaltyTier, OrderChannel, OrderStatus, PhoneKind, Segment } from '../../../src-shared/domain/customer';
import {
  buildCatalogue,
  catalogueFromRows,
  INTERESTS,
  type Catalogue,
  type CatalogueProduct,
  type CatalogueRelation,
  type Interest,
  type ProductRow,
} from './catalogue';
import { buildPools, COUNTRIES, COUNTRY_WEIGHTS, type CountryProfile, type NamePools } from './countries';
import { PhoneNumberPlan, RAW_STYLES, type RawStyle } from './phones';
import { AscendingIds, SeedRandom } from './random';
import { WELL_KNOWN_CUSTOMERS, type WellKnownCustomer } from './well-known';
import { countsAsSpending } from '../../../src-shared/domain/order-value';
import { deferIndexes, restoreDeferredIndexes } from './seed-indexes';

export { restoreDeferredIndexes } from './seed-indexes';

export interface SeedProgress {
  customers: number;
  target: number;
  orders: number;
  lines: number;
  ms: number;
}

export interface SeedOptions {
  customers: number;
  seed: number;
  /** Average orders per customer (exponentially distributed: many have 1–3, a few have 20+). */
  ordersPerCustomer?: number;
  /** "Now" in ms: orders are placed in the three years before it. Defaults to today 00:00 UTC. */
  now?: number;
  /** Customers per transaction. */
  batchSize?: number;
  /**
   * Build the child tables' secondary indexes after the load instead of during it. Only for an
   * empty cache; defaults to on from DEFER_INDEXES_FROM customers.
   */
  deferIndexes?: boolean;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedSummary {
  customers: number;
  orders: number;
  lines: number;
  products: number;
  productRelations: number;
  phones: number;
  emails: number;
  addresses: number;
  /** Every row written (FTS index entries not counted). */
  rows: number;
  ms: number;
}

export const DEMO_SEED = 20240611;
export const DEMO_CUSTOMERS = 2000;
export const DEFAULT_ORDERS_PER_CUSTOMER = 5;
const DEFAULT_BATCH = 5000;
/** From this many customers a fresh load builds secondary indexes afterwards (see deferIndexes). */
export const DEFER_INDEXES_FROM = 20_000;
/** Page cache during a fresh bulk load (negative: KiB), 256 MiB. */
const BULK_CACHE_KIB = -262_144;
const MAX_ORDERS_PER_CUSTOMER = 60;
const DAY = 86_400_000;
const HISTORY_MS = 3 * 365 * DAY;

const FIRST_ORDER_NUMBER = 10_000_000;
const LAST_ORDER_NUMBER = 99_999_999;

/**
 * Order numbers "SB" + 8 digits, ascending with small random gaps (numbers are shared with the
 * web shop and the stores, so one customer's orders are never consecutive). Starts after the
 * highest number already in the cache.
 */
export class OrderNumbers {
  private last: number;
  private readonly maxGap: number;

  constructor(
    private readonly random: SeedRandom,
    after: number,
    expected: number,
  ) {
    this.last = Math.max(after, FIRST_ORDER_NUMBER - 1);
    const room = LAST_ORDER_NUMBER - this.last;
    // Mean gap (maxGap + 1) / 2, sized so `expected` × 1.25 orders still fit in 8 digits.
    this.maxGap = Math.max(1, Math.min(9, Math.floor((2 * room) / Math.max(1, expected * 1.25)) - 1));
  }

  next(): string {
    this.last += 1 + this.random.int(this.maxGap);
    if (this.last > LAST_ORDER_NUMBER) throw new RangeError('Order numbers have run out of 8 digits: seed fewer orders.');
    return `SB${this.last}`;
  }
}

const CAMPAIGNS = ['WELCOME15', 'SPRING-TRAIL', 'SUMMER-RUN', 'BF-DEALS', 'XMAS-GIFTS', 'COFFEE-CLUB', 'INK-SAVER', 'NEWSLETTER', 'PODCAST-RUN', 'INSTAGRAM'] as const;
const CHANNELS: readonly OrderChannel[] = ['web', 'phone', 'store'];
const CHANNEL_WEIGHTS = [60, 25, 15];
const LINE_COUNTS = [1, 2, 3, 4];
const LINE_COUNT_WEIGHTS = [45, 30, 17, 8];
/** Raw phone styles, most common first: source systems mostly hand over national or E.164 forms. */
const STYLE_WEIGHTS: Record<RawStyle, number> = { national: 30, e164: 20, international: 20, international_00: 8, dashed: 10, dotted: 6, compact: 6 };
const STYLE_WEIGHT_LIST = RAW_STYLES.map((s) => STYLE_WEIGHTS[s]);
const SECOND_LINES = ['Apt 4B', 'Flat 2', 'Suite 310', 'Unit 7', '2nd floor', 'c/o Reception', 'Building C'];

/** ASCII form of a name for email addresses: "Zoë Müller-Åström" → "zoemullerastrom". */
export function asciiFold(text: string): string {
  return text
    .replace(/ß/g, 'ss')
    .replace(/[Ææ]/g, 'ae')
    .replace(/[Øø]/g, 'o')
    .replace(/[Łł]/g, 'l')
    .replace(/[Œœ]/g, 'oe')
    .replace(/[Đđ]/g, 'd')
    .replace(/[Þþ]/g, 'th')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function retail(cents: number): number {
  return Math.max(99, Math.round(cents / 100) * 100 - 1);
}

function tierFor(points: number): LoyaltyTier {
  if (points >= 4000) return 'platinum';
  if (points >= 1500) return 'gold';
  if (points >= 500) return 'silver';
  if (points >= 50) return 'bronze';
  return 'none';
}

interface LineDraft {
  product: CatalogueProduct;
  quantity: number;
  unitPriceCents: number;
}

interface OrderDraft {
  placedAt: number;
  channel: OrderChannel;
  campaignCode: string | null;
  status: OrderStatus;
  lines: LineDraft[];
  subtotal: number;
  discount: number;
  tax: number;
  shipping: number;
  total: number;
}

function statusFor(random: SeedRandom, ageMs: number): OrderStatus {
  if (ageMs < 2 * DAY) return random.chance(0.6) ? 'placed' : 'paid';
  if (ageMs < 7 * DAY) return random.chance(0.5) ? 'paid' : 'shipped';
  if (ageMs < 21 * DAY) return random.chance(0.03) ? 'cancelled' : random.chance(0.5) ? 'shipped' : 'delivered';
  const r = random.next();
  return r < 0.04 ? 'cancelled' : r < 0.09 ? 'returned' : 'delivered';
}

/** Orders that count towards lifetime value: the one definition, src-shared/domain/order-value.ts. */
export const countsTowardsLifetimeValue = countsAsSpending;

interface Statements {
  customer: Database.Statement;
  phone: Database.Statement;
  email: Database.Statement;
  address: Database.Statement;
  order: Database.Statement;
  line: Database.Statement;
}

function prepare(client: Database.Database): Statements {
  return {
    customer: client.prepare(
      `INSERT INTO customers (id, first_name, last_name, loyalty_tier, loyalty_points, marketing_consent, segment, lifetime_value_cents, currency, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    phone: client.prepare(`INSERT INTO customer_phones (id, customer_id, e164, raw, kind, is_primary) VALUES (?, ?, ?, ?, ?, ?)`),
    email: client.prepare(`INSERT INTO customer_emails (id, customer_id, email, is_primary) VALUES (?, ?, ?, ?)`),
    address: client.prepare(
      `INSERT INTO customer_addresses (id, customer_id, kind, line1, line2, city, region, postal_code, country, is_primary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    order: client.prepare(
      `INSERT INTO orders (id, number, customer_id, channel, campaign_code, status, currency, subtotal_cents, discount_cents, tax_cents, shipping_cents, total_cents, placed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    line: client.prepare(
      `INSERT INTO order_lines (id, order_id, line_no, product_id, customer_id, placed_at, sku, name, quantity, unit_price_cents, total_cents)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
}

function count(client: Database.Database, table: string): number {
  return (client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

function ensureCatalogue(client: Database.Database, seed: number): { catalogue: Catalogue; inserted: number; relations: number } {
  if (count(client, 'products') > 0) {
    const rows = client
      .prepare(`SELECT id, sku, name, brand, part_number, category, price_cents, replenish_days FROM products ORDER BY rowid`)
      .all() as ProductRow[];
    const relations = client
      .prepare(`SELECT product_id AS productId, related_product_id AS relatedProductId, kind FROM product_relations`)
      .all() as CatalogueRelation[];
    return { catalogue: catalogueFromRows(rows, relations), inserted: 0, relations: 0 };
  }
  const catalogue = buildCatalogue(seed);
  const product = client.prepare(
    `INSERT INTO products (id, sku, name, brand, part_number, category, price_cents, currency, is_consumable, replenish_days) VALUES (?, ?, ?, ?, ?, ?, ?, 'USD', ?, ?)`,
  );
  const relation = client.prepare(`INSERT INTO product_relations (product_id, related_product_id, kind) VALUES (?, ?, ?)`);
  client.transaction(() => {
    for (const p of catalogue.products) {
      product.run(p.id, p.sku, p.name, p.brand, p.partNumber, p.category, p.priceCents, p.isConsumable ? 1 : 0, p.replenishDays);
    }
    for (const r of catalogue.relations) relation.run(r.productId, r.relatedProductId, r.kind);
  })();
  return { catalogue, inserted: catalogue.products.length, relations: catalogue.relations.length };
}

function validate(options: SeedOptions): void {
  const { customers, seed, ordersPerCustomer, now, batchSize } = options;
  if (!Number.isSafeInteger(customers) || customers < 0) throw new RangeError(`customers must be a whole number ≥ 0, not ${customers}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a whole number, not ${seed}`);
  if (ordersPerCustomer !== undefined && !(Number.isFinite(ordersPerCustomer) && ordersPerCustomer >= 0 && ordersPerCustomer <= 50)) {
    throw new RangeError(`ordersPerCustomer must be between 0 and 50, not ${ordersPerCustomer}`);
  }
  if (now !== undefined && !Number.isSafeInteger(now)) throw new RangeError(`now must be a time in ms, not ${now}`);
  if (batchSize !== undefined && (!Number.isSafeInteger(batchSize) || batchSize < 1)) throw new RangeError(`batchSize must be ≥ 1, not ${batchSize}`);
}

/**
 * Seeds `options.customers` more customers (with phones, emails, an address and orders) into the
 * cache, plus the product catalogue if the cache has none. With an empty cache the result depends
 * only on `seed`, `ordersPerCustomer` and `now`.
 */
export function seedCache(db: WritableDb, options: SeedOptions): SeedSummary {
  validate(options);
  const started = performance.now();
  const client = db.$client;
  restoreDeferredIndexes(db);
  const now = options.now ?? Math.floor(Date.now() / DAY) * DAY;
  const meanOrders = options.ordersPerCustomer ?? DEFAULT_ORDERS_PER_CUSTOMER;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const target = options.customers;

  const existingCustomers = count(client, 'customers');
  const fresh = existingCustomers === 0;
  // More customers into a seeded cache: a different stream, so ids never repeat the first run's.
  const random = new SeedRandom(options.seed, `customers:${existingCustomers}`);
  const lastOrder = client.prepare(`SELECT max(number) AS n FROM orders WHERE number GLOB 'SB[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'`).get() as { n: string | null };
  const expectedOrders = target * meanOrders;
  const orderNumbers = new OrderNumbers(random, lastOrder.n ? Number(lastOrder.n.slice(2)) : 0, expectedOrders);
  const ids = {
    customer: new AscendingIds(random, target),
    phone: new AscendingIds(random, target * 1.4),
    email: new AscendingIds(random, target * 1.25),
    address: new AscendingIds(random, target),
    order: new AscendingIds(random, expectedOrders),
    line: new AscendingIds(random, expectedOrders * 2),
  };

  const { catalogue, inserted: productsInserted, relations: relationsInserted } = ensureCatalogue(client, options.seed);
  if (catalogue.products.length === 0) throw new Error('The cache has no products to order.');
  const productsBySku = new Map(catalogue.products.map((p) => [p.sku, p]));
  const pools = new Map<CountryCode, NamePools>(COUNTRIES.map((c) => [c.country, buildPools(c, options.seed)]));
  const profiles = new Map<CountryCode, CountryProfile>(COUNTRIES.map((c) => [c.country, c]));
  const phones = new PhoneNumberPlan(
    COUNTRIES.map((c) => c.country),
    count(client, 'customer_phones'),
  );
  const st = prepare(client);
  const totals = { customers: 0, orders: 0, lines: 0, phones: 0, emails: 0, addresses: 0 };

  const pickProduct = (interests: readonly Interest[]): CatalogueProduct => {
    if (random.chance(0.8)) {
      const list = catalogue.byInterest.get(random.pick(interests));
      if (list && list.length > 0) return random.pickSkewed(list);
    }
    return random.pickSkewed(catalogue.products);
  };

  const draftOrders = (profile: CountryProfile, createdAt: number, interests: readonly Interest[], preferred: OrderChannel, firstSkus: readonly string[] | null): OrderDraft[] => {
    let n = Math.min(MAX_ORDERS_PER_CUSTOMER, Math.round(-Math.log(1 - random.next()) * meanOrders));
    if (firstSkus && n === 0) n = 1;
    const times: number[] = [];
    for (let i = 0; i < n; i++) times.push(createdAt + random.int(Math.max(1, now - createdAt)));
    times.sort((a, b) => a - b);
    const consumables: CatalogueProduct[] = [];
    const orders: OrderDraft[] = [];
    for (let o = 0; o < n; o++) {
      const placedAt = times[o]!;
      const channel = random.chance(0.7) ? preferred : random.pickWeighted(CHANNELS, CHANNEL_WEIGHTS);
      const campaignCode = random.chance(o === 0 ? 0.35 : 0.15) ? random.pick(CAMPAIGNS) : null;
      const lines: LineDraft[] = [];
      const addLine = (product: CatalogueProduct): void => {
        const same = lines.find((l) => l.product === product);
        if (same) {
          same.quantity += 1;
          return;
        }
        const quantity = product.isConsumable ? random.between(1, 3) : random.chance(0.05) ? 2 : 1;
        lines.push({ product, quantity, unitPriceCents: retail(product.priceCents * profile.perUsdCent) });
        if (product.isConsumable && !consumables.includes(product)) consumables.push(product);
      };
      if (o === 0 && firstSkus) {
        for (const sku of firstSkus) {
          const p = productsBySku.get(sku);
          if (p) addLine(p);
        }
      }
      const lineCount = lines.length > 0 ? lines.length : random.pickWeighted(LINE_COUNTS, LINE_COUNT_WEIGHTS);
      while (lines.length < lineCount) {
        const previous = lines[lines.length - 1]?.product;
        const related = previous ? catalogue.relatedOf.get(previous.id) : undefined;
        if (related && related.length > 0 && random.chance(0.4)) addLine(random.pick(related));
        else if (lines.length === 0 && consumables.length > 0 && random.chance(0.3)) addLine(random.pick(consumables));
        else addLine(pickProduct(interests));
      }
      let subtotal = 0;
      for (const l of lines) subtotal += l.quantity * l.unitPriceCents;
      const discountRate = campaignCode === 'WELCOME15' ? 0.15 : campaignCode ? 0.1 : random.chance(0.04) ? 0.05 : 0;
      const discount = Math.round(subtotal * discountRate);
      const net = subtotal - discount;
      const tax = Math.round(net * profile.taxRate);
      const shipping = channel === 'store' || net >= profile.freeShippingCents ? 0 : profile.shippingCents;
      orders.push({
        placedAt,
        channel,
        campaignCode,
        status: statusFor(random, now - placedAt),
        lines,
        subtotal,
        discount,
        tax,
        shipping,
        total: net + tax + shipping,
      });
    }
    return orders;
  };

  const writeCustomer = (index: number): void => {
    const known: WellKnownCustomer | undefined = fresh ? WELL_KNOWN_CUSTOMERS[index] : undefined;
    const profile = known ? profiles.get(known.country)! : random.pickWeighted(COUNTRIES, COUNTRY_WEIGHTS);
    const pool = pools.get(profile.country)!;
    const id = ids.customer.next();
    const firstName = known ? known.firstName : random.pick(pool.firstNames);
    const lastName = known ? known.lastName : random.pick(pool.lastNames);
    const interests: Interest[] = [random.pick(INTERESTS)];
    if (random.chance(0.35)) {
      const second = random.pick(INTERESTS);
      if (second !== interests[0]) interests.push(second);
    }
    const preferred = random.pickWeighted(CHANNELS, CHANNEL_WEIGHTS);
    const createdAt = now - HISTORY_MS + random.int(HISTORY_MS - DAY);
    const orders = draftOrders(profile, createdAt, interests, preferred, known ? known.firstOrderSkus : null);

    let lifetimeValue = 0;
    for (const o of orders) if (countsTowardsLifetimeValue(o.status)) lifetimeValue += o.total;
    const enrolled = orders.length > 0 && random.chance(0.75);
    const points = enrolled ? Math.floor(lifetimeValue / profile.perUsdCent / 100) : 0;
    const lastOrderAt = orders.length > 0 ? orders[orders.length - 1]!.placedAt : null;
    let segment: Segment;
    if (random.chance(0.01)) segment = 'wholesale';
    else if (lastOrderAt === null || (orders.length === 1 && now - createdAt < 90 * DAY)) segment = 'new';
    else if (now - lastOrderAt > 365 * DAY) segment = 'lapsed';
    else if (orders.length >= 10 || lifetimeValue / profile.perUsdCent >= 200_000) segment = 'vip';
    else if (orders.length >= 4) segment = 'regular';
    else segment = 'occasional';
    const consent = random.chance(0.55) ? 1 : 0;

    st.customer.run(id, firstName, lastName, tierFor(points), points, consent, segment, lifetimeValue, profile.currency, createdAt, lastOrderAt ?? createdAt);
    totals.customers++;

    // Phones: 1–2, the first primary.
    if (known) {
      known.phones.forEach((p, i) => st.phone.run(ids.phone.next(), id, p.e164, p.raw, p.kind, i === 0 ? 1 : 0));
      totals.phones += known.phones.length;
    } else {
      const phoneCount = random.chance(0.4) ? 2 : 1;
      for (let i = 0; i < phoneCount; i++) {
        const kind: PhoneKind = i === 0 ? (random.chance(0.8) ? 'mobile' : 'home') : random.chance(0.5) ? 'home' : 'work';
        const phone = phones.next(profile.country, kind, random.pickWeighted(RAW_STYLES, STYLE_WEIGHT_LIST));
        st.phone.run(ids.phone.next(), id, phone.e164, phone.raw, kind, i === 0 ? 1 : 0);
      }
      totals.phones += phoneCount;
    }

    // Emails: 1–2, lower-case, from the ASCII-folded name.
    if (known) {
      known.emails.forEach((e, i) => st.email.run(ids.email.next(), id, e, i === 0 ? 1 : 0));
      totals.emails += known.emails.length;
    } else {
      const first = asciiFold(firstName) || 'customer';
      const last = asciiFold(lastName) || 'mail';
      const emailCount = random.chance(0.25) ? 2 : 1;
      for (let i = 0; i < emailCount; i++) {
        const pattern = random.int(5);
        const local =
          pattern === 0 ? `${first}.${last}` : pattern === 1 ? `${first}${last}` : pattern === 2 ? `${first[0]}${last}` : pattern === 3 ? `${first}_${last}` : `${last}.${first}`;
        const email = `${local}${random.between(1, 9999)}@${random.pick(profile.emailDomains)}`;
        st.email.run(ids.email.next(), id, email, i === 0 ? 1 : 0);
      }
      totals.emails += emailCount;
    }

    st.address.run(
      ids.address.next(),
      id,
      'shipping',
      random.pick(pool.streets),
      random.chance(0.1) ? random.pick(SECOND_LINES) : null,
      random.pick(pool.cities),
      pool.regions.length > 0 ? random.pick(pool.regions) : null,
      random.pick(pool.postalCodes),
      profile.country,
      1,
    );
    totals.addresses++;

    for (const o of orders) {
      const orderId = ids.order.next();
      st.order.run(orderId, orderNumbers.next(), id, o.channel, o.campaignCode, o.status, profile.currency, o.subtotal, o.discount, o.tax, o.shipping, o.total, o.placedAt);
      o.lines.forEach((l, i) => {
        st.line.run(ids.line.next(), orderId, i + 1, l.product.id, id, o.placedAt, l.product.sku, l.product.name, l.quantity, l.unitPriceCents, l.quantity * l.unitPriceCents);
      });
      totals.orders++;
      totals.lines += o.lines.length;
    }
  };

  // A fresh file holds nothing worth protecting yet: skip fsyncs during the bulk load, and give
  // the page cache room for the indexes that take inserts all over (e164, email, FTS).
  const cacheSize = client.pragma('cache_size', { simple: true }) as number;
  if (fresh) {
    client.pragma('synchronous = OFF');
    client.pragma(`cache_size = ${BULK_CACHE_KIB}`);
  }
  try {
    if (fresh && (options.deferIndexes ?? target >= DEFER_INDEXES_FROM)) deferIndexes(client);
    const writeBatch = client.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) writeCustomer(i);
    });
    for (let from = 0; from < target; from += batchSize) {
      writeBatch(from, Math.min(target, from + batchSize));
      options.onProgress?.({ customers: totals.customers, target, orders: totals.orders, lines: totals.lines, ms: performance.now() - started });
    }
    client
      .prepare(`INSERT INTO cache_meta (key, value) VALUES ('seed', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
      .run(JSON.stringify({ seed: options.seed, customers: existingCustomers + totals.customers, ordersPerCustomer: meanOrders, now }));
  } finally {
    // Also after a failure: the cache must never be left without its indexes.
    restoreDeferredIndexes(db);
    if (fresh) {
      client.pragma('synchronous = FULL');
      client.pragma(`cache_size = ${cacheSize}`);
    }
  }
  // Planner statistics for the new data; analysis_limit keeps it to a sample (seconds, not minutes).
  client.pragma('analysis_limit = 1000');
  client.exec('ANALYZE');

  const products = productsInserted;
  const rows = totals.customers + totals.orders + totals.lines + totals.phones + totals.emails + totals.addresses + products + relationsInserted;
  return { ...totals, products, productRelations: relationsInserted, rows, ms: performance.now() - started };
}

/**
 * First start: a small demo cache (DEMO_CUSTOMERS customers, fixed seed) so the app has someone to
 * find. Does nothing when the cache already holds customers (from sync or an earlier start).
 */
export function seedDemoIfEmpty(db: WritableDb, options: { now?: number } = {}): SeedSummary | null {
  if (count(db.$client, 'customers') > 0) return null;
  return seedCache(db, { customers: DEMO_CUSTOMERS, seed: DEMO_SEED, ...(options.now === undefined ? {} : { now: options.now }) });
}
