/**
 * PULL, LIVE and CHECK of the sync protocol against both backends (PGlite and the real PostgreSQL
 * at 127.0.0.1:5432; see tests/helpers/server-db.ts for how the PostgreSQL half never passes
 * silently). The store holds demo data made by the app's own seed generator.
 *
 * A `Replica` plays the workstation: it applies pages into a Map per table exactly as the
 * protocol says (tombstones delete, rows upsert, a completed snapshot drops what it did not bring),
 * and is compared with the server's tables read independently with plain SELECTs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildServer } from '../../server/src/app';
import { createSession } from '../../server/src/auth/sessions';
import { issueWorkstationToken, revokeWorkstation } from '../../server/src/auth/workstations';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { loadCacheIntoStore } from '../../bench/cache-into-store';
import { loadDemoIfEmpty } from '../../server/src/seed/demo';
import { ChangeFeed } from '../../server/src/sync/change-feed';
import { rowJsonSql } from '../../server/src/sync/pull-repository';
import { MAX_LIVE_STREAMS, MAX_LIVE_STREAMS_PER_WORKSTATION, registerLiveRoute } from '../../server/src/sync/live-route';
import { openCache } from '../../src-main/core/db/open';
import { seedCache } from '../../src-main/core/seed/cache-seeder';
import { checksumsResponse, pullResponse, type PullResponse } from '../../src-shared/contracts/sync-protocol';
import { serverError } from '../../src-shared/contracts/server-auth';
import { SYNC_TABLES, SYNC_TABLE_NAMES, rowKey, syncTable, type SyncTable, type SyncTableName } from '../../src-shared/sync/tables';
import { MANY_NEW_WORKSTATIONS } from '../helpers/store-auth';
import { pgliteBackend, postgresBackend, postgresSkipReason, POSTGRES_HOST, POSTGRES_PORT, queryRows, type StoreBackend, type StoreLocation } from '../helpers/server-db';

const postgresSkip = await postgresSkipReason();

const DEMO = { customers: 200, seed: 4242, now: Date.UTC(2026, 0, 5) };
const CLIENT_ID = '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5';
const SERVER_TABLES = SYNC_TABLES.filter((t) => t.origin === 'server').map((t) => t.name);

type Row = (string | number | boolean | null)[];
type Tables = Map<SyncTableName, Map<string, Row>>;

const keyOf = (table: SyncTable, row: Row): string => rowKey(table.key.map((k) => row[table.columns.findIndex((c) => c.name === k)]));

/** The workstation's side, reduced to Maps: what a client that follows the protocol ends up holding. */
class Replica {
  readonly tables: Tables = new Map(SYNC_TABLE_NAMES.map((name) => [name, new Map()]));
  cursor: string | null = null;
  /** Keys received during the running snapshot, per table (the TEMP table of the real client). */
  private received = new Map<SyncTableName, Set<string>>();

  apply(page: PullResponse): void {
    if (page.phase === 'snapshot' && this.received.size === 0) for (const name of page.snapshotTables ?? []) this.received.set(name, new Set());
    for (const name of [...SYNC_TABLE_NAMES].reverse()) for (const key of page.changes[name]?.deleted ?? []) this.tables.get(name)!.delete(key);
    for (const name of SYNC_TABLE_NAMES) {
      const part = page.changes[name];
      if (!part) continue;
      const table = syncTable(name);
      expect(part.columns).toEqual(table.columns.map((c) => c.name));
      for (const row of part.rows) {
        const key = keyOf(table, row);
        this.tables.get(name)!.set(key, row);
        this.received.get(name)?.add(key);
      }
    }
    if (page.snapshotComplete) {
      for (const [name, keys] of this.received) for (const key of this.tables.get(name)!.keys()) if (!keys.has(key)) this.tables.get(name)!.delete(key);
      this.received.clear();
    }
    this.cursor = page.cursor;
  }
}

/** Every synced row on the server, read with plain SELECTs and typed by column kind. */
async function serverTables(store: Store, names: readonly SyncTableName[] = SYNC_TABLE_NAMES): Promise<Tables> {
  const tables: Tables = new Map();
  for (const name of names) {
    const table = syncTable(name);
    const rows = await queryRows<Record<string, unknown>>(store, sql`select * from ${sql.identifier(name)}`);
    const byKey = new Map<string, Row>();
    for (const record of rows) {
      const row = table.columns.map((c) => {
        const value = record[c.name];
        if (value === null || value === undefined) return null;
        return c.kind === 'int' ? Number(value) : c.kind === 'bool' ? Boolean(value) : String(value);
      });
      byKey.set(keyOf(table, row), row);
    }
    tables.set(name, byKey);
  }
  return tables;
}

const plain = (tables: Tables) => Object.fromEntries([...tables].map(([name, rows]) => [name, Object.fromEntries(rows)]));

/** checksumRowSql's row text and the 32-bit md5 prefix sum, computed here in JS from rows read with SELECT. */
function checksumOf(table: SyncTable, rows: Iterable<Row>): { count: number; sum: string } {
  let count = 0;
  let sum = 0n;
  for (const row of rows) {
    const text = row.map((v) => (v === null ? '\\N' : typeof v === 'boolean' ? (v ? '1' : '0') : String(v))).join('|');
    sum += BigInt(`0x${createHash('md5').update(text, 'utf8').digest('hex').slice(0, 8)}`);
    count++;
  }
  return { count, sum: sum.toString() };
}

const pgUrl = (database: string) => `postgres://postgres@${POSTGRES_HOST}:${POSTGRES_PORT}/${database}`;

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`sync pull, live and checksums on ${backend.name}`, () => {
    const locations: StoreLocation[] = [];
    let location: StoreLocation;
    let store: Store;
    let app: FastifyInstance;
    let base: string;
    let token: string;
    let puller: string;
    /** The token of a new workstation the puller signed in on (the per-user limit on new ids has its own test). */
    const newDeskToken = async (name: string): Promise<string> =>
      (await issueWorkstationToken(store.db, { workstation: { id: randomUUID(), name }, proofs: [], user: { id: puller, role: 'csr' }, now: Date.now(), limit: MANY_NEW_WORKSTATIONS })).token;

    beforeAll(async () => {
      if (skipReason) return;
      location = await backend.freshLocation();
      locations.push(location);
      store = await location.open();
      const demo = await loadDemoIfEmpty(store, DEMO);
      expect(demo?.customers).toBe(DEMO.customers);
      app = buildServer({ store, logger: false });
      await app.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const user = await createUser(store.db, { username: 'puller', displayName: 'Pull Tester', role: 'csr', password: 'x' }, { N: 1024, r: 8, p: 1 });
      puller = user.id;
      // Sync routes take the workstation's token (issue 5), issued when a user signs in on it.
      token = (await issueWorkstationToken(store.db, { workstation: { id: CLIENT_ID, name: 'Pull desk' }, proofs: [], user: { id: user.id, role: 'csr' }, now: Date.now() })).token;
    });

    afterAll(async () => {
      await app?.close();
      await store?.close();
      for (const l of locations) await l.dispose();
    });

    beforeEach((ctx) => {
      if (skipReason) ctx.skip(skipReason);
    });

    const auth = () => ({ authorization: `Bearer ${token}` });

    async function pullRaw(body: Record<string, unknown>) {
      return app.inject({ method: 'POST', url: '/sync/pull', headers: auth(), payload: { clientId: CLIENT_ID, ...body } });
    }

    async function pull(cursor: string | null, limit: number, tables?: SyncTableName[]): Promise<PullResponse> {
      const res = await pullRaw({ cursor, limit, ...(tables ? { tables } : {}) });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = res.json() as { ok: boolean; value: unknown };
      expect(body.ok).toBe(true);
      return pullResponse.parse(body.value);
    }

    /** Pulls until caught up, applying every page; returns the pages. */
    async function catchUp(replica: Replica, limit: number, tables?: SyncTableName[]): Promise<PullResponse[]> {
      const pages: PullResponse[] = [];
      for (let i = 0; i < 10_000; i++) {
        const page = await pull(replica.cursor, limit, replica.cursor === null ? tables : undefined);
        replica.apply(page);
        pages.push(page);
        if (!page.hasMore) return pages;
      }
      throw new Error('pull never caught up');
    }

    async function logCursorNow(): Promise<string> {
      const replica = new Replica();
      await catchUp(replica, 5000);
      return replica.cursor!;
    }

    const exec = (query: ReturnType<typeof sql>) => store.db.execute(query);

    async function newCustomer(firstName = 'Nova'): Promise<string> {
      const id = randomUUID();
      await exec(sql`insert into customers (id, first_name, last_name, created_at, updated_at) values (${id}, ${firstName}, 'Pull', 1, 1)`);
      return id;
    }

    it('a snapshot of the demo data, paged by 500, brings every row of every table exactly once, then hands over to the log', async () => {
      const replica = new Replica();
      const seen = new Map<SyncTableName, Map<string, number>>();
      const pages = await catchUp(replica, 500);
      const server = await serverTables(store);
      const total = [...server.values()].reduce((n, rows) => n + rows.size, 0);
      expect(total).toBeGreaterThan(5000);

      let done = 0;
      pages.forEach((page, i) => {
        const last = i === pages.length - 1;
        expect(page.phase).toBe('snapshot');
        expect(page.snapshotTables).toEqual(SYNC_TABLE_NAMES);
        expect(page.snapshotComplete).toBe(last);
        expect(page.hasMore).toBe(!last);
        const rows = Object.values(page.changes).reduce((n, part) => n + part.rows.length, 0);
        // Pages are filled across tables: every page but the last carries exactly the limit.
        if (!last) expect(rows).toBe(500);
        else expect(rows).toBeLessThanOrEqual(500);
        done += rows;
        expect(page.progress).toEqual({ done, total });
        for (const [name, part] of Object.entries(page.changes) as [SyncTableName, PullResponse['changes'][SyncTableName]][]) {
          expect(part!.deleted).toEqual([]);
          const table = syncTable(name);
          const counts = seen.get(name) ?? new Map<string, number>();
          seen.set(name, counts);
          for (const row of part!.rows) counts.set(keyOf(table, row), (counts.get(keyOf(table, row)) ?? 0) + 1);
        }
      });
      expect(pages).toHaveLength(Math.ceil(total / 500));
      for (const [name, rows] of server) {
        const counts = seen.get(name) ?? new Map();
        expect([...counts.values()].every((n) => n === 1), `${name}: each row once`).toBe(true);
        expect(counts.size, name).toBe(rows.size);
      }
      // Every value, typed by its column kind (ints as numbers, bools as booleans).
      expect(plain(replica.tables)).toEqual(plain(server));
      const customer = [...replica.tables.get('customers')!.values()][0]!;
      expect(typeof customer[9]).toBe('number'); // created_at, a bigint column
      expect(typeof customer[5]).toBe('boolean'); // marketing_consent

      // The log phase starts at the snapshot's watermark: nothing has changed since.
      const log = await pull(replica.cursor, 500);
      expect(log).toMatchObject({ phase: 'log', hasMore: false, snapshotComplete: false, changes: {}, version: pages.at(-1)!.version });
      expect(log.progress).toBeUndefined();
    });

    it('records the workstation’s last sync when a pull answer reaches the end, not before', async () => {
      await exec(sql`update workstations set last_sync_at = null where id = ${CLIENT_ID}`);
      const lastSync = async () => (await queryRows<{ at: string | number | null }>(store, sql`select last_sync_at as at from workstations where id = ${CLIENT_ID}`))[0]?.at ?? null;
      const first = await pull(null, 10);
      expect(first.hasMore).toBe(true);
      expect(await lastSync()).toBeNull();
      const before = Date.now();
      await catchUp(new Replica(), 5000);
      expect(Number(await lastSync())).toBeGreaterThanOrEqual(before);
    });

    it('the demo data are the generator’s own rows; a second start leaves them alone', async () => {
      const cache = openCache(':memory:');
      try {
        seedCache(cache, DEMO);
        // Run before any test changes a row: every server-owned table, row for row.
        const server = await serverTables(store, SERVER_TABLES);
        for (const name of SERVER_TABLES) {
          const table = syncTable(name);
          const rows = cache.$client.prepare(`select ${table.columns.map((c) => `"${c.name}"`).join(', ')} from ${name}`).raw().all() as Row[];
          const typed = rows.map((row) => row.map((v, i) => (table.columns[i]!.kind === 'bool' && v !== null ? v === 1 : v)));
          expect(Object.fromEntries(typed.map((row) => [keyOf(table, row), row])), name).toEqual(Object.fromEntries(server.get(name)!));
        }
      } finally {
        cache.$client.close();
      }
      expect(await loadDemoIfEmpty(store, DEMO)).toBeNull();
    });

    it('sends changes after the watermark in the log phase, each changed row once with its current values', async () => {
      const cursor = await logCursorNow();
      const [target] = await queryRows<{ id: string }>(store, sql`select id from customers order by id limit 1`);
      for (const name of ['First', 'Second', 'Third']) await exec(sql`update customers set first_name = ${name} where id = ${target!.id}`);
      await exec(sql`update products set price_cents = price_cents + 1 where id = (select id from products order by id limit 1)`);
      const added = await newCustomer('Added');

      const page = await pull(cursor, 100);
      expect(page.phase).toBe('log');
      expect(page.hasMore).toBe(false);
      const customers = page.changes.customers!;
      expect(customers.deleted).toEqual([]);
      expect(customers.rows.map((r) => r[0]).sort()).toEqual([target!.id, added].sort());
      expect(customers.rows.find((r) => r[0] === target!.id)?.[1]).toBe('Third');
      expect(page.changes.products?.rows).toHaveLength(1);
      const [latest] = await queryRows<{ v: string | number }>(store, sql`select max(version) as v from change_log`);
      expect(page.version).toBe(Number(latest!.v));

      // A small limit pages through the log; the replica still converges.
      const replica = new Replica();
      replica.cursor = cursor;
      await exec(sql`update customers set last_name = 'Paged' where id = ${added}`);
      const pages = await catchUp(replica, 2);
      expect(pages.length).toBeGreaterThan(1);
      expect(pages.slice(0, -1).every((p) => p.hasMore)).toBe(true);
      expect(replica.tables.get('customers')!.get(added)?.[2]).toBe('Paged');
    });

    it('answers in ASCII: characters past U+007F arrive as JSON escapes and parse back to the same text', async () => {
      const cursor = await logCursorNow();
      const name = 'Zoë Ünal-Þórsdóttir 李 😀';
      const id = await newCustomer(name);
      const res = await pullRaw({ cursor, limit: 100 });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.rawPayload.every((byte) => byte < 0x80)).toBe(true);
      expect(res.body).toContain('Zo\\u00eb');
      expect(res.body).toContain('\\ud83d\\ude00');
      const page = pullResponse.parse((res.json() as { value: unknown }).value);
      expect(page.changes.customers!.rows.find((r) => r[0] === id)?.[1]).toBe(name);
      // A snapshot page too (the demo's names and addresses have accents).
      const snapshot = await pullRaw({ cursor: null, limit: 5000, tables: ['customers', 'customer_addresses'] });
      expect(snapshot.statusCode).toBe(200);
      expect(snapshot.rawPayload.every((byte) => byte < 0x80)).toBe(true);
      expect(snapshot.body).toMatch(/\\u00[8-9a-f][0-9a-f]/);
    });

    it('writes each row as the same JSON values json_build_array gives, for every column type and awkward text', async () => {
      const texts = ['plain', 'a "quote", a \\ backslash', 'tab\tnew\nline\r', '\u0001\u001f\u007f', 'Zoë Þórs 李 😀', '', null];
      const values = texts
        .map((text, i) => {
          const t = text === null ? 'null::text' : `'${text.replace(/'/g, "''")}'::text`;
          const u = i === 3 ? 'null::uuid' : `'${randomUUID()}'::uuid`;
          const int = [0, -1, 2147483647, -2147483648, 42, null, 7][i];
          const big = [0, -9007199254740991, 9007199254740991, 1743461391619, null, 1, -5][i];
          const bool = [true, false, null, true, false, true, null][i];
          return `(${u}, ${t}, (${int ?? 'null'})::integer, (${big ?? 'null'})::bigint, ${bool ?? 'null'}::boolean)`;
        })
        .join(', ');
      const ours = rowJsonSql(['u', 't', 'i', 'b', 'f'], ['uuid', 'text', 'integer', 'bigint', 'boolean']);
      const rows = await queryRows<{ ours: string; theirs: string }>(
        store,
        sql.raw(`select ${ours} as ours, json_build_array(u, t, i, b, f)::text as theirs from (values ${values}) as v(u, t, i, b, f)`),
      );
      expect(rows).toHaveLength(texts.length);
      for (const row of rows) expect(JSON.parse(row.ours)).toEqual(JSON.parse(row.theirs));
      expect(rows.map((row) => (JSON.parse(row.ours) as unknown[])[1])).toEqual(texts);
    });

    it('sends deletes as tombstones, cascaded children and composite product_relations keys included', async () => {
      const [victim] = await queryRows<{ id: string }>(
        store,
        sql`select c.id from customers c where exists (select 1 from orders o join order_lines l on l.order_id = o.id where o.customer_id = c.id)
            and not exists (select 1 from complaints x where x.customer_id = c.id) order by c.id limit 1`,
      );
      const id = victim!.id;
      const children = async (table: string, column = 'customer_id') =>
        (await queryRows<{ id: string }>(store, sql`select id from ${sql.identifier(table)} where ${sql.identifier(column)} = ${id}`)).map((r) => r.id).sort();
      const phones = await children('customer_phones');
      const emails = await children('customer_emails');
      const addresses = await children('customer_addresses');
      const orders = await children('orders');
      const lines = await children('order_lines');
      expect(orders.length).toBeGreaterThan(0);
      expect(lines.length).toBeGreaterThan(0);
      const [relation] = await queryRows<{ product_id: string; related_product_id: string; kind: string }>(
        store,
        sql`select product_id, related_product_id, kind from product_relations order by product_id desc limit 1`,
      );
      const relationKey = `${relation!.product_id}|${relation!.related_product_id}|${relation!.kind}`;

      const replica = new Replica();
      await catchUp(replica, 5000);
      expect(replica.tables.get('product_relations')!.has(relationKey)).toBe(true);
      const cursor = replica.cursor;

      // Deleted then made again within the page: sent as a row, not a tombstone.
      const reborn = await newCustomer('Reborn');
      await exec(sql`delete from customers where id = ${reborn}`);
      await exec(sql`insert into customers (id, first_name, last_name, created_at, updated_at) values (${reborn}, 'Reborn', 'Again', 2, 2)`);
      await exec(sql`delete from customers where id = ${id}`);
      await exec(
        sql`delete from product_relations where product_id = ${relation!.product_id} and related_product_id = ${relation!.related_product_id} and kind = ${relation!.kind}`,
      );

      const page = await pull(cursor, 5000);
      const deleted = (name: SyncTableName) => [...(page.changes[name]?.deleted ?? [])].sort();
      expect(deleted('customers')).toEqual([id]);
      expect(deleted('customer_phones')).toEqual(phones);
      expect(deleted('customer_emails')).toEqual(emails);
      expect(deleted('customer_addresses')).toEqual(addresses);
      expect(deleted('orders')).toEqual(orders);
      expect(deleted('order_lines')).toEqual(lines);
      expect(deleted('product_relations')).toEqual([relationKey]);
      expect(page.changes.customers!.rows).toEqual([expect.arrayContaining([reborn, 'Reborn', 'Again'])]);

      replica.apply(page);
      expect(plain(replica.tables)).toEqual(plain(await serverTables(store)));
    });

    it('re-pulls only the tables asked for (a targeted snapshot of complaints)', async () => {
      const customer = await newCustomer('Complainer');
      for (let i = 0; i < 3; i++) {
        await exec(
          sql`insert into complaints (id, customer_id, category_code, severity, description, status, opened_at, updated_at, agent_id)
              values (${randomUUID()}, ${customer}, 'damaged', 'high', ${`Broken ${i}`}, 'open', ${1000 + i}, ${1000 + i}, 'csr')`,
        );
      }
      const [count] = await queryRows<{ n: string | number }>(store, sql`select count(*) as n from complaints`);
      const replica = new Replica();
      const pages = await catchUp(replica, 2, ['complaints']);
      const snapshot = pages.filter((p) => p.phase === 'snapshot');
      expect(snapshot.length).toBe(Math.ceil(Number(count!.n) / 2));
      for (const page of snapshot) {
        expect(page.snapshotTables).toEqual(['complaints']);
        expect(Object.keys(page.changes)).toEqual(['complaints']);
        expect(page.progress?.total).toBe(Number(count!.n));
      }
      expect(snapshot.at(-1)!.snapshotComplete).toBe(true);
      const server = await serverTables(store, ['complaints']);
      expect(Object.fromEntries(replica.tables.get('complaints')!)).toEqual(Object.fromEntries(server.get('complaints')!));
      expect(replica.tables.get('customers')!.size).toBe(0);
    });

    it('refuses a damaged cursor and a cursor from another store with 400 invalid_input: start over', async () => {
      const good = (await pull(null, 1)).cursor;
      const decoded = JSON.parse(Buffer.from(good, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forge = (change: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...decoded, ...change }), 'utf8').toString('base64url');
      const attempts = [
        'not-a-cursor',
        Buffer.from('{"v":1}').toString('base64url'),
        forge({ ti: 99 }),
        forge({ k: ["x'; drop table customers; --"] }),
        forge({ v: 2 }),
      ];
      for (const cursor of attempts) {
        const res = await pullRaw({ cursor, limit: 10 });
        expect(res.statusCode, cursor).toBe(400);
        const { error } = serverError.parse(res.json());
        expect(error.code).toBe('invalid_input');
        expect(error.message).toMatch(/start over/);
      }
      const foreign = await pullRaw({ cursor: forge({ s: randomUUID() }), limit: 10 });
      expect(foreign.statusCode).toBe(400);
      expect(serverError.parse(foreign.json()).error.message).toMatch(/another central store.*start over/);
      const foreignLog = await pullRaw({ cursor: Buffer.from(JSON.stringify({ v: 1, s: randomUUID(), p: 'log', lv: 1 })).toString('base64url'), limit: 10 });
      expect(foreignLog.statusCode).toBe(400);
      // The protocol's own limits on the page size.
      expect((await pullRaw({ cursor: null, limit: 0 })).statusCode).toBe(400);
      expect((await pullRaw({ cursor: null, limit: 5001 })).statusCode).toBe(400);
    });

    it('refuses a cursor from beyond the store’s newest change (a store restored from a backup) with 400: start over (issue 18, item 11)', async () => {
      const head = Number((await queryRows<{ v: string }>(store, sql`select coalesce(max(version), 0)::text as v from change_log`))[0]!.v);
      const logCursor = await logCursorNow();
      const decoded = JSON.parse(Buffer.from(logCursor, 'base64url').toString('utf8')) as Record<string, unknown>;
      expect(decoded).toMatchObject({ p: 'log', lv: head, h: expect.stringMatching(/^[0-9a-f]{12}$/) });
      const forge = (change: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...decoded, ...change }), 'utf8').toString('base64url');
      // The store's own head is still a good cursor: nothing new, caught up.
      expect((await pull(logCursor, 10)).hasMore).toBe(false);
      for (const cursor of [forge({ lv: head + 1 }), forge({ lv: head + 1_000_000 })]) {
        const res = await pullRaw({ cursor, limit: 10 });
        expect(res.statusCode).toBe(400);
        const { error } = serverError.parse(res.json());
        expect(error).toMatchObject({ code: 'invalid_input', field: 'cursor' });
        expect(error.message).toMatch(/ahead of this store.*start over/);
      }
      // The store's own version number, but the fingerprint of another change there (a restored
      // store that has numbered new changes from the backup's version again).
      const other = await pullRaw({ cursor: forge({ h: decoded.h === '000000000000' ? '111111111111' : '000000000000' }), limit: 10 });
      expect(other.statusCode).toBe(400);
      expect(serverError.parse(other.json()).error.message).toMatch(/holds another change.*start over/);
      // A snapshot cursor whose watermark the store never reached, likewise.
      const snap = JSON.parse(Buffer.from((await pull(null, 1)).cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
      const futureSnap = Buffer.from(JSON.stringify({ ...snap, w: head + 5 }), 'utf8').toString('base64url');
      expect((await pullRaw({ cursor: futureSnap, limit: 10 })).statusCode).toBe(400);
    });

    it('answers 401 without a valid workstation token on every sync read route (a user session token is not one)', async () => {
      const routes = [
        { method: 'POST' as const, url: '/sync/pull', payload: { clientId: CLIENT_ID, cursor: null } },
        { method: 'GET' as const, url: '/sync/checksums' },
        { method: 'GET' as const, url: '/sync/events' },
      ];
      const session = await createSession(store.db, puller, Date.now(), 3_600_000);
      for (const route of routes) {
        for (const headers of [{}, { authorization: `Bearer ${'A'.repeat(43)}` }, { authorization: `Bearer ${session.token}` }]) {
          const res = await app.inject({ ...route, headers });
          expect(res.statusCode, route.url).toBe(401);
          expect(serverError.parse(res.json()).error.code).toBe('unauthenticated');
        }
      }
    });

    it('checksums match figures recomputed from the rows, and change when one column of one row does', async () => {
      const read = async () => {
        const res = await app.inject({ method: 'GET', url: '/sync/checksums', headers: auth() });
        expect(res.statusCode).toBe(200);
        return checksumsResponse.parse(res.json().value);
      };
      const before = await read();
      const [storeId] = await queryRows<{ value: string }>(store, sql`select value from store_meta where key = 'store_id'`);
      expect(before.storeId).toBe(storeId!.value);
      const [latest] = await queryRows<{ v: string | number }>(store, sql`select max(version) as v from change_log`);
      expect(before.version).toBe(Number(latest!.v));
      const server = await serverTables(store);
      for (const table of SYNC_TABLES) expect(before.tables[table.name], table.name).toEqual(checksumOf(table, server.get(table.name)!.values()));
      expect(before.tables.customers.count).toBeGreaterThan(0);

      await exec(sql`update customers set loyalty_points = loyalty_points + 1 where id = (select id from customers order by id limit 1)`);
      const after = await read();
      expect(after.version).toBeGreaterThan(before.version);
      expect(after.tables.customers.count).toBe(before.tables.customers.count);
      expect(after.tables.customers.sum).not.toBe(before.tables.customers.sum);
      for (const table of SYNC_TABLES.filter((t) => t.name !== 'customers')) expect(after.tables[table.name]).toEqual(before.tables[table.name]);
    });

    it('hashes the store once per change-log head, one computation at a time, and refuses a workstation more than its share of fresh ones with 429 (issue 18, item 19)', async () => {
      let now = Date.now();
      const bounded = buildServer({ store, logger: false, clock: () => now, checksums: { perWorkstation: 2, windowMs: 60_000, reuseForMs: 600_000 } });
      try {
        const [mine, other] = await Promise.all(
          ['Sum desk', 'Other sum desk'].map((name) => newDeskToken(name)),
        );
        const ask = (bearer: string | undefined) => bounded.inject({ method: 'GET', url: '/sync/checksums', headers: { authorization: `Bearer ${bearer}` } });
        const touch = () => exec(sql`update customers set loyalty_points = loyalty_points + 1 where id = (select id from customers order by id limit 1)`);
        await touch();
        const first = await ask(mine);
        expect(first.statusCode).toBe(200);
        // Asked again and again while nothing changes: the same answer, and no fresh computation
        // (with a share of 2, a fresh one each time would be refused by the third).
        for (let i = 0; i < 5; i++) {
          const again = await ask(mine);
          expect(again.statusCode).toBe(200);
          expect(again.json()).toEqual(first.json());
        }
        // Many asking at once after a change share one computation: each of five fresh workstations
        // would be within its own share anyway, so count through `mine`, whose share is one left.
        await touch();
        const together = await Promise.all([ask(mine), ask(mine), ask(mine)]);
        expect(together.map((r) => r.statusCode)).toEqual([200, 200, 200]);
        const second = checksumsResponse.parse(together[0]!.json().value);
        expect(second.version).toBeGreaterThan(checksumsResponse.parse(first.json().value).version);
        expect(together.map((r) => r.json())).toEqual([together[0]!.json(), together[0]!.json(), together[0]!.json()]);
        // The share is spent: the store changed again, and this workstation may not hash it again yet.
        await touch();
        const refused = await ask(mine);
        expect(refused.statusCode).toBe(429);
        expect(serverError.parse(refused.json()).error.code).toBe('rate_limited');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        // Another workstation has its own share; once it has computed, the answer is everyone's.
        const theirs = await ask(other);
        expect(theirs.statusCode).toBe(200);
        const mineNow = await ask(mine);
        expect(mineNow.statusCode).toBe(200);
        expect(mineNow.json()).toEqual(theirs.json());
        // After the window, the share is back.
        await touch();
        expect((await ask(mine)).statusCode).toBe(429);
        now += 60_001;
        expect((await ask(mine)).statusCode).toBe(200);
      } finally {
        await bounded.close();
      }
    });

    it('counts the store once per change-log head for the snapshots that start there, however often they are asked for (issue 18, item 19’s class)', async () => {
      const first = await pull(null, 1);
      // A row written around the change log (triggers off, as a bulk load does): the head stands
      // still, so the count taken for it is reused rather than taken again.
      const around = randomUUID();
      await store.db.transaction(async (tx) => {
        await tx.execute(sql`set local session_replication_role = replica`);
        await tx.execute(sql`insert into customers (id, first_name, last_name, created_at, updated_at) values (${around}, 'Around', 'The Log', 1, 1)`);
      });
      try {
        for (let i = 0; i < 3; i++) expect((await pull(null, 1)).progress?.total).toBe(first.progress!.total);
        // A logged change moves the head: counted afresh, both rows included.
        const logged = await newCustomer('Counted');
        expect((await pull(null, 1)).progress?.total).toBe(first.progress!.total + 2);
        await exec(sql`delete from customers where id = ${logged}`);
      } finally {
        await exec(sql`delete from customers where id = ${around}`);
      }
    });

    it('a bulk load without the change log still reaches a snapshot, and leaves the log untouched', async () => {
      const cache = openCache(':memory:');
      try {
        seedCache(cache, { customers: 5, seed: 99, now: DEMO.now });
        // Only the customers of this cache: the store already holds the same catalogue.
        cache.$client.exec('delete from product_relations; delete from order_lines; delete from orders;');
        cache.$client.pragma('foreign_keys = OFF');
        cache.$client.exec('delete from product_prices; delete from products; delete from campaigns; delete from discount_limits;');
        const [before] = await queryRows<{ v: string | number | null }>(store, sql`select max(version) as v from change_log`);
        const loaded = await loadCacheIntoStore(store, cache.$client, { skipChangeLog: true, batchRows: 2 });
        expect(loaded.tables.customers).toBe(5);
        const [after] = await queryRows<{ v: string | number | null }>(store, sql`select max(version) as v from change_log`);
        expect(Number(after!.v)).toBe(Number(before!.v));
        const replica = new Replica();
        await catchUp(replica, 5000, ['customers', 'customer_phones']);
        const ids = cache.$client.prepare('select id from customers').pluck().all() as string[];
        for (const id of ids) expect(replica.tables.get('customers')!.has(id)).toBe(true);
      } finally {
        cache.$client.close();
      }
    });

    describe('live pokes (GET /sync/events on a listening server)', () => {
      async function openStream(bearer = token) {
        const controller = new AbortController();
        const res = await fetch(`${base}/sync/events`, { headers: { authorization: `Bearer ${bearer}` }, signal: controller.signal });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
        const reader = res.body!.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        const events: { event: string; data: string }[] = [];
        let ended = false;
        const pump = (async () => {
          try {
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              buffer += decoder.decode(value, { stream: true });
              let at: number;
              while ((at = buffer.indexOf('\n\n')) >= 0) {
                const block = buffer.slice(0, at);
                buffer = buffer.slice(at + 2);
                const event = /^event: (.*)$/m.exec(block)?.[1];
                const data = /^data: (.*)$/m.exec(block)?.[1];
                if (event && data !== undefined) events.push({ event, data });
                else events.push({ event: 'comment', data: block });
              }
            }
          } catch {
            // aborted by the test
          }
          ended = true;
        })();
        const waitFor = async (check: () => boolean, ms: number) => {
          const until = Date.now() + ms;
          while (!check()) {
            if (Date.now() > until) return false;
            await new Promise((r) => setTimeout(r, 5));
          }
          return true;
        };
        const close = async () => {
          controller.abort();
          await pump;
        };
        return { events, waitFor, close, ended: () => ended, pump };
      }

      it('sends a poke within a second of a change-feed poke, coalescing a burst', async () => {
        const stream = await openStream();
        try {
          expect(await stream.waitFor(() => stream.events.some((e) => e.event === 'comment'), 1000)).toBe(true);
          const started = Date.now();
          app.changeFeed.poke(41);
          expect(await stream.waitFor(() => stream.events.some((e) => e.event === 'poke'), 1000)).toBe(true);
          expect(Date.now() - started).toBeLessThan(1000);
          expect(stream.events.find((e) => e.event === 'poke')).toEqual({ event: 'poke', data: '{"version":41}' });

          const count = () => stream.events.filter((e) => e.event === 'poke').length;
          await new Promise((r) => setTimeout(r, 120));
          for (let v = 100; v < 150; v++) app.changeFeed.poke(v);
          expect(await stream.waitFor(() => stream.events.at(-1)?.data === '{"version":149}', 1000)).toBe(true);
          await new Promise((r) => setTimeout(r, 150));
          // Fifty pokes in one tick: the first goes at once, the rest become one event.
          expect(count()).toBeLessThanOrEqual(3);
        } finally {
          await stream.close();
        }
      });

      it('pokes when a synced row is written, whoever writes it (LISTEN on the change-log channel)', async () => {
        const stream = await openStream();
        try {
          expect(await stream.waitFor(() => stream.events.length > 0, 1000)).toBe(true);
          if (backend.name === 'postgres') {
            // Another process's write: its own connection, not this server's pool.
            const other = new pg.Client({ connectionString: pgUrl(location.describe) });
            await other.connect();
            try {
              await other.query(`insert into customers (id, first_name, last_name, created_at, updated_at) values ($1, 'Elsewhere', 'Written', 1, 1)`, [randomUUID()]);
            } finally {
              await other.end();
            }
          } else {
            await newCustomer('Listened');
          }
          expect(await stream.waitFor(() => stream.events.some((e) => e.event === 'poke'), 1000)).toBe(true);
        } finally {
          await stream.close();
        }
      });

      it('sends a keepalive comment every interval, and ends the stream once its workstation token is replaced', async () => {
        // A bare app with only the live route, on a short keepalive (the real one is 15 s).
        const live = Fastify({ logger: false });
        live.decorate('store', store);
        live.decorate('clock', Date.now);
        live.decorate('changeFeed', new ChangeFeed());
        live.decorateRequest('auth', null);
        live.decorateRequest('workstation', null);
        registerLiveRoute(live, { keepaliveMs: 100 });
        await live.listen({ host: '127.0.0.1', port: 0 });
        try {
          const user = await createUser(store.db, { username: `kept-${randomUUID()}`, displayName: 'Kept', role: 'csr', password: 'x' }, { N: 1024, r: 8, p: 1 });
          const desk = { id: randomUUID(), name: 'Kept desk' };
          const { token: first } = await issueWorkstationToken(store.db, { workstation: desk, proofs: [], user: { id: user.id, role: 'csr' }, now: Date.now() });
          const res = await fetch(`http://127.0.0.1:${(live.server.address() as AddressInfo).port}/sync/events`, { headers: { authorization: `Bearer ${first}` } });
          expect(res.status).toBe(200);
          const reader = res.body!.getReader();
          const decoder = new TextDecoder();
          let text = '';
          const readUntil = async (done: () => boolean, ms: number) => {
            const until = Date.now() + ms;
            while (!done() && Date.now() < until) {
              const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), until - Date.now()))]);
              if (chunk === null) break;
              if (chunk.done) return 'ended';
              text += decoder.decode(chunk.value, { stream: true });
            }
            return done() ? 'matched' : 'timeout';
          };
          expect(await readUntil(() => text.split(': keepalive\n\n').length > 2, 2000)).toBe('matched');
          // Revoking the workstation (issue 18): its token loses its stream at the next keepalive.
          await store.db.transaction((tx) => revokeWorkstation(tx, desk.id, user.id, Date.now()));
          expect(await readUntil(() => false, 2000)).toBe('ended');
        } finally {
          await live.close();
        }
      });

      /** Tokens of `n` more workstations (one user signed in on each). */
      async function moreWorkstations(n: number): Promise<string[]> {
        return Promise.all(Array.from({ length: n }, (_, i) => newDeskToken(`Live desk ${i}`)));
      }

      it(`refuses stream number ${MAX_LIVE_STREAMS + 1} with 503 and frees a place when one closes`, async () => {
        // The streams of earlier tests were aborted by the client; let the server see them go.
        await new Promise((r) => setTimeout(r, 200));
        const desks = await moreWorkstations(Math.ceil(MAX_LIVE_STREAMS / MAX_LIVE_STREAMS_PER_WORKSTATION));
        const streams = await Promise.all(Array.from({ length: MAX_LIVE_STREAMS }, (_, i) => openStream(desks[i % desks.length])));
        try {
          const refused = await fetch(`${base}/sync/events`, { headers: auth() });
          expect(refused.status).toBe(503);
          expect(serverError.parse(await refused.json()).error.code).toBe('unavailable');
          await streams.pop()!.close();
          const again = await openStream();
          streams.push(again);
          expect(await again.waitFor(() => again.events.length > 0, 1000)).toBe(true);
        } finally {
          await Promise.all(streams.map((s) => s.close()));
        }
      });

      it(`refuses a workstation’s stream number ${MAX_LIVE_STREAMS_PER_WORKSTATION + 1} with 429, while other workstations still connect (issue 18, item 16)`, async () => {
        await new Promise((r) => setTimeout(r, 200));
        const [greedy, other] = await moreWorkstations(2);
        const streams = await Promise.all(Array.from({ length: MAX_LIVE_STREAMS_PER_WORKSTATION }, () => openStream(greedy)));
        try {
          const refused = await fetch(`${base}/sync/events`, { headers: { authorization: `Bearer ${greedy}` } });
          expect(refused.status).toBe(429);
          const { error } = serverError.parse(await refused.json());
          expect(error.code).toBe('rate_limited');
          expect(error.message).toMatch(/already has \d+ live connections/);
          // Another workstation is not held back by it.
          streams.push(await openStream(other));
          // Closing one of its own streams gives the workstation its place back.
          await streams.shift()!.close();
          await new Promise((r) => setTimeout(r, 200));
          const again = await openStream(greedy);
          streams.push(again);
          expect(await again.waitFor(() => again.events.length > 0, 1000)).toBe(true);
        } finally {
          await Promise.all(streams.map((s) => s.close()));
        }
      });
    });

    it('concurrent pulls of a snapshot while rows are written converge on the server’s tables', async () => {
      const writer = async (stop: () => boolean) => {
        const mine: string[] = [];
        let round = 0;
        while (!stop()) {
          round++;
          const id = await newCustomer(`Writer${round}`);
          mine.push(id);
          await exec(sql`insert into customer_phones (id, customer_id, e164, raw, kind, is_primary) values (${randomUUID()}, ${id}, ${`+1555${String(round).padStart(7, '0')}`}, 'raw', 'mobile', true)`);
          await exec(sql`update customers set loyalty_points = loyalty_points + 1 where id = (select id from customers order by random() limit 1)`);
          await exec(sql`update products set price_cents = price_cents + 1 where id = (select id from products order by random() limit 1)`);
          if (round % 3 === 0) await exec(sql`delete from customers where id = ${mine.shift()!}`);
          if (round % 4 === 0) {
            await exec(
              sql`delete from product_relations where (product_id, related_product_id, kind) = (select product_id, related_product_id, kind from product_relations order by random() limit 1)`,
            );
          }
          await new Promise((r) => setTimeout(r, 2));
        }
        return round;
      };
      const replicas = [new Replica(), new Replica()];
      let stopped = false;
      const writing = writer(() => stopped);
      // Both clients walk their snapshots page by page while the writer runs.
      await Promise.all(
        replicas.map(async (replica, i) => {
          for (;;) {
            const page = await pull(replica.cursor, 300 + i * 97);
            replica.apply(page);
            if (page.snapshotComplete) break;
          }
        }),
      );
      stopped = true;
      // The writes really overlapped the snapshots, and the log then had something to bring.
      expect(await writing).toBeGreaterThan(2);
      const server = await serverTables(store);
      for (const replica of replicas) {
        const log = await catchUp(replica, 50);
        expect(log.some((page) => Object.keys(page.changes).length > 0)).toBe(true);
        expect(plain(replica.tables)).toEqual(plain(server));
      }
    });

    it.skipIf(backend.name !== 'postgres')(
      'PostgreSQL only (PGlite has one connection): a transaction that commits late is not skipped by the log cursor',
      async () => {
        const url = pgUrl(location.describe);
        const a = new pg.Client({ connectionString: url });
        const b = new pg.Client({ connectionString: url });
        const c = new pg.Client({ connectionString: url });
        await Promise.all([a.connect(), b.connect(), c.connect()]);
        try {
          const cursor = await logCursorNow();
          const insert = `insert into customers (id, first_name, last_name, created_at, updated_at) values ($1, $2, 'Late', 1, 1)`;
          const [idA, idB, idC] = [randomUUID(), randomUUID(), randomUUID()];
          await c.query(insert, [idC, 'Committed']);

          await a.query('begin');
          await a.query(insert, [idA, 'Slow']);
          const versionA = Number((await a.query('select max(version) as v from change_log')).rows[0].v);

          const bPid = Number((await b.query('select pg_backend_pid() as pid')).rows[0].pid);
          await b.query('begin');
          let bSettled = false;
          const bInsert = b.query(insert, [idB, 'Waiting']).finally(() => (bSettled = true));
          await new Promise((r) => setTimeout(r, 300));
          // B waits for A's change-log lock: its version can only come after A's.
          expect(bSettled).toBe(false);
          const waiting = await c.query(`select wait_event_type from pg_stat_activity where pid = $1`, [bPid]);
          expect(waiting.rows[0]?.wait_event_type).toBe('Lock');

          const during = await pull(cursor, 100);
          expect(during.changes.customers?.rows.map((r) => r[0])).toEqual([idC]);
          expect(during.version).toBeLessThan(versionA);

          await a.query('commit');
          await bInsert;
          await b.query('commit');
          const versionB = Number((await c.query('select max(version) as v from change_log')).rows[0].v);
          expect(versionB).toBeGreaterThan(versionA);

          const after = await pull(during.cursor, 100);
          expect(after.changes.customers?.rows.map((r) => r[0]).sort()).toEqual([idA, idB].sort());
          expect(after.version).toBe(versionB);
        } finally {
          await a.query('rollback').catch(() => undefined);
          await b.query('rollback').catch(() => undefined);
          await Promise.all([a.end(), b.end(), c.end()]);
        }
      },
    );

    it('closes open event streams when the server shuts down', async () => {
      const own = buildServer({ store, logger: false });
      await own.listen({ host: '127.0.0.1', port: 0 });
      const url = `http://127.0.0.1:${(own.server.address() as AddressInfo).port}/sync/events`;
      const res = await fetch(url, { headers: auth() });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await reader.read();
      const closing = own.close();
      const ended = await Promise.race([
        (async () => {
          for (;;) if ((await reader.read()).done) return true;
        })(),
        new Promise<false>((r) => setTimeout(() => r(false), 3000)),
      ]);
      expect(ended).toBe(true);
      await closing;
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
