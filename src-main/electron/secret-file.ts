/**
 * Secrets kept with Electron's safeStorage (issue 5): each value encrypted by the operating
 * system's key store (Keychain, DPAPI, libsecret/kwallet) and written to one JSON file in the
 * user-data folder. Where safeStorage has no real key store — not available at all, or Linux's
 * `basic_text` fallback, which encrypts with a fixed key — nothing is written to disk: secrets stay
 * in memory for this run and the sign-in screen says so.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretStorageKind } from '../../src-shared/contracts/auth';
import type { SecretStore } from '../core/auth/secret-store';
import { logger } from '../core/log/logger';

/** The part of Electron's safeStorage this uses (injected, so tests can drive it). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

export const PLAINTEXT_WARNING =
  'This computer has no usable key store (keychain) for Switchboard’s sign-in tokens, so they are kept in memory only: after a restart sync waits until someone signs in online.';

export class SafeStorageSecrets implements SecretStore {
  readonly kind: SecretStorageKind;
  readonly warning: string | null;
  private readonly values = new Map<string, string>();

  constructor(
    private readonly file: string,
    private readonly storage: SafeStorageLike,
    platform: NodeJS.Platform = process.platform,
  ) {
    const backend = platform === 'linux' ? storage.getSelectedStorageBackend?.() : undefined;
    const usable = storage.isEncryptionAvailable() && backend !== 'basic_text' && backend !== 'unknown';
    this.kind = usable ? 'os' : 'plaintext';
    this.warning = usable ? null : PLAINTEXT_WARNING;
    if (usable) this.load();
  }

  get(name: string): string | null {
    return this.values.get(name) ?? null;
  }

  set(name: string, value: string): void {
    this.values.set(name, value);
    this.save();
  }

  delete(name: string): void {
    if (this.values.delete(name)) this.save();
  }

  private load(): void {
    if (!existsSync(this.file)) return;
    try {
      const stored = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      if (typeof stored !== 'object' || stored === null) return;
      for (const [name, value] of Object.entries(stored)) {
        if (typeof value !== 'string') continue;
        try {
          this.values.set(name, this.storage.decryptString(Buffer.from(value, 'base64')));
        } catch {
          // Encrypted under another key (a restored profile): that secret is gone; sign in again.
        }
      }
    } catch (e) {
      // Not the error itself: JSON.parse quotes the file's text in its message.
      const reason = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.name : 'unknown');
      logger('secrets').error({ reason }, 'the secrets file could not be read; sign in online again to renew it');
    }
  }

  private save(): void {
    if (this.kind !== 'os') return;
    const out: Record<string, string> = {};
    for (const [name, value] of this.values) out[name] = this.storage.encryptString(value).toString('base64');
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(out), { mode: 0o600 });
    renameSync(temp, this.file);
  }
}
