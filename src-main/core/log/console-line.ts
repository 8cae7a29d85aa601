/**
 * One log line as a person reads it in a terminal (the file keeps pino's JSON):
 * `12:04:05.123 WARN  sync/sync: the pull starts over {"tables":2}` and an error's stack below.
 */
const LABELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const SHOWN_ELSEWHERE = new Set(['level', 'time', 'pid', 'thread', 'module', 'msg', 'err']);

export function formatForConsole(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const time = typeof record.time === 'string' ? record.time.slice(11, 23) : '';
  const label = LABELS[Number(record.level)] ?? String(record.level);
  const where = [record.thread, record.module].filter((p) => typeof p === 'string').join('/');
  const extra = Object.fromEntries(Object.entries(record).filter(([k]) => !SHOWN_ELSEWHERE.has(k)));
  const rest = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
  const err = record.err as { stack?: unknown; message?: unknown } | undefined;
  const stack = err ? `\n    ${String(err.stack ?? err.message ?? '')}` : '';
  return `${time} ${label} ${where}: ${String(record.msg ?? '')}${rest}${stack}\n`;
}
