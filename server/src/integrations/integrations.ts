/**
 * Ingest integrations (issue 23): a web shop or OMS allowed to send the store deliveries. The
 * secret is kept as issued because verifying an HMAC needs it (a hash could not check one); it is
 * returned once, by `createIntegration`, and never listed, logged or audited.
 */
import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { CreatedIntegration, IntegrationView } from '../../../src-shared/contracts/ingest';
import type { StoreDb } from '../db/connect';
import { integrations } from '../db/schema';
import { newSecret } from '../ingest/signature';
import type { StoreTx } from '../sync/mutations/refusal';

export interface ActiveIntegration {
  id: string;
  name: string;
  source: string;
  secret: string;
}

type Row = typeof integrations.$inferSelect;
const view = (r: Row): IntegrationView => ({ id: r.id, name: r.name, source: r.source, active: r.active, createdAt: r.createdAt, disabledAt: r.disabledAt });

export async function createIntegration(tx: StoreDb | StoreTx, input: { name: string; source: string; createdBy: string | null; now: number }): Promise<CreatedIntegration> {
  const [row] = await tx
    .insert(integrations)
    .values({ id: randomUUID(), name: input.name, source: input.source, secret: newSecret(), createdAt: input.now, createdBy: input.createdBy })
    .returning();
  return { ...view(row!), secret: row!.secret };
}

export async function listIntegrations(db: StoreDb): Promise<IntegrationView[]> {
  const rows = await db.select().from(integrations).orderBy(asc(integrations.createdAt), asc(integrations.id));
  return rows.map(view);
}

/** Disables it (idempotent); undefined when there is no such integration. */
export async function disableIntegration(tx: StoreDb | StoreTx, id: string, now: number): Promise<IntegrationView | undefined> {
  const [row] = await tx.select().from(integrations).where(eq(integrations.id, id)).for('update');
  if (!row) return undefined;
  if (!row.active) return view(row);
  const [updated] = await tx.update(integrations).set({ active: false, disabledAt: now }).where(eq(integrations.id, id)).returning();
  forgetIntegration(id);
  return view(updated!);
}

/**
 * Integrations read in the last second, by id: a sender posting many deliveries costs one lookup a
 * second rather than one a delivery. Disabling through this process forgets the entry at once;
 * another store process on the same database sees a disable within INTEGRATION_CACHE_MS.
 */
export const INTEGRATION_CACHE_MS = 1000;
const recent = new Map<string, { at: number; db: StoreDb; integration: ActiveIntegration | undefined }>();

export function forgetIntegration(id: string): void {
  recent.delete(id);
}

/** The active integration with this id, with its secret (for checking a signature), or undefined. */
export async function findActiveIntegration(db: StoreDb, id: string): Promise<ActiveIntegration | undefined> {
  const now = Date.now();
  const cached = recent.get(id);
  if (cached && cached.db === db && now - cached.at < INTEGRATION_CACHE_MS) return cached.integration;
  const integration = await readActiveIntegration(db, id);
  if (recent.size > 1000) recent.clear();
  recent.set(id, { at: now, db, integration });
  return integration;
}

async function readActiveIntegration(db: StoreDb, id: string): Promise<ActiveIntegration | undefined> {
  const [row] = await db
    .select({ id: integrations.id, name: integrations.name, source: integrations.source, secret: integrations.secret, active: integrations.active })
    .from(integrations)
    .where(eq(integrations.id, id));
  return row?.active ? { id: row.id, name: row.name, source: row.source, secret: row.secret } : undefined;
}
