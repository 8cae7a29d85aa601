// The folder is the runtime (STYLE.md §1): these rules keep each folder's imports to what its
// runtime has, so the boundaries cannot rot. They run inside `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)].filter((m) => !m.startsWith('_'));

const restrict = (patterns, message) => ({ group: patterns, message });

// Bare built-in names ("domain", "path") go in `paths`: as gitignore patterns they would also
// match folders of ours with the same name.
const NODE_MESSAGE = 'This folder does not run under Node: no Node built-ins.';
const NO_NODE = restrict(['node:*'], NODE_MESSAGE);
const NODE_PATHS = nodeBuiltins.filter((m) => !m.startsWith('node:')).map((name) => ({ name, message: NODE_MESSAGE }));
const NO_ELECTRON = restrict(['electron', 'electron/*', 'electron-updater'], 'Electron is only for src-main/electron and src-preload.');
const NO_DB = restrict(['better-sqlite3', 'drizzle-orm', 'drizzle-orm/*'], 'SQL lives in src-main/core repositories, never here.');
const NO_MAIN = restrict(['**/src-main', '**/src-main/**'], 'Only the main side imports src-main.');
const NO_PRELOAD = restrict(['**/src-preload', '**/src-preload/**'], 'Nothing imports the preload; call the typed client.');
const NO_RENDERER = restrict(['**/src-renderer', '**/src-renderer/**'], 'Nothing imports the renderer.');
const NO_UI = restrict(['react', 'react-dom', 'react-dom/*', 'zustand', 'react-hook-form'], 'UI libraries belong in src-renderer.');
// The central store and the desktop app meet only in src-shared (issue 20). `npm start` runs the
// store as a child process (scripts/central-store.mjs), and tests and the bench may use both sides;
// no app code imports server/, and the store imports no app code.
const NO_SERVER = restrict(['**/server', '**/server/**'], 'The desktop app never imports the central store (server/); they share src-shared only.');
const NO_STORE_DEPS = restrict(
  ['fastify', 'fastify/*', '@fastify/*', 'pg', 'pg/*', 'pg-*', '@electric-sql/pglite', '@electric-sql/pglite/*'],
  "The central store's dependencies live in server/package.json, not in the desktop app.",
);
const NO_APP_CODE = restrict(['**/src-main', '**/src-main/**', '**/bench/**', '**/tests/**', '**/scripts/**'], 'The central store imports src-shared and nothing else of the app.');
const NO_SQLITE = restrict(['better-sqlite3'], 'The central store never reads SQLite: its demo rows come from the shared seed generator (src-shared/seed).');
// Faker's locale data (~35 MB) loads with the generator: the store takes it with `await import()`
// where it seeds, so `--no-demo` never loads it. Types may be imported anywhere.
const SEED_ONLY_WHEN_SEEDING = {
  group: ['**/src-shared/seed/*'],
  allowTypeImports: true,
  message: 'Load the seed generator with `await import()` where the store seeds, so a store that does not seed never loads it (faker).',
};

const boundary = (files, patterns, paths = []) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns, paths }] },
});

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', '.cache/**', '.electron-native/**', 'drizzle/**', 'coverage/**', 'test-results/**', 'playwright-report/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name=/^(it|test|describe)$/][callee.property.name='only']", message: 'No .only: it hides the rest of the suite.' },
      ],
    },
  },
  // Shared code runs in every process: neither Node, DOM nor Electron.
  {
    files: ['src-shared/**'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [NO_NODE, NO_ELECTRON, NO_DB, NO_MAIN, NO_PRELOAD, NO_RENDERER, NO_UI, NO_SERVER, NO_STORE_DEPS], paths: NODE_PATHS }],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'require', 'Buffer', '__dirname'],
    },
  },
  // The renderer is a sandboxed web page: no Node, no Electron, no SQL, no main-side code.
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [NO_NODE, NO_ELECTRON, NO_DB, NO_MAIN, NO_PRELOAD, NO_SERVER, NO_STORE_DEPS], paths: NODE_PATHS }],
      'no-restricted-globals': ['error', 'process', 'require', 'Buffer', '__dirname'],
    },
  },
  // The sandboxed preload can require only 'electron' (contextBridge, ipcRenderer).
  boundary(['src-preload/**'], [NO_NODE, NO_DB, NO_MAIN, NO_RENDERER, NO_UI, NO_SERVER, NO_STORE_DEPS], NODE_PATHS),
  // The core is plain Node: it must run in tests and in the browser host without Electron.
  boundary(['src-main/core/**', 'src-main/host/**'], [NO_ELECTRON, NO_PRELOAD, NO_RENDERER, NO_UI, NO_SERVER, NO_STORE_DEPS]),
  boundary(['src-main/electron/**'], [NO_PRELOAD, NO_RENDERER, NO_UI, NO_SERVER, NO_STORE_DEPS]),
  // The central store's server is plain Node: it shares src-shared with the app and nothing else,
  // not even the cache its demo data used to be copied from.
  boundary(['server/**'], [NO_APP_CODE, NO_ELECTRON, NO_PRELOAD, NO_RENDERER, NO_UI, NO_SQLITE, SEED_ONLY_WHEN_SEEDING]),
  // The desktop side logs through src-main/core/log (levels, the thread, the file support reads),
  // never console.*; only command-line tools whose printed lines are their interface print.
  {
    files: ['src-main/**', 'src-preload/**'],
    ignores: ['src-main/core/seed/cli.ts', 'src-main/host/main.ts'],
    rules: { 'no-console': 'error' },
  },
);
