/**
 * Which central store this workstation syncs with, and as whom, from the settings the browser host
 * and Electron read (`--server` / SWITCHBOARD_SERVER, SWITCHBOARD_USER, SWITCHBOARD_PASSWORD).
 *
 * Interim until issue 5 (a sign-in screen, the password kept with Electron's safeStorage): the
 * credentials come from the environment. For a store on this computer (loopback) the demo CSR
 * account the store creates on first start is the default, so `npm start` works out of the box;
 * for any other address both must be given, because guessing an account on a real store is wrong.
 */
import { fail, ok, type Result } from '../../../src-shared/result';
import { normalizeServerUrl } from './store-client';

/** The demo CSR the store creates on an empty database (server/src/auth/users.ts DEMO_USERS). */
export const DEMO_CSR = { username: 'csr', password: 'csr-demo' } as const;

export interface StoreSettingsInput {
  server?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
}

export interface StoreSettings {
  serverUrl: string;
  username: string;
  password: string;
  /** True when the demo account was assumed (the store is on this computer and none was given). */
  demoAccount: boolean;
}

export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** null: no store configured (the cache works alone). A failure's message says what to set. */
export function storeSettingsFrom(input: StoreSettingsInput): Result<StoreSettings | null> {
  const server = input.server?.trim();
  if (!server) return ok(null);
  let serverUrl: string;
  try {
    serverUrl = normalizeServerUrl(server);
  } catch (e) {
    const why = e instanceof Error && e.message.startsWith('The central') ? e.message : `"${server}" is not a URL such as http://127.0.0.1:5179.`;
    return fail('invalid_input', `The central store's address is not usable: ${why}`, 'server');
  }
  const username = input.username?.trim() || undefined;
  const password = input.password || undefined;
  if (username && password) return ok({ serverUrl, username, password, demoAccount: false });
  if (!username && !password && isLoopbackUrl(serverUrl)) return ok({ serverUrl, ...DEMO_CSR, demoAccount: true });
  const missing = [username ? null : 'SWITCHBOARD_USER', password ? null : 'SWITCHBOARD_PASSWORD'].filter((s) => s !== null).join(' and ');
  return fail(
    'invalid_input',
    `To sync with the central store at ${serverUrl}, set ${missing} to the Switchboard account this workstation signs in with` +
      (isLoopbackUrl(serverUrl) ? ' (or set neither to use the demo CSR account).' : '.'),
    'credentials',
  );
}
