/**
 * The tables sync carries from the central store to every workstation cache, declared once.
 *
 * The server's pull reads these columns (in this order) and sends each row as an array of values;
 * the client's page applier writes the same columns; the per-table counts and checksums that show
 * client and server hold the same data are computed over the same columns on both sides
 * (PostgreSQL on the server, SQLite in the cache). Column names are the SQL names, identical in
 * both schemas (server/src/db/schema.ts and src-main/core/db/schema.ts); the values of their enum
 * columns come from src-shared/domain. tests/integration/synced-tables.test.ts compares each entry
 * with both drizzle tables (columns, types, nullability, defaults, enums, checks, keys, references)
 * and with the store's change-log triggers, so a column added to both schemas and not here fails.
 *
 * The list is in dependency order: a table comes after every table it references. Upserts are
 * applied in this order and deletes in the reverse order.
 */

/** How a value travels in a pulled row: `int` is a JSON number, `bool` a JSON boolean, `text` a string; any may be null. */
export type SyncColumnKind = 'text' | 'int' | 'bool';

export interface SyncColumn {
  readonly name: string;
  readonly kind: SyncColumnKind;
}

export interface SyncTable {
  readonly name: SyncTableName;
  /**
   * The columns that identify a row. Most tables have one UUID `id`; product_relations has a
   * composite key. A row's key on the wire (tombstones, the change log) is these values joined by
   * SYNC_KEY_SEPARATOR.
   */
  readonly key: readonly string[];
  readonly columns: readonly SyncColumn[];
  /** Who writes it first: `server` rows come from the retailer's systems; `csr` rows are made on workstations and pushed. */
  readonly origin: 'server' | 'csr';
  /**
   * Columns a side's table holds that sync does not carry, named so none is left out by mistake:
   * `cache` for the workstation cache (a local rowid, say), `store` for the central store; a column
   * both hold and sync leaves alone is named in both. Every other column of either drizzle table
   * must be in `columns` (tests/integration/synced-tables.test.ts compares the three declarations).
   */
  readonly unsynced?: { readonly cache?: readonly string[]; readonly store?: readonly string[] };
  /**
   * Filled on the store by its own triggers from other tables (team_roster from users, user_teams
   * and teams: server/drizzle/0020_team_roster.sql), never written directly: not bulk-loaded nor
   * seeded; the cache receives it like any server table.
   */
  readonly derived?: true;
}

export const SYNC_KEY_SEPARATOR = '|';

export const SYNC_TABLE_NAMES = [
  'products',
  'product_prices',
  'product_relations',
  'campaigns',
  'discount_limits',
  'team_roster',
  'customers',
  'customer_phones',
  'customer_emails',
  'customer_addresses',
  'orders',
  'order_lines',
  'calls',
  'complaints',
  'complaint_events',
  'notes',
  'contact_edits',
  'offers',
] as const;
export type SyncTableName = (typeof SYNC_TABLE_NAMES)[number];

const t = (name: string): SyncColumn => ({ name, kind: 'text' });
const i = (name: string): SyncColumn => ({ name, kind: 'int' });
const b = (name: string): SyncColumn => ({ name, kind: 'bool' });

export const SYNC_TABLES: readonly SyncTable[] = [
  {
    name: 'products',
    key: ['id'],
    origin: 'server',
    columns: [
      t('id'),
      t('sku'),
      t('name'),
      t('brand'),
      t('part_number'),
      t('category'),
      i('price_cents'),
      t('currency'),
      b('is_consumable'),
      i('replenish_days'),
      t('tax_class'),
      t('status'),
      i('stock'),
      i('reserved'),
    ],
  },
  {
    name: 'product_prices',
    key: ['product_id', 'currency'],
    origin: 'server',
    columns: [t('product_id'), t('currency'), i('price_cents')],
  },
  {
    name: 'product_relations',
    key: ['product_id', 'related_product_id', 'kind'],
    origin: 'server',
    columns: [t('product_id'), t('related_product_id'), t('kind')],
  },
  {
    name: 'campaigns',
    key: ['id'],
    origin: 'server',
    columns: [
      t('id'),
      t('code'),
      t('family'),
      t('name'),
      t('channel'),
      t('rule'),
      i('value'),
      t('currency'),
      i('min_order_cents'),
      i('starts_at'),
      i('ends_at'),
      b('active'),
    ],
  },
  {
    name: 'discount_limits',
    key: ['id'],
    origin: 'server',
    columns: [t('id'), t('role'), t('user_id'), i('max_percent'), i('max_amount_cents'), t('currency')],
  },
  {
    // Who is in which team (a user name and a team name per membership), so a workstation's team
    // figures count CSRs who never signed in on it (ROSTER_SQL in src-shared/domain/metric-sql.ts)
    // and its dashboard can list them as the store does (active CSRs and supervisors). Nothing
    // secret: no password hash, no session. Keyed by the store's ids, so a renamed
    // user or team is an update of its rows, and a key never holds free text.
    name: 'team_roster',
    key: ['user_id', 'team_id'],
    origin: 'server',
    derived: true,
    columns: [t('user_id'), t('team_id'), t('username'), t('display_name'), t('role'), b('active'), t('team')],
  },
  {
    name: 'customers',
    key: ['id'],
    origin: 'server',
    // The FTS index of customer names points at this local integer key (src-main/core/db/schema.ts).
    // The customer's language is the store's, for the mail it sends (issue 23); workstations have no use for it.
    unsynced: { cache: ['row_id'], store: ['language'] },
    columns: [
      t('id'),
      t('first_name'),
      t('last_name'),
      t('loyalty_tier'),
      i('loyalty_points'),
      b('marketing_consent'),
      t('segment'),
      i('lifetime_value_cents'),
      t('currency'),
      i('created_at'),
      i('updated_at'),
      // Consent per channel and erasure (issue 23): appended, so the columns above keep their places.
      b('consent_email'),
      b('consent_phone'),
      b('consent_sms'),
      i('erased_at'),
    ],
  },
  {
    name: 'customer_phones',
    key: ['id'],
    origin: 'server',
    columns: [t('id'), t('customer_id'), t('e164'), t('raw'), t('kind'), b('is_primary'), b('verified')],
  },
  {
    name: 'customer_emails',
    key: ['id'],
    origin: 'server',
    columns: [t('id'), t('customer_id'), t('email'), b('is_primary')],
  },
  {
    name: 'customer_addresses',
    key: ['id'],
    origin: 'server',
    columns: [t('id'), t('customer_id'), t('kind'), t('line1'), t('line2'), t('city'), t('region'), t('postal_code'), t('country'), b('is_primary')],
  },
  {
    name: 'orders',
    key: ['id'],
    origin: 'server',
    columns: [
      t('id'),
      t('number'),
      t('customer_id'),
      t('channel'),
      t('campaign_code'),
      t('status'),
      t('currency'),
      i('subtotal_cents'),
      i('discount_cents'),
      i('tax_cents'),
      i('shipping_cents'),
      i('total_cents'),
      i('placed_at'),
      t('call_id'),
      t('created_by'),
      t('agent_id'),
      t('heard_from'),
      t('delivery_address_id'),
      t('delivery_address'),
      t('delivery_method'),
      t('payment_method'),
      i('manual_discount_cents'),
      t('discount_reason'),
      t('approved_by'),
      t('approver_name'),
      t('approval_reason'),
      i('approved_at'),
      i('quoted_total_cents'),
      t('attention_reason'),
      t('note'),
    ],
  },
  {
    name: 'order_lines',
    key: ['id'],
    origin: 'server',
    columns: [
      t('id'),
      t('order_id'),
      i('line_no'),
      t('product_id'),
      t('customer_id'),
      i('placed_at'),
      t('sku'),
      t('name'),
      i('quantity'),
      i('unit_price_cents'),
      i('total_cents'),
      t('offer_id'),
      t('line_source'),
      i('discount_cents'),
      i('tax_cents'),
      t('tax_class'),
    ],
  },
  {
    name: 'calls',
    key: ['id'],
    origin: 'csr',
    columns: [
      t('id'),
      t('customer_id'),
      t('from_e164'),
      t('from_raw'),
      t('source'),
      t('agent_id'),
      t('status'),
      i('started_at'),
      i('hold_started_at'),
      i('talk_ended_at'),
      i('completed_at'),
      i('talk_ms'),
      i('hold_ms'),
      i('wrap_up_ms'),
      t('disposition_code'),
      t('wrap_up_notes'),
      i('satisfaction'),
    ],
  },
  {
    name: 'complaints',
    key: ['id'],
    origin: 'csr',
    columns: [
      t('id'),
      t('customer_id'),
      t('call_id'),
      t('order_id'),
      t('order_line_id'),
      t('category_code'),
      t('severity'),
      t('description'),
      t('desired_resolution'),
      t('status'),
      t('follow_up_on'),
      t('resolution'),
      i('resolved_at'),
      i('opened_at'),
      i('updated_at'),
      t('agent_id'),
    ],
  },
  {
    name: 'complaint_events',
    key: ['id'],
    origin: 'csr',
    columns: [t('id'), t('complaint_id'), t('call_id'), t('agent_id'), i('at'), t('kind'), t('from_status'), t('to_status'), t('detail')],
  },
  {
    name: 'notes',
    key: ['id'],
    origin: 'csr',
    columns: [t('id'), t('customer_id'), t('call_id'), t('agent_id'), t('body'), i('created_at')],
  },
  {
    name: 'contact_edits',
    key: ['id'],
    origin: 'csr',
    // `source`: on whose word a consent changed (issue 23; src-shared/domain/consent.ts).
    columns: [t('id'), t('customer_id'), t('call_id'), t('agent_id'), t('field'), t('old_value'), t('new_value'), i('at'), t('source')],
  },
  {
    name: 'offers',
    key: ['id'],
    origin: 'csr',
    columns: [
      t('id'),
      t('customer_id'),
      t('call_id'),
      t('agent_id'),
      t('product_id'),
      t('kind'),
      t('reason'),
      t('outcome'),
      i('presented_at'),
      i('decided_at'),
    ],
  },
];

const BY_NAME = new Map(SYNC_TABLES.map((table) => [table.name, table]));

export function syncTable(name: SyncTableName): SyncTable {
  const table = BY_NAME.get(name);
  if (!table) throw new Error(`No sync table named ${name}`);
  return table;
}

export function isSyncTableName(name: unknown): name is SyncTableName {
  return typeof name === 'string' && BY_NAME.has(name as SyncTableName);
}

/** A row's key on the wire, from its key column values. */
export function rowKey(values: readonly unknown[]): string {
  return values.map((v) => String(v)).join(SYNC_KEY_SEPARATOR);
}

/**
 * The text a row contributes to its table's checksum, as SQL for each dialect: every column in
 * order, NULL written as `\N`, booleans as 1/0, numbers in decimal. The checksum of a table is
 * (count, sum over rows of the first 32 bits of md5(row text)); both sides compute it in SQL
 * (the cache registers an md5 function), so a difference in any column of any row shows.
 */
export function checksumRowSql(table: SyncTable, dialect: 'postgres' | 'sqlite'): string {
  const parts = table.columns.map((c) => {
    const col = `"${c.name}"`;
    switch (c.kind) {
      case 'text':
        // The store keeps ids as uuid: read every text-kind column as text, as the cache holds it.
        return dialect === 'postgres' ? `coalesce(${col}::text, '\\N')` : `coalesce(${col}, '\\N')`;
      case 'int':
        return dialect === 'postgres' ? `coalesce(${col}::text, '\\N')` : `coalesce(cast(${col} as text), '\\N')`;
      case 'bool':
        return `(case when ${col} is null then '\\N' when ${col} then '1' else '0' end)`;
    }
  });
  return parts.join(` || '|' || `);
}
