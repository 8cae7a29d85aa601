/**
 * Outbox mutations: the entries a workstation writes (src-main/core, via Outbox.append) and the
 * central store parses with `parseMutationArgs` and applies. An entry that does not parse is a
 * permanent failure: the store records it as rejected with the reason and the client's queue
 * moves on.
 *
 * Each mutation is declared once, in its domain's module (customers.ts, calls.ts, complaints.ts,
 * notes.ts, offers.ts; the declaration's shape is in define.ts): its argument schema at each
 * version it has had, its permission, its words, its footprint. registry.ts puts them together;
 * everything here reads them from there.
 *
 * Versions (MUTATION_SCHEMA_VERSIONS in contracts/sync-protocol.ts): v2 is current, v1 is what
 * workstations wrote before it and is still accepted. Every mutation declared so far had both
 * (customers.ts says how the two differ); one added later has only the versions from its own on.
 *
 * Strings are bounded by the limits the IPC contracts declare for the same fields, so an entry can
 * carry nothing the forms would not have accepted.
 */
import type { z } from 'zod';
import { MUTATION_SCHEMA_VERSIONS } from '../../contracts/sync-protocol';
import { fail, ok, type Result } from '../../result';
import { instant, MUTATION_SCHEMA_VERSION_LIST, type MutationSchemaVersion, type ReplacedContactSet, type VersionSchemas, type WrittenRow } from './define';
import { isMutationName, MUTATIONS, MUTATION_SCHEMAS, MUTATION_WORDS, type MutationName, type ParsedMutation } from './registry';

export { AGENT_ID_MAX, MUTATION_SCHEMA_VERSION_LIST, type MutationSchemaVersion, type ReplacedContactSet, type WrittenRow } from './define';
export { CONTACT_TEXT_MAX, changedContactFields, type ContactChanges } from './customers';
export {
  isMutationName,
  MUTATIONS,
  MUTATION_NAMES,
  MUTATION_SCHEMAS,
  MUTATION_WORDS,
  type MutationArgs,
  type MutationName,
  type MutationRegistry,
  type MutationVersion,
  type ParsedMutation,
  type ParsedMutations,
} from './registry';

function isAcceptedVersion(version: number): version is MutationSchemaVersion {
  return (MUTATION_SCHEMA_VERSION_LIST as readonly number[]).includes(version);
}

/** Mutation `name`'s schemas by version, seen as any mutation's (for lookups by a version number). */
const versionsOf = (name: MutationName): VersionSchemas => MUTATION_SCHEMAS[name];

/** The versions mutation `name` has had, oldest first (a mutation introduced at version N starts at N). */
export function mutationVersions(name: MutationName): MutationSchemaVersion[] {
  return MUTATION_SCHEMA_VERSION_LIST.filter((v) => versionsOf(name)[v] !== undefined);
}

/** Mutation `name`'s argument schema at `version`, if it had that version. */
export function mutationSchema(name: MutationName, version: MutationSchemaVersion): z.ZodType | undefined {
  return versionsOf(name)[version];
}

/**
 * Checks a pushed entry's name, version and arguments. On failure the error is the permanent
 * reason the store records and the workstation shows: code `invalid_input` and a sentence saying
 * what happened and what to do.
 */
export function parseMutationArgs(name: string, schemaVersion: number, args: unknown): Result<ParsedMutation> {
  if (!isMutationName(name)) {
    return fail(
      'invalid_input',
      `The central store does not know this kind of change ("${name.slice(0, 64)}"), so it was not saved there; ask your administrator to bring Switchboard and the central store to the same version.`,
    );
  }
  const words = MUTATION_WORDS[name];
  if (schemaVersion < MUTATION_SCHEMA_VERSIONS.oldestAccepted) {
    return fail(
      'invalid_input',
      `This ${words} was saved by a Switchboard version the central store no longer accepts (format ${schemaVersion}), so it was not saved there; re-enter it if it is still needed.`,
    );
  }
  if (schemaVersion > MUTATION_SCHEMA_VERSIONS.current || !isAcceptedVersion(schemaVersion)) {
    return fail(
      'invalid_input',
      `This ${words} was saved by a newer Switchboard (format ${schemaVersion}) than the central store understands, so it was not saved there; ask your administrator to update the central store.`,
    );
  }
  const schema = mutationSchema(name, schemaVersion);
  if (!schema) {
    // A format from before this kind of change existed: no Switchboard writes that.
    return fail('invalid_input', `The central store could not read this ${words} (it has no format ${schemaVersion}), so it was not saved there; re-enter it if it is still needed.`);
  }
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    const what = issue ? `${where}${issue.message}` : 'its details are not valid';
    return fail('invalid_input', `The central store could not read this ${words} (${what}), so it was not saved there; re-enter it if it is still needed.`);
  }
  return ok({ name, schemaVersion, args: parsed.data } as ParsedMutation);
}

/**
 * The workstation times a parsed mutation carries (every argument declared as `instant`), for the
 * store to hold against its own clock. Derived from the schemas, so a new time field is covered.
 */
export function workstationTimes(m: ParsedMutation): number[] {
  const args = m.args as Record<string, unknown>;
  return workstationTimeFields(m.name, m.schemaVersion)
    .map((field) => args[field])
    .filter((value): value is number => typeof value === 'number');
}

/** The argument names of a mutation (at a version) that are workstation times; none at a version it never had. */
export function workstationTimeFields(name: MutationName, version: MutationSchemaVersion): string[] {
  const shape = (mutationSchema(name, version) as unknown as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
  return Object.keys(shape).filter((field) => shape[field] === instant);
}

// ——— What a mutation writes (for the client: rows with pending writes are protected from pulls) ———

/**
 * The footprint of `m`'s own declaration. Each declaration's functions take only its own entries,
 * and `m.name` picks that declaration, which the type checker cannot follow through the union.
 */
function footprintOf(m: ParsedMutation): {
  writes: (m: ParsedMutation) => WrittenRow[];
  replaces?: (m: ParsedMutation) => ReplacedContactSet[];
} {
  return MUTATIONS[m.name] as unknown as ReturnType<typeof footprintOf>;
}

/**
 * The rows a parsed mutation writes (inserts, updates or deletes), by table and key. A
 * `customer.update_contact` also deletes the customer's phones, emails or primary address that
 * are not in its lists; those are covered by `contactSetsReplaced`, not listed here.
 */
export function rowsWrittenByMutation(m: ParsedMutation): WrittenRow[] {
  return footprintOf(m).writes(m);
}

/** The customer contact lists a parsed mutation sets as a whole (rows outside them are deleted). */
export function contactSetsReplaced(m: ParsedMutation): ReplacedContactSet[] {
  return footprintOf(m).replaces?.(m) ?? [];
}

/**
 * For the client's sync engine: the (table, key) pairs an outbox entry writes. Entries that do not
 * parse (the store will reject them) protect nothing. `schemaVersion` is the entry's own.
 */
export function rowsWrittenBy(name: string, args: unknown, schemaVersion: number = MUTATION_SCHEMA_VERSIONS.current): WrittenRow[] {
  const parsed = parseMutationArgs(name, schemaVersion, args);
  return parsed.ok ? rowsWrittenByMutation(parsed.value) : [];
}

/** For the client's sync engine: the contact lists of a customer that an outbox entry replaces. */
export function contactSetsReplacedBy(name: string, args: unknown, schemaVersion: number = MUTATION_SCHEMA_VERSIONS.current): ReplacedContactSet[] {
  const parsed = parseMutationArgs(name, schemaVersion, args);
  return parsed.ok ? contactSetsReplaced(parsed.value) : [];
}
