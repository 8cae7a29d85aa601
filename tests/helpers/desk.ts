/**
 * Test helpers for the call desk, complaints, notes and the 360 reads: the real handler table on a
 * real cache file with a clock the test moves, and a full dump of what a write could change, for
 * "a refused write changed nothing" assertions (row contents, not only counts).
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { asWritable, type CacheDb } from '../../src-main/core/db/open';
import { createHandlers, type HandlerTable } from '../../src-main/core/rpc/handlers';
import { dispatch } from '../../src-main/core/rpc/dispatch';
import type { Result } from '../../src-shared/result';
import type { UserRole } from '../../src-shared/auth/permissions';

export interface TestDesk {
  handlers: HandlerTable;
  /** Validates with the channel's contract and runs the handler, as the worker does. */
  call(channel: string, input: unknown): Result<unknown>;
  /** Like `call`, but fails the test on an error envelope and returns the value. */
  ok<T = Record<string, unknown>>(channel: string, input: unknown): T;
  clock: { now: number; advance(ms: number): number };
}

export function testDesk(db: CacheDb, options: { agentId?: string; agentRole?: UserRole; start?: number; defaultRegion?: CountryCode } = {}): TestDesk {
  const clock = {
    now: options.start ?? Date.UTC(2026, 2, 10, 9, 0, 0),
    advance(ms: number) {
      clock.now += ms;
      return clock.now;
    },
  };
  const handlers = createHandlers({
    // Some tests hand in a reader's connection (query_only) and ask it only read channels; a write
    // there is refused by SQLite, as before handles were told apart by type.
    db: asWritable(db),
    defaultRegion: options.defaultRegion ?? 'GB',
    host: 'browser-host',
    version: 'test',
    agentId: options.agentId ?? 'agent-ana',
    agentRole: options.agentRole,
    now: () => clock.now,
  });
  const call = (channel: string, input: unknown) => dispatch(handlers, channel, input, (msg, err) => console.error(msg, err));
  return {
    handlers,
    call,
    ok<T>(channel: string, input: unknown): T {
      const r = call(channel, input);
      if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message} (${r.error.field ?? ''})`);
      return r.value as T;
    },
    clock,
  };
}

const WRITABLE_TABLES = [
  'customers',
  'customer_phones',
  'customer_emails',
  'customer_addresses',
  'orders',
  'order_lines',
  'calls',
  'complaints',
  'complaint_events',
  'notes',
  'contact_edits',
  'outbox',
  'sqlite_sequence',
] as const;

/** Every row of every table a CSR's write could touch, for exact before/after comparisons. */
export function dumpWritable(db: CacheDb): Record<string, unknown[]> {
  return Object.fromEntries(WRITABLE_TABLES.map((t) => [t, db.$client.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()]));
}

export interface OutboxRow {
  mutationId: number;
  name: string;
  args: Record<string, unknown>;
  createdAt: number;
}

export function outboxRows(db: CacheDb): OutboxRow[] {
  return (
    db.$client.prepare(`SELECT mutation_id AS mutationId, name, args, created_at AS createdAt FROM outbox ORDER BY mutation_id`).all() as {
      mutationId: number;
      name: string;
      args: string;
      createdAt: number;
    }[]
  ).map((r) => ({ ...r, args: JSON.parse(r.args) as Record<string, unknown> }));
}
