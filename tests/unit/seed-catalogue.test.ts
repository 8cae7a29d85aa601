/**
 * The generated catalogue, campaigns and discount limits (issue 21), as pure rows: the size asked
 * for, deterministic, a price per selling currency, tax classes, stock and a few discontinued
 * products; campaigns in online/offline pairs with unique codes that orders use while they run;
 * limits per role from DISCOUNT_AUTHORITY_PERCENT. And 100,000 products in bounded time and memory.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DISCOUNT_AUTHORITY_PERCENT, USER_ROLES } from '../../src-shared/auth/permissions';
import { SELLING_CURRENCIES } from '../../src-shared/domain/product';
import { buildCampaigns, buildDiscountLimits, campaignUsable, OFFLINE_SUFFIX } from '../../src-shared/seed/campaigns';
import { buildCatalogue, defaultProductCount, MAX_PRODUCTS, WELL_KNOWN_SKUS } from '../../src-shared/seed/catalogue';
import { generateSeed, type GeneratedSeed } from '../../src-shared/seed/generator';
import type { ProductPriceRow, ProductRow } from '../../src-shared/seed/rows';

const NOW = Date.UTC(2025, 5, 1);
const DAY = 86_400_000;

/** Everything a seed emits, customers included, hashed in emission order. */
function digest(seed: GeneratedSeed): string {
  const hash = createHash('sha256');
  for (const list of [seed.products, seed.productPrices, seed.productRelations, seed.campaigns, seed.discountLimits]) {
    for (const row of list) hash.update(JSON.stringify(row));
  }
  for (const c of seed.customers) hash.update(JSON.stringify(c));
  return hash.digest('hex');
}

function pricesByProduct(rows: readonly ProductPriceRow[]): Map<string, ProductPriceRow[]> {
  const map = new Map<string, ProductPriceRow[]>();
  for (const r of rows) {
    const list = map.get(r.product_id) ?? [];
    list.push(r);
    map.set(r.product_id, list);
  }
  return map;
}

describe('catalogue size', () => {
  it.each([10, 57, 800, 3000])('makes exactly %i products when asked', (products) => {
    const seed = generateSeed({ customers: 3, seed: 4, now: NOW, products });
    expect(seed.products).toHaveLength(products);
    expect(new Set(seed.products.map((p) => p.sku)).size).toBe(products);
    expect(seed.productPrices).toHaveLength(products * SELLING_CURRENCIES.length);
  });

  it('defaults to the generator default, always starting with the well-known products', () => {
    const seed = generateSeed({ customers: 1, seed: 4, now: NOW });
    expect(seed.products).toHaveLength(defaultProductCount());
    for (const products of [10, 500, 5000]) {
      const skus = buildCatalogue(4, products).products.slice(0, 10).map((p) => p.sku);
      expect(skus).toEqual(Object.values(WELL_KNOWN_SKUS));
    }
  });

  it('keeps every category in a small catalogue', () => {
    const categories = (n?: number) => new Set(buildCatalogue(4, n).products.map((p) => p.category));
    expect(categories(60)).toEqual(categories());
  });

  it('refuses sizes out of range with the reason', () => {
    for (const products of [9, MAX_PRODUCTS + 1, 12.5, -1]) {
      expect(() => generateSeed({ customers: 1, seed: 1, products })).toThrow(/products must be a whole number from 10 to 100,000/);
    }
  });
});

describe('determinism', () => {
  it('emits byte-identical rows for the same seed, size and now, and other rows for another seed', () => {
    const run = (seed: number, products: number) => digest(generateSeed({ customers: 150, seed, now: NOW, products }));
    expect(run(8, 2500)).toBe(run(8, 2500));
    expect(run(9, 2500)).not.toBe(run(8, 2500));
    expect(run(8, 2600)).not.toBe(run(8, 2500));
  });

  it('keeps the default catalogue\'s products and ids whatever stock and prices draw', () => {
    const a = buildCatalogue(8).products.map((p) => `${p.id} ${p.sku} ${p.priceCents}`);
    const b = buildCatalogue(8, defaultProductCount()).products.map((p) => `${p.id} ${p.sku} ${p.priceCents}`);
    expect(a).toEqual(b);
  });
});

describe('prices, tax, stock and status', () => {
  const seed = generateSeed({ customers: 0, seed: 21, now: NOW, products: 8000 });
  const products: readonly ProductRow[] = seed.products;
  const prices = pricesByProduct(seed.productPrices);
  const productById = new Map(products.map((p) => [p.id, p]));

  it('gives every product one price per selling currency, the base currency its own price', () => {
    for (const p of products) {
      const rows = prices.get(p.id) ?? [];
      expect(rows.map((r) => r.currency).sort()).toEqual([...SELLING_CURRENCIES].sort());
      expect(rows.find((r) => r.currency === p.currency)?.price_cents).toBe(p.price_cents);
      for (const r of rows) expect(Number.isSafeInteger(r.price_cents) && r.price_cents > 0).toBe(true);
    }
    expect(new Set(products.map((p) => p.currency))).toEqual(new Set(['USD']));
  });

  it('rounds prices the way shops do: .99 or .95, whole kronor, gift cards at face value', () => {
    const rows = seed.productPrices.filter((r) => productById.get(r.product_id)?.category !== 'gift-cards');
    const cents = (currency: string) => rows.filter((r) => r.currency === currency).map((r) => r.price_cents % 100);
    for (const currency of ['USD', 'EUR', 'GBP']) {
      const endings = cents(currency);
      expect(endings.filter((c) => c === 99 || c === 95 || c === 49).length).toBe(endings.length);
    }
    expect(cents('EUR').filter((c) => c === 95).length).toBeGreaterThan(0);
    expect(cents('SEK').every((c) => c === 0)).toBe(true);
    // Converted, not copied: a euro price is near 0.92 of the dollar price.
    const eur = seed.productPrices.filter((r) => r.currency === 'EUR');
    const ratio = eur.reduce((s, r) => s + r.price_cents / productById.get(r.product_id)!.price_cents, 0) / eur.length;
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(0.99);
    const gift = products.filter((p) => p.category === 'gift-cards');
    expect(gift.length).toBeGreaterThan(0);
    for (const g of gift) {
      const byCurrency = Object.fromEntries((prices.get(g.id) ?? []).map((r) => [r.currency, r.price_cents]));
      expect(g.price_cents % 100).toBe(0);
      expect(byCurrency).toEqual({ USD: g.price_cents, EUR: g.price_cents, GBP: g.price_cents, SEK: g.price_cents * 10 });
    }
  });

  it('prices within each category\'s range, so categories differ', () => {
    const median = (category: string) => {
      const list = products.filter((p) => p.category === category).map((p) => p.price_cents).sort((a, b) => a - b);
      return list[Math.floor(list.length / 2)]!;
    };
    expect(median('printers')).toBeGreaterThan(5 * median('coffee-filters'));
    expect(median('jackets')).toBeGreaterThan(3 * median('socks'));
  });

  it('taxes food and books reduced, gift cards zero, the rest standard', () => {
    const classOf = (category: string) => new Set(products.filter((p) => p.category === category).map((p) => p.tax_class));
    expect(classOf('coffee-beans')).toEqual(new Set(['reduced']));
    expect(classOf('energy-gels')).toEqual(new Set(['reduced']));
    expect(classOf('books')).toEqual(new Set(['reduced']));
    expect(classOf('gift-cards')).toEqual(new Set(['zero']));
    expect(classOf('running-shoes')).toEqual(new Set(['standard']));
    const standard = products.filter((p) => p.tax_class === 'standard').length / products.length;
    expect(standard).toBeGreaterThan(0.75);
  });

  it('has most products in stock, some low, some none, a few percent discontinued', () => {
    const share = (f: (p: ProductRow) => boolean) => products.filter(f).length / products.length;
    expect(share((p) => p.status === 'discontinued')).toBeGreaterThan(0.015);
    expect(share((p) => p.status === 'discontinued')).toBeLessThan(0.05);
    expect(share((p) => p.status === 'active' && p.stock > 5)).toBeGreaterThan(0.75);
    expect(share((p) => p.status === 'active' && p.stock >= 1 && p.stock <= 5)).toBeGreaterThan(0.05);
    expect(share((p) => p.status === 'active' && p.stock === 0)).toBeGreaterThan(0.03);
    for (const p of products) {
      expect(Number.isSafeInteger(p.stock) && p.stock >= 0).toBe(true);
      expect(p.reserved).toBe(0);
    }
    // The well-known products are for sale and in stock: demos and tests order them.
    for (const sku of Object.values(WELL_KNOWN_SKUS)) {
      const p = products.find((x) => x.sku === sku)!;
      expect(p.status, sku).toBe('active');
      expect(p.stock, sku).toBeGreaterThan(5);
    }
  });
});

describe('campaigns', () => {
  const campaigns = buildCampaigns(3, NOW);

  it('comes in families, each with one online and one offline code', () => {
    const families = new Map<string, string[]>();
    for (const c of campaigns) families.set(c.family, [...(families.get(c.family) ?? []), c.channel]);
    expect(families.size).toBeGreaterThanOrEqual(5);
    for (const [family, channels] of families) expect(channels.sort(), family).toEqual(['offline', 'online']);
    for (const c of campaigns.filter((x) => x.channel === 'offline')) expect(c.code).toBe(`${c.family}${OFFLINE_SUFFIX}`);
  });

  it('has unique upper-case codes and every rule, with sound values', () => {
    const codes = campaigns.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of campaigns) {
      expect(c.code).toMatch(/^[A-Z0-9-]+$/);
      if (c.rule === 'percent') expect(c.value >= 1 && c.value <= 100).toBe(true);
      if (c.rule === 'amount') expect(c.value > 0 && c.currency !== null).toBe(true);
      if (c.rule === 'free_shipping') expect(c.value).toBe(0);
      if (c.min_order_cents > 0) expect(c.currency).not.toBeNull();
      expect(c.ends_at === null || c.ends_at > c.starts_at).toBe(true);
    }
    expect(new Set(campaigns.map((c) => c.rule))).toEqual(new Set(['percent', 'amount', 'free_shipping']));
    expect(campaigns.some((c) => c.min_order_cents > 0)).toBe(true);
  });

  it('has ended, running and future campaigns, and a paused one', () => {
    expect(campaigns.some((c) => c.ends_at !== null && c.ends_at <= NOW)).toBe(true);
    expect(campaigns.some((c) => c.starts_at > NOW)).toBe(true);
    expect(campaigns.some((c) => c.active && c.starts_at <= NOW && (c.ends_at === null || c.ends_at > NOW))).toBe(true);
    expect(campaigns.some((c) => !c.active)).toBe(true);
    // Any "now" of the year: something is still to come.
    for (let day = 0; day < 365; day += 11) {
      const now = NOW + day * DAY;
      expect(buildCampaigns(3, now).some((c) => c.starts_at > now), new Date(now).toISOString()).toBe(true);
    }
  });

  it('puts on orders only seeded codes, for the order\'s channel, running when it was placed', () => {
    const seed = generateSeed({ customers: 400, seed: 3, now: NOW, products: 1500 });
    const byCode = new Map(seed.campaigns.map((c) => [c.code, c]));
    let withCode = 0;
    const channels = new Set<string>();
    for (const c of seed.customers) {
      for (const { order } of c.orders) {
        if (order.campaign_code === null) continue;
        withCode++;
        const campaign = byCode.get(order.campaign_code);
        expect(campaign, order.campaign_code).toBeDefined();
        expect(campaignUsable(campaign!, order.placed_at, order.channel, order.currency)).toBe(true);
        expect(order.subtotal_cents).toBeGreaterThanOrEqual(campaign!.min_order_cents);
        if (campaign!.rule === 'free_shipping') expect(order.shipping_cents).toBe(0);
        if (campaign!.rule === 'percent') expect(order.discount_cents).toBe(Math.round((order.subtotal_cents * campaign!.value) / 100));
        channels.add(campaign!.channel);
      }
    }
    expect(withCode).toBeGreaterThan(100);
    expect(channels).toEqual(new Set(['online', 'offline']));
  });
});

describe('discount limits', () => {
  it('has one row per role and selling currency from DISCOUNT_AUTHORITY_PERCENT, and the per-user overrides', () => {
    const rows = buildDiscountLimits(5, [{ userId: 'user-1', maxPercent: 15, maxAmountUsdCents: 7500 }]);
    for (const role of USER_ROLES) {
      const mine = rows.filter((r) => r.role === role);
      expect(mine.map((r) => r.currency).sort()).toEqual([...SELLING_CURRENCIES].sort());
      for (const r of mine) {
        expect(r.max_percent).toBe(DISCOUNT_AUTHORITY_PERCENT[role]);
        expect(r.user_id).toBeNull();
      }
      expect(mine.find((r) => r.currency === 'USD')!.max_amount_cents > 0).toBe(DISCOUNT_AUTHORITY_PERCENT[role] > 0);
    }
    const user = rows.filter((r) => r.user_id === 'user-1');
    expect(user).toHaveLength(SELLING_CURRENCIES.length);
    expect(user.every((r) => r.role === null && r.max_percent === 15)).toBe(true);
    expect(user.find((r) => r.currency === 'USD')!.max_amount_cents).toBe(7500);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(() => buildDiscountLimits(5, [{ userId: 'u', maxPercent: 101, maxAmountUsdCents: 0 }])).toThrow(RangeError);
  });

  it('emits no campaigns or limits into a target that has campaigns', () => {
    const first = generateSeed({ customers: 1, seed: 2, now: NOW });
    const more = generateSeed({ customers: 20, seed: 2, now: NOW }, { customers: 1, lastOrderNumber: 0, phones: 2, catalogue: buildCatalogue(2), campaigns: first.campaigns });
    expect(more.campaigns).toEqual([]);
    expect(more.discountLimits).toEqual([]);
    expect(more.products).toEqual([]);
    const codes = new Set(first.campaigns.map((c) => c.code));
    for (const c of more.customers) for (const { order } of c.orders) if (order.campaign_code) expect(codes.has(order.campaign_code)).toBe(true);
  });
});

describe('a catalogue of 100,000 products', () => {
  it('generates in bounded time and memory, SKUs and part numbers unique', () => {
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const seed = generateSeed({ customers: 0, seed: 1, now: NOW, products: MAX_PRODUCTS });
    const ms = performance.now() - started;
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    console.log(`seed catalogue: ${MAX_PRODUCTS.toLocaleString('en-US')} products, ${seed.productPrices.length.toLocaleString('en-US')} prices, ${seed.productRelations.length.toLocaleString('en-US')} relations in ${(ms / 1000).toFixed(1)} s, heap +${heapMb.toFixed(0)} MB`);
    expect(seed.products).toHaveLength(MAX_PRODUCTS);
    expect(seed.productPrices).toHaveLength(MAX_PRODUCTS * SELLING_CURRENCIES.length);
    expect(new Set(seed.products.map((p) => p.sku)).size).toBe(MAX_PRODUCTS);
    expect(new Set(seed.products.map((p) => p.part_number)).size).toBe(MAX_PRODUCTS);
    expect(seed.products.every((p) => /^[A-Z]{2}-\d{4}-[A-Z0-9]{3}$/.test(p.sku))).toBe(true);
    // ~2 s on an idle laptop; the bound leaves room for a busy 2-core CI machine.
    expect(ms).toBeLessThan(60_000);
    expect(heapMb).toBeLessThan(1024);
  }, 120_000);
});
