/**
 * How a mutation is declared (issue 20, "declare once"): everything both sides need to know about
 * an outbox entry, in one object in its domain's module (customers.ts, calls.ts, complaints.ts,
 * notes.ts, offers.ts), and every list the code uses derived from it (registry.ts). The central
 * store registers an applier for each name in a table the type checker holds to the same names
 * (server/src/sync/mutations/apply.ts): a mutation declared without one does not compile.
 *
 * Also the building blocks the argument schemas share.
 */
import { z } from 'zod';
import { text } from '../../contracts/text';
import type { MUTATION_SCHEMA_VERSIONS } from '../../contracts/sync-protocol';
import type { Permission } from '../../auth/permissions';
import { LIMITS } from '../../domain/customer';
import { MAX_DURATION_MS, MAX_INSTANT_MS } from '../../domain/time';
import { rowKey, type SyncTableName } from '../tables';

/** Every argument version the protocol has had (MUTATION_SCHEMA_VERSIONS bounds what the store accepts). */
export type MutationSchemaVersion = 1 | 2;
export const MUTATION_SCHEMA_VERSION_LIST: readonly MutationSchemaVersion[] = [1, 2];
/** The version a workstation writes today. */
export type CurrentSchemaVersion = typeof MUTATION_SCHEMA_VERSIONS.current;

/**
 * Who did it, on the workstation: the signed-in user's name (the operating-system user name on
 * entries from before sign-in). The central store never stores it: it writes the name of the
 * author it resolved from the entry's user id instead (issue 18, item 1). 128 covers both (user
 * names are at most 64, LOGIN_LIMITS).
 */
export const AGENT_ID_MAX = 128;

// ——— Building blocks of the argument schemas ———

export const uuid = text().uuid();
/**
 * Epoch milliseconds (a workstation's clock: shown to people, never used to order anything),
 * within what a Date holds; the store also bounds them by its own clock (issue 18, item 6).
 * Every field that is a workstation time uses this very schema: that is how a mutation declares
 * which of its fields are workstation times (`workstationTimeFields` finds them so).
 */
export const instant = z.number().int().nonnegative().max(MAX_INSTANT_MS, { message: 'Not a time this side of the year 10000.' });
export const durationMs = z.number().int().nonnegative().max(MAX_DURATION_MS, { message: 'Longer than any call can last.' });
export const agentId = text().min(1).max(AGENT_ID_MAX);
export const e164 = text().regex(/^\+[1-9]\d{1,14}$/, { message: 'Not a phone number in E.164 form.' });
export const personName = text().min(1).max(LIMITS.name);

export const unique = (ids: readonly string[]) => new Set(ids).size === ids.length;

// ——— What a mutation writes (its footprint) ———

export interface WrittenRow {
  table: SyncTableName;
  /** rowKey of the row (its UUID for every table a mutation writes). */
  key: string;
}

/** A customer's whole list of phones, emails or primary address that a mutation sets. */
export interface ReplacedContactSet {
  table: 'customer_phones' | 'customer_emails' | 'customer_addresses';
  customerId: string;
}

export const row = (table: SyncTableName, id: string): WrittenRow => ({ table, key: rowKey([id]) });

// ——— The declaration ———

/** A mutation's argument schema at each version it has had: a mutation introduced at version N starts at N. */
export type VersionSchemas = { readonly [V in MutationSchemaVersion]?: z.ZodType };

/** The versions a declaration has. */
export type VersionsOf<S extends VersionSchemas> = Extract<keyof S, MutationSchemaVersion>;

/** A pushed entry of mutation `Name` whose arguments parsed: discriminated by `schemaVersion`. */
export type ParsedOf<Name extends string, S extends VersionSchemas> = {
  [V in VersionsOf<S>]: { name: Name; schemaVersion: V; args: z.infer<NonNullable<S[V]>> };
}[VersionsOf<S>];

export interface MutationDeclaration<Name extends string = string, S extends VersionSchemas = VersionSchemas> {
  readonly name: Name;
  /** Its argument schema at every version it has had. A new version adds one here. */
  readonly versions: S;
  /** What the user who saved it needs; the store checks it again on push. */
  readonly permission: Permission;
  /** How it is named in a sentence to a CSR ("This note was not saved …"). */
  readonly words: string;
  /** What the person did, as a heading in the list of refused changes ("Note added"). */
  readonly label: string;
  /**
   * The rows it writes (inserts, updates or deletes), by table and key: the workstation protects
   * them from pulls while it is pending. Rows deleted because they are not in a list it sets are
   * covered by `replaces`, not listed here.
   */
  readonly writes: (m: ParsedOf<Name, S>) => WrittenRow[];
  /** The customer contact lists it sets as a whole (rows outside them are deleted); none if absent. */
  readonly replaces?: (m: ParsedOf<Name, S>) => ReplacedContactSet[];
}

/** The names a domain module's list of declarations declares (to type that domain's appliers on the store). */
export type NamesOf<D extends readonly { readonly name: string }[]> = D[number]['name'];

/** Declares one mutation; its name's type and its versions' schemas are kept for the registry. */
export function defineMutation<const Name extends string, S extends VersionSchemas>(declaration: MutationDeclaration<Name, S>): MutationDeclaration<Name, S> {
  return declaration;
}
