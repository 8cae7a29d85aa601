/**
 * Electron's entry (out/main/index.js). It only composes: the lifecycle in ./app, the core from
 * src-main/core, the updater. Paths are relative to the built file in out/main.
 */
import { app } from 'electron';
import electronUpdater from 'electron-updater';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreProcess } from '../core/worker/core-process';
import { launchSwitchboard } from './app';
import { logger } from '../core/log/logger';
import { writeLogFile } from '../core/log/log-file';

const builtMainDir = dirname(fileURLToPath(import.meta.url));

launchSwitchboard({
  paths: {
    preloadFile: join(builtMainDir, '../preload/index.cjs'),
    rendererRoot: join(builtMainDir, '../renderer'),
    workerFile: join(builtMainDir, 'db-worker.js'),
    minerWorkerFile: join(builtMainDir, 'co-purchase-worker.js'),
    syncWorkerFile: join(builtMainDir, 'sync-worker.js'),
    checkpointWorkerFile: join(builtMainDir, 'checkpoint-worker.js'),
    migrationsFolder: join(app.getAppPath(), 'drizzle'),
  },
  createCore: (options) => new CoreProcess(options),
  writeLogFile: (folder) => writeLogFile(folder),
  checkForUpdates: () => {
    // electron-updater is CommonJS; its autoUpdater is created on first access, so only here.
    const { autoUpdater } = electronUpdater;
    autoUpdater.on('error', (error) => logger('updater').warn({ err: error }, 'the updater failed'));
    return autoUpdater.checkForUpdatesAndNotify();
  },
  env: process.env,
  argv: process.argv,
  defaultApp: process.defaultApp === true,
  execPath: process.execPath,
});
