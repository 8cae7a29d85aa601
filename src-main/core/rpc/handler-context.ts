/**
 * What a database channel's handler is and what it may use, shared by every domain's handler
 * module (`*-channels.ts`) and their composition (rpc/handlers.ts).
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type { ReadableDb, WritableDb } from '../db/open';
import type { StepAgent } from '../../../src-shared/auth/permissions';
import type { Approver } from '../worker/protocol';
import type { UserRole } from '../../../src-shared/contracts/server-auth';
import type { ChannelOutput, ChannelParsedInput, DbChannel, ReadChannel, WriteChannel } from '../../../src-shared/contracts';

export type Handler<C extends DbChannel> = (input: ChannelParsedInput<C>) => ChannelOutput<C>;
/** Every channel the reader answers. */
export type ReadHandlerTable = { [C in ReadChannel]: Handler<C> };
/** Every channel the writer alone answers. */
export type WriteHandlerTable = { [C in WriteChannel]: Handler<C> };
/** Every channel a database worker answers; `sync` channels are the sync engine's. */
export type HandlerTable = ReadHandlerTable & WriteHandlerTable;
/** What a worker holds: the reader has no write handlers at all. */
export type DbHandlers = { readonly [C in DbChannel]?: Handler<C> };

/** A domain's handlers for the `read` channels of its contract group `G` (e.g. `typeof callChannels`). */
export type ReadHandlersOf<G> = { [C in keyof G & ReadChannel]: Handler<C> };
/** A domain's handlers for the `write` channels of its contract group `G`. */
export type WriteHandlersOf<G> = { [C in keyof G & WriteChannel]: Handler<C> };

/** What a read handler may use: the reader's handle, never the writer's. */
export interface ReadContext {
  db: ReadableDb;
  defaultRegion: CountryCode;
  host: 'electron' | 'browser-host';
  version: string;
  /** Who is working: the signed-in user (set per call by the db worker from the session's actor). */
  agentId: string;
  /**
   * The signed-in user's role; absent without a signed-in user (the operator's own workstation,
   * tests), who then may step only their own calls and offers.
   */
  agentRole?: UserRole | undefined;
  /** The signed-in user's store user id (their own discount authority); absent without a signed-in user. */
  agentUserId?: string | undefined;
  /**
   * A supervisor approving this call's discount at this workstation, whose password main checked
   * (worker/protocol.ts Actor.approver); absent on every other call.
   */
  approver?: Approver | undefined;
  /** The clock every write stamps with (injectable for tests). */
  now: () => number;
  /** Days an answered offer is not suggested again (offer-rules.ts); the default when absent. */
  offerCooldownDays?: number | undefined;
}

/** What a write handler may use: the writer's handle. */
export interface WriteContext extends ReadContext {
  db: WritableDb;
}

/** The writer's context (kept under its old name: the tests and the bench build one). */
export type HandlerContext = WriteContext;

/** Who steps a call or answers an offer, and whether they may do so to another agent's. */
export function stepAgent(ctx: ReadContext): StepAgent {
  return { agentId: ctx.agentId, role: ctx.agentRole ?? null };
}
