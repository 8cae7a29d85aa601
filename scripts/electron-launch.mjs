// What `npm start` decides before it launches Electron, as plain functions with unit tests
// (tests/unit/electron-launch.test.ts). scripts/start.mjs does the doing.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Our private copy of better-sqlite3, compiled for Electron (Node's build stays for `npm test`). */
export const NATIVE_DIR = '.electron-native';
export const NATIVE_PACKAGE_DIR = join(NATIVE_DIR, 'better-sqlite3');
export const NATIVE_BINDING = join(NATIVE_PACKAGE_DIR, 'build', 'Release', 'better_sqlite3.node');
export const NATIVE_STAMP = join(NATIVE_DIR, 'better-sqlite3.stamp.json');
export const NATIVE_BUILD_LOG = join(NATIVE_DIR, 'better-sqlite3-build.log');
export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

/** Why Electron has no screen here, or null. Windows and macOS always have one. */
export function displayProblem(platform, env) {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return null;
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return null;
  return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
}

/** The Electron version the project pins, from node_modules/electron/package.json. */
export function electronVersion(root) {
  return JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
}

/**
 * The Electron executable if its install finished (path.txt written and the file present),
 * else null. Mirrors node_modules/electron/index.js without throwing.
 */
export function electronExecutable(root) {
  const electronDir = join(root, 'node_modules/electron');
  try {
    const relative = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim();
    const executable = join(electronDir, 'dist', relative);
    return relative && existsSync(executable) ? executable : null;
  } catch {
    return null;
  }
}

/** What the Electron build of better-sqlite3 must match; any change means rebuild. */
export function wantedNativeStamp(root, platform, arch) {
  const betterSqlite3 = JSON.parse(readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8')).version;
  return { electron: electronVersion(root), betterSqlite3, platform, arch };
}

/** Reads the stamp written after the last successful build, or null. */
export function readNativeStamp(root) {
  try {
    return JSON.parse(readFileSync(join(root, NATIVE_STAMP), 'utf8'));
  } catch {
    return null;
  }
}

/** Why the cached Electron build of better-sqlite3 cannot be used, or null when it can. */
export function nativeBindingStaleness(stamp, wanted, bindingExists) {
  if (!bindingExists) return 'not built yet';
  if (!stamp || typeof stamp !== 'object') return 'no record of how it was built';
  for (const key of ['electron', 'betterSqlite3', 'platform', 'arch']) {
    if (stamp[key] !== wanted[key]) return `${key} changed (${String(stamp[key])} → ${wanted[key]})`;
  }
  return null;
}

/**
 * The environment for node-gyp when targeting Electron. npm passes its config as npm_config_*
 * variables, and a user-level `nodedir` (which points node-gyp at Node's own headers) would
 * silently produce a module for the wrong ABI; the target is given on the command line instead.
 */
export function electronBuildEnv(env) {
  const out = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|devdir|arch|target_arch|build_from_source)$/i.test(key)) continue;
    out[key] = value;
  }
  return out;
}

export function nodeGypArgs(electron, devdir) {
  return ['rebuild', '--release', '--runtime=electron', `--target=${electron}`, `--dist-url=${ELECTRON_HEADERS_URL}`, `--devdir=${devdir}`];
}

/**
 * node-gyp ships inside npm. Under `npm start`, npm_execpath names npm's CLI; otherwise look
 * beside the running node, then in the project's own node_modules.
 */
export function nodeGypCandidates(root, env, execPath) {
  const candidates = [];
  if (env.npm_execpath) candidates.push(join(dirname(env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const nodeDir = dirname(execPath);
  candidates.push(join(nodeDir, '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(join(nodeDir, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates;
}

/** The first line of a child's output worth showing in a one-line reason. */
export function firstMeaningfulLine(text) {
  for (const line of String(text ?? '').split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed && !/^(gyp info|npm warn)/i.test(trimmed)) return trimmed.length > 160 ? `${trimmed.slice(0, 157)}...` : trimmed;
  }
  return 'no output';
}

/**
 * glibc's malloc settings for a process that runs the core (Electron's main or the browser host),
 * each unless the environment already sets it. glibc reads them when the process starts, so they
 * are set here, in the launcher.
 *
 * - One arena (`MALLOC_ARENA_MAX`): by default glibc gives up to eight per core, and the core's
 *   threads (sync, checkpointer, SQLite's sort helper, the reader and writer, libuv's pool) each
 *   end up holding freed memory in one of them.
 * - A fixed mmap threshold of 128 KiB (`MALLOC_MMAP_THRESHOLD_`): by default it rises to the size of
 *   any mapped block freed (up to 32 MiB), after which SQLite's sort buffers and each pulled page's
 *   megabyte-sized buffers come from the heap, fragment it and are not given back.
 *
 * Side by side at 1,000,000 customers (BENCHMARKS.md, run S13): the first copy peaked at 393–457 MB
 * with the defaults (four runs), 375–410 MB with two arenas (six), 359–416 MB with one (ten), and
 * 365–381 MB with one and the fixed threshold (two), with no difference in speed beyond the
 * machine's noise. Other C libraries and platforms ignore these; Electron (21 and later) routes
 * malloc through Chromium's PartitionAlloc, where they likely change nothing.
 */
export const CORE_MALLOC_ENV = { MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '131072' };

export function coreProcessEnv(env) {
  const out = { ...env };
  for (const [key, value] of Object.entries(CORE_MALLOC_ENV)) if (!out[key]) out[key] = value;
  return out;
}

/** The environment Electron itself gets: the native binding, and nothing that changes its mode. */
export function electronAppEnv(env, nativeBinding) {
  const out = { ...coreProcessEnv(env), SWITCHBOARD_NATIVE_BINDING: nativeBinding };
  delete out.ELECTRON_RUN_AS_NODE;
  // `npm start` runs the built app; only `electron-vite dev` should point it at a dev server.
  delete out.ELECTRON_RENDERER_URL;
  return out;
}
