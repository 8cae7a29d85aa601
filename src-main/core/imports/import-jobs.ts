/**
 * The admin screen's imports (issue 23), kept by the core: the renderer hands the file over in
 * chunks (import:chunk), spooled to a temporary file so nothing holds it whole; import:run streams
 * that file to the store's POST /import/:kind?progress=1 and reads the store's NDJSON answer
 * (progress lines while it imports, then the report) into the job, which import:status reports.
 * The error file (at most the store's 20 MB) is kept with the job until import:save-errors writes it
 * into the Downloads folder. A job is forgotten an hour after it ended; at most a few are kept.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fail, ok, type Result } from '../../../src-shared/result';
import type { ImportBeginInput, ImportKind, ImportReportView, ImportStatus } from '../../../src-shared/contracts/imports';
import { IMPORT_CHUNK_BYTES } from '../../../src-shared/contracts/imports';

interface Job {
  id: string;
  kind: ImportKind;
  dryRun: boolean;
  fileName: string;
  format: 'csv' | 'json';
  size: number;
  spool: string;
  handle: FileHandle | null;
  received: number;
  state: ImportStatus['state'];
  bytesSent: number;
  startedAt: number;
  counts: ImportStatus['counts'];
  report: ImportReportView | null;
  errorFile: string | null;
  errorFileTooLarge: boolean;
  message: string | null;
  endedAt: number | null;
}

const KEEP_MS = 60 * 60 * 1000;
const MAX_JOBS = 8;

export interface ImportJobsOptions {
  serverUrl: string;
  token: () => string | null;
  downloadsDir: () => string;
  now?: () => number;
}

export class ImportJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly now: () => number;

  constructor(private readonly options: ImportJobsOptions) {
    this.now = options.now ?? Date.now;
  }

  async begin(input: Required<ImportBeginInput>): Promise<Result<{ importId: string }>> {
    await this.forgetOld();
    if ([...this.jobs.values()].some((j) => j.state === 'uploading' || j.state === 'running')) {
      return fail('conflict', 'An import is already under way on this workstation; wait for it to end.');
    }
    const id = randomUUID();
    const dir = join(tmpdir(), 'switchboard-imports');
    await mkdir(dir, { recursive: true });
    const spool = join(dir, `${id}.part`);
    const handle = await open(spool, 'wx', 0o600);
    this.jobs.set(id, {
      id,
      kind: input.kind,
      dryRun: input.dryRun,
      fileName: input.fileName,
      format: /\.csv$/i.test(input.fileName) ? 'csv' : 'json',
      size: input.size,
      spool,
      handle,
      received: 0,
      state: 'uploading',
      bytesSent: 0,
      startedAt: this.now(),
      counts: { rowsRead: 0, created: 0, updated: 0, unchanged: 0, refused: 0 },
      report: null,
      errorFile: null,
      errorFileTooLarge: false,
      message: null,
      endedAt: null,
    });
    return ok({ importId: id });
  }

  /** Appends a chunk at `offset`; a chunk sent again (same offset, already written) is taken once. */
  async chunk(input: { importId: string; offset: number; data: string }): Promise<Result<{ received: number }>> {
    const job = this.jobs.get(input.importId);
    if (!job) return fail('not_found', 'This import is not known here (it ended, or the app restarted); choose the file again.');
    if (job.state !== 'uploading' || !job.handle) return fail('conflict', 'This import has already started.');
    const bytes = Buffer.from(input.data, 'base64');
    if (bytes.length > IMPORT_CHUNK_BYTES) return fail('invalid_input', 'The chunk is too large.');
    if (input.offset + bytes.length <= job.received && input.offset < job.received) return ok({ received: job.received });
    if (input.offset !== job.received) return fail('invalid_input', `Expected the file from byte ${job.received}.`);
    if (job.received + bytes.length > job.size) return fail('invalid_input', 'The file is longer than announced.');
    await job.handle.write(bytes, 0, bytes.length, job.received);
    job.received += bytes.length;
    return ok({ received: job.received });
  }

  /** Starts streaming the spooled file to the store; answers at once (follow it with status). */
  async run(importId: string): Promise<Result<ImportStatus>> {
    const job = this.jobs.get(importId);
    if (!job) return fail('not_found', 'This import is not known here (it ended, or the app restarted); choose the file again.');
    if (job.state !== 'uploading' || !job.handle) return ok(this.view(job));
    if (job.received !== job.size) return fail('invalid_input', `Only ${job.received} of the file's ${job.size} bytes arrived; choose the file again.`);
    const token = this.options.token();
    if (!token) return fail('unavailable', 'Imports go to the central store: you signed in while it was unreachable. Once it is back, lock the screen and unlock it (or sign in again).');
    await job.handle.close();
    job.handle = null;
    job.state = 'running';
    job.startedAt = this.now();
    void this.send(job, token).catch((e: unknown) => this.failJob(job, `The import could not reach the central store, or the connection broke (${(e as Error).message}). Rows written before the break stay; importing the same file again completes it.`));
    return ok(this.view(job));
  }

  status(importId: string): Result<ImportStatus> {
    const job = this.jobs.get(importId);
    if (!job) return fail('not_found', 'This import is not known here (it ended, or the app restarted).');
    return ok(this.view(job));
  }

  /** Writes the error file into the Downloads folder under a free name: `<file>_errors.csv` (or .jsonl). */
  async saveErrors(importId: string): Promise<Result<{ path: string; fileName: string; rows: number }>> {
    const job = this.jobs.get(importId);
    if (!job) return fail('not_found', 'This import is not known here (it ended, or the app restarted).');
    if (job.errorFile === null) {
      return fail('not_found', job.errorFileTooLarge ? 'The error file is larger than 20 MB: import the file with the CLI (npm run import), which writes it whole.' : 'This import refused no row: there is no error file.');
    }
    const dir = this.options.downloadsDir();
    const stem = job.fileName.replace(/\.[^.]*$/, '').replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 120) || 'import';
    const ext = job.format === 'csv' ? '.csv' : '.jsonl';
    try {
      await mkdir(dir, { recursive: true });
      for (let n = 1; ; n++) {
        const fileName = `${stem}_errors${n === 1 ? '' : ` (${n})`}${ext}`;
        const path = join(dir, fileName);
        try {
          await writeFile(path, job.errorFile, { flag: 'wx' });
          return ok({ path, fileName, rows: job.report?.refused ?? 0 });
        } catch (e) {
          if ((e as { code?: string }).code !== 'EEXIST' || n > 999) throw e;
        }
      }
    } catch (e) {
      return fail('unavailable', `The error file could not be saved in ${dir} (${(e as { code?: string }).code ?? 'error'}).`);
    }
  }

  private view(job: Job): ImportStatus {
    const elapsed = this.now() - job.startedAt;
    const msLeft = job.state === 'running' && job.bytesSent > 0 && elapsed > 0 ? Math.max(0, Math.round((elapsed * (job.size - job.bytesSent)) / job.bytesSent)) : job.state === 'done' ? 0 : null;
    return {
      importId: job.id,
      state: job.state,
      bytesTotal: job.size,
      bytesSent: job.state === 'uploading' ? job.received : job.bytesSent,
      counts: { ...job.counts },
      msLeft,
      report: job.report,
      errorFile: job.errorFile !== null,
      errorFileTooLarge: job.errorFileTooLarge,
      message: job.message,
    };
  }

  private failJob(job: Job, message: string): void {
    if (job.state === 'done' || job.state === 'failed') return;
    job.state = 'failed';
    job.message = message;
    job.endedAt = this.now();
    void rm(job.spool, { force: true });
  }

  /** Streams the spool to the store and reads its NDJSON answer into the job. */
  private async send(job: Job, token: string): Promise<void> {
    const query = new URLSearchParams({ progress: '1', dryRun: job.dryRun ? '1' : '0' });
    const target = new URL(`${this.options.serverUrl}/import/${job.kind}?${query.toString()}`);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const size = (await stat(job.spool)).size;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = send(target, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': job.format === 'csv' ? 'text/csv' : 'application/json',
          'content-length': String(size),
          accept: 'application/x-ndjson, application/json',
        },
      });
      request.on('response', resolve);
      request.on('error', reject);
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          job.bytesSent += chunk.length;
          done(null, chunk);
        },
      });
      // The store may answer (a refusal) before it has read the whole file: that ends the upload.
      pipeline(createReadStream(job.spool), counter, request).catch(() => undefined);
    });
    response.setEncoding('utf8');
    let buffer = '';
    let final: { ok: boolean; value?: unknown; error?: { message?: string } } | null = null;
    const take = (line: string) => {
      if (line.trim() === '') return;
      const message = JSON.parse(line) as { progress?: ImportStatus['counts']; ok?: boolean; value?: unknown; error?: { message?: string } };
      if (message.progress) job.counts = { ...job.counts, ...message.progress };
      else if (typeof message.ok === 'boolean') final = message as typeof final;
    };
    for await (const chunk of response as AsyncIterable<string>) {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
        take(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    }
    take(buffer);
    const answer = final as { ok: boolean; value?: unknown; error?: { message?: string } } | null;
    if (!answer) return this.failJob(job, 'The central store ended the import without its report; look at the customers, then import the same file again (what is there already counts as unchanged).');
    if (!answer.ok) return this.failJob(job, answer.error?.message ?? 'The central store refused the import.');
    const value = answer.value as ImportReportView & { errorFile: string | null; errorFileTooLarge: boolean };
    const { errorFile, errorFileTooLarge, ...report } = value;
    job.report = report;
    job.counts = { rowsRead: report.rowsRead, created: report.created, updated: report.updated, unchanged: report.unchanged, refused: report.refused };
    job.errorFile = errorFile;
    job.errorFileTooLarge = errorFileTooLarge;
    job.bytesSent = job.size;
    job.state = 'done';
    job.endedAt = this.now();
    await rm(job.spool, { force: true });
  }

  private async forgetOld(): Promise<void> {
    const now = this.now();
    const ended = [...this.jobs.values()].filter((j) => j.endedAt !== null).sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
    for (const job of ended) {
      if (now - (job.endedAt ?? now) > KEEP_MS || this.jobs.size > MAX_JOBS) this.jobs.delete(job.id);
    }
    // An upload abandoned for an hour is dropped with its spool.
    for (const job of [...this.jobs.values()]) {
      if (job.state === 'uploading' && now - job.startedAt > KEEP_MS) {
        await job.handle?.close().catch(() => undefined);
        await rm(job.spool, { force: true });
        this.jobs.delete(job.id);
      }
    }
  }
}
