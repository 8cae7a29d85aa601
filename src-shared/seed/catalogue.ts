/**
 * The generated product catalogue: by default ~1,150 products in four interest groups (running,
 * outdoor, coffee, printing) plus gift cards, with the complement/accessory relations that upsell
 * suggestions read (shoes → gaiters and socks, headlamp → batteries, printer → its ink, brewer →
 * filters and beans). A handful of well-known products come first, with fixed SKUs, so tests and
 * demos can name them. `products` sizes it (up to MAX_PRODUCTS): fewer keeps a share of every
 * category, more adds models to every category (a long tail, after the best-sellers).
 *
 * Each product also has its tax class (food and books reduced, gift cards zero), its stock (mostly
 * in stock, some low, some none), a status (a few percent discontinued) and a price in every
 * selling currency (converted at fixed rates, rounded the way shops round). Those are drawn from
 * their own streams, so the products, ids and relations are the same whatever they draw.
 */
import type { ProductRelationKind } from '../domain/customer';
import { SELLING_CURRENCIES, type ProductStatus, type SellingCurrency, type TaxClass } from '../domain/product';
import { SeedRandom } from './random';
import type { ProductPriceRow, ProductRow } from './rows';

export type Interest = 'running' | 'outdoor' | 'coffee' | 'printing' | 'gifts';

/** The most products a catalogue may have (`--products`). */
export const MAX_PRODUCTS = 100_000;
/** The fewest: the well-known products every catalogue starts with. */
export const MIN_PRODUCTS = 10;

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
  taxClass: TaxClass;
  status: ProductStatus;
  /** Units on hand. */
  stock: number;
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
  /** Each product's price in every selling currency (empty for a catalogue read back from a cache). */
  prices: readonly ProductPriceRow[];
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
  /** Reduced: food and books; zero: gift cards. Default standard. */
  taxClass?: TaxClass;
  /** Gift cards: the price is the variant's face value (factor × 100 cents), in every currency. */
  faceValue?: boolean;
  /** Larger catalogues add models here (false: a fixed range, such as gift cards). Default true. */
  scalable?: boolean;
  /** Extra models' names: descriptor words after a model's stem (default: the interest's). */
  descriptors?: readonly string[];
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
    variants: [{ code: '12P', label: '12-pack', factor: 1 }, { code: '24P', label: '24-pack', factor: 1.8 }], price: [1799, 2999], replenishDays: 30, taxClass: 'reduced',
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
    variants: [{ code: '250', label: '250 g', factor: 1 }, { code: '1KG', label: '1 kg', factor: 3.4 }], price: [1199, 2499], replenishDays: 30, taxClass: 'reduced',
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
  {
    category: 'books', code: 'BK', interest: 'outdoor', brands: ['Trailhead Press', 'Cicerone Lane', 'Bean & Barrow Books'],
    models: ['Lake District Trail Guide', 'Alps Hut-to-Hut Treks', 'Trail Running Handbook', 'Ultra Training Plans', 'Wild Camping Handbook', 'Map and Compass Basics', 'The Coffee Atlas', 'Home Barista Guide', 'Pyrenees Day Walks', 'Scottish Highlands Scrambles', 'Dolomites Via Ferrata', 'Rockies Backcountry Guide'],
    variants: [{ code: 'PBK', label: 'Paperback', factor: 1 }, { code: 'HBK', label: 'Hardcover', factor: 1.6 }], price: [1299, 2999], replenishDays: null, taxClass: 'reduced',
    descriptors: ['Pocket Edition', 'Revised Edition', 'Illustrated Edition', 'Field Edition', 'Second Edition', 'Third Edition', 'Walking Edition', 'Winter Edition'],
  },
  {
    category: 'gift-cards', code: 'GC', interest: 'gifts', brands: ['Switchboard Outfitters'],
    models: ['Gift Card Classic', 'Gift Card Trail', 'Gift Card Coffee', 'Gift Card Birthday', 'Gift Card Thank You', 'E-Gift Card'],
    variants: [{ code: '025', label: '25', factor: 25 }, { code: '050', label: '50', factor: 50 }, { code: '100', label: '100', factor: 100 }], price: [100, 100], replenishDays: null,
    taxClass: 'zero', faceValue: true, scalable: false,
  },
];

/** Extra models' descriptor words per interest group (larger catalogues: "Ridge Racer Tempo 4"). */
const DESCRIPTORS: Readonly<Record<Interest, readonly string[]>> = {
  running: ['Pro', 'Lite', 'Max', 'Elite', 'Flex', 'Tempo', 'Race', 'Swift', 'Aero', 'Glide', 'Sprint', 'Endure'],
  outdoor: ['Pro', 'Lite', 'Alpine', 'Summit', 'Storm', 'Ridge', 'Expedition', 'Trek', 'Basecamp', 'Explorer', 'Compact', 'Ultra'],
  coffee: ['Reserve', 'Select', 'Estate', 'Classic', 'Signature', 'Barista', 'Origin', 'Craft', 'Limited', 'Heritage', 'Prime', 'Micro Lot'],
  printing: ['Pro', 'Plus', 'Office', 'Home', 'Eco', 'Photo', 'Duo', 'Max', 'Compact', 'Studio', 'Business', 'Smart'],
  gifts: ['Classic'],
};

/** The tax class of a category (the fixed products' categories are among CATEGORIES). */
function taxClassOf(category: string): TaxClass {
  return CATEGORIES.find((c) => c.category === category)?.taxClass ?? 'standard';
}

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

/**
 * A psychological price for the long tail: under 10 units x.49 or x.99, then x.99 (some x.95),
 * from 100 units whole fives less a cent (149.99, 245.00 → 244.99).
 */
function charmPrice(cents: number, random: SeedRandom): number {
  if (cents < 1000) return Math.max(99, Math.round(cents / 50) * 50 - 1);
  if (cents < 10_000) return Math.round(cents / 100) * 100 - (random.chance(0.2) ? 5 : 1);
  return Math.round(cents / 500) * 500 - 1;
}

/** Fixed conversion rates from the base currency (USD) to each selling currency. */
export const SELLING_RATES: Readonly<Record<SellingCurrency, number>> = { USD: 1, EUR: 0.92, GBP: 0.79, SEK: 10.5 };

/**
 * A base (USD) price converted into a selling currency and rounded as shops there round: euro and
 * pound prices end in .99 or .95, krona prices are whole kronor ending in 9 (under 1,000 kr) or
 * 99/95 (from 1,000 kr). The base currency keeps its price; gift cards keep their face value.
 */
export function sellingPrice(baseCents: number, currency: SellingCurrency, random: SeedRandom, faceValue = false): number {
  if (currency === 'USD') return baseCents;
  if (faceValue) return currency === 'SEK' ? baseCents * 10 : baseCents;
  const cents = baseCents * SELLING_RATES[currency];
  if (currency === 'SEK') {
    const kronor = cents / 100;
    if (kronor < 1000) return Math.max(9, Math.round(kronor / 10) * 10 - 1) * 100;
    return (Math.round(kronor / 100) * 100 - (random.chance(0.3) ? 5 : 1)) * 100;
  }
  return Math.max(95, Math.round(cents / 100) * 100 - (random.chance(currency === 'EUR' ? 0.35 : 0.2) ? 5 : 1));
}

/** How many products the default catalogue has (the well-known ones and every category's models). */
export function defaultProductCount(): number {
  return FIXED.length + CATEGORIES.reduce((n, c) => n + c.models.length * c.variants.length, 0);
}

/** Throws a RangeError when `products` is not a catalogue size the generator makes. */
export function validateProductCount(products: number): void {
  if (!Number.isSafeInteger(products) || products < MIN_PRODUCTS || products > MAX_PRODUCTS) {
    throw new RangeError(`products must be a whole number from ${MIN_PRODUCTS} to ${MAX_PRODUCTS.toLocaleString('en-US')}, not ${products}`);
  }
}

/** "Trail Runner GTX" → "Trail Runner": the model's name without its series or size word. */
function stemOf(model: string): string {
  const stem = model.replace(/ (\d[\d.]*|GTX|Pro|Lite|Wide|Men|Women|Dark|\d-pack|#\d|\d+ ?[a-zA-Z]*)$/, '');
  return stem.includes(' ') ? stem : model;
}

/**
 * Builds the catalogue for `seed`: same seed and size, same products, ids, relations, stock and
 * prices. `products` defaults to defaultProductCount().
 */
export function buildCatalogue(seed: number, products_?: number): Catalogue {
  const wanted = products_ ?? defaultProductCount();
  validateProductCount(wanted);
  const random = new SeedRandom(seed, 'catalogue');
  const stock = new SeedRandom(seed, 'catalogue:stock');
  const pricing = new SeedRandom(seed, 'catalogue:prices');
  let products: CatalogueProduct[] = [];
  const bySku = new Map<string, CatalogueProduct>();
  const partNumbers = new Set<string>();
  const fixedSkus = new Set<string>(FIXED.map((f) => f.sku));
  const add = (p: Omit<CatalogueProduct, 'id' | 'isConsumable' | 'taxClass' | 'status' | 'stock'>): CatalogueProduct => {
    const product: CatalogueProduct = { ...p, id: random.uuid(), isConsumable: p.replenishDays !== null, taxClass: taxClassOf(p.category), status: 'active', stock: 0 };
    products.push(product);
    bySku.set(product.sku, product);
    partNumbers.add(product.partNumber);
    return product;
  };
  const partNumber = (digits: 5 | 6): string => {
    let pn: string;
    do pn = digits === 5 ? `PN-${random.between(10000, 99999)}` : `PN-${random.between(100000, 999999)}`;
    while (partNumbers.has(pn));
    return pn;
  };

  for (const f of FIXED) add(f);
  // "TR-2041" belongs to the Trail Runner 2 alone: generated models never reuse a fixed model number.
  const fixedModels = new Set(FIXED.map((f) => f.sku.split('-').slice(0, 2).join('-')));
  const addModel = (spec: CategorySpec, model: string, modelNumber: string, variants: readonly Variant[], longTail: boolean): void => {
    const brand = random.pick(spec.brands);
    const base = random.between(spec.price[0], spec.price[1]);
    for (const v of variants) {
      add({
        sku: `${spec.code}-${modelNumber}-${v.code}`,
        name: `${model} (${v.label})`,
        brand,
        partNumber: partNumber(longTail ? 6 : 5),
        category: spec.category,
        interest: spec.interest,
        priceCents: spec.faceValue ? base * v.factor : longTail ? charmPrice(base * v.factor, random) : retailPrice(base * v.factor),
        replenishDays: spec.replenishDays,
      });
    }
  };

  for (const spec of CATEGORIES) {
    spec.models.forEach((model, m) => {
      // Model numbers from 1000 up, 37 apart, so models of one category never share a number.
      let number = 1000 + m * 37 + random.int(30);
      while (fixedModels.has(`${spec.code}-${number}`)) number += 1;
      addModel(spec, model, String(number), spec.variants, false);
    });
  }

  if (wanted > products.length) addLongTail(wanted - products.length, random, fixedModels, addModel);
  else if (wanted < products.length) products = keepShare(products, wanted, fixedSkus);

  // Stock and status from their own stream: one draw pattern per product whatever its kind.
  for (const p of products) {
    const fixed = fixedSkus.has(p.sku);
    const discontinued = stock.chance(0.03) && !fixed;
    const r = stock.next();
    const u = stock.next();
    if (discontinued) {
      p.status = 'discontinued';
      p.stock = r < 0.7 ? 0 : 1 + Math.floor(u * 10);
    } else if (p.category === 'gift-cards') p.stock = 5000;
    else if (r < 0.06 && !fixed) p.stock = 0;
    else if (r < 0.16 && !fixed) p.stock = 1 + Math.floor(u * 5);
    else p.stock = (p.isConsumable ? 40 : 6) + Math.floor(u * u * (p.isConsumable ? 960 : 294));
  }
  const prices: ProductPriceRow[] = [];
  for (const p of products) {
    const faceValue = p.category === 'gift-cards';
    for (const currency of SELLING_CURRENCIES) prices.push({ product_id: p.id, currency, price_cents: sellingPrice(p.priceCents, currency, pricing, faceValue) });
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
      // The long tail relates to the category's first products (its best-sellers), as shops do.
      const pool = byCategory.get(rule.category) ?? [];
      const reach = Math.min(pool.length, 200);
      for (let i = 0; i < rule.count && reach > 0; i++) relate(p, pool[random.int(reach)]!, rule.kind);
    }
  }

  return indexCatalogue(products, relations, prices);
}

/** First extra model number of a category (the base models stay below 3000). */
const LONG_TAIL_FROM = 3000;
const LAST_MODEL_NUMBER = 9999;

/**
 * Adds `count` products as more models of every scalable category in turn, named from the
 * category's model stems and descriptor words with a generation number ("Ridge Racer Tempo 4").
 */
function addLongTail(
  count: number,
  random: SeedRandom,
  fixedModels: ReadonlySet<string>,
  addModel: (spec: CategorySpec, model: string, modelNumber: string, variants: readonly Variant[], longTail: boolean) => void,
): void {
  const specs = CATEGORIES.filter((c) => c.scalable !== false).map((spec) => ({
    spec,
    stems: [...new Set(spec.models.map(stemOf))],
    descriptors: spec.descriptors ?? DESCRIPTORS[spec.interest],
    made: 0,
    number: LONG_TAIL_FROM,
  }));
  let left = count;
  while (left > 0) {
    let added = false;
    for (const s of specs) {
      if (left === 0) break;
      if (s.number + 3 > LAST_MODEL_NUMBER) continue;
      const k = s.made++;
      const stem = s.stems[k % s.stems.length]!;
      const rest = Math.floor(k / s.stems.length);
      const descriptor = s.descriptors[rest % s.descriptors.length]!;
      const generation = 2 + Math.floor(rest / s.descriptors.length);
      s.number += 1 + random.int(2);
      while (fixedModels.has(`${s.spec.code}-${s.number}`)) s.number += 1;
      const variants = s.spec.variants.slice(0, Math.min(left, s.spec.variants.length));
      addModel(s.spec, `${stem} ${descriptor} ${generation}`, String(s.number), variants, true);
      left -= variants.length;
      added = true;
    }
    if (!added) throw new RangeError('The categories have no model numbers left for so many products.');
  }
}

/**
 * The first `count` products of a catalogue spread over its categories: the fixed products, then
 * every category's first models in turn; kept in catalogue order (best-sellers first).
 */
function keepShare(products: readonly CatalogueProduct[], count: number, fixedSkus: ReadonlySet<string>): CatalogueProduct[] {
  const rank = new Map<CatalogueProduct, number>();
  const seenInCategory = new Map<string, number>();
  for (const p of products) {
    if (fixedSkus.has(p.sku)) {
      rank.set(p, -1);
      continue;
    }
    const n = seenInCategory.get(p.category) ?? 0;
    seenInCategory.set(p.category, n + 1);
    rank.set(p, n);
  }
  const chosen = new Set([...products].sort((a, b) => rank.get(a)! - rank.get(b)!).slice(0, count));
  return products.filter((p) => chosen.has(p));
}

function indexCatalogue(products: readonly CatalogueProduct[], relations: readonly CatalogueRelation[], prices: readonly ProductPriceRow[]): Catalogue {
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
  return { products, relations, byInterest, relatedOf, prices };
}

export const INTERESTS: readonly Interest[] = ['running', 'outdoor', 'coffee', 'printing'];

/** The interest group of a category, for catalogues read back from a cache. */
export function interestOfCategory(category: string): Interest | undefined {
  return CATEGORIES.find((c) => c.category === category)?.interest ?? FIXED.find((f) => f.category === category)?.interest;
}

/** The product columns a catalogue is rebuilt from. */
export type CatalogueProductRow = Pick<ProductRow, 'id' | 'sku' | 'name' | 'brand' | 'part_number' | 'category' | 'price_cents' | 'replenish_days' | 'tax_class' | 'status' | 'stock'>;

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
    taxClass: r.tax_class,
    status: r.status,
    stock: r.stock,
  }));
  return indexCatalogue(products, relationRows, []);
}
