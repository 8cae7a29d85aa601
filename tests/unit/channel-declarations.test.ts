/**
 * A channel is declared once, in its domain's contract module (issue 20): the composed table holds
 * every declared channel exactly once, and the permission table and the API method names are
 * derived from the declarations.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { API_METHOD, CHANNELS, contracts } from '../../src-shared/contracts';
import { apiMethodName, channelGroup, composeChannels, defineChannel, type AnyChannelContract, type ApiMethodName } from '../../src-shared/contracts/define';
import { CHANNEL_PERMISSIONS } from '../../src-shared/auth/channel-permissions';
import { z } from 'zod';
import * as admin from '../../src-shared/contracts/admin';
import * as email from '../../src-shared/contracts/email';
import * as app from '../../src-shared/contracts/app';
import * as auth from '../../src-shared/contracts/auth';
import * as board from '../../src-shared/contracts/board';
import * as calls from '../../src-shared/contracts/calls';
import * as catalogue from '../../src-shared/contracts/catalogue';
import * as complaints from '../../src-shared/contracts/complaints';
import * as customer from '../../src-shared/contracts/customer';
import * as customer360 from '../../src-shared/contracts/customer360';
import * as ingest from '../../src-shared/contracts/ingest';
import * as imports from '../../src-shared/contracts/imports';
import * as lookup from '../../src-shared/contracts/lookup';
import * as notes from '../../src-shared/contracts/notes';
import * as orders from '../../src-shared/contracts/orders';
import * as segments from '../../src-shared/contracts/segments';
import * as privacy from '../../src-shared/contracts/privacy';
import * as reports from '../../src-shared/contracts/reports';
import * as suggestions from '../../src-shared/contracts/suggestions';
import * as sync from '../../src-shared/contracts/sync';
import * as worklist from '../../src-shared/contracts/worklist';
import * as webhooks from '../../src-shared/contracts/webhooks';

const MODULES = { admin, app, auth, board, calls, catalogue, complaints, customer, customer360, email, imports, ingest, lookup, notes, orders, privacy, reports, segments, suggestions, sync, webhooks, worklist };

const isContract = (value: unknown): value is AnyChannelContract =>
  typeof value === 'object' && value !== null && 'channel' in value && 'input' in value && 'output' in value && 'access' in value;

describe('channel declarations', () => {
  it('composes every channel a contract module declares, each once', () => {
    const declared = Object.values(MODULES).flatMap((m) => Object.values(m).filter(isContract));
    // A channel declared but left out of its module's group would exist nowhere: refused here.
    for (const contract of declared) expect(contracts[contract.channel as keyof typeof contracts]).toBe(contract);
    expect(new Set(declared.map((c) => c.channel)).size).toBe(CHANNELS.length);
  });

  it('declares the live board (issue 22) as a store channel for supervisors and admins', () => {
    expect(Object.keys(board.boardChannels)).toEqual(['board:live']);
    expect(contracts['board:live']).toMatchObject({ access: 'store', permission: 'metrics.team' });
  });

  it('declares the phone-order channels (issue 21) with their access and permission', () => {
    expect(Object.keys(orders.orderChannels).sort()).toEqual(['order:approvals', 'order:decide', 'order:options', 'order:quote', 'order:status', 'order:submit']);
    expect([contracts['order:quote'].access, contracts['order:submit'].access, contracts['order:approvals'].access, contracts['order:decide'].access]).toEqual(['read', 'write', 'store', 'store']);
    expect(CHANNEL_PERMISSIONS['order:submit']).toBe('order.take');
    expect(CHANNEL_PERMISSIONS['order:decide']).toBe('discount.approve');
    // order:get stays the past-purchases detail (customer360); the order panel follows an order with order:status.
    expect(contracts['order:get']).toBe(customer360.orderGet);
  });

  it('declares the admin screen\'s webhook, dead-ingest and email-outbox channels (issue 23) as admin store channels', () => {
    expect(Object.keys(webhooks.webhookChannels).sort()).toEqual(['webhook:create', 'webhook:deliveries', 'webhook:disable', 'webhook:list', 'webhook:replay']);
    for (const c of ['webhook:list', 'webhook:create', 'webhook:disable', 'webhook:deliveries', 'webhook:replay', 'integration:deliveries'] as const) {
      expect(contracts[c]).toMatchObject({ access: 'store', permission: 'integrations.manage' });
    }
    for (const c of ['email:outbox', 'email:retry', 'email:message'] as const) expect(contracts[c]).toMatchObject({ access: 'store', permission: 'email.manage' });
  });

  it('derives the permission table from the declarations', () => {
    expect(Object.keys(CHANNEL_PERMISSIONS).sort()).toEqual([...CHANNELS].sort());
    for (const channel of CHANNELS) expect(CHANNEL_PERMISSIONS[channel]).toBe(contracts[channel].permission);
  });

  it('derives each API method name from the channel name, at run time as in the type', () => {
    expect(apiMethodName('call:attach-customer')).toBe('callAttachCustomer');
    expect(apiMethodName('complaint:set-follow-up')).toBe('complaintSetFollowUp');
    expect(apiMethodName('sync:status')).toBe('syncStatus');
    expect(apiMethodName('offers:stats')).toBe('offersStats');
    expect(apiMethodName('phone-order:add-line')).toBe('phoneOrderAddLine');
    expectTypeOf<ApiMethodName<'call:attach-customer'>>().toEqualTypeOf<'callAttachCustomer'>();
    expectTypeOf<ApiMethodName<'phone-order:add-line'>>().toEqualTypeOf<'phoneOrderAddLine'>();
    expectTypeOf(API_METHOD['sync:dismiss-rejection']).toEqualTypeOf<'syncDismissRejection'>();
    expect(new Set(Object.values(API_METHOD)).size).toBe(CHANNELS.length);
    for (const channel of CHANNELS) expect(API_METHOD[channel]).toBe(apiMethodName(channel));
  });

  it('refuses a channel declared twice', () => {
    const probe = defineChannel({ channel: 'probe:twice', permission: 'session', access: 'read', input: z.object({}), output: z.object({}) });
    expect(() => channelGroup(probe, probe)).toThrow(/declared twice/);
    expect(() => composeChannels(channelGroup(probe), channelGroup(probe))).toThrow(/two domains/);
  });
});
