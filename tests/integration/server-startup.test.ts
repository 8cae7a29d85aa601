/**
 * How the central store starts: it fails fast with a clear message when it cannot reach its
 * database or apply its migrations, and the CLI binds 127.0.0.1 and seeds the demo users once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIGRATIONS_FOLDER, openStore, redactDatabaseUrl } from '../../server/src/db/connect';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../..', import.meta.url));
const temps: string[] = [];
const children: ChildProcess[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('opening the central store', () => {
  it('fails fast, without the password, when PostgreSQL cannot be reached', async () => {
    await expect(openStore({ databaseUrl: 'postgres://someone:s3cret@127.0.0.1:1/nowhere' })).rejects.toThrow(
      /^Cannot connect to PostgreSQL at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nowhere: /,
    );
    expect(redactDatabaseUrl('postgres://u:pw@h/db')).toBe('postgres://u:***@h/db');
  });

  it('fails fast with a clear message when a migration cannot apply', async () => {
    const migrations = tempDir('switchboard-bad-migrations-');
    cpSync(MIGRATIONS_FOLDER, migrations, { recursive: true });
    const journal = JSON.parse(readFileSync(join(migrations, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    const last = journal.entries.at(-1);
    if (!last) throw new Error('The server has no migrations.');
    writeFileSync(join(migrations, `${last.tag}.sql`), 'CREATE TABLE broken (;');
    await expect(openStore({ dataDir: tempDir('switchboard-store-'), migrationsFolder: migrations })).rejects.toThrow(
      /^The central store's migrations failed on the embedded store \(PGlite\) in .*; the server did not start: /,
    );
  });
});

/** Starts `npm run server`'s entry point and resolves with its address and what it printed. */
function startServer(args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/[^"\s]+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1], output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

describe('npm run server', () => {
  it('binds 127.0.0.1, seeds the demo users once on an empty store, and lets csr sign in', async () => {
    const dataDir = tempDir('switchboard-store-cli-');
    const first = await startServer(['--port', '0', '--data-dir', dataDir]);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const line of ['admin / admin-demo  (admin)', 'csr / csr-demo  (csr)', 'supervisor / supervisor-demo  (supervisor)', 'associate / associate-demo  (store_associate)']) {
      expect(first.output()).toContain(line);
    }
    const signIn = await fetch(`${first.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'csr', password: 'csr-demo' }),
    });
    expect(signIn.status).toBe(200);
    expect(((await signIn.json()) as { value: { teams: string[] } }).value.teams).toEqual(['Phones']);
    expect(await stop(first.child)).toBe(0);

    const second = await startServer(['--port', '0', '--data-dir', dataDir]);
    expect(second.output()).not.toContain('Created demo users');
    expect((await fetch(`${second.url}/health`)).status).toBe(200);
    expect(await stop(second.child)).toBe(0);
  }, 90_000);
});

describe('the lint rule that keeps the server to its runtime', () => {
  const eslint = new ESLint({ cwd: root });
  const restricted = async (code: string) => {
    const [result] = await eslint.lintText(code, { filePath: `${root}/server/src/x.ts` });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports');
  };

  it.each([
    `import { app } from 'electron';`,
    `import { openCache } from '../../src-main/core/db/open';`,
    `import '../../src-preload/index';`,
    `import '../../src-renderer/src/main';`,
  ])('refuses %s', async (code) => {
    expect(await restricted(code)).not.toHaveLength(0);
  });

  it('allows src-shared and Node built-ins', async () => {
    expect(await restricted(`import { loginRequest } from '../../src-shared/contracts/server-auth';\nimport { join } from 'node:path';`)).toEqual([]);
  });
});
