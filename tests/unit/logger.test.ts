/**
 * The desktop logger (src-main/core/log): no customer data or secrets in a line, the thread on
 * every line (workers' lines reach the thread that writes the log), the rotating file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { levelFrom, logger, loggerOptions, REDACTED_KEYS } from '../../src-main/core/log/logger';
import { writeLogFile } from '../../src-main/core/log/log-file';
import { captureLogs } from '../helpers/logs';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Values no log line may contain, under the keys the logger redacts. */
const SECRETS = {
  password: 'hunter2-password',
  passwordHash: 'scrypt$abc$def-hash',
  token: 'sbw_token_1234567890',
  authorization: 'Bearer sbw_auth_0987',
  cookie: 'sb_host_5178=cookievalue',
  secret: 'the-host-secret',
  phone: '+44 20 7946 0958',
  e164: '+442079460958',
  email: 'dana.wells@example.com',
  name: 'Dana Wells',
  address: '221B Baker Street',
  input: { query: 'Dana Wells 07946' },
  args: { customerId: 'c-1', note: 'left a parcel with the neighbour' },
};

function leaks(lines: string): string[] {
  const values = ['hunter2-password', 'scrypt$abc$def-hash', 'sbw_token_1234567890', 'sbw_auth_0987', 'cookievalue', 'the-host-secret', '7946', 'dana.wells@example.com', 'Dana Wells', 'Baker Street', 'neighbour'];
  return values.filter((v) => lines.includes(v));
}

describe('redaction', () => {
  it('writes none of the values under customer-data or secret keys, at the top and nested, errors included', () => {
    let written = '';
    const log = pino(loggerOptions('trace', () => 'test'), { write: (line: string) => (written += line) });
    log.info(SECRETS, 'top level');
    log.warn({ call: SECRETS }, 'one level down');
    log.error({ request: { headers: { authorization: SECRETS.authorization, cookie: SECRETS.cookie } } }, 'two levels down');
    log.error({ err: Object.assign(new Error('the store refused the write'), { input: SECRETS.input, token: SECRETS.token }) }, 'an error carrying input');
    log.child({ module: 'auth' }).info({ user: { name: SECRETS.name, email: SECRETS.email, password: SECRETS.password } }, 'a child');
    const lines = written.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(leaks(written)).toEqual([]);
    // What is not customer data stays, so the line is still of use.
    const first = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(first).toMatchObject({ msg: 'top level', thread: 'test', password: '[redacted]', e164: '[redacted]' });
    expect(JSON.parse(lines[3] ?? '{}')).toMatchObject({ err: { message: 'the store refused the write', input: '[redacted]', token: '[redacted]' } });
    expect(JSON.parse(lines[4] ?? '{}')).toMatchObject({ module: 'auth', user: { name: '[redacted]' } });
  });

  it('redacts every listed key through the app’s own loggers too', () => {
    const logs = captureLogs();
    cleanups.push(logs.stop);
    const log = logger('test');
    for (const key of REDACTED_KEYS) log.info({ [key]: `value-of-${key}`, nested: { [key]: `value-of-${key}` } }, `key ${key}`);
    expect(logs.records).toHaveLength(REDACTED_KEYS.length);
    expect(JSON.stringify(logs.records)).not.toContain('value-of-');
  });
});

describe('lines', () => {
  it('carry the level, the thread and the module', () => {
    const logs = captureLogs();
    cleanups.push(logs.stop);
    logger('core').warn('the co-purchase miner did not start');
    expect(logs.records).toEqual([expect.objectContaining({ level: 40, thread: 'main', module: 'core', msg: 'the co-purchase miner did not start' })]);
  });

  it('from a worker thread reach the thread that writes the log, named for their thread', async () => {
    const logs = captureLogs();
    cleanups.push(logs.stop);
    const worker = new Worker(new URL('../helpers/log-worker-ts.mjs', import.meta.url), {
      workerData: { thread: 'sb-sync', lines: [['warn', { tables: 2 }, 'the pull starts over'], ['error', { password: 'hunter2-password' }, 'sign-in failed']] },
    });
    cleanups.push(() => worker.terminate());
    await expect.poll(() => logs.records.length, { timeout: 20_000 }).toBe(2);
    expect(logs.records).toEqual([
      expect.objectContaining({ level: 40, thread: 'sync', module: 'test', msg: 'the pull starts over', tables: 2 }),
      expect.objectContaining({ level: 50, thread: 'sync', msg: 'sign-in failed', password: '[redacted]' }),
    ]);
  });

  it('take their level from SWITCHBOARD_LOG_LEVEL, info when it names none', () => {
    expect(levelFrom(undefined)).toBe('info');
    expect(levelFrom(' DEBUG ')).toBe('debug');
    expect(levelFrom('silent')).toBe('silent');
    expect(levelFrom('verbose')).toBe('info');
  });
});

describe('the log file', () => {
  it('is created in the folder it is given and rotates by size, keeping a bounded number of files', async () => {
    const dataFolder = mkdtempSync(join(tmpdir(), 'sb-log-'));
    cleanups.push(() => rmSync(dataFolder, { recursive: true, force: true }));
    const folder = join(dataFolder, 'logs');
    const file = await writeLogFile(folder, { size: 2048, keep: 2, level: 'info' });
    cleanups.push(() => file.close());
    expect(file.current().startsWith(join(folder, 'switchboard.'))).toBe(true);
    const log = logger('test');
    for (let i = 0; i < 120; i++) {
      log.info({ i }, `line ${i} ${'x'.repeat(60)}`);
      // let each write land, so the size is counted and the file rolls as it grows
      await new Promise((r) => setTimeout(r, 2));
    }
    log.debug('below the level: not written');
    await file.close();
    const number = (n: string) => Number(/\.(\d+)\.log$/.exec(n)?.[1]);
    const names = readdirSync(folder).sort((a, b) => number(a) - number(b));
    // ~120 lines of ~150 bytes in 2 KB files: it rolled many times, and only the newest three remain.
    expect(names.length).toBe(3);
    for (const n of names) expect(n).toMatch(/^switchboard\.\d{4}-\d{2}-\d{2}\.\d+\.log$/);
    expect(number(names[0] ?? '')).toBeGreaterThan(3);
    const text = names.map((n) => readFileSync(join(folder, n), 'utf8')).join('');
    const records = text.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; thread: string; module: string });
    expect(records.at(-1)).toMatchObject({ msg: expect.stringMatching(/^line 119 /), thread: 'main', module: 'test' });
    expect(text).not.toContain('below the level');
  });
});
