/**
 * `POST /admin/export` (data.export_all, admins only) `{}`: every table of the store (secrets left
 * out) as CSV in one ZIP archive, streamed (server/src/export/full-export.ts). Headers go first, so
 * a failure after them cuts the connection (the client learns the archive is incomplete: its ZIP
 * directory never arrives). Each export is recorded in the audit log: who, when, the tables and
 * their row counts, whether it completed; never a row's content.
 */
import type { FastifyInstance } from 'fastify';
import { fullExportRequest } from '../../../src-shared/contracts/admin';
import { recordAudit } from '../audit/audit';
import { workstationName } from '../auth/workstations';
import { HttpError, parseBody } from '../http/errors';
import { fullExportDetail, writeFullExport, type ExportedTable } from './full-export';

export function fullExportFileName(at: number): string {
  return `switchboard-full-export-${new Date(at).toISOString().replace(/[-:]/g, '').slice(0, 15)}.zip`;
}

export function registerFullExportRoutes(app: FastifyInstance): void {
  app.post('/admin/export', async (request, reply) => {
    parseBody(fullExportRequest, request.body ?? {});
    const caller = request.auth?.user;
    if (!caller) throw new HttpError('unauthenticated', 'Sign in first.');
    const workstationId = request.auth?.workstationId ?? null;
    const where = { workstationId, workstationName: workstationId ? await workstationName(app.store.db, workstationId) : null };
    const now = app.clock();

    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="${fullExportFileName(now)}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    let tables: ExportedTable[] = [];
    let rows = 0;
    let audited = false;
    const audit = async (complete: boolean) => {
      audited = true;
      await recordAudit(app.store.db, {
        at: app.clock(),
        action: 'export',
        userId: caller.id,
        username: caller.username,
        ...where,
        subject: 'full',
        detail: fullExportDetail({ tables, rows }, complete),
      }).catch((e: unknown) => request.log.error({ err: e }, 'recording a full export in the audit log failed'));
    };
    try {
      await writeFullExport(app.store, out, {
        now,
        onProgress: () => undefined,
        // Every table is written: the entry is committed before the archive ends, so a client
        // holding the whole file finds it.
        beforeEnd: async (summary) => {
          tables = summary.tables;
          rows = summary.rows;
          await audit(true);
        },
      });
    } catch (e) {
      if (!out.destroyed) request.log.error({ err: e }, 'full export failed mid-stream');
      out.destroy();
    } finally {
      if (!audited) await audit(false);
    }
  });
}
