// Runs the sync engine's worker (src-main/core/sync/sync-worker.ts) from its TypeScript source in a
// worker thread under tsx, so the sync benchmark drives the real thread without a build (a copy of
// tests/helpers/sync-worker-ts.mjs; built code uses out/main/sync-worker.js instead).
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src-main/core/sync/sync-worker.ts', import.meta.url).href);
