/**
 * The generated product catalogue: ~1,040 products in four interest groups (running, outdoor,
 * coffee, printing), with the complement/accessory relations that upsell suggestions read
 * (shoes → gaiters and socks, headlamp → batteries, printer → its ink, brewer → filters and beans).
 * A handful of well-known products come first, with fixed SKUs, so tests and demos can name them.
 */
import type { ProductRelationKind } from '../domain/customer';
import { SeedRandom } from './random';
import type { ProductRow } from './rows';

export type Interest = 'running' | 'outdoor' | 'coffee' | 'printing';

export interface CatalogueProduct {
  id: string;
  sku: string;
  name: string;
  brand: string;
  partNumber: string;
  category: string;
  interest: Interest;
  /** US cents; orders convert to the customer's currency. */
  priceCents: number;
  isConsumable: boolean;
  replenishDays: number | null;
}

export interface CatalogueRelation {
  productId: string;
  relatedProductId: string;
  kind: ProductRelationKind;
}

export interface Catalogue {
  products: readonly CatalogueProduct[];
  relations: readonly CatalogueRelation[];
  /** Products per interest group, best-sellers first (order of the catalogue). */
  byInterest: ReadonlyMap<Interest, readonly CatalogueProduct[]>;
  /** Related products of each product id (for "bought X, also took Y" lines). */
  relatedOf: ReadonlyMap<string, readonly CatalogueProduct[]>;
}

/** SKUs every generated catalogue contains, first and in this order. */
export const WELL_KNOWN_SKUS = {
  trailRunner2: 'TR-2041-BLK',
  trailGaiter: 'GT-1100-BLK',
  merinoSocks: 'SK-3300-MED',
  headlamp: 'HL-0400-BLK',
  aaaBatteries: 'BT-0003-4PK',
  inkjetPrinter: 'PR-7700-WHT',
  ink77Black: 'IN-0077-BLK',
  pourOverBrewer: 'CM-0200-BLK',
  paperFilters: 'CF-0002-100',
  ethiopiaBeans: 'CB-0101-1KG',
} as const;

/** Part numbers of the well-known products (manufacturer numbers, upper-case). */
export const WELL_KNOWN_PART_NUMBERS = {
  trailRunner2: 'PN-58213',
} as const;

interface FixedProduct {
  sku: string;
  name: string;
  brand: string;
  partNumber: string;
  category: string;
  interest: Interest;
  priceCents: number;
  replenishDays: number | null;
}

const FIXED: readonly FixedProduct[] = [
  { sku: WELL_KNOWN_SKUS.trailRunner2, name: 'Trail Runner 2 (Black)', brand: 'Stridewell', partNumber: WELL_KNOWN_PART_NUMBERS.trailRunner2, category: 'running-shoes', interest: 'running', priceCents: 12999, replenishDays: null },
  { sku: WELL_KNOWN_SKUS.trailGaiter, name: 'Trail Gaiter (Black)', brand: 'Stridewell', partNumber: 'PN-11004', category: 'gaiters', interest: 'running', priceCents: 2499, replenishDays: null },
  { sku: WELL_KNOWN_SKUS.merinoSocks, name: 'Merino Trail Socks (M)', brand: 'Woolpath', partNumber: 'PN-33007', category: 'socks', interest: 'running', priceCents: 1899, replenishDays: 180 },
  { sku: WELL_KNOWN_SKUS.headlamp, name: 'Summit 400 Headlamp (Black)', brand: 'Lumenridge', partNumber: 'PN-40040', category: 'headlamps', interest: 'outdoor', priceCents: 4999, replenishDays: null },
  { sku: WELL_KNOWN_SKUS.aaaBatteries, name: 'AAA Batteries (4-pack)', brand: 'Voltcore', partNumber: 'PN-00034', category: 'batteries', interest: 'outdoor', priceCents: 699, replenishDays: 90 },
  { sku: WELL_KNOWN_SKUS.inkjetPrinter, name: 'InkJet Pro 7700 (White)', brand: 'Printwell', partNumber: 'PN-77000', category: 'printers', interest: 'printing', priceCents: 19999, replenishDays: null },
  { sku: WELL_KNOWN_SKUS.ink77Black, name: 'Ink 77 Black', brand: 'Printwell', partNumber: 'PN-77011', category: 'ink', interest: 'printing', priceCents: 2999, replenishDays: 60 },
  { sku: WELL_KNOWN_SKUS.pourOverBrewer, name: 'Pour-Over Brewer 02 (Black)', brand: 'Kettlebrook', partNumber: 'PN-20020', category: 'coffee-brewers', interest: 'coffee', priceCents: 3499, replenishDays: null },
  { sku: WELL_KNOWN_SKUS.paperFilters, name: 'Paper Filters #2 (100)', brand: 'Kettlebrook', partNumber: 'PN-20210', category: 'coffee-filters', interest: 'coffee', priceCents: 599, replenishDays: 60 },
  { sku: WELL_KNOWN_SKUS.ethiopiaBeans, name: 'Ethiopia Yirgacheffe Beans (1 kg)', brand: 'Roastery 9', partNumber: 'PN-10101', category: 'coffee-beans', interest: 'coffee', priceCents: 3899, replenishDays: 30 },
];

const FIXED_RELATIONS: readonly [string, string, ProductRelationKind][] = [
  [WELL_KNOWN_SKUS.trailRunner2, WELL_KNOWN_SKUS.trailGaiter, 'accessory'],
  [WELL_KNOWN_SKUS.trailRunner2, WELL_KNOWN_SKUS.merinoSocks, 'complement'],
  [WELL_KNOWN_SKUS.headlamp, WELL_KNOWN_SKUS.aaaBatteries, 'accessory'],
  [WELL_KNOWN_SKUS.inkjetPrinter, WELL_KNOWN_SKUS.ink77Black, 'accessory'],
  [WELL_KNOWN_SKUS.pourOverBrewer, WELL_KNOWN_SKUS.paperFilters, 'accessory'],
  [WELL_KNOWN_SKUS.pourOverBrewer, WELL_KNOWN_SKUS.ethiopiaBeans, 'complement'],
];

interface Variant {
  code: string;
  label: string;
  /** Price multiplier. */
  factor: number;
}

interface CategorySpec {
  category: string;
  code: string;
  interest: Interest;
  brands: readonly string[];
  models: readonly string[];
  variants: readonly Variant[];
  /** Base price range in USD cents. */
  price: readonly [number, number];
  replenishDays: number | null;
}

const COLOURS: readonly Variant[] = [
  { code: 'BLK', label: 'Black', factor: 1 },
  { code: 'BLU', label: 'Blue', factor: 1 },
  { code: 'RED', label: 'Red', factor: 1 },
  { code: 'GRY', label: 'Grey', factor: 1 },
  { code: 'GRN', label: 'Green', factor: 1 },
];
const SIZES: readonly Variant[] = [
  { code: 'SML', label: 'S', factor: 1 },
  { code: 'MED', label: 'M', factor: 1 },
  { code: 'LRG', label: 'L', factor: 1 },
];

const series = (names: readonly string[], suffixes: readonly string[]): string[] =>
  names.flatMap((n) => suffixes.map((s) => `${n}${s}`));

const CATEGORIES: readonly CategorySpec[] = [
  {
    category: 'running-shoes', code: 'TR', interest: 'running', brands: ['Stridewell', 'Peakline', 'Northtrail', 'Fellrunner'],
    models: series(['Trail Runner', 'Ridge Racer', 'Summit Glide', 'Mud Hopper', 'Road Flow', 'Tempo Light', 'Canyon Grip', 'Alpine Sprint'], [' 3', ' 4', ' GTX', ' Pro', ' Lite', ' Wide']),
    variants: COLOURS, price: [8999, 18999], replenishDays: null,
  },
  {
    category: 'gaiters', code: 'GT', interest: 'running', brands: ['Stridewell', 'Fellrunner', 'Scree Guard'],
    models: ['Scree Gaiter', 'Ultra Gaiter', 'Desert Gaiter', 'Trail Gaiter Low', 'Trail Gaiter High', 'Snow Gaiter', 'Mesh Gaiter', 'Sand Gaiter'],
    variants: [COLOURS[0]!, COLOURS[1]!, COLOURS[3]!], price: [1499, 3999], replenishDays: null,
  },
  {
    category: 'socks', code: 'SK', interest: 'running', brands: ['Woolpath', 'Stridewell', 'Peakline'],
    models: series(['Merino Run', 'Trail Crew', 'Ultra Light', 'Compression', 'Toe Sock', 'Cushioned Quarter', 'Hiker Crew', 'Ankle Tab', 'Winter Wool', 'Race Day'], ['', ' 2-pack', ' 3-pack']),
    variants: SIZES, price: [1299, 3499], replenishDays: 180,
  },
  {
    category: 'energy-gels', code: 'EG', interest: 'running', brands: ['FuelUp', 'Gelmax', 'Enduro'],
    models: ['Citrus Gel', 'Berry Gel', 'Espresso Gel', 'Salted Caramel Gel', 'Mango Gel', 'Cola Gel', 'Vanilla Gel', 'Apple Gel', 'Lemon Chew', 'Berry Chew', 'Electrolyte Tabs', 'Recovery Mix'],
    variants: [{ code: '12P', label: '12-pack', factor: 1 }, { code: '24P', label: '24-pack', factor: 1.8 }], price: [1799, 2999], replenishDays: 30,
  },
  {
    category: 'hydration', code: 'HV', interest: 'running', brands: ['Peakline', 'Hydrapack', 'Stridewell'],
    models: ['Race Vest 5', 'Race Vest 12', 'Ultra Vest 8', 'Hydration Belt', 'Handheld Flask', 'Trail Pack 10', 'Bladder Pack 15', 'Minimal Vest 3', 'Adventure Vest 20', 'Waist Pack'],
    variants: [COLOURS[0]!, COLOURS[1]!], price: [3999, 14999], replenishDays: null,
  },
  {
    category: 'bottles', code: 'BO', interest: 'running', brands: ['Hydrapack', 'Peakline'],
    models: ['Soft Flask', 'Insulated Bottle', 'Squeeze Bottle', 'Filter Bottle', 'Collapsible Bottle', 'Steel Bottle', 'Kids Bottle', 'Shaker Bottle', 'Sport Cap Bottle', 'Thermo Flask'],
    variants: [{ code: '500', label: '500 ml', factor: 1 }, { code: '750', label: '750 ml', factor: 1.2 }], price: [999, 3499], replenishDays: null,
  },
  {
    category: 'caps', code: 'CP', interest: 'running', brands: ['Stridewell', 'Peakline', 'Woolpath'],
    models: ['Run Cap', 'Trail Cap', 'Sun Visor', 'Legionnaire Cap', 'Merino Beanie', 'Thermal Beanie', 'Headband', 'Buff Tube', 'Ultra Cap', 'Mesh Cap', 'Winter Run Hat', 'Reflective Cap', 'Bucket Hat', 'Race Cap', 'Kids Run Cap', 'Ear Warmer'],
    variants: [COLOURS[0]!, COLOURS[1]!, COLOURS[2]!], price: [1499, 3499], replenishDays: null,
  },
  {
    category: 'jackets', code: 'JK', interest: 'outdoor', brands: ['Northtrail', 'Stormline', 'Peakline'],
    models: series(['Storm Shell', 'Rain Runner', 'Ridge Softshell', 'Down Hoody', 'Wind Shell', 'Insulated Parka', 'Packable Rain', 'Alpine Hardshell'], [' Men', ' Women', ' Pro', ' 2.0', ' Lite']),
    variants: [COLOURS[0]!, COLOURS[1]!, COLOURS[2]!, COLOURS[4]!], price: [7999, 34999], replenishDays: null,
  },
  {
    category: 'headlamps', code: 'HL', interest: 'outdoor', brands: ['Lumenridge', 'Nightpath', 'Brightpeak'],
    models: ['Summit 250', 'Summit 600', 'Trail 350', 'Trail 900', 'Camp 200', 'Camp 450', 'Ultra 1200', 'Reactive 500', 'Compact 150', 'Kids 100', 'Rechargeable 400', 'Red-Light 300'],
    variants: [COLOURS[0]!, { code: 'ORG', label: 'Orange', factor: 1 }], price: [2499, 12999], replenishDays: null,
  },
  {
    category: 'batteries', code: 'BT', interest: 'outdoor', brands: ['Voltcore', 'Lumenridge', 'Duracore'],
    models: ['AA Alkaline', 'AAA Alkaline', 'AA Lithium', 'AAA Lithium', 'AA Rechargeable', 'AAA Rechargeable', 'CR123A', 'CR2032', '18650 Cell', 'Headlamp Core Pack', '9V Alkaline', 'D Alkaline'],
    variants: [{ code: '4PK', label: '4-pack', factor: 1 }, { code: '8PK', label: '8-pack', factor: 1.8 }, { code: '16P', label: '16-pack', factor: 3.2 }], price: [499, 1999], replenishDays: 90,
  },
  {
    category: 'trekking-poles', code: 'TP', interest: 'outdoor', brands: ['Northtrail', 'Peakline'],
    models: ['Trail Pole', 'Folding Z-Pole', 'Carbon Pole', 'Ultra Pole', 'Trekking Pole Pro', 'Snow Pole', 'Running Pole', 'Compact Pole', 'Shock Pole', 'Kids Pole'],
    variants: [{ code: 'ALU', label: 'aluminium', factor: 1 }, { code: 'CRB', label: 'carbon', factor: 1.6 }], price: [4999, 12999], replenishDays: null,
  },
  {
    category: 'backpacks', code: 'BP', interest: 'outdoor', brands: ['Northtrail', 'Stormline', 'Peakline'],
    models: ['Daypack', 'Trail Pack', 'Alpine Pack', 'Commuter Pack', 'Fastpack', 'Hydro Pack', 'Summit Pack', 'Travel Pack', 'Climbing Pack', 'Kids Pack'],
    variants: [{ code: '20L', label: '20 L', factor: 1 }, { code: '30L', label: '30 L', factor: 1.25 }, { code: '45L', label: '45 L', factor: 1.6 }], price: [5999, 17999], replenishDays: null,
  },
  {
    category: 'coffee-grinders', code: 'GR', interest: 'coffee', brands: ['Kettlebrook', 'Burrwise', 'Mahlwerk'],
    models: ['Hand Grinder', 'Burr Grinder 40', 'Burr Grinder 64', 'Travel Grinder', 'Espresso Grinder', 'Precision Grinder', 'Flat Burr 58', 'Conical Mini', 'Single Dose 48', 'Commercial Grinder'],
    variants: [COLOURS[0]!, { code: 'SLV', label: 'Silver', factor: 1 }], price: [4999, 39999], replenishDays: null,
  },
  {
    category: 'coffee-brewers', code: 'CM', interest: 'coffee', brands: ['Kettlebrook', 'Brewhaus', 'Mokaline'],
    models: ['Pour-Over Brewer 01', 'Pour-Over Brewer 03', 'French Press', 'Cold Brew Maker', 'Drip Machine 8', 'Drip Machine 12', 'Moka Pot 3', 'Moka Pot 6', 'AeroBrewer', 'Siphon Brewer', 'Gooseneck Kettle', 'Espresso Machine'],
    variants: [COLOURS[0]!, { code: 'SLV', label: 'Silver', factor: 1.05 }, { code: 'WHT', label: 'White', factor: 1 }], price: [2499, 49999], replenishDays: null,
  },
  {
    category: 'coffee-beans', code: 'CB', interest: 'coffee', brands: ['Roastery 9', 'Highland Roasters', 'Bean & Barrow'],
    models: series(['Ethiopia Guji', 'Kenya AA', 'Colombia Huila', 'Brazil Santos', 'Guatemala Antigua', 'Costa Rica Tarrazú', 'Sumatra Mandheling', 'Rwanda Bourbon', 'Peru Organic', 'Honduras Marcala', 'House Espresso', 'Decaf Swiss Water', 'Panama Geisha', 'Burundi Kayanza', 'Yemen Mocha', 'Mexico Chiapas', 'Nicaragua Jinotega', 'India Monsooned', 'Papua New Guinea', 'Tanzania Peaberry'], ['', ' Dark']),
    variants: [{ code: '250', label: '250 g', factor: 1 }, { code: '1KG', label: '1 kg', factor: 3.4 }], price: [1199, 2499], replenishDays: 30,
  },
  {
    category: 'coffee-filters', code: 'CF', interest: 'coffee', brands: ['Kettlebrook', 'Brewhaus'],
    models: ['Paper Filters #1', 'Paper Filters #4', 'Cone Filters 01', 'Cone Filters 03', 'Basket Filters', 'Unbleached Filters #2', 'Metal Filter Disc', 'Cloth Filter', 'Cold Brew Bags', 'AeroBrewer Papers', 'Wave Filters 155', 'Wave Filters 185'],
    variants: [{ code: '100', label: '100', factor: 1 }, { code: '200', label: '200', factor: 1.8 }], price: [399, 1499], replenishDays: 60,
  },
  {
    category: 'coffee-mugs', code: 'MG', interest: 'coffee', brands: ['Kettlebrook', 'Brewhaus', 'Mokaline'],
    models: ['Travel Mug', 'Double-Wall Glass', 'Espresso Cup Set', 'Cappuccino Cup', 'Enamel Camp Mug', 'Thermo Tumbler', 'Latte Glass', 'Ceramic Mug', 'Cold Brew Bottle', 'Cortado Glass', 'Stacking Mugs', 'Server Carafe'],
    variants: [COLOURS[0]!, { code: 'WHT', label: 'White', factor: 1 }, COLOURS[2]!], price: [999, 3999], replenishDays: null,
  },
  {
    category: 'printers', code: 'PR', interest: 'printing', brands: ['Printwell', 'Inkora', 'Laserline'],
    models: ['InkJet Home 2100', 'InkJet Home 2200', 'InkJet Pro 7100', 'InkJet Pro 7300', 'InkJet Pro 7900', 'Photo Printer 500', 'Photo Printer 800', 'Laser Mono 100', 'Laser Color 300', 'All-in-One 4400', 'All-in-One 4600', 'Mobile Printer 50', 'Tank Printer 3100', 'Tank Printer 3300', 'Wide Format 9000'],
    variants: [{ code: 'WHT', label: 'White', factor: 1 }, COLOURS[0]!], price: [8999, 59999], replenishDays: null,
  },
  {
    category: 'ink', code: 'IN', interest: 'printing', brands: ['Printwell', 'Inkora', 'Laserline'],
    models: ['Ink 21', 'Ink 22', 'Ink 71', 'Ink 73', 'Ink 79', 'Photo Ink 50', 'Photo Ink 80', 'Toner 10', 'Toner 30', 'Ink 44', 'Ink 46', 'Mobile Ink 5', 'Tank Bottle 31', 'Tank Bottle 33', 'Wide Ink 90'],
    variants: [{ code: 'BLK', label: 'Black', factor: 1 }, { code: 'CMY', label: 'Colour', factor: 1.3 }, { code: 'XLB', label: 'Black XL', factor: 1.7 }], price: [1999, 5999], replenishDays: 60,
  },
  {
    category: 'paper', code: 'PA', interest: 'printing', brands: ['Printwell', 'Papyra'],
    models: ['Copy Paper A4', 'Copy Paper Letter', 'Photo Paper Gloss', 'Photo Paper Matte', 'Premium Paper', 'Recycled Paper', 'Label Sheets', 'Card Stock', 'Envelope Pack', 'Brochure Paper'],
    variants: [{ code: '500', label: '500 sheets', factor: 1 }, { code: '2K5', label: '2,500 sheets', factor: 4.2 }], price: [699, 2999], replenishDays: 90,
  },
];

/** Which categories each category suggests, and as what. */
const RELATED: Record<string, readonly { category: string; kind: ProductRelationKind; count: number }[]> = {
  'running-shoes': [
    { category: 'gaiters', kind: 'accessory', count: 2 },
    { category: 'socks', kind: 'complement', count: 2 },
    { category: 'energy-gels', kind: 'complement', count: 1 },
  ],
  hydration: [
    { category: 'bottles', kind: 'accessory', count: 2 },
    { category: 'energy-gels', kind: 'complement', count: 1 },
  ],
  jackets: [{ category: 'backpacks', kind: 'complement', count: 1 }],
  headlamps: [{ category: 'batteries', kind: 'accessory', count: 2 }],
  'trekking-poles': [{ category: 'backpacks', kind: 'complement', count: 1 }],
  'coffee-brewers': [
    { category: 'coffee-filters', kind: 'accessory', count: 2 },
    { category: 'coffee-beans', kind: 'complement', count: 2 },
  ],
  'coffee-grinders': [{ category: 'coffee-beans', kind: 'complement', count: 2 }],
  'coffee-beans': [{ category: 'coffee-mugs', kind: 'complement', count: 1 }],
  printers: [
    { category: 'ink', kind: 'accessory', count: 2 },
    { category: 'paper', kind: 'complement', count: 1 },
  ],
};

function retailPrice(cents: number): number {
  // Shop prices end in .99.
  return Math.max(99, Math.round(cents / 100) * 100 - 1);
}

/** Builds the catalogue for `seed`: same seed, same products, ids and relations. */
export function buildCatalogue(seed: number): Catalogue {
  const random = new SeedRandom(seed, 'catalogue');
  const products: CatalogueProduct[] = [];
  const bySku = new Map<string, CatalogueProduct>();
  const partNumbers = new Set<string>();
  const add = (p: Omit<CatalogueProduct, 'id' | 'isConsumable'>): CatalogueProduct => {
    const product: CatalogueProduct = { ...p, id: random.uuid(), isConsumable: p.replenishDays !== null };
    products.push(product);
    bySku.set(product.sku, product);
    partNumbers.add(product.partNumber);
    return product;
  };

  for (const f of FIXED) add(f);
  // "TR-2041" belongs to the Trail Runner 2 alone: generated models never reuse a fixed model number.
  const fixedModels = new Set(FIXED.map((f) => f.sku.split('-').slice(0, 2).join('-')));

  for (const spec of CATEGORIES) {
    spec.models.forEach((model, m) => {
      const brand = random.pick(spec.brands);
      const base = random.between(spec.price[0], spec.price[1]);
      // Model numbers from 1000 up, 37 apart, so models of one category never share a number.
      let number = 1000 + m * 37 + random.int(30);
      while (fixedModels.has(`${spec.code}-${number}`)) number += 1;
      const modelNumber = String(number);
      for (const v of spec.variants) {
        const sku = `${spec.code}-${modelNumber}-${v.code}`;
        let partNumber: string;
        do partNumber = `PN-${random.between(10000, 99999)}`;
        while (partNumbers.has(partNumber));
        add({
          sku,
          name: `${model} (${v.label})`,
          brand,
          partNumber,
          category: spec.category,
          interest: spec.interest,
          priceCents: retailPrice(base * v.factor),
          replenishDays: spec.replenishDays,
        });
      }
    });
  }

  const byCategory = new Map<string, CatalogueProduct[]>();
  for (const p of products) {
    const list = byCategory.get(p.category) ?? [];
    list.push(p);
    byCategory.set(p.category, list);
  }

  const relations: CatalogueRelation[] = [];
  const seen = new Set<string>();
  const relate = (from: CatalogueProduct, to: CatalogueProduct, kind: ProductRelationKind): void => {
    const key = `${from.id}|${to.id}|${kind}`;
    if (from.id === to.id || seen.has(key)) return;
    seen.add(key);
    relations.push({ productId: from.id, relatedProductId: to.id, kind });
  };
  for (const [from, to, kind] of FIXED_RELATIONS) relate(bySku.get(from)!, bySku.get(to)!, kind);
  for (const p of products) {
    for (const rule of RELATED[p.category] ?? []) {
      const pool = byCategory.get(rule.category) ?? [];
      for (let i = 0; i < rule.count && pool.length > 0; i++) relate(p, random.pick(pool), rule.kind);
    }
  }

  return indexCatalogue(products, relations);
}

function indexCatalogue(products: readonly CatalogueProduct[], relations: readonly CatalogueRelation[]): Catalogue {
  const byInterest = new Map<Interest, CatalogueProduct[]>();
  for (const p of products) {
    const list = byInterest.get(p.interest) ?? [];
    list.push(p);
    byInterest.set(p.interest, list);
  }
  const productById = new Map(products.map((p) => [p.id, p]));
  const relatedOf = new Map<string, CatalogueProduct[]>();
  for (const r of relations) {
    const related = productById.get(r.relatedProductId);
    if (!related) continue;
    const list = relatedOf.get(r.productId) ?? [];
    list.push(related);
    relatedOf.set(r.productId, list);
  }
  return { products, relations, byInterest, relatedOf };
}

export const INTERESTS: readonly Interest[] = ['running', 'outdoor', 'coffee', 'printing'];

/** The interest group of a category, for catalogues read back from a cache. */
export function interestOfCategory(category: string): Interest | undefined {
  return CATEGORIES.find((c) => c.category === category)?.interest ?? FIXED.find((f) => f.category === category)?.interest;
}

/** The product columns a catalogue is rebuilt from. */
export type CatalogueProductRow = Pick<ProductRow, 'id' | 'sku' | 'name' | 'brand' | 'part_number' | 'category' | 'price_cents' | 'replenish_days'>;

/**
 * A catalogue from products already in a cache (seeding more customers into a seeded file):
 * orders must reference the products that are there, not a second catalogue.
 */
export function catalogueFromRows(rows: readonly CatalogueProductRow[], relationRows: readonly CatalogueRelation[]): Catalogue {
  const products: CatalogueProduct[] = rows.map((r) => ({
    id: r.id,
    sku: r.sku,
    name: r.name,
    brand: r.brand,
    partNumber: r.part_number ?? '',
    category: r.category,
    interest: interestOfCategory(r.category) ?? 'outdoor',
    priceCents: r.price_cents,
    isConsumable: r.replenish_days !== null,
    replenishDays: r.replenish_days,
  }));
  return indexCatalogue(products, relationRows);
}
