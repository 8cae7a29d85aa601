/**
 * The mail outbox (issue 23): `enqueueMail` writes one row in the caller's transaction — the one
 * that places the order or logs the complaint — so the mail is owed exactly when the record is
 * committed, and a unique key on (kind, record) keeps it to one mail however often the record's
 * write is delivered. The row holds no address, name or text: the sender reads them when it sends
 * (server/src/email/sender.ts), and renders the template then.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import {
  MAIL_PURPOSE,
  MAIL_STATES,
  type MailDeliveryKind,
  type MailKind,
  type MailMessage,
  type MailOutboxEntry,
  type MailOutboxPage,
  type MailSkipReason,
  type MailState,
} from '../../../src-shared/contracts/email';
import type { StoreDb } from '../db/connect';
import { complaints, customers, mailOutbox, orderLines, orders } from '../db/schema';
import { HttpError } from '../http/errors';
import type { StoreTx } from '../sync/mutations/refusal';
import { mayEmail, readEmailConsentFacts, type EmailConsentFacts } from './consent';
import { chooseLanguage, renderTemplate, templateFor, type RenderedMail } from './templates';

type Reader = StoreDb | StoreTx;

/** The Message-ID every attempt at this mail carries: a resend after an ambiguous failure is the same message. */
export const messageIdFor = (kind: MailKind, recordId: string) => `<${kind}.${recordId.toLowerCase()}@switchboard>`;

type Addressee = EmailConsentFacts & { firstName: string; lastName: string; language: string | null };

async function addressee(db: Reader, customerId: string): Promise<Addressee | undefined> {
  const [c] = await db.select({ firstName: customers.firstName, lastName: customers.lastName, language: customers.language }).from(customers).where(eq(customers.id, customerId));
  const facts = c && (await readEmailConsentFacts(db, customerId));
  return c && facts ? { ...facts, ...c } : undefined;
}

/**
 * Owes the customer a mail of `kind` about `recordId`, in the caller's transaction. A mail the
 * customer may not get (no address, consent) is recorded as skipped, with the reason, so the
 * outbox says why nothing went out. Once per (kind, record): a second call changes nothing.
 */
export async function enqueueMail(tx: StoreTx, mail: { kind: MailKind; recordId: string; customerId: string; now: number }): Promise<void> {
  const who = await addressee(tx, mail.customerId);
  const decision = who ? mayEmail(who, MAIL_PURPOSE[mail.kind]) : ({ allowed: false, reason: 'customer_gone' } as const);
  await tx
    .insert(mailOutbox)
    .values({
      id: randomUUID(),
      kind: mail.kind,
      recordId: mail.recordId,
      customerId: mail.customerId,
      state: decision.allowed ? 'pending' : 'skipped',
      skipReason: decision.allowed ? null : decision.reason,
      language: await chooseLanguage(tx, mail.kind, who?.language ?? null),
      nextAttemptAt: decision.allowed ? mail.now : null,
      messageId: messageIdFor(mail.kind, mail.recordId),
      createdAt: mail.now,
    })
    .onConflictDoNothing({ target: [mailOutbox.kind, mailOutbox.recordId] });
}

export interface OutboxRow {
  id: string;
  kind: MailKind;
  recordId: string;
  customerId: string | null;
  language: string;
  attempts: number;
  messageId: string;
}

export type ComposedMail = { send: true; to: string; mail: RenderedMail } | { send: false; reason: MailSkipReason };

/** The mail as it goes out now: the customer's address and consent as they are now, the template rendered. */
export async function composeMail(db: Reader, row: OutboxRow): Promise<ComposedMail> {
  const who = row.customerId === null ? undefined : await addressee(db, row.customerId);
  if (!who) return { send: false, reason: 'customer_gone' };
  const decision = mayEmail(who, MAIL_PURPOSE[row.kind]);
  if (!decision.allowed) return { send: false, reason: decision.reason };
  const values = row.kind === 'order_confirmation' ? await orderValues(db, row.recordId, row.language) : await complaintValues(db, row.recordId, row.language);
  if (!values) return { send: false, reason: 'customer_gone' };
  const template = await templateFor(db, row.kind, row.language);
  return { send: true, to: decision.to, mail: renderTemplate(template, { firstName: who.firstName, lastName: who.lastName, ...values }) };
}

const dateIn = (language: string, at: number) => {
  try {
    return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(at));
  } catch {
    return new Date(at).toISOString().slice(0, 10);
  }
};

const moneyIn = (language: string, cents: number, currency: string) => {
  try {
    return new Intl.NumberFormat(language, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
};

async function orderValues(db: Reader, orderId: string, language: string): Promise<Record<string, string> | undefined> {
  const [o] = await db
    .select({ number: orders.number, placedAt: orders.placedAt, totalCents: orders.totalCents, currency: orders.currency, deliveryMethod: orders.deliveryMethod })
    .from(orders)
    .where(eq(orders.id, orderId));
  if (!o) return undefined;
  const lines = await db.select({ quantity: orderLines.quantity, name: orderLines.name }).from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.lineNo));
  return {
    orderNumber: o.number,
    orderDate: dateIn(language, Number(o.placedAt)),
    total: moneyIn(language, Number(o.totalCents), o.currency),
    items: lines.map((l) => `${l.quantity} × ${l.name}`).join('\n'),
    deliveryMethod: o.deliveryMethod ?? '',
  };
}

/** The reference a customer quotes: C- and the complaint id's first 8 hex digits. */
export const complaintReference = (complaintId: string) => `C-${complaintId.replace(/-/g, '').slice(0, 8).toUpperCase()}`;

async function complaintValues(db: Reader, complaintId: string, language: string): Promise<Record<string, string> | undefined> {
  const [c] = await db
    .select({ openedAt: complaints.openedAt, category: complaints.categoryCode, description: complaints.description })
    .from(complaints)
    .where(eq(complaints.id, complaintId));
  if (!c) return undefined;
  return { complaintReference: complaintReference(complaintId), openedDate: dateIn(language, Number(c.openedAt)), category: c.category, description: c.description };
}

/** The outbox as an admin sees it: states and reasons, never an address or a mail's text. */
export async function readOutbox(db: StoreDb, query: { state?: MailState | undefined; limit: number }, delivery: MailDeliveryKind | null): Promise<MailOutboxPage> {
  const configured = delivery !== null;
  const rows = await db
    .select({ mail: mailOutbox, orderNumber: orders.number })
    .from(mailOutbox)
    .leftJoin(orders, and(eq(mailOutbox.kind, 'order_confirmation'), eq(orders.id, mailOutbox.recordId)))
    .where(query.state === undefined ? undefined : eq(mailOutbox.state, query.state))
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(query.limit);
  const countRows = (await db.select({ state: mailOutbox.state, n: sql<number>`count(*)::int` }).from(mailOutbox).groupBy(mailOutbox.state)) as { state: MailState; n: number }[];
  const counts = Object.fromEntries(MAIL_STATES.map((s) => [s, 0])) as Record<MailState, number>;
  for (const c of countRows) counts[c.state] = Number(c.n);
  const mails = rows.map((r) => toEntry(r.mail, configured, r.orderNumber));
  return { mailServer: { configured, delivery }, counts, mails };
}

function toEntry(r: typeof mailOutbox.$inferSelect, configured: boolean, orderNumber: string | null): MailOutboxEntry {
  return {
    id: r.id,
    kind: r.kind,
    recordId: r.recordId,
    reference: r.kind === 'complaint_acknowledgement' ? complaintReference(r.recordId) : orderNumber,
    customerId: r.customerId,
    language: r.language,
    state: r.state,
    waitingFor: r.state !== 'pending' ? null : !configured ? 'mail_server' : r.attempts > 0 ? 'next_attempt' : null,
    skipReason: r.skipReason,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt === null ? null : Number(r.nextAttemptAt),
    lastError: r.lastError,
    messageId: r.messageId,
    createdAt: Number(r.createdAt),
    sentAt: r.sentAt === null ? null : Number(r.sentAt),
  };
}

/** One mail of the outbox as an admin sees it, or undefined. */
export async function readOutboxEntry(db: StoreDb, id: string, configured: boolean): Promise<MailOutboxEntry | undefined> {
  const [row] = await db
    .select({ mail: mailOutbox, orderNumber: orders.number })
    .from(mailOutbox)
    .leftJoin(orders, and(eq(mailOutbox.kind, 'order_confirmation'), eq(orders.id, mailOutbox.recordId)))
    .where(eq(mailOutbox.id, id));
  return row && toEntry(row.mail, configured, row.orderNumber);
}

/**
 * One mail as the customer gets (or got) it, for an admin to read: rendered now, as composeMail
 * renders it for the sender — the outbox keeps no copy of a mail's text or address, so this is the
 * template, address and names as they are now. A mail that is not sent to anyone (skipped, or its
 * customer now without an address, consent or record) has nothing to read: conflict, with why.
 */
export async function readMailMessage(db: StoreDb, id: string, from: string): Promise<MailMessage> {
  const [row] = await db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
  if (!row) throw new HttpError('not_found', 'No mail in the outbox has this id.', 'id');
  if (row.state === 'skipped') throw new HttpError('conflict', `This mail was not sent (${row.skipReason ?? 'skipped'}), so there is nothing the customer got to read.`, 'id');
  const composed = await composeMail(db, { id: row.id, kind: row.kind, recordId: row.recordId, customerId: row.customerId, language: row.language, attempts: row.attempts, messageId: row.messageId });
  if (!composed.send) throw new HttpError('conflict', `This mail cannot be shown: it would not be sent now (${composed.reason}).`, 'id');
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    language: row.language,
    messageId: row.messageId,
    from,
    to: composed.to,
    subject: composed.mail.subject,
    text: composed.mail.text,
    sentAt: row.sentAt === null ? null : Number(row.sentAt),
  };
}

/**
 * An admin's "send it again": a failed or skipped mail (or a pending one, now) becomes pending and
 * due now, its attempts counted afresh. The sender checks address and consent again when it sends.
 * A mail sent or being sent is refused (conflict): it is never sent twice on purpose.
 */
export async function retryMail(tx: StoreTx, id: string, now: number): Promise<{ kind: MailKind; recordId: string; from: MailState }> {
  const [row] = await tx.select({ state: mailOutbox.state, kind: mailOutbox.kind, recordId: mailOutbox.recordId }).from(mailOutbox).where(eq(mailOutbox.id, id)).for('update');
  if (!row) throw new HttpError('not_found', 'No mail in the outbox has this id.', 'id');
  if (row.state === 'sent' || row.state === 'sending') {
    throw new HttpError('conflict', row.state === 'sent' ? 'This mail was sent already; it is not sent twice.' : 'This mail is being sent now.', 'id');
  }
  await tx
    .update(mailOutbox)
    .set({ state: 'pending', skipReason: null, attempts: 0, nextAttemptAt: now, lastError: null, claimedAt: null })
    .where(and(eq(mailOutbox.id, id), inArray(mailOutbox.state, ['pending', 'failed', 'skipped'])));
  return { kind: row.kind, recordId: row.recordId, from: row.state };
}
