// Types for scripts/electron-launch.mjs, so the TypeScript tests can import it.
export interface NativeStamp {
  electron: string;
  betterSqlite3: string;
  platform: string;
  arch: string;
}
type Env = Record<string, string | undefined>;

export const NATIVE_DIR: string;
export const NATIVE_PACKAGE_DIR: string;
export const NATIVE_BINDING: string;
export const NATIVE_STAMP: string;
export const NATIVE_BUILD_LOG: string;
export const ELECTRON_HEADERS_URL: string;

export function displayProblem(platform: string, env: Env): string | null;
export function electronVersion(root: string): string;
export function electronExecutable(root: string): string | null;
export function wantedNativeStamp(root: string, platform: string, arch: string): NativeStamp;
export function readNativeStamp(root: string): NativeStamp | null;
export function nativeBindingStaleness(stamp: Partial<NativeStamp> | null, wanted: NativeStamp, bindingExists: boolean): string | null;
export function electronBuildEnv(env: Env): Env;
export function nodeGypArgs(electron: string, devdir: string): string[];
export function nodeGypCandidates(root: string, env: Env, execPath: string): string[];
export function firstMeaningfulLine(text: string | undefined | null): string;
export const CORE_MALLOC_ENV: Record<string, string>;
export function coreProcessEnv(env: Env): Env;
export function electronAppEnv(env: Env, nativeBinding: string): Env;
