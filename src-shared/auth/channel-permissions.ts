/**
 * What every IPC channel needs. Typed over every channel: adding a channel without an entry fails
 * the typecheck, and the permission-matrix test (tests/unit/permission-matrix.test.ts) calls every
 * channel as every role. The main process checks this before any handler runs.
 */
import type { Channel } from '../contracts';
import type { Requirement } from './permissions';

export const CHANNEL_PERMISSIONS = {
  'auth:session': 'public',
  'auth:sign-in': 'public',
  /** Needs a locked session of the same user; checked by the session keeper. */
  'auth:unlock': 'public',
  'auth:sign-out': 'session',
  'auth:lock': 'session',
  'auth:activity': 'session',
  'app:info': 'session',
  'config:lists': 'session',
  'lookup:search': 'customer.read',
  'customer:get': 'customer.read',
  'customer:timeline': 'customer.read',
  'customer:purchases': 'customer.read',
  'customer:edit-history': 'customer.read',
  'order:get': 'customer.read',
  /** The CSR's own recent callers and follow-ups: their calls, so whoever handles calls. */
  'worklist:today': 'call.handle',
  'suggestions:list': 'customer.read',
  'suggestions:status': 'customer.read',
  'customer:create': 'customer.create',
  'customer:update-contact': 'customer.edit_contact',
  'call:start': 'call.handle',
  'call:attach-customer': 'call.handle',
  'call:hold': 'call.handle',
  'call:resume': 'call.handle',
  'call:end': 'call.handle',
  'call:wrap-up': 'call.handle',
  'call:get': 'call.handle',
  'call:current': 'call.handle',
  'complaint:log': 'complaint.log',
  'complaint:list': 'customer.read',
  'complaint:get': 'customer.read',
  'complaint:transition': 'complaint.manage',
  'complaint:set-follow-up': 'complaint.manage',
  'note:add': 'complaint.log',
  'offer:present': 'offer.present',
  'offer:decide': 'offer.present',
  'offers:stats': 'offer.present',
  'sync:status': 'sync.use',
  'sync:now': 'sync.use',
  'sync:check': 'sync.use',
  'sync:reset': 'sync.manage',
  /** Everyone may clear a refused write from the list once they have read it. */
  'sync:dismiss-rejection': 'sync.use',
  'admin:users': 'users.manage',
  'admin:create-user': 'users.manage',
  'admin:update-user': 'users.manage',
  'admin:reset-password': 'users.manage',
  'admin:create-team': 'users.manage',
  'admin:workstations': 'workstations.read',
  'admin:revoke-workstation': 'workstations.manage',
  'audit:list': 'audit.read',
} as const satisfies { [C in Channel]: Requirement };

export function channelRequirement(channel: Channel): Requirement {
  return CHANNEL_PERMISSIONS[channel];
}
