/**
 * The arguments of every outbox mutation, one zod schema per mutation name and schema version,
 * declared once: the workstation writes these shapes (src-main/core, via Outbox.append), and the
 * central store parses every pushed entry with `parseMutationArgs` before it applies it. An entry
 * that does not parse is a permanent failure: the store records it as rejected with the reason
 * and the client's queue moves on.
 *
 * Versions (MUTATION_SCHEMA_VERSIONS in contracts/sync-protocol.ts): v2 is current, v1 is what
 * workstations wrote before it and is still accepted. They differ in two mutations only:
 * - `customer.create` v2 adds `phoneId`, `emailId` (null without an email) and `phoneRaw`, so the
 *   store's phone and email rows get the workstation's ids (for v1 the store derives them).
 * - `customer.update_contact` v2 adds `edits: [{ id, field, newValue }]`; v1 has only `editIds`,
 *   in the canonical field order restricted to the fields present in `changes`.
 * Every other mutation has the same arguments in both versions. Numbers kept unverified (issue 18)
 * added optional flags to v2 instead of a v3: `phoneVerified` on `customer.create` and `verified`
 * on each phone of `customer.update_contact`; absent means verified, as every earlier entry is.
 * A store older than that refuses an entry with an unverified number (its key is not E.164), shown
 * under "needs attention" on the workstation; it never stores it as a verified one.
 * `customer.create` v2 also took an optional `address` (issue 19, item 4): a store older than that
 * ignores it (zod drops unknown keys) and the new customer reaches it without the address.
 *
 * Strings are bounded by the limits the IPC contracts declare for the same fields, so an entry can
 * carry nothing the forms would not have accepted.
 */
import { z } from 'zod';
import { text } from '../contracts/text';
import { LIMITS, PHONE_KINDS } from '../domain/customer';
import { unverifiedPhoneKey } from '../domain/phone';
import { CONTACT_FIELD_ORDER, CONTACT_CHANGE_KEY } from '../domain/contact-text';
import { CONTACT_FIELDS, CONTACT_LIMITS, type ContactField } from '../contracts/customer360';
import { CALL_LIMITS, CALL_SOURCES } from '../contracts/calls';
import { COMPLAINT_LIMITS, COMPLAINT_SEVERITIES, COMPLAINT_STATUSES, calendarDate } from '../contracts/complaints';
import { NOTE_LIMITS } from '../contracts/notes';
import { OFFER_DECISIONS, SUGGESTION_KINDS, SUGGESTION_LIMITS } from '../contracts/suggestions';
import { MUTATION_NAMES, MUTATION_SCHEMA_VERSIONS, type MutationName } from '../contracts/sync-protocol';
import { fail, missingCaseError, ok, type Result } from '../result';
import { rowKey, type SyncTableName } from './tables';
import { MAX_DURATION_MS, MAX_INSTANT_MS } from '../domain/time';

export type MutationSchemaVersion = 1 | 2;
export const MUTATION_SCHEMA_VERSION_LIST: readonly MutationSchemaVersion[] = [1, 2];

/**
 * Who did it, on the workstation: the signed-in user's name (the operating-system user name on
 * entries from before sign-in). The central store never stores it: it writes the name of the
 * author it resolved from the entry's user id instead (issue 18, item 1). 128 covers both (user
 * names are at most 64, LOGIN_LIMITS).
 */
export const AGENT_ID_MAX = 128;
/** A contact edit's history text: the longest is an address (six fields, at most ~650 characters). */
export const CONTACT_TEXT_MAX = 2000;

// ——— Building blocks ———

const uuid = text().uuid();
/**
 * Epoch milliseconds (a workstation's clock: shown to people, never used to order anything),
 * within what a Date holds; the store also bounds them by its own clock (issue 18, item 6).
 * Every field that is a workstation time uses this very schema: `workstationTimes` finds them so.
 */
const instant = z.number().int().nonnegative().max(MAX_INSTANT_MS, { message: 'Not a time this side of the year 10000.' });
const durationMs = z.number().int().nonnegative().max(MAX_DURATION_MS, { message: 'Longer than any call can last.' });
const agentId = text().min(1).max(AGENT_ID_MAX);
const e164 = text().regex(/^\+[1-9]\d{1,14}$/, { message: 'Not a phone number in E.164 form.' });
const personName = text().min(1).max(LIMITS.name);
/** Stored lower-cased; only the shape is checked here (the forms check the address itself). */
const emailAddress = text()
  .max(LIMITS.email)
  .regex(/^[^\s@]+@[^\s@]+$/, { message: 'Not an email address.' });
const phoneRaw = text().min(1).max(LIMITS.phoneRaw);
const country = text().regex(/^[A-Z]{2}$/, { message: 'Not a two-letter country code.' });

/** The digits a number kept unverified is stored under (never E.164: no "+"; src-shared/domain/phone.ts). */
const unverifiedKey = text().regex(/^\d{4,20}$/, { message: 'Not the digits of a phone number.' });
/**
 * A verified number is E.164; an unverified one (`verified` false, issue 18) is the digits of its
 * raw text, exactly. Entries written before there were unverified numbers have no flag: verified.
 */
const phoneKeyMatches = (p: { e164: string; raw: string; verified?: boolean | undefined }) =>
  p.verified !== false ? /^\+[1-9]\d{1,14}$/.test(p.e164) : p.e164 === unverifiedPhoneKey(p.raw);
const PHONE_KEY_MISMATCH = 'A verified number is in E.164 form; an unverified one is stored under the digits of the number as typed.';

const storedPhone = z
  .object({ id: uuid, e164: z.union([e164, unverifiedKey]), raw: phoneRaw, kind: z.enum(PHONE_KINDS), isPrimary: z.boolean(), verified: z.boolean().optional() })
  .refine(phoneKeyMatches, { message: PHONE_KEY_MISMATCH, path: ['e164'] });
const storedEmail = z.object({ id: uuid, email: emailAddress, isPrimary: z.boolean() });
const storedAddress = z.object({
  id: uuid,
  line1: text().min(1).max(CONTACT_LIMITS.addressLine),
  line2: text().max(CONTACT_LIMITS.addressLine).nullable(),
  city: text().min(1).max(CONTACT_LIMITS.city),
  region: text().max(CONTACT_LIMITS.region).nullable(),
  postalCode: text().max(CONTACT_LIMITS.postalCode).nullable(),
  country,
});

const unique = (ids: readonly string[]) => new Set(ids).size === ids.length;

// ——— customer.create ———

const customerCreateV1 = z.object({
  customerId: uuid,
  firstName: personName,
  lastName: personName,
  /** E.164. */
  phone: e164,
  /** Lower-cased, or null. */
  email: emailAddress.nullable(),
});

const customerCreateV2 = customerCreateV1
  .extend({
    phoneId: uuid,
    /** Null exactly when `email` is. */
    emailId: uuid.nullable(),
    /** The number as the CSR typed it. */
    phoneRaw,
    /** E.164 when verified; false: the CSR kept a number the phone library could not read, `phone` is its digits (issue 18). */
    phone: z.union([e164, unverifiedKey]),
    phoneVerified: z.boolean().optional(),
    /** The primary address given with the new customer (issue 19, item 4); absent: none. An optional field of v2, like `phoneVerified`. */
    address: storedAddress.optional(),
  })
  .refine((a) => phoneKeyMatches({ e164: a.phone, raw: a.phoneRaw, verified: a.phoneVerified }), { message: PHONE_KEY_MISMATCH, path: ['phone'] })
  .refine((a) => (a.emailId === null) === (a.email === null), { message: 'An email needs an email id, and only an email has one.', path: ['emailId'] })
  .refine((a) => a.emailId === null || a.emailId !== a.phoneId, { message: 'The phone and the email need different ids.', path: ['emailId'] });

// ——— customer.update_contact ———

/** Only the fields that changed are present; `primaryAddress: null` removes the primary address. */
const contactChanges = z
  .object({
    firstName: personName.optional(),
    lastName: personName.optional(),
    /** The whole list, priority order; rows not in it are removed. */
    phones: z.array(storedPhone).max(CONTACT_LIMITS.phones).optional(),
    emails: z.array(storedEmail).max(CONTACT_LIMITS.emails).optional(),
    primaryAddress: storedAddress.nullable().optional(),
    marketingConsent: z.boolean().optional(),
  })
  .refine((c) => changedContactFields(c).length > 0, { message: 'A contact change changes at least one field.' })
  .refine((c) => unique((c.phones ?? []).map((p) => p.id)) && unique((c.phones ?? []).map((p) => p.e164)), {
    message: 'Each phone appears once.',
    path: ['phones'],
  })
  .refine((c) => unique((c.emails ?? []).map((e) => e.id)) && unique((c.emails ?? []).map((e) => e.email)), {
    message: 'Each email appears once.',
    path: ['emails'],
  });
export type ContactChanges = z.infer<typeof contactChanges>;

/** The fields present in `changes`, in the canonical order. */
export function changedContactFields(changes: Partial<Record<(typeof CONTACT_CHANGE_KEY)[ContactField], unknown>>): ContactField[] {
  return CONTACT_FIELD_ORDER.filter((field) => changes[CONTACT_CHANGE_KEY[field]] !== undefined);
}

const updateContactV1Shape = z.object({
  customerId: uuid,
  callId: uuid.nullable(),
  agentId,
  at: instant,
  /** One per changed field, in the canonical field order. */
  editIds: z.array(uuid).min(1).max(CONTACT_FIELDS.length),
  changes: contactChanges,
});

const customerUpdateContactV1 = updateContactV1Shape.refine(
  (a) => a.editIds.length === changedContactFields(a.changes).length && unique(a.editIds),
  { message: 'There must be one distinct edit id per changed field.', path: ['editIds'] },
);

const contactEditV2 = z.object({ id: uuid, field: z.enum(CONTACT_FIELDS), newValue: text().max(CONTACT_TEXT_MAX).nullable() });

const customerUpdateContactV2 = updateContactV1Shape
  .extend({
    /** One per changed field, in the canonical field order: its id and its new value as history text. */
    edits: z.array(contactEditV2).min(1).max(CONTACT_FIELDS.length),
  })
  .refine(
    (a) => {
      const fields = changedContactFields(a.changes);
      return (
        a.edits.length === fields.length &&
        a.edits.every((e, i) => e.field === fields[i] && e.id === a.editIds[i]) &&
        unique(a.editIds)
      );
    },
    { message: 'The edits must name each changed field once, in order, with the ids in editIds.', path: ['edits'] },
  );

// ——— Calls ———

const callStart = z.object({
  callId: uuid,
  customerId: uuid.nullable(),
  fromE164: e164.nullable(),
  /** The caller id as received (issue 19); absent from workstations that predate it. */
  fromRaw: text().max(LIMITS.phoneRaw).nullable().optional(),
  source: z.enum(CALL_SOURCES),
  agentId,
  startedAt: instant,
});

const callAttachCustomer = z.object({ callId: uuid, customerId: uuid, previousCustomerId: uuid.nullable(), agentId, at: instant });
const callHold = z.object({ callId: uuid, agentId, at: instant });
const callResume = z.object({ callId: uuid, agentId, at: instant, holdMs: durationMs });
const callEnd = z.object({ callId: uuid, agentId, at: instant, talkMs: durationMs, holdMs: durationMs });
const callWrapUp = z.object({
  callId: uuid,
  agentId,
  at: instant,
  dispositionCode: text().min(1).max(CALL_LIMITS.dispositionCode),
  notes: text().max(CALL_LIMITS.wrapUpNotes).nullable(),
  talkMs: durationMs,
  holdMs: durationMs,
  wrapUpMs: durationMs,
});

// ——— Complaints ———

const complaintLog = z.object({
  complaintId: uuid,
  /** The 'opened' history event. */
  eventId: uuid,
  customerId: uuid,
  callId: uuid.nullable(),
  orderId: uuid.nullable(),
  orderLineId: uuid.nullable(),
  categoryCode: text().min(1).max(COMPLAINT_LIMITS.categoryCode),
  severity: z.enum(COMPLAINT_SEVERITIES),
  description: text().min(1).max(COMPLAINT_LIMITS.description),
  desiredResolution: text().max(COMPLAINT_LIMITS.desiredResolution).nullable(),
  followUpOn: calendarDate.nullable(),
  openedAt: instant,
  agentId,
  status: z.literal('open'),
});

const complaintTransition = z
  .object({
    complaintId: uuid,
    eventId: uuid,
    /** The status the workstation saw; the store records its own current status as "from". */
    from: z.enum(COMPLAINT_STATUSES),
    to: z.enum(COMPLAINT_STATUSES),
    resolution: text().min(1).max(COMPLAINT_LIMITS.resolution).nullable(),
    note: text().min(1).max(COMPLAINT_LIMITS.transitionNote).nullable(),
    callId: uuid.nullable(),
    agentId,
    at: instant,
  })
  .refine((a) => (a.to === 'resolved') === (a.resolution !== null), {
    message: 'A resolution comes with resolving, and only then.',
    path: ['resolution'],
  });

const complaintSetFollowUp = z.object({
  complaintId: uuid,
  eventId: uuid,
  followUpOn: calendarDate.nullable(),
  /** What the workstation saw before; the store describes the change from its own value. */
  previous: calendarDate.nullable(),
  callId: uuid.nullable(),
  agentId,
  at: instant,
});

// ——— Notes and offers ———

const noteAdd = z.object({
  noteId: uuid,
  customerId: uuid,
  callId: uuid.nullable(),
  agentId,
  body: text().min(1).max(NOTE_LIMITS.body),
  createdAt: instant,
});

const offerPresent = z.object({
  offerId: uuid,
  customerId: uuid,
  callId: uuid.nullable(),
  productId: uuid,
  kind: z.enum(SUGGESTION_KINDS),
  reason: text().min(1).max(SUGGESTION_LIMITS.reason),
  agentId,
  presentedAt: instant,
});

const offerDecide = z.object({ offerId: uuid, outcome: z.enum(OFFER_DECISIONS), agentId, decidedAt: instant });

// ——— The table ———

/** Every mutation name, every accepted version. A new version adds a column here and bumps MUTATION_SCHEMA_VERSIONS. */
export const MUTATION_SCHEMAS = {
  'customer.create': { 1: customerCreateV1, 2: customerCreateV2 },
  'customer.update_contact': { 1: customerUpdateContactV1, 2: customerUpdateContactV2 },
  'call.start': { 1: callStart, 2: callStart },
  'call.attach_customer': { 1: callAttachCustomer, 2: callAttachCustomer },
  'call.hold': { 1: callHold, 2: callHold },
  'call.resume': { 1: callResume, 2: callResume },
  'call.end': { 1: callEnd, 2: callEnd },
  'call.wrap_up': { 1: callWrapUp, 2: callWrapUp },
  'complaint.log': { 1: complaintLog, 2: complaintLog },
  'complaint.transition': { 1: complaintTransition, 2: complaintTransition },
  'complaint.set_follow_up': { 1: complaintSetFollowUp, 2: complaintSetFollowUp },
  'note.add': { 1: noteAdd, 2: noteAdd },
  'offer.present': { 1: offerPresent, 2: offerPresent },
  'offer.decide': { 1: offerDecide, 2: offerDecide },
} as const satisfies Record<MutationName, Record<MutationSchemaVersion, z.ZodType>>;

type Schemas = typeof MUTATION_SCHEMAS;

/** The arguments of mutation `N` at version `V` (the current one unless said), as parsed. */
export type MutationArgs<N extends MutationName, V extends MutationSchemaVersion = typeof MUTATION_SCHEMA_VERSIONS.current> = z.infer<Schemas[N][V]>;

/** A pushed entry whose arguments parsed: discriminated by `name`, then by `schemaVersion`. */
export type ParsedMutation = {
  [N in MutationName]: { [V in MutationSchemaVersion]: { name: N; schemaVersion: V; args: z.infer<Schemas[N][V]> } }[MutationSchemaVersion];
}[MutationName];

/** How each mutation is named in a sentence to a CSR ("This note was not saved …"). */
export const MUTATION_WORDS: Record<MutationName, string> = {
  'customer.create': 'new customer',
  'customer.update_contact': 'contact change',
  'call.start': 'call',
  'call.attach_customer': 'change of caller',
  'call.hold': 'hold',
  'call.resume': 'end of hold',
  'call.end': 'end of call',
  'call.wrap_up': 'wrap-up',
  'complaint.log': 'complaint',
  'complaint.transition': 'complaint status change',
  'complaint.set_follow_up': 'follow-up date',
  'note.add': 'note',
  'offer.present': 'offer',
  'offer.decide': 'offer answer',
};

export function isMutationName(name: string): name is MutationName {
  return (MUTATION_NAMES as readonly string[]).includes(name);
}

function isAcceptedVersion(version: number): version is MutationSchemaVersion {
  return (MUTATION_SCHEMA_VERSION_LIST as readonly number[]).includes(version);
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
  const parsed = MUTATION_SCHEMAS[name][schemaVersion].safeParse(args);
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

/** The argument names of a mutation (at a version) that are workstation times. */
export function workstationTimeFields(name: MutationName, version: MutationSchemaVersion): string[] {
  const shape = (MUTATION_SCHEMAS[name][version] as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  return Object.keys(shape).filter((field) => shape[field] === instant);
}

// ——— What a mutation writes (for the client: rows with pending writes are protected from pulls) ———

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

const row = (table: SyncTableName, id: string): WrittenRow => ({ table, key: rowKey([id]) });

/**
 * The rows a parsed mutation writes (inserts, updates or deletes), by table and key. A
 * `customer.update_contact` also deletes the customer's phones, emails or primary address that
 * are not in its lists; those are covered by `contactSetsReplaced`, not listed here. For a v1
 * `customer.create` the store derives the phone and email ids itself, so only the customer is
 * listed; `contactSetsReplaced` covers the rest.
 */
export function rowsWrittenByMutation(m: ParsedMutation): WrittenRow[] {
  switch (m.name) {
    case 'customer.create': {
      const rows = [row('customers', m.args.customerId)];
      if (m.schemaVersion === 2) {
        rows.push(row('customer_phones', m.args.phoneId));
        if (m.args.emailId !== null) rows.push(row('customer_emails', m.args.emailId));
        if (m.args.address) rows.push(row('customer_addresses', m.args.address.id));
      }
      return rows;
    }
    case 'customer.update_contact': {
      const c = m.args.changes;
      return [
        row('customers', m.args.customerId),
        ...(c.phones ?? []).map((p) => row('customer_phones', p.id)),
        ...(c.emails ?? []).map((e) => row('customer_emails', e.id)),
        ...(c.primaryAddress ? [row('customer_addresses', c.primaryAddress.id)] : []),
        ...m.args.editIds.map((id) => row('contact_edits', id)),
      ];
    }
    case 'call.start':
    case 'call.attach_customer':
    case 'call.hold':
    case 'call.resume':
    case 'call.end':
    case 'call.wrap_up':
      return [row('calls', m.args.callId)];
    case 'complaint.log':
    case 'complaint.transition':
    case 'complaint.set_follow_up':
      return [row('complaints', m.args.complaintId), row('complaint_events', m.args.eventId)];
    case 'note.add':
      return [row('notes', m.args.noteId)];
    case 'offer.present':
    case 'offer.decide':
      return [row('offers', m.args.offerId)];
    default:
      throw missingCaseError(m);
  }
}

/** The customer contact lists a parsed mutation sets as a whole (rows outside them are deleted). */
export function contactSetsReplaced(m: ParsedMutation): ReplacedContactSet[] {
  if (m.name === 'customer.create') {
    return [
      { table: 'customer_phones', customerId: m.args.customerId },
      { table: 'customer_emails', customerId: m.args.customerId },
      ...(m.schemaVersion === 2 && m.args.address ? [{ table: 'customer_addresses' as const, customerId: m.args.customerId }] : []),
    ];
  }
  if (m.name !== 'customer.update_contact') return [];
  const c = m.args.changes;
  const sets: ReplacedContactSet[] = [];
  if (c.phones !== undefined) sets.push({ table: 'customer_phones', customerId: m.args.customerId });
  if (c.emails !== undefined) sets.push({ table: 'customer_emails', customerId: m.args.customerId });
  if (c.primaryAddress !== undefined) sets.push({ table: 'customer_addresses', customerId: m.args.customerId });
  return sets;
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
