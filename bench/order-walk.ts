/**
 * `order.walk.keys` for `npm run bench` (issue 21): the keystrokes of the end-to-end phone-order
 * walk — screen-pop, accept a suggestion, reorder a line, add a product by typing its SKU, apply a
 * campaign code, give a discount beyond authority and send it to the supervisors — as the Chromium
 * test tests/e2e/phone-order-store.spec.ts counts them (every key pressed and every character typed
 * counts one). It runs that test (the app's renderer is built first when `out/` is missing) and
 * reads the count it prints. Fewer is better. Needs Debian's Chromium, as the e2e tests do.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Figure } from './stats';

const SPEC = 'tests/e2e/phone-order-store.spec.ts';
const TITLE = 'keyboard-only call';

export function benchOrderWalk(repo: string): Figure[] {
  if (!existsSync(join(repo, 'out', 'renderer', 'index.html'))) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('order.walk.keys: `npm run build` failed.');
  }
  const run = spawnSync('npx', ['playwright', 'test', SPEC, '-g', TITLE, '--reporter=line'], { cwd: repo, encoding: 'utf8', timeout: 600_000 });
  const output = `${run.stdout ?? ''}\n${run.stderr ?? ''}`;
  const keys = /order\.walk\.keys=(\d+)/.exec(output);
  const approval = /confirmed in (\d+) ms/.exec(output);
  if (run.status !== 0 || !keys) {
    throw new Error(`order.walk.keys: the walk (${SPEC}) did not pass:\n${output.slice(-3000)}`);
  }
  const figures: Figure[] = [{ name: 'order.walk.keys', value: Number(keys[1]), unit: 'keys' }];
  if (approval) figures.push({ name: 'order.approval_to_csr_ms', value: Number(approval[1]), unit: 'ms' });
  return figures;
}
