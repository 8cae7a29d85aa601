/**
 * A permanent reason not to apply a pushed mutation: its arguments do not parse, or a row it
 * refers to is not in the store. An applier throws it; push rolls the apply back and, in a fresh
 * transaction, records the entry as rejected with this code and message (the client's last
 * mutation id still moves on, so one bad entry never blocks the queue). Anything else thrown is
 * transient and stops the batch.
 */
import type { ErrorCode } from '../../../../src-shared/result';
import type { UserRole } from '../../../../src-shared/auth/permissions';
import type { StoreDb } from '../../db/connect';
import type { MutationName, ParsedMutations } from '../../../../src-shared/sync/mutations';

export class MutationRefused extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'MutationRefused';
    this.code = code;
  }
}

/** Issue 18, item 7: a create under an id the store has for another record is refused. */
export const takenId = (words: string, record: string) =>
  `This ${words} was given an id that the central store already has for another ${record}, so it was not saved there; enter it again if it is still needed.`;

/** The transaction an applier writes in (one per pushed mutation). */
export type StoreTx = Parameters<Parameters<StoreDb['transaction']>[0]>[0];

export interface ApplyContext {
  tx: StoreTx;
  /** The server's clock (epoch ms) when this mutation is applied. */
  now: number;
  /** The workstation's clock when the entry was saved: for rows whose time the mutation does not carry. */
  savedAt: number;
  /** The role of the user the entry is applied as: may they step other agents' calls and offers (issue 18, item 8)? */
  authorRole: UserRole;
  /** The user the entry is applied as, as the store knows them (push-batch.ts resolved and checked them). */
  author: { id: string; username: string; role: UserRole };
  /** The workstation that pushed the entry (a supervisor approving at it must have signed in there). */
  workstation: { id: string; name: string };
}

/** Applies one parsed entry of mutation `N` in its transaction; throws MutationRefused for a permanent reason not to. */
export type Applier<N extends MutationName> = (ctx: ApplyContext, m: ParsedMutations[N]) => Promise<void>;

/** A domain's appliers, one per mutation it declares (apply.ts puts every domain's together). */
export type Appliers<N extends MutationName> = { readonly [K in N]: Applier<K> };
