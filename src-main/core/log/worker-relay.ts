/**
 * How the worker threads' lines reach the log.
 *
 * Why not a file destination in each thread: the log rotates (./log-file.ts), and a rotating
 * destination keeps its own count of the bytes it wrote and renames/opens the next file on its
 * own. Five threads each rotating "the same" file would each count only their own bytes, roll at
 * different moments and race on the numbering and on deleting old files: lines would land in a
 * file another thread just retired, or be lost with it. Appends alone would be atomic, the
 * rotation is not. So exactly one thread per process owns the file, and the others send it their
 * lines: a worker's pino writes each finished JSON line to a BroadcastChannel, and the thread
 * that writes the log (the one that started the workers: Electron's main thread or the browser
 * host's) hands what arrives to its own destinations. The worker's pino has already applied the
 * level, redaction and the thread name, so the line is written as it came.
 *
 * Which channel: the writing thread names one for this process and publishes it with
 * `setEnvironmentData`, which every Worker started from it (and from those, e.g. the sync
 * thread's checkpointer) inherits. No protocol message changes, and a thread started without a
 * writing thread above it (a test starting a worker on its own) simply writes for itself.
 */
import { randomUUID } from 'node:crypto';
import { BroadcastChannel, getEnvironmentData, setEnvironmentData } from 'node:worker_threads';

const CHANNEL_KEY = 'switchboard:log-channel';

/** In a worker whose process has a thread writing the log: where to send its lines; else null. */
export function relayTarget(): { write(line: string): void } | null {
  const name = getEnvironmentData(CHANNEL_KEY);
  if (typeof name !== 'string') return null;
  const channel = new BroadcastChannel(name);
  // Logging must never keep a thread alive.
  channel.unref();
  return { write: (line: string) => channel.postMessage(line) };
}

/** In the thread that writes the log: passes every line its workers send to `write`. */
export function relayWorkerLines(write: (line: string) => void): void {
  const name = `${CHANNEL_KEY}:${randomUUID()}`;
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event) => {
    const data = (event as MessageEvent).data;
    if (typeof data === 'string') write(data);
  };
  channel.unref();
  setEnvironmentData(CHANNEL_KEY, name);
}
