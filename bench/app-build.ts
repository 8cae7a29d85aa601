/**
 * The sync benchmark's workstation runs as built JavaScript, the way users run the app, so its
 * memory and CPU figures are the app's and not a TypeScript loader's. Under tsx, module-hooks
 * threads (each its own V8 isolate) run beside the app's threads, which compile their sources at
 * start. An idle
 * CoreProcess with sync configured (no miner) measured 397 MB RSS all under tsx, 282 MB with built
 * workers but the main thread under tsx, and 226 MB all built (Node 20, 2026-11-26).
 *
 * - The worker threads are the app's own build (electron-vite, `npm run build`): out/main/
 *   db-worker.js, sync-worker.js, checkpoint-worker.js and co-purchase-worker.js, the files Electron's main process
 *   (src-main/electron/main.ts) and the browser host (src-main/host/main.ts) start. The build runs
 *   when it is missing or older than the sources (scripts/build-if-stale.mjs, as `npm run host`
 *   and `npm start` do).
 * - The workstation's main thread (bench/sync-workstation.ts: CoreProcess and the bench's own
 *   lookups) is bundled into one ES module by Vite, dependencies left to node_modules as the app's
 *   build leaves them, and forked with plain `node`.
 *
 * Both happen once, before the bench measures anything, so a broken build stops it at once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BuiltWorkstation {
  /** The bundled bench/sync-workstation.ts, to fork with plain node. */
  script: string;
  /** The app's built worker entries, as CoreProcess takes them. */
  dbWorker: string;
  syncWorker: string;
  checkpointWorker: string;
  minerWorker: string;
  migrationsFolder: string;
}

/** Where the bundled workstation goes (.cache is ignored by git and eslint). */
const BUNDLE_DIR = '.cache/bench-build';

export async function buildWorkstation(repo: string): Promise<BuiltWorkstation> {
  const built: BuiltWorkstation = {
    script: join(repo, BUNDLE_DIR, 'sync-workstation.mjs'),
    dbWorker: join(repo, 'out/main/db-worker.js'),
    syncWorker: join(repo, 'out/main/sync-worker.js'),
    checkpointWorker: join(repo, 'out/main/checkpoint-worker.js'),
    minerWorker: join(repo, 'out/main/co-purchase-worker.js'),
    migrationsFolder: join(repo, 'drizzle'),
  };

  const workers = [built.dbWorker, built.syncWorker, built.checkpointWorker, built.minerWorker];
  if (workers.every((file) => existsSync(file))) {
    // The project's own staleness check and build (plain JS, hence typed here by hand).
    const script = pathToFileURL(join(repo, 'scripts/build-if-stale.mjs')).href;
    const { buildIfStale } = (await import(script)) as { buildIfStale: () => void };
    buildIfStale();
  } else {
    // That check does not look for every worker entry: build whenever one is missing.
    console.log('Building Switchboard (electron-vite build) …');
    execFileSync(process.execPath, [join(repo, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: repo, stdio: 'inherit' });
  }
  for (const file of workers) {
    if (!existsSync(file)) throw new Error(`${file} is missing after the build: run \`npm run build\` and look at its output.`);
  }

  mkdirSync(join(repo, BUNDLE_DIR), { recursive: true });
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: repo,
    publicDir: false,
    logLevel: 'warn',
    build: {
      // A Node bundle: node built-ins and everything in node_modules stay imports (better-sqlite3 is native).
      ssr: join(repo, 'bench/sync-workstation.ts'),
      outDir: join(repo, BUNDLE_DIR),
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      reportCompressedSize: false,
      rollupOptions: { output: { format: 'es', entryFileNames: 'sync-workstation.mjs' } },
    },
  });
  if (!existsSync(built.script)) throw new Error(`Bundling bench/sync-workstation.ts did not write ${built.script}.`);
  return built;
}
