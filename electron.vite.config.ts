import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY } from './src-shared/security/csp';

/**
 * The built index.html carries the CSP in a <meta> tag too (defence in depth beside the headers).
 * Build only: in `electron-vite dev` the React refresh preamble is an inline script, and the dev
 * server's relaxed policy comes from Electron's header instead.
 */
function contentSecurityPolicyMeta(): Plugin {
  const policy = CONTENT_SECURITY_POLICY.split('; ')
    .filter((d) => !d.startsWith('frame-ancestors'))
    .join('; ');
  return {
    name: 'switchboard-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }],
  };
}

// The folders are not electron-vite's default src/*: every entry and the renderer root are explicit.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          // Electron's main process: windows, ipcMain, protocol, updater.
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          // The worker thread that owns the SQLite cache (one writer, one reader).
          'db-worker': resolve(__dirname, 'src-main/core/worker/db-worker.ts'),
          // The co-purchase miner's own low-priority thread (upsell rules, off the lookup path).
          'co-purchase-worker': resolve(__dirname, 'src-main/core/suggestions/co-purchase-worker.ts'),
          // The sync engine's thread: pushes the outbox to the central store and pulls its rows.
          'sync-worker': resolve(__dirname, 'src-main/core/sync/sync-worker.ts'),
          'checkpoint-worker': resolve(__dirname, 'src-main/core/db/checkpoint-worker.ts'),
          // The browser host: the same core served to a browser on 127.0.0.1.
          host: resolve(__dirname, 'src-main/host/main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot load ES modules or node_modules: one CommonJS file, deps inlined.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
    plugins: [react(), contentSecurityPolicyMeta()],
  },
});
