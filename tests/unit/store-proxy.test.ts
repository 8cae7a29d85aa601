/**
 * The store proxy (src-main/core/auth/store-proxy.ts) on its own: every channel declared with
 * access 'store' has a route, and the routes put ids in the path and the rest in the body as the
 * store's admin and audit endpoints expect. A stand-in store client records what it is asked.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CHANNELS, contracts, isStoreChannel } from '../../src-shared/contracts';
import { STORE_ROUTES, StoreProxy, storeRequest } from '../../src-main/core/auth/store-proxy';
import type { StoreClient } from '../../src-main/core/sync/store-client';

const USER = '7f1c1d6e-3a52-4c1e-9a3b-2d7e5c0f9a11';
const WORKSTATION = '0b6f0a4e-8d1b-4f7a-a9a0-5e3c2b1d4f60';

describe('the store proxy', () => {
  it('has a route for every store channel, and none for another (the import channels are answered by the core\'s import jobs)', () => {
    expect(Object.keys(STORE_ROUTES).sort()).toEqual(
      CHANNELS.filter(isStoreChannel)
        .filter((c) => !c.startsWith('import:'))
        .sort(),
    );
  });

  it('puts the user id in the path and the rest of the input in the body', () => {
    expect(storeRequest('admin:update-user', { userId: USER, role: 'supervisor' })).toEqual({ method: 'PATCH', path: `/admin/users/${USER}`, body: { role: 'supervisor' } });
    expect(storeRequest('admin:reset-password', { userId: USER, password: 'a-new-password-1' })).toEqual({ method: 'POST', path: `/admin/users/${USER}/password`, body: { password: 'a-new-password-1' } });
    expect(storeRequest('admin:revoke-workstation', { workstationId: WORKSTATION })).toEqual({ method: 'POST', path: `/admin/workstations/${WORKSTATION}/revoke`, body: {} });
    // Phone orders awaiting a supervisor (issue 21): the paths the store's order routes answer.
    expect(storeRequest('order:approvals', {})).toEqual({ method: 'GET', path: '/orders/approvals', body: undefined });
    expect(storeRequest('order:decide', { orderId: USER, decision: 'refuse', reason: 'Too generous.' })).toEqual({
      method: 'POST',
      path: `/orders/${USER}/decision`,
      body: { decision: 'refuse', reason: 'Too generous.' },
    });
    // The admin screen's webhook, dead-ingest and outbox panels (issue 23).
    expect(storeRequest('webhook:replay', { deliveryId: USER })).toEqual({ method: 'POST', path: `/admin/webhooks/deliveries/${USER}/replay`, body: {} });
    expect(storeRequest('webhook:disable', { endpointId: USER })).toEqual({ method: 'POST', path: `/admin/webhooks/${USER}/disable`, body: {} });
    expect(storeRequest('webhook:deliveries', { limit: 50 })).toEqual({ method: 'GET', path: '/admin/webhooks/deliveries?limit=50', body: undefined });
    expect(storeRequest('integration:deliveries', { state: 'dead', limit: 100 })).toEqual({ method: 'GET', path: '/admin/ingest/deliveries?state=dead&limit=100', body: undefined });
    expect(storeRequest('email:outbox', { limit: 100 })).toEqual({ method: 'GET', path: '/admin/email/outbox?limit=100', body: undefined });
    expect(storeRequest('email:retry', { id: USER })).toEqual({ method: 'POST', path: `/admin/email/outbox/${USER}/retry`, body: {} });
    expect(storeRequest('email:message', { id: USER })).toEqual({ method: 'GET', path: `/admin/email/outbox/${USER}/message`, body: undefined });
    expect(storeRequest('admin:users', {})).toEqual({ method: 'GET', path: '/admin/users', body: undefined });
    // Supervisor metrics (issue 22): the input as the body, the store checks the scope.
    const filter = { from: '2026-11-01', to: '2026-11-30', currency: 'USD' as const };
    expect(storeRequest('report:dashboard', { filter, compare: true })).toEqual({ method: 'POST', path: '/reports/dashboard', body: { filter, compare: true } });
    expect(storeRequest('report:drilldown', contracts['report:drilldown'].input.parse({ filter, metricId: 'callsHandled' }))).toMatchObject({ method: 'POST', path: '/reports/drilldown', body: { metricId: 'callsHandled', page: 0, pageSize: 50 } });
    expect(storeRequest('report:export', { filter, metricId: 'callsHandled', key: {} })).toEqual({ method: 'POST', path: '/reports/export', body: { filter, metricId: 'callsHandled', key: {} } });
  });

  it('asks the audit log with the query in the URL, leaving out what is not set', () => {
    const request = storeRequest('audit:list', contracts['audit:list'].input.parse({ action: 'sign_in', username: 'CSR' }));
    expect(request.method).toBe('GET');
    const url = new URL(request.path, 'http://store');
    expect(url.pathname).toBe('/audit');
    expect(url.searchParams.get('action')).toBe('sign_in');
    expect(url.searchParams.get('username')).toBe('csr');
    expect(url.searchParams.has('workstationId')).toBe(false);
  });

  it('asks with the session token, and says unavailable without a store or offline', async () => {
    const asked: unknown[][] = [];
    const client = {
      send: async (...args: unknown[]) => {
        asked.push(args);
        return { ok: true, value: { users: [], teams: [] }, serverTime: null };
      },
    } as unknown as StoreClient;
    let token: string | null = 'session-token';
    const proxy = new StoreProxy({ client, token: () => token });
    const answer = await proxy.call('admin:users', {});
    expect(answer).toEqual({ ok: true, value: { users: [], teams: [] } });
    expect(asked[0]?.slice(0, 4)).toEqual(['GET', '/admin/users', 'session-token', undefined]);
    expect(asked[0]?.[4]).toBeInstanceOf(z.ZodType);

    token = null;
    const offline = await proxy.call('admin:users', {});
    expect(offline.ok === false && offline.error.code).toBe('unavailable');
    const alone = await new StoreProxy({ client: null, token: () => 'session-token' }).call('admin:users', {});
    expect(alone.ok === false && alone.error.code).toBe('unavailable');
    expect(asked).toHaveLength(1);
  });

  it('turns a refused session into a sign-in-again message', async () => {
    const client = { send: async () => ({ ok: false, failure: { kind: 'auth', status: 401, code: 'unauthenticated', message: 'no' } }) } as unknown as StoreClient;
    const answer = await new StoreProxy({ client, token: () => 't' }).call('admin:workstations', {});
    expect(answer.ok === false && answer.error.code).toBe('unauthenticated');
  });
});
