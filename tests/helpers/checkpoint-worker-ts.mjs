// Runs the WAL checkpointer's worker (src-main/core/db/checkpoint-worker.ts) from its TypeScript
// source in a worker thread under tsx, so integration tests drive the real thread without a build.
// (Built code uses out/main/checkpoint-worker.js instead.)
import { register } from 'tsx/esm/api';

register();
await import(new URL('../../src-main/core/db/checkpoint-worker.ts', import.meta.url).href);
