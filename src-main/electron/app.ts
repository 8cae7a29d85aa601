/**
 * The app's lifecycle: one instance, deep links, the core before the window, a clean quit.
 * Everything it needs from outside Electron (the core, the updater, paths) comes in as
 * `ShellDeps`, so tests drive it with a mocked `electron` and a fake core.
 */
import { app, dialog, ipcMain, powerMonitor, safeStorage, session, type BrowserWindow } from 'electron';
import { join, resolve } from 'node:path';
import type { Result } from '../../src-shared/result';
import type { CoreOptions } from '../core/worker/core-process';
import { idleLockMsFrom, storeSettingsFrom } from '../core/sync/store-settings';
import { SafeStorageSecrets } from './secret-file';
import { registerIpcHandlers } from './ipc';
import { ScreenPopRelay } from './screen-pop';
import {
  APP_ENTRY_URL,
  DEEP_LINK_SCHEME,
  chooseDefaultRegion,
  devServerUrlFrom,
  findDeepLinkArgument,
  parseDeepLink,
  type PageTrust,
} from './security';
import { createMainWindow, hardenSession, hardenWebContents, registerAppScheme, serveRenderer } from './window';
import { offerCooldownDaysFrom } from '../../src-shared/domain/offer-rules';
import { flushLogs, logger } from '../core/log/logger';
import { logFolderIn } from '../core/log/log-file';

const log = logger('electron');

export interface ShellCore {
  start(): Promise<void>;
  call(channel: string, rawInput: unknown): Promise<Result<unknown>>;
  stop(): Promise<void>;
}

export interface ShellDeps {
  paths: {
    /** out/preload/index.cjs */
    preloadFile: string;
    /** out/renderer, served as app://switchboard */
    rendererRoot: string;
    /** out/main/db-worker.js */
    workerFile: string;
    /** out/main/co-purchase-worker.js */
    minerWorkerFile: string;
    /** out/main/sync-worker.js */
    syncWorkerFile: string;
    /** out/main/checkpoint-worker.js */
    checkpointWorkerFile: string;
    migrationsFolder: string;
  };
  createCore(options: CoreOptions): ShellCore;
  /**
   * Starts writing the log to its rotating file in `folder` (main.ts: core/log/log-file.ts's
   * writeLogFile; tests pass a spy, so they write no files). A failure is logged, not fatal.
   */
  writeLogFile(folder: string): Promise<unknown>;
  /** Called only when packaged; may throw or reject, which is logged. */
  checkForUpdates(): Promise<unknown>;
  env: NodeJS.ProcessEnv;
  argv: readonly string[];
  /** `process.defaultApp`: run as `electron .` rather than as the packaged executable. */
  defaultApp: boolean;
  execPath: string;
}

export const DB_FILE_NAME = 'switchboard-cache.db';
export const SECRETS_FILE_NAME = 'secrets.json';

/** Starts the shell. Returns false when another instance already runs (this one then quits). */
export function launchSwitchboard(deps: ShellDeps): boolean {
  if (!app.requestSingleInstanceLock()) {
    // The running instance gets our argv through 'second-instance'.
    app.quit();
    return false;
  }

  // The log file support reads: <userData>/logs (see core/log/log-file.ts).
  deps
    .writeLogFile(logFolderIn(app.getPath('userData')))
    .catch((error: unknown) => log.warn({ err: error }, 'the log file could not be opened; logging to the console only'));
  log.info({ version: app.getVersion(), platform: process.platform, packaged: app.isPackaged }, 'Switchboard starting');

  // Every renderer sandboxed, whatever a window's webPreferences say (must precede 'ready').
  app.enableSandbox();
  registerAppScheme();
  registerDeepLinkScheme(deps);

  const trust: PageTrust = { devServerUrl: devServerUrlFrom(deps.env, app.isPackaged) };
  const screenPops = new ScreenPopRelay();
  let window: BrowserWindow | null = null;
  let core: ShellCore | null = null;

  const bringToFront = () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  const handleDeepLink = (url: string) => {
    const parsed = parseDeepLink(url);
    if (!parsed.ok) {
      // Not the link itself: its `from` is a customer's number.
      log.warn(`ignored deep link (${parsed.reason})`);
      return;
    }
    screenPops.deliver({ from: parsed.link.from });
    bringToFront();
  };

  app.on('second-instance', (_event, argv) => {
    bringToFront();
    const link = findDeepLinkArgument(argv);
    if (link) handleDeepLink(link);
  });
  // macOS delivers deep links as events, both at launch and while running.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    handleDeepLink(url);
  });
  // Windows and Linux put the link of a cold start on our own command line.
  const coldStartLink = findDeepLinkArgument(deps.argv);
  if (coldStartLink) handleDeepLink(coldStartLink);

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, trust));
  app.on('window-all-closed', () => app.quit());

  let coreStopped = false;
  app.on('before-quit', (event) => {
    if (!core || coreStopped) return;
    // Let the workers finish their transactions and close the database before we exit.
    event.preventDefault();
    const stopping = core;
    core = null;
    stopping
      .stop()
      .catch((error: unknown) => log.error({ err: error }, 'the core did not stop cleanly'))
      .finally(() => {
        coreStopped = true;
        app.quit();
      });
  });

  const startShell = async () => {
    hardenSession(session.defaultSession, trust);
    serveRenderer(deps.paths.rendererRoot);

    // The central store (SWITCHBOARD_SERVER) and the idle lock (SWITCHBOARD_IDLE_LOCK_SECONDS), as
    // the browser host reads them. People sign in on the sign-in screen.
    const store = storeSettingsFrom({ server: deps.env.SWITCHBOARD_SERVER });
    const idleLock = idleLockMsFrom(deps.env.SWITCHBOARD_IDLE_LOCK_SECONDS);
    const cooldown = offerCooldownDaysFrom(deps.env.SWITCHBOARD_OFFER_COOLDOWN_DAYS);
    const refused = !store.ok ? store.error.message : !idleLock.ok ? idleLock.error.message : !cooldown.ok ? cooldown.message : null;
    if (refused !== null || !store.ok || !idleLock.ok || !cooldown.ok) {
      log.fatal(`cannot start: ${refused}`);
      dialog.showErrorBox('Switchboard cannot start', refused ?? 'The settings are not usable.');
      flushLogs();
      app.exit(1);
      return;
    }
    const sync = store.value;
    // The workstation's sync token, encrypted by the OS key store (memory only where there is none).
    const secrets = new SafeStorageSecrets(join(app.getPath('userData'), SECRETS_FILE_NAME), safeStorage);
    if (secrets.warning) log.warn(secrets.warning);

    const starting = deps.createCore({
      dbFile: join(app.getPath('userData'), DB_FILE_NAME),
      workerFile: deps.paths.workerFile,
      minerWorkerFile: deps.paths.minerWorkerFile,
      migrationsFolder: deps.paths.migrationsFolder,
      defaultRegion: chooseDefaultRegion({
        envRegion: deps.env.SWITCHBOARD_REGION,
        localeCountryCode: app.getLocaleCountryCode(),
        systemLocale: app.getSystemLocale(),
      }),
      host: 'electron',
      offerCooldownDays: cooldown.days,
      // report:export saves its CSV files here.
      downloadsDir: app.getPath('downloads'),
      version: app.getVersion(),
      nativeBinding: deps.env.SWITCHBOARD_NATIVE_BINDING || undefined,
      // With a store the cache is filled from it; the demo seed is for a workstation on its own.
      demoSeed: sync === null,
      ...(sync && { sync: { serverUrl: sync.serverUrl, workerFile: deps.paths.syncWorkerFile, checkpointWorkerFile: deps.paths.checkpointWorkerFile } }),
      // Without a store the workstation works alone on its demo accounts.
      auth: { secrets, idleLockMs: idleLock.value, demoAccounts: sync === null },
    });
    core = starting;
    try {
      // Migrations run here, before any window shows, and a failing one stops the start (fail fast).
      await starting.start();
    } catch (error) {
      core = null;
      const message = error instanceof Error ? error.message : String(error);
      log.fatal({ err: error }, 'cannot start');
      dialog.showErrorBox('Switchboard cannot start', message);
      flushLogs();
      app.exit(1);
      return;
    }

    registerIpcHandlers(ipcMain, starting, trust);
    // Walking away locks Switchboard too: the OS screen lock or sleep locks the session at once.
    const lockSession = () => void starting.call('auth:lock', {}).catch(() => undefined);
    powerMonitor.on('lock-screen', lockSession);
    powerMonitor.on('suspend', lockSession);
    const created = createMainWindow({ preloadFile: deps.paths.preloadFile, entryUrl: trust.devServerUrl ?? APP_ENTRY_URL });
    window = created;
    created.webContents.on('did-start-loading', () => screenPops.rendererUnloaded());
    created.webContents.on('did-finish-load', () => screenPops.rendererLoaded(created.webContents));
    created.on('closed', () => {
      screenPops.rendererUnloaded();
      window = null;
    });

    if (app.isPackaged) {
      Promise.resolve()
        .then(() => deps.checkForUpdates())
        .catch((error: unknown) => log.warn({ err: error }, 'update check failed'));
    }
  };

  app
    .whenReady()
    .then(startShell)
    .catch((error: unknown) => {
      log.fatal({ err: error }, 'cannot start');
      dialog.showErrorBox('Switchboard cannot start', error instanceof Error ? error.message : String(error));
      flushLogs();
      app.exit(1);
    });
  return true;
}

/** Makes the OS send switchboard:// links to this app (in dev, to `electron <app path>`). */
function registerDeepLinkScheme(deps: ShellDeps): void {
  const appPath = deps.argv[1];
  const registered =
    deps.defaultApp && appPath !== undefined
      ? app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, deps.execPath, [resolve(appPath)])
      : app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  if (!registered) log.warn(`could not register as the ${DEEP_LINK_SCHEME}:// handler`);
}
