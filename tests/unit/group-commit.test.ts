/**
 * The group commit in front of the ingest queue (server/src/http/group-commit.ts, issue 23): items
 * submitted while a batch is being written go together in the next one, bounded by count and
 * bytes; each caller gets its own answer only after its batch's write returned; a write that throws
 * rejects every item of its batch and none of the next.
 */
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../server/src/http/group-commit';

/** A write that records its batches and resolves when the test says so. */
function gatedWriter() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  let failNext = false;
  const write = async (items: readonly number[]): Promise<(string | Error)[]> => {
    batches.push([...items]);
    await new Promise<void>((resolve) => gates.push(resolve));
    if (failNext) {
      failNext = false;
      throw new Error('the commit failed');
    }
    return items.map((n) => (n < 0 ? new Error(`refused ${n}`) : `ok ${n}`));
  };
  const open = async () => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()!();
  };
  return { write, batches, open, failNextWrite: () => (failNext = true) };
}

const settle = async <T,>(p: Promise<T>) => p.then((value) => ({ value }), (error: Error) => ({ error: error.message }));

describe('GroupCommit', () => {
  it('writes the first item alone at once, then everything that arrived meanwhile as one batch, answering each after its write', async () => {
    const w = gatedWriter();
    const group = new GroupCommit(w.write);
    const first = settle(group.submit(1));
    await new Promise((r) => setImmediate(r));
    const rest = [2, 3, 4, 5].map((n) => settle(group.submit(n)));
    let answered = false;
    void first.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false); // not before its write returned
    expect(w.batches).toEqual([[1]]);
    await w.open();
    expect(await first).toEqual({ value: 'ok 1' });
    await w.open();
    expect(await Promise.all(rest)).toEqual([2, 3, 4, 5].map((n) => ({ value: `ok ${n}` })));
    expect(w.batches).toEqual([[1], [2, 3, 4, 5]]);
    expect(group.stats).toMatchObject({ batches: 2, items: 5, largestBatch: 4 });
    await group.idle();
  });

  it('bounds a batch by count and by bytes', async () => {
    const w = gatedWriter();
    const group = new GroupCommit(w.write, (n) => n, { maxItems: 3, maxBytes: 100 });
    const answers = [1, 2, 3, 4, 60, 50, 7].map((n) => settle(group.submit(n)));
    for (let i = 0; i < 3; i++) await w.open();
    await Promise.all(answers);
    expect(w.batches).toEqual([[1, 2, 3], [4, 60], [50, 7]]);
  });

  it('rejects every item of a batch whose write throws, and answers the next batch normally; an item refused alone is refused alone', async () => {
    const w = gatedWriter();
    const group = new GroupCommit(w.write);
    w.failNextWrite();
    const failed = [1, 2, 3].map((n) => settle(group.submit(n)));
    await w.open();
    expect(await Promise.all(failed)).toEqual([1, 2, 3].map(() => ({ error: 'the commit failed' })));
    const next = [4, -5, 6].map((n) => settle(group.submit(n)));
    await w.open();
    expect(await Promise.all(next)).toEqual([{ value: 'ok 4' }, { error: 'refused -5' }, { value: 'ok 6' }]);
    expect(group.stats).toMatchObject({ batches: 2, failedBatches: 1 });
  });
});
