/**
 * Customer email from the central store (issue 23, "Email"): the kinds of mail, their editable
 * templates and placeholders, and the outbox an admin sees. The store renders and sends
 * (server/src/email); the admin routes take and answer these shapes.
 */
import { z } from 'zod';
import { text } from './text';
import { channelGroup, defineChannel } from './define';

/** Transactional mail the store sends on its own: a phone order placed, a complaint logged. */
export const MAIL_KINDS = ['order_confirmation', 'complaint_acknowledgement'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/** Whether a kind of mail is transactional (sent without marketing consent) or marketing. */
export const MAIL_PURPOSE: Readonly<Record<MailKind, 'transactional' | 'marketing'>> = {
  order_confirmation: 'transactional',
  complaint_acknowledgement: 'transactional',
};

/**
 * The placeholders each kind's templates may use, as `{{name}}`. Anything else in a template is
 * refused when it is saved. In HTML every value is escaped; in the subject and text it is plain.
 */
export const MAIL_PLACEHOLDERS: Readonly<Record<MailKind, readonly string[]>> = {
  order_confirmation: ['firstName', 'lastName', 'orderNumber', 'orderDate', 'total', 'items', 'deliveryMethod'],
  complaint_acknowledgement: ['firstName', 'lastName', 'complaintReference', 'openedDate', 'category', 'description'],
};

/**
 * The outbox states: `pending` waits to be sent (for a mail server to be configured, or for its
 * next attempt after a failure); `sending` is claimed by the sender; `sent` was accepted by the
 * mail server; `failed` gave up (a permanent refusal, or too many attempts: an admin may retry);
 * `skipped` is never sent, with the reason (no email address, consent).
 */
export const MAIL_STATES = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;
export type MailState = (typeof MAIL_STATES)[number];

/** Why a mail is not sent (state `skipped`). */
export const MAIL_SKIP_REASONS = ['no_email_address', 'consent_forbids_email', 'no_marketing_consent', 'customer_gone'] as const;
export type MailSkipReason = (typeof MAIL_SKIP_REASONS)[number];

/** A language tag the templates are kept under: "en", "de", "pt-BR". */
export const mailLanguage = text()
  .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'A language is a code such as "en", "de" or "pt-BR".');

/** "DE", "de_de", " pt-br " → "de", "de-DE", "pt-BR": the case and separator a source writes are not the customer's choice. */
export function normalizeLanguageTag(value: string): string {
  const [language = '', region, ...rest] = value.trim().split(/[-_]/);
  return [language.toLowerCase(), ...(region === undefined ? [] : [region.toUpperCase()]), ...rest].join('-');
}

/**
 * A customer's language as a source gives it (the customer import's `language` column, an ingested
 * order's customer.language): a language tag, its case and separator normalised ("de_de" → "de-DE").
 */
export const customerLanguage = text()
  .max(20, 'A language is a code such as "en", "de" or "pt-BR".')
  .transform(normalizeLanguageTag)
  .pipe(mailLanguage);

export const MAIL_TEMPLATE_LIMITS = { subject: 200, text: 20_000, html: 50_000 } as const;

export const mailTemplate = z.object({
  kind: z.enum(MAIL_KINDS),
  language: mailLanguage,
  subject: text(),
  text: text(),
  html: text(),
  /** False for the built-in template (never edited); true once an admin saved one. */
  edited: z.boolean(),
  /** Epoch ms of the last edit, or null for the built-in one. */
  updatedAt: z.number().int().nullable(),
  updatedBy: text().nullable(),
});
export type MailTemplate = z.infer<typeof mailTemplate>;

export const templatePath = z
  .object({ kind: z.enum(MAIL_KINDS, { message: 'kind: order_confirmation or complaint_acknowledgement.' }), language: mailLanguage })
  .strict();

export const saveTemplateRequest = z
  .object({
    subject: text()
      .min(1, 'Enter a subject.')
      .max(MAIL_TEMPLATE_LIMITS.subject)
      .refine((s) => !/[\r\n]/.test(s), 'A subject is one line.'),
    text: text().min(1, 'Enter the plain-text body.').max(MAIL_TEMPLATE_LIMITS.text),
    html: text().min(1, 'Enter the HTML body.').max(MAIL_TEMPLATE_LIMITS.html),
  })
  .strict();
export type SaveTemplateRequest = z.infer<typeof saveTemplateRequest>;

export const mailOutboxEntry = z.object({
  id: text().uuid(),
  kind: z.enum(MAIL_KINDS),
  /** The order or complaint it is about. */
  recordId: text().uuid(),
  /** What the customer knows it by, as its subject names it: the order number, or the complaint reference (C-…); null for an order gone. */
  reference: text().nullable(),
  customerId: text().uuid().nullable(),
  language: text(),
  state: z.enum(MAIL_STATES),
  /** For `pending`: what it waits for; null otherwise. */
  waitingFor: z.enum(['mail_server', 'next_attempt']).nullable(),
  skipReason: z.enum(MAIL_SKIP_REASONS).nullable(),
  attempts: z.number().int(),
  nextAttemptAt: z.number().int().nullable(),
  /** The last failure as an error code and SMTP status (never the server's text, which can name the address). */
  lastError: text().nullable(),
  messageId: text(),
  createdAt: z.number().int(),
  sentAt: z.number().int().nullable(),
});
export type MailOutboxEntry = z.infer<typeof mailOutboxEntry>;

export const outboxQuery = z
  .object({
    state: z.enum(MAIL_STATES).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const outboxPath = z.object({ id: text().uuid('id: not a mail id.') }).strict();

/** How the store delivers mail: `smtp` (SWITCHBOARD_SMTP_URL), `folder` (.eml files in SWITCHBOARD_MAIL_DIR, the demo's), null: nowhere, mails wait. */
export const MAIL_DELIVERIES = ['smtp', 'folder'] as const;
export type MailDeliveryKind = (typeof MAIL_DELIVERIES)[number];

export interface MailOutboxPage {
  /** Whether mail goes anywhere (a mail server, or a mail folder), and which; without either every mail waits. */
  mailServer: { configured: boolean; delivery: MailDeliveryKind | null };
  counts: Record<MailState, number>;
  mails: MailOutboxEntry[];
}

// ——— IPC channels (answered by main through the store; the admin screen's Email templates) ———

export const emailTemplates = defineChannel({
  channel: 'email:templates',
  permission: 'email.manage',
  input: z.object({}).strict(),
  output: z.object({ templates: z.array(mailTemplate), placeholders: z.record(z.enum(MAIL_KINDS), z.array(text())) }),
  access: 'store',
});

export const emailSaveTemplate = defineChannel({
  channel: 'email:save-template',
  permission: 'email.manage',
  input: saveTemplateRequest.extend({ kind: z.enum(MAIL_KINDS), language: mailLanguage }).strict(),
  output: mailTemplate,
  access: 'store',
});

export const mailOutboxPage = z.object({
  mailServer: z.object({ configured: z.boolean(), delivery: z.enum(MAIL_DELIVERIES).nullable() }),
  counts: z.record(z.enum(MAIL_STATES), z.number().int()),
  mails: z.array(mailOutboxEntry),
});

/** The outbox (the admin screen's Email outbox panel): states, counts and reasons, no address or text. */
export const emailOutbox = defineChannel({
  channel: 'email:outbox',
  permission: 'email.manage',
  input: outboxQuery,
  output: mailOutboxPage,
  access: 'store',
});

/** Send a failed or skipped mail again. */
export const emailRetry = defineChannel({
  channel: 'email:retry',
  permission: 'email.manage',
  input: outboxPath,
  output: mailOutboxEntry.optional(),
  access: 'store',
});

/**
 * One mail as the customer gets it (GET /admin/email/outbox/:id/message): rendered from the
 * template, address and names as they are now — the outbox keeps no copy of a mail's text, so an
 * erased customer's mails cannot be read back.
 */
export const mailMessage = z.object({
  id: text().uuid(),
  kind: z.enum(MAIL_KINDS),
  state: z.enum(MAIL_STATES),
  language: text(),
  messageId: text(),
  from: text(),
  to: text(),
  subject: text(),
  /** The plain-text body. */
  text: text(),
  /** When it was sent (its Date), epoch ms; null for a mail not sent yet. */
  sentAt: z.number().int().nullable(),
});
export type MailMessage = z.infer<typeof mailMessage>;

/** Read one mail as the customer gets it (the Email outbox panel's Read). */
export const emailMessage = defineChannel({
  channel: 'email:message',
  permission: 'email.manage',
  input: outboxPath,
  output: mailMessage,
  access: 'store',
});

/** This domain's channels (contracts/index.ts composes every domain's group). */
export const emailChannels = channelGroup(emailTemplates, emailSaveTemplate, emailOutbox, emailRetry, emailMessage);
