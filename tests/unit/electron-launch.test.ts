import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  coreProcessEnv,
  displayProblem,
  electronAppEnv,
  electronBuildEnv,
  electronExecutable,
  firstMeaningfulLine,
  nativeBindingStaleness,
  nodeGypArgs,
  nodeGypCandidates,
} from '../../scripts/electron-launch.mjs';

const temps: string[] = [];
function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-launch-'));
  temps.push(dir);
  return dir;
}
function writeIn(root: string, relative: string, content: string): void {
  const file = join(root, relative);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('nativeBindingStaleness', () => {
  const wanted = { electron: '38.8.6', betterSqlite3: '12.11.1', platform: 'linux', arch: 'x64' };

  it('reuses a build made for the same Electron, module, platform and arch', () => {
    expect(nativeBindingStaleness({ ...wanted }, wanted, true)).toBeNull();
  });

  it('rebuilds when Electron changes, naming the change', () => {
    expect(nativeBindingStaleness({ ...wanted, electron: '37.2.0' }, wanted, true)).toBe('electron changed (37.2.0 → 38.8.6)');
  });

  it('rebuilds when better-sqlite3 or the machine changes', () => {
    expect(nativeBindingStaleness({ ...wanted, betterSqlite3: '12.0.0' }, wanted, true)).toMatch(/^betterSqlite3 changed/);
    expect(nativeBindingStaleness({ ...wanted, arch: 'arm64' }, wanted, true)).toMatch(/^arch changed/);
  });

  it('rebuilds when the file or its record is missing', () => {
    expect(nativeBindingStaleness({ ...wanted }, wanted, false)).toBe('not built yet');
    expect(nativeBindingStaleness(null, wanted, true)).toBe('no record of how it was built');
  });
});

describe('electronBuildEnv', () => {
  it("drops npm's nodedir and target settings (they would build for Node's ABI) and keeps the rest", () => {
    const env = electronBuildEnv({
      PATH: '/usr/bin',
      npm_config_nodedir: '/usr',
      NPM_CONFIG_NODEDIR: '/usr',
      npm_config_target: '20.20.2',
      npm_config_runtime: 'node',
      npm_config_disturl: 'https://nodejs.org/dist',
      npm_config_cache: '/root/.npm',
    });
    expect(env).toEqual({ PATH: '/usr/bin', npm_config_cache: '/root/.npm' });
  });

  it('targets Electron headers on the command line', () => {
    expect(nodeGypArgs('38.8.6', '/cache/headers')).toEqual([
      'rebuild',
      '--release',
      '--runtime=electron',
      '--target=38.8.6',
      '--dist-url=https://electronjs.org/headers',
      '--devdir=/cache/headers',
    ]);
  });

  it("looks for node-gyp inside npm first when run by npm", () => {
    const [first] = nodeGypCandidates('/repo', { npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js' }, '/usr/bin/node');
    expect(first).toBe(join('/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
  });
});

describe('electronAppEnv', () => {
  it('hands the binding to the app and removes variables that change how Electron runs', () => {
    const env = electronAppEnv({ PATH: '/bin', ELECTRON_RUN_AS_NODE: '1', ELECTRON_RENDERER_URL: 'http://localhost:5173' }, '/b.node');
    expect(env).toEqual({ PATH: '/bin', SWITCHBOARD_NATIVE_BINDING: '/b.node', MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '131072' });
  });
});

describe('coreProcessEnv', () => {
  it('gives the process that runs the core one malloc arena and a fixed mmap threshold, unless the environment chose', () => {
    const given = { PATH: '/bin' };
    expect(coreProcessEnv(given)).toEqual({ PATH: '/bin', MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '131072' });
    expect(given).toEqual({ PATH: '/bin' });
    expect(coreProcessEnv({ MALLOC_ARENA_MAX: '4' })).toEqual({ MALLOC_ARENA_MAX: '4', MALLOC_MMAP_THRESHOLD_: '131072' });
  });
});

describe('displayProblem', () => {
  it('needs DISPLAY or WAYLAND_DISPLAY on Linux only', () => {
    expect(displayProblem('linux', {})).toMatch(/no display/);
    expect(displayProblem('linux', { DISPLAY: ':0' })).toBeNull();
    expect(displayProblem('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBeNull();
    expect(displayProblem('win32', {})).toBeNull();
    expect(displayProblem('darwin', {})).toBeNull();
  });
});

describe('electronExecutable', () => {
  it('is null until the binary is installed, then its path', () => {
    const root = tempRoot();
    expect(electronExecutable(root)).toBeNull();
    writeIn(root, 'node_modules/electron/path.txt', 'electron');
    expect(electronExecutable(root)).toBeNull();
    writeIn(root, 'node_modules/electron/dist/electron', '');
    expect(electronExecutable(root)).toBe(join(root, 'node_modules/electron/dist/electron'));
  });
});

describe('firstMeaningfulLine', () => {
  it('skips node-gyp chatter and shortens long lines', () => {
    expect(firstMeaningfulLine('gyp info it worked\ngyp ERR! stack Error: getaddrinfo ENOTFOUND electronjs.org\n')).toBe(
      'gyp ERR! stack Error: getaddrinfo ENOTFOUND electronjs.org',
    );
    expect(firstMeaningfulLine('')).toBe('no output');
    expect(firstMeaningfulLine('x'.repeat(400))).toHaveLength(160);
  });
});
