import { fileURLToPath } from 'node:url';
import { CoreProcess, type CoreOptions } from '../../src-main/core/worker/core-process';
import { defaultMigrationsFolder } from '../../src-main/core/db/open';

/** The real CoreProcess with its real worker threads, running the TypeScript source through tsx. */
export function testCore(dbFile: string, overrides: Partial<CoreOptions> = {}): CoreProcess {
  return new CoreProcess({
    dbFile,
    workerFile: fileURLToPath(new URL('./db-worker-ts.mjs', import.meta.url)),
    migrationsFolder: defaultMigrationsFolder(),
    defaultRegion: 'GB',
    host: 'browser-host',
    version: 'test',
    ...overrides,
  });
}
