/**
 * The start and stop every worker-thread handle of the core shares (src-main/core/worker/worker-thread.ts),
 * with stand-in workers written inline.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { readFileSync } from 'node:fs';
import { nameThisThread, startWorker, stopWorker, type WorkerMessage } from '../../src-main/core/worker/worker-thread';
import { captureLogs } from '../helpers/logs';

const inline = (code: string) => new URL(`data:text/javascript,${encodeURIComponent(`import { parentPort } from 'node:worker_threads';\n${code}`)}`);

describe('startWorker', () => {
  it('resolves once the thread says ready, and hands it every message', async () => {
    const seen: string[] = [];
    const { worker, ready } = startWorker<WorkerMessage>({ name: 'test', workerFile: inline(`parentPort.postMessage({ type: 'ready' }); parentPort.postMessage({ type: 'hello' });`), workerData: null, onMessage: (m) => seen.push(m.type) });
    await ready;
    await expect.poll(() => seen).toEqual(['ready', 'hello']);
    await worker.terminate();
  });

  it('rejects with the reason a thread gives for not starting, and tells the handle', async () => {
    const seen: string[] = [];
    const { ready } = startWorker<WorkerMessage>({ name: 'test', workerFile: inline(`parentPort.postMessage({ type: 'fatal', message: 'cannot open the cache' }); setTimeout(() => process.exit(1), 20);`), workerData: null, onMessage: (m) => seen.push(m.type) });
    await expect(ready).rejects.toThrow('cannot open the cache');
    expect(seen).toEqual(['fatal']);
  });

  it('rejects when the thread ends before it is ready, and reports the exit as not ready', async () => {
    const exits: [number, boolean][] = [];
    const { ready } = startWorker<WorkerMessage>({ name: 'test', workerFile: inline(`process.exit(4);`), workerData: null, onExit: (code, wasReady) => exits.push([code, wasReady]) });
    await expect(ready).rejects.toThrow('The test worker stopped while starting (exit code 4).');
    expect(exits).toEqual([[4, false]]);
  });
});

describe('stopWorker', () => {
  it('asks the thread to close and resolves with its closed message', async () => {
    const { worker, ready } = startWorker<WorkerMessage>({
      name: 'test',
      workerFile: inline(`parentPort.on('message', (m) => m.type === 'close' && parentPort.postMessage({ type: 'closed', figures: 7 })); parentPort.postMessage({ type: 'ready' });`),
      workerData: null,
    });
    await ready;
    expect(await stopWorker(worker, { type: 'close' }, 2000)).toEqual({ type: 'closed', figures: 7 });
    expect(worker.threadId).toBe(-1);
  });

  it('terminates a thread that does not close within the grace period', async () => {
    const { worker, ready } = startWorker<WorkerMessage>({ name: 'test', workerFile: inline(`parentPort.on('message', () => undefined); parentPort.postMessage({ type: 'ready' });`), workerData: null });
    await ready;
    const logs = captureLogs();
    onTestFinished(() => logs.stop());
    const started = performance.now();
    expect(await stopWorker(worker, { type: 'close' }, 200, 'writer')).toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(worker.threadId).toBe(-1);
    // Said, so that a slow close shows in the logs.
    expect(logs.records).toHaveLength(1);
    expect(logs.records[0]).toMatchObject({ level: 40, msg: expect.stringMatching(/^The writer thread did not close within 200 ms/) });
    // Stopping one that has ended already does nothing.
    expect(await stopWorker(worker, { type: 'close' }, 200)).toBeNull();
  });
});

describe('nameThisThread', () => {
  it.runIf(process.platform === 'linux')('names the calling thread as /proc shows it, cut to the 15 characters Linux keeps', () => {
    const comm = () => readFileSync('/proc/thread-self/comm', 'utf8').trim();
    const before = comm();
    try {
      nameThisThread('sb-test');
      expect(comm()).toBe('sb-test');
      nameThisThread('sb-checkpointer-thread');
      expect(comm()).toBe('sb-checkpointer');
    } finally {
      nameThisThread(before);
    }
  });
});
