import { join, resolve } from 'node:path';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { writeLogFile, type LogFile } from '../../src-main/core/log/log-file';
import { CHANNELS, SCREEN_POP_EVENT } from '../../src-shared/contracts';
import { ok } from '../../src-shared/result';
import { FakeBrowserWindow, FakeWebContents, app, dialog, fakeEvent, ipcMain, powerMonitor, resetElectronFake } from './electron-fakes';
import { captureLogs, type CapturedLogs } from '../helpers/logs';

vi.mock('electron', async () => (await import('./electron-fakes')).electronModule);

const { launchSwitchboard, DB_FILE_NAME } = await import('../../src-main/electron/app');
type ShellDeps = Parameters<typeof launchSwitchboard>[0];

const steps: string[] = [];

function fakeCore() {
  return {
    start: vi.fn(async () => {
      steps.push('core started');
    }),
    call: vi.fn(async () => ok({})),
    stop: vi.fn(async () => {
      steps.push('core stopped');
    }),
  };
}

function deps(overrides: Partial<ShellDeps> = {}) {
  const core = fakeCore();
  const base: ShellDeps = {
    paths: { preloadFile: '/app/out/preload/index.cjs', rendererRoot: '/app/out/renderer', workerFile: '/app/out/main/db-worker.js', minerWorkerFile: '/app/out/main/co-purchase-worker.js', syncWorkerFile: '/app/out/main/sync-worker.js', checkpointWorkerFile: '/app/out/main/checkpoint-worker.js', migrationsFolder: '/app/drizzle' },
    createCore: vi.fn(() => core),
    writeLogFile: vi.fn(async () => undefined),
    checkForUpdates: vi.fn(async () => null),
    env: {},
    argv: ['/opt/Switchboard/switchboard'],
    defaultApp: false,
    execPath: '/opt/Switchboard/switchboard',
    ...overrides,
  };
  return { deps: base, core };
}

/** Launches and waits until the window exists (the core has started by then). */
async function launchToWindow(overrides: Partial<ShellDeps> = {}) {
  const made = deps(overrides);
  expect(launchSwitchboard(made.deps)).toBe(true);
  await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1));
  const window = FakeBrowserWindow.instances[0] as FakeBrowserWindow;
  return { ...made, window, contents: window.webContents };
}

const POP_LINK = 'switchboard://call?from=%2B442079460958';

let logs: CapturedLogs;
beforeEach(() => {
  resetElectronFake();
  steps.length = 0;
  logs?.stop();
  logs = captureLogs();
});

describe('single instance', () => {
  it('quits at once when another instance holds the lock', () => {
    app.requestSingleInstanceLock.mockReturnValue(false);
    const { deps: d } = deps();
    expect(launchSwitchboard(d)).toBe(false);
    expect(app.quit).toHaveBeenCalledTimes(1);
    expect(app.whenReady).not.toHaveBeenCalled();
    expect(d.createCore).not.toHaveBeenCalled();
    expect(app.listenerCount('second-instance')).toBe(0);
  });

  it('sends a second instance deep link to the running window as a screen-pop and focuses it', async () => {
    const { window, contents } = await launchToWindow();
    contents.emit('did-finish-load');
    window.minimized = true;
    app.emit('second-instance', fakeEvent(), ['/opt/Switchboard/switchboard', '--flag', POP_LINK], '/home/agent');
    expect(contents.send).toHaveBeenCalledWith(SCREEN_POP_EVENT, { from: '+442079460958' });
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
  });

  it.each([
    ['an unknown action', 'switchboard://evil'],
    ['a 500-character from', `switchboard://call?from=${'9'.repeat(500)}`],
    ['another scheme', 'https://call?from=%2B442079460958'],
    ['a file URL', 'file:///call?from=1'],
  ])('ignores a deep link with %s (and says so in the log)', async (_label, link) => {
    const { contents } = await launchToWindow();
    contents.emit('did-finish-load');
    app.emit('second-instance', fakeEvent(), ['/opt/Switchboard/switchboard', link], '/');
    app.emit('open-url', fakeEvent(), link);
    expect(contents.send).not.toHaveBeenCalled();
    if (link.startsWith('switchboard:')) expect(logs.records).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringContaining('ignored deep link') }));
    // …but never the link itself, whose number is a customer's.
    expect(JSON.stringify(logs.records)).not.toContain(link.slice(15));
  });
});

describe('deep links', () => {
  it('holds a cold-start link until the renderer has loaded', async () => {
    const { contents } = await launchToWindow({ argv: ['/opt/Switchboard/switchboard', POP_LINK] });
    expect(contents.send).not.toHaveBeenCalled();
    contents.emit('did-finish-load');
    expect(contents.send).toHaveBeenCalledTimes(1);
    expect(contents.send).toHaveBeenCalledWith(SCREEN_POP_EVENT, { from: '+442079460958' });
  });

  it('queues again while the page reloads', async () => {
    const { contents } = await launchToWindow();
    contents.emit('did-finish-load');
    contents.emit('did-start-loading');
    app.emit('open-url', fakeEvent(), 'switchboard://call?from=%2B14155550100');
    expect(contents.send).not.toHaveBeenCalled();
    contents.emit('did-finish-load');
    expect(contents.send).toHaveBeenCalledWith(SCREEN_POP_EVENT, { from: '+14155550100' });
  });

  it('takes macOS open-url events and keeps the default handling from running', async () => {
    const { contents } = await launchToWindow();
    contents.emit('did-finish-load');
    const event = fakeEvent();
    app.emit('open-url', event, POP_LINK);
    expect(event.defaultPrevented()).toBe(true);
    expect(contents.send).toHaveBeenCalledWith(SCREEN_POP_EVENT, { from: '+442079460958' });
  });

  it('registers as the switchboard: handler, naming the app path when run as `electron .`', async () => {
    await launchToWindow({ defaultApp: true, argv: ['/usr/lib/electron/electron', '.'], execPath: '/usr/lib/electron/electron' });
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('switchboard', '/usr/lib/electron/electron', [resolve('.')]);
  });
});

describe('the log', () => {
  it('goes to a rotating file in userData/logs, opened before the core starts', async () => {
    const dataFolder = mkdtempSync(join(tmpdir(), 'sb-userdata-'));
    onTestFinished(() => rmSync(dataFolder, { recursive: true, force: true }));
    app.getPath.mockImplementation(() => dataFolder);
    onTestFinished(() => void app.getPath.mockImplementation((name: string) => `/fake/${name}`));
    let file: LogFile | undefined;
    onTestFinished(() => file?.close());
    const writeLogFileSpy = vi.fn(async (folder: string) => (file = await writeLogFile(folder, { size: 1024, keep: 1 })));
    const { deps: d } = deps({ writeLogFile: writeLogFileSpy });
    launchSwitchboard(d);
    await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1));
    expect(writeLogFileSpy).toHaveBeenCalledWith(join(dataFolder, 'logs'));
    expect(writeLogFileSpy.mock.invocationCallOrder[0]).toBeLessThan((d.createCore as ReturnType<typeof vi.fn>).mock.invocationCallOrder[0] ?? 0);
    await vi.waitFor(() => expect(file).toBeDefined());
    // Enough lines to fill 1 KB files twice over: the file rolls, one older file is kept.
    for (let i = 0; i < 40; i++) {
      app.emit('open-url', fakeEvent(), `switchboard://nonsense-${i}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    await file?.close();
    const names = readdirSync(join(dataFolder, 'logs'));
    expect(names).toHaveLength(2);
    const text = names.map((n) => readFileSync(join(dataFolder, 'logs', n), 'utf8')).join('');
    expect(text).toContain('"msg":"ignored deep link (');
    expect(text).toContain('"thread":"main"');
  });

  it('a log file that cannot be opened is only logged, and the app starts', async () => {
    await launchToWindow({ writeLogFile: vi.fn(async () => Promise.reject(new Error('EACCES: permission denied'))) });
    await vi.waitFor(() => expect(logs.records).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringContaining('the log file could not be opened') })));
    expect(app.exit).not.toHaveBeenCalled();
  });
});

describe('start and quit', () => {
  it('starts the core with the cache in userData before creating the window', async () => {
    const { deps: d, core } = deps({ env: { SWITCHBOARD_REGION: 'de', SWITCHBOARD_NATIVE_BINDING: '/native/better_sqlite3.node' } });
    const created: string[] = [];
    core.start.mockImplementation(async () => {
      created.push(`windows when core starts: ${FakeBrowserWindow.instances.length}`);
    });
    launchSwitchboard(d);
    await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1));
    expect(created).toEqual(['windows when core starts: 0']);
    expect(d.createCore).toHaveBeenCalledWith({
      dbFile: join('/fake/userData', DB_FILE_NAME),
      workerFile: '/app/out/main/db-worker.js',
      minerWorkerFile: '/app/out/main/co-purchase-worker.js',
      migrationsFolder: '/app/drizzle',
      defaultRegion: 'DE',
      host: 'electron',
      offerCooldownDays: 30,
      // report:export saves into the user's Downloads folder.
      downloadsDir: '/fake/downloads',
      version: '0.1.0',
      nativeBinding: '/native/better_sqlite3.node',
      demoSeed: true,
      auth: { secrets: expect.objectContaining({ kind: 'os' }), idleLockMs: undefined, demoAccounts: true },
    });
    expect(ipcMain.handle.mock.calls.map(([c]) => c).sort()).toEqual([...CHANNELS].sort());
    expect(FakeBrowserWindow.instances[0]?.loadURL).toHaveBeenCalledWith('app://switchboard/index.html');
  });

  it('sandboxes every renderer before the app is ready', async () => {
    app.whenReady.mockImplementationOnce(() => {
      steps.push(`ready; sandbox enabled: ${app.enableSandbox.mock.calls.length > 0}`);
      return Promise.resolve();
    });
    await launchToWindow();
    expect(steps[0]).toBe('ready; sandbox enabled: true');
  });

  it('takes the region from the OS when SWITCHBOARD_REGION is unset', async () => {
    const { deps: d } = await launchToWindow();
    expect(d.createCore).toHaveBeenCalledWith(expect.objectContaining({ defaultRegion: 'GB', nativeBinding: undefined }));
  });

  it('shows the reason and exits non-zero when the core cannot start, without a window', async () => {
    const { deps: d, core } = deps();
    core.start.mockRejectedValue(new Error('The local cache could not be upgraded (disk full).'));
    launchSwitchboard(d);
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalled());
    expect(dialog.showErrorBox).toHaveBeenCalledWith('Switchboard cannot start', 'The local cache could not be upgraded (disk full).');
    expect(app.exit).toHaveBeenCalledWith(1);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    expect(ipcMain.handle).not.toHaveBeenCalled();
  });

  it('syncs with the central store SWITCHBOARD_SERVER names, without the demo seed or demo accounts, keeping tokens with safeStorage', async () => {
    const { deps: d } = await launchToWindow({ env: { SWITCHBOARD_SERVER: 'https://store.example.com/', SWITCHBOARD_IDLE_LOCK_SECONDS: '120' } });
    expect(d.createCore).toHaveBeenCalledWith(
      expect.objectContaining({
        demoSeed: false,
        sync: { serverUrl: 'https://store.example.com', workerFile: '/app/out/main/sync-worker.js', checkpointWorkerFile: '/app/out/main/checkpoint-worker.js' },
        auth: expect.objectContaining({ idleLockMs: 120_000, demoAccounts: false, secrets: expect.objectContaining({ kind: 'os', warning: null }) }),
      }),
    );
  });

  it('locks the session when the operating system locks the screen or sleeps', async () => {
    const { core } = await launchToWindow();
    core.call.mockClear();
    powerMonitor.emit('lock-screen');
    powerMonitor.emit('suspend');
    expect(core.call.mock.calls).toEqual([
      ['auth:lock', {}],
      ['auth:lock', {}],
    ]);
  });

  it('works alone on the demo accounts without a store', async () => {
    const { deps: d } = await launchToWindow();
    expect(d.createCore).toHaveBeenCalledWith(expect.objectContaining({ demoSeed: true, auth: expect.objectContaining({ demoAccounts: true }) }));
  });

  it('refuses to start with an unusable store address or idle lock, saying what is wrong', async () => {
    for (const env of [{ SWITCHBOARD_SERVER: 'ftp://store.example.com' }, { SWITCHBOARD_IDLE_LOCK_SECONDS: 'soon' }]) {
      resetElectronFake();
      const { deps: d } = deps({ env });
      launchSwitchboard(d);
      await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(1));
      expect(dialog.showErrorBox).toHaveBeenCalledWith('Switchboard cannot start', expect.stringMatching(/http:\/\/ or https:\/\/|whole number of seconds/));
      expect(d.createCore).not.toHaveBeenCalled();
      expect(FakeBrowserWindow.instances).toHaveLength(0);
    }
  });

  it('stops the core before the app really quits', async () => {
    const { core } = await launchToWindow();
    const first = fakeEvent();
    app.emit('before-quit', first);
    expect(first.defaultPrevented()).toBe(true);
    expect(core.stop).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    const second = fakeEvent();
    app.emit('before-quit', second);
    expect(second.defaultPrevented()).toBe(false);
    expect(core.stop).toHaveBeenCalledTimes(1);
  });

  it('hardens every web contents the app creates', async () => {
    await launchToWindow();
    const contents = new FakeWebContents();
    app.emit('web-contents-created', fakeEvent(), contents);
    const navigation = fakeEvent({ url: 'https://attacker.example/' });
    contents.emit('will-navigate', navigation);
    expect(navigation.defaultPrevented()).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });
});

describe('updates', () => {
  it('never checks when running unpackaged', async () => {
    const { deps: d } = await launchToWindow();
    expect(d.checkForUpdates).not.toHaveBeenCalled();
  });

  it('checks when packaged, and a failing check is only logged', async () => {
    app.isPackaged = true;
    const checkForUpdates = vi.fn(async () => {
      throw new Error('app-update.yml is missing');
    });
    await launchToWindow({ checkForUpdates });
    expect(checkForUpdates).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(logs.records).toContainEqual(expect.objectContaining({ level: 40, msg: 'update check failed', err: expect.objectContaining({ message: 'app-update.yml is missing' }) })));
    expect(app.exit).not.toHaveBeenCalled();
  });
});

describe('which page loads', () => {
  it('ignores ELECTRON_RENDERER_URL when packaged', async () => {
    app.isPackaged = true;
    const { window } = await launchToWindow({ env: { ELECTRON_RENDERER_URL: 'http://localhost:5173/' } });
    expect(window.loadURL).toHaveBeenCalledWith('app://switchboard/index.html');
  });

  it('loads the dev server when not packaged', async () => {
    const { window } = await launchToWindow({ env: { ELECTRON_RENDERER_URL: 'http://localhost:5173/' } });
    expect(window.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
  });
});
