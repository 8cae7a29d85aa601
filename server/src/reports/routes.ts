/**
 * The supervisor metrics on the central store (issue 22), every number compiled from the metric
 * declarations (src-shared/domain/metrics.ts) and run by runMetricOnStore:
 *
 * - `POST /reports/dashboard` (metrics.own) `{ filter, compare }`: the `Dashboard`, its sums read
 *   from the rollup for the days it holds and from the rows for the others (rollup.ts: the same
 *   answer as from the rows alone, faster);
 * - `POST /reports/drilldown` (metrics.own) `{ filter, metricId, key, sort, page, pageSize }`: one
 *   page of the rows behind a number (`DrillDownPage`);
 * - `POST /reports/export` (data.export) `{ filter, metricId, key }`: every row behind a number as
 *   CSV (src-shared/reports/csv.ts), the drill-down's rows in its default order, streamed: on
 *   PostgreSQL by `COPY … TO STDOUT`, the database writing the lines byte for byte as the app's
 *   writer (export-copy.ts), on PGlite from a server-side cursor a page at a time; memory stays
 *   bounded whatever the period; each export is recorded in the audit log with its filter and row
 *   count (no customer data).
 *
 * Who sees what is the shared rule (src-shared/reports/scope.ts), asked with the caller's role and
 * their teams from user_teams: a CSR only themselves, a supervisor their teams, an admin all; a
 * CSR or team outside that is 403 `forbidden`.
 */
import { inArray, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { dashboardInput, drillDownInput, exportInput, type ReportFilter } from '../../../src-shared/contracts/reports';
import type { SessionUser, UserRole } from '../../../src-shared/contracts/server-auth';
import { compileMetricRowsSql, readDrillDownRows } from '../../../src-shared/domain/metric-sql';
import { buildDashboardAsync } from '../../../src-shared/reports/dashboard';
import { buildDrillDownAsync, drillScopeFilter, metricById, planDrillDown } from '../../../src-shared/reports/drilldown';
import { exportFileName, exportHeader, exportLineWriter } from '../../../src-shared/reports/csv';
import { FACTS } from '../../../src-shared/domain/metrics';
import { resolveReportScope, type ResolvedScope, type RosterMember } from '../../../src-shared/reports/scope';
import { recordAudit } from '../audit/audit';
import { copyCsvOut, CrlfRecords } from '../db/copy-out';
import { exportCopySql } from './export-copy';
import { workstationName } from '../auth/workstations';
import type { StoreDb } from '../db/connect';
import { customers } from '../db/schema';
import { HttpError, parseBody } from '../http/errors';
import type { StoreTx } from '../sync/mutations/refusal';
import { holdingDays, inReportSnapshot, rollupRunner, runMetricGroupWithRollup } from './rollup';
import { runMetricGroupOnStore, runMetricOnStore, runMetricRowsOnStore, toDrizzleSql, withoutJit } from './metrics';

/** Queries of one dashboard run at once on PostgreSQL (its pool has 10 connections; PGlite has one). */
export const REPORT_QUERY_CONCURRENCY = 4;

/** Rows fetched from the export's cursor at a time. */
export const EXPORT_FETCH_ROWS = 5000;

async function rowsOf(db: StoreDb | StoreTx, query: ReturnType<typeof sql>): Promise<Record<string, unknown>[]> {
  return ((await db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;
}

/** Every active user with their teams' names. */
export async function storeRoster(db: StoreDb): Promise<RosterMember[]> {
  const rows = await rowsOf(
    db,
    sql`SELECT u.username, u.display_name AS "displayName", u.role,
               coalesce(array_agg(t.name ORDER BY t.name) FILTER (WHERE t.name IS NOT NULL), '{}') AS teams
          FROM users u LEFT JOIN user_teams ut ON ut.user_id = u.id LEFT JOIN teams t ON t.id = ut.team_id
         WHERE u.active GROUP BY u.id ORDER BY u.username`,
  );
  return rows.map((r) => ({ username: String(r.username), displayName: String(r.displayName), role: r.role as UserRole, teams: (r.teams as string[] | null) ?? [] }));
}

async function scopeFor(db: StoreDb, caller: SessionUser, filter: ReportFilter): Promise<ResolvedScope> {
  const roster = await storeRoster(db);
  const teams = roster.find((m) => m.username === caller.username)?.teams ?? [];
  return resolveReportScope({ role: caller.role, username: caller.username, teams }, roster, filter);
}

export async function storeCustomerNames(db: StoreDb | StoreTx, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (ids.length === 0) return out;
  const rows = await db.select({ id: customers.id, firstName: customers.firstName, lastName: customers.lastName }).from(customers).where(inArray(customers.id, [...ids]));
  for (const r of rows) out.set(r.id, `${r.firstName} ${r.lastName}`.trim());
  return out;
}

const callerOf = (request: FastifyRequest): SessionUser => {
  const caller = request.auth?.user;
  if (!caller) throw new HttpError('unauthenticated', 'Sign in first.');
  return caller;
};

/** The export's filter in words for the audit log: the period, the scope and the number; never a customer. */
function exportDetail(metricLabel: string, filter: ReportFilter, key: Record<string, string | null>, rows: number, complete: boolean): string {
  const parts = [`${filter.from} to ${filter.to}`];
  for (const f of ['team', 'csr', 'channel', 'campaign', 'currency'] as const) if (filter[f] !== undefined) parts.push(`${f} ${filter[f]}`);
  for (const [d, v] of Object.entries(key)) parts.push(`${d} = ${v ?? '(none)'}`);
  return `${complete ? 'Exported' : 'Export interrupted after'} ${rows} rows of “${metricLabel}” (${parts.join(', ')}).`;
}

export function registerReportRoutes(app: FastifyInstance): void {
  app.post('/reports/dashboard', async (request) => {
    const input = parseBody(dashboardInput, request.body);
    const resolved = await scopeFor(app.store.db, callerOf(request), input.filter);
    const req = { resolved, compare: input.compare, source: 'store' as const, asOf: new Date(app.clock()).toISOString() };
    const { from, to } = resolved.filter;
    // The rollup holds days of the period (rollup.ts): each query its sums from the rollup and the
    // rest of its days from the rows. Every team (no team or CSR chosen) on PostgreSQL: each query in
    // a snapshot of its own, four at once (measured on every team's year: 1.0–1.3 s four at once,
    // 2.3–2.9 s one after another); a team or a CSR, and PGlite (one connection): the whole dashboard
    // in one snapshot, its small queries one after another (fewer statements: a team's month 0.6
    // yardsticks against 1.1 four at once). It holds none (a store whose rollup is not built yet):
    // every query from the rows, several at once.
    const wide = resolved.filter.team === undefined && resolved.filter.csr === undefined;
    const value =
      (await holdingDays(app.store.db, from, to)).size > 0
        ? app.store.kind === 'postgres' && wide
          ? await buildDashboardAsync(
              req,
              (metrics, query) => inReportSnapshot(app.store.db, app.store.kind, (db) => runMetricGroupWithRollup(db, metrics, query)),
              REPORT_QUERY_CONCURRENCY,
            )
          : await inReportSnapshot(app.store.db, app.store.kind, (db) => buildDashboardAsync(req, rollupRunner(db), 1))
        : await buildDashboardAsync(
            req,
            (metrics, query) => withoutJit(app.store.db, app.store.kind, (db) => runMetricGroupOnStore(db, metrics, query)),
            app.store.kind === 'postgres' ? REPORT_QUERY_CONCURRENCY : 1,
          );
    return { ok: true, value };
  });

  app.post('/reports/drilldown', async (request) => {
    const input = parseBody(drillDownInput, request.body);
    const { filter } = await scopeFor(app.store.db, callerOf(request), drillScopeFilter(input));
    const value = await buildDrillDownAsync(input, filter, {
      metric: (metric, query) => withoutJit(app.store.db, app.store.kind, (db) => runMetricOnStore(db, metric, query)),
      rows: (metric, query, drill) => withoutJit(app.store.db, app.store.kind, (db) => runMetricRowsOnStore(db, metric, query, drill)),
      customerNames: (ids) => storeCustomerNames(app.store.db, ids),
    });
    return { ok: true, value };
  });

  app.post('/reports/export', async (request, reply) => {
    const input = parseBody(exportInput, request.body);
    const caller = callerOf(request);
    const asDrill = { ...input, page: 0, pageSize: 1 };
    const { filter } = await scopeFor(app.store.db, caller, drillScopeFilter(asDrill));
    const metric = metricById(input.metricId);
    const { query, key } = planDrillDown(metric, filter, asDrill);
    // Every row, in the drill-down's default order (no limit worth the name, no offset).
    const compiled = compileMetricRowsSql(metric, query, { key, limit: Number.MAX_SAFE_INTEGER }, 'postgres');
    const fileName = exportFileName(metric, filter.from, filter.to, app.clock());
    const hasCustomer = Object.prototype.hasOwnProperty.call(FACTS[metric.fact].fields, 'customerId');
    const line = exportLineWriter(metric);
    const where = { workstationId: request.auth?.workstationId ?? null, workstationName: request.auth?.workstationId ? await workstationName(app.store.db, request.auth.workstationId) : null };

    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    let gone = false;
    out.once('close', () => (gone = true));
    const write = async (chunk: string) => {
      if (gone) throw new Error('The client went away.');
      if (out.write(chunk)) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          out.off('drain', done);
          out.off('close', done);
          resolve();
        };
        out.on('drain', done);
        out.on('close', done);
      });
    };
    let rows = 0;
    let complete = false;
    let audited = false;
    const audit = async () => {
      audited = true;
      await recordAudit(app.store.db, {
        at: app.clock(),
        action: 'export',
        userId: caller.id,
        username: caller.username,
        ...where,
        subject: metric.id,
        detail: exportDetail(metric.label, filter, key, rows, complete),
      }).catch((e: unknown) => request.log.error({ err: e }, 'recording an export in the audit log failed'));
    };
    try {
      await write(`\uFEFF${exportHeader(metric)}`);
      const copy = app.store.kind === 'postgres' && app.store.pool ? await exportCopySql(app.store.pool, metric, query, key, hasCustomer) : null;
      if (copy && app.store.pool) {
        // PostgreSQL formats the lines itself (COPY … TO STDOUT), byte for byte as exportLineWriter does.
        const counter = new CrlfRecords();
        try {
          await copyCsvOut(app.store.pool, copy, out, { setup: ['SET LOCAL jit = off'], end: false, counter });
        } finally {
          rows = counter.records;
        }
      } else {
        await app.store.db.transaction(async (tx) => {
          await tx.execute(sql`SET TRANSACTION READ ONLY`);
          if (app.store.kind === 'postgres') await tx.execute(sql`SET LOCAL jit = off`);
          // The customer's name joined in the cursor's query (one lookup per row in the database, not a query per page), the order kept.
          const withNames = hasCustomer
            ? sql.join([
                sql.raw('SELECT e.*, c.first_name || \' \' || c.last_name AS "customerName" FROM ('),
                toDrizzleSql(compiled),
                sql.raw(`) e LEFT JOIN customers c ON c.id = e."customerId" ORDER BY e."${metric.time}", e."id"`),
              ])
            : toDrizzleSql(compiled);
          await tx.execute(sql.join([sql.raw('DECLARE report_export NO SCROLL CURSOR FOR '), withNames]));
          for (;;) {
            const raw = await rowsOf(tx, sql.raw(`FETCH ${EXPORT_FETCH_ROWS} FROM report_export`));
            if (raw.length === 0) break;
            const page = readDrillDownRows(metric, raw);
            let chunk = '';
            for (let i = 0; i < page.length; i++) chunk += line(page[i]!, (raw[i]!.customerName as string | null | undefined) ?? null);
            await write(chunk);
            rows += page.length;
            if (raw.length < EXPORT_FETCH_ROWS) break;
          }
          await tx.execute(sql`CLOSE report_export`);
        });
      }
      complete = true;
      // Recorded before the file ends: a client holding the whole file finds the entry.
      await audit();
      out.end();
    } catch (e) {
      if (!gone) request.log.error({ err: e }, 'report export failed mid-stream');
      // Headers are gone: cutting the connection is how the client learns the file is incomplete.
      out.destroy();
    } finally {
      if (!audited) await audit();
    }
  });
}


