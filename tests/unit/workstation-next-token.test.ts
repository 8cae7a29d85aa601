/**
 * Main keeps, beside the workstation token, the token sync's next renewal puts in its place
 * (issue 18, item 2): made and kept before that renewal is asked, and kept as it is across a
 * restart, so a renewal the store made whose answer never arrived leaves the store with a token
 * this workstation still holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../src-main/core/auth/secret-store';
import { SessionKeeper } from '../../src-main/core/auth/session-keeper';
import { normalizeServerUrl } from '../../src-main/core/sync/store-client';
import { ok } from '../../src-shared/result';

const URL = normalizeServerUrl('http://127.0.0.1:9');
const TOKEN = `workstation-token ${URL}`;
const NEXT = `workstation-token-next ${URL}`;

type Handed = { token: string | null; expiresInMs: number | undefined; nextToken: string | null | undefined };

const keepers: SessionKeeper[] = [];
afterEach(() => {
  for (const keeper of keepers.splice(0)) keeper.stop();
});

function keeper(secrets: MemorySecretStore, handed: Handed[]): SessionKeeper {
  const k = new SessionKeeper({
    serverUrl: URL,
    workstation: async () => ({ id: '00000000-0000-4000-8000-000000000001', name: 'Desk' }),
    users: async () => ok([]),
    secrets,
    idleCheckMs: 60_000,
    onWorkstationToken: (token, expiresInMs, nextToken) => handed.push({ token, expiresInMs, nextToken }),
  });
  keepers.push(k);
  return k;
}

describe('the next workstation token main keeps', () => {
  it('is kept as it is across a restart: the store may hold it already', async () => {
    const secrets = new MemorySecretStore();
    secrets.set(TOKEN, 'current-token-aaaaaaaaaaaaaaaa');
    secrets.set(NEXT, 'next-token-bbbbbbbbbbbbbbbbbbbb');
    const handed: Handed[] = [];
    await keeper(secrets, handed).start();
    expect(handed).toEqual([{ token: 'current-token-aaaaaaaaaaaaaaaa', expiresInMs: undefined, nextToken: 'next-token-bbbbbbbbbbbbbbbbbbbb' }]);
    expect(secrets.get(NEXT)).toBe('next-token-bbbbbbbbbbbbbbbbbbbb');
  });

  it('is made when there is none, or when it is the current token itself (stopped between the two writes)', async () => {
    for (const kept of [null, 'current-token-aaaaaaaaaaaaaaaa']) {
      const secrets = new MemorySecretStore();
      secrets.set(TOKEN, 'current-token-aaaaaaaaaaaaaaaa');
      if (kept !== null) secrets.set(NEXT, kept);
      const handed: Handed[] = [];
      await keeper(secrets, handed).start();
      const next = handed[0]?.nextToken;
      expect(next).toEqual(expect.any(String));
      expect(next).not.toBe('current-token-aaaaaaaaaaaaaaaa');
      expect(secrets.get(NEXT)).toBe(next);
    }
  });

  it('after a renewal: the renewed token is kept and sync gets it back with a fresh next one, kept before it is handed over', async () => {
    const secrets = new MemorySecretStore();
    secrets.set(TOKEN, 'current-token-aaaaaaaaaaaaaaaa');
    secrets.set(NEXT, 'next-token-bbbbbbbbbbbbbbbbbbbb');
    const handed: Handed[] = [];
    const k = keeper(secrets, handed);
    await k.start();
    k.workstationTokenRenewed({ token: 'next-token-bbbbbbbbbbbbbbbbbbbb', replaced: 'current-token-aaaaaaaaaaaaaaaa', expiresInMs: 86_400_000 });
    expect(secrets.get(TOKEN)).toBe('next-token-bbbbbbbbbbbbbbbbbbbb');
    const last = handed.at(-1)!;
    expect(last).toMatchObject({ token: 'next-token-bbbbbbbbbbbbbbbbbbbb', expiresInMs: 86_400_000 });
    expect(last.nextToken).toEqual(expect.any(String));
    expect(last.nextToken).not.toBe('next-token-bbbbbbbbbbbbbbbbbbbb');
    expect(secrets.get(NEXT)).toBe(last.nextToken);
  });

  it('a renewal of a token a sign-in has replaced meanwhile is not kept', async () => {
    const secrets = new MemorySecretStore();
    secrets.set(TOKEN, 'signed-in-token-cccccccccccccc');
    secrets.set(NEXT, 'next-token-dddddddddddddddddddd');
    const handed: Handed[] = [];
    const k = keeper(secrets, handed);
    await k.start();
    k.workstationTokenRenewed({ token: 'next-token-bbbbbbbbbbbbbbbbbbbb', replaced: 'current-token-aaaaaaaaaaaaaaaa', expiresInMs: 86_400_000 });
    expect(secrets.get(TOKEN)).toBe('signed-in-token-cccccccccccccc');
    expect(secrets.get(NEXT)).toBe('next-token-dddddddddddddddddddd');
    expect(handed).toHaveLength(1);
  });
});
