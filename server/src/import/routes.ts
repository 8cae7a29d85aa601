/**
 * POST /import/customers, /import/products, /import/campaigns (data.import: admins) — the admin screen's import (issue 23). The body is
 * the file itself, streamed (text/csv, or application/json / application/x-ndjson for JSON), read
 * as it arrives and never held whole; at most IMPORT_BODY_LIMIT bytes. Query: `source` (default
 * "import"), `region` (where national numbers are read when a row has no country; default US),
 * `dryRun=1` (check everything, write nothing).
 *
 * Answers the report: counts, the refused rows' problems (line, column, value, reason; at most
 * REFUSED_LISTED of them, `refusedTruncated` says when there were more) and the error file as
 * text when it is at most ERROR_FILE_LIMIT characters (else null, `errorFileTooLarge`: the CLI
 * writes any size). The audit log records the import with its counts only, never row contents.
 */
import { PassThrough, Transform, type Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { text } from '../../../src-shared/contracts/text';
import { isPhoneCountry } from '../../../src-shared/domain/phone';
import { recordAudit } from '../audit/audit';
import { workstationName } from '../auth/workstations';
import { HttpError, parseBody } from '../http/errors';
import { ImportColumnsError, SOURCE_PATTERN, type ImportProgress, type ImportReport } from './customers';
import { ImportFileError, type ImportFormat } from './read-records';
import { IMPORTABLE_KINDS, runImport, type ImportKindName } from './run';

export const IMPORT_BODY_LIMIT = 1024 * 1024 * 1024;
export const REFUSED_LISTED = 1_000;
export const ERROR_FILE_LIMIT = 20 * 1024 * 1024;

const importQuery = z
  .object({
    source: text().regex(SOURCE_PATTERN, { message: 'A short name of lower-case letters, digits, ".", "_" or "-", e.g. shop.' }).default('import'),
    region: text()
      .transform((v) => v.toUpperCase())
      .refine(isPhoneCountry, { message: 'A two-letter country code, e.g. US or GB.' })
      .default('US'),
    dryRun: z.enum(['0', '1', 'true', 'false']).default('0'),
    /** `1`: answer NDJSON — a `{"progress":{…counts}}` line after each batch, then `{"ok":true,"value":…}` (or `{"ok":false,"error":…}`). */
    progress: z.enum(['0', '1']).default('0'),
  })
  .strict();

export interface ImportAnswer extends ImportReport {
  /** The error file (the refused rows as they were, with `_errors`), or null when none or too large. */
  errorFile: string | null;
  errorFileTooLarge: boolean;
}

const FORMATS: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/json': 'json',
  'application/x-ndjson': 'json',
  'application/jsonl': 'json',
};

/** Counts the bytes through; past `limit` the stream fails with an `invalid_input` error. */
function limited(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > limit) done(new HttpError('invalid_input', `The file is larger than ${Math.round(limit / 2 ** 20)} MB: import it in parts, or with the CLI (npm run import).`));
      else done(null, chunk);
    },
  });
}

export function registerImportRoutes(app: FastifyInstance): void {
  void app.register(async (scope) => {
    // The body is the file: handed over as a stream, unparsed (the import reads it as it arrives).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(Object.keys(FORMATS), (_request, payload, done) => done(null, payload));

    for (const kind of IMPORTABLE_KINDS) registerKind(kind);
    function registerKind(kind: ImportKindName): void {
    const noun = kind.slice(0, -1);
    scope.post(`/import/${kind}`, async (request, reply) => {
      const query = parseBody(importQuery, request.query);
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const format = FORMATS[type];
      if (!format) throw new HttpError('invalid_input', 'Send the file as text/csv or application/json.');
      const caller = request.auth?.user;
      if (!caller) throw new HttpError('unauthenticated', 'Sign in first.');
      const dryRun = query.dryRun === '1' || query.dryRun === 'true';
      const body = request.body as Readable | undefined;
      if (!body || typeof (body as Readable).pipe !== 'function') throw new HttpError('invalid_input', 'The file is empty.');
      const input = body.pipe(limited(IMPORT_BODY_LIMIT));
      body.on('error', (e) => input.destroy(e));

      const run = async (onProgress?: (counts: ImportProgress) => void): Promise<ImportAnswer> => {
        let errorFile = '';
        let errorFileTooLarge = false;
        let report: ImportReport;
        try {
          report = await runImport(app.store, input, {
            kind,
            format,
            source: query.source,
            defaultRegion: query.region as never,
            dryRun,
            agentId: caller.username,
            clock: app.clock,
            refusedListed: REFUSED_LISTED,
            errorFile: (chunk) => {
              if (errorFileTooLarge) return;
              if (errorFile.length + chunk.length > ERROR_FILE_LIMIT) {
                errorFileTooLarge = true;
                errorFile = '';
              } else errorFile += chunk;
            },
            onProgress: (counts) => {
              // Workstations online hear of each committed batch at once.
              if (!dryRun) app.changeFeed.poke();
              onProgress?.(counts);
            },
          });
        } catch (e) {
          if (e instanceof ImportColumnsError || e instanceof ImportFileError) throw new HttpError('invalid_input', e.message);
          throw e;
        }
        const workstationId = request.auth?.workstationId ?? null;
        await recordAudit(app.store.db, {
          at: app.clock(),
          action: 'data_imported',
          userId: caller.id,
          username: caller.username,
          workstationId,
          workstationName: workstationId ? await workstationName(app.store.db, workstationId) : null,
          subject: `${kind}:${query.source}`,
          detail: `${caller.username} ${dryRun ? 'checked (dry run, nothing written)' : 'imported'} a ${noun} file from "${query.source}": ${report.rowsRead} rows read, ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.refused} refused.`,
        });
        return { ...report, errorFile: errorFileTooLarge || errorFile === '' ? null : errorFile, errorFileTooLarge };
      };

      if (query.progress !== '1') return { ok: true, value: await run() };
      // Progress as it goes (the admin screen's progress bar): NDJSON, the report on the last line.
      const out = new PassThrough();
      void reply.type('application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(out);
      void run((counts) => {
        const { rowsRead, created, updated, unchanged, refused } = counts;
        out.write(`${JSON.stringify({ progress: { rowsRead, created, updated, unchanged, refused } })}\n`);
      }).then(
        (value) => out.end(`${JSON.stringify({ ok: true, value })}\n`),
        (e: unknown) => {
          const error = e instanceof HttpError ? { code: e.code, message: e.message } : { code: 'internal', message: 'The import stopped on an error in the central store; rows written before it stay, and importing the same file again completes it.' };
          // Not the error itself: a failed query's message carries its parameters, the file's rows.
          if (!(e instanceof HttpError)) request.log.error({ error: (e as Error).name, code: (e as { code?: unknown }).code ?? (e as { cause?: { code?: unknown } }).cause?.code }, 'import failed');
          out.end(`${JSON.stringify({ ok: false, error })}\n`);
        },
      );
      return reply;
    });
    }
  });
}
