/**
 * `board.lag.p95_ms` for `npm run bench` (issue 22, target ≤ 2,000 ms): call start on a workstation
 * → shown by the store's live board (GET /board, what board:live asks).
 *
 * The workstation is the real browser host (`out/main/host.js`, built when stale) on a fresh cache,
 * syncing with the real store server (`server/src/main.ts`) over a throwaway database on the
 * PostgreSQL at 127.0.0.1:5432 (dropped afterwards). A CSR signs in on the host through its HTTP
 * bridge, as the window does, and takes CALLS calls one after another: `call:start` (the clock
 * starts just before it is sent), then the board is read as a supervisor every 100 ms until it
 * shows that call under way (the clock stops when that answer arrives); then `call:end` and
 * `call:wrap-up`, and a pause of 200–700 ms so starts do not line up with anything periodic.
 *
 * The figure is the route's, not the screen's: the screen reads the same route once a second, so
 * what a supervisor sees can be up to a second later (the e2e test tests/e2e/live-board.spec.ts
 * checks the screen within 2 s).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createUser } from '../server/src/auth/users';
import { openStore } from '../server/src/db/connect';
import { boardLive } from '../src-shared/contracts/board';
import { createDatabase, databaseUrl, dropDatabase, signIn, StoreProcess } from './sync-store';
import { percentile, round, type Figure } from './stats';

const CALLS = 30;
const POLL_MS = 100;
/** A call not on the board after this long counts as lost: the run stops. */
const GIVE_UP_MS = 15_000;
const CSR = { username: 'bench_csr', password: 'bench board calls' };
const SUPERVISOR = { username: 'bench_lead', password: 'bench board watcher' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A browser host on `cacheFile` syncing with `serverUrl`, and its bridge. */
async function startHost(repo: string, cacheFile: string, serverUrl: string): Promise<{ child: ChildProcess; rpc(channel: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> }> {
  const child = spawn(process.execPath, [join(repo, 'out/main/host.js'), '--db', cacheFile, '--port', '0', '--region', 'GB', '--server', serverUrl], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (output += c));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The browser host printed no address within 30 s:\n${output}`)), 30_000);
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      output += c;
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?key=[\w-]+/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once('exit', (code) => reject(new Error(`The browser host stopped (${code}):\n${output}`)));
  });
  // Opening the printed address trades the key for the host's cookie, as the browser does.
  const opened = await fetch(url, { redirect: 'manual' });
  const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0];
  if (!cookie) throw new Error('The browser host set no cookie.');
  const origin = new URL(url).origin;
  return {
    child,
    rpc: async (channel, input) => {
      const r = await fetch(`${origin}/rpc/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Switchboard-Bridge': '1', Cookie: cookie },
        body: JSON.stringify(input),
      });
      return (await r.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function benchBoardLag(repo: string, calls = CALLS): Promise<Figure[]> {
  const { buildIfStale } = (await import(pathToFileURL(join(repo, 'scripts/build-if-stale.mjs')).href)) as { buildIfStale(): void };
  buildIfStale();
  const database = `switchboard_bench_${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-board-'));
  let server: StoreProcess | undefined;
  let host: ChildProcess | undefined;
  await createDatabase(database);
  try {
    const setup = await openStore({ databaseUrl: databaseUrl(database) });
    try {
      await createUser(setup.db, { username: CSR.username, displayName: 'Bench CSR', role: 'csr', password: CSR.password, teams: ['Bench'] });
      await createUser(setup.db, { username: SUPERVISOR.username, displayName: 'Bench Lead', role: 'supervisor', password: SUPERVISOR.password, teams: ['Bench'] });
    } finally {
      await setup.close();
    }
    server = await StoreProcess.start(repo, database);
    const ws = await startHost(repo, join(dir, 'cache.db'), server.url);
    host = ws.child;
    const signedIn = await ws.rpc('auth:sign-in', CSR);
    if (!signedIn.ok) throw new Error(`Signing in on the bench workstation failed: ${signedIn.error?.message}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const s = await ws.rpc('sync:status', {});
      if (s.ok && (s.value as { state: string; initialSync: unknown }).state === 'online') break;
      if (Date.now() > deadline) throw new Error(`The bench workstation did not get online: ${JSON.stringify(s)}`);
      await sleep(200);
    }
    const lists = await ws.rpc('config:lists', {});
    const disposition = (lists.value as { dispositions?: { code: string }[] } | undefined)?.dispositions?.[0]?.code;
    if (!disposition) throw new Error(`No wrap-up code on the bench workstation: ${JSON.stringify(lists)}`);
    const token = await signIn(server.url, SUPERVISOR.username, SUPERVISOR.password);
    const board = async () => {
      const r = await fetch(`${server!.url}/board`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await r.json()) as { ok: boolean; value?: unknown };
      if (!body.ok) throw new Error(`GET /board answered ${r.status}: ${JSON.stringify(body)}`);
      return boardLive.parse(body.value);
    };
    await board();

    const lags: number[] = [];
    for (let i = 0; i < calls; i++) {
      const started = performance.now();
      const call = await ws.rpc('call:start', { source: 'manual' });
      if (!call.ok) throw new Error(`call:start failed: ${call.error?.message}`);
      const callId = (call.value as { id: string }).id;
      let shownAt: number | null = null;
      for (let poll = started; shownAt === null; ) {
        const b = await board();
        if (b.agents.some((a) => a.call?.callId === callId)) shownAt = performance.now();
        else {
          if (performance.now() - started > GIVE_UP_MS) throw new Error(`Call ${i + 1} was not on the board after ${GIVE_UP_MS} ms.`);
          poll += POLL_MS;
          await sleep(Math.max(0, poll - performance.now()));
        }
      }
      lags.push(shownAt - started);
      for (const [channel, input] of [
        ['call:end', { callId }],
        ['call:wrap-up', { callId, dispositionCode: disposition }],
      ] as const) {
        const r = await ws.rpc(channel, input);
        if (!r.ok) throw new Error(`${channel} failed: ${r.error?.message}`);
      }
      await sleep(200 + Math.floor(Math.random() * 500));
    }
    console.log(`board.lag: ${calls} calls, ms: ${lags.map((l) => Math.round(l)).join(' ')}`);
    return [
      { name: 'board.lag.p50_ms', value: round(percentile(lags, 0.5)), unit: 'ms' },
      { name: 'board.lag.p95_ms', value: round(percentile(lags, 0.95)), unit: 'ms' },
      { name: 'board.lag.max_ms', value: round(Math.max(...lags)), unit: 'ms' },
    ];
  } finally {
    if (host) await stopChild(host);
    await server?.stop();
    await dropDatabase(database);
    rmSync(dir, { recursive: true, force: true });
  }
}
