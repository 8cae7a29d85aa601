/**
 * A CSV the central store streams (a segment's export, issue 22), written to a file in the user's
 * Downloads folder as it arrives: never held whole in memory. The file is written under a
 * temporary name and renamed once complete, so a broken transfer leaves no half file that looks
 * finished. The store sends its counts in response headers before the first row.
 *
 * Written here because no streaming helper existed on main yet (report:export, by another branch,
 * may bring one; the two should then share it).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { failureFromBody, networkFailure, type StoreFailure } from '../sync/store-client';

export interface DownloadRequest {
  url: string;
  method: 'POST' | 'GET';
  token: string;
  body: unknown;
  folder: string;
  /** The file's name without extension; a number is added when it exists. */
  stem: string;
  timeoutMs?: number;
}

export type DownloadResult = { ok: true; path: string; headers: Headers } | { ok: false; failure: StoreFailure };

async function freeName(folder: string, stem: string): Promise<string> {
  for (let n = 0; ; n++) {
    const path = join(folder, n === 0 ? `${stem}.csv` : `${stem} (${n}).csv`);
    try {
      await stat(path);
    } catch {
      return path;
    }
  }
}

export async function downloadToFile(request: DownloadRequest): Promise<DownloadResult> {
  const abort = AbortSignal.timeout(request.timeoutMs ?? 10 * 60_000);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: { authorization: `Bearer ${request.token}`, accept: 'text/csv, application/json', ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: abort,
    });
  } catch (e) {
    return { ok: false, failure: networkFailure(e) };
  }
  if (response.status < 200 || response.status > 299 || !response.body) {
    return { ok: false, failure: failureFromBody(response.status, await response.text()) };
  }
  await mkdir(request.folder, { recursive: true });
  const path = await freeName(request.folder, request.stem);
  const partial = `${path}.part`;
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(partial, { flags: 'wx' }));
    await rename(partial, path);
  } catch (e) {
    await rm(partial, { force: true });
    return { ok: false, failure: { kind: 'transient', status: response.status, code: 'unavailable', message: `The export stopped before it was complete (${e instanceof Error ? e.message : String(e)}); nothing was kept. Try again.` } };
  }
  return { ok: true, path, headers: response.headers };
}
