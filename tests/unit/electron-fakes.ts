/**
 * A stand-in for the 'electron' module in unit tests (no Electron binary runs in CI). Test files
 * mock 'electron' with `electronModule` and inspect the same objects through the other exports.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

export function topFrame(url: string): FakeFrame {
  return { url, parent: null };
}

export class FakeWebContents extends EventEmitter {
  mainFrame: FakeFrame = topFrame('app://switchboard/index.html');
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly send = vi.fn();
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loadURL = vi.fn(async (_url: string) => {});
  readonly show = vi.fn();
  readonly focus = vi.fn();
  readonly restore = vi.fn();
  minimized = false;
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return false;
  }
  constructor(readonly options: { show?: boolean; webPreferences?: Record<string, unknown> }) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
}

export class FakeApp extends EventEmitter {
  isPackaged = false;
  readonly requestSingleInstanceLock = vi.fn(() => true);
  readonly quit = vi.fn();
  readonly exit = vi.fn();
  readonly enableSandbox = vi.fn();
  readonly whenReady = vi.fn(() => Promise.resolve());
  readonly setAsDefaultProtocolClient = vi.fn((..._args: unknown[]) => true);
  readonly getPath = vi.fn((name: string) => `/fake/${name}`);
  readonly getLocaleCountryCode = vi.fn(() => 'GB');
  readonly getSystemLocale = vi.fn(() => 'en-GB');
  readonly getVersion = vi.fn(() => '0.1.0');
  readonly getAppPath = vi.fn(() => '/fake/app');
}

export const app = new FakeApp();

export const fakeSession = {
  setPermissionRequestHandler: vi.fn(),
  setPermissionCheckHandler: vi.fn(),
  webRequest: { onHeadersReceived: vi.fn() },
};

export const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };
export const shell = { openExternal: vi.fn(async (_url: string) => {}) };
export const dialog = { showErrorBox: vi.fn() };
export const ipcMain = { handle: vi.fn(), removeHandler: vi.fn() };
export const net = { fetch: vi.fn() };
export const contextBridge = { exposeInMainWorld: vi.fn() };
export const ipcRenderer = { invoke: vi.fn(), on: vi.fn() };

/** safeStorage with a working OS key store; tests swap the backend. Encryption is a visible prefix. */
export const safeStorage = {
  isEncryptionAvailable: vi.fn(() => true),
  encryptString: vi.fn((plain: string) => Buffer.from(`enc:${plain}`)),
  decryptString: vi.fn((data: Buffer) => {
    const text = data.toString();
    if (!text.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return text.slice(4);
  }),
  getSelectedStorageBackend: vi.fn(() => 'gnome_libsecret'),
};

/** The OS's lock and sleep events. */
export const powerMonitor = new EventEmitter();

export const electronModule = {
  app,
  safeStorage,
  powerMonitor,
  BrowserWindow: FakeBrowserWindow,
  session: { defaultSession: fakeSession },
  protocol,
  shell,
  dialog,
  ipcMain,
  net,
  contextBridge,
  ipcRenderer,
};

/** Forget every call and listener between tests. */
export function resetElectronFake(): void {
  vi.clearAllMocks();
  app.removeAllListeners();
  powerMonitor.removeAllListeners();
  app.isPackaged = false;
  app.requestSingleInstanceLock.mockImplementation(() => true);
  FakeBrowserWindow.instances = [];
}

/** An Electron-style event whose preventDefault can be checked. */
export function fakeEvent<T extends object>(fields: T = {} as T): T & { preventDefault: ReturnType<typeof vi.fn>; defaultPrevented: () => boolean } {
  let prevented = false;
  return {
    ...fields,
    preventDefault: vi.fn(() => {
      prevented = true;
    }),
    defaultPrevented: () => prevented,
  };
}
