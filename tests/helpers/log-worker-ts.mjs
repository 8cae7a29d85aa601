// A worker thread that logs through src-main/core/log/logger.ts from its TypeScript source (under
// tsx), as the core's workers do: names itself, then logs what workerData says and says `done`.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { nameThisThread } = await import(new URL('../../src-main/core/worker/worker-thread.ts', import.meta.url).href);
const { logger } = await import(new URL('../../src-main/core/log/logger.ts', import.meta.url).href);
nameThisThread(workerData.thread);
const log = logger('test');
for (const [level, fields, msg] of workerData.lines) log[level](fields, msg);
parentPort.postMessage({ type: 'done' });
