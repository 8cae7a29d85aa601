/**
 * Captures what this process logs (src-main/core/log/logger.ts), as parsed records, for tests that
 * check something is said in the log. `stop()` removes the capture.
 */
import { addLogDestination, type LevelName } from '../../src-main/core/log/logger';

export interface LogRecord {
  level: number;
  msg: string;
  thread?: string;
  module?: string;
  err?: { message?: string; stack?: string; type?: string };
  [key: string]: unknown;
}

export interface CapturedLogs {
  records: LogRecord[];
  /** The messages, in order. */
  messages(): string[];
  stop(): void;
}

export function captureLogs(level: LevelName = 'trace'): CapturedLogs {
  const records: LogRecord[] = [];
  const stop = addLogDestination({ write: (line: string) => records.push(JSON.parse(line) as LogRecord) }, level);
  return { records, messages: () => records.map((r) => r.msg), stop };
}
