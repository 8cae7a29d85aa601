/**
 * Which central store this workstation syncs with, from the setting the browser host and Electron
 * read (`--server` / SWITCHBOARD_SERVER). Who signs in is no longer a setting (issue 5): people
 * sign in on the sign-in screen, and sync uses the workstation token the first online sign-in
 * gives.
 */
import { fail, ok, type Result } from '../../../src-shared/result';
import { normalizeServerUrl } from './store-client';

export interface StoreSettingsInput {
  server?: string | undefined;
}

export interface StoreSettings {
  serverUrl: string;
}

export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** null: no store configured (the cache works alone). A failure's message says what to fix. */
export function storeSettingsFrom(input: StoreSettingsInput): Result<StoreSettings | null> {
  const server = input.server?.trim();
  if (!server) return ok(null);
  try {
    return ok({ serverUrl: normalizeServerUrl(server) });
  } catch (e) {
    const why = e instanceof Error && e.message.startsWith('The central') ? e.message : `"${server}" is not a URL such as http://127.0.0.1:5179.`;
    return fail('invalid_input', `The central store's address is not usable: ${why}`, 'server');
  }
}

/** The idle time before a session locks, from SWITCHBOARD_IDLE_LOCK_SECONDS or a flag. */
export function idleLockMsFrom(raw: string | undefined): Result<number | undefined> {
  if (raw === undefined || raw.trim() === '') return ok(undefined);
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 24 * 3600) {
    return fail('invalid_input', `The idle lock must be a whole number of seconds from 1 to 86400, not "${raw}".`, 'idle-lock-seconds');
  }
  return ok(seconds * 1000);
}
