/**
 * The full export (issue 23) on both backends (PGlite and the PostgreSQL at 127.0.0.1:5432, each
 * in a fresh database dropped afterwards), over real HTTP: the archive unzipped, every table's row
 * count equal to the table's, a customer with accents, quotes, commas and line breaks read back as
 * written, no secret column in any file, a supervisor refused (403), the audit entry (who, tables,
 * row counts, no customer data); and the CLI writing the same archive to a file.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import yauzl from 'yauzl';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../server/src/auth/users';
import { customers } from '../../server/src/db/schema';
import { exportTables, SECRET_COLUMNS } from '../../server/src/export/full-export';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend } from '../helpers/server-db';
import { serveStoreForSuite } from '../helpers/store-suite';
import { signIn } from '../helpers/store-auth';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const T0 = Date.UTC(2026, 10, 1, 8);
const AWKWARD = { first: 'Zoë "Zed", \'the\'', last: 'Ångström\nde la Peña\r\n=SUM(A1)' };

/** Every entry of a ZIP archive as text. */
async function unzip(buffer: Buffer): Promise<Map<string, string>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(buffer, { lazyEntries: true }, (e, z) => (e ? reject(e) : resolve(z))));
  const files = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (e, stream) => {
        if (e) return reject(e);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
          zip.readEntry();
        });
        stream.on('error', reject);
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return files;
}

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`full export on ${backend.name}`, () => {
    const served = serveStoreForSuite(backend, skipReason, { scrypt: FAST_SCRYPT });
    let base: string;
    const tokens: Record<string, string> = {};
    const zoe = randomUUID();

    beforeAll(async () => {
      if (skipReason) return;
      const { store, app } = served;
      await app.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      for (const [username, role] of [['root', 'admin'], ['sue', 'supervisor']] as const) {
        await createUser(store.db, { username, displayName: username.toUpperCase(), role, password: `${username} has a long password` }, FAST_SCRYPT);
        tokens[username] = (await signIn(app, { username, password: `${username} has a long password` })).token;
      }
      await store.db.insert(customers).values({ id: zoe, firstName: AWKWARD.first, lastName: AWKWARD.last, createdAt: T0, updatedAt: T0 });
      await store.db.execute(sql`
        INSERT INTO calls (id, customer_id, source, agent_id, status, started_at, talk_ms, hold_ms, wrap_up_ms, disposition_code)
        SELECT gen_random_uuid(), ${zoe}::uuid, 'manual', 'root', 'completed', ${T0}::bigint + g * 1000, g, 0, 0, CASE WHEN g % 2 = 0 THEN '' END
          FROM generate_series(1, 2500) g`);
    });

    const post = (who: string) => fetch(`${base}/admin/export`, { method: 'POST', headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' }, body: '{}' });

    it('refuses a supervisor (403) and bad input (400), exporting nothing', async () => {
      const r = await post('sue');
      expect(r.status).toBe(403);
      const bad = await fetch(`${base}/admin/export`, { method: 'POST', headers: { authorization: `Bearer ${tokens.root}`, 'content-type': 'application/json' }, body: '{"tables":["users"]}' });
      expect(bad.status).toBe(400);
      const audit = await queryRows<{ n: number }>(served.store, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'export' AND subject = 'full'`);
      expect(audit[0]!.n).toBe(0);
    });

    it('gives an admin every table as CSV in one archive, row counts equal, secrets left out, a customer read back as written, and audits it', async () => {
      const r = await post('root');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/zip');
      expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="switchboard-full-export-\d{8}T\d{6}\.zip"$/);
      const files = await unzip(Buffer.from(await r.arrayBuffer()));
      const tables = await exportTables(served.store.db);
      expect(tables.length).toBeGreaterThan(20);
      expect([...files.keys()].sort()).toEqual([...tables.map((t) => `${t.name}.csv`), 'manifest.json'].sort());
      const manifest = JSON.parse(files.get('manifest.json')!) as { rows: number; tables: { name: string; rows: number; secretColumnsLeftOut: string[] }[] };
      let total = 0;
      for (const t of tables) {
        const records = parse(files.get(`${t.name}.csv`)!, { columns: true }) as Record<string, string>[];
        const [{ n }] = (await queryRows<{ n: number }>(served.store, sql.raw(`SELECT count(*)::int AS n FROM "${t.name}"`))) as [{ n: number }];
        // The audit entry of this very export is written after it: the audit log may hold one more row now.
        expect(records.length, t.name).toBe(t.name === 'audit_log' ? n - 1 : n);
        expect(manifest.tables.find((m) => m.name === t.name)?.rows, t.name).toBe(records.length);
        total += records.length;
        const header = (parse(files.get(`${t.name}.csv`)!, { to_line: 1 }) as string[][])[0]!;
        expect(header).toEqual(t.columns);
        for (const secret of SECRET_COLUMNS[t.name] ?? []) expect(header, t.name).not.toContain(secret);
        for (const column of header) expect(column).not.toMatch(/password|secret|token_hash/);
      }
      expect(manifest.rows).toBe(total);
      expect(manifest.tables.find((m) => m.name === 'users')!.secretColumnsLeftOut).toEqual(['password_hash']);
      expect(manifest.tables.find((m) => m.name === 'workstations')!.secretColumnsLeftOut).toEqual(['token_hash', 'previous_token_hash']);
      // Round trip: the customer as written, byte for byte; NULL and empty text told apart.
      const people = parse(files.get('customers.csv')!, { columns: true }) as Record<string, string>[];
      const back = people.find((p) => p.id === zoe)!;
      expect([back.first_name, back.last_name]).toEqual([AWKWARD.first, AWKWARD.last]);
      expect(files.get('customers.csv')).toContain('"Zoë ""Zed"", \'the\'"');
      const calls = files.get('calls.csv')!.split('\n').filter((l) => l.includes(zoe));
      expect(calls.filter((l) => l.includes(',"",')).length).toBe(1250);
      expect(files.get('users.csv')).not.toContain('scrypt$');
      // No secret's value anywhere in the archive, whatever the file.
      const secrets = await queryRows<{ v: string }>(
        served.store,
        sql`SELECT password_hash AS v FROM users UNION ALL SELECT token_hash FROM sessions UNION ALL SELECT token_hash FROM workstations UNION ALL SELECT previous_token_hash FROM workstations WHERE previous_token_hash IS NOT NULL`,
      );
      expect(secrets.length).toBeGreaterThanOrEqual(4);
      for (const { v } of secrets) for (const [name, text] of files) expect(text.includes(v), name).toBe(false);

      const audit = await queryRows<{ username: string; detail: string }>(served.store, sql`SELECT username, detail FROM audit_log WHERE action = 'export' AND subject = 'full'`);
      expect(audit).toHaveLength(1);
      expect(audit[0]!.username).toBe('root');
      expect(audit[0]!.detail).toMatch(new RegExp(`^Full export: ${tables.length} tables, ${total} rows \\(.*calls 2500, .*customers 1, `));
      expect(audit[0]!.detail).not.toContain('Zoë');
    });

    it('writes the same archive with the CLI (npm run export -- --out FILE)', async () => {
      if (backend.name !== 'postgres') return; // the CLI opens its own store: PGlite's directory is this suite's, held open
      const dir = mkdtempSync(join(tmpdir(), 'switchboard-full-export-'));
      try {
        const { runExportCli } = await import('../../server/src/export/cli');
        const out = join(dir, 'all.zip');
        const before = process.env.DATABASE_URL;
        process.env.DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${served.location.describe}`;
        try {
          expect(await runExportCli(['--out', out])).toBe(0);
        } finally {
          if (before === undefined) delete process.env.DATABASE_URL;
          else process.env.DATABASE_URL = before;
        }
        const files = await unzip(readFileSync(out));
        const people = parse(files.get('customers.csv')!, { columns: true }) as Record<string, string>[];
        expect(people.find((p) => p.id === zoe)?.last_name).toBe(AWKWARD.last);
        const audit = await queryRows<{ username: string }>(served.store, sql`SELECT username FROM audit_log WHERE action = 'export' AND subject = 'full' ORDER BY seq`);
        expect(audit.at(-1)!.username).toMatch(/^cli:/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
