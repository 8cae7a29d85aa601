import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

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
    ['server/src/seed/x.ts', `import { openCache } from '../../../src-main/core/db/open';\nimport { seedCache } from '../../../src-main/core/seed/generator';`],
  ])('%s: allows %s', async (file, code) => {
    expect(await restricted(file, code)).toEqual([]);
  });
});
