import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLAINTEXT_WARNING, SafeStorageSecrets, type SafeStorageLike } from '../../src-main/electron/secret-file';

function storage(backend: string, available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (plain) => Buffer.from(`enc:${plain}`),
    decryptString: (data) => {
      const text = data.toString();
      if (!text.startsWith('enc:')) throw new Error('cannot decrypt');
      return text.slice(4);
    },
    getSelectedStorageBackend: () => backend,
  };
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-secrets-'));
  file = join(dir, 'secrets.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('secrets kept with safeStorage', () => {
  it('are encrypted on disk by the OS key store and read back by the next run', () => {
    const first = new SafeStorageSecrets(file, storage('gnome_libsecret'), 'linux');
    expect(first.kind).toBe('os');
    expect(first.warning).toBeNull();
    first.set('workstation-token http://store', 'tok-123');
    const onDisk = readFileSync(file, 'utf8');
    expect(onDisk).not.toContain('tok-123');
    expect(new SafeStorageSecrets(file, storage('gnome_libsecret'), 'linux').get('workstation-token http://store')).toBe('tok-123');
    first.delete('workstation-token http://store');
    expect(new SafeStorageSecrets(file, storage('gnome_libsecret'), 'linux').get('workstation-token http://store')).toBeNull();
  });

  it('stay in memory with a warning when the key store falls back to plaintext, or there is none', () => {
    for (const secrets of [new SafeStorageSecrets(file, storage('basic_text'), 'linux'), new SafeStorageSecrets(file, storage('', false), 'win32')]) {
      expect(secrets.kind).toBe('plaintext');
      expect(secrets.warning).toBe(PLAINTEXT_WARNING);
      secrets.set('t', 'secret');
      expect(secrets.get('t')).toBe('secret');
      expect(existsSync(file)).toBe(false);
    }
  });

  it('drop a value encrypted under another key instead of failing to start', () => {
    writeFileSync(file, JSON.stringify({ good: Buffer.from('enc:yes').toString('base64'), foreign: Buffer.from('other-key').toString('base64') }));
    const secrets = new SafeStorageSecrets(file, storage('kwallet5'), 'linux');
    expect(secrets.get('good')).toBe('yes');
    expect(secrets.get('foreign')).toBeNull();
  });
});
