/**
 * Product and campaign imports (issue 23), on the customer import's machinery: records stream in,
 * each row is checked (catalogue-rows.ts), valid rows are written in batches of one transaction
 * each. Written through the tables' own change-log triggers, so workstations receive them by sync.
 *
 * Idempotent on the source system's id (import_sources: kind, source, source id → record, hash of
 * the row last applied): the same row again is `unchanged`; a changed row updates its record. A row
 * whose source id is new but whose SKU (product) or code (campaign) is in the store already takes
 * that record over (a shop's catalogue is usually the store's). A source id, SKU or code twice in
 * one file refuses the later row. A product's related SKUs must be in the store or on an earlier
 * row of the file, else the row is refused (nothing of it written).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Store } from '../db/connect';
import type { StoreTx } from '../sync/mutations/refusal';
import { checkCampaignRow, checkProductRow, REQUIRED_CAMPAIGN_COLUMNS, REQUIRED_PRODUCT_COLUMNS, CAMPAIGN_COLUMNS, PRODUCT_COLUMNS, type ImportedCampaign, type ImportedProduct } from './catalogue-rows';
import { SOURCE_PATTERN, DEFAULT_IMPORT_BATCH, ImportColumnsError, newImportReport, type CustomerImportOptions, type ImportReport } from './customers';
import type { RowProblem } from './customer-row';
import { ERRORS_COLUMN } from './error-file';
import { uuidV7 } from './ids';
import type { ReadItem } from './read-records';
import { SeenIds } from './seen-ids';

export type CatalogueKind = 'products' | 'campaigns';

const KINDS = {
  products: { columns: PRODUCT_COLUMNS as readonly string[], required: REQUIRED_PRODUCT_COLUMNS as readonly string[], key: 'sku' as const },
  campaigns: { columns: CAMPAIGN_COLUMNS as readonly string[], required: REQUIRED_CAMPAIGN_COLUMNS as readonly string[], key: 'code' as const },
};

/** Checks a CSV header for `kind`; returns the columns the import ignores. */
export function checkCatalogueHeader(kind: CatalogueKind, columns: readonly string[]): string[] {
  const names = columns.map((c) => c.trim().toLowerCase());
  const { required, columns: known } = KINDS[kind];
  const missing = required.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new ImportColumnsError(`The file has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}: a ${kind.slice(0, -1)} file needs ${required.join(', ')} (and may have ${known.filter((c) => !required.includes(c)).join(', ')}).`);
  }
  return names.filter((n) => !known.includes(n) && n !== ERRORS_COLUMN);
}

type Row = { line: number; item: ReadItem } & ({ kind: 'products'; record: ImportedProduct & { sourceId: string; hash: string } } | { kind: 'campaigns'; record: ImportedCampaign & { sourceId: string; hash: string } });

const arr = (values: unknown[], type: string): SQL => sql`${sql.param(values)}${sql.raw(`::${type}[]`)}`;
const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

export type CatalogueImportOptions = Omit<CustomerImportOptions, 'defaultRegion' | 'agentId' | 'checker'> & { kind: CatalogueKind };

export async function importCatalogue(store: Store, records: AsyncIterable<ReadItem>, options: CatalogueImportOptions): Promise<ImportReport> {
  if (!SOURCE_PATTERN.test(options.source)) throw new RangeError('The source must be a short name: lower-case letters, digits, ".", "_" or "-", e.g. shop.');
  const started = performance.now();
  const kind = options.kind;
  const batchRows = options.batchRows ?? DEFAULT_IMPORT_BATCH;
  const clock = options.clock ?? Date.now;
  const { report, refuse } = newImportReport(kind, options);
  const seenIds = new SeenIds();
  const fileKeys = new SeenIds();
  // A dry run writes nothing: the SKUs its earlier batches would have written, for later rows' relations.
  const dryKnown = new Set<string>();
  let batch: Row[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const counts = await applyBatch(store, kind, rows, options.source, report.dryRun, clock(), dryKnown, refuse);
    report.created += counts.created;
    report.updated += counts.updated;
    report.unchanged += counts.unchanged;
    options.onProgress?.({ rowsRead: report.rowsRead, created: report.created, updated: report.updated, unchanged: report.unchanged, refused: report.refused, ms: performance.now() - started });
  };
  for await (const item of records) {
    report.rowsRead++;
    if ('unreadable' in item) {
      refuse(item, [{ column: '', value: '', reason: item.unreadable }]);
      continue;
    }
    const checked = kind === 'products' ? checkProductRow(item.fields) : checkCampaignRow(item.fields);
    if (!checked.ok) {
      refuse(item, checked.problems);
      continue;
    }
    const record = checked.record;
    const key = 'sku' in record ? record.sku : record.code;
    if (!seenIds.add(record.sourceId)) {
      refuse(item, [{ column: 'source_id', value: record.sourceId, reason: `This source id is on an earlier row of the file: each ${kind.slice(0, -1)} once.` }]);
      continue;
    }
    if (!fileKeys.add(key)) {
      refuse(item, [{ column: KINDS[kind].key, value: key, reason: `This ${KINDS[kind].key === 'sku' ? 'SKU' : 'code'} is on an earlier row of the file.` }]);
      continue;
    }
    batch.push({ line: item.line, item, kind, record } as Row);
    if (batch.length >= batchRows) await flush();
  }
  await flush();
  report.ms = performance.now() - started;
  return report;
}

async function applyBatch(
  store: Store,
  kind: CatalogueKind,
  rows: Row[],
  source: string,
  dryRun: boolean,
  now: number,
  dryKnown: Set<string>,
  refuse: (item: ReadItem, problems: RowProblem[]) => void,
): Promise<{ created: number; updated: number; unchanged: number }> {
  const work = async (tx: StoreTx | Store['db']) => {
    const linked = new Map<string, { recordId: string; hash: string }>();
    for (const r of rowsOf<{ source_id: string; record_id: string; source_hash: string }>(
      await tx.execute(sql`select s.source_id, s.record_id, s.source_hash from import_sources s
        join ${sql.raw(kind)} t on t.id = s.record_id
        where s.kind = ${kind} and s.source = ${source} and s.source_id = any(${arr(
          rows.map((r) => r.record.sourceId),
          'text',
        )})`),
    ))
      linked.set(r.source_id, { recordId: r.record_id, hash: r.source_hash });
    const keyColumn = KINDS[kind].key;
    const keys = rows.map((r) => ('sku' in r.record ? r.record.sku : r.record.code));
    const byKey = new Map<string, string>();
    for (const r of rowsOf<{ id: string; k: string }>(await tx.execute(sql`select id, ${sql.raw(keyColumn)} as k from ${sql.raw(kind)} where ${sql.raw(keyColumn)} = any(${arr(keys, 'text')})`)))
      byKey.set(r.k, r.id);

    // Products: related SKUs must be known (in the store, or valid on an earlier row / this batch).
    let skuIds = new Map<string, string>();
    let accepted = rows;
    if (kind === 'products') {
      const wanted = [...new Set(rows.flatMap((r) => (r.kind === 'products' ? r.record.related.map((x) => x.sku) : [])))];
      skuIds = new Map(rowsOf<{ id: string; sku: string }>(await tx.execute(sql`select id, sku from products where sku = any(${arr(wanted, 'text')})`)).map((r) => [r.sku, r.id]));
      const inBatch = new Set(keys);
      accepted = rows.filter((r) => {
        if (r.kind !== 'products') return true;
        const unknown = r.record.related.filter((x) => !skuIds.has(x.sku) && !inBatch.has(x.sku) && !dryKnown.has(x.sku));
        if (unknown.length === 0) return true;
        refuse(r.item, unknown.map((x) => ({ column: 'related', value: `${x.kind}:${x.sku}`, reason: `No product has the SKU ${x.sku}: import it first (or on an earlier row).` })));
        return false;
      });
    }

    const fresh: Row[] = [];
    const changed: { row: Row; id: string }[] = [];
    let unchanged = 0;
    for (const row of accepted) {
      const link = linked.get(row.record.sourceId);
      const key = 'sku' in row.record ? row.record.sku : row.record.code;
      if (link && link.hash === row.record.hash) unchanged++;
      else if (link) changed.push({ row, id: link.recordId });
      else if (byKey.has(key)) changed.push({ row, id: byKey.get(key)! });
      else fresh.push(row);
    }
    if (dryRun && kind === 'products') for (const row of accepted) if (row.kind === 'products') dryKnown.add(row.record.sku);
    if (dryRun) return { created: fresh.length, updated: changed.length, unchanged };

    const ids = new Map<Row, string>();
    for (const row of fresh) ids.set(row, uuidV7(now));
    for (const { row, id } of changed) ids.set(row, id);
    const written = [...fresh, ...changed.map((c) => c.row)];
    if (kind === 'products') await writeProducts(tx as StoreTx, written as Extract<Row, { kind: 'products' }>[], ids, skuIds);
    else await writeCampaigns(tx as StoreTx, written as Extract<Row, { kind: 'campaigns' }>[], ids);
    if (written.length > 0) {
      await tx.execute(sql`insert into import_sources (kind, source, source_id, record_id, source_hash, imported_at)
        select ${kind}, ${source}, s, r, h, ${now}::bigint from unnest(${arr(
          written.map((r) => r.record.sourceId),
          'text',
        )}, ${arr(
          written.map((r) => ids.get(r)!),
          'uuid',
        )}, ${arr(
          written.map((r) => r.record.hash),
          'text',
        )}) as t(s, r, h)
        on conflict (kind, source, source_id) do update set record_id = excluded.record_id, source_hash = excluded.source_hash, imported_at = excluded.imported_at`);
    }
    return { created: fresh.length, updated: changed.length, unchanged };
  };
  if (dryRun) return work(store.db);
  return store.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`sb.import:${kind}:${source}`}))`);
    return work(tx);
  });
}

async function writeProducts(tx: StoreTx, rows: Extract<Row, { kind: 'products' }>[], ids: Map<Row, string>, skuIds: Map<string, string>): Promise<void> {
  if (rows.length === 0) return;
  const p = rows.map((r) => r.record);
  const id = rows.map((r) => ids.get(r)!);
  // Stock left empty keeps the store's (0 for a new product).
  await tx.execute(sql`insert into products (id, sku, name, brand, part_number, category, price_cents, currency, is_consumable, replenish_days, tax_class, status, stock)
    select t.id, sku, name, brand, part_number, category, price_cents, currency, is_consumable, replenish_days, tax_class, status,
      coalesce(t.stock, (select p.stock from products p where p.id = t.id), 0) from unnest(${arr(id, 'uuid')}, ${arr(
      p.map((x) => x.sku),
      'text',
    )}, ${arr(
      p.map((x) => x.name),
      'text',
    )}, ${arr(
      p.map((x) => x.brand),
      'text',
    )}, ${arr(
      p.map((x) => x.partNumber),
      'text',
    )}, ${arr(
      p.map((x) => x.category),
      'text',
    )}, ${arr(
      p.map((x) => x.priceCents),
      'int',
    )}, ${arr(
      p.map((x) => x.currency),
      'text',
    )}, ${arr(
      p.map((x) => x.isConsumable),
      'boolean',
    )}, ${arr(
      p.map((x) => x.replenishDays),
      'int',
    )}, ${arr(
      p.map((x) => x.taxClass),
      'text',
    )}, ${arr(
      p.map((x) => x.status),
      'text',
    )}, ${arr(
      rows.map((r) => r.record.stock ?? null),
      'int',
    )}) as t(id, sku, name, brand, part_number, category, price_cents, currency, is_consumable, replenish_days, tax_class, status, stock)
    on conflict (id) do update set sku = excluded.sku, name = excluded.name, brand = excluded.brand, part_number = excluded.part_number, category = excluded.category,
      price_cents = excluded.price_cents, currency = excluded.currency, is_consumable = excluded.is_consumable, replenish_days = excluded.replenish_days,
      tax_class = excluded.tax_class, status = excluded.status, stock = excluded.stock`);
  const prices = rows.flatMap((r) => r.record.prices.map((x) => ({ id: ids.get(r)!, ...x })));
  await tx.execute(sql`insert into product_prices (product_id, currency, price_cents)
    select * from unnest(${arr(
      prices.map((x) => x.id),
      'uuid',
    )}, ${arr(
      prices.map((x) => x.currency),
      'text',
    )}, ${arr(
      prices.map((x) => x.cents),
      'int',
    )})
    on conflict (product_id, currency) do update set price_cents = excluded.price_cents`);
  // Relations: the file's list replaces the product's.
  for (const row of rows) {
    for (const x of row.record.related) {
      const target = rows.find((r) => r.record.sku === x.sku);
      if (!skuIds.has(x.sku) && target) skuIds.set(x.sku, ids.get(target)!);
    }
  }
  await tx.execute(sql`delete from product_relations where product_id = any(${arr(id, 'uuid')})`);
  const rel = rows.flatMap((r) => r.record.related.flatMap((x) => (skuIds.has(x.sku) ? [{ id: ids.get(r)!, to: skuIds.get(x.sku)!, kind: x.kind }] : [])));
  if (rel.length > 0) {
    await tx.execute(sql`insert into product_relations (product_id, related_product_id, kind)
      select * from unnest(${arr(
        rel.map((x) => x.id),
        'uuid',
      )}, ${arr(
        rel.map((x) => x.to),
        'uuid',
      )}, ${arr(
        rel.map((x) => x.kind),
        'text',
      )}) on conflict do nothing`);
  }
}

async function writeCampaigns(tx: StoreTx, rows: Extract<Row, { kind: 'campaigns' }>[], ids: Map<Row, string>): Promise<void> {
  if (rows.length === 0) return;
  const c = rows.map((r) => r.record);
  await tx.execute(sql`insert into campaigns (id, code, family, name, channel, rule, value, currency, min_order_cents, starts_at, ends_at, active)
    select * from unnest(${arr(
      rows.map((r) => ids.get(r)!),
      'uuid',
    )}, ${arr(
      c.map((x) => x.code),
      'text',
    )}, ${arr(
      c.map((x) => x.family),
      'text',
    )}, ${arr(
      c.map((x) => x.name),
      'text',
    )}, ${arr(
      c.map((x) => x.channel),
      'text',
    )}, ${arr(
      c.map((x) => x.rule),
      'text',
    )}, ${arr(
      c.map((x) => x.value),
      'int',
    )}, ${arr(
      c.map((x) => x.currency),
      'text',
    )}, ${arr(
      c.map((x) => x.minOrderCents),
      'int',
    )}, ${arr(
      c.map((x) => x.startsAt),
      'bigint',
    )}, ${arr(
      c.map((x) => x.endsAt),
      'bigint',
    )}, ${arr(
      c.map((x) => x.active),
      'boolean',
    )}) as t(id, code, family, name, channel, rule, value, currency, min_order_cents, starts_at, ends_at, active)
    on conflict (id) do update set code = excluded.code, family = excluded.family, name = excluded.name, channel = excluded.channel, rule = excluded.rule,
      value = excluded.value, currency = excluded.currency, min_order_cents = excluded.min_order_cents, starts_at = excluded.starts_at, ends_at = excluded.ends_at, active = excluded.active`);
}
