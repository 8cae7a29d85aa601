/**
 * The permission matrix over every IPC channel (issue 5): the real CoreProcess, signed in as each
 * role in turn (the workstation's demo accounts), calls every channel. A channel the role's
 * permissions allow gets past the guard (its answer may still be invalid_input or unavailable); a
 * channel they do not allow answers `forbidden`. Signed out, everything but the public channels
 * answers `unauthenticated`; locked, `locked`. A channel without an entry fails the first test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, type Channel } from '../../src-shared/contracts';
import { CHANNEL_PERMISSIONS } from '../../src-shared/auth/channel-permissions';
import { PERMISSIONS, ROLE_PERMISSIONS, USER_ROLES, can, type UserRole } from '../../src-shared/auth/permissions';
import { LOCAL_DEMO_ACCOUNTS } from '../../src-main/core/auth/session-keeper';
import type { CoreProcess } from '../../src-main/core/worker/core-process';
import { plantCustomer, tempCache, type TempCache } from '../helpers/cache';
import { testCore } from '../helpers/core';

let cache: TempCache;
let core: CoreProcess;

beforeAll(async () => {
  cache = tempCache();
  plantCustomer(cache.db, { firstName: 'Zoë', lastName: 'Ångström', phones: ['+442079460958'], city: 'London', country: 'GB' });
  cache.db.$client.close();
  core = testCore(cache.file, {}, null);
  await core.start();
}, 60_000);

afterAll(async () => {
  await core.stop();
  cache.cleanup();
});

const REFUSALS = ['forbidden', 'unauthenticated', 'locked'];

/**
 * What each role is refused, written out by hand (not derived from the declarations), so a
 * change to who may do what shows up here as a deliberate edit.
 */
const ADMIN_ONLY = [
  'admin:users',
  'admin:create-user',
  'admin:update-user',
  'admin:reset-password',
  'admin:create-team',
  'admin:workstations',
  'admin:revoke-workstation',
  'audit:list',
  // Customer email (issue 23).
  'email:templates',
  'email:save-template',
  'email:outbox',
  'email:retry',
  'email:message',
  // The full export (issue 23).
  'admin:export-all',
  // Ingest integrations (issue 23).
  'integration:list',
  'integration:create',
  'integration:disable',
  'integration:deliveries',
  // Outbound webhooks (issue 23).
  'webhook:list',
  'webhook:create',
  'webhook:disable',
  'webhook:deliveries',
  'webhook:replay',
];
/** Approving discounts beyond authority (issue 21): supervisors and admins. */
const APPROVING = ['order:approvals', 'order:decide'];
/** Taking phone orders (issue 21): not store associates; following an order's status is reading the customer. */
const ORDER_TAKING = ['order:quote', 'order:submit', 'order:options', 'catalogue:search'];
/** Supervisor metrics (issue 22): every role but store associates sees figures (a CSR their own; the scope is the handler's). */
const METRICS = ['report:dashboard', 'report:dashboard-local', 'report:drilldown', 'report:drilldown-local'];
/** Exports (issue 22): supervisors and admins. */
const EXPORTING = ['report:export'];
/** The supervisors' live board (issue 22): supervisors and admins. */
const BOARD = ['board:live'];
/** Following up low satisfaction scores of a team's calls (issue 22): supervisors and admins. */
const TEAM_FOLLOW_UP = ['call:low-satisfaction', 'call:follow-up-claim', 'call:follow-up-close'];
/** Audience segments (issue 22): supervisors and admins. */
const SEGMENTS = ['segment:preview', 'segment:list', 'segment:save', 'segment:delete', 'segment:export'];
/** A customer's data on request and asking for their erasure (issue 23): supervisors and admins; confirming an erasure: admins. */
const PRIVACY_REQUESTS = ['privacy:export-customer', 'privacy:request-erasure'];
const ERASURE_CONFIRMING = ['privacy:erasure-requests', 'privacy:decide-erasure'];
/** Importing files into the store from the admin screen (issue 23): admins only. */
const IMPORTING = ['import:begin', 'import:chunk', 'import:run', 'import:status', 'import:save-errors'];
const DENIED: Record<UserRole, string[]> = {
  admin: [],
  supervisor: [...ADMIN_ONLY, ...IMPORTING, ...ERASURE_CONFIRMING],
  csr: [...ADMIN_ONLY, ...IMPORTING, 'sync:reset', ...APPROVING, ...EXPORTING, ...BOARD, ...TEAM_FOLLOW_UP, ...SEGMENTS, ...PRIVACY_REQUESTS, ...ERASURE_CONFIRMING],
  store_associate: [
    ...ADMIN_ONLY,
    ...IMPORTING,
    'sync:reset',
    'complaint:transition',
    'complaint:set-follow-up',
    ...APPROVING,
    ...ORDER_TAKING,
    ...METRICS,
    ...EXPORTING,
    ...BOARD,
    ...TEAM_FOLLOW_UP,
    ...SEGMENTS,
    ...PRIVACY_REQUESTS,
    ...ERASURE_CONFIRMING,
  ],
};
const account = (role: UserRole) => LOCAL_DEMO_ACCOUNTS.find((a) => a.role === role)!;

async function signInAs(role: UserRole): Promise<void> {
  const { username, password } = account(role);
  const r = await core.call('auth:sign-in', { username, password });
  expect(r, `signing in as ${role}`).toMatchObject({ ok: true, value: { state: 'signed_in', user: { role } } });
}

/** Whether `role` may call `channel` according to the declarations. */
function allowed(role: UserRole, channel: Channel): boolean {
  const requirement = CHANNEL_PERMISSIONS[channel];
  return requirement === 'public' || requirement === 'session' || can(role, requirement);
}

describe('the permission declarations', () => {
  it('name every channel, and only channels, with a known requirement', () => {
    expect(Object.keys(CHANNEL_PERMISSIONS).sort()).toEqual([...CHANNELS].sort());
    for (const [channel, requirement] of Object.entries(CHANNEL_PERMISSIONS)) {
      expect(['public', 'session', ...PERMISSIONS], channel).toContain(requirement);
    }
  });

  it('give each role only known permissions, and keep admin-only powers with admins', () => {
    for (const role of USER_ROLES) for (const p of ROLE_PERMISSIONS[role]) expect(PERMISSIONS).toContain(p);
    for (const role of USER_ROLES.filter((r) => r !== 'admin')) {
      expect(can(role, 'users.manage'), role).toBe(false);
      expect(can(role, 'audit.read'), role).toBe(false);
    }
    expect(can('store_associate', 'data.export')).toBe(false);
    expect(ROLE_PERMISSIONS.store_associate.filter((p) => p.startsWith('metrics.'))).toEqual([]);
    expect(ROLE_PERMISSIONS.csr.filter((p) => p.startsWith('metrics.'))).toEqual(['metrics.own']);
    expect(can('supervisor', 'metrics.team') && !can('supervisor', 'metrics.all')).toBe(true);
  });
});

describe('bad sign-in input', () => {
  it('gets a sentence naming the field, and changes nothing', async () => {
    await core.call('auth:sign-out', {});
    expect(await core.call('auth:sign-in', { username: 'csr' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: 'Enter your password.', field: 'password' } });
    expect(await core.call('auth:sign-in', { password: 'csr-demo' })).toMatchObject({ ok: false, error: { code: 'invalid_input', message: 'Enter your user name.', field: 'username' } });
    expect(await core.call('auth:sign-in', { username: '  ', password: 'x' })).toMatchObject({ ok: false, error: { message: 'Enter your user name.' } });
    expect(await core.call('auth:unlock', { password: 42 })).toMatchObject({ ok: false, error: { message: 'Enter your password.' } });
    expect(await core.call('auth:session', {})).toMatchObject({ ok: true, value: { state: 'signed_out', user: null } });
  });
});

describe('every channel for every role, through the real main-process core', () => {
  it('refuses everything but the public channels when nobody is signed in', async () => {
    await core.call('auth:sign-out', {});
    for (const channel of CHANNELS) {
      const r = await core.call(channel, {});
      if (CHANNEL_PERMISSIONS[channel] === 'public') {
        expect(!r.ok && REFUSALS.includes(r.error.code) ? r.error : 'allowed', channel).toBe('allowed');
      } else {
        expect(r, channel).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
      }
    }
  });

  for (const role of USER_ROLES) {
    it(`lets a ${role} call exactly what the role allows`, async () => {
      await signInAs(role);
      const seen: Record<string, string> = {};
      for (const channel of CHANNELS) {
        if (channel === 'auth:sign-out' || channel === 'auth:lock') continue; // they end the session under test; below
        const r = await core.call(channel, {});
        seen[channel] = !r.ok && REFUSALS.includes(r.error.code) ? r.error.code : 'allowed';
        if (!r.ok && r.error.code === 'forbidden') expect(r.error.message, channel).toMatch(/Your role \(.+\) does not allow this/);
      }
      const tested = CHANNELS.filter((c) => c !== 'auth:sign-out' && c !== 'auth:lock');
      expect(seen).toEqual(Object.fromEntries(tested.map((c) => [c, DENIED[role].includes(c) ? 'forbidden' : 'allowed'])));
      // The hand-written table and the declarations agree.
      expect(seen).toEqual(Object.fromEntries(tested.map((c) => [c, allowed(role, c) ? 'allowed' : 'forbidden'])));
      expect(await core.call('auth:lock', {})).toMatchObject({ ok: true, value: { state: 'locked' } });
      expect(await core.call('auth:sign-out', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    });
  }

  it('answers `locked` for everything but the public channels while locked', async () => {
    await signInAs('admin');
    await core.call('auth:lock', {});
    for (const channel of CHANNELS) {
      const r = await core.call(channel, {});
      if (CHANNEL_PERMISSIONS[channel] === 'public') continue;
      expect(r, channel).toMatchObject({ ok: false, error: { code: 'locked' } });
    }
  });
});
