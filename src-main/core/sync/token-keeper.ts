/**
 * TokenKeeper: the workstation token sync signs its requests with (issues 4, 5 and 18). It signs
 * in when there is none (password credentials), signs every request and signs in again once on a
 * 401 (withToken), renews the token half-way through its life with a next token made and kept
 * beforehand, and settles a renewal whose answer was lost.
 */
import type Database from 'better-sqlite3';
import { CycleFailure } from './cycle-failure';
import type { StoreClient, StoreResult } from './store-client';
import { makeWorkstationToken, workstationTokenHash } from './workstation-token';

/**
 * How sync signs in to the store.
 * - `token`: the workstation token a person's online sign-in gave (issue 5); null until someone
 *   signs in online here. A refused token is dropped and sync waits for the next sign-in.
 * - `password`: headless tools (the bench, the fault-injection clients) sign in as a fixed
 *   account, registering the workstation, and use the workstation token that gives.
 */
export type SyncCredentials =
  /** `nextToken`: the token main made and kept for this one's renewal (issue 18). */
  | { kind: 'token'; token: string | null; nextToken?: string | null | undefined }
  | { kind: 'password'; username: string; password: string; workstationName?: string };

/** After a renewal refused because a sign-in replaced the token: ask again no sooner than this. */
const RENEWAL_RETRY_MS = 60_000;
/** cache_meta key of the workstation token a password-credentials engine holds (its proof at the next sign-in). */
export const HELD_TOKEN_KEY = 'sync_workstation_token';
/** cache_meta key of the token a password-credentials engine made for its next renewal. */
export const HELD_NEXT_TOKEN_KEY = 'sync_workstation_next_token';

/** One token kept by a password-credentials engine. */
export interface HeldToken {
  get: () => string | null;
  set: (token: string) => void;
}

/** The held token and the held next token, kept in the cache's cache_meta. */
export function heldTokensIn(cache: Database.Database): { token: HeldToken; next: HeldToken } {
  const getHeld = cache.prepare<[string], string>(`SELECT value FROM cache_meta WHERE key = ?`).pluck();
  const setHeld = cache.prepare(`INSERT INTO cache_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
  const held = (key: string): HeldToken => ({ get: () => getHeld.get(key) ?? null, set: (token) => void setHeld.run(key, token) });
  return { token: held(HELD_TOKEN_KEY), next: held(HELD_NEXT_TOKEN_KEY) };
}

export interface TokenKeeperOptions {
  store: Pick<StoreClient, 'login' | 'renewWorkstationToken'>;
  credentials: SyncCredentials;
  /** This cache's client id: the workstation's id when password credentials sign in. */
  clientId: string;
  /** Password credentials: the token last issued and the next one, kept across runs (heldTokensIn). */
  held: { token: HeldToken; next: HeldToken };
  now: () => number;
  log: (message: string) => void;
  /** The store refused the workstation token it was given (kind 'token'). */
  onTokenRefused?: (() => void) | undefined;
  /** The token was swapped for a fresh one (kind 'token'): main keeps it instead of the old one. */
  onTokenRenewed?: ((renewal: { token: string; replaced: string; expiresInMs: number }) => void) | undefined;
}

export class TokenKeeper {
  private token: string | null = null;
  /** The token main handed over (credentials kind 'token'). */
  private givenToken: string | null = null;
  /**
   * When to swap the token for a fresh one (this machine's clock): half-way through its life, so a
   * store unreachable for a while still leaves time (issue 18). 0: as soon as possible (a token
   * kept from an earlier run, whose expiry is not known here).
   */
  private renewAt = 0;
  /**
   * The token that replaces this one at its renewal, made and kept before the renewal is asked
   * (issue 18): by main with the token it hands over (credentials kind 'token'), by the engine in
   * the cache (kind 'password'). The renewal sends only its hash, so asked again after a lost
   * answer or a crash it names the same token, and whichever of the two the store ended up with,
   * this workstation holds it. Null until main hands the next one after a renewal.
   */
  private nextToken: string | null = null;

  constructor(private readonly options: TokenKeeperOptions) {
    const credentials = options.credentials;
    if (credentials.kind === 'token') {
      this.token = credentials.token;
      this.givenToken = credentials.token;
      this.nextToken = credentials.nextToken ?? null;
    } else {
      this.nextToken = options.held.next.get();
      // None yet, or the held token is it already (stopped between keeping a renewal and making the next one).
      if (this.nextToken === null || this.nextToken === options.held.token.get()) {
        this.nextToken = makeWorkstationToken();
        options.held.next.set(this.nextToken);
      }
    }
  }

  /** The token requests are signed with now, or null (signed out, or not signed in yet). */
  get current(): string | null {
    return this.token;
  }

  /**
   * A person signed in online and the store gave this workstation a (new) token, or main kept the
   * one sync renewed; `nextToken` is the one main made and kept for its renewal. False (and nothing
   * changes) for password credentials, which sign in on their own.
   */
  hand(token: string | null, expiresInMs?: number, nextToken?: string | null): boolean {
    if (this.options.credentials.kind !== 'token') return false;
    this.givenToken = token;
    this.token = token;
    this.nextToken = nextToken ?? null;
    this.renewAt = expiresInMs === undefined ? 0 : this.options.now() + expiresInMs / 2;
    return true;
  }

  /** The store refused the sign-in: nothing to sign with until someone signs in again. */
  forget(): void {
    this.token = null;
  }

  /**
   * Renews the workstation token once it is half-way through its life (issue 18), before anything
   * else in the cycle: nothing waits for a person to sign in, and no write waits (the outbox is
   * untouched; the replaced token keeps a short grace for requests in flight, which are also
   * retried with the new one). The new token is the one made and kept beforehand (nextToken), so
   * this is idempotent: unreachable or a lost answer, the same renewal is asked next cycle.
   * Refused: the store may hold the next token already (an answer lost before a restart); else the
   * token is dropped as any refused token is.
   */
  async renewIfDue(): Promise<void> {
    const token = this.token;
    const next = this.nextToken;
    if (!token || this.options.now() < this.renewAt) return;
    // None yet: main hands one with the token it keeps after a renewal (a moment later).
    if (!next || next === token) return;
    const r = await this.options.store.renewWorkstationToken(token, workstationTokenHash(next));
    // Main handed over another token meanwhile (someone signed in): the store's current token is
    // that one (a renewal after the sign-in is refused as replaced); renew it next cycle.
    if (this.token !== token) {
      this.renewAt = 0;
      return;
    }
    if (r.ok) {
      this.renewed(next, token, r.value.expiresInMs);
      return;
    }
    if (r.failure.kind === 'auth') {
      if (await this.settleWithNext(token)) return;
      this.drop(token);
      await this.signedIn();
      return;
    }
    if (r.failure.code === 'conflict') {
      // A sign-in here replaced the token after this renewal was asked: main hands that one over.
      this.renewAt = this.options.now() + RENEWAL_RETRY_MS;
    }
    this.options.log(`could not renew the workstation token yet (${r.failure.message}); the current one is kept`);
  }

  /**
   * The store refused `refused`. If this workstation made a next token, the store may hold that
   * one instead: a renewal it made whose answer never arrived (a lost answer, then the replaced
   * token's grace ran out; a process killed before it kept the answer). Asking that renewal again
   * with the next token itself changes nothing on the store and says whether it works; if it does,
   * it is kept as the current token. True when it was.
   */
  async settleWithNext(refused: string): Promise<boolean> {
    const next = this.nextToken;
    if (!next || next === refused || this.token !== refused) return false;
    const r = await this.options.store.renewWorkstationToken(next, workstationTokenHash(next));
    if (!r.ok || this.token !== refused) return false;
    this.options.log('the workstation token was renewed earlier but its answer was lost; the renewed one is kept');
    this.renewed(next, refused, r.value.expiresInMs);
    return true;
  }

  private renewed(token: string, replaced: string, expiresInMs: number): void {
    this.adopt(token, expiresInMs);
    if (this.options.credentials.kind === 'token') {
      this.givenToken = token;
      // Main keeps the renewed token and hands it back with a new next one.
      this.nextToken = null;
      this.options.onTokenRenewed?.({ token, replaced, expiresInMs });
    }
  }

  private adopt(token: string, expiresInMs: number | undefined): void {
    this.token = token;
    this.renewAt = expiresInMs === undefined ? 0 : this.options.now() + expiresInMs / 2;
    if (this.options.credentials.kind === 'password') {
      this.options.held.token.set(token);
      // The next renewal's token, kept before that renewal is ever asked.
      if (this.nextToken === null || this.nextToken === token) {
        this.nextToken = makeWorkstationToken();
        this.options.held.next.set(this.nextToken);
      }
    }
  }

  /** The token to sign with, signing in first with password credentials when there is none. */
  async signedIn(): Promise<string> {
    if (this.token) return this.token;
    const credentials = this.options.credentials;
    if (credentials.kind === 'token') {
      throw new CycleFailure(
        { kind: 'auth', status: null, code: 'unauthenticated', message: 'Sync waits for someone to sign in online on this workstation.' },
        true,
      );
    }
    const workstation = { id: this.options.clientId, name: credentials.workstationName ?? 'Workstation' };
    const r = await this.options.store.login(credentials.username, credentials.password, workstation, undefined, this.options.held.token.get(), this.nextToken);
    if (r.ok) {
      const token = r.value.workstationToken ?? r.value.token;
      this.adopt(token, r.value.workstationTokenExpiresInMs);
      return token;
    }
    // 401 (wrong name or password, inactive user) or a 4xx about the credentials themselves.
    if (r.failure.kind !== 'transient') {
      throw new CycleFailure({ ...r.failure, message: `The central store refused the sign-in of “${credentials.username}”: ${r.failure.message}` }, true);
    }
    throw new CycleFailure(r.failure);
  }

  /** Runs a request with the workstation token, signing in again once when the store says 401. */
  async withToken<T>(request: (token: string) => Promise<StoreResult<T>>): Promise<StoreResult<T>> {
    const token = await this.signedIn();
    const first = await request(token);
    if (first.ok || first.failure.kind !== 'auth') return first;
    if (await this.settleWithNext(token)) return request(this.token ?? (await this.signedIn()));
    this.drop(token);
    return request(await this.signedIn());
  }

  /** The store refused `token`: a given one is forgotten (main too), a password one is renewed. */
  drop(token: string): void {
    if (this.token === token) this.token = null;
    if (this.options.credentials.kind === 'token' && this.givenToken === token) {
      this.givenToken = null;
      this.options.onTokenRefused?.();
    }
  }
}
