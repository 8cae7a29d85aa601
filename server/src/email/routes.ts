/**
 * The admins' email routes (issue 23); ROUTE_PERMISSIONS gives them `email.manage` (admins):
 * - GET  /admin/email/templates: every template (built in or edited) and each kind's placeholders;
 * - PUT  /admin/email/templates/:kind/:language: save one (a placeholder the kind does not have
 *   is refused, invalid_input naming the part; nothing is written), audited;
 * - GET  /admin/email/outbox?state=&limit=: the outbox with states and reasons, whether a mail
 *   server is configured, and counts per state (no address, name or text of any mail);
 * - POST /admin/email/outbox/:id/retry: send a failed or skipped mail again, audited;
 * - GET  /admin/email/outbox/:id/message: one mail as the customer gets it (subject, from, to,
 *   date, plain text), rendered now; unknown id not_found, a mail sent to nobody conflict.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MAIL_PLACEHOLDERS, outboxPath, outboxQuery, saveTemplateRequest, templatePath, type MailMessage, type MailOutboxEntry, type MailOutboxPage, type MailTemplate } from '../../../src-shared/contracts/email';
import { recordAudit } from '../audit/audit';
import { workstationName } from '../auth/workstations';
import { HttpError, parseBody } from '../http/errors';
import { readMailMessage, readOutbox, readOutboxEntry, retryMail } from './outbox';
import { listTemplates, saveTemplate } from './templates';
import type { MailSender } from './sender';

const noQuery = z.object({}).strict();

export function registerEmailRoutes(app: FastifyInstance, sender: MailSender): void {
  async function who(request: FastifyRequest) {
    const auth = request.auth;
    if (!auth) throw new HttpError('unauthenticated', 'Sign in first.');
    return {
      userId: auth.user.id,
      username: auth.user.username,
      workstationId: auth.workstationId,
      workstationName: await workstationName(app.store.db, auth.workstationId),
    };
  }

  app.get('/admin/email/templates', async (request) => {
    parseBody(noQuery, request.query);
    const value: { templates: MailTemplate[]; placeholders: typeof MAIL_PLACEHOLDERS } = { templates: await listTemplates(app.store.db), placeholders: MAIL_PLACEHOLDERS };
    return { ok: true, value };
  });

  app.put('/admin/email/templates/:kind/:language', async (request) => {
    const { kind, language } = parseBody(templatePath, request.params);
    const body = parseBody(saveTemplateRequest, request.body);
    const by = await who(request);
    const now = app.clock();
    await app.store.db.transaction(async (tx) => {
      await saveTemplate(tx, kind, language, body, by.username, now);
      await recordAudit(tx, { at: now, ...by, action: 'email_template_changed', subject: `${kind}/${language}`, detail: `${by.username} saved the ${kind.replace(/_/g, ' ')} template in ${language}.` });
    });
    const value = (await listTemplates(app.store.db)).find((t) => t.kind === kind && t.language === language)!;
    return { ok: true, value };
  });

  app.get('/admin/email/outbox', async (request) => {
    const query = parseBody(outboxQuery, request.query);
    const value: MailOutboxPage = await readOutbox(app.store.db, query, sender.delivery === 'none' ? null : sender.delivery);
    return { ok: true, value };
  });

  app.get('/admin/email/outbox/:id/message', async (request) => {
    const { id } = parseBody(outboxPath, request.params);
    parseBody(noQuery, request.query);
    const value: MailMessage = await readMailMessage(app.store.db, id, sender.from);
    return { ok: true, value };
  });

  app.post('/admin/email/outbox/:id/retry', async (request) => {
    const { id } = parseBody(outboxPath, request.params);
    parseBody(noQuery, request.body ?? {});
    const by = await who(request);
    const now = app.clock();
    await app.store.db.transaction(async (tx) => {
      const mail = await retryMail(tx, id, now);
      await recordAudit(tx, { at: now, ...by, action: 'email_retried', subject: id, detail: `${by.username} asked for the ${mail.kind.replace(/_/g, ' ')} of ${mail.recordId} to be sent again (it was ${mail.from}).` });
    });
    sender.kick();
    const value: MailOutboxEntry | undefined = await readOutboxEntry(app.store.db, id, sender.configured);
    return { ok: true, value };
  });
}
