/**
 * Sync between workstation caches and the central store, end to end: the real server (Fastify over
 * PGlite in a data directory, real HTTP on 127.0.0.1), real SQLite cache files, the real
 * CoreProcess with its writer, reader and sync worker threads (TypeScript sources under tsx), and
 * the SyncEngine driven directly where a test needs to hold it still. Nothing is mocked.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { loadDemoIfEmpty } from '../../server/src/seed/demo';
import { v1CustomerContactIds } from '../../server/src/sync/mutations/derived-ids';
import { defaultMigrationsFolder, ensureClientId, openCache } from '../../src-main/core/db/open';
import { PageApplier } from '../../src-main/core/sync/page-applier';
import { StoreClient } from '../../src-main/core/sync/store-client';
import { HELD_TOKEN_KEY, SyncEngine } from '../../src-main/core/sync/sync-engine';
import type { CoreProcess } from '../../src-main/core/worker/core-process';
import type { SyncCheckResult, SyncStatus } from '../../src-shared/contracts/sync';
import type { CustomerCard } from '../../src-shared/contracts/customer';
import type { ContactFormInput } from '../../src-shared/contracts/customer360';
import { SYNC_TABLE_NAMES } from '../../src-shared/sync/tables';
import type { Result } from '../../src-shared/result';
import { plantCustomer, plantOrder, plantProduct, tempCache, type TempCache } from '../helpers/cache';
import { testCore } from '../helpers/core';
import { testDesk } from '../helpers/desk';
import { StoreServer } from '../helpers/store-server';

const SYNC_WORKER = fileURLToPath(new URL('../helpers/sync-worker-ts.mjs', import.meta.url));
/** The account the workstations sign in with: a supervisor, who may also re-pull the whole cache. */
const CSR = { username: 'carl', password: 'battery staple' };
/** Small pages, so every sync here runs over several pages. */
const PAGE = 250;
const WAIT = { timeout: 30_000, interval: 100 };
/** Each test may wait on several of those (the machine running the suite is often busy). */
const TEST_MS = 120_000;

const server = new StoreServer();
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'switchboard-sync-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  await server.start();
  await server.addUser(CSR.username, CSR.password, 'supervisor');
  await loadDemoIfEmpty(server.store, { customers: 60 });
}, 120_000);

afterAll(async () => {
  await server.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A test that stops the store starts it again even when it fails half-way, so the next test has one. */
async function restartStore(): Promise<void> {
  if (!server.running) await server.start();
}

function syncedCore(file: string, agentId: string): CoreProcess {
  return testCore(file, { agentId, sync: { serverUrl: server.url, ...CSR, workerFile: SYNC_WORKER, pullLimit: PAGE } });
}

async function ok<T>(core: CoreProcess, channel: string, input: unknown = {}): Promise<T> {
  const r: Result<unknown> = await core.call(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

const status = (core: CoreProcess) => ok<SyncStatus>(core, 'sync:status');

/** Waits until the core has pushed everything and pulled to the end at least once after `since`. */
async function settled(core: CoreProcess, since = 0): Promise<SyncStatus> {
  let last: SyncStatus | undefined;
  await vi.waitFor(async () => {
    last = await status(core);
    expect(last).toMatchObject({ state: 'online', pendingWrites: 0, initialSync: null });
    expect(last.lastSyncAt ?? 0).toBeGreaterThanOrEqual(since);
  }, WAIT);
  return last as SyncStatus;
}

/** A connection of the test's own to a cache file (WAL: it reads beside the workers). */
function open(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  return db;
}

const countIn = (db: Database.Database, query: string, ...params: unknown[]) => db.prepare(query).pluck().get(...params) as number;

async function serverCount(table: string, where = 'true'): Promise<number> {
  return server.count(sql.raw(`select count(*) as n from "${table}" where ${where}`));
}

async function someStoreCustomer(offset = 0): Promise<{ id: string; first_name: string }> {
  const [row] = await server.rows<{ id: string; first_name: string }>(sql.raw(`select id::text as id, first_name from customers order by id offset ${offset} limit 1`));
  if (!row) throw new Error('the store has no customers');
  return row;
}

describe('two workstations syncing through CoreProcess', { timeout: TEST_MS }, () => {
  let fileA: string;
  let fileB: string;
  let a: CoreProcess;
  let b: CoreProcess;

  beforeAll(async () => {
    fileA = join(tempDir(), 'a.db');
    fileB = join(tempDir(), 'b.db');
    a = syncedCore(fileA, 'agent-a');
    b = syncedCore(fileB, 'agent-b');
    await Promise.all([a.start(), b.start()]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('copies the store into each empty cache (no demo seed), and the checksums then match', async () => {
    await Promise.all([settled(a), settled(b)]);
    const dbA = open(fileA);
    for (const table of ['customers', 'customer_phones', 'products', 'product_relations', 'orders', 'order_lines']) {
      expect(countIn(dbA, `SELECT count(*) FROM ${table}`), table).toBe(await serverCount(table));
    }
    expect(dbA.prepare(`SELECT value FROM cache_meta WHERE key = 'sync_phase'`).pluck().get()).toBe('log');
    dbA.close();
    const check = await ok<SyncCheckResult>(a, 'sync:check');
    expect(check).toMatchObject({ match: true, skipped: null, repulling: [] });
    expect(check.tables.map((t) => t.table)).toEqual([...SYNC_TABLE_NAMES]);
    expect((await status(a)).lastCheck).toEqual(check);
  });

  it('a complaint logged on A reaches B’s cache, and A’s outbox entries go once the store has them', async () => {
    const customer = await someStoreCustomer(3);
    const logged = await ok<{ id: string }>(a, 'complaint:log', {
      customerId: customer.id,
      category: 'damaged',
      severity: 'high',
      description: 'The kettle arrived cracked.',
    });
    await settled(a);
    const dbA = open(fileA);
    expect(countIn(dbA, `SELECT count(*) FROM outbox`)).toBe(0);
    dbA.close();
    expect(await serverCount('complaints', `id = '${logged.id}'`)).toBe(1);
    expect(await serverCount('complaint_events', `complaint_id = '${logged.id}'`)).toBe(1);

    const dbB = open(fileB);
    await vi.waitFor(() => {
      const row = dbB.prepare(`SELECT description, customer_id AS customerId, agent_id AS agentId FROM complaints WHERE id = ?`).get(logged.id);
      expect(row).toEqual({ description: 'The kettle arrived cracked.', customerId: customer.id, agentId: CSR.username });
    }, WAIT);
    expect(countIn(dbB, `SELECT count(*) FROM complaint_events WHERE complaint_id = ?`, logged.id)).toBe(1);
    dbB.close();
    // B sees it through its own services too.
    const onB = await ok<{ complaints: { id: string }[] }>(b, 'complaint:list', { customerId: customer.id });
    expect(onB.complaints.map((c) => c.id)).toContain(logged.id);
  });

  it('a customer saved on A with an unverified number reaches the store and B unverified, and B finds them by its digits (issue 18)', async () => {
    const created = await ok<{ customerId: string; phoneVerified: boolean }>(a, 'customer:create', {
      firstName: 'Ana',
      lastName: 'Trujillo',
      phone: '(5) 555-4729',
      keepUnverifiedPhone: true,
    });
    expect(created.phoneVerified).toBe(false);
    await settled(a);
    expect(await serverCount('customer_phones', `customer_id = '${created.customerId}' and e164 = '55554729' and raw = '(5) 555-4729' and not verified`)).toBe(1);
    const dbB = open(fileB);
    await vi.waitFor(() => {
      const row = dbB.prepare(`SELECT e164, raw, verified FROM customer_phones WHERE customer_id = ?`).get(created.customerId);
      expect(row).toEqual({ e164: '55554729', raw: '(5) 555-4729', verified: 0 });
    }, WAIT);
    dbB.close();
    const found = await ok<{ hits: { customerId: string }[] }>(b, 'lookup:search', { query: '5 555 4729' });
    expect(found.hits.map((h) => h.customerId)).toEqual([created.customerId]);
    expect(await ok<SyncCheckResult>(b, 'sync:check')).toMatchObject({ match: true });
  });

  it('a customer from abroad saved on A with their country and address reaches the store and B under +49 (issue 19, item 4)', async () => {
    const created = await ok<{ customerId: string; e164: string }>(a, 'customer:create', {
      firstName: 'Hanna',
      lastName: 'Moos',
      phone: '030-0074321',
      country: 'DE',
      address: { line1: 'Forsterstr. 57', city: 'Mannheim', postalCode: '68306' },
    });
    expect(created.e164).toBe('+49300074321');
    await settled(a);
    expect(await serverCount('customer_phones', `customer_id = '${created.customerId}' and e164 = '+49300074321'`)).toBe(1);
    expect(await serverCount('customer_addresses', `customer_id = '${created.customerId}' and city = 'Mannheim' and country = 'DE' and is_primary`)).toBe(1);
    const dbB = open(fileB);
    await vi.waitFor(() => {
      const row = dbB.prepare(`SELECT line1, city, postal_code AS postalCode, country FROM customer_addresses WHERE customer_id = ?`).get(created.customerId);
      expect(row).toEqual({ line1: 'Forsterstr. 57', city: 'Mannheim', postalCode: '68306', country: 'DE' });
    }, WAIT);
    dbB.close();
    expect(await ok<SyncCheckResult>(b, 'sync:check')).toMatchObject({ match: true });
  });

  it('shows a write the store refuses for good, and later writes still go', async () => {
    const customer = await someStoreCustomer(4);
    const dbA = open(fileA);
    const clientId = dbA.prepare(`SELECT value FROM cache_meta WHERE key = 'client_id'`).pluck().get() as string;
    // A poison entry: a note with an id that is not a UUID, which the store's schema refuses.
    const poisonId = Number(
      dbA
        .prepare(`INSERT INTO outbox (client_id, name, args, schema_version, created_at) VALUES (?, 'note.add', ?, 2, ?)`)
        .run(clientId, JSON.stringify({ noteId: 'not-a-uuid', customerId: customer.id, callId: null, agentId: 'agent-a', body: 'x', createdAt: Date.now() }), Date.now())
        .lastInsertRowid,
    );
    // And one the store will not even take into a request (a name longer than the protocol allows).
    const oversizedName = 'note.add'.padEnd(65, '!');
    const refusedId = Number(
      dbA
        .prepare(`INSERT INTO outbox (client_id, name, args, schema_version, created_at) VALUES (?, ?, '{}', 2, ?)`)
        .run(clientId, oversizedName, Date.now()).lastInsertRowid,
    );
    const note = await ok<{ noteId: string }>(a, 'note:add', { customerId: customer.id, body: 'Called back about the refund.' });
    const after = await settled(a);
    const poison = after.rejections.find((r) => r.mutationId === poisonId);
    expect(poison).toMatchObject({ name: 'note.add', code: 'invalid_input' });
    expect(poison?.message).toMatch(/noteId/);
    expect(after.rejections.find((r) => r.mutationId === refusedId)).toMatchObject({ name: oversizedName, code: 'invalid_input', message: expect.stringMatching(/would not take/) });
    expect(await serverCount('notes', `id = '${note.noteId}'`)).toBe(1);
    expect(countIn(dbA, `SELECT count(*) FROM outbox`)).toBe(0);
    expect(countIn(dbA, `SELECT count(*) FROM sync_rejections WHERE mutation_id IN (?, ?)`, poisonId, refusedId)).toBe(2);
    dbA.close();

    expect(await ok(a, 'sync:dismiss-rejection', { mutationId: poisonId })).toEqual({ dismissed: true });
    expect((await status(a)).rejections.map((r) => r.mutationId)).not.toContain(poisonId);
  });

  it('keeps working offline, says so, and delivers every write exactly once when the store is back', async () => {
    const customer = await someStoreCustomer(5);
    await server.stop();
    onTestFinished(restartStore);
    const first = await ok<{ noteId: string }>(a, 'note:add', { customerId: customer.id, body: 'Offline note one.' });
    let offline: SyncStatus | undefined;
    await vi.waitFor(async () => {
      offline = await status(a);
      // Between two retries (nextRetryAt is null while a retry is under way, still offline).
      expect(offline).toMatchObject({ state: 'offline', pendingWrites: 1, nextRetryAt: expect.any(Number) });
    }, WAIT);
    expect(offline?.lastError).toMatch(/cannot be reached|did not answer/);
    expect(offline?.nextRetryAt).toBeGreaterThan(Date.now() - 1000);
    const second = await ok<{ noteId: string }>(a, 'note:add', { customerId: customer.id, body: 'Offline note two.' });
    expect((await status(a)).pendingWrites).toBe(2);
    // The workstation reads its own writes meanwhile.
    const dbA = open(fileA);
    expect(countIn(dbA, `SELECT count(*) FROM notes WHERE id IN (?, ?)`, first.noteId, second.noteId)).toBe(2);
    expect(countIn(dbA, `SELECT count(*) FROM outbox`)).toBe(2);
    dbA.close();

    await server.start();
    const back = Date.now();
    await ok(a, 'sync:now');
    await ok(b, 'sync:now');
    await settled(a, back);
    expect(await serverCount('notes', `body like 'Offline note %'`)).toBe(2);
    expect(await serverCount('notes', `id in ('${first.noteId}', '${second.noteId}')`)).toBe(2);
    const dbB = open(fileB);
    await vi.waitFor(() => expect(countIn(dbB, `SELECT count(*) FROM notes WHERE id IN (?, ?)`, first.noteId, second.noteId)).toBe(2), WAIT);
    dbB.close();
    // Pushing again changes nothing: the store counts each mutation once.
    await ok(a, 'sync:now');
    await settled(a, back);
    expect(await serverCount('notes', `body like 'Offline note %'`)).toBe(2);
  });

  it('a reset while writes wait keeps them, delivers them, and copies the store again', async () => {
    const customer = await someStoreCustomer(6);
    await server.stop();
    onTestFinished(restartStore);
    const note = await ok<{ noteId: string }>(a, 'note:add', { customerId: customer.id, body: 'Written before the reset.' });
    expect(await ok(a, 'sync:reset')).toEqual({ started: true });
    const dbA = open(fileA);
    await vi.waitFor(() => expect(dbA.prepare(`SELECT value FROM cache_meta WHERE key = 'sync_cursor'`).get()).toBeUndefined(), WAIT);
    expect(countIn(dbA, `SELECT count(*) FROM outbox`)).toBe(1);
    expect(countIn(dbA, `SELECT count(*) FROM notes WHERE id = ?`, note.noteId)).toBe(1);

    await server.start();
    const back = Date.now();
    await ok(a, 'sync:now');
    await ok(b, 'sync:now');
    await settled(a, back);
    expect(await serverCount('notes', `id = '${note.noteId}'`)).toBe(1);
    expect(countIn(dbA, `SELECT count(*) FROM notes WHERE id = ?`, note.noteId)).toBe(1);
    expect(dbA.prepare(`SELECT value FROM cache_meta WHERE key = 'sync_phase'`).pluck().get()).toBe('log');
    expect(countIn(dbA, `SELECT count(*) FROM customers`)).toBe(await serverCount('customers'));
    dbA.close();
    expect(await ok<SyncCheckResult>(a, 'sync:check')).toMatchObject({ match: true });
  });

  it('finds a corrupted row with the checksum check and repairs it with a targeted re-pull', async () => {
    await settled(a);
    const customer = await someStoreCustomer(7);
    const dbA = open(fileA);
    dbA.prepare(`UPDATE customers SET first_name = 'Corrupted' WHERE id = ?`).run(customer.id);
    const check = await ok<SyncCheckResult>(a, 'sync:check');
    expect(check.match).toBe(false);
    expect(check.repulling).toEqual(['customers']);
    expect(check.tables.find((t) => t.table === 'customers')).toMatchObject({ match: false, localCount: check.tables.find((t) => t.table === 'customers')?.serverCount });
    await vi.waitFor(() => expect(dbA.prepare(`SELECT first_name FROM customers WHERE id = ?`).pluck().get(customer.id)).toBe(customer.first_name), WAIT);
    dbA.close();
    expect(await ok<SyncCheckResult>(a, 'sync:check')).toMatchObject({ match: true, repulling: [] });
    // The name index followed the repair (drizzle/0001's update trigger).
    const found = await ok<{ hits: { customerId: string }[] }>(a, 'lookup:search', { query: 'Corrupted' });
    expect(found.hits.map((h) => h.customerId)).not.toContain(customer.id);
  });

  it('answers the sync channels with validation, through CoreProcess', async () => {
    expect(await a.call('sync:dismiss-rejection', { mutationId: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await a.call('sync:now', {})).toEqual({ ok: true, value: { started: true } });
    const s = await status(a);
    expect(s).toMatchObject({ serverUrl: server.url, state: 'online' });
    expect(s.dataVersion).toBeGreaterThan(0);
  });
});

/** Pulls to the end by hand with the real client and applier, without pushing (the engine always pushes first). */
async function pullWithoutPushing(cache: TempCache, fromScratch = false, limit = PAGE): Promise<number> {
  const client = new StoreClient({ serverUrl: server.url });
  // The workstation's proof (issue 18): the token the engine that synced this cache holds.
  const held = cache.db.$client.prepare(`SELECT value FROM cache_meta WHERE key = ?`).pluck().get(HELD_TOKEN_KEY) as string | undefined;
  const login = await client.login(CSR.username, CSR.password, { id: ensureClientId(cache.db), name: 'test workstation' }, undefined, held);
  if (!login.ok) throw new Error(login.failure.message);
  const token = login.value.workstationToken ?? login.value.token;
  cache.db.$client.prepare(`UPDATE cache_meta SET value = ? WHERE key = ?`).run(token, HELD_TOKEN_KEY);
  const applier = new PageApplier(cache.db.$client);
  if (fromScratch) applier.clearCursor();
  let cursor = applier.readCursor().cursor;
  const plan = cursor === null ? applier.beginSnapshot(SYNC_TABLE_NAMES) : null;
  let skipped = 0;
  for (;;) {
    const page = await client.pull(token, { clientId: ensureClientId(cache.db), cursor, limit });
    if (!page.ok) throw new Error(page.failure.message);
    skipped += applier.apply(page.value, { snapshot: page.value.phase === 'snapshot' ? plan : null, saveCursor: true }).protectedSkips;
    cursor = page.value.cursor;
    if (!page.value.hasMore) return skipped;
  }
}

async function syncOnce(cache: TempCache): Promise<SyncEngine> {
  const engine = new SyncEngine({ client: cache.db.$client, clientId: ensureClientId(cache.db), serverUrl: server.url, credentials: { kind: 'password', ...CSR }, pullLimit: PAGE, live: false });
  const started = Date.now();
  engine.start();
  await vi.waitFor(() => expect(engine.status()).toMatchObject({ state: 'online', pendingWrites: 0, initialSync: null, lastSyncAt: expect.any(Number) }), WAIT);
  expect(engine.status().lastSyncAt).toBeGreaterThanOrEqual(started);
  return engine;
}

describe('what the sync connection commits', { timeout: TEST_MS }, () => {
  it('is reported after every commit (pages whether or not they changed rows, settled pushes), so the WAL checkpointer hears of it', async () => {
    const cache = tempCache();
    const events: string[] = [];
    const engine = new SyncEngine({
      client: cache.db.$client,
      clientId: ensureClientId(cache.db),
      serverUrl: server.url,
      credentials: { kind: 'password', ...CSR },
      pullLimit: PAGE,
      live: false,
      onCommitted: () => events.push(`committed:${countIn(cache.db.$client, `SELECT count(*) FROM outbox`)}`),
      onPulled: () => events.push('pulled'),
    });
    try {
      engine.start();
      await vi.waitFor(() => expect(engine.status()).toMatchObject({ state: 'online', initialSync: null, lastSyncAt: expect.any(Number) }), WAIT);
      const pulled = events.filter((e) => e === 'pulled').length;
      expect(pulled).toBeGreaterThan(1);
      expect(events.filter((e) => e.startsWith('committed')).length).toBeGreaterThanOrEqual(pulled);
      // A saved write, pushed and settled: its outbox row goes, and the commit that removed it is reported.
      events.length = 0;
      const desk = testDesk(cache.db, { agentId: 'agent-w', start: Date.now() });
      const someone = cache.db.$client.prepare(`SELECT id FROM customers ORDER BY id LIMIT 1`).pluck().get() as string;
      desk.ok('note:add', { customerId: someone, body: 'Checkpoint me.' });
      engine.kick();
      await vi.waitFor(() => expect(engine.status().pendingWrites).toBe(0), WAIT);
      expect(events).toContain('committed:0');
      // The cycle that pushed goes on to pull the note back (with the author the store resolved).
      // Let a whole sync end after the push, so that pull is not taken for the quiet one below.
      const pushedAt = engine.status().lastSyncAt as number;
      await new Promise((r) => setTimeout(r, 5));
      engine.syncNow();
      await vi.waitFor(() => expect(engine.status().lastSyncAt).toBeGreaterThan(pushedAt), WAIT);
      // A pull with nothing new still commits its cursor, and says so though no row changed.
      const before = engine.status().lastSyncAt as number;
      events.length = 0;
      await new Promise((r) => setTimeout(r, 5));
      expect(engine.syncNow()).toEqual({ started: true });
      await vi.waitFor(() => expect(engine.status().lastSyncAt).toBeGreaterThan(before), WAIT);
      expect(events).not.toContain('pulled');
      expect(events.some((e) => e.startsWith('committed'))).toBe(true);
    } finally {
      await engine.stop();
      cache.cleanup();
    }
  });
});

describe('pages that name a row before it arrives', { timeout: TEST_MS }, () => {
  it('apply anyway: a call logged, its customer created later, then attached, pulled one change a page', async () => {
    const cache = tempCache();
    try {
      await (await syncOnce(cache)).stop();
      const callId = randomUUID();
      const customerId = randomUUID();
      // Three commits on the store, in this order. The first page (limit 1) covers only the call's
      // insert, but carries its current state, which already names the customer of the third.
      await server.store.db.execute(
        sql`insert into calls (id, customer_id, source, agent_id, status, started_at) values (${callId}, null, 'manual', 'agent-x', 'active', 1)`,
      );
      await server.store.db.execute(
        sql`insert into customers (id, first_name, last_name, created_at, updated_at) values (${customerId}, 'Late', 'Arrival', 2, 2)`,
      );
      await server.store.db.execute(sql`update calls set customer_id = ${customerId} where id = ${callId}`);

      await pullWithoutPushing(cache, false, 1);
      const row = cache.db.$client.prepare(`SELECT customer_id AS customerId FROM calls WHERE id = ?`).get(callId) as { customerId: string } | undefined;
      expect(row?.customerId).toBe(customerId);
      expect(cache.db.$client.prepare(`SELECT first_name FROM customers WHERE id = ?`).pluck().get(customerId)).toBe('Late');
      expect(cache.db.$client.pragma('foreign_key_check')).toEqual([]);
      expect(cache.db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      cache.cleanup();
    }
  });
});

describe('rows with pending local writes', { timeout: TEST_MS }, () => {
  it('are never overwritten or deleted by a pull, and the local write wins once pushed', async () => {
    const cache = tempCache();
    try {
      await (await syncOnce(cache)).stop();

      const customer = await someStoreCustomer(10);
      const desk = testDesk(cache.db, { agentId: 'agent-c', start: Date.now() });
      const card = desk.ok<CustomerCard>('customer:get', { customerId: customer.id });
      const form: ContactFormInput & { customerId: string } = {
        customerId: customer.id,
        firstName: 'Localname',
        lastName: card.lastName,
        phones: card.phones.map((p) => ({ number: p.e164, kind: p.kind })),
        emails: card.emails.map((e) => e.email),
        primaryAddress: null,
        marketingConsent: card.marketingConsent,
      };
      desk.ok('customer:update-contact', form);
      const note = desk.ok<{ noteId: string }>('note:add', { customerId: customer.id, body: 'Not on the store yet.' });
      const outboxBefore = countIn(cache.db.$client, `SELECT count(*) FROM outbox`);
      expect(outboxBefore).toBe(2);

      // The store changes the same customer meanwhile (an import, another workstation).
      await server.store.db.execute(sql`update customers set first_name = 'Storename', updated_at = updated_at + 1 where id = ${customer.id}`);

      // Pull by hand, without pushing: the log page, then a whole new snapshot (a reset).
      expect(await pullWithoutPushing(cache)).toBeGreaterThan(0);
      const name = () => cache.db.$client.prepare(`SELECT first_name FROM customers WHERE id = ?`).pluck().get(customer.id);
      expect(name()).toBe('Localname');
      expect(await pullWithoutPushing(cache, true)).toBeGreaterThan(0);
      expect(name()).toBe('Localname');
      expect(countIn(cache.db.$client, `SELECT count(*) FROM notes WHERE id = ?`, note.noteId)).toBe(1);
      expect(countIn(cache.db.$client, `SELECT count(*) FROM outbox`)).toBe(outboxBefore);
      expect(countIn(cache.db.$client, `SELECT count(*) FROM customers`)).toBe(await serverCount('customers'));

      // Once pushed, the store takes the local edit (last writer in the store's order) and the note.
      await (await syncOnce(cache)).stop();
      const [onStore] = await server.rows<{ first_name: string }>(sql`select first_name from customers where id = ${customer.id}`);
      expect(onStore?.first_name).toBe('Localname');
      expect(name()).toBe('Localname');
      expect(await serverCount('notes', `id = '${note.noteId}'`)).toBe(1);
    } finally {
      cache.cleanup();
    }
  });
});

describe('a cache that already held other rows', { timeout: TEST_MS }, () => {
  it('takes the store’s product and order where a local one has the same SKU or order number under another id', async () => {
    const cache = tempCache();
    try {
      const [storeProduct] = await server.rows<{ id: string; sku: string }>(sql`select id::text as id, sku from products order by sku limit 1`);
      const [storeOrder] = await server.rows<{ id: string; number: string }>(sql`select id::text as id, number from orders order by number limit 1`);
      if (!storeProduct || !storeOrder) throw new Error('the store has no products or orders');
      const localProduct = plantProduct(cache.db, { sku: storeProduct.sku, name: 'Local copy' });
      const localCustomer = plantCustomer(cache.db, { firstName: 'Local', lastName: 'Only' });
      const localOrder = plantOrder(cache.db, { customerId: localCustomer, number: storeOrder.number, placedAt: Date.now(), productIds: [localProduct] });
      await (await syncOnce(cache)).stop();
      const c = cache.db.$client;
      expect(c.prepare(`SELECT id FROM products WHERE sku = ?`).pluck().all(storeProduct.sku)).toEqual([storeProduct.id]);
      expect(c.prepare(`SELECT id FROM orders WHERE number = ?`).pluck().all(storeOrder.number)).toEqual([storeOrder.id]);
      expect(countIn(c, `SELECT count(*) FROM orders WHERE id = ?`, localOrder)).toBe(0);
      // The snapshot also removed what the store does not have (the cache held rows, so it tracked them).
      expect(countIn(c, `SELECT count(*) FROM customers WHERE id = ?`, localCustomer)).toBe(0);
      expect(countIn(c, `SELECT count(*) FROM customers`)).toBe(await serverCount('customers'));
      expect(c.pragma('foreign_key_check')).toEqual([]);
    } finally {
      cache.cleanup();
    }
  });
});

describe('a customer the store deletes', { timeout: TEST_MS }, () => {
  it('goes from the cache with the local rows that refer to it, except where a queued write still needs it', async () => {
    const cache = tempCache();
    try {
      const customerId = randomUUID();
      const orderId = randomUUID();
      const lineId = randomUUID();
      const [product] = await server.rows<{ id: string; sku: string; name: string }>(sql`select id::text as id, sku, name from products order by id limit 1`);
      if (!product) throw new Error('no product');
      const now = Date.now();
      await server.store.db.execute(sql`insert into customers (id, first_name, last_name, created_at, updated_at) values (${customerId}, 'Gone', 'Soon', ${now}, ${now})`);
      await server.store.db.execute(sql`insert into customer_phones (id, customer_id, e164, raw, kind, is_primary) values (${randomUUID()}, ${customerId}, '+447700900999', '07700 900999', 'mobile', true)`);
      await server.store.db.execute(
        sql`insert into orders (id, number, customer_id, channel, status, currency, subtotal_cents, total_cents, placed_at) values (${orderId}, ${'SBGONE' + String(now).slice(-6)}, ${customerId}, 'web', 'delivered', 'USD', 100, 100, ${now})`,
      );
      await server.store.db.execute(
        sql`insert into order_lines (id, order_id, line_no, product_id, customer_id, placed_at, sku, name, quantity, unit_price_cents, total_cents) values (${lineId}, ${orderId}, 1, ${product.id}, ${customerId}, ${now}, ${product.sku}, ${product.name}, 1, 100, 100)`,
      );
      await (await syncOnce(cache)).stop();
      const c = cache.db.$client;
      expect(countIn(c, `SELECT count(*) FROM order_lines WHERE order_id = ?`, orderId)).toBe(1);

      // On this workstation: a complaint about the order and a note, both still queued; and rows
      // nothing queued protects (left from a write the store refused, say): a note, a call, an offer.
      const desk = testDesk(cache.db, { agentId: 'agent-c', start: now });
      const complaint = desk.ok<{ id: string }>('complaint:log', { customerId, orderId, category: 'late', severity: 'low', description: 'Never arrived.' });
      const note = desk.ok<{ noteId: string }>('note:add', { customerId, body: 'Queued note.' });
      const strayNote = randomUUID();
      const strayCall = randomUUID();
      c.prepare(`INSERT INTO notes (id, customer_id, call_id, agent_id, body, created_at) VALUES (?, ?, NULL, 'agent-x', 'Stray note.', ?)`).run(strayNote, customerId, now);
      c.prepare(`INSERT INTO calls (id, customer_id, from_e164, source, agent_id, status, started_at) VALUES (?, ?, NULL, 'manual', 'agent-x', 'completed', ?)`).run(strayCall, customerId, now);
      c.prepare(`INSERT INTO offers (id, customer_id, call_id, agent_id, product_id, kind, reason, outcome, presented_at) VALUES (?, ?, NULL, 'agent-x', ?, 'complement', 'r', 'presented', ?)`).run(randomUUID(), customerId, product.id, now);

      await server.store.db.execute(sql`delete from customers where id = ${customerId}`);
      await pullWithoutPushing(cache);
      // The page committed: strays went or let go; what the queued complaint and note need stayed.
      expect(countIn(c, `SELECT count(*) FROM notes WHERE id = ?`, strayNote)).toBe(0);
      expect(countIn(c, `SELECT count(*) FROM offers WHERE customer_id = ?`, customerId)).toBe(0);
      expect(c.prepare(`SELECT customer_id FROM calls WHERE id = ?`).pluck().get(strayCall)).toBeNull();
      expect(countIn(c, `SELECT count(*) FROM notes WHERE id = ?`, note.noteId)).toBe(1);
      expect(countIn(c, `SELECT count(*) FROM complaints WHERE id = ?`, complaint.id)).toBe(1);
      expect(countIn(c, `SELECT count(*) FROM customers WHERE id = ?`, customerId)).toBe(1);
      expect(countIn(c, `SELECT count(*) FROM orders WHERE id = ?`, orderId)).toBe(1);
      expect(countIn(c, `SELECT count(*) FROM order_lines WHERE id = ?`, lineId)).toBe(0);
      // Its phone had a tombstone of its own and nothing needs it.
      expect(countIn(c, `SELECT count(*) FROM customer_phones WHERE customer_id = ?`, customerId)).toBe(0);
      expect(c.pragma('foreign_key_check')).toEqual([]);

      // Pushed, the store refuses both (the customer is gone); a check then finds the leftovers and
      // the targeted re-pull removes them.
      const engine = await syncOnce(cache);
      try {
        expect(engine.status().rejections.map((r) => r.name).sort()).toEqual(['complaint.log', 'note.add']);
        const check = await engine.check();
        expect(check.repulling).toEqual(expect.arrayContaining(['customers', 'orders', 'complaints', 'notes']));
        await vi.waitFor(() => expect(countIn(c, `SELECT count(*) FROM customers WHERE id = ?`, customerId)).toBe(0), WAIT);
        await vi.waitFor(async () => expect(await engine.check()).toMatchObject({ match: true }), WAIT);
      } finally {
        await engine.stop();
      }
      expect(countIn(c, `SELECT count(*) FROM complaints WHERE customer_id = ?`, customerId)).toBe(0);
      expect(countIn(c, `SELECT count(*) FROM complaint_events WHERE complaint_id = ?`, complaint.id)).toBe(0);
      expect(c.pragma('foreign_key_check')).toEqual([]);
    } finally {
      cache.cleanup();
    }
  });
});

describe('a different store behind the same address', { timeout: TEST_MS }, () => {
  it('is copied afresh, and the writes still queued here are delivered to it', async () => {
    const first = new StoreServer();
    const cache = tempCache();
    let second: StoreServer | undefined;
    try {
      await first.start();
      await first.addUser(CSR.username, CSR.password);
      await loadDemoIfEmpty(first.store, { customers: 12 });
      const options = { client: cache.db.$client, clientId: ensureClientId(cache.db), serverUrl: first.url, credentials: { kind: 'password' as const, ...CSR }, pullLimit: PAGE, live: false };
      let engine = new SyncEngine(options);
      engine.start();
      await vi.waitFor(() => expect(engine.status()).toMatchObject({ state: 'online', initialSync: null, lastSyncAt: expect.any(Number) }), WAIT);
      // Two writes the first store has, then the store goes away with one more still queued.
      const desk = testDesk(cache.db, { agentId: 'agent-c', start: Date.now() });
      const someone = cache.db.$client.prepare(`SELECT id FROM customers ORDER BY id LIMIT 1`).pluck().get() as string;
      desk.ok('note:add', { customerId: someone, body: 'Delivered to the first store.' });
      desk.ok('note:add', { customerId: someone, body: 'Delivered to the first store too.' });
      engine.kick();
      await vi.waitFor(() => expect(engine.status().pendingWrites).toBe(0), WAIT);
      await engine.stop();
      await first.stop();
      const created = desk.ok<{ customerId: string }>('customer:create', { firstName: 'Nova', lastName: 'Store', phone: '+447700900555' });
      expect(cache.db.$client.prepare(`SELECT min(mutation_id) FROM outbox`).pluck().get()).toBe(3);

      second = new StoreServer(first.listeningPort);
      await second.start();
      await second.addUser(CSR.username, CSR.password);
      await loadDemoIfEmpty(second.store, { customers: 5 });
      const [secondId] = await second.rows<{ value: string }>(sql`select value from store_meta where key = 'store_id'`);
      engine = new SyncEngine(options);
      engine.start();
      try {
        await vi.waitFor(() => expect(engine.status()).toMatchObject({ state: 'online', pendingWrites: 0, initialSync: null, lastSyncAt: expect.any(Number) }), WAIT);
        expect(await engine.check()).toMatchObject({ match: true });
      } finally {
        await engine.stop();
      }
      const c = cache.db.$client;
      expect(c.prepare(`SELECT value FROM cache_meta WHERE key = 'sync_store_id'`).pluck().get()).toBe(secondId?.value);
      const [onSecond] = await second.rows<{ n: number }>(sql`select count(*)::int as n from customers where id = ${created.customerId}`);
      expect(onSecond?.n).toBe(1);
      expect(countIn(c, `SELECT count(*) FROM customers`)).toBe(await second.count(sql`select count(*) as n from customers`));
      expect(countIn(c, `SELECT count(*) FROM customers WHERE id = ?`, created.customerId)).toBe(1);
      // New writes follow on from the ids the second store has seen.
      desk.ok('note:add', { customerId: created.customerId, body: 'After the move.' });
      expect(c.prepare(`SELECT mutation_id FROM outbox`).pluck().all()).toEqual([2]);
    } finally {
      await first.dispose();
      await second?.dispose();
      cache.cleanup();
    }
  });
});

describe('an upgrade with writes the previous release queued (schema v1)', { timeout: TEST_MS }, () => {
  /** A copy of drizzle/ with only the first `n` migrations: the app as released before. */
  function migrationsUpTo(n: number): string {
    const src = defaultMigrationsFolder();
    const dst = join(tempDir(), 'drizzle');
    mkdirSync(join(dst, 'meta'), { recursive: true });
    const journal = JSON.parse(readFileSync(join(src, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.slice(0, n);
    writeFileSync(join(dst, 'meta/_journal.json'), JSON.stringify(journal));
    for (const e of journal.entries) copyFileSync(join(src, `${e.tag}.sql`), join(dst, `${e.tag}.sql`));
    return dst;
  }

  it('delivers them, and the v1 phone and email rows give way to the store’s', async () => {
    const file = join(tempDir(), 'old.db');
    // The release before sync: no sync_rejections table, outbox entries at schema version 1.
    const old = openCache(file, { migrationsFolder: migrationsUpTo(4) });
    const c = old.$client;
    expect(c.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'sync_rejections'`).pluck().get()).toBe(0);
    const clientId = ensureClientId(old);
    const customerId = randomUUID();
    const now = Date.now();
    c.transaction(() => {
      c.prepare(`INSERT INTO customers (id, first_name, last_name, segment, created_at, updated_at) VALUES (?, 'Vera', 'Oldversion', 'new', ?, ?)`).run(customerId, now, now);
      c.prepare(`INSERT INTO customer_phones (id, customer_id, e164, raw, kind, is_primary) VALUES (?, ?, '+447700900777', '07700 900777', 'mobile', 1)`).run(randomUUID(), customerId);
      c.prepare(`INSERT INTO customer_emails (id, customer_id, email, is_primary) VALUES (?, ?, 'vera@example.com', 1)`).run(randomUUID(), customerId);
      c.prepare(`INSERT INTO outbox (client_id, name, args, schema_version, created_at) VALUES (?, 'customer.create', ?, 1, ?)`).run(
        clientId,
        JSON.stringify({ customerId, firstName: 'Vera', lastName: 'Oldversion', phone: '+447700900777', email: 'vera@example.com' }),
        now,
      );
      c.prepare(`INSERT INTO notes (id, customer_id, call_id, agent_id, body, created_at) VALUES (?, ?, NULL, 'agent-old', 'Met at the counter.', ?)`).run(randomUUID(), customerId, now);
      c.prepare(`INSERT INTO outbox (client_id, name, args, schema_version, created_at) VALUES (?, 'note.add', ?, 1, ?)`).run(
        clientId,
        JSON.stringify({ noteId: c.prepare(`SELECT id FROM notes WHERE customer_id = ?`).pluck().get(customerId), customerId, callId: null, agentId: 'agent-old', body: 'Met at the counter.', createdAt: now }),
        now,
      );
    })();
    c.close();

    const core = syncedCore(file, 'agent-new');
    try {
      await core.start();
      const done = await settled(core);
      expect(done.rejections).toEqual([]);
      expect(await serverCount('customers', `id = '${customerId}'`)).toBe(1);
      expect(await serverCount('notes', `customer_id = '${customerId}'`)).toBe(1);
      const derived = v1CustomerContactIds(customerId);
      const db = open(file);
      await vi.waitFor(() => {
        expect(db.prepare(`SELECT id FROM customer_phones WHERE customer_id = ?`).pluck().all(customerId)).toEqual([derived.phoneId]);
        expect(db.prepare(`SELECT id FROM customer_emails WHERE customer_id = ?`).pluck().all(customerId)).toEqual([derived.emailId]);
      }, WAIT);
      db.close();
      const found = await ok<{ hits: { customerId: string }[] }>(core, 'lookup:search', { query: '07700 900777' });
      expect(found.hits).toEqual([expect.objectContaining({ customerId })]);
    } finally {
      await core.stop();
    }
  });
});

/** A consistent copy of a cache, as a backup tool using SQLite's backup API takes it. */
async function takeBackup(file: string, backup: string): Promise<void> {
  const db = new Database(file);
  try {
    await db.backup(backup);
  } finally {
    db.close();
  }
}

/** The backup replaces the file; a log left beside the newer file belongs to it and must not be replayed over the backup. */
function restoreBackup(backup: string, file: string): void {
  for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });
  copyFileSync(backup, file);
}

describe('a cache restored from an older copy', { timeout: TEST_MS }, () => {
  it('delivers the writes made after the restore instead of taking them for duplicates of the lost ones', async () => {
    const dir = tempDir();
    const file = join(dir, 'desk.db');
    const backup = join(dir, 'desk-backup.db');
    const customer = await someStoreCustomer(9);
    let core = syncedCore(file, 'agent-r');
    await core.start();
    await settled(core);
    await ok(core, 'note:add', { customerId: customer.id, body: 'Restore test: before the backup.' });
    await settled(core, Date.now());
    await core.stop();
    // The backup is taken here, with SQLite's backup API: what the database holds, whether or not
    // its write-ahead log was folded back at stop. (Connections of several threads closing at the
    // same moment can each see another still open, and then none checkpoints: the log stays
    // beside the file for the next open to recover. A bare copy of the file missed those commits
    // once in CI.) Then two more writes reach the store.
    await takeBackup(file, backup);
    core = syncedCore(file, 'agent-r');
    await core.start();
    await ok(core, 'note:add', { customerId: customer.id, body: 'Restore test: lost with the disk.' });
    await ok(core, 'note:add', { customerId: customer.id, body: 'Restore test: also lost with the disk.' });
    await settled(core, Date.now());
    await core.stop();
    expect(await serverCount('notes', `body like 'Restore test:%'`)).toBe(3);

    // The disk is replaced with the backup: its outbox hands out mutation ids the store has settled.
    restoreBackup(backup, file);
    core = syncedCore(file, 'agent-r');
    try {
      await core.start();
      const after = await ok<{ noteId: string }>(core, 'note:add', { customerId: customer.id, body: 'Restore test: written after the restore.' });
      const again = await ok<{ noteId: string }>(core, 'note:add', { customerId: customer.id, body: 'Restore test: and one more.' });
      await settled(core, Date.now());
      expect(await serverCount('notes', `id in ('${after.noteId}', '${again.noteId}')`)).toBe(2);
      expect(await serverCount('notes', `body like 'Restore test:%'`)).toBe(5);
    } finally {
      await core.stop();
    }
  });
});

describe('the first copy’s status', { timeout: TEST_MS }, () => {
  it('is read from the cache when asked: pages applied without the engine hearing of them still end it, and a restart mid-copy still shows it (issue 18, item 4)', async () => {
    const cache = tempCache();
    const options = { client: cache.db.$client, clientId: ensureClientId(cache.db), serverUrl: server.url, credentials: { kind: 'password' as const, ...CSR }, pullLimit: 20, live: false };
    let engine = new SyncEngine(options);
    try {
      engine.start();
      // Stopped in the middle of the copy: the last progress it saw is its last word on it.
      await vi.waitFor(() => expect(engine.status().initialSync?.done ?? 0).toBeGreaterThan(0), WAIT);
      await engine.stop();
      const stuck = engine.status().initialSync;
      expect(stuck).not.toBeNull();
      const stored = JSON.parse(cache.db.$client.prepare(`SELECT value FROM cache_meta WHERE key = 'sync_snapshot_progress'`).pluck().get() as string) as { done: number; total: number };
      expect(stuck).toMatchObject(stored);
      expect(stored.done).toBeLessThan(stored.total);
      // A new engine over the same cache (the app restarted) shows the copy before any page lands.
      const restarted = new SyncEngine(options);
      expect(restarted.status().initialSync).toMatchObject({ done: stored.done, total: stored.total });
      // The rest of the copy lands by another path: the engine hears no progress at all, and the
      // cache's cursor hands over to the log. Asked now, the status says the copy is finished.
      await pullWithoutPushing(cache);
      expect(new PageApplier(cache.db.$client).readCursor().phase).toBe('log');
      expect(engine.status().initialSync).toBeNull();
      expect(restarted.status().initialSync).toBeNull();
      expect(countIn(cache.db.$client, `SELECT count(*) FROM cache_meta WHERE key = 'sync_snapshot_progress'`)).toBe(0);
      // And a copy that runs to its end by itself says so too.
      engine = new SyncEngine(options);
      engine.reset();
      engine.start();
      await vi.waitFor(() => expect(engine.status()).toMatchObject({ state: 'online', initialSync: null, lastSyncAt: expect.any(Number) }), WAIT);
      expect(new PageApplier(cache.db.$client).readCursor().phase).toBe('log');
    } finally {
      await engine.stop();
      cache.cleanup();
    }
  });
});

describe('a check the store asks to make later', { timeout: TEST_MS }, () => {
  it('is answered skipped with the store’s reason, and the workstation stays online (issue 18, item 19)', async () => {
    const bounded = new StoreServer(0, { checksums: { perWorkstation: 1, windowMs: 600_000, reuseForMs: 600_000 } });
    const cache = tempCache();
    let engine: SyncEngine | undefined;
    try {
      await bounded.start();
      await bounded.addUser(CSR.username, CSR.password, 'supervisor');
      await loadDemoIfEmpty(bounded.store, { customers: 8 });
      engine = new SyncEngine({ client: cache.db.$client, clientId: ensureClientId(cache.db), serverUrl: bounded.url, credentials: { kind: 'password', ...CSR }, pullLimit: PAGE, live: false, retry: { baseMs: 60_000, capMs: 60_000 } });
      engine.start();
      await vi.waitFor(() => expect(engine!.status()).toMatchObject({ state: 'online', initialSync: null, lastSyncAt: expect.any(Number) }), WAIT);
      expect(await engine.check()).toMatchObject({ match: true, skipped: null });
      // The store changes, so a second check needs fresh checksums: this workstation's share is spent.
      await bounded.store.db.execute(sql`update customers set loyalty_points = loyalty_points + 1 where id = (select id from customers order by id limit 1)`);
      const refused = await engine.check();
      expect(refused.skipped).toMatch(/try again in \d+ s/);
      // Give the sync loop time to act on the refusal: it must not take it for an unreachable store.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(engine.status()).toMatchObject({ state: 'online', lastError: null, nextRetryAt: null });
    } finally {
      await engine?.stop();
      await bounded.dispose();
      cache.cleanup();
    }
  });
});

describe('a store restored from a backup', { timeout: TEST_MS }, () => {
  it('refuses the workstation’s cursor from its lost future, and the workstation copies it afresh instead of missing changes (issue 18, item 11)', async () => {
    const cache = tempCache();
    const engine = new SyncEngine({ client: cache.db.$client, clientId: ensureClientId(cache.db), serverUrl: server.url, credentials: { kind: 'password', ...CSR }, pullLimit: PAGE, live: false });
    const c = cache.db.$client;
    const inCache = (id: string) => countIn(c, `SELECT count(*) FROM customers WHERE id = ?`, id);
    const headNow = async () => server.count(sql`select coalesce(max(version), 0) as n from change_log`);
    try {
      engine.start();
      await vi.waitFor(() => expect(engine.status()).toMatchObject({ state: 'online', initialSync: null, lastSyncAt: expect.any(Number) }), WAIT);
      // The backup is taken here: the store's change log ends at `backedUp`.
      const backedUp = await headNow();
      const lost = randomUUID();
      await server.store.db.execute(sql`insert into customers (id, first_name, last_name, created_at, updated_at) values (${lost}, 'Lost', 'After Backup', 1, 1)`);
      engine.syncNow();
      await vi.waitFor(() => expect(inCache(lost)).toBe(1), WAIT);
      // The store is restored from the backup: the row and its log entries are gone, and the
      // version sequence is back where it was, so the next write takes a number this workstation
      // has already passed.
      await server.store.db.transaction(async (tx) => {
        await tx.execute(sql`set local session_replication_role = replica`);
        await tx.execute(sql`delete from customers where id = ${lost}`);
        await tx.execute(sql`delete from change_log where version > ${backedUp}`);
        await tx.execute(sql`select setval(pg_get_serial_sequence('change_log', 'version'), ${backedUp})`);
      });
      const after = randomUUID();
      await server.store.db.execute(sql`insert into customers (id, first_name, last_name, created_at, updated_at) values (${after}, 'Written', 'After Restore', 1, 1)`);
      expect(await headNow()).toBe(backedUp + 1);
      engine.syncNow();
      await vi.waitFor(() => {
        expect(inCache(after)).toBe(1);
        expect(inCache(lost)).toBe(0);
        expect(engine.status()).toMatchObject({ state: 'online', initialSync: null });
      }, WAIT);
      expect(countIn(c, `SELECT count(*) FROM customers`)).toBe(await serverCount('customers'));
      expect(await engine.check()).toMatchObject({ match: true });
    } finally {
      await engine.stop();
      cache.cleanup();
    }
  });
});

describe('without a central store', { timeout: TEST_MS }, () => {
  let cache: TempCache;
  let core: CoreProcess;

  beforeAll(async () => {
    cache = tempCache();
    plantCustomer(cache.db, { firstName: 'Lone', lastName: 'Desk', phones: ['+442079460111'] });
    cache.db.$client.close();
    // A supervisor: sync:reset needs sync.manage.
    core = testCore(cache.file, {}, { username: 'supervisor', password: 'supervisor-demo' });
    await core.start();
  });
  afterAll(async () => {
    await core.stop();
    cache.cleanup();
  });

  it('answers local_only, counting the writes that wait in the outbox', async () => {
    const before = await ok<SyncStatus>(core, 'sync:status');
    expect(before).toMatchObject({ state: 'local_only', serverUrl: null, pendingWrites: 0, lastSyncAt: null, rejections: [] });
    const hit = await ok<{ hits: { customerId: string }[] }>(core, 'lookup:search', { query: 'Lone Desk' });
    await ok(core, 'note:add', { customerId: hit.hits[0]?.customerId, body: 'Kept for when a store is configured.' });
    expect((await ok<SyncStatus>(core, 'sync:status')).pendingWrites).toBe(1);
    expect(await ok(core, 'sync:now')).toEqual({ started: false });
    expect(await ok(core, 'sync:reset')).toEqual({ started: false });
    expect(await ok<SyncCheckResult>(core, 'sync:check')).toMatchObject({ match: false, skipped: expect.stringMatching(/No central store/) });
    expect(await ok(core, 'sync:dismiss-rejection', { mutationId: 1 })).toEqual({ dismissed: false });
  });
});
