// Runs the sync engine's worker (src-main/core/sync/sync-worker.ts) from its TypeScript source in a
// worker thread under tsx, so integration tests drive the real thread without a build. (Built code
// uses out/main/sync-worker.js instead.)
import { register } from 'tsx/esm/api';

register();
await import(new URL('../../src-main/core/sync/sync-worker.ts', import.meta.url).href);
