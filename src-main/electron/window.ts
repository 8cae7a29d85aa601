/**
 * The hardened window and the session it runs in. The checks themselves live in ./security
 * (pure, unit-tested); this file only attaches them to Electron's hooks.
 */
import { BrowserWindow, net, protocol, shell, type Session, type WebContents } from 'electron';
import { pathToFileURL } from 'node:url';
import {
  APP_SCHEME,
  CONTENT_SECURITY_POLICY,
  devContentSecurityPolicy,
  isAllowedExternalUrl,
  isOwnPageUrl,
  resolveRendererFile,
  type PageTrust,
} from './security';
import { logger } from '../core/log/logger';

const log = logger('window');

/**
 * Must run before `app` is ready. A standard, secure scheme gives the renderer a real origin
 * (app://switchboard) for CSP 'self' and for the IPC sender check. We do not use loadFile: every
 * file:// page shares one origin with the whole disk, and a file: page could fetch any file.
 * No `corsEnabled`: the bundle's module scripts are same-origin, and without it no other origin
 * can read app:// content.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
};

/** Serves app://switchboard/* from the built renderer folder and nothing else. */
export function serveRenderer(rendererRoot: string): void {
  protocol.handle(APP_SCHEME, (request) => answerAppRequest(rendererRoot, request));
}

export async function answerAppRequest(rendererRoot: string, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Method not allowed', { status: 405, headers: SECURITY_HEADERS });
  }
  const file = resolveRendererFile(rendererRoot, request.url);
  if (!file) return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
  try {
    // Chromium's file loader sets the MIME type from the extension (module scripts need it).
    const upstream = await net.fetch(pathToFileURL(file).toString());
    if (!upstream.ok) return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
    const headers = new Headers(upstream.headers);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
    return new Response(request.method === 'HEAD' ? null : upstream.body, { status: 200, headers });
  } catch (error) {
    log.warn({ err: error }, `could not serve ${new URL(request.url).pathname}`);
    return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
  }
}

type HeaderMap = Record<string, string[] | string>;

/**
 * Our pages get our policy (replacing any the server sent, whatever its letter case); other
 * responses are left as they are — the policy itself keeps the page from loading them.
 */
export function withContentSecurityPolicy(url: string, headers: HeaderMap | undefined, trust: PageTrust): HeaderMap | undefined {
  if (!isOwnPageUrl(url, trust)) return headers;
  const policy = trust.devServerUrl && !url.startsWith(`${APP_SCHEME}:`) ? devContentSecurityPolicy(trust.devServerUrl) : CONTENT_SECURITY_POLICY;
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [policy];
  return out;
}

/** The window's session: no permission is ever granted, and every page of ours carries the CSP. */
export function hardenSession(ses: Session, trust: PageTrust): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.url, details.responseHeaders, trust) });
  });
}

/** Hands a link to the OS browser if, and only if, it is a plain http(s) URL. */
export function openExternalIfAllowed(url: string): boolean {
  if (!isAllowedExternalUrl(url)) {
    // Only the scheme: a mailto: or tel: link's address is a customer's.
    log.warn(`refused to open a ${JSON.stringify(/^[a-z][a-z0-9+.-]{0,20}:/i.exec(url)?.[0] ?? 'schemeless')} link outside the app`);
    return false;
  }
  shell.openExternal(new URL(url).href).catch((error: unknown) => {
    log.warn({ err: error }, 'could not open a link in the browser');
  });
  return true;
}

/**
 * Applied to every WebContents the app ever creates (`web-contents-created`): the page cannot
 * navigate away from our own pages, open windows, or attach a <webview>.
 */
export function hardenWebContents(contents: WebContents, trust: PageTrust): void {
  const keepOnOwnPages = (event: { url: string; preventDefault(): void }) => {
    if (isOwnPageUrl(event.url, trust)) return;
    event.preventDefault();
    openExternalIfAllowed(event.url);
  };
  contents.on('will-navigate', keepOnOwnPages);
  contents.on('will-redirect', keepOnOwnPages);
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfAllowed(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export interface MainWindowOptions {
  preloadFile: string;
  /** app://switchboard/index.html, or the dev server's URL when not packaged. */
  entryUrl: string;
}

export const MAIN_WINDOW_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  // Chromium's spellchecker downloads dictionaries from Google and flags every customer name;
  // an offline-first call-center tool is better without it.
  spellcheck: false,
} as const;

/** The window stays hidden until its first paint is ready (`ready-to-show`). */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Switchboard',
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: { ...MAIN_WINDOW_WEB_PREFERENCES, preload: options.preloadFile },
  });
  window.once('ready-to-show', () => window.show());
  window.loadURL(options.entryUrl).catch((error: unknown) => {
    log.error({ err: error }, `could not load ${options.entryUrl}`);
  });
  return window;
}
