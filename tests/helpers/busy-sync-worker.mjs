// A stand-in for the sync worker (src-main/core/sync/sync-worker.ts) that speaks its protocol but
// does no syncing, for SyncThread's own tests: it publishes a status, and on a `busy` call blocks
// its thread for the given milliseconds, as the real one does while it builds an index.
import { parentPort } from 'node:worker_threads';

let pending = 0;
let kickSeq = 0;
/** `sync:status` calls that reached this thread (the handle answers most from what was published). */
let statusCalls = 0;
const status = () => ({
  state: 'online',
  serverUrl: 'http://127.0.0.1:1',
  pendingWrites: pending,
  lastSyncAt: null,
  lastError: `status calls: ${statusCalls}`,
  nextRetryAt: null,
  initialSync: null,
  rejections: [],
  dataVersion: 0,
  lastCheck: null,
  orderHistoryReady: true,
  directoryReady: true,
  buildingIndexes: false,
});
const publish = () => parentPort.postMessage({ type: 'status', status: status(), kickSeq });

parentPort.on('message', (msg) => {
  switch (msg.type) {
    case 'kick':
      // The real engine reads the outbox: a kick is one saved write waiting.
      kickSeq = msg.seq;
      pending++;
      break;
    case 'call':
      if (msg.channel === 'sync:now') {
        // Stands in for a long synchronous step (an index build): nothing is read meanwhile.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, msg.input.busyMs);
        parentPort.postMessage({ type: 'result', id: msg.id, result: { ok: true, value: { started: true } } });
      } else {
        statusCalls++;
        parentPort.postMessage({ type: 'result', id: msg.id, result: { ok: true, value: status() } });
      }
      publish();
      break;
    case 'close':
      parentPort.postMessage({ type: 'closed' });
      break;
  }
});
parentPort.postMessage({ type: 'ready' });
publish();
