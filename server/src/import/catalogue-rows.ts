/**
 * Product and campaign rows of an import file (issue 23), checked with zod and the app's code lists
 * (src-shared/domain/product.ts, order.ts) and turned into what the store holds.
 *
 * Products — columns (any case): source_id, sku, name, category (required), brand, part_number,
 * price (e.g. 12.50, in `currency`, default USD), currency, prices (the other selling currencies,
 * "EUR:11.90;GBP:9.99"), stock (units on hand), tax_class (standard/reduced/zero), status
 * (active/discontinued), consumable (yes/no), replenish_days, related ("complement:SKU;accessory:SKU",
 * the related products' SKUs, in the store or earlier in the file).
 *
 * Campaigns — columns: source_id, code, name, rule (percent/amount/free_shipping), value, starts_at
 * (required), family, channel (online/offline/both, default both), currency (amount rules),
 * min_order (e.g. 50.00), ends_at, active (yes/no).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { text } from '../../../src-shared/contracts/text';
import { PRODUCT_STATUSES, SELLING_CURRENCIES, TAX_CLASSES } from '../../../src-shared/domain/product';
import { PRODUCT_RELATION_KINDS } from '../../../src-shared/domain/customer';
import { CAMPAIGN_CHANNELS, CAMPAIGN_RULES } from '../../../src-shared/domain/order';
import { SOURCE_ID_MAX, type RowProblem } from './customer-row';

export type Checked<T> = { ok: true; record: T & { sourceId: string; hash: string } } | { ok: false; problems: RowProblem[] };

const YES_NO: Record<string, boolean> = { true: true, yes: true, y: true, '1': true, false: false, no: false, n: false, '0': false };
const MAX_CENTS = 2_000_000_000;

const sourceId = text()
  .trim()
  .min(1, { message: 'The source id is required: the id the record has in the system the file comes from.' })
  .max(SOURCE_ID_MAX, { message: `Source id: at most ${SOURCE_ID_MAX} characters.` });

const hashOf = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('base64url');

/** "12.50" → 1250; null when it is not an amount (negative, more than two decimals, too large). */
export function parseCents(value: string): number | null {
  const m = /^\s*(\d{1,8})(?:[.,](\d{1,2}))?\s*$/.exec(value);
  if (!m) return null;
  const cents = Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
  return cents <= MAX_CENTS ? cents : null;
}

function wholeNumber(value: string, min: number, max: number): number | null {
  if (!/^\s*\d{1,9}\s*$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}

class Problems {
  list: RowProblem[] = [];
  constructor(private readonly fields: Readonly<Record<string, string>>) {}
  get(column: string): string {
    return this.fields[column] ?? '';
  }
  add(column: string, reason: string, value = this.get(column)): void {
    this.list.push({ column, value, reason });
  }
  parse<T>(column: string, schema: z.ZodType<T>, value: unknown = this.get(column)): T | undefined {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    this.add(column, r.error.issues[0]?.message ?? 'Not valid.');
    return undefined;
  }
  enumOf<T extends string>(column: string, values: readonly T[], fallback: T, what: string): T {
    const v = this.get(column).trim().toLowerCase();
    if (v === '') return fallback;
    if ((values as readonly string[]).includes(v)) return v as T;
    this.add(column, `${what}: one of ${values.join(', ')}.`);
    return fallback;
  }
  yesNo(column: string, fallback: boolean): boolean {
    const v = this.get(column).trim().toLowerCase();
    if (v === '') return fallback;
    const b = YES_NO[v];
    if (b === undefined) this.add(column, 'Yes or no (true/false, 1/0).');
    return b ?? fallback;
  }
}

// ——— Products ———

export const PRODUCT_COLUMNS = ['source_id', 'sku', 'name', 'category', 'brand', 'part_number', 'price', 'currency', 'prices', 'stock', 'tax_class', 'status', 'consumable', 'replenish_days', 'related'] as const;
export const REQUIRED_PRODUCT_COLUMNS = ['source_id', 'sku', 'name', 'category', 'price'] as const;

export interface ImportedProduct {
  sku: string;
  name: string;
  brand: string;
  partNumber: string | null;
  category: string;
  priceCents: number;
  currency: string;
  /** Every selling currency's price given (the main one included). */
  prices: { currency: string; cents: number }[];
  stock: number | undefined;
  taxClass: string;
  status: string;
  isConsumable: boolean;
  replenishDays: number | null;
  related: { kind: string; sku: string }[];
}

const sku = text()
  .trim()
  .min(1, { message: 'The SKU is required.' })
  .max(64, { message: 'SKU: at most 64 characters.' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, { message: 'SKU: letters, digits, ".", "_", "/" or "-".' })
  .transform((v) => v.toUpperCase());
const productName = text().trim().min(1, { message: 'The name is required.' }).max(200, { message: 'Name: at most 200 characters.' });
const category = text()
  .trim()
  .min(1, { message: 'The category is required.' })
  .max(80, { message: 'Category: at most 80 characters.' })
  .transform((v) => v.toLowerCase().replace(/[\s_]+/g, '-'));

const isCurrency = (v: string): boolean => (SELLING_CURRENCIES as readonly string[]).includes(v);

export function checkProductRow(fields: Readonly<Record<string, string>>): Checked<ImportedProduct> {
  const p = new Problems(fields);
  const id = p.parse('source_id', sourceId);
  const theSku = p.parse('sku', sku);
  const name = p.parse('name', productName);
  const cat = p.parse('category', category);
  const brand = p.parse('brand', text().trim().max(100, { message: 'Brand: at most 100 characters.' })) ?? '';
  const partNumber = p.parse('part_number', text().trim().max(64, { message: 'Part number: at most 64 characters.' }));
  const currency = (p.get('currency').trim() || 'USD').toUpperCase();
  if (!isCurrency(currency)) p.add('currency', `The store sells in ${SELLING_CURRENCIES.join(', ')}.`);
  const priceCents = parseCents(p.get('price'));
  if (priceCents === null) p.add('price', p.get('price').trim() === '' ? 'The price is required (e.g. 12.50).' : 'Price: an amount such as 12.50 (not negative, at most two decimals).');
  const prices: { currency: string; cents: number }[] = priceCents !== null && isCurrency(currency) ? [{ currency, cents: priceCents }] : [];
  for (const part of p
    .get('prices')
    .split(';')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z]{3})\s*[:=]\s*(.+)$/.exec(part);
    const cents = m ? parseCents(m[2]!) : null;
    const cur = m ? m[1]!.toUpperCase() : '';
    if (!m || cents === null) p.add('prices', `"${part}" is not a price: write CUR:amount, e.g. EUR:11.90.`, part);
    else if (!isCurrency(cur)) p.add('prices', `The store sells in ${SELLING_CURRENCIES.join(', ')}.`, part);
    else if (prices.some((x) => x.currency === cur)) p.add('prices', `Two prices in ${cur}.`, part);
    else prices.push({ currency: cur, cents });
  }
  let stock: number | undefined;
  if (p.get('stock').trim() !== '') {
    const n = wholeNumber(p.get('stock'), 0, 100_000_000);
    if (n === null) p.add('stock', 'Stock: a whole number of units, 0 or more.');
    else stock = n;
  }
  const taxClass = p.enumOf('tax_class', TAX_CLASSES, 'standard', 'Tax class');
  const status = p.enumOf('status', PRODUCT_STATUSES, 'active', 'Status');
  const isConsumable = p.yesNo('consumable', false);
  let replenishDays: number | null = null;
  if (p.get('replenish_days').trim() !== '') {
    replenishDays = wholeNumber(p.get('replenish_days'), 1, 3650);
    if (replenishDays === null) p.add('replenish_days', 'Replenish days: a whole number from 1 to 3650.');
  }
  const related: { kind: string; sku: string }[] = [];
  for (const part of p
    .get('related')
    .split(';')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^([a-z]+)\s*:\s*(\S+)$/i.exec(part);
    const kind = m?.[1]!.toLowerCase() ?? '';
    const target = m ? sku.safeParse(m[2]) : null;
    if (!m || !target?.success) p.add('related', `"${part}" is not a relation: write kind:SKU, e.g. accessory:AB-123.`, part);
    else if (!(PRODUCT_RELATION_KINDS as readonly string[]).includes(kind)) p.add('related', `Relation: one of ${PRODUCT_RELATION_KINDS.join(', ')}.`, part);
    else if (target.data === theSku) p.add('related', 'A product cannot be related to itself.', part);
    else if (!related.some((r) => r.kind === kind && r.sku === target.data)) related.push({ kind, sku: target.data });
  }
  if (p.list.length > 0 || id === undefined || theSku === undefined || name === undefined || cat === undefined || priceCents === null) return { ok: false, problems: p.list };
  prices.sort((a, b) => (a.currency < b.currency ? -1 : 1));
  related.sort((a, b) => (a.kind + a.sku < b.kind + b.sku ? -1 : 1));
  const record: ImportedProduct = {
    sku: theSku,
    name,
    brand,
    partNumber: partNumber ? partNumber.toUpperCase() : null,
    category: cat,
    priceCents,
    currency,
    prices,
    stock,
    taxClass,
    status,
    isConsumable,
    replenishDays,
    related,
  };
  return { ok: true, record: { ...record, sourceId: id, hash: hashOf(record) } };
}

// ——— Campaigns ———

export const CAMPAIGN_COLUMNS = ['source_id', 'code', 'name', 'rule', 'value', 'starts_at', 'family', 'channel', 'currency', 'min_order', 'ends_at', 'active'] as const;
export const REQUIRED_CAMPAIGN_COLUMNS = ['source_id', 'code', 'name', 'rule', 'value', 'starts_at'] as const;

export interface ImportedCampaign {
  code: string;
  family: string;
  name: string;
  channel: string;
  rule: string;
  value: number;
  currency: string | null;
  minOrderCents: number;
  startsAt: number;
  endsAt: number | null;
  active: boolean;
}

const campaignCode = text()
  .trim()
  .min(1, { message: 'The code is required.' })
  .max(40, { message: 'Code: at most 40 characters.' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { message: 'Code: letters, digits, "_" or "-".' })
  .transform((v) => v.toUpperCase());

/** An ISO date or date-time ("2026-03-01", "2026-03-01T09:00:00Z") as epoch ms, or null. */
export function parseDate(value: string): number | null {
  const v = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) return null;
  const ms = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v.replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : null;
}

export function checkCampaignRow(fields: Readonly<Record<string, string>>): Checked<ImportedCampaign> {
  const p = new Problems(fields);
  const id = p.parse('source_id', sourceId);
  const code = p.parse('code', campaignCode);
  const name = p.parse('name', productName);
  const rule = p.enumOf('rule', CAMPAIGN_RULES, 'percent', 'Rule');
  if (p.get('rule').trim() === '') p.add('rule', `The rule is required: one of ${CAMPAIGN_RULES.join(', ')}.`);
  const channel = p.enumOf('channel', CAMPAIGN_CHANNELS, 'both', 'Channel');
  const family = p.parse('family', text().trim().max(60, { message: 'Family: at most 60 characters.' })) ?? '';
  let value = 0;
  if (rule === 'percent') {
    const n = wholeNumber(p.get('value'), 1, 100);
    if (n === null) p.add('value', 'A percent rule takes a whole percent from 1 to 100.');
    else value = n;
  } else if (rule === 'amount') {
    const c = parseCents(p.get('value'));
    if (c === null || c === 0) p.add('value', 'An amount rule takes an amount off, e.g. 5.00.');
    else value = c;
  } else if (p.get('value').trim() !== '' && p.get('value').trim() !== '0') p.add('value', 'A free-shipping rule takes no value (leave it empty or 0).');
  let currency: string | null = null;
  const cur = p.get('currency').trim().toUpperCase();
  if (cur !== '') {
    if (!isCurrency(cur)) p.add('currency', `The store sells in ${SELLING_CURRENCIES.join(', ')}.`);
    else currency = cur;
  }
  if (rule === 'amount' && currency === null && cur === '') p.add('currency', 'An amount rule needs the currency of its amount.');
  let minOrderCents = 0;
  if (p.get('min_order').trim() !== '') {
    const c = parseCents(p.get('min_order'));
    if (c === null) p.add('min_order', 'Minimum order: an amount such as 50.00.');
    else minOrderCents = c;
  }
  const startsAt = parseDate(p.get('starts_at'));
  if (startsAt === null) p.add('starts_at', 'Starts: a date such as 2026-03-01 (or a date and time in ISO form).');
  let endsAt: number | null = null;
  if (p.get('ends_at').trim() !== '') {
    endsAt = parseDate(p.get('ends_at'));
    if (endsAt === null) p.add('ends_at', 'Ends: a date such as 2026-03-31 (or a date and time in ISO form).');
    else if (startsAt !== null && endsAt <= startsAt) p.add('ends_at', 'Ends before it starts.');
  }
  const active = p.yesNo('active', true);
  if (p.list.length > 0 || id === undefined || code === undefined || name === undefined || startsAt === null) return { ok: false, problems: p.list };
  const record: ImportedCampaign = { code, family, name, channel, rule, value, currency, minOrderCents, startsAt, endsAt, active };
  return { ok: true, record: { ...record, sourceId: id, hash: hashOf(record) } };
}
