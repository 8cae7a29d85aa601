/**
 * Migration 0028 (ingest_body_hash, issue 23) on PGlite: deliveries queued by the release before it
 * get the SHA-256 of their body's UTF-8 bytes — the same hash the ingest route computes over the
 * bytes it receives — so after the upgrade the same key with the same body is still a duplicate
 * (202) and with another body a conflict (409).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openStore } from '../../server/src/db/connect';
import { admitBatch } from '../../server/src/ingest/admit';
import { queryRows } from '../helpers/server-db';
import { migrationsBefore } from '../helpers/store-migrations';

const TAG = '0028_ingest_body_hash';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'switchboard-body-hash-'));
  dirs.push(d);
  return d;
};

describe('migration 0028 (ingest_body_hash)', () => {
  it('hashes the bodies already queued as the route hashes what it receives', { timeout: 120_000 }, async () => {
    const dataDir = join(tempDir(), 'store');
    const integrationId = randomUUID();
    const body = JSON.stringify({ deliveryId: 'd-1', orderId: '1', note: 'Zoë Ångström — ✓' });
    const old = await openStore({ dataDir, migrationsFolder: migrationsBefore(TAG, tempDir()) });
    await old.db.execute(sql`insert into integrations (id, name, source, secret, created_at) values (${integrationId}, 'Shop', 'shop', 'sbk_x', 1)`);
    await old.db.execute(sql`insert into ingest_deliveries (integration_id, kind, idempotency_key, body, received_at, next_attempt_at)
      values (${integrationId}, 'order', 'd-1', ${body}, 1, 1)`);
    await old.close();

    const store = await openStore({ dataDir });
    try {
      const [row] = await queryRows<{ body_hash: string }>(store, sql`select body_hash from ingest_deliveries where idempotency_key = 'd-1'`);
      const hash = createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex');
      expect(row!.body_hash).toBe(hash);
      const delivery = { integrationId, kind: 'order' as const, idempotencyKey: 'd-1', receivedAt: 2 };
      const [same, changed] = await admitBatch(store.db, [
        { ...delivery, body, bodyHash: hash },
        { ...delivery, body: `${body} `, bodyHash: createHash('sha256').update(`${body} `).digest('hex') },
      ]);
      expect(same).toEqual({ deliveryId: 'd-1', duplicate: true });
      expect(changed).toMatchObject({ code: 'idempotency_conflict' });
      const nulls = await queryRows<{ is_nullable: string }>(store, sql`select is_nullable from information_schema.columns where table_name = 'ingest_deliveries' and column_name = 'body_hash'`);
      expect(nulls).toEqual([{ is_nullable: 'NO' }]);
    } finally {
      await store.close();
    }
  });
});
