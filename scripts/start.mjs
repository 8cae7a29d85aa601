#!/usr/bin/env node
// `npm start`: build if needed, start the central store on its embedded default (or use the one
// SWITCHBOARD_SERVER names), then run the Electron app pointed at it. Where Electron cannot run
// (no display, no binary and no way to download it, no headers to compile SQLite for it) say why
// in one line and run the browser host instead, in this same terminal.
//   npm start -- 'switchboard://call?from=%2B442079460958'   passes a deep link through.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  NATIVE_BINDING,
  NATIVE_BUILD_LOG,
  NATIVE_DIR,
  NATIVE_PACKAGE_DIR,
  NATIVE_STAMP,
  displayProblem,
  electronAppEnv,
  electronBuildEnv,
  electronExecutable,
  firstMeaningfulLine,
  nativeBindingStaleness,
  nodeGypArgs,
  nodeGypCandidates,
  readNativeStamp,
  wantedNativeStamp,
} from './electron-launch.mjs';
import { buildIfStale } from './build-if-stale.mjs';
import { startCentralStore } from './central-store.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const passThroughArgs = process.argv.slice(2);

/** A step that cannot work here: its message completes "Electron cannot start here: …". */
class CannotRunElectron extends Error {}

function build() {
  try {
    buildIfStale();
  } catch {
    // electron-vite has printed its errors above.
    console.error('The build failed; fix the errors above and run npm start again.');
    process.exit(1);
  }
}

function ensureElectronBinary() {
  const existing = electronExecutable(root);
  if (existing) return existing;
  console.log('Downloading the Electron binary (first start only)…');
  // package.json "allowScripts" keeps electron's download out of `npm install` so that an
  // offline install never fails; this is where it happens instead. One try, no loop.
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const result = spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], { cwd: root, env, encoding: 'utf8', timeout: 10 * 60_000 });
  const downloaded = electronExecutable(root);
  if (result.status !== 0 || !downloaded) {
    throw new CannotRunElectron(`its binary could not be downloaded (${firstMeaningfulLine(result.stderr || result.error?.message)})`);
  }
  return downloaded;
}

/** Runs the binary as plain Node: proves it loads on this system (shared libraries) without a window. */
function probeElectron(executable, script) {
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  return spawnSync(executable, ['-e', script], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
}

function ensureNativeBinding(executable) {
  const binding = join(root, NATIVE_BINDING);
  const wanted = wantedNativeStamp(root, process.platform, process.arch);
  const stale = nativeBindingStaleness(readNativeStamp(root), wanted, existsSync(binding));
  if (!stale) return binding;

  const nodeGyp = nodeGypCandidates(root, process.env, process.execPath).find((candidate) => existsSync(candidate));
  if (!nodeGyp) throw new CannotRunElectron('node-gyp (bundled with npm) was not found to compile SQLite for Electron');
  console.log(`Compiling better-sqlite3 for Electron ${wanted.electron} (${stale}; first start only, a minute or two)…`);
  // A private copy: node_modules/better-sqlite3 keeps its Node build for `npm test`.
  const packageDir = join(root, NATIVE_PACKAGE_DIR);
  rmSync(packageDir, { recursive: true, force: true });
  rmSync(join(root, NATIVE_STAMP), { force: true });
  mkdirSync(packageDir, { recursive: true });
  const source = realpathSync(join(root, 'node_modules/better-sqlite3'));
  cpSync(source, packageDir, { recursive: true, filter: (path) => path !== join(source, 'build') });
  const result = spawnSync(process.execPath, [nodeGyp, ...nodeGypArgs(wanted.electron, join(root, NATIVE_DIR, 'headers'))], {
    cwd: packageDir,
    env: electronBuildEnv(process.env),
    encoding: 'utf8',
    timeout: 20 * 60_000,
  });
  writeFileSync(join(root, NATIVE_BUILD_LOG), `${result.stdout ?? ''}\n${result.stderr ?? ''}\n${result.error?.stack ?? ''}`);
  if (result.status !== 0 || !existsSync(binding)) {
    const why = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|fetch failed|network connectivity/i.test(`${result.stderr}${result.stdout}`)
      ? "Electron's headers could not be downloaded, so SQLite cannot be compiled for it"
      : `SQLite could not be compiled for Electron (${firstMeaningfulLine(result.stderr)})`;
    throw new CannotRunElectron(`${why}; see ${NATIVE_BUILD_LOG}`);
  }
  // Check it really loads in Electron's runtime before recording it as good.
  const load = probeElectron(executable, `require(${JSON.stringify(binding)})`);
  if (load.status !== 0) throw new CannotRunElectron(`the compiled SQLite module does not load in Electron (${firstMeaningfulLine(load.stderr)})`);
  writeFileSync(join(root, NATIVE_STAMP), `${JSON.stringify(wanted, null, 2)}\n`);
  return binding;
}

/** The store the app syncs with; stopped when the app exits (unless it was already running). */
let centralStore = { url: process.env.SWITCHBOARD_SERVER || null, stop: async () => {} };

/** Runs a child in this terminal and exits with its code; Ctrl+C reaches it directly. */
function runInTerminal(command, args, env) {
  const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const exit = async (code) => {
    await centralStore.stop();
    process.exit(code);
  };
  child.on('error', (error) => {
    console.error(`Could not run ${command}: ${error.message}`);
    void exit(1);
  });
  child.on('exit', (code, signal) => void exit(code ?? (signal ? 1 : 0)));
}

/** The environment that points the app (Electron or the browser host) at the central store. */
function withStore(env) {
  return centralStore.url ? { ...env, SWITCHBOARD_SERVER: centralStore.url } : env;
}

function startBrowserHost() {
  const host = join(root, 'scripts/host.mjs');
  if (!existsSync(host)) {
    console.error('scripts/host.mjs is missing, so the browser host cannot start either.');
    process.exit(1);
  }
  // The host prints its address; a page left open from an earlier run is told it was `npm start` that printed it.
  runInTerminal(process.execPath, [host], withStore({ ...process.env, SWITCHBOARD_LAUNCHED_BY: 'npm start' }));
}

build();
if (!centralStore.url) {
  try {
    centralStore = await startCentralStore({ root });
  } catch (error) {
    // The app still works on its local cache; say so plainly rather than refusing to start.
    console.error(`The central store could not start (${error.message}); the app starts on its local cache only.`);
  }
} else {
  console.log(`Using the central store at ${centralStore.url} (SWITCHBOARD_SERVER).`);
}
try {
  const noDisplay = displayProblem(process.platform, process.env);
  if (noDisplay) throw new CannotRunElectron(noDisplay);
  const executable = ensureElectronBinary();
  const probe = probeElectron(executable, 'process.stdout.write(String(process.versions.electron))');
  if (probe.status !== 0) throw new CannotRunElectron(`its binary does not run on this system (${firstMeaningfulLine(probe.stderr || probe.error?.message)})`);
  const nativeBinding = ensureNativeBinding(executable);
  runInTerminal(executable, ['.', ...passThroughArgs], withStore(electronAppEnv(process.env, nativeBinding)));
} catch (error) {
  if (!(error instanceof CannotRunElectron)) throw error;
  console.log(`Electron cannot start here: ${error.message}. Starting the browser host instead.`);
  startBrowserHost();
}
