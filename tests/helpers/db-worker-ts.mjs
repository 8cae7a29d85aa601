// Runs the db worker's TypeScript source in a worker thread under tsx, so integration tests drive
// the real worker without a build. (Built code uses out/main/db-worker.js instead.)
import { register } from 'tsx/esm/api';

register();
await import(new URL('../../src-main/core/worker/db-worker.ts', import.meta.url).href);
