/**
 * The mail templates (issue 23): built in for English and German, editable by admins per kind and
 * language (a saved one replaces the built-in one; mail_templates). A template is a subject, a
 * plain-text body and an HTML body with `{{placeholder}}`s from MAIL_PLACEHOLDERS. Rendering
 * escapes every value in the HTML (a name with `<script>` arrives as text); the subject and the
 * text body take the values as they are. A template naming any other placeholder is refused when
 * it is saved, so a mail never goes out with a hole in it.
 */
import { and, eq } from 'drizzle-orm';
import { MAIL_KINDS, MAIL_PLACEHOLDERS, type MailKind, type MailTemplate, type SaveTemplateRequest } from '../../../src-shared/contracts/email';
import type { StoreDb } from '../db/connect';
import { mailTemplates } from '../db/schema';
import type { StoreTx } from '../sync/mutations/refusal';
import { HttpError } from '../http/errors';

export const DEFAULT_LANGUAGE = 'en';

interface TemplateText {
  subject: string;
  text: string;
  html: string;
}

const BUILT_IN: Readonly<Record<MailKind, Readonly<Record<string, TemplateText>>>> = {
  order_confirmation: {
    en: {
      subject: 'Your order {{orderNumber}} is confirmed',
      text: `Dear {{firstName}} {{lastName}},

thank you for your order {{orderNumber}} of {{orderDate}}.

{{items}}

Total: {{total}}
Delivery: {{deliveryMethod}}

We will let you know when it is on its way.`,
      html: `<p>Dear {{firstName}} {{lastName}},</p>
<p>thank you for your order <strong>{{orderNumber}}</strong> of {{orderDate}}.</p>
<p>{{items}}</p>
<p>Total: <strong>{{total}}</strong><br>Delivery: {{deliveryMethod}}</p>
<p>We will let you know when it is on its way.</p>`,
    },
    de: {
      subject: 'Ihre Bestellung {{orderNumber}} ist bestätigt',
      text: `Guten Tag {{firstName}} {{lastName}},

vielen Dank für Ihre Bestellung {{orderNumber}} vom {{orderDate}}.

{{items}}

Gesamt: {{total}}
Versand: {{deliveryMethod}}

Wir sagen Ihnen Bescheid, sobald sie unterwegs ist.`,
      html: `<p>Guten Tag {{firstName}} {{lastName}},</p>
<p>vielen Dank für Ihre Bestellung <strong>{{orderNumber}}</strong> vom {{orderDate}}.</p>
<p>{{items}}</p>
<p>Gesamt: <strong>{{total}}</strong><br>Versand: {{deliveryMethod}}</p>
<p>Wir sagen Ihnen Bescheid, sobald sie unterwegs ist.</p>`,
    },
  },
  complaint_acknowledgement: {
    en: {
      subject: 'We have received your complaint {{complaintReference}}',
      text: `Dear {{firstName}} {{lastName}},

we are sorry. We have logged your complaint of {{openedDate}} under the reference {{complaintReference}}:

{{description}}

We will come back to you as soon as we can.`,
      html: `<p>Dear {{firstName}} {{lastName}},</p>
<p>we are sorry. We have logged your complaint of {{openedDate}} under the reference <strong>{{complaintReference}}</strong>:</p>
<blockquote>{{description}}</blockquote>
<p>We will come back to you as soon as we can.</p>`,
    },
    de: {
      subject: 'Wir haben Ihre Reklamation {{complaintReference}} erhalten',
      text: `Guten Tag {{firstName}} {{lastName}},

es tut uns leid. Wir haben Ihre Reklamation vom {{openedDate}} unter dem Zeichen {{complaintReference}} aufgenommen:

{{description}}

Wir melden uns so bald wie möglich bei Ihnen.`,
      html: `<p>Guten Tag {{firstName}} {{lastName}},</p>
<p>es tut uns leid. Wir haben Ihre Reklamation vom {{openedDate}} unter dem Zeichen <strong>{{complaintReference}}</strong> aufgenommen:</p>
<blockquote>{{description}}</blockquote>
<p>Wir melden uns so bald wie möglich bei Ihnen.</p>`,
    },
  },
};

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** The placeholders a template part names that its kind does not have (empty when all are known). */
export function unknownPlaceholders(kind: MailKind, template: string): string[] {
  const known = new Set(MAIL_PLACEHOLDERS[kind]);
  const unknown = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1]!.trim();
    if (!known.has(name)) unknown.add(name);
  }
  // A lone "{{" or "}}" is a placeholder written wrong: refused too, never sent as is.
  const rest = template.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) unknown.add(rest.includes('{{') ? '{{' : '}}');
  return [...unknown];
}

/** Refuses (invalid_input, naming the part) a template with a placeholder its kind does not have. */
export function checkTemplate(kind: MailKind, template: SaveTemplateRequest): void {
  for (const part of ['subject', 'text', 'html'] as const) {
    const unknown = unknownPlaceholders(kind, template[part]);
    if (unknown.length > 0) {
      throw new HttpError(
        'invalid_input',
        `${part}: unknown placeholder ${unknown.map((n) => (n === '{{' || n === '}}' ? `“${n}” without its pair` : `{{${n}}}`)).join(', ')}; this mail's placeholders are ${MAIL_PLACEHOLDERS[kind].map((n) => `{{${n}}}`).join(', ')}.`,
        part,
      );
    }
  }
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The template with its placeholders filled: in the HTML each value escaped (its line breaks
 * made <br>), in the text as it is, in the subject on one line.
 */
export function renderTemplate(template: TemplateText, values: Readonly<Record<string, string>>): RenderedMail {
  const fill = (part: string, as: (v: string) => string) => part.replace(PLACEHOLDER, (_m, name: string) => as(values[name.trim()] ?? ''));
  return {
    subject: fill(template.subject, (v) => v.replace(/[\r\n]+/g, ' ')),
    text: fill(template.text, (v) => v),
    html: fill(template.html, (v) => escapeHtml(v).replace(/\r?\n/g, '<br>\n')),
  };
}

type Reader = StoreDb | StoreTx;

/** The template of a kind in a language: the saved one, else the built-in one, else undefined. */
export async function findTemplate(db: Reader, kind: MailKind, language: string): Promise<TemplateText | undefined> {
  const [saved] = await db
    .select({ subject: mailTemplates.subject, text: mailTemplates.textBody, html: mailTemplates.htmlBody })
    .from(mailTemplates)
    .where(and(eq(mailTemplates.kind, kind), eq(mailTemplates.language, language)));
  return saved ?? BUILT_IN[kind][language];
}

/**
 * The language a customer's mail is written in: theirs when a template exists in it, else its
 * base language ("pt" for "pt-BR"), else English.
 */
export async function chooseLanguage(db: Reader, kind: MailKind, language: string | null): Promise<string> {
  if (language) {
    if (await findTemplate(db, kind, language)) return language;
    const base = language.split('-')[0]!;
    if (base !== language && (await findTemplate(db, kind, base))) return base;
  }
  return DEFAULT_LANGUAGE;
}

/** The template to send with: the language's, else English (always there, built in). */
export async function templateFor(db: Reader, kind: MailKind, language: string): Promise<TemplateText> {
  return (await findTemplate(db, kind, language)) ?? (await findTemplate(db, kind, DEFAULT_LANGUAGE))!;
}

/** Every template an admin may edit: each kind in each built-in or saved language. */
export async function listTemplates(db: StoreDb): Promise<MailTemplate[]> {
  const saved = await db.select().from(mailTemplates);
  const out: MailTemplate[] = [];
  for (const kind of MAIL_KINDS) {
    const languages = new Set([...Object.keys(BUILT_IN[kind]), ...saved.filter((s) => s.kind === kind).map((s) => s.language)]);
    for (const language of [...languages].sort()) {
      const row = saved.find((s) => s.kind === kind && s.language === language);
      const t = row ? { subject: row.subject, text: row.textBody, html: row.htmlBody } : BUILT_IN[kind][language]!;
      out.push({ kind, language, ...t, edited: row !== undefined, updatedAt: row?.updatedAt ?? null, updatedBy: row?.updatedBy ?? null });
    }
  }
  return out;
}

/** Saves an admin's template (checked first: nothing is written when it is refused). */
export async function saveTemplate(tx: StoreTx, kind: MailKind, language: string, template: SaveTemplateRequest, by: string, now: number): Promise<void> {
  checkTemplate(kind, template);
  const values = { subject: template.subject, textBody: template.text, htmlBody: template.html, updatedAt: now, updatedBy: by };
  await tx
    .insert(mailTemplates)
    .values({ kind, language, ...values })
    .onConflictDoUpdate({ target: [mailTemplates.kind, mailTemplates.language], set: values });
}
