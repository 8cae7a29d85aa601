/**
 * Every mutation, by name: the declarations of the domain modules, put together. This is the one
 * list; the names, the schemas by version, the words, labels and permissions are read from it.
 * A new mutation is declared in its domain's module (or a new module added below) and gets its
 * applier on the central store (server/src/sync/mutations/apply.ts; the type check fails until
 * it has one).
 */
import type { z } from 'zod';
import { CALL_MUTATIONS } from './calls';
import { COMPLAINT_MUTATIONS } from './complaints';
import { CUSTOMER_MUTATIONS } from './customers';
import type { CurrentSchemaVersion, MutationSchemaVersion, ParsedOf, VersionsOf } from './define';
import { NOTE_MUTATIONS } from './notes';
import { OFFER_MUTATIONS } from './offers';
import { ORDER_MUTATIONS } from './orders';

const DECLARED = [...CUSTOMER_MUTATIONS, ...CALL_MUTATIONS, ...COMPLAINT_MUTATIONS, ...NOTE_MUTATIONS, ...OFFER_MUTATIONS, ...ORDER_MUTATIONS] as const;
type Declared = (typeof DECLARED)[number];

export type MutationName = Declared['name'];

/** Each mutation's declaration, by name. */
export type MutationRegistry = { readonly [D in Declared as D['name']]: D };

export const MUTATIONS = Object.fromEntries(DECLARED.map((d) => [d.name, d])) as unknown as MutationRegistry;

/** Every mutation name, in the order the domains declare them. */
export const MUTATION_NAMES: readonly MutationName[] = DECLARED.map((d) => d.name);
if (new Set(MUTATION_NAMES).size !== DECLARED.length) throw new Error('A mutation name is declared twice.');

/** Every mutation's argument schemas, by version (only the versions it has had). */
export const MUTATION_SCHEMAS = Object.fromEntries(DECLARED.map((d) => [d.name, d.versions])) as unknown as {
  readonly [N in MutationName]: MutationRegistry[N]['versions'];
};

/** How each mutation is named in a sentence to a CSR ("This note was not saved …"). */
export const MUTATION_WORDS = Object.fromEntries(DECLARED.map((d) => [d.name, d.words])) as Readonly<Record<MutationName, string>>;

/** The versions mutation `N` has had. */
export type MutationVersion<N extends MutationName> = VersionsOf<MutationRegistry[N]['versions']>;

/** The arguments of mutation `N` at version `V` (the current one unless said), as parsed. */
export type MutationArgs<N extends MutationName, V extends MutationSchemaVersion = CurrentSchemaVersion> = V extends MutationVersion<N>
  ? z.infer<NonNullable<MutationRegistry[N]['versions'][V]>>
  : never;

/** A parsed entry of each mutation, by name. */
export type ParsedMutations = { [N in MutationName]: ParsedOf<N, MutationRegistry[N]['versions']> };

/** A pushed entry whose arguments parsed: discriminated by `name`, then by `schemaVersion`. */
export type ParsedMutation = ParsedMutations[MutationName];

export function isMutationName(name: string): name is MutationName {
  return Object.hasOwn(MUTATIONS, name);
}
