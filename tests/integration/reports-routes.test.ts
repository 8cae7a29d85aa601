/**
 * The store's report routes (issue 22) on both backends (PGlite and the PostgreSQL at
 * 127.0.0.1:5432, each in a fresh database dropped afterwards): who sees what with each role, the
 * drill-down's rows adding up to the figure, the export's rows equal to the drill-down's (through
 * the workstation's StoreProxy, saved to a file), the formula-injection guard, and the audit entry.
 * Over real HTTP: the export is a stream.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createUser } from '../../server/src/auth/users';
import { customers, teams, userTeams } from '../../server/src/db/schema';
import { EXPORT_FETCH_ROWS } from '../../server/src/reports/routes';
import { StoreProxy } from '../../src-main/core/auth/store-proxy';
import { StoreClient } from '../../src-main/core/sync/store-client';
import { dashboard, drillDown, type Dashboard, type DrillDownPage } from '../../src-shared/contracts/reports';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend } from '../helpers/server-db';
import { serveStoreForSuite } from '../helpers/store-suite';
import { signIn, type Credentials } from '../helpers/store-auth';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1, 8); // 1 November 2026, 08:00Z
const ANA_CALLS = EXPORT_FETCH_ROWS * 2 + 37; // more than two cursor pages
const filter = { from: '2026-11-01', to: '2026-11-30', currency: 'USD' };

/** CSV records of a file (the BOM dropped), cells unquoted. */
function parseCsv(text: string): string[][] {
  const body = text.replace(/^\uFEFF/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (c !== '\r') cell += c;
  }
  return rows;
}

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`report routes on ${backend.name}`, () => {
    const served = serveStoreForSuite(backend, skipReason, { scrypt: FAST_SCRYPT });
    let base: string;
    const people: Record<string, Credentials & { role: 'csr' | 'supervisor' | 'admin' | 'store_associate'; team?: string }> = {
      ana: { username: 'ana', password: 'ana takes calls', role: 'csr', team: 'North' },
      ben: { username: 'ben', password: 'ben takes calls', role: 'csr', team: 'South' },
      sue: { username: 'sue', password: 'sue supervises', role: 'supervisor', team: 'North' },
      sam: { username: 'sam', password: 'sam at the till', role: 'store_associate' },
      root: { username: 'root', password: 'root sees all', role: 'admin' },
    };
    const tokens: Record<string, string> = {};
    const downloads = mkdtempSync(join(tmpdir(), 'switchboard-exports-'));

    beforeAll(async () => {
      if (skipReason) return;
      const { store, app } = served;
      await app.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const teamIds: Record<string, string> = {};
      for (const name of ['North', 'South']) teamIds[name] = (await store.db.insert(teams).values({ name }).returning({ id: teams.id }))[0]!.id;
      for (const p of Object.values(people)) {
        const { id } = await createUser(store.db, { username: p.username, displayName: p.username.toUpperCase(), role: p.role, password: p.password }, FAST_SCRYPT);
        if (p.team) await store.db.insert(userTeams).values({ userId: id, teamId: teamIds[p.team]! });
        tokens[p.username] = (await signIn(app, p)).token;
      }
      const zoe = randomUUID();
      await store.db.insert(customers).values({ id: zoe, firstName: 'Zoë', lastName: '=Ångström', createdAt: T0, updatedAt: T0 });
      // ana: ANA_CALLS completed calls over the month (talk 1…n s), one with a disposition that looks like a formula; ben: 3.
      await store.db.execute(sql`
        INSERT INTO calls (id, customer_id, source, agent_id, status, started_at, talk_ms, hold_ms, wrap_up_ms, disposition_code)
        SELECT gen_random_uuid(), ${zoe}::uuid, 'manual', 'ana', 'completed', ${T0}::bigint + (g % 29) * ${DAY}::bigint + g * 1000, g * 1000, 500, 1500,
               CASE WHEN g = 1 THEN '=HYPERLINK("http://x")' ELSE 'resolved' END
          FROM generate_series(1, ${ANA_CALLS}) g`);
      await store.db.execute(sql`
        INSERT INTO calls (id, customer_id, source, agent_id, status, started_at, talk_ms, hold_ms, wrap_up_ms)
        SELECT gen_random_uuid(), ${zoe}::uuid, 'manual', 'ben', 'completed', ${T0}::bigint + g * ${DAY}::bigint, 60000, 0, 0 FROM generate_series(1, 3) g`);
    });

    afterAll(() => rmSync(downloads, { recursive: true, force: true }));

    async function post(who: string, path: string, body: unknown): Promise<{ status: number; json: { ok: boolean; value?: unknown; error?: { code: string } } }> {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as { ok: boolean } };
    }
    const board = async (who: string, f: Record<string, unknown> = {}) => {
      const r = await post(who, '/reports/dashboard', { filter: { ...filter, ...f }, compare: true });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      return dashboard.parse(r.json.value) as Dashboard;
    };
    const handled = (d: Dashboard) => d.metrics.find((m) => m.id === 'callsHandled')!.value;

    it('shows a CSR their own figures and refuses another CSR’s (403 forbidden)', async () => {
      const d = await board('ana');
      expect(d.source).toBe('store');
      expect(d.filter.csr).toBe('ana');
      expect(handled(d)).toBe(ANA_CALLS);
      expect(d.byDay).toHaveLength(30);
      expect(d.byDay.reduce((s, r) => s + (r.values.callsHandled ?? 0), 0)).toBe(ANA_CALLS);
      expect(d.scope.csrs.map((c) => c.username)).toEqual(['ana']);
      const other = await post('ana', '/reports/dashboard', { filter: { ...filter, csr: 'ben' } });
      expect([other.status, other.json.error?.code]).toEqual([403, 'forbidden']);
      const drillOther = await post('ana', '/reports/drilldown', { filter, metricId: 'callsHandled', key: { csr: 'ben' } });
      expect([drillOther.status, drillOther.json.error?.code]).toEqual([403, 'forbidden']);
    });

    it('gives a supervisor their own team and refuses another team (403)', async () => {
      const d = await board('sue');
      expect(d.filter.team).toBe('North');
      expect(handled(d)).toBe(ANA_CALLS);
      expect(d.scope).toMatchObject({ teams: ['North'], allTeams: false });
      expect(d.byCsr.map((r) => r.key.csr)).toEqual(['ana', 'sue']);
      expect(d.byCsr.find((r) => r.key.csr === 'sue')!.values.callsHandled).toBe(0);
      for (const f of [{ team: 'South' }, { csr: 'ben' }]) {
        const r = await post('sue', '/reports/dashboard', { filter: { ...filter, ...f } });
        expect([r.status, r.json.error?.code]).toEqual([403, 'forbidden']);
      }
    });

    it('refuses a store associate, and gives an admin every team', async () => {
      const r = await post('sam', '/reports/dashboard', { filter });
      expect([r.status, r.json.error?.code]).toEqual([403, 'forbidden']);
      const d = await board('root');
      expect(d.scope).toMatchObject({ allTeams: true, teams: ['North', 'South'] });
      expect(handled(d)).toBe(ANA_CALLS + 3);
      expect(handled(await board('root', { team: 'South' }))).toBe(3);
    });

    it('lists the rows behind a figure, all pages adding up to it', async () => {
      const pages: DrillDownPage[] = [];
      for (let page = 0; ; page++) {
        const r = await post('sue', '/reports/drilldown', { filter, metricId: 'averageTalkTime', key: { csr: 'ana' }, page, pageSize: 200 });
        expect(r.status, JSON.stringify(r.json)).toBe(200);
        const p = drillDown.parse(r.json.value);
        pages.push(p);
        if ((page + 1) * 200 >= p.total) break;
      }
      const first = pages[0]!;
      expect(first.total).toBe(ANA_CALLS);
      expect(first.components).toEqual([(ANA_CALLS * (ANA_CALLS + 1) * 1000) / 2, ANA_CALLS]);
      const rows = pages.flatMap((p) => p.rows);
      expect(rows).toHaveLength(ANA_CALLS);
      expect(new Set(rows.map((r) => r.id)).size).toBe(ANA_CALLS);
      expect(rows.reduce((s, r) => s + r.part, 0)).toBe(first.components[0]);
      expect(first.rows[0]!.customerName).toBe('Zoë =Ångström');
      const sorted = drillDown.parse((await post('sue', '/reports/drilldown', { filter, metricId: 'averageTalkTime', sort: { field: 'talkMs', dir: 'desc' }, pageSize: 3 })).json.value);
      expect(sorted.rows.map((r) => r.part)).toEqual([ANA_CALLS * 1000, (ANA_CALLS - 1) * 1000, (ANA_CALLS - 2) * 1000]);
    });

    it('exports the same rows as the drill-down into the Downloads folder, guarded against formulas, and audits it', async () => {
      const input = { filter, metricId: 'averageTalkTime', key: { csr: 'ana' } };
      const proxy = (who: string) => new StoreProxy({ client: new StoreClient({ serverUrl: base }), token: () => tokens[who] ?? null, downloadsDir: downloads });
      const refused = await proxy('ana').call('report:export', input);
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const offline = await new StoreProxy({ client: new StoreClient({ serverUrl: base }), token: () => null, downloadsDir: downloads }).call('report:export', input);
      expect(offline).toMatchObject({ ok: false, error: { code: 'unavailable' } });

      const saved = await proxy('sue').call('report:export', input);
      expect(saved.ok, JSON.stringify(saved)).toBe(true);
      const { path, fileName, rows } = (saved as { value: { path: string; fileName: string; rows: number } }).value;
      expect(rows).toBe(ANA_CALLS);
      expect(path).toBe(join(downloads, fileName));
      expect(readdirSync(downloads)).toEqual([fileName]);
      const [header, ...lines] = parseCsv(readFileSync(path, 'utf8'));
      expect(header).toEqual(['Call', 'Customer', 'CSR', 'Status', 'Started (UTC)', 'Talk time', 'Hold time', 'Wrap-up time', 'Disposition', 'Satisfaction (1–5)', 'Customer name', 'Counts as']);
      expect(lines).toHaveLength(ANA_CALLS);

      const drill: DrillDownPage['rows'] = [];
      for (let page = 0; drill.length < ANA_CALLS; page++) {
        drill.push(...drillDown.parse((await post('sue', '/reports/drilldown', { ...input, page, pageSize: 200 })).json.value).rows);
      }
      expect(lines.map((l) => [l[0], Number(l[11])])).toEqual(drill.map((r) => [r.id, r.part]));
      expect(lines.map((l) => l[4])).toEqual(drill.map((r) => new Date(r.fields.startedAt as number).toISOString()));
      expect(lines.find((l) => l[8]!.includes('HYPERLINK'))![8]).toBe(`'=HYPERLINK("http://x")`);
      expect(lines[0]![10]).toBe('Zoë =Ångström'); // a sign inside a cell is left alone

      const audit = await queryRows<{ action: string; username: string; subject: string; detail: string }>(
        served.store,
        sql`SELECT action, username, subject, detail FROM audit_log WHERE action = 'export' ORDER BY seq`,
      );
      expect(audit).toEqual([
        { action: 'export', username: 'sue', subject: 'averageTalkTime', detail: `Exported ${ANA_CALLS} rows of “Average talk time” (2026-11-01 to 2026-11-30, csr ana, currency USD, csr = ana).` },
      ]);
      expect(audit[0]!.detail).not.toMatch(/Zoë|Ångström/);
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
