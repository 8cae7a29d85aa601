/**
 * PushLoop: delivers the outbox to the central store (issue 4), ≤ PUSH_BATCH_MAX entries a request
 * in mutation-id order, each request's body under the store's limit, until the queue is empty.
 *
 * What the store answers decides what happens to the queue:
 * - a request refused whole (400/413): entries go one at a time until the one it refuses is found
 *   and set aside, so one malformed or oversized entry does not hold up the rest;
 * - `id_reused` results: this cache was restored from an older copy and handed out ids the store
 *   settled for other writes; those writes move above the store's last id;
 * - a last id below the batch's first: a new (or restored) store at the same address; the queue is
 *   renumbered to follow on from the store's last id.
 */
import { PUSH_BATCH_MAX, type PushedMutation, type PushRequest, type PushResponse } from '../../../src-shared/contracts/sync-protocol';
import { CycleFailure, expectAnswer } from './cycle-failure';
import type { PushQueue } from './push-queue';
import type { StoreResult } from './store-client';

/** What the push loop needs of the outbox (PushQueue). */
export type Outbox = Pick<PushQueue, 'batch' | 'count' | 'settle' | 'refuseLocally' | 'renumberAfter' | 'moveAbove'>;

/** The store's limit on a request body is 1 MiB; the default budget leaves room. */
const DEFAULT_PUSH_BODY_BYTES = 768 * 1024;

export interface PushLoopOptions {
  outbox: Outbox;
  /** Sends one push request (signed with the workstation token). */
  push: (body: PushRequest) => Promise<StoreResult<PushResponse>>;
  clientId: string;
  now: () => number;
  log: (message: string) => void;
  /** Largest push request body (the store refuses bodies over 1 MiB). */
  pushBodyBytes?: number | undefined;
  /** A batch is about to be read from the outbox: writes saved before now go with it. */
  onBatch?: () => void;
  /** The store answered: the connection is online. */
  onAnswered?: () => void;
  /** This connection committed to the cache (results settled, an entry set aside). */
  onCommitted?: (() => void) | undefined;
}

export class PushLoop {
  constructor(private readonly options: PushLoopOptions) {}

  /** Pushes until the outbox is empty; a failure to reach the store ends it with a CycleFailure. */
  async pushAll(): Promise<void> {
    const { outbox, log } = this.options;
    let renumberedAt = -1;
    // After the store refused a whole request (400/413), entries go one at a time until the one it
    // refuses is found and set aside: one malformed or oversized entry must not hold up the queue.
    let oneByOne = false;
    for (;;) {
      this.options.onBatch?.();
      const batch = this.fitBody(outbox.batch(oneByOne ? 1 : PUSH_BATCH_MAX));
      const first = batch[0];
      const last = batch[batch.length - 1];
      if (!first || !last) return;
      const sent = await this.options.push({ clientId: this.options.clientId, mutations: batch });
      if (!sent.ok && sent.failure.kind === 'permanent' && (sent.failure.status === 400 || sent.failure.status === 413)) {
        if (batch.length > 1) {
          oneByOne = true;
          continue;
        }
        log(`the central store refused to take write #${first.id} (${first.name}): ${sent.failure.message}`);
        outbox.refuseLocally(first.id, sent.failure.code, `The central store would not take this write: ${sent.failure.message}`, this.options.now());
        this.options.onCommitted?.();
        continue;
      }
      const r = expectAnswer(sent);
      const { lastMutationId, results } = r.value;
      const reused = results.filter((o) => o.status === 'id_reused').map((o) => o.id);
      if (reused.length > 0) {
        // This cache was restored from an older copy and handed out ids the store had settled for
        // other writes. Those writes (and every later one) take ids after the store's last, before
        // the settle below deletes what the store's last id covers.
        const from = Math.min(...reused);
        const shift = outbox.moveAbove(from, lastMutationId);
        log(`the central store settled other writes under #${from}…#${lastMutationId}: this cache was restored from an older copy; moved the queued writes from #${from} up by ${shift}`);
      }
      outbox.settle(lastMutationId, results, r.serverTime ?? this.options.now());
      this.options.onCommitted?.();
      this.options.onAnswered?.();
      if (lastMutationId < first.id - 1 && renumberedAt !== lastMutationId) {
        // The store has never seen ids this high from us: it is a new store at the same address, or
        // one restored from an older copy. What it lost cannot be sent again (it was confirmed and
        // deleted here), but the queue can go on: its entries take the ids the store expects next.
        renumberedAt = lastMutationId;
        const shift = outbox.renumberAfter(lastMutationId);
        log(`the central store expects write #${lastMutationId + 1} next but the queue starts at #${first.id}; renumbered the ${outbox.count()} queued writes by -${shift}`);
        continue;
      }
      if (lastMutationId < last.id) {
        // The store stopped part-way through the batch without an error: nothing sent again can fill that gap.
        throw new CycleFailure({
          kind: 'permanent',
          status: 200,
          code: 'conflict',
          message: `The central store settled this workstation's writes up to #${lastMutationId} and stopped before #${last.id} without saying why; sync tries again later.`,
        });
      }
    }
  }

  /** Trims a batch so its JSON body stays under the store's body limit (at least one entry goes). */
  private fitBody(batch: PushedMutation[]): PushedMutation[] {
    const budget = this.options.pushBodyBytes ?? DEFAULT_PUSH_BODY_BYTES;
    let bytes = 128;
    for (let i = 0; i < batch.length; i++) {
      bytes += Buffer.byteLength(JSON.stringify(batch[i])) + 1;
      if (bytes > budget && i > 0) return batch.slice(0, i);
    }
    return batch;
  }
}
