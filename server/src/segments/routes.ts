/**
 * Audience segments on the central store (issue 22):
 *
 * - `POST /segments/preview` (metrics.team) `{ definition }` → its size and value per currency.
 * - `GET /segments` (metrics.team) → the saved segments, each with its size now.
 * - `POST /segments` (metrics.team) `{ name, definition }` → saved (created_by = the caller); a
 *   name already taken (any case) is a conflict.
 * - `DELETE /segments/:id` (metrics.team): only the segment's owner (created_by) or an admin;
 *   anyone else is forbidden (403) and nothing changes. Audited (`segment_deleted`) with the
 *   segment's name and id, in the same transaction as the delete.
 * - `POST /segments/:id/export` (data.export) `{ channel }` → CSV (id, first name, last name, the
 *   contact for the channel), streamed in pages of customer ids inside one repeatable-read
 *   transaction, so the counts — sent first, in the response headers EXPORT_HEADERS, and written
 *   to the audit log with the definition — are the rows that follow. Customers without consent for
 *   the channel, or without a contact on it, are left out and counted. Neither the audit entry
 *   nor the log carries any customer's data.
 */
import { PassThrough } from 'node:stream';
import { once } from 'node:events';
import { asc, eq, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { EXPORT_HEADERS, segmentExportBody, segmentSaveChannel, segmentPreviewChannel, type SavedSegment } from '../../../src-shared/contracts/segments';
import { segmentDefinition, type SegmentDefinition } from '../../../src-shared/domain/segment';
import { recordAudit } from '../audit/audit';
import { workstationName } from '../auth/workstations';
import { segments, users } from '../db/schema';
import { HttpError, parseBody } from '../http/errors';
import { exportCounts, exportPage, segmentSize } from './segment-sql';

const idParam = z.object({ id: z.uuid({ message: 'Not a segment id.' }) });
const noQuery = z.object({}).strict();
/** Rows per page of the export: each page is one query. */
export const EXPORT_PAGE = 5_000;

/** A CSV field: quoted when it needs to be, and a leading formula character defused (CSV injection). */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function parseDefinition(json: string): SegmentDefinition {
  return segmentDefinition.parse(JSON.parse(json));
}

export function registerSegmentRoutes(app: FastifyInstance): void {
  const caller = (request: FastifyRequest) => {
    const user = request.auth?.user;
    if (!user) throw new HttpError('unauthenticated', 'Sign in first.');
    return user;
  };

  app.post('/segments/preview', async (request) => {
    const { definition } = parseBody(segmentPreviewChannel.input, request.body);
    return { ok: true, value: await segmentSize(app.store.db, definition) };
  });

  app.get('/segments', async (request) => {
    parseBody(noQuery, request.query ?? {});
    const saved = await app.store.db
      .select({ id: segments.id, name: segments.name, definition: segments.definition, createdBy: users.username, createdAt: segments.createdAt })
      .from(segments)
      .innerJoin(users, eq(users.id, segments.createdBy))
      .orderBy(asc(sql`lower(${segments.name})`));
    const value: { segments: SavedSegment[] } = { segments: [] };
    for (const s of saved) {
      const definition = parseDefinition(s.definition);
      value.segments.push({ id: s.id, name: s.name, definition, createdBy: s.createdBy, createdAt: new Date(Number(s.createdAt)).toISOString(), size: await segmentSize(app.store.db, definition) });
    }
    return { ok: true, value };
  });

  app.post('/segments', async (request) => {
    const { name, definition } = parseBody(segmentSaveChannel.input, request.body);
    const user = caller(request);
    const now = app.clock();
    const [row] = await app.store.db
      .insert(segments)
      .values({ name, definition: JSON.stringify(definition), createdBy: user.id, createdAt: now })
      .onConflictDoNothing()
      .returning({ id: segments.id });
    if (!row) throw new HttpError('conflict', `A segment is already called “${name}”: choose another name.`, 'name');
    const value: SavedSegment = { id: row.id, name, definition, createdBy: user.username, createdAt: new Date(now).toISOString(), size: await segmentSize(app.store.db, definition) };
    return { ok: true, value };
  });

  app.delete('/segments/:id', async (request) => {
    const { id } = parseBody(idParam, request.params);
    const user = caller(request);
    const workstationId = request.auth?.workstationId ?? null;
    const where = { workstationId, workstationName: workstationId ? await workstationName(app.store.db, workstationId) : null };
    await app.store.db.transaction(async (tx) => {
      // Locked: a second delete of the same segment waits, then finds it gone (404), and audits nothing.
      const [saved] = await tx.select({ id: segments.id, name: segments.name, createdBy: segments.createdBy }).from(segments).where(eq(segments.id, id)).for('update');
      if (!saved) throw new HttpError('not_found', 'No saved segment has this id (deleted already?).', 'id');
      if (user.role !== 'admin' && saved.createdBy !== user.id) throw new HttpError('forbidden', 'Only the supervisor who saved this segment, or an admin, may delete it.');
      await tx.delete(segments).where(eq(segments.id, id));
      await recordAudit(tx, {
        at: app.clock(),
        action: 'segment_deleted',
        userId: user.id,
        username: user.username,
        ...where,
        subject: saved.id,
        detail: `Segment “${saved.name}” (${saved.id}) deleted.`,
      });
    });
    return { ok: true, value: { id } };
  });

  app.post('/segments/:id/export', async (request, reply) => {
    const { id } = parseBody(idParam, request.params);
    const { channel } = parseBody(segmentExportBody, request.body ?? {});
    const user = caller(request);
    const [saved] = await app.store.db.select().from(segments).where(eq(segments.id, id));
    if (!saved) throw new HttpError('not_found', 'No saved segment has this id (deleted already?).', 'id');
    const definition = parseDefinition(saved.definition);
    const workstationId = request.auth?.workstationId ?? null;
    const where = { workstationId, workstationName: workstationId ? await workstationName(app.store.db, workstationId) : null };

    const out = new PassThrough();
    let countsKnown!: (c: Awaited<ReturnType<typeof exportCounts>>) => void;
    let countsFailed!: (e: unknown) => void;
    const counted = new Promise<Awaited<ReturnType<typeof exportCounts>>>((resolve, reject) => {
      countsKnown = resolve;
      countsFailed = reject;
    });
    let started = false;
    // One snapshot for the counts, the audit entry and every page: what the headers say is what follows.
    void app.store.db
      .transaction(
        async (tx) => {
          const counts = await exportCounts(tx, definition, channel);
          await recordAudit(tx, {
            at: app.clock(),
            action: 'export',
            userId: user.id,
            username: user.username,
            ...where,
            subject: saved.id,
            detail: `Segment “${saved.name}” exported for ${channel}: ${counts.rows} rows, ${counts.leftOut} left out for no consent, ${counts.noContact} without ${channel === 'email' ? 'an e-mail address' : channel === 'sms' ? 'a mobile number' : 'a phone number'}. Definition: ${saved.definition}`,
          });
          countsKnown(counts);
          started = true;
          out.write('id,first_name,last_name,contact\r\n');
          let after: string | null = null;
          let written = 0;
          for (;;) {
            const page = await exportPage(tx, definition, channel, after, EXPORT_PAGE);
            if (page.length === 0) break;
            const chunk = page.map((r) => `${r.id},${csvField(r.first_name)},${csvField(r.last_name)},${csvField(r.contact)}\r\n`).join('');
            written += page.length;
            after = page.at(-1)!.id;
            if (out.destroyed) return; // the client went away: the entry stays (it was asked for)
            if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
            if (page.length < EXPORT_PAGE) break;
          }
          if (written !== counts.rows) request.log.error({ written, counted: counts.rows }, 'segment export wrote another number of rows than it counted');
        },
        { isolationLevel: 'repeatable read', accessMode: 'read write' },
      )
      // The file ends only once the transaction (and its audit entry) has committed: a client that
      // has the whole file finds the entry (ended inside it, a reader could be faster than the COMMIT).
      .then(() => {
        if (!out.destroyed) out.end();
      })
      .catch((e: unknown) => {
        if (!started) countsFailed(e);
        else {
          request.log.error({ err: e }, 'segment export failed after it started');
          out.destroy(e instanceof Error ? e : new Error('export failed'));
        }
      });
    const counts = await counted;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="segment-${saved.id}-${channel}.csv"`)
      .header(EXPORT_HEADERS.rows, String(counts.rows))
      .header(EXPORT_HEADERS.leftOut, String(counts.leftOut))
      .header(EXPORT_HEADERS.noContact, String(counts.noContact))
      .header('cache-control', 'no-store')
      .send(out);
  });
}
