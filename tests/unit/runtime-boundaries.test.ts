import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message);
}

describe('the lint rule that keeps each folder to its runtime', () => {
  it.each([
    ['src-renderer/src/x.ts', `import { ipcRenderer } from 'electron';`],
    ['src-renderer/src/x.ts', `import { readFileSync } from 'node:fs';`],
    ['src-renderer/src/x.ts', `import fs from 'fs';`],
    ['src-renderer/src/x.ts', `import Database from 'better-sqlite3';`],
    ['src-renderer/src/x.ts', `import { CoreProcess } from '../../src-main/core/worker/core-process';`],
    ['src-renderer/src/x.ts', `import '../../src-preload/index';`],
    ['src-shared/x.ts', `import { join } from 'node:path';`],
    ['src-shared/x.ts', `import { app } from 'electron';`],
    ['src-shared/x.ts', `import { useState } from 'react';`],
    ['src-shared/x.ts', `export const w = window.location;`],
    ['src-main/core/x.ts', `import { app } from 'electron';`],
    ['src-main/host/x.ts', `import { BrowserWindow } from 'electron';`],
    ['src-preload/x.ts', `import { readFileSync } from 'node:fs';`],
    ['src-preload/x.ts', `import { openCache } from '../src-main/core/db/open';`],
    ['server/src/sync/x.ts', `import { openCache } from '../../../src-main/core/db/open';`],
    ['server/src/seed/x.ts', `import { CallerLookup } from '../../../src-main/core/lookup/caller-lookup';`],
    ['server/src/seed/x.ts', `import { startBrowserHost } from '../../../src-main/host/browser-host';`],
    // The store and the app meet only in src-shared (issue 20), in both directions.
    ['server/src/seed/x.ts', `import { openCache } from '../../../src-main/core/db/open';`],
    ['server/src/seed/x.ts', `import { seedCache } from '../../../src-main/core/seed/cache-seeder';`],
    ['server/src/seed/x.ts', `import Database from 'better-sqlite3';`],
    ['server/src/seed/x.ts', `import { generateSeed } from '../../../src-shared/seed/generator';`],
    ['server/src/x.ts', `import { buildCatalogue } from '../../src-shared/seed/catalogue';`],
    ['server/src/x.ts', `import { loadCacheIntoStore } from '../../bench/cache-into-store';`],
    ['src-main/core/x.ts', `import { buildServer } from '../../server/src/app';`],
    ['src-main/host/x.ts', `import { openStore } from '../../server/src/db/connect';`],
    ['src-main/electron/x.ts', `import '../../server/src/main';`],
    ['src-main/core/x.ts', `import pg from 'pg';`],
    ['src-main/core/x.ts', `import Fastify from 'fastify';`],
    ['src-main/core/x.ts', `import { PGlite } from '@electric-sql/pglite';`],
    ['src-shared/x.ts', `import { SYNC_TABLES } from '../server/src/sync/store-tables';`],
    ['src-renderer/src/x.ts', `import { DEMO_USERS } from '../../server/src/auth/users';`],
  ])('%s: refuses %s', async (file, code) => {
    expect(await restricted(file, code)).not.toHaveLength(0);
  });

  it.each([
    ['src-renderer/src/x.ts', `import { contracts } from '../../src-shared/contracts';`],
    ['src-shared/x.ts', `import { z } from 'zod';`],
    ['src-shared/contracts/x.ts', `import { LIMITS } from '../domain/customer';`],
    ['src-main/core/x.ts', `import Database from 'better-sqlite3';\nimport { join } from 'node:path';`],
    ['src-main/electron/x.ts', `import { app } from 'electron';\nimport { CoreProcess } from '../core/worker/core-process';`],
    ['src-preload/x.ts', `import { contextBridge } from 'electron';`],
    ['server/src/seed/x.ts', `import { SYNC_TABLES } from '../../../src-shared/sync/tables';\nimport type { GeneratedSeed } from '../../../src-shared/seed/generator';`],
    ['server/src/seed/x.ts', `export const load = async () => (await import('../../../src-shared/seed/generator')).generateSeed({ customers: 1, seed: 1 });`],
    ['src-main/core/seed/x.ts', `import { generateSeed } from '../../../src-shared/seed/generator';`],
  ])('%s: allows %s', async (file, code) => {
    expect(await restricted(file, code)).toEqual([]);
  });
});

/**
 * Every module a file loads when it is imported: its static imports and re-exports, followed
 * through our own files. Type-only imports are left out (nothing loads them); `await import()` is
 * left out too, which is the point: it loads only when that code runs. Imports whose bindings are
 * used only as types count, so the graph may hold more than runs, never less.
 */
function staticImportGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const resolveFile = (from: string, specifier: string): string => {
    const base = resolve(dirname(from), specifier);
    const found = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
    if (!found || !/\.(ts|tsx|js|mjs|json)$/.test(found)) throw new Error(`${relative(root, from)}: cannot resolve ${specifier}`);
    return found;
  };
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    if (file.endsWith('.json')) return;
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
    for (const statement of source.statements) {
      let specifier: string | undefined;
      if (ts.isImportDeclaration(statement)) {
        const clause = statement.importClause;
        if (clause?.isTypeOnly) continue;
        const bindings = clause?.namedBindings;
        const onlyTypes = clause && !clause.name && bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
        if (onlyTypes) continue;
        specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
      } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
        specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
      }
      if (specifier === undefined) continue;
      if (specifier.startsWith('.')) visit(resolveFile(file, specifier));
      else packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
    }
  };
  visit(join(root, entry));
  return { files, packages };
}

describe('the central store and the desktop app depend on each other only through src-shared', () => {
  it('the store (server/src/main.ts, as with --no-demo) loads neither SQLite, faker, the seed generator nor app code', () => {
    const { files, packages } = staticImportGraph('server/src/main.ts');
    const ours = [...files].map((f) => relative(root, f));
    // Not vacuous: the walk reaches the server's own modules and its packages.
    expect(ours).toContain('server/src/app.ts');
    expect(ours).toContain('server/src/seed/demo.ts');
    expect(packages).toContain('fastify');
    expect([...packages].filter((p) => ['better-sqlite3', '@faker-js/faker', 'electron', 'electron-updater'].includes(p))).toEqual([]);
    expect(ours.filter((f) => !f.startsWith('server/') && !f.startsWith('src-shared/'))).toEqual([]);
    expect(ours.filter((f) => f.startsWith('src-shared/seed/'))).toEqual([]);
  });

  it('the store seeds only through `await import()` of the shared generator', () => {
    const demo = readFileSync(join(root, 'server/src/seed/demo.ts'), 'utf8');
    expect(demo).toMatch(/await import\('\.\.\/\.\.\/\.\.\/src-shared\/seed\/generator'\)/);
    const { packages } = staticImportGraph('src-shared/seed/generator.ts');
    expect(packages).toContain('@faker-js/faker');
  });

  it("the desktop app's cache (the writer thread) loads neither the store's code nor its packages, and faker only when it seeds", () => {
    for (const entry of ['src-main/core/worker/db-worker.ts', 'src-main/host/main.ts']) {
      const { files, packages } = staticImportGraph(entry);
      expect([...files].map((f) => relative(root, f)).filter((f) => f.startsWith('server/'))).toEqual([]);
      expect([...packages].filter((p) => ['fastify', 'pg', '@electric-sql/pglite', '@faker-js/faker'].includes(p))).toEqual([]);
    }
  });
});
