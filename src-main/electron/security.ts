/**
 * The shell's trust decisions, as small pure functions so each one has a unit test
 * (tests/unit/electron-security.test.ts). Nothing here imports Electron.
 */
import { CONTENT_SECURITY_POLICY } from '../../src-shared/security/csp';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** The built renderer is served from this privileged scheme, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'switchboard';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The policy sent with every response from our origin. No 'unsafe-inline', no 'unsafe-eval':
 * the renderer is a bundle of files from 'self'. React's `style={...}` goes through the CSSOM,
 * which style-src does not govern, so 'self' is enough for styles too.
 */
export { CONTENT_SECURITY_POLICY };

/**
 * Only for `electron-vite dev` (never when packaged): Vite's dev server injects an inline
 * React-refresh preamble and talks to its HMR socket, which the strict policy would block.
 * Still no 'unsafe-eval', and still nothing from any other origin.
 */
export function devContentSecurityPolicy(devServerUrl: string): string {
  const dev = new URL(devServerUrl);
  const socket = `${dev.protocol === 'https:' ? 'wss:' : 'ws:'}//${dev.host}`;
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    .replace("connect-src 'self'", `connect-src 'self' ${socket}`);
}

export interface PageTrust {
  /** The dev server's URL; only set when the app is not packaged. */
  devServerUrl?: string | undefined;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Is this URL one of our own pages? Node's URL gives custom schemes an opaque origin ("null"),
 * so app:// is compared by scheme and host rather than by `origin`.
 */
export function isOwnPageUrl(url: string, trust: PageTrust): boolean {
  const parsed = parse(url);
  if (!parsed || parsed.username || parsed.password) return false;
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true;
  if (trust.devServerUrl) {
    const dev = parse(trust.devServerUrl);
    return dev !== null && (dev.protocol === 'http:' || dev.protocol === 'https:') && parsed.origin === dev.origin;
  }
  return false;
}

/** What of Electron's WebFrameMain the sender check reads. */
export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * An IPC message is trusted only from the top-level frame of our own page: not from an iframe
 * (even one of ours), not from a page the window was somehow navigated to, not from a frame
 * that is already gone (`senderFrame` is null after navigation or destruction).
 */
export function isTrustedSender(
  senderFrame: FrameLike | null | undefined,
  mainFrame: FrameLike | null | undefined,
  trust: PageTrust,
): boolean {
  if (!senderFrame) return false;
  const topLevel = senderFrame === mainFrame || senderFrame.parent === null;
  return topLevel && isOwnPageUrl(senderFrame.url, trust);
}

/**
 * Links the renderer may hand to the operating system: http(s) only, parsed, no credentials.
 * Everything else (file:, javascript:, smb:, custom schemes) could run or mount something.
 */
export function isAllowedExternalUrl(url: string): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (parsed.username || parsed.password) return false;
  return parsed.hostname.length > 0;
}

export const DEEP_LINK_SCHEME = 'switchboard';
/** Longest `from` accepted; the same as the phone field's limit (LIMITS.phoneRaw). */
export const DEEP_LINK_FROM_MAX = 40;
const PHONE_CHARACTERS = /^[0-9+()\-.\s]+$/;

export type DeepLink = { kind: 'call'; from: string };

export type DeepLinkParse = { ok: true; link: DeepLink } | { ok: false; reason: string };

/**
 * `switchboard://call?from=+442079460958` from the telephony system. Only the `call` action and
 * a `from` of phone characters; anything else is refused with a reason for the log.
 */
export function parseDeepLink(url: string): DeepLinkParse {
  const parsed = parse(url);
  if (!parsed) return { ok: false, reason: 'not a URL' };
  if (parsed.protocol !== `${DEEP_LINK_SCHEME}:`) return { ok: false, reason: `scheme ${parsed.protocol} is not ${DEEP_LINK_SCHEME}:` };
  if (parsed.username || parsed.password) return { ok: false, reason: 'credentials are not allowed' };
  // switchboard://call?… (host "call") and switchboard:call?… (path "call") are the same action.
  const action = parsed.host !== '' ? (parsed.pathname === '' || parsed.pathname === '/' ? parsed.host : null) : parsed.pathname;
  if (action?.toLowerCase() !== 'call') return { ok: false, reason: 'the only action is "call"' };
  const values = rawQueryValues(parsed.search, 'from');
  if (values === null) return { ok: false, reason: 'the query is not valid percent-encoding' };
  if (values.length !== 1) return { ok: false, reason: 'exactly one "from" parameter is required' };
  const from = (values[0] ?? '').trim();
  if (from.length === 0 || from.length > DEEP_LINK_FROM_MAX) {
    return { ok: false, reason: `"from" must be 1 to ${DEEP_LINK_FROM_MAX} characters` };
  }
  if (!PHONE_CHARACTERS.test(from) || !/[0-9]/.test(from)) return { ok: false, reason: '"from" is not a phone number' };
  return { ok: true, link: { kind: 'call', from } };
}

/**
 * Query values decoded without URLSearchParams' form rule that "+" means a space: dialers send
 * `from=+442079460958` unencoded, and that plus is the international prefix.
 */
function rawQueryValues(search: string, name: string): string[] | null {
  const values: string[] = [];
  for (const pair of search.replace(/^\?/, '').split('&')) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (key !== name) continue;
    try {
      values.push(decodeURIComponent(eq === -1 ? '' : pair.slice(eq + 1)));
    } catch {
      return null;
    }
  }
  return values;
}

/** Windows and Linux pass the deep link as a command-line argument; take the last one. */
export function findDeepLinkArgument(argv: readonly string[]): string | null {
  for (let i = argv.length - 1; i >= 0; i--) {
    const arg = argv[i];
    if (arg !== undefined && arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) return arg;
  }
  return null;
}

/**
 * Maps an app:// request to a file inside the built renderer folder, or null. Decoded segments
 * that climb out of the folder ("..", encoded "%2e%2e", absolute paths) are refused.
 */
export function resolveRendererFile(rendererRoot: string, requestUrl: string): string | null {
  const parsed = parse(requestUrl);
  if (!parsed || parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relativePath = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = resolve(rendererRoot);
  const file = resolve(root, relativePath);
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) return null;
  return file;
}

/** ISO 3166 region for phone parsing: SWITCHBOARD_REGION, else the OS locale's, else US. */
export function chooseDefaultRegion(sources: {
  envRegion?: string | undefined;
  localeCountryCode?: string | undefined;
  systemLocale?: string | undefined;
}): string {
  const region = /^[A-Za-z]{2}$/;
  if (sources.envRegion && region.test(sources.envRegion.trim())) return sources.envRegion.trim().toUpperCase();
  if (sources.localeCountryCode && region.test(sources.localeCountryCode)) return sources.localeCountryCode.toUpperCase();
  if (sources.systemLocale) {
    try {
      const fromLocale = new Intl.Locale(sources.systemLocale.replace('_', '-')).region;
      if (fromLocale && region.test(fromLocale)) return fromLocale.toUpperCase();
    } catch {
      // Not a BCP 47 tag: fall through to the default.
    }
  }
  return 'US';
}

/**
 * `electron-vite dev` sets ELECTRON_RENDERER_URL. It is honoured only when not packaged, and only
 * for a loopback http(s) URL, so a stray environment variable cannot point the app elsewhere.
 */
export function devServerUrlFrom(env: { ELECTRON_RENDERER_URL?: string | undefined }, isPackaged: boolean): string | undefined {
  if (isPackaged || !env.ELECTRON_RENDERER_URL) return undefined;
  const url = parse(env.ELECTRON_RENDERER_URL);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return undefined;
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  return loopback ? url.href : undefined;
}
