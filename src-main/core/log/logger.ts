/**
 * The desktop side's logger (issue 20; STYLE.md §13): pino, with levels, the thread on every line,
 * and no customer data or secrets.
 *
 * Every thread of the process has one root pino logger; `logger('core')` gives a module its child
 * (`module` on each line). Lines are JSON, as pino writes them, and go to this thread's
 * `LogFanout`, which hands each line to every destination whose level it reaches:
 * - the console (stderr, one readable line each; silent under vitest unless SWITCHBOARD_LOG_LEVEL
 *   is set, so tests neither spam nor litter);
 * - the rotating file (./log-file.ts), which the app adds at start (Electron: <userData>/logs;
 *   the browser host: beside its cache file);
 * - whatever a test adds (`addLogDestination`).
 *
 * Worker threads do not write files of their own: see ./worker-relay.ts for why and how their
 * lines reach the thread that does.
 *
 * The level is SWITCHBOARD_LOG_LEVEL (trace, debug, info, warn, error, fatal, silent), info by
 * default.
 */
import { isMainThread, threadId } from 'node:worker_threads';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { formatForConsole } from './console-line';
import { relayTarget, relayWorkerLines } from './worker-relay';

export type { Logger };
export type LevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export const LEVELS: Readonly<Record<LevelName, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };
export const LOG_LEVEL_ENV = 'SWITCHBOARD_LOG_LEVEL';

function isLevelName(value: string): value is LevelName {
  return Object.hasOwn(LEVELS, value);
}

/** The level SWITCHBOARD_LOG_LEVEL asks for; info when unset, or when it names no level. */
export function levelFrom(value: string | undefined): LevelName {
  const v = value?.trim().toLowerCase();
  return v && isLevelName(v) ? v : 'info';
}

/**
 * Keys whose values never reach a log line, at the top of a logged object and two levels down
 * (pino's paths have no "any depth"; an error's own fields sit one level down, under `err`). The
 * message text is not redacted: call sites build it from ids, counts and channel names only.
 * Customer fields (names, numbers, addresses, e-mail) and secrets (passwords, tokens, cookies),
 * plus the raw input of a call, which can hold any of them.
 */
export const REDACTED_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'passwordHash',
  'verifier',
  'token',
  'syncToken',
  'sessionToken',
  'accessToken',
  'refreshToken',
  'authorization',
  'cookie',
  'set-cookie',
  'secret',
  'credentials',
  'phone',
  'phoneE164',
  'e164',
  'from',
  'email',
  'name',
  'firstName',
  'lastName',
  'displayName',
  'fullName',
  'address',
  'street',
  'city',
  'postcode',
  'postalCode',
  'note',
  'body',
  'args',
  'input',
] as const;

const REDACT_PATHS = REDACTED_KEYS.flatMap((key) => {
  const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const dot = k.startsWith('[') ? '' : '.';
  return [k, `*${dot}${k}`, `*.*${dot}${k}`];
});

export const REDACT: NonNullable<LoggerOptions['redact']> = { paths: REDACT_PATHS, censor: '[redacted]' };

/** Where lines go: pino's destination interface, one JSON line per call. */
export interface LineStream {
  write(line: string): unknown;
  /** Writes out what it still buffers (the log file before the process exits). */
  flushSync?(): void;
}

interface Destination {
  stream: LineStream;
  minLevel: number;
}

const LEVEL_IN_LINE = /^\{"level":(\d+)/;

/** Hands each line to every destination whose level it reaches. */
export class LogFanout implements LineStream {
  private readonly destinations = new Set<Destination>();

  add(stream: LineStream, level: LevelName): () => void {
    const destination = { stream, minLevel: LEVELS[level] };
    this.destinations.add(destination);
    return () => void this.destinations.delete(destination);
  }

  flushSync(): void {
    for (const d of this.destinations) {
      try {
        d.stream.flushSync?.();
      } catch {
        // nothing more can be done
      }
    }
  }

  write(line: string): void {
    const level = Number(LEVEL_IN_LINE.exec(line)?.[1] ?? LEVELS.info);
    for (const d of this.destinations) {
      if (level < d.minLevel) continue;
      try {
        d.stream.write(line);
      } catch {
        // A destination that cannot write (a full disk) must not take the caller down with it.
      }
    }
  }
}

/** The options every root logger shares (tests build one on their own stream with these). */
export function loggerOptions(level: LevelName, thread: () => string): LoggerOptions {
  return {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: REDACT,
    mixin: () => ({ thread: thread() }),
  };
}

let threadName = isMainThread ? 'main' : `thread-${threadId}`;

/** What this thread is called on its log lines (worker-thread.ts's nameThisThread sets it for workers). */
export function setLogThread(name: string): void {
  threadName = name;
}

const fanout = new LogFanout();
const level = levelFrom(process.env[LOG_LEVEL_ENV]);
const root: Logger = pino(loggerOptions(level, () => threadName), fanout);

const relay = relayTarget();
if (relay) {
  // A worker of a thread that writes the log: every line goes there (see worker-relay.ts).
  fanout.add(relay, 'trace');
} else {
  // This thread writes the log: to the console now, to a file once the app names its folder, and
  // the lines of every worker thread it (or they) start.
  const quiet = process.env.VITEST !== undefined && process.env[LOG_LEVEL_ENV] === undefined;
  fanout.add({ write: (line: string) => process.stderr.write(formatForConsole(line)) }, quiet ? 'silent' : level);
  relayWorkerLines((line) => fanout.write(line));
}

/** The logger for one module of this thread: `logger('sync').warn({ table }, 'the pull starts over')`. */
export function logger(module: string): Logger {
  return root.child({ module });
}

/**
 * Adds a destination for this thread's lines (and, in a thread that writes the log, its workers'
 * lines) at `minLevel`; returns its removal. The log file and tests use it.
 */
export function addLogDestination(stream: LineStream, minLevel: LevelName = level): () => void {
  return fanout.add(stream, minLevel);
}

/** Writes out what the log file still buffers: before ending the process with exit(). */
export function flushLogs(): void {
  fanout.flushSync();
}

/** The level SWITCHBOARD_LOG_LEVEL set for this process. */
export function logLevel(): LevelName {
  return level;
}
