// Types for scripts/central-store.mjs, so the TypeScript tests can import it.
type Env = Record<string, string | undefined>;

export const CENTRAL_STORE_PORT: number;
export function defaultStoreDataDir(env?: Env): string;
export function defaultStoreMailDir(dataDir?: string): string;
export function storeMailEnv(env: Env, dataDir: string): { env: Record<string, string>; where: string };
export function storeAnswers(url: string, timeoutMs?: number): Promise<boolean>;
export function startCentralStore(options: { root: string; port?: number; dataDir?: string; startTimeoutMs?: number }): Promise<{ url: string; stop(): Promise<void> }>;
