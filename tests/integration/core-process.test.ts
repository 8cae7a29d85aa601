import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { plantCustomer, snapshotCounts, tempCache, type TempCache } from '../helpers/cache';
import { testCore } from '../helpers/core';
import type { CoreProcess } from '../../src-main/core/worker/core-process';

let cache: TempCache;
let core: CoreProcess;
let zoe: string;

beforeAll(async () => {
  cache = tempCache();
  zoe = plantCustomer(cache.db, { firstName: 'Zoë', lastName: 'Ångström', phones: ['+442079460958'], city: 'London', country: 'GB' });
  cache.db.$client.close();
  core = testCore(cache.file);
  await core.start();
});

afterAll(async () => {
  await core.stop();
  cache.cleanup();
});

describe('CoreProcess (writer and reader worker threads over one cache file)', () => {
  it('answers lookups from the reader worker', async () => {
    const r = await core.call('lookup:search', { query: '020 7946 0958' });
    expect(r).toMatchObject({ ok: true, value: { normalizedPhone: '+442079460958', hits: [{ customerId: zoe, matchedBy: 'phone' }] } });
  });

  it('validates input before any worker sees it', async () => {
    expect(await core.call('lookup:search', { query: 'x'.repeat(500) })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await core.call('lookup:search', 'DROP TABLE customers')).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await core.call('nope:nothing', {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(await core.call('customer:get', { customerId: 'not-a-uuid' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('creates a customer on the writer with its outbox entry, visible to the reader at once', async () => {
    const created = await core.call('customer:create', { firstName: 'Ana', lastName: 'Lima', phone: '+55 11 91234-5678', email: 'Ana.Lima@Example.com' });
    expect(created).toMatchObject({ ok: true, value: { e164: '+5511912345678' } });
    if (!created.ok) return;
    const { customerId } = created.value as { customerId: string };
    const found = await core.call('lookup:search', { query: '0055 11 91234 5678' });
    expect(found).toMatchObject({ ok: true, value: { hits: [{ customerId }] } });
    const card = await core.call('customer:get', { customerId });
    expect(card).toMatchObject({ ok: true, value: { displayName: 'Ana Lima', emails: [{ email: 'ana.lima@example.com' }] } });

    const db = new Database(cache.file, { readonly: true });
    const outbox = db.prepare(`SELECT name, args, schema_version AS v FROM outbox`).all() as { name: string; args: string; v: number }[];
    db.close();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ name: 'customer.create', v: 2 });
    expect(JSON.parse(outbox[0]?.args ?? '{}')).toMatchObject({ customerId, phone: '+5511912345678' });
  });

  it('refuses a new customer with an unreadable phone and writes nothing', async () => {
    const db = new Database(cache.file, { readonly: true });
    const before = snapshotCounts({ $client: db } as never);
    const r = await core.call('customer:create', { firstName: 'Bad', lastName: 'Phone', phone: '12' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'phone' } });
    const r2 = await core.call('customer:create', { firstName: '', lastName: 'x'.repeat(101), phone: '+44 20 7946 0000' });
    expect(r2).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(snapshotCounts({ $client: db } as never)).toEqual(before);
    db.close();
  });

  it('answers a customer that is not cached with not_found', async () => {
    expect(await core.call('customer:get', { customerId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('keeps answering lookups while the writer is busy with a long transaction', async () => {
    // A 1.5 s write transaction on a second connection stands in for a sync batch: reads in WAL
    // mode must not wait for it.
    const blocker = new Database(cache.file);
    blocker.pragma('busy_timeout = 5000');
    const started = Date.now();
    blocker.exec('BEGIN IMMEDIATE');
    blocker.prepare(`INSERT INTO cache_meta(key, value) VALUES ('busy', '1')`).run();
    const timer = setTimeout(() => {
      blocker.exec('ROLLBACK');
      blocker.close();
    }, 1500);
    const r = await core.call('lookup:search', { query: 'zoe' });
    const waited = Date.now() - started;
    expect(r.ok).toBe(true);
    expect(waited).toBeLessThan(1000);
    await new Promise((res) => setTimeout(res, 1600));
    clearTimeout(timer);
  });
});

describe('CoreProcess start-up', () => {
  it('rejects with a readable message when the cache cannot be migrated', async () => {
    const dir = tempCache();
    dir.db.$client.close();
    writeFileSync(join(dir.dir, 'junk.db'), 'this is not a SQLite database, it is a text file pretending to be one. '.repeat(100));
    const broken = testCore(join(dir.dir, 'junk.db'));
    await expect(broken.start()).rejects.toThrow(/not a database|could not be upgraded/);
    await broken.stop();
    dir.cleanup();
  });
});
