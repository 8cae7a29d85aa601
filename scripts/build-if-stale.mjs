// Builds main, preload and renderer with electron-vite when any source is newer than the build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const SOURCES = ['src-main', 'src-preload', 'src-renderer', 'src-shared', 'drizzle', 'electron.vite.config.ts', 'package.json'];
const OUTPUTS = ['out/main/index.js', 'out/main/host.js', 'out/main/db-worker.js', 'out/main/sync-worker.js', 'out/main/checkpoint-worker.js', 'out/main/co-purchase-worker.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

export function buildIsStale() {
  const outs = OUTPUTS.map((p) => join(root, p));
  if (!outs.every((p) => existsSync(p))) return true;
  const built = Math.min(...outs.map((p) => statSync(p).mtimeMs));
  return SOURCES.some((s) => existsSync(join(root, s)) && newest(join(root, s)) > built);
}

export function buildIfStale() {
  if (!buildIsStale()) return;
  console.log('Building Switchboard (electron-vite build)…');
  execFileSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
}
