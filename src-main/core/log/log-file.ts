/**
 * The log file support reads from a CSR's PC: <folder>/switchboard.<date>.<n>.log, pino's JSON
 * lines, a new file each day and whenever one reaches its size limit (pino-roll), the newest
 * `keep` files kept besides the current one. Electron puts it in <userData>/logs, the browser host
 * in a `logs` folder beside its cache file.
 *
 * Only the thread that writes the log opens it (see ./worker-relay.ts); nothing opens it unless
 * the app (or a test) calls `writeLogFile`, so tests leave no files behind.
 */
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pinoRoll from 'pino-roll';
import { addLogDestination, logLevel, type LevelName } from './logger';

export const LOG_FOLDER_NAME = 'logs';
const FILE_BASE = 'switchboard';

export interface LogFileOptions {
  /** Rotate when a file reaches this size ('10m', '200k'; a number is bytes). Default 10 MB. */
  size?: string | number;
  /** Older files kept besides the current one. Default 9 (ten files, at most ~100 MB). */
  keep?: number;
  /** Default: SWITCHBOARD_LOG_LEVEL's level. */
  level?: LevelName;
}

export interface LogFile {
  folder: string;
  /** The file being written now. */
  current(): string;
  /** Flushes and stops writing to the file (the app's other destinations go on). */
  close(): Promise<void>;
}

/**
 * Starts writing this thread's log lines (and its workers') to the rotating file in `folder`,
 * which is created if missing. Lines logged while the file opens are kept and written first.
 */
export async function writeLogFile(folder: string, options: LogFileOptions = {}): Promise<LogFile> {
  const pending: string[] = [];
  const removeBuffer = addLogDestination({ write: (line: string) => pending.push(line) }, options.level ?? logLevel());
  mkdirSync(folder, { recursive: true });
  let stream;
  try {
    stream = await pinoRoll({
      file: join(folder, FILE_BASE),
      extension: '.log',
      dateFormat: 'yyyy-MM-dd',
      frequency: 'daily',
      // pino-roll reads a bare number as megabytes; here it means bytes.
      size: typeof options.size === 'number' ? `${Math.max(1, Math.ceil(options.size / 1024))}k` : (options.size ?? '10m'),
      limit: { count: options.keep ?? 9, removeOtherLogFiles: true },
      mkdir: true,
    });
    // Opened when it says so; an error here (a folder we may not write) is the caller's to report.
    if ((stream as unknown as { file: string | null }).file === null) await once(stream, 'ready');
  } finally {
    removeBuffer();
  }
  // SonicBoom's `file` (the path it writes now) and `destroyed` are not in its typings.
  const file = stream as typeof stream & { file: string; destroyed: boolean };
  // A write error (a full disk, a folder removed under us) must not crash the app; the console
  // and the other destinations go on.
  file.on('error', () => undefined);
  for (const line of pending) file.write(line);
  const removeFile = addLogDestination(file, options.level ?? logLevel());
  // The stream writes asynchronously: what is still buffered when the process ends is flushed.
  const flushAtExit = () => {
    try {
      file.flushSync();
    } catch {
      // nothing more can be done at exit
    }
  };
  process.once('exit', flushAtExit);
  return {
    folder,
    current: () => file.file,
    close: () =>
      new Promise<void>((resolve) => {
        removeFile();
        process.off('exit', flushAtExit);
        if (file.destroyed) return resolve();
        file.once('close', () => resolve());
        file.end();
      }),
  };
}

/** The folder the log goes to for an app data folder (Electron's userData, the host's cache folder). */
export function logFolderIn(dataFolder: string): string {
  return join(dataFolder, LOG_FOLDER_NAME);
}
