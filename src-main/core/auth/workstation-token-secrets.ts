/**
 * WorkstationTokenSecrets: the workstation's sync token for one central store, kept in the secret
 * store (the OS keychain) with when it expires and the token its next renewal puts in its place
 * (issues 5 and 18). The session keeper keeps what an online sign-in hands over and what a sync
 * renewal gives back; the tokens held here are this workstation's proof when someone signs in.
 */
import { makeWorkstationToken } from '../sync/workstation-token';
import type { SecretStore } from './secret-store';

const TOKEN_SECRET = (serverUrl: string) => `workstation-token ${serverUrl}`;
const TOKEN_EXPIRY_SECRET = (serverUrl: string) => `workstation-token-expires ${serverUrl}`;
/**
 * The token sync's next renewal puts in place of the current one, made and kept here before that
 * renewal is asked (issue 18): a renewal whose answer is lost, or a process killed before it kept
 * the answer, leaves the store with a token this workstation still holds.
 */
const NEXT_TOKEN_SECRET = (serverUrl: string) => `workstation-token-next ${serverUrl}`;

export class WorkstationTokenSecrets {
  constructor(
    private readonly secrets: SecretStore,
    private readonly serverUrl: string,
    private readonly now: () => number,
  ) {}

  /** The token kept now, or null. */
  current(): string | null {
    return this.secrets.get(TOKEN_SECRET(this.serverUrl));
  }

  /**
   * The token kept from an earlier run, how long it still works (unknown when no expiry was kept)
   * and the next one for its renewal (see nextFor).
   */
  kept(): { token: string | null; expiresInMs: number | undefined; next: string | null } {
    const expiresAt = Number(this.secrets.get(TOKEN_EXPIRY_SECRET(this.serverUrl)) ?? NaN);
    const token = this.current();
    return { token, expiresInMs: Number.isFinite(expiresAt) ? Math.max(1, expiresAt - this.now()) : undefined, next: token === null ? null : this.nextFor(token) };
  }

  /** Keeps `token` as the workstation's, and a fresh next one for its renewal; returns that one. */
  keep(token: string, expiresInMs: number | undefined): string {
    const url = this.serverUrl;
    this.secrets.set(TOKEN_SECRET(url), token);
    if (expiresInMs === undefined) this.secrets.delete(TOKEN_EXPIRY_SECRET(url));
    else this.secrets.set(TOKEN_EXPIRY_SECRET(url), String(this.now() + expiresInMs));
    const next = makeWorkstationToken();
    this.secrets.set(NEXT_TOKEN_SECRET(url), next);
    return next;
  }

  /**
   * The next token kept for `token`'s renewal. One kept from an earlier run is kept as it is (the
   * store may hold it already: a renewal whose answer was lost); a new one is made only when there
   * is none, or when it is the current token itself (stopped between keeping a renewal and making
   * its successor).
   */
  private nextFor(token: string): string {
    const kept = this.secrets.get(NEXT_TOKEN_SECRET(this.serverUrl));
    if (kept !== null && kept !== token) return kept;
    const next = makeWorkstationToken();
    this.secrets.set(NEXT_TOKEN_SECRET(this.serverUrl), next);
    return next;
  }

  /** The tokens this workstation holds, sent as its proof when someone signs in online (issue 18). */
  proofs(): [string | null, string | null] {
    return [this.current(), this.secrets.get(NEXT_TOKEN_SECRET(this.serverUrl))];
  }
}
