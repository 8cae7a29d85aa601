/**
 * Saves an export the store streams (POST /reports/export, CSV) into a file in the user's Downloads
 * folder, a chunk at a time (the file is never held in memory): written to a hidden `.part` file
 * first and renamed once the last byte is in, so a cut connection never leaves a file that looks
 * complete. The rows are counted as they pass (CSV records: line ends outside quotes, the header
 * line not counted).
 */
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { once } from 'node:events';
import { homedir } from 'node:os';

/** Where exports go when the host names no folder: ~/Downloads. */
export const defaultDownloadsDir = (): string => join(homedir(), 'Downloads');

/** Counts CSV records across chunks: a line end outside quotes ends one. */
export class CsvRecordCounter {
  private inQuotes = false;
  records = 0;
  push(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 34 /* " */) this.inQuotes = !this.inQuotes;
      else if (c === 10 /* \n */ && !this.inQuotes) this.records++;
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A name not taken in `dir`: `name.csv`, else `name (2).csv`… */
async function freeName(dir: string, fileName: string): Promise<string> {
  const dot = fileName.lastIndexOf('.');
  const stem = dot > 0 ? fileName.slice(0, dot) : fileName;
  const ext = dot > 0 ? fileName.slice(dot) : '';
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? fileName : `${stem} (${n})${ext}`;
    if (!(await exists(join(dir, candidate)))) return candidate;
  }
}

/** The file name the store proposed (Content-Disposition), reduced to a plain name; `fallback` otherwise. */
export function proposedFileName(contentDisposition: string | null, fallback: string): string {
  const m = /filename="([^"]+)"/.exec(contentDisposition ?? '');
  const name = m ? basename(m[1]!) : '';
  return /^[A-Za-z0-9._-]{1,200}\.csv$/.test(name) ? name : fallback;
}

export interface SavedExport {
  path: string;
  fileName: string;
  rows: number;
}

/** A plain `.zip` name the store proposed, else `fallback`. */
export function proposedZipName(contentDisposition: string | null, fallback: string): string {
  const m = /filename="([^"]+)"/.exec(contentDisposition ?? '');
  const name = m ? basename(m[1]!) : '';
  return /^[A-Za-z0-9._-]{1,200}\.zip$/.test(name) ? name : fallback;
}

/**
 * Streams `body` into a hidden `.part` file in `dir`, then renames it to a free name made from
 * `fileName`; `onChunk` sees each chunk as it passes. The file is opened before the first read and
 * closed before it is removed, so a stream that breaks at once still leaves nothing behind (a
 * write stream opened lazily could create the file after the removal).
 */
async function streamToFile(body: ReadableStream<Uint8Array>, dir: string, fileName: string, onChunk: (chunk: Uint8Array) => void): Promise<{ path: string; fileName: string }> {
  await mkdir(dir, { recursive: true });
  const name = await freeName(dir, fileName);
  const part = join(dir, `.${name}.part`);
  const handle = await open(part, 'wx');
  const out = handle.createWriteStream();
  try {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onChunk(value);
      if (!out.write(value)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    if (!out.closed) await once(out, 'close');
    const path = join(dir, name);
    await rename(part, path);
    return { path, fileName: name };
  } catch (e) {
    if (!out.closed) {
      const closed = once(out, 'close').catch(() => undefined);
      out.destroy();
      await closed;
    }
    await rm(part, { force: true });
    throw e;
  }
}

/**
 * Streams a binary download (the full export's ZIP archive) into `dir/fileName` (a free name), as
 * saveExportFile does: a hidden `.part` file renamed once the last byte is in, removed when the
 * stream breaks. `onBytes` hears the bytes written so far.
 */
export async function saveDownloadFile(body: ReadableStream<Uint8Array>, dir: string, fileName: string, onBytes?: (bytes: number) => void): Promise<{ path: string; fileName: string; bytes: number }> {
  let bytes = 0;
  const saved = await streamToFile(body, dir, fileName, (chunk) => {
    bytes += chunk.byteLength;
    onBytes?.(bytes);
  });
  return { ...saved, bytes };
}

/** Streams `body` into `dir/fileName` (a free name), counting its records. Throws when the stream breaks (the partial file removed). */
export async function saveExportFile(body: ReadableStream<Uint8Array>, dir: string, fileName: string): Promise<SavedExport> {
  const counter = new CsvRecordCounter();
  const decoder = new TextDecoder();
  const saved = await streamToFile(body, dir, fileName, (chunk) => counter.push(decoder.decode(chunk, { stream: true })));
  return { ...saved, rows: Math.max(0, counter.records - 1) };
}
