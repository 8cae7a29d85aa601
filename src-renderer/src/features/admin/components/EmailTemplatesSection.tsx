import { useEffect, useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';
import { MAIL_TEMPLATE_LIMITS, saveTemplateRequest, type MailKind, type MailTemplate } from '../../../../../src-shared/contracts/email';
import { switchboard } from '../../../api/client';
import { useCan } from '../../auth/store';
import { formatEpoch } from '../../../ui/format';
import { SaveStatus, TextAreaField, TextField, type SaveState } from '../../../ui/fields';
import { AdminSection } from './AdminSection';

const KIND_LABELS: Readonly<Record<MailKind, string>> = {
  order_confirmation: 'Order confirmation',
  complaint_acknowledgement: 'Complaint acknowledgement',
};

const keyOf = (t: { kind: MailKind; language: string }) => `${t.kind}/${t.language}`;
const PARTS = ['subject', 'text', 'html'] as const;

/**
 * The customer mail templates the central store sends from (issue 23; admins, email.manage): pick
 * one by kind and language, edit its subject, plain-text and HTML bodies, save. The store refuses
 * a placeholder the kind does not have, naming the part, and saves nothing then.
 */
export function EmailTemplatesSection() {
  const allowed = useCan('email.manage');
  const [templates, setTemplates] = useState<MailTemplate[] | null>(null);
  const [placeholders, setPlaceholders] = useState<Partial<Record<MailKind, string[]>>>({});
  const [chosen, setChosen] = useState('');
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    if (!allowed) return;
    let current = true;
    void switchboard()
      .emailTemplates({})
      .then((r) => {
        if (!current) return;
        if (!r.ok) {
          setFailure(r.error.message);
          return;
        }
        setTemplates(r.value.templates);
        setPlaceholders(r.value.placeholders);
        const first = r.value.templates[0];
        if (first) setChosen(keyOf(first));
      });
    return () => {
      current = false;
    };
  }, [allowed]);

  if (!allowed) return null;
  const template = templates?.find((t) => keyOf(t) === chosen);

  return (
    <AdminSection titleId="admin-email-title" title="Email templates" count={templates?.length ?? 0} said="" failure={failure}>
      {templates === null && failure === null && <p className="muted">Reading templates…</p>}
      {templates !== null && template && (
        <TemplateForm
          // A fresh form for each template: its fields start from that template.
          key={chosen}
          templates={templates}
          template={template}
          placeholders={placeholders[template.kind] ?? []}
          choose={setChosen}
          saved={(t) => setTemplates((all) => (all ?? []).map((x) => (keyOf(x) === keyOf(t) ? t : x)))}
        />
      )}
    </AdminSection>
  );
}

type TemplateInput = z.input<typeof saveTemplateRequest>;
type TemplateOutput = z.output<typeof saveTemplateRequest>;

function TemplateForm({
  templates,
  template,
  placeholders,
  choose,
  saved,
}: {
  templates: MailTemplate[];
  template: MailTemplate;
  placeholders: string[];
  choose(key: string): void;
  saved(template: MailTemplate): void;
}) {
  const chooseId = useId();
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const {
    register,
    handleSubmit,
    setError,
    watch,
    formState: { errors, isSubmitting },
  } = useForm<TemplateInput, unknown, TemplateOutput>({
    resolver: zodResolver(saveTemplateRequest),
    defaultValues: { subject: template.subject, text: template.text, html: template.html },
    mode: 'onSubmit',
  });

  const onSubmit = handleSubmit(async (draft) => {
    setSave({ kind: 'idle' });
    const r = await switchboard().emailSaveTemplate({ kind: template.kind, language: template.language, ...draft });
    if (!r.ok) {
      // The store names the part (its sentence starts "html: …"; the proxy forwards the sentence, not always the field).
      const field = r.error.field ?? /^(subject|text|html): /.exec(r.error.message)?.[1];
      const part = PARTS.find((p) => p === field);
      if (part) setError(part, { type: 'server', message: r.error.message }, { shouldFocus: true });
      else setSave({ kind: 'error', message: r.error.message });
      return;
    }
    saved(r.value);
    setSave({ kind: 'saved', text: `Saved: ${KIND_LABELS[r.value.kind].toLowerCase()} in ${r.value.language}.` });
  });

  return (
    <form className="form admin__form" aria-label="Email template" noValidate onSubmit={(e) => void onSubmit(e)}>
      <div className="field">
        <div className="field__head">
          <label htmlFor={chooseId} className="field__label">
            Template
          </label>
        </div>
        <select id={chooseId} className="field__input" value={keyOf(template)} onChange={(e) => choose(e.target.value)}>
          {templates.map((t) => (
            <option key={keyOf(t)} value={keyOf(t)}>
              {KIND_LABELS[t.kind]} — {t.language}
              {t.edited ? ' (edited)' : ''}
            </option>
          ))}
        </select>
      </div>
      <p className="field__hint">
        Placeholders: {placeholders.map((p) => `{{${p}}}`).join(', ')}. Values are escaped in the HTML.
        {template.updatedAt !== null && ` Last saved ${formatEpoch(template.updatedAt)} by ${template.updatedBy ?? 'an admin'}.`}
      </p>
      <TextField label="Subject" registration={register('subject')} error={errors.subject?.message} maxLength={MAIL_TEMPLATE_LIMITS.subject} length={watch('subject').length} />
      <TextAreaField label="Plain-text body" rows={8} registration={register('text')} error={errors.text?.message} maxLength={MAIL_TEMPLATE_LIMITS.text} length={watch('text').length} />
      <TextAreaField
        label="HTML body"
        className="mono"
        rows={8}
        registration={register('html')}
        error={errors.html?.message}
        maxLength={MAIL_TEMPLATE_LIMITS.html}
        length={watch('html').length}
      />
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={isSubmitting}>
          Save template
        </button>
        <SaveStatus state={save} />
      </div>
    </form>
  );
}
