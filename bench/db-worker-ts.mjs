// Runs the db worker's TypeScript source in a worker thread under tsx, so the sync benchmark
// drives the real worker without a build (a copy of tests/helpers/db-worker-ts.mjs; built code
// uses out/main/db-worker.js instead).
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src-main/core/worker/db-worker.ts', import.meta.url).href);
