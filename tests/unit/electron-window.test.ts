import { beforeEach, describe, expect, it, vi } from 'vitest';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  FakeBrowserWindow,
  FakeWebContents,
  fakeEvent,
  fakeSession,
  net,
  protocol,
  resetElectronFake,
  shell,
} from './electron-fakes';

vi.mock('electron', async () => (await import('./electron-fakes')).electronModule);

const { CONTENT_SECURITY_POLICY } = await import('../../src-main/electron/security');
const { answerAppRequest, createMainWindow, hardenSession, hardenWebContents, registerAppScheme, withContentSecurityPolicy } = await import(
  '../../src-main/electron/window'
);

beforeEach(() => resetElectronFake());

describe('the main window', () => {
  const open = () => createMainWindow({ preloadFile: '/app/out/preload/index.cjs', entryUrl: 'app://switchboard/index.html' }) as unknown as FakeBrowserWindow;

  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['preload', '/app/out/preload/index.cjs'],
  ])('sets webPreferences.%s to %s', (name, value) => {
    expect(open().options.webPreferences?.[name]).toBe(value);
  });

  it('stays hidden until ready-to-show, then shows once', () => {
    const window = open();
    expect(window.options.show).toBe(false);
    expect(window.show).not.toHaveBeenCalled();
    window.emit('ready-to-show');
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalledTimes(1);
  });

  it('loads the page it was given', () => {
    expect(open().loadURL).toHaveBeenCalledWith('app://switchboard/index.html');
  });

  it('registers app: as a standard, secure scheme', () => {
    registerAppScheme();
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
  });
});

describe('navigation, new windows and webviews', () => {
  const harden = (devServerUrl?: string) => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as never, { devServerUrl });
    return contents;
  };
  const navigate = (contents: FakeWebContents, url: string) => {
    const event = fakeEvent({ url });
    contents.emit('will-navigate', event, url);
    return event;
  };

  it('prevents navigation to a foreign page and opens it in the browser instead', () => {
    const event = navigate(harden(), 'https://attacker.example/phish');
    expect(event.defaultPrevented()).toBe(true);
    expect(shell.openExternal).toHaveBeenCalledWith('https://attacker.example/phish');
  });

  it('prevents navigation to file: and never hands it to the OS', () => {
    const event = navigate(harden(), 'file:///etc/passwd');
    expect(event.defaultPrevented()).toBe(true);
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('lets our own page reload', () => {
    const event = navigate(harden(), 'app://switchboard/index.html');
    expect(event.defaultPrevented()).toBe(false);
  });

  it('treats the dev server as ours only when it is configured', () => {
    expect(navigate(harden('http://localhost:5173/'), 'http://localhost:5173/').defaultPrevented()).toBe(false);
    expect(navigate(harden(), 'http://localhost:5173/').defaultPrevented()).toBe(true);
  });

  it('prevents redirects away from our pages', () => {
    const contents = harden();
    const event = fakeEvent({ url: 'https://attacker.example/' });
    contents.emit('will-redirect', event);
    expect(event.defaultPrevented()).toBe(true);
  });

  it('denies every window.open and sends only http(s) links to the browser', () => {
    const contents = harden();
    const handler = contents.windowOpenHandler;
    expect(handler).not.toBeNull();
    expect(handler?.({ url: 'https://example.com/help' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/help');

    for (const url of ['file:///C:/Windows/System32/calc.exe', 'javascript:alert(1)', 'smb://server/share', 'app://switchboard/index.html']) {
      expect(handler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('refuses to attach a webview', () => {
    const event = fakeEvent();
    harden().emit('will-attach-webview', event, {}, {});
    expect(event.defaultPrevented()).toBe(true);
  });
});

describe('the session', () => {
  beforeEach(() => hardenSession(fakeSession as never, {}));

  it('denies every permission request', () => {
    const handler = fakeSession.setPermissionRequestHandler.mock.calls[0]?.[0] as (w: unknown, p: string, cb: (granted: boolean) => void) => void;
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      handler({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
  });

  it('answers every permission check with no', () => {
    const check = fakeSession.setPermissionCheckHandler.mock.calls[0]?.[0] as (w: unknown, p: string, origin: string) => boolean;
    expect(check({}, 'media', 'app://switchboard')).toBe(false);
    expect(check({}, 'clipboard-read', 'app://switchboard')).toBe(false);
  });

  it('puts our CSP on responses from our origin, replacing any the server sent', () => {
    const listener = fakeSession.webRequest.onHeadersReceived.mock.calls[0]?.[0] as (d: unknown, cb: (r: unknown) => void) => void;
    const callback = vi.fn();
    listener(
      { url: 'app://switchboard/index.html', responseHeaders: { 'content-security-policy': ["script-src 'unsafe-inline'"], 'Content-Type': ['text/html'] } },
      callback,
    );
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  it('leaves responses from other origins alone', () => {
    const headers = { 'Content-Type': ['text/html'] };
    expect(withContentSecurityPolicy('https://example.com/', headers, {})).toBe(headers);
  });
});

describe('the app:// protocol handler', () => {
  const root = resolve('/srv/out/renderer');

  it('serves files from the renderer folder with the CSP attached', async () => {
    net.fetch.mockResolvedValue(new Response('<!doctype html>', { status: 200, headers: { 'Content-Type': 'text/html' } }));
    const response = await answerAppRequest(root, new Request('app://switchboard/index.html'));
    expect(net.fetch).toHaveBeenCalledWith(pathToFileURL(join(root, 'index.html')).toString());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toBe('<!doctype html>');
  });

  it('refuses a path that climbs out of the folder without touching the disk', async () => {
    const response = await answerAppRequest(root, new Request('app://switchboard/assets/..%2f..%2f..%2fetc%2fpasswd'));
    expect(response.status).toBe(404);
    expect(net.fetch).not.toHaveBeenCalled();
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('answers 404 for a missing file and 405 for a POST', async () => {
    net.fetch.mockRejectedValue(new Error('net::ERR_FILE_NOT_FOUND'));
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect((await answerAppRequest(root, new Request('app://switchboard/missing.js'))).status).toBe(404);
    expect((await answerAppRequest(root, new Request('app://switchboard/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});
