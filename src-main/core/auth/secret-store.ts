/**
 * Where the workstation keeps its secrets (the store's workstation token). Electron keeps them
 * encrypted with safeStorage (src-main/electron/secret-file.ts); the browser host keeps them in
 * memory only, so nothing survives a restart there.
 */
import type { SecretStorageKind } from '../../../src-shared/contracts/auth';

export interface SecretStore {
  readonly kind: SecretStorageKind;
  /** A sentence to show when secrets are not protected by the operating system, else null. */
  readonly warning: string | null;
  get(name: string): string | null;
  set(name: string, value: string): void;
  delete(name: string): void;
}

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory' as const;
  readonly warning = null;
  private readonly values = new Map<string, string>();

  get(name: string): string | null {
    return this.values.get(name) ?? null;
  }

  set(name: string, value: string): void {
    this.values.set(name, value);
  }

  delete(name: string): void {
    this.values.delete(name);
  }
}
