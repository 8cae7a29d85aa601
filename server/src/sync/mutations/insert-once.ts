/**
 * Creates are inserts (issue 18, item 7). A row a mutation creates under a workstation's id is
 * either new, or already there with the same content — the same write delivered again (a cache
 * restored from an older copy sends it under a new mutation id) — which changes nothing. An
 * existing row with other content under that id is another record: the mutation is refused, so a
 * create can never add a phone to someone else's customer or an "opened" event to someone else's
 * complaint.
 *
 * "Same content" compares the columns the create sets and nothing later changes (`same`): a
 * customer's name may be edited after it was created, its creation time may not.
 */
import { eq, getTableColumns } from 'drizzle-orm';
import type { InferInsertModel } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { MutationRefused, type StoreTx } from './refusal';

type TableWithId = PgTable & { id: PgColumn };

export type InsertOutcome = 'inserted' | 'existing';

/** Equal as stored: UUIDs in any letter case, null and absent alike. */
function sameValue(column: PgColumn, stored: unknown, wanted: unknown): boolean {
  const a = stored ?? null;
  const b = wanted ?? null;
  if (a === null || b === null) return a === b;
  if (column.columnType === 'PgUUID') return String(a).toLowerCase() === String(b).toLowerCase();
  return a === b;
}

/**
 * Inserts `values` unless a row with its id exists. An existing row must hold the same `same`
 * columns, else the mutation is refused with `conflict` and `refusal` as its sentence.
 */
export async function insertOnce<T extends TableWithId>(
  tx: StoreTx,
  table: T,
  values: InferInsertModel<T> & { id: string },
  same: readonly (keyof T['$inferSelect'] & string)[],
  refusal: string,
): Promise<InsertOutcome> {
  const inserted = await tx
    .insert(table as TableWithId)
    .values(values)
    .onConflictDoNothing({ target: table.id })
    .returning({ id: table.id });
  if (inserted.length > 0) return 'inserted';
  // KEY SHARE: the row cannot go away before this transaction commits.
  const [existing] = (await tx
    .select()
    .from(table as TableWithId)
    .where(eq(table.id, values.id))
    .for('key share')) as Record<string, unknown>[];
  if (!existing) throw new Error(`a row with id ${values.id} conflicted on insert and then was not there`);
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const wanted = values as Record<string, unknown>;
  for (const key of same) {
    const column = columns[key];
    if (!column) throw new Error(`insertOnce: no column ${key}`);
    if (!sameValue(column, existing[key], wanted[key])) throw new MutationRefused('conflict', refusal);
  }
  return 'existing';
}

/**
 * A create that writes several rows is the same write again only when every row it names was
 * already there: a known main row with a new dependent row (another email, another event) is
 * another write under a reused id.
 */
export function requireAllExisting(outcomes: readonly InsertOutcome[], refusal: string): void {
  if (outcomes.includes('existing') && outcomes.includes('inserted')) throw new MutationRefused('conflict', refusal);
}
