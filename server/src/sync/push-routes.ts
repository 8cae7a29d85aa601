/**
 * `POST /sync/push`: a workstation sends its outbox entries (at most PUSH_BATCH_MAX, in
 * mutation-id order) and gets one outcome per entry and the last mutation id the store has
 * settled for it; the rules are in push-batch.ts. The workstation's token pushes (the guard), only
 * its own queue (clientId = its id), and each entry is checked against the user who saved it. A
 * transient failure answers 503 `unavailable`: the client retries later and what was already
 * settled comes back as duplicates.
 */
import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { pushRequest, type PushResponse } from '../../../src-shared/contracts/sync-protocol';
import { AppError } from '../../../src-shared/result';
import type { StoreDb } from '../db/connect';
import { HttpError, parseBody } from '../http/errors';
import { settlePushBatch } from './push-batch';

/**
 * A push may be larger than the app's 1 MiB default: 500 entries of the longest kind (a note of
 * 4,000 characters, up to 3 bytes each in UTF-8) come to about 6 MiB.
 */
export const PUSH_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

export function registerPushRoutes(app: FastifyInstance): void {
  app.post('/sync/push', { bodyLimit: PUSH_BODY_LIMIT_BYTES }, async (request) => {
    const workstation = request.workstation;
    if (!workstation) throw new HttpError('unauthenticated', 'Sign in on this workstation first.');
    const body = parseBody(pushRequest, request.body);
    if (body.clientId.toLowerCase() !== workstation.id.toLowerCase()) {
      throw new HttpError('forbidden', 'This push names another workstation’s queue: a workstation sends only its own changes, under its own token.', 'clientId');
    }
    let applied = 0;
    try {
      const value: PushResponse = await settlePushBatch(
        { clientId: body.clientId, workstation, mutations: body.mutations },
        { db: app.store.db, clock: app.clock, onApplied: () => applied++ },
      );
      return { ok: true, value };
    } catch (e) {
      if (e instanceof HttpError || e instanceof AppError) throw e;
      request.log.error({ err: e, clientId: body.clientId }, 'push stopped by a transient failure; the client will send the rest again');
      throw new HttpError('unavailable', 'The central store could not save these changes just now; they are kept on the workstation and will be sent again.');
    } finally {
      // One poke per request, also when a failure stopped the batch after some were applied.
      if (applied > 0) app.changeFeed.poke(await latestChangeVersion(app.store.db, request.log));
    }
  });
}

/** The newest change-log version (0 when it cannot be read: the poke still says "pull"). */
async function latestChangeVersion(db: StoreDb, log: FastifyBaseLogger): Promise<number> {
  try {
    const result = (await db.execute(sql`select coalesce(max(version), 0) as v from change_log`)) as unknown as { rows: { v: string | number }[] };
    return Number(result.rows[0]?.v ?? 0);
  } catch (e) {
    log.warn({ err: e }, 'could not read the change-log version for the poke; poking without it');
    return 0;
  }
}
