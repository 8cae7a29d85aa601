// The central store for `npm start`: the server (server/src/main.ts) on its embedded default
// (PGlite in a data folder, demo users and demo data on first start), on 127.0.0.1. If a store
// already answers on the port (a second `npm start`, or one started with `npm run server`), it is
// used as it is.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const CENTRAL_STORE_PORT = 5179;

export function defaultStoreDataDir(env = process.env) {
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'switchboard', 'central-store');
}

/**
 * Where the demo store writes customer mail (no mail server): `mail` beside its data folder
 * (~/.local/share/switchboard/mail). Not inside it: that folder is PGlite's PostgreSQL data directory.
 */
export function defaultStoreMailDir(dataDir = defaultStoreDataDir()) {
  return join(dirname(dataDir), 'mail');
}

/** The store's mail settings for `npm start`: a mail server named in the environment wins; else the demo's mail folder. */
export function storeMailEnv(env, dataDir) {
  if (env.SWITCHBOARD_SMTP_URL) return { env: {}, where: 'through the mail server in SWITCHBOARD_SMTP_URL' };
  const mailDir = env.SWITCHBOARD_MAIL_DIR || defaultStoreMailDir(dataDir);
  return { env: { SWITCHBOARD_MAIL_DIR: mailDir }, where: `as .eml files into ${mailDir} (no mail server; open them with a mail client)` };
}

/** True when a Switchboard central store answers /health at `url`. */
export async function storeAnswers(url, timeoutMs = 1500) {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.json();
    return response.ok && body?.ok === true && typeof body?.value?.store === 'string';
  } catch {
    return false;
  }
}

/**
 * Starts the store (or finds one running) and resolves with its URL and a stop function.
 * Rejects with a sentence when it cannot start; its own output explains more above.
 */
export async function startCentralStore({ root, port = CENTRAL_STORE_PORT, dataDir = defaultStoreDataDir(), startTimeoutMs = 120_000 }) {
  const url = `http://127.0.0.1:${port}`;
  if (await storeAnswers(url)) {
    console.log(`Using the central store already running at ${url}.`);
    return { url, stop: async () => {} };
  }
  mkdirSync(dataDir, { recursive: true });
  const mail = storeMailEnv(process.env, dataDir);
  console.log(`Starting the central store (embedded PostgreSQL in ${dataDir}) on ${url}…`);
  console.log(`Customer mail from the store goes ${mail.where}.`);
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/src/main.ts'), '--port', String(port), '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, ...mail.env, DATABASE_URL: process.env.DATABASE_URL ?? '', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const deadline = Date.now() + startTimeoutMs;
  while (!(await storeAnswers(url))) {
    if (exited) throw new Error(`the central store stopped while starting (exit code ${exited.code ?? exited.signal})`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`the central store did not answer on ${url} within ${Math.round(startTimeoutMs / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const stop = () =>
    new Promise((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  return { url, stop };
}
