import type { Result } from '../../../src-shared/result';

export type WorkerRole = 'reader' | 'writer';

export interface WorkerConfig {
  role: WorkerRole;
  dbFile: string;
  migrationsFolder: string;
  defaultRegion: string;
  host: 'electron' | 'browser-host';
  version: string;
  agentId: string;
  nativeBinding?: string | undefined;
  /** Writer only: seed the demo customers into an empty cache. */
  demoSeed?: boolean | undefined;
}

export type ToWorker = { type: 'call'; id: number; channel: string; input: unknown } | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'closed' };
