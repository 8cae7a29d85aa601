/**
 * The seed generator: customers, their phones, emails and address, a product catalogue, and
 * orders with line items, emitted as rows (./rows.ts) — deterministically (same seed, `now` and
 * starting point, same rows) and fast enough for a million customers. It writes nothing: the
 * cache's seeder (src-main/core/seed/cache-seeder.ts) writes the rows into SQLite, the central
 * store's demo (server/src/seed/demo.ts) into PostgreSQL, so a store and a workstation seeded
 * alike hold the very same rows, ids included.
 *
 * Customers are emitted one at a time (a few objects each) and dropped once written: nothing grows
 * with the number of customers. Faker's locale data (~35 MB) loads with this module, so both
 * sides import it only when they seed (issue 20: a store started with --no-demo never loads it).
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type { LoyaltyTier, OrderChannel, OrderStatus, PhoneKind, Segment } from '../domain/customer';
import { countsAsSpending } from '../domain/order-value';
import { buildCampaigns, buildDiscountLimits, campaignUsable, type DiscountOverride } from './campaigns';
import { buildCatalogue, INTERESTS, validateProductCount, type Catalogue, type CatalogueProduct, type Interest } from './catalogue';
import { buildPools, COUNTRIES, COUNTRY_WEIGHTS, type CountryProfile, type NamePools } from './countries';
import { PhoneNumberPlan, RAW_STYLES, type RawStyle } from './phones';
import { AscendingIds, SeedRandom } from './random';
import type {
  CampaignRow,
  CustomerAddressRow,
  CustomerEmailRow,
  CustomerPhoneRow,
  CustomerRow,
  CustomerRows,
  DiscountLimitRow,
  OrderLineRow,
  OrderRow,
  ProductPriceRow,
  ProductRelationRow,
  ProductRow,
} from './rows';
import { NO_PHONE_ORDER_FIELDS } from './rows';
import { WELL_KNOWN_CUSTOMERS, type WellKnownCustomer } from './well-known';

export const DEMO_SEED = 20240611;
export const DEMO_CUSTOMERS = 2000;
export const DEFAULT_ORDERS_PER_CUSTOMER = 5;
const MAX_ORDERS_PER_CUSTOMER = 60;
const DAY = 86_400_000;
const HISTORY_MS = 3 * 365 * DAY;

const FIRST_ORDER_NUMBER = 10_000_000;
const LAST_ORDER_NUMBER = 99_999_999;

export interface GenerateOptions {
  customers: number;
  seed: number;
  /** Average orders per customer (exponentially distributed: many have 1–3, a few have 20+). */
  ordersPerCustomer?: number;
  /** "Now" in ms: orders are placed in the three years before it. Defaults to today 00:00 UTC. */
  now?: number;
  /** Catalogue size, MIN_PRODUCTS to MAX_PRODUCTS; defaults to defaultProductCount() (~1,150). */
  products?: number;
  /** Per-user discount limits to add to the role defaults (store user ids). */
  discountOverrides?: readonly DiscountOverride[];
}

/**
 * What the target already holds, so that a second run into a seeded cache continues it (new ids,
 * order numbers and phone numbers; the products that are there). A fresh target is EMPTY_TARGET.
 */
export interface SeedTarget {
  customers: number;
  /** The highest "SB" order number's digits there, 0 when none. */
  lastOrderNumber: number;
  phones: number;
  /** The products there; null: none, the generator makes the catalogue and emits its rows. */
  catalogue: Catalogue | null;
  /** The campaigns there; null: none, the generator makes them and the discount limits, and emits their rows. */
  campaigns: readonly CampaignRow[] | null;
}

export const EMPTY_TARGET: SeedTarget = { customers: 0, lastOrderNumber: 0, phones: 0, catalogue: null, campaigns: null };

export interface GeneratedSeed {
  /** "Now" the orders were placed before (ms). */
  now: number;
  ordersPerCustomer: number;
  /** The catalogue's rows when the generator made it; empty when the target had one. */
  products: ProductRow[];
  /** One per product and selling currency. */
  productPrices: ProductPriceRow[];
  productRelations: ProductRelationRow[];
  /** Campaigns and discount limits when the generator made them; empty when the target had campaigns. */
  campaigns: CampaignRow[];
  discountLimits: DiscountLimitRow[];
  /** The customers and their rows, one at a time; every call of next() draws the next customer. */
  customers: Generator<CustomerRows, void, undefined>;
}

/**
 * Order numbers "SB" + 8 digits, ascending with small random gaps (numbers are shared with the
 * web shop and the stores, so one customer's orders are never consecutive). Starts after the
 * highest number already in the target.
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

/** Throws a RangeError naming the first option out of range. */
export function validateGenerateOptions(options: GenerateOptions): void {
  const { customers, seed, ordersPerCustomer, now, products } = options;
  if (!Number.isSafeInteger(customers) || customers < 0) throw new RangeError(`customers must be a whole number ≥ 0, not ${customers}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a whole number, not ${seed}`);
  if (ordersPerCustomer !== undefined && !(Number.isFinite(ordersPerCustomer) && ordersPerCustomer >= 0 && ordersPerCustomer <= 50)) {
    throw new RangeError(`ordersPerCustomer must be between 0 and 50, not ${ordersPerCustomer}`);
  }
  if (now !== undefined && !Number.isSafeInteger(now)) throw new RangeError(`now must be a time in ms, not ${now}`);
  if (products !== undefined) validateProductCount(products);
}

function catalogueRows(catalogue: Catalogue): { products: ProductRow[]; productPrices: ProductPriceRow[]; productRelations: ProductRelationRow[] } {
  return {
    products: catalogue.products.map((p) => ({
      id: p.id,
      sku: p.sku,
      name: p.name,
      brand: p.brand,
      part_number: p.partNumber,
      category: p.category,
      price_cents: p.priceCents,
      currency: 'USD',
      is_consumable: p.isConsumable,
      replenish_days: p.replenishDays,
      tax_class: p.taxClass,
      status: p.status,
      stock: p.stock,
      // Units in confirmed, unshipped orders: the store counts them as phone orders are confirmed.
      reserved: 0,
    })),
    productPrices: [...catalogue.prices],
    productRelations: catalogue.relations.map((r) => ({ product_id: r.productId, related_product_id: r.relatedProductId, kind: r.kind })),
  };
}

/**
 * Generates `options.customers` more customers (with phones, emails, an address and orders) for a
 * target holding `target`, plus the product catalogue if it has none. For an empty target the
 * rows depend only on `seed`, `ordersPerCustomer` and `now`.
 */
export function generateSeed(options: GenerateOptions, target: SeedTarget = EMPTY_TARGET): GeneratedSeed {
  validateGenerateOptions(options);
  const now = options.now ?? Math.floor(Date.now() / DAY) * DAY;
  const meanOrders = options.ordersPerCustomer ?? DEFAULT_ORDERS_PER_CUSTOMER;
  const count = options.customers;
  const fresh = target.customers === 0;
  // More customers into a seeded target: a different stream, so ids never repeat the first run's.
  const random = new SeedRandom(options.seed, `customers:${target.customers}`);
  const expectedOrders = count * meanOrders;
  const orderNumbers = new OrderNumbers(random, target.lastOrderNumber, expectedOrders);
  const ids = {
    customer: new AscendingIds(random, count),
    phone: new AscendingIds(random, count * 1.4),
    email: new AscendingIds(random, count * 1.25),
    address: new AscendingIds(random, count),
    order: new AscendingIds(random, expectedOrders),
    line: new AscendingIds(random, expectedOrders * 2),
  };

  const catalogue = target.catalogue ?? buildCatalogue(options.seed, options.products);
  const { products, productPrices, productRelations } = target.catalogue ? { products: [], productPrices: [], productRelations: [] } : catalogueRows(catalogue);
  const campaigns: readonly CampaignRow[] = target.campaigns ?? buildCampaigns(options.seed, now);
  const campaignRows = target.campaigns ? [] : [...campaigns];
  const discountLimits = target.campaigns ? [] : buildDiscountLimits(options.seed, options.discountOverrides);
  if (catalogue.products.length === 0) throw new Error('The target has no products to order.');
  const productsBySku = new Map(catalogue.products.map((p) => [p.sku, p]));
  const pools = new Map<CountryCode, NamePools>(COUNTRIES.map((c) => [c.country, buildPools(c, options.seed)]));
  const profiles = new Map<CountryCode, CountryProfile>(COUNTRIES.map((c) => [c.country, c]));
  const phones = new PhoneNumberPlan(
    COUNTRIES.map((c) => c.country),
    target.phones,
  );

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
      // A code only from the campaigns running then, for this channel and currency.
      let campaign: CampaignRow | null = null;
      if (random.chance(o === 0 ? 0.35 : 0.15)) {
        const usable = campaigns.filter((c) => campaignUsable(c, placedAt, channel, profile.currency));
        if (usable.length > 0) campaign = random.pick(usable);
      }
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
      // Below the campaign's minimum order the code was not accepted.
      if (campaign && subtotal < campaign.min_order_cents) campaign = null;
      let discount: number;
      if (campaign?.rule === 'percent') discount = Math.round((subtotal * campaign.value) / 100);
      else if (campaign?.rule === 'amount') discount = Math.min(subtotal, campaign.value);
      else if (campaign) discount = 0;
      else discount = random.chance(0.04) ? Math.round(subtotal * 0.05) : 0; // a goodwill discount
      const net = subtotal - discount;
      const tax = Math.round(net * profile.taxRate);
      const freeShipping = campaign?.rule === 'free_shipping';
      const shipping = channel === 'store' || freeShipping || net >= profile.freeShippingCents ? 0 : profile.shippingCents;
      orders.push({
        placedAt,
        channel,
        campaignCode: campaign ? campaign.code : null,
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

  // Every draw from `random` (and from the id and number sequences, which draw from it too) comes
  // in the same order as when the generator wrote SQLite itself, so the rows are the same as ever.
  const customerRows = (index: number): CustomerRows => {
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
    const drafts = draftOrders(profile, createdAt, interests, preferred, known ? known.firstOrderSkus : null);

    let lifetimeValue = 0;
    for (const o of drafts) if (countsTowardsLifetimeValue(o.status)) lifetimeValue += o.total;
    const enrolled = drafts.length > 0 && random.chance(0.75);
    const points = enrolled ? Math.floor(lifetimeValue / profile.perUsdCent / 100) : 0;
    const lastOrderAt = drafts.length > 0 ? drafts[drafts.length - 1]!.placedAt : null;
    let segment: Segment;
    if (random.chance(0.01)) segment = 'wholesale';
    else if (lastOrderAt === null || (drafts.length === 1 && now - createdAt < 90 * DAY)) segment = 'new';
    else if (now - lastOrderAt > 365 * DAY) segment = 'lapsed';
    else if (drafts.length >= 10 || lifetimeValue / profile.perUsdCent >= 200_000) segment = 'vip';
    else if (drafts.length >= 4) segment = 'regular';
    else segment = 'occasional';
    const consent = random.chance(0.55);

    const customer: CustomerRow = {
      id,
      first_name: firstName,
      last_name: lastName,
      loyalty_tier: tierFor(points),
      loyalty_points: points,
      marketing_consent: consent,
      consent_email: consent,
      consent_phone: consent,
      consent_sms: consent,
      erased_at: null,
      segment,
      lifetime_value_cents: lifetimeValue,
      currency: profile.currency,
      created_at: createdAt,
      updated_at: lastOrderAt ?? createdAt,
    };

    // Phones: 1–2, the first primary. Generated numbers are verified (the cache's default).
    const phoneRows: CustomerPhoneRow[] = [];
    if (known) {
      known.phones.forEach((p, i) => phoneRows.push({ id: ids.phone.next(), customer_id: id, e164: p.e164, raw: p.raw, kind: p.kind, is_primary: i === 0, verified: true }));
    } else {
      const phoneCount = random.chance(0.4) ? 2 : 1;
      for (let i = 0; i < phoneCount; i++) {
        const kind: PhoneKind = i === 0 ? (random.chance(0.8) ? 'mobile' : 'home') : random.chance(0.5) ? 'home' : 'work';
        const phone = phones.next(profile.country, kind, random.pickWeighted(RAW_STYLES, STYLE_WEIGHT_LIST));
        phoneRows.push({ id: ids.phone.next(), customer_id: id, e164: phone.e164, raw: phone.raw, kind, is_primary: i === 0, verified: true });
      }
    }

    // Emails: 1–2, lower-case, from the ASCII-folded name.
    const emailRows: CustomerEmailRow[] = [];
    if (known) {
      known.emails.forEach((e, i) => emailRows.push({ id: ids.email.next(), customer_id: id, email: e, is_primary: i === 0 }));
    } else {
      const first = asciiFold(firstName) || 'customer';
      const last = asciiFold(lastName) || 'mail';
      const emailCount = random.chance(0.25) ? 2 : 1;
      for (let i = 0; i < emailCount; i++) {
        const pattern = random.int(5);
        const local =
          pattern === 0 ? `${first}.${last}` : pattern === 1 ? `${first}${last}` : pattern === 2 ? `${first[0]}${last}` : pattern === 3 ? `${first}_${last}` : `${last}.${first}`;
        const email = `${local}${random.between(1, 9999)}@${random.pick(profile.emailDomains)}`;
        emailRows.push({ id: ids.email.next(), customer_id: id, email, is_primary: i === 0 });
      }
    }

    // Property order is draw order: the id first, then each random pick as the columns go.
    const address: CustomerAddressRow = {
      id: ids.address.next(),
      customer_id: id,
      kind: 'shipping',
      line1: random.pick(pool.streets),
      line2: random.chance(0.1) ? random.pick(SECOND_LINES) : null,
      city: random.pick(pool.cities),
      region: pool.regions.length > 0 ? random.pick(pool.regions) : null,
      postal_code: random.pick(pool.postalCodes),
      country: profile.country,
      is_primary: true,
    };

    const orders = drafts.map((o) => {
      const order: OrderRow = {
        id: ids.order.next(),
        number: orderNumbers.next(),
        customer_id: id,
        channel: o.channel,
        campaign_code: o.campaignCode,
        status: o.status,
        currency: profile.currency,
        subtotal_cents: o.subtotal,
        discount_cents: o.discount,
        tax_cents: o.tax,
        shipping_cents: o.shipping,
        total_cents: o.total,
        placed_at: o.placedAt,
        ...NO_PHONE_ORDER_FIELDS,
      };
      const lines = o.lines.map(
        (l, i): OrderLineRow => ({
          id: ids.line.next(),
          order_id: order.id,
          line_no: i + 1,
          product_id: l.product.id,
          customer_id: id,
          placed_at: o.placedAt,
          sku: l.product.sku,
          name: l.product.name,
          quantity: l.quantity,
          unit_price_cents: l.unitPriceCents,
          total_cents: l.quantity * l.unitPriceCents,
          offer_id: null,
          line_source: null,
          discount_cents: 0,
          tax_cents: 0,
          tax_class: l.product.taxClass,
        }),
      );
      return { order, lines };
    });

    return { customer, phones: phoneRows, emails: emailRows, address, orders };
  };

  function* customers(): Generator<CustomerRows, void, undefined> {
    for (let i = 0; i < count; i++) yield customerRows(i);
  }

  return { now, ordersPerCustomer: meanOrders, products, productPrices, productRelations, campaigns: campaignRows, discountLimits, customers: customers() };
}
