/**
 * The real central store for sync tests: buildServer over PGlite in a data directory, listening on
 * 127.0.0.1 over real HTTP. It can be stopped and started again on the same data directory and
 * port, which is what a workstation sees when the store restarts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildServer, type BuildServerOptions } from '../../server/src/app';
import { createUser } from '../../server/src/auth/users';
import { openStore, type Store } from '../../server/src/db/connect';
import { queryRows } from './server-db';
import { MANY_NEW_WORKSTATIONS } from './store-auth';
import type { UserRole } from '../../src-shared/contracts/server-auth';

export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

export class StoreServer {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sync-store-'));

  /** `port`: listen where another store listened before (a store replaced behind the same address). */
  /** `options`: anything else buildServer takes (limits a test wants small). */
  constructor(
    private port = 0,
    private readonly options: Omit<BuildServerOptions, 'store'> = {},
  ) {}

  private app: FastifyInstance | undefined;
  private opened: Store | undefined;

  get listeningPort(): number {
    return this.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get store(): Store {
    if (!this.opened) throw new Error('The test store is not running.');
    return this.opened;
  }

  get running(): boolean {
    return this.app !== undefined;
  }

  /** Opens the data directory and listens (on the same port as before after a restart). */
  async start(): Promise<void> {
    this.opened = await openStore({ dataDir: this.dataDir });
    this.app = buildServer({ logger: false, newWorkstationLimit: MANY_NEW_WORKSTATIONS, ...this.options, store: this.opened });
    await this.app.listen({ host: '127.0.0.1', port: this.port });
    this.port = (this.app.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.opened?.close();
    this.app = undefined;
    this.opened = undefined;
  }

  async addUser(username: string, password: string, role: UserRole = 'csr'): Promise<void> {
    await createUser(this.store.db, { username, displayName: username, role, password }, FAST_SCRYPT);
  }

  rows<T>(query: SQL): Promise<T[]> {
    return queryRows<T>(this.store, query);
  }

  async count(query: SQL): Promise<number> {
    const [row] = await this.rows<{ n: string | number }>(query);
    return Number(row?.n ?? 0);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
