// `npm run host -- [--db FILE] [--port N] [--region CC] [--no-demo]`: builds if needed, then runs
// the browser host (out/main/host.js), which prints the address to open.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { buildIfStale } from './build-if-stale.mjs';
import { coreProcessEnv } from './electron-launch.mjs';

const root = resolve(import.meta.dirname, '..');
buildIfStale();
const child = spawn(process.execPath, [join(root, 'out/main/host.js'), ...process.argv.slice(2)], { stdio: 'inherit', env: coreProcessEnv(process.env) });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
