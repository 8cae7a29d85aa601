/**
 * The admin screen's import (issue 23): the file goes from the renderer to the core in chunks
 * (`import:begin`, `import:chunk`; the core spools it to a temporary file, so neither the renderer
 * nor the core holds it whole), then `import:run` streams it to the store's POST /import/:kind,
 * whose answer is NDJSON progress lines and the report. The renderer follows the import with
 * `import:status` and saves the error file into Downloads with `import:save-errors`.
 * All are `store` channels needing `data.import` (admins).
 */
import { z } from 'zod';
import { channelGroup, defineChannel } from './define';
import { text } from './text';

/** What can be imported. */
export const IMPORT_KINDS = ['customers', 'products', 'campaigns', 'orders'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** Bytes of the file a chunk carries (base64 in the channel: under the browser host's 64 KB request limit). */
export const IMPORT_CHUNK_BYTES = 36_000;
/** The largest file the screen takes (the CLI takes any). */
export const IMPORT_SCREEN_MAX_BYTES = 1024 * 1024 * 1024;

const importId = text().uuid();

export const importBeginInput = z
  .object({
    kind: z.enum(IMPORT_KINDS),
    dryRun: z.boolean().default(false),
    /** The file's name: its extension says CSV (.csv) or JSON (.json, .jsonl, .ndjson). */
    fileName: text()
      .min(1)
      .max(255)
      .refine((n) => /\.(csv|json|jsonl|ndjson)$/i.test(n), { message: 'Choose a .csv or .json file.' }),
    size: z.number().int().min(1, 'The file is empty.').max(IMPORT_SCREEN_MAX_BYTES, 'The file is larger than 1 GB: import it with the CLI (npm run import).'),
  })
  .strict();
export type ImportBeginInput = z.input<typeof importBeginInput>;

export const importChunkInput = z
  .object({
    importId,
    /** Where the chunk starts in the file. */
    offset: z.number().int().nonnegative(),
    /** The chunk's bytes, base64. */
    data: text()
      .max(Math.ceil(IMPORT_CHUNK_BYTES / 3) * 4)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'Not base64.' }),
  })
  .strict();

const refusedEntry = z.object({ line: z.number().int(), column: text(), value: text(), reason: text() });

export const importReport = z.object({
  kind: z.enum(IMPORT_KINDS),
  source: text(),
  dryRun: z.boolean(),
  rowsRead: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  refused: z.number().int(),
  refusedRows: z.array(refusedEntry),
  refusedTruncated: z.boolean(),
  ignoredColumns: z.array(text()),
  ms: z.number(),
});
export type ImportReportView = z.infer<typeof importReport>;

export const importCounts = z.object({
  rowsRead: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  refused: z.number().int(),
});

export const importStatus = z.object({
  importId,
  state: z.enum(['uploading', 'running', 'done', 'failed']),
  /** The file's size, and how much of it the store has taken so far. */
  bytesTotal: z.number().int(),
  bytesSent: z.number().int(),
  counts: importCounts,
  /** Time left (ms) estimated from the bytes the store has read so far; null before it can be. */
  msLeft: z.number().nullable(),
  report: importReport.nullable(),
  /** Whether the import refused rows and the error file can be saved. */
  errorFile: z.boolean(),
  errorFileTooLarge: z.boolean(),
  /** Why the import failed (state `failed`). */
  message: text().nullable(),
});
export type ImportStatus = z.infer<typeof importStatus>;

export const importBegin = defineChannel({
  channel: 'import:begin',
  permission: 'data.import',
  access: 'store',
  input: importBeginInput,
  output: z.object({ importId }),
});

export const importChunk = defineChannel({
  channel: 'import:chunk',
  permission: 'data.import',
  access: 'store',
  input: importChunkInput,
  output: z.object({ received: z.number().int() }),
});

export const importRun = defineChannel({
  channel: 'import:run',
  permission: 'data.import',
  access: 'store',
  input: z.object({ importId }).strict(),
  output: importStatus,
});

export const importStatusChannel = defineChannel({
  channel: 'import:status',
  permission: 'data.import',
  access: 'store',
  input: z.object({ importId }).strict(),
  output: importStatus,
});

/** Saves the import's error file (the refused rows with `_errors`) into the Downloads folder. */
export const importSaveErrors = defineChannel({
  channel: 'import:save-errors',
  permission: 'data.import',
  access: 'store',
  input: z.object({ importId }).strict(),
  output: z.object({ path: text(), fileName: text(), rows: z.number().int() }),
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const importChannels = channelGroup(importBegin, importChunk, importRun, importStatusChannel, importSaveErrors);
