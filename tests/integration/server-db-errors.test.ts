/**
 * Database failures on the central store, on both backends (issue 18, items 3 and 12):
 * - an entry whose data the database refuses (SQLSTATE class 22/23) is rejected for good, and the
 *   entries after it are applied: it never answers 503 and holds the queue behind it;
 * - a failed insert is logged by its SQLSTATE and SQL text, never its parameters (a password hash).
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../server/src/app';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { classifyDbError, sqlState } from '../../server/src/db/db-errors';
import { customers, users } from '../../server/src/db/schema';
import { toEnvelope } from '../../server/src/http/errors';
import { serializeError } from '../../server/src/http/log-errors';
import { pushResponse, type PushedMutation } from '../../src-shared/contracts/sync-protocol';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend, type StoreLocation } from '../helpers/server-db';
import { workstationToken } from '../helpers/store-auth';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };
const T0 = Date.UTC(2026, 2, 10, 9, 0, 0);
const REFUSED_BODY = 'the store refuses this body';
const SECRET_HASH = `scrypt$1024$8$1$${'s3cr3tSalt'}$${'NEVER-IN-A-LOG-0123456789abcdef'}`;

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`database failures on ${backend.name}`, () => {
    let location: StoreLocation;
    let store: Store;
    let app: FastifyInstance;
    const logLines: string[] = [];
    const customerId = randomUUID();
    const csr = { username: 'erin', password: 'battery staple horse' };

    beforeAll(async () => {
      if (skipReason) return;
      location = await backend.freshLocation();
      store = await location.open();
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          logLines.push(chunk.toString());
          done();
        },
      });
      app = buildServer({ store, logger: { level: 'info', stream }, clock: () => T0 });
      await app.ready();
      await createUser(store.db, { username: csr.username, displayName: 'Erin CSR', role: 'csr', password: csr.password }, FAST_SCRYPT);
      await store.db.insert(customers).values({ id: customerId, firstName: 'Zoë', lastName: 'Ångström', createdAt: T0 - 1000, updatedAt: T0 - 1000 });
      // A rule of this store that a well-formed note can still break (SQLSTATE 23514).
      await store.db.execute(sql.raw(`ALTER TABLE notes ADD CONSTRAINT test_refused_body CHECK (body <> '${REFUSED_BODY}')`));
    });

    afterAll(async () => {
      await app?.close();
      await store?.close();
      await location?.dispose();
    });

    beforeEach((ctx) => {
      if (skipReason) ctx.skip(skipReason);
    });

    const note = (id: number, body: string): PushedMutation => ({
      id,
      name: 'note.add',
      schemaVersion: 2,
      createdAt: T0,
      args: { noteId: randomUUID(), customerId, callId: null, agentId: 'agent-erin', body, createdAt: T0 },
    });

    it('an entry the database refuses for its data is rejected for good, and the next one is applied', async () => {
      const workstationId = randomUUID();
      const token = await workstationToken(app, csr, workstationId);
      const entries = [note(1, REFUSED_BODY), note(2, 'Asked about delivery.')];
      const push = () => app.inject({ method: 'POST', url: '/sync/push', headers: { authorization: `Bearer ${token}` }, payload: { clientId: workstationId, mutations: entries } });
      const res = await push();
      expect(res.statusCode, res.body).toBe(200);
      const answer = pushResponse.parse(res.json().value);
      expect(answer.lastMutationId).toBe(2);
      expect(answer.results[0]).toMatchObject({ id: 1, status: 'rejected', code: 'invalid_input' });
      expect(answer.results[0]?.status === 'rejected' && answer.results[0].message).toContain('23514');
      expect(answer.results[1]).toEqual({ id: 2, status: 'applied' });
      // Sent again (the answer was lost): both are settled, nothing waits, and the refusal is said again.
      const again = pushResponse.parse((await push()).json().value);
      expect(again.lastMutationId).toBe(2);
      expect(again.results.map((r) => r.status)).toEqual(['rejected', 'duplicate']);
      expect(again.results[0]).toEqual(answer.results[0]);
      const rejected = await queryRows<{ mutation_id: string | number }>(store, sql`select mutation_id from mutation_log where outcome = 'rejected' and client_id = ${workstationId}`);
      expect(rejected.map((r) => Number(r.mutation_id))).toEqual([1]);
    });

    const duplicateUser = () =>
      store.db
        .insert(users)
        .values({ username: csr.username, displayName: 'Again', role: 'csr', passwordHash: SECRET_HASH })
        .then(() => null)
        .catch((e: unknown) => e);

    it('a failed insert is logged by its SQLSTATE and SQL, never by its parameters', async () => {
      const error = await duplicateUser();
      expect(error).toBeInstanceOf(Error);
      logLines.length = 0;
      // As the error handler and the push route log a failure: under `err`, on the app's logger.
      app.log.error({ err: error }, 'request failed');
      const log = logLines.join('');
      expect(log).toContain('23505');
      expect(log).toContain('insert into \\"users\\"');
      expect(log).not.toContain('NEVER-IN-A-LOG');
      expect(log).not.toContain(csr.username);
    });

    it('a request is logged by its path, never its query string (a caller’s number)', async () => {
      logLines.length = 0;
      await app.inject({ method: 'GET', url: '/lookup/phone?number=%2B442079460958' });
      const log = logLines.join('');
      expect(log).toContain('/lookup/phone');
      expect(log).not.toContain('442079460958');
    });

    it('classifies the driver error drizzle wraps, and answers it as a typed 4xx, not a 500', async () => {
      const error = await duplicateUser();
      expect(sqlState(error)).toBe('23505');
      expect(classifyDbError(error)).toBe('data');
      expect(toEnvelope(error)).toMatchObject({ status: 409, body: { ok: false, error: { code: 'conflict' } } });
      const nul = await store.db
        .execute(sql`select ${'a\u0000b'}::text as t`)
        .then(() => null)
        .catch((e: unknown) => e);
      expect(toEnvelope(nul)).toMatchObject({ status: 400, body: { ok: false, error: { code: 'invalid_input' } } });
      expect(JSON.stringify(serializeError(error))).not.toContain('NEVER-IN-A-LOG');
    });
  });
}

describe('SQLSTATE classes', () => {
  it.each([
    ['22021', 'data'],
    ['22P02', 'data'],
    ['23505', 'data'],
    ['08006', 'transient'],
    ['40001', 'transient'],
    ['40P01', 'transient'],
    ['53300', 'transient'],
    ['57P01', 'transient'],
  ] as const)('%s is %s', (code, kind) => {
    expect(classifyDbError(Object.assign(new Error('x'), { code }))).toBe(kind);
    expect(classifyDbError(new Error('wrapped', { cause: Object.assign(new Error('x'), { code }) }))).toBe(kind);
  });

  it('an error without a SQLSTATE (a lost connection, a bug) is transient', () => {
    expect(classifyDbError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('transient');
    expect(classifyDbError(new TypeError('x is undefined'))).toBe('transient');
  });
});

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
